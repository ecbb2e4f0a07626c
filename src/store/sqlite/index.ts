/**
 * The embedded default: one SQLite file via better-sqlite3.
 * - WAL journal, and no caller is answered before the WAL holding its transaction is fsynced, so what
 *   was returned survives a process crash or power loss (a serial handed out and then forgotten could be
 *   handed out again). SQLite's synchronous=FULL would fsync inside COMMIT, on the event loop — a server
 *   then does nothing for the ~5 ms of each fsync. So SQLite runs with synchronous=NORMAL (it still
 *   syncs around checkpoints) and, after each COMMIT, this adapter fsyncs the WAL itself on libuv's
 *   thread pool (`FileHandle.sync`: fsync flushes the file, whichever descriptor wrote it) and answers
 *   that group's callers when it completes, while the next group already runs.
 * - Several processes may share the file: every transaction takes the write lock up front
 *   (BEGIN IMMEDIATE) and waits up to busy_timeout for it, so concurrent issuers take turns instead of
 *   failing halfway with SQLITE_BUSY on lock upgrade (what a deferred BEGIN would risk).
 * - Group commit within one process: transactions queued together share one BEGIN IMMEDIATE … COMMIT
 *   (one fsync), each in its own SAVEPOINT, so a failing one rolls back alone; each caller is answered
 *   only after the COMMIT.
 * - foreign_keys=ON (SQLite's default is off).
 * @module caskit/store/sqlite
 */
import { type FileHandle, open as openFile } from "node:fs/promises";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { StoreError } from "../errors.js";
import { type Checkpointer, startCheckpointer } from "./checkpointer.js";
import { checkStoreFile, createStoreFile, describeSqliteFailure } from "./file.js";
import type { Store } from "../port.js";
import { type Driver, type OpenOptions, type SqlConn, openSqlStore, resolvePassphrase } from "../sql-store.js";

/** Options of {@link openSqliteStore}. */
export interface SqliteOptions extends OpenOptions {
  /** Path of the database file (created when missing, mode 0600, unless `create` is false). */
  path: string;
  /**
   * Whether a missing file may be created (default true). With `false` a missing file is refused with
   * StoreError("unavailable", "there is no SQLite store at PATH") and nothing is created.
   */
  create?: boolean;
  /**
   * Checkpoint the WAL from a worker thread instead of inside COMMITs on the event loop (see
   * checkpointer.ts). For long-running processes; `caskit serve` turns it on. Defaults to off.
   */
  backgroundCheckpoint?: boolean;
  /** Milliseconds a writer waits for another process's lock. Defaults to 30 s. */
  busyTimeoutMs?: number;
  /**
   * Most transactions grouped into one commit (one fsync) when several are waiting; 1 turns grouping
   * off. Defaults to 32, or CASKIT_SQLITE_GROUP_COMMIT.
   */
  groupCommit?: number;
}

