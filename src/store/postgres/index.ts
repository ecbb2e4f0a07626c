/**
 * PostgreSQL, for several machines sharing one CA. Each transaction runs on one pooled connection; the
 * per-CA CRL counter is bumped with a single UPDATE … RETURNING (row-locked), serial uniqueness is a
 * UNIQUE constraint, and migrations run under an advisory lock so concurrent first opens are safe.
 * @module caskit/store/postgres
 */
import pg from "pg";
import { StoreError } from "../errors.js";
import type { Store } from "../port.js";
import { type Driver, type OpenOptions, type SqlConn, openSqlStore } from "../sql-store.js";

export interface PostgresOptions extends OpenOptions {
  /** postgres://user@host:port/database */
  url: string;
  /** Schema to use (created when missing); defaults to "caskit". */
  schema?: string;
  /** Pool size; defaults to 10. */
  max?: number;
}

const MIGRATION_LOCK = 0x6361736b; // "cask"

function translate(e: unknown): unknown {
  const code = (e as { code?: string })?.code;
  if (code === "23505") return new StoreError("conflict", "a record with the same unique key already exists", { cause: e });
  if (code === "ECONNREFUSED" || code === "57P01" || code === "08006") return new StoreError("unavailable", "PostgreSQL is unavailable", { cause: e });
  return e;
}

/** `?` placeholders → `$1, $2, …` (our statements never contain a literal `?`). */
const numbered = (sql: string): string => {
  let i = 0;
  return sql.replace(/\?/g, () => `$${++i}`);
};

export async function openPostgresStore(options: PostgresOptions): Promise<Store> {
  const schema = options.schema ?? "caskit";
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new StoreError("unavailable", `invalid schema name "${schema}"`);
  const pool = new pg.Pool({ connectionString: options.url, max: options.max ?? 10 });
  pool.on("error", () => undefined); // idle-client errors surface on the next query instead
  pool.on("connect", (client) => {
    client.query(`SET search_path TO ${schema}`).catch(() => undefined);
  });
  try {
    const c = await pool.connect();
    try {
      await c.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
      await c.query(`SET search_path TO ${schema}`);
    } finally {
      c.release();
    }
  } catch (e) {
    await pool.end().catch(() => undefined);
    throw new StoreError("unavailable", "cannot connect to PostgreSQL", { cause: e });
  }
  const driver: Driver = {
    dialect: "postgres",
    async withTransaction(fn) {
      let client: pg.PoolClient;
      try {
        client = await pool.connect();
      } catch (e) {
        throw translate(e);
      }
      const conn: SqlConn = {
        async run(sql, params = []) {
          try {
            return (await client.query(numbered(sql), params as unknown[])).rowCount ?? 0;
          } catch (e) {
            throw translate(e);
          }
        },
        async all(sql, params = []) {
          try {
            return (await client.query(numbered(sql), params as unknown[])).rows;
          } catch (e) {
            throw translate(e);
          }
        },
      };
      try {
        await client.query(`SET search_path TO ${schema}`);
        await client.query("BEGIN");
        const result = await fn(conn);
        await client.query("COMMIT");
        return result;
      } catch (e) {
        await client.query("ROLLBACK").catch(() => undefined);
        throw e;
      } finally {
        client.release();
      }
    },
    async execScript(c, sql) {
      await c.run(sql);
    },
    async lockForMigration(c) {
      await c.all(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK})`);
    },
    async close() {
      await pool.end();
    },
  };
  return openSqlStore(driver, options);
}
