/**
 * PostgreSQL, for several machines sharing one CA.
 * - Each transaction runs on one pooled connection between BEGIN and COMMIT (READ COMMITTED).
 * - Counters are row-locked, not SERIALIZABLE: the per-CA CRL number is taken with one
 *   `UPDATE … RETURNING`, which holds the CA row's lock until COMMIT, so concurrent takers from any number
 *   of processes queue and each sees the previous one's committed value (strictly increasing, no
 *   serialization-failure retries needed). Serial uniqueness is a UNIQUE constraint.
 * - Schema creation and migrations run under a transaction-scoped advisory lock per schema, so several
 *   processes opening a new schema at once are safe.
 * - All tables live in one schema (option `schema`, default `caskit`), set as the connections' search_path
 *   at connect time, so tests can use a throwaway schema per run.
 * @module caskit/store/postgres
 */
import pg from "pg";
import { DEFAULT_POOL } from "./pool.js";
import { StoreError } from "../errors.js";
import type { Store } from "../port.js";
import { type Driver, type OpenOptions, type SqlConn, openSqlStore, resolvePassphrase } from "../sql-store.js";

/** Options of {@link openPostgresStore}. */
export interface PostgresOptions extends OpenOptions {
  /** postgres://user@host:port/database (or postgresql://…). */
  url: string;
  /** Schema to use (created when missing); defaults to "caskit". Lowercase letters, digits, `_`. */
  schema?: string;
  /**
   * Connections per pool (one pool for writes, one for lookups, so up to twice this many); defaults to
   * {@link DEFAULT_POOL}. With several processes (serve --workers, several instances) each has its own
   * pools: keep processes × 2 × max under the server's max_connections.
   */
  max?: number;
}

/** SQLSTATE classes and socket errors that mean "the server is not there (any more)". */
function unreachable(code: string | undefined): boolean {
  if (!code) return false;
  return code.startsWith("08") || code.startsWith("57P") || code === "28P01" || code === "28000" || code === "3D000" || /^E[A-Z]+$/.test(code);
}

function translate(e: unknown): unknown {
  if (e instanceof StoreError) return e;
  const code = (e as { code?: string })?.code;
  if (code === "23505") return new StoreError("conflict", "a record with the same unique key already exists", { cause: e });
  if (code === "25006") return new StoreError("read_only", "a write was attempted inside a read-only store transaction", { cause: e });
  if (unreachable(code)) return new StoreError("unavailable", "PostgreSQL is unavailable", { cause: e });
  return e;
}

/** `?` placeholders → `$1, $2, …` (our statements never contain a literal `?`). */
const numbered = (sql: string): string => {
  let i = 0;
  return sql.replace(/\?/g, () => `$${++i}`);
};

/**
 * Named prepared statements: each distinct statement is parsed and planned once per connection, not
 * once per execution (about a third of the server's CPU per issuance went to parsing and planning the
 * same few statements). Only statements with parameters are named (a script of several statements
 * must go through the simple protocol), and at most {@link MAX_NAMED} distinct texts per process, so
 * statements built with a variable number of placeholders cannot grow the server's per-connection
 * cache without bound; past that they run unnamed, as before.
 */
const MAX_NAMED = 500;
const statements = new Map<string, { text: string; name?: string }>();
function statementFor(sql: string, hasParams: boolean): { text: string; name?: string } {
  let st = statements.get(sql);
  if (!st) {
    st = { text: numbered(sql), name: hasParams && statements.size < MAX_NAMED ? `caskit_${statements.size}` : undefined };
    if (statements.size < MAX_NAMED * 2) statements.set(sql, st);
  }
  return hasParams ? st : { text: st.text };
}

/**
 * "cached plan must not change result type": a prepared `SELECT *` whose table another (newer) process
 * has since altered. The transaction fails; its connection is discarded so the next one prepares afresh.
 */
const stalePlan = (e: unknown): boolean => (e as { code?: string })?.code === "0A000";

/**
 * Opens the PostgreSQL store at `url` in `schema`, applies pending migrations and opens the key vault.
 * Fails with StoreError("unavailable") when the server cannot be reached.
 * @example
 * ```ts
 * const store = await openPostgresStore({ url: "postgres://caskit@db.internal/caskit", passphrase });
 * ```
 */