/** Longest stretch one process holds the write lock while others may wait (see runGroups). */
const TENURE_MS = 100;
/** How long it then steps aside: a few of a waiter's 1–3 ms polls. */
const PAUSE_MS = 4;
/** Prepared once per distinct statement: preparing costs more than running these small statements. */
function statementCache(db: Database.Database): (sql: string) => Database.Statement {
  const statements = new Map<string, Database.Statement>();
  return (sql) => {
    let st = statements.get(sql);
    if (!st) {
      st = db.prepare(sql);
      if (statements.size < 500) statements.set(sql, st);
    }
    return st;
  };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function translate(e: unknown): unknown {
  const code = (e as { code?: string })?.code ?? "";
  if (code.startsWith("SQLITE_CONSTRAINT_UNIQUE") || code === "SQLITE_CONSTRAINT_PRIMARYKEY") {
    return new StoreError("conflict", "a record with the same unique key already exists", { cause: e });
  }
  if (code.startsWith("SQLITE_READONLY")) return new StoreError("read_only", "a write was attempted inside a read-only store transaction", { cause: e });
  if (code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED")) {
    return new StoreError("unavailable", "the database stayed locked by another process past the busy timeout", { cause: e });
  }
  if (code.startsWith("SQLITE_CANTOPEN") || code.startsWith("SQLITE_NOTADB") || code.startsWith("SQLITE_CORRUPT")) {
    return new StoreError("unavailable", "the SQLite file cannot be used", { cause: e });
  }
  return e;
}

/**
 * Opens (creating if missing, 0600, unless `create: false`) the SQLite store at `path`, applies pending
 * migrations and opens the key vault. An unusable file is StoreError("unavailable") with the reason
 * (no such directory, permission denied, read-only file system, not a database).
 * @example
 * ```ts
 * const store = await openSqliteStore({ path: "./caskit.db", passphrase: process.env.PASS });
 * ```
 */
export async function openSqliteStore(options: SqliteOptions): Promise<Store> {
  if (options.groupCommit === undefined && process.env.CASKIT_SQLITE_GROUP_COMMIT) options = { ...options, groupCommit: Number(process.env.CASKIT_SQLITE_GROUP_COMMIT) };
  // The file first: "no store here" or "permission denied" is more useful than a passphrase complaint.
  const exists = checkStoreFile(options.path, options.create ?? true);
  const passphrase = await resolvePassphrase(options);
  // A new store is created 0600 (keys and audit log), whatever the umask; SQLite copies the mode to -wal/-shm.
  if (!exists) createStoreFile(options.path);
  let db: Database.Database;
  try {
    db = new Database(options.path, { timeout: options.busyTimeoutMs ?? 30_000, fileMustExist: true });
  } catch (cause) {
    throw new StoreError("unavailable", `cannot open the SQLite store at ${options.path}: ${describeSqliteFailure(cause, options.path)}`, { cause });
  }
  try {
    // busy_timeout first (the constructor's `timeout`): switching a new file to WAL takes a lock that
    // another process opening the same new file at the same moment may hold.
    db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 30_000}`);
    db.pragma("journal_mode = WAL");
    // NORMAL: COMMIT does not fsync; runGroups does, off the event loop, before answering (see above).
    db.pragma("synchronous = NORMAL");
    db.pragma("foreign_keys = ON");
  } catch (cause) {
    db.close();
    throw new StoreError("unavailable", `cannot open the SQLite store at ${options.path}: ${describeSqliteFailure(cause, options.path)}`, { cause });
  }
  const prepare = statementCache(db);
  const conn: SqlConn = {
    async run(sql, params = []) {
      try {
        return prepare(sql).run(...(params as unknown[])).changes;
      } catch (e) {
        throw translate(e);
      }
    },
    async all(sql, params = []) {
      try {
        const st = prepare(sql);
        return (st.reader ? st.all(...(params as unknown[])) : (st.run(...(params as unknown[])), [])) as Record<string, unknown>[];
      } catch (e) {
        throw translate(e);
      }
    },
  };
  // Reads: a second, read-only connection (opened on first use, after migrations). In WAL mode its
  // snapshot never waits for the writer, in this process or another. Read transactions on it take
  // turns (one BEGIN … COMMIT at a time); each is a few statements.
  let reader: { db: Database.Database; conn: SqlConn; begin: Database.Statement; commit: Database.Statement; dataVersion: Database.Statement } | undefined;
  /** Set by close(): later calls are refused instead of reopening connections. */
  let closed = false;
  let readTail: Promise<unknown> = Promise.resolve();
  const openReader = () => {
    const rdb = new Database(options.path, { readonly: true, timeout: options.busyTimeoutMs ?? 30_000 });
    const rprep = statementCache(rdb);
    const rconn: SqlConn = {
      async run() {
        throw new StoreError("read_only", "a write was attempted inside a read-only store transaction");
      },
      async all(sql, params = []) {
        try {
          const st = rprep(sql);
          if (!st.reader) throw new StoreError("read_only", "a write was attempted inside a read-only store transaction");
          return st.all(...(params as unknown[])) as Record<string, unknown>[];
        } catch (e) {
          throw translate(e);
        }
      },
    };
    // Prepared once: these run for every lookup.
    return { db: rdb, conn: rconn, begin: rdb.prepare("BEGIN"), commit: rdb.prepare("COMMIT"), dataVersion: rdb.prepare("PRAGMA data_version").pluck() };
  };
  /** Runs `fn` on the read connection once the read before it is done (one snapshot at a time). */
  function onReader<T>(fn: (r: NonNullable<typeof reader>) => Promise<T>): Promise<T> {
    const run = async (): Promise<T> => {
      if (closed) throw new StoreError("unavailable", "the store is closed");
      reader ??= openReader();
      return fn(reader);
    };
    const p = readTail.then(run, run);
    readTail = p.catch(() => undefined);
    return p;
  }
  function withReadOnly<T>(fn: (c: SqlConn) => Promise<T>): Promise<T> {
    return onReader(async (r) => {
      r.begin.run();
      try {
        return await fn(r.conn);
      } finally {
        r.commit.run();
      }
    });
  }
  /**
   * PRAGMA data_version of the read connection, between its snapshots (queued like a read: inside an
   * open read transaction it would not move). It changes with every commit of any other connection —
   * this process's writer included — so an unchanged value means nothing was committed.
   *
   * Callers share one reading: a call joins a reading that has not started yet, and readings start on
   * the event loop's next check phase, after every request the current poll phase delivered. A reading
   * taken after a call was made is as fresh as one taken for it alone, so a commit that finished before
   * the call is still seen. (One reading per OCSP request was a tenth of the kept-answer path's CPU.)
   */
  let nextMark: Promise<number> | undefined;
  const changeMark = (): Promise<number> =>
    (nextMark ??= new Promise<void>((start) => setImmediate(start)).then(() => {
      nextMark = undefined; // from here on, a call waits for a reading of its own
      return onReader(async (r) => r.dataVersion.get() as number);
    }));

  // One connection. Transactions from this process are queued and run in groups: one BEGIN IMMEDIATE …
  // COMMIT (one fsync) around up to `groupCommit` of them, each inside its own SAVEPOINT so a failing one
  // rolls back alone. Every caller is answered only after the group's COMMIT: a result returned is durable.
  const groupCommit = Math.max(1, options.groupCommit ?? 32);
  let checkpointer: Checkpointer | undefined;
  if (options.backgroundCheckpoint) {
    db.pragma("wal_autocheckpoint = 0");
    checkpointer = startCheckpointer(options.path);
  }
  type Job = { fn: (c: SqlConn) => Promise<unknown>; resolve: (v: unknown) => void; reject: (e: unknown) => void };
  const pending: Job[] = [];
  let running = false;
  let idle: Promise<void> = Promise.resolve();
  let markIdle: () => void = () => undefined;
  // fsyncs started and not yet finished; close() waits for them.
  const syncing = new Set<Promise<void>>();
  // Whether a group wrote anything: rows changed (total_changes) or a script (DDL) ran.
  const totalChanges = db.prepare("SELECT total_changes()").pluck();
  // One savepoint per job, released before the next job starts: one name, prepared once.
  const savepoint = db.prepare("SAVEPOINT job");
  const release = db.prepare("RELEASE job");
  const rollbackTo = db.prepare("ROLLBACK TO job");
  let scriptRan = false;
  let wal: FileHandle | undefined;
  /** fsyncs the WAL (opened on first use: SQLite creates it with the first write), and once its directory. */
  async function syncWal(): Promise<void> {
    if (!wal) {
      const h = await openFile(`${options.path}-wal`, "r");
      if (wal) await h.close();
      else {
        wal = h;
        const d = await openFile(dirname(options.path), "r");
        try {
          await d.sync();
        } finally {
          await d.close();
        }
      }
    }
    await (wal as FileHandle).sync();
  }
  const busyTimeoutMs = options.busyTimeoutMs ?? 30_000;

  /**
   * Takes the write lock without blocking the event loop: SQLite's own busy handler sleeps inside the
   * call (a server would freeze for up to busy_timeout while a CLI batch holds the file), so here each
   * attempt fails at once and the wait is an async poll every millisecond (a timer's least), up to
   * busyTimeoutMs. Another `serve` worker holds the lock for well under a millisecond per group, so a
   * longer poll left the waiter idle: 1 ms against 1–3 ms, 2 workers, 6 alternating rounds of
   * `CASKIT_SCALE_ONLY=S2`: median 1.07× the requests per second, p99 27.7 against 29.7 ms (noisy).
   */
  async function begin(): Promise<void> {
    const deadline = performance.now() + busyTimeoutMs;
    db.pragma("busy_timeout = 0");
    try {
      for (;;) {
        try {
          db.exec("BEGIN IMMEDIATE");
          return;
        } catch (e) {
          const code = (e as { code?: string }).code ?? "";
          if (!code.startsWith("SQLITE_BUSY") || performance.now() > deadline) throw e;
        }
        await sleep(1);
      }
    } finally {
      // Statements inside a transaction rarely wait (WAL readers never block), but when they must —
      // WAL recovery after a crash — they wait rather than fail.
      db.pragma(`busy_timeout = ${busyTimeoutMs}`);
    }
  }

  async function runGroups(): Promise<void> {
    running = true;
    idle = new Promise((r) => (markIdle = r));
    // SQLite's lock is not fair: a process with a steady queue would re-take it microseconds after each
    // COMMIT and keep another process waiting until its queue drains (or the other's busy timeout hits).
    // After holding it for TENURE_MS straight, step aside for PAUSE_MS — longer than a waiter's poll
    // interval — so other processes get turns, at a cost of under 4% of a saturated single writer.
    let heldSince = -1;
    try {
      while (pending.length) {
        if (heldSince >= 0 && performance.now() - heldSince > TENURE_MS) {
          await sleep(PAUSE_MS);
          heldSince = -1;
        }
        const group = pending.splice(0, groupCommit);
        const outcomes: Array<{ ok: true; value: unknown } | { ok: false; error: unknown }> = [];
        const changesBefore = totalChanges.get() as number;
        scriptRan = false;
        try {
          await begin();
          if (heldSince < 0) heldSince = performance.now();
        } catch (e) {
          for (const j of group) j.reject(translate(e));
          continue;
        }
        try {
          for (const job of group) {
            savepoint.run();
            try {
              outcomes.push({ ok: true, value: await job.fn(conn) });
              release.run();
            } catch (error) {
              rollbackTo.run();
              release.run();
              outcomes.push({ ok: false, error });
            }
          }
          db.exec("COMMIT");
        } catch (e) {
          if (db.inTransaction) db.exec("ROLLBACK");
          for (const j of group) j.reject(translate(e));
          continue;
        }
        const answer = () =>
          group.forEach((job, i) => {
            const o = outcomes[i];
            if (o?.ok) job.resolve(o.value);
            else job.reject(o?.error);
          });
        if (!scriptRan && totalChanges.get() === changesBefore) {
          answer(); // nothing was written: nothing to make durable
          continue;
        }
        const sync = syncWal().then(answer, (e: unknown) => {
          const err = new StoreError("unavailable", "the SQLite write-ahead log could not be synced to disk", { cause: e });
          for (const j of group) j.reject(err);
        });
        syncing.add(sync);
        void sync.finally(() => syncing.delete(sync));
      }
    } finally {
      running = false;
      markIdle();
    }
  }

  const driver: Driver = {
    dialect: "sqlite",
    withReadOnly,
    changeMark,
    withTransaction<T>(fn: (c: SqlConn) => Promise<T>): Promise<T> {
      if (closed) return Promise.reject(new StoreError("unavailable", "the store is closed"));
      return new Promise<T>((resolve, reject) => {
        pending.push({ fn, resolve: resolve as (v: unknown) => void, reject });
        // Start on the next tick, so transactions submitted together share one commit.
        if (!running) {
          running = true;
          setImmediate(() => void runGroups());
        }
      });
    },
    async execScript(_c, sql) {
      scriptRan = true;
      db.exec(sql);
    },
    async lockForMigration() {
      // BEGIN IMMEDIATE already holds the database's write lock.
    },
    async close() {
      closed = true;
      while (running || pending.length || syncing.size) {
        await (running ? idle : syncing.size ? Promise.all(syncing) : new Promise((r) => setImmediate(r)));
      }
      await wal?.close();
      wal = undefined;
      await checkpointer?.close();
      checkpointer = undefined;
      await readTail;
      reader?.db.close();
      reader = undefined;
      if (db.open) db.close();
    },
  };
  return openSqlStore(driver, passphrase);
}
