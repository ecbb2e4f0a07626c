/**
 * `openStore(location, options)`: a `postgres://` or `postgresql://` URL opens PostgreSQL; anything else
 * is a SQLite file path. Adapters are imported lazily, so a SQLite user never loads pg and vice versa.
 *
 * The master passphrase comes from `options.passphrase`, else CASKIT_MASTER_PASSPHRASE, else the file
 * named by CASKIT_MASTER_PASSPHRASE_FILE. Without one the store refuses to open (StoreError
 * "no_passphrase") unless `devInsecure: true` or CASKIT_DEV_INSECURE_NO_PASSPHRASE=1, which use a public
 * development key and warn once on stderr.
 *
 * A missing SQLite file is created (mode 0600) unless `create: false`, which refuses it with
 * StoreError("unavailable", "there is no SQLite store at PATH") — for tools that must not make a new,
 * empty store out of a mistyped path. A PostgreSQL URL may name its schema as `?schema=NAME` and its
 * pool size as `?pool=N` (both removed from the URL before connecting; `options.schema` and
 * `options.pool` win when given).
 * @module caskit/store
 */
import type { Store } from "./port.js";
import type { OpenOptions } from "./sql-store.js";

/** Options of {@link openStore}. */
export interface OpenStoreOptions extends OpenOptions {
  /** PostgreSQL only: the schema holding caskit's tables (default: the URL's `?schema=`, else `caskit`). */
  schema?: string;
  /**
   * SQLite only: whether a missing file may be created (default true). PostgreSQL creates its schema
   * on first use either way (the database itself must exist).
   */
  create?: boolean;
  /**
   * PostgreSQL only: connections per pool (default: the URL's `?pool=`, else 8; the store keeps one pool
   * for writes and one for lookups).
   */
  pool?: number;
  /** SQLite only: checkpoint the WAL from a worker thread (long-running processes). */
  backgroundCheckpoint?: boolean;
}

/**
 * Opens the store at `location` (a PostgreSQL URL or a SQLite file path).
 * @example
 * ```ts
 * const store = await openStore(process.env.CASKIT_DATA ?? "./caskit.db");
 * ```
 */
/** Whether `location` names a PostgreSQL database (a `postgres://` or `postgresql://` URL) rather than a SQLite file. */
export const isPostgresLocation = (location: string): boolean => /^postgres(ql)?:\/\//i.test(location);

export async function openStore(location: string, options: OpenStoreOptions = {}): Promise<Store> {
  if (isPostgresLocation(location)) {
    const { openPostgresStore } = await import("./postgres/index.js");
    const { create: _create, ...rest } = options;
    const { url, schema, pool } = splitParams(location);
    return openPostgresStore({ ...rest, url, schema: options.schema ?? schema, max: options.pool ?? pool });
  }
  const { openSqliteStore } = await import("./sqlite/index.js");
  return openSqliteStore({ ...options, path: location });
}

/** `postgres://…?schema=NAME&pool=N&…` → the URL without caskit's own parameters, and their values. */
function splitParams(location: string): { url: string; schema?: string; pool?: number } {
  const q = location.indexOf("?");
  if (q < 0) return { url: location };
  const params = new URLSearchParams(location.slice(q + 1));
  const schema = params.get("schema") ?? undefined;
  const poolText = params.get("pool") ?? undefined;
  if (schema === undefined && poolText === undefined) return { url: location };
  let pool: number | undefined;
  if (poolText !== undefined) {
    pool = Number(poolText);
    if (!Number.isInteger(pool) || pool < 1 || pool > 100) throw new TypeError(`pool=${poolText.slice(0, 16)} in the PostgreSQL URL must be a whole number from 1 to 100`);
  }
  params.delete("schema");
  params.delete("pool");
  const rest = params.toString();
  return { url: location.slice(0, q) + (rest ? `?${rest}` : ""), schema, pool };
}

export type { Store, StoreTx } from "./port.js";
export { StoreError } from "./errors.js";