export async function openPostgresStore(options: PostgresOptions): Promise<Store> {
  const schema = options.schema ?? "caskit";
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new TypeError(`invalid schema name "${schema}": use lowercase letters, digits and _`);
  const passphrase = await resolvePassphrase(options);
  // search_path as a startup parameter: set once per connection by the server, no extra round trip per
  // transaction, and never racing a query on a fresh connection.
  const max = options.max ?? DEFAULT_POOL;
  // Pipeline mode: a query is written as soon as it is made, behind those still unanswered (each with its
  // own Sync, so an error stays its own). A transaction's BEGIN goes out with its first statement, and its
  // COMMIT with its last write (`write`), instead of a round trip each.
  const pool = new pg.Pool({ connectionString: options.url, max, options: `-c search_path=${schema}`, pipeline: true });
  // Lookups run on connections of their own that the server makes read-only, each statement in its own
  // implicit transaction: no BEGIN READ ONLY / COMMIT round trips. Nothing is lost by it: under READ
  // COMMITTED (the default, and what BEGIN gave) every statement takes its own snapshot either way.
  const readers = new pg.Pool({ connectionString: options.url, max, options: `-c search_path=${schema} -c default_transaction_read_only=on`, pipeline: true });
  for (const p of [pool, readers]) p.on("error", () => undefined); // an idle client's error surfaces on its next query instead
  const lockKey = `caskit:${schema}`;

  // One SqlConn per pooled connection, kept: the store keeps its repositories per SqlConn for lookups.
  const conns = new WeakMap<pg.PoolClient, PgConn>();
  const conn = (client: pg.PoolClient): PgConn => {
    let c = conns.get(client);
    if (!c) conns.set(client, (c = connOf(client)));
    return c;
  };
  /**
   * What `client` writes from now until the current microtask queue drains leaves in one syscall (its
   * socket corked until the next tick): a BEGIN with the statement behind it, a last write with its COMMIT.
   */
  const together = (client: pg.PoolClient): void => {
    const socket = client.connection.stream;
    socket.cork();
    process.nextTick(() => socket.uncork());
  };
  /** A pooled connection's SqlConn, with the writes sent and not yet answered in its current transaction. */
  type PgConn = SqlConn & { pending: Array<Promise<unknown>> | null };
  const connOf = (client: pg.PoolClient): PgConn => {
    // Queries go out in the order they are made (pipeline mode), so reads fired together inside a
    // transaction (Promise.all) need no queue of ours.
    const query = (sql: string, params: unknown[]): Promise<pg.QueryResult> => {
      const st = statementFor(sql, params.length > 0);
      return client.query({ text: st.text, name: st.name, values: params }).catch((e: unknown) => {
        throw translate(e);
      });
    };
    const c: PgConn = {
      pending: null,
      run: async (sql, params = []) => (await query(sql, params)).rowCount ?? 0,
      all: async (sql, params = []) => (await query(sql, params)).rows,
      // Inside a transaction: sent, not waited for; the COMMIT waits (see inTransaction). Elsewhere: `run`.
      write: async (sql, params) => {
        if (!c.pending) return void (await query(sql, params));
        together(client); // the COMMIT, if it comes next, shares its write
        const p = query(sql, params);
        p.catch(() => undefined); // answered through the commit
        c.pending.push(p);
      },
    };
    return c;
  };

  /** A connection from `from`; a server that cannot be reached is StoreError("unavailable"). */
  async function checkout(from: pg.Pool): Promise<pg.PoolClient> {
    try {
      return await from.connect();
    } catch (e) {
      throw translate(e);
    }
  }

  /** One read-only connection, no transaction block (see `readers`). */
  async function onReader<T>(fn: (c: SqlConn) => Promise<T>): Promise<T> {
    const client = await checkout(readers);
    let broken: Error | undefined;
    try {
      return await fn(conn(client));
    } catch (e) {
      if (stalePlan(e)) broken = e as Error;
      throw translate(e);
    } finally {
      client.release(broken);
    }
  }

  /**
   * One pooled connection inside BEGIN … COMMIT; anything thrown rolls back and is rethrown.
   * BEGIN is not waited for: the transaction's first statement goes out right behind it, and on one
   * connection the server runs them in that order. Writes sent without waiting (`write`) are awaited with
   * the COMMIT written behind them: if one failed, the transaction was aborted, the server answers the
   * COMMIT with a rollback, and that write's error is what the caller gets.
   */
  async function inTransaction<T>(fn: (c: SqlConn) => Promise<T>): Promise<T> {
    const client = await checkout(pool);
    const c = conn(client);
    together(client);
    const begun = client.query("BEGIN").catch((e: unknown) => {
      throw translate(e);
    });
    begun.catch(() => undefined); // answered through the commit, or the rollback's cause
    const pending: Array<Promise<unknown>> = [begun];
    c.pending = pending;
    let broken: Error | undefined;
    try {
      const result = await fn(c);
      c.pending = null;
      const committed = client.query("COMMIT");
      committed.catch(() => undefined);
      await Promise.all(pending);
      await committed;
      return result;
    } catch (e) {
      c.pending = null;
      // An earlier write sent without waiting that failed aborted the transaction: its error, not the
      // "transaction is aborted" of whatever came after it, is the cause.
      const first = (await Promise.allSettled(pending)).find((r): r is PromiseRejectedResult => r.status === "rejected")?.reason as unknown;
      await client.query("ROLLBACK").catch((rollbackError: Error) => {
        // A connection that cannot roll back is discarded, not returned to the pool mid-transaction.
        broken = rollbackError;
      });
      const cause = first ?? e;
      for (const x of [cause, e]) if (stalePlan(x)) broken ??= x as Error;
      throw translate(cause);
    } finally {
      client.release(broken);
    }
  }

  const driver: Driver = {
    dialect: "postgres",
    withTransaction: inTransaction,
    withReadOnly: onReader,
    async execScript(c, sql) {
      await c.run(sql);
    },
    async lockForMigration(c) {
      await c.all("SELECT pg_advisory_xact_lock(hashtext(?))", [lockKey]);
    },
    async close() {
      await Promise.all([pool.end(), readers.end()]);
    },
  };

  try {
    // CREATE SCHEMA IF NOT EXISTS is not safe against itself (two sessions can both pass the check and
    // one fails on the catalog's unique index): serialize it with the migration lock.
    await driver.withTransaction(async (c) => {
      await driver.lockForMigration(c);
      await c.run(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    });
  } catch (e) {
    await Promise.all([pool.end(), readers.end()]).catch(() => undefined);
    throw e instanceof StoreError ? e : new StoreError("unavailable", "cannot connect to PostgreSQL", { cause: e });
  }
  return openSqlStore(driver, passphrase);
}
