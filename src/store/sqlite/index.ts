/**
 * The embedded default: one SQLite file via better-sqlite3, WAL journal, synchronous=FULL (a committed
 * transaction survives a crash or power loss: the WAL is fsynced at every commit). Several processes may
 * share the file: writers take the lock up front (BEGIN IMMEDIATE) and wait up to busy_timeout for it,
 * so concurrent issuers serialize instead of failing.
 * @module caskit/store/sqlite
 */
import Database from "better-sqlite3";
import { StoreError } from "../errors.js";
import type { Store } from "../port.js";
import { type Driver, type OpenOptions, type SqlConn, openSqlStore } from "../sql-store.js";

export interface SqliteOptions extends OpenOptions {
  /** Path of the database file (created when missing). */
  path: string;
  /** Milliseconds a writer waits for another process's lock. Defaults to 30 s. */
  busyTimeoutMs?: number;
}

function translate(e: unknown): unknown {
  const code = (e as { code?: string })?.code ?? "";
  if (code.startsWith("SQLITE_CONSTRAINT_UNIQUE") || code === "SQLITE_CONSTRAINT_PRIMARYKEY") {
    return new StoreError("conflict", "a record with the same unique key already exists", { cause: e });
  }
  if (code === "SQLITE_BUSY" || code === "SQLITE_LOCKED") return new StoreError("unavailable", "the database is locked by another process", { cause: e });
  return e;
}

export async function openSqliteStore(options: SqliteOptions): Promise<Store> {
  let db: Database.Database;
  try {
    db = new Database(options.path);
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = FULL");
    db.pragma("foreign_keys = ON");
    db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 30_000}`);
  } catch (cause) {
    throw new StoreError("unavailable", `cannot open the SQLite store at ${options.path}`, { cause });
  }
  const conn: SqlConn = {
    async run(sql, params = []) {
      try {
        return db.prepare(sql).run(...(params as unknown[])).changes;
      } catch (e) {
        throw translate(e);
      }
    },
    async all(sql, params = []) {
      try {
        const st = db.prepare(sql);
        return (st.reader ? st.all(...(params as unknown[])) : (st.run(...(params as unknown[])), [])) as Record<string, unknown>[];
      } catch (e) {
        throw translate(e);
      }
    },
  };
  // One connection: transactions from this process take turns (the next starts when the last ends).
  let queue: Promise<unknown> = Promise.resolve();
  const driver: Driver = {
    dialect: "sqlite",
    withTransaction<T>(fn: (c: SqlConn) => Promise<T>): Promise<T> {
      const next = queue.then(async () => {
        try {
          db.exec("BEGIN IMMEDIATE");
        } catch (e) {
          throw translate(e);
        }
        try {
          const result = await fn(conn);
          db.exec("COMMIT");
          return result;
        } catch (e) {
          if (db.inTransaction) db.exec("ROLLBACK");
          throw e;
        }
      });
      queue = next.catch(() => undefined);
      return next;
    },
    async execScript(_c, sql) {
      db.exec(sql);
    },
    async lockForMigration() {
      // BEGIN IMMEDIATE already holds the database's write lock.
    },
    async close() {
      await queue;
      if (db.open) db.close();
    },
  };
  return openSqlStore(driver, options);
}
