/**
 * `openStore(location, options)`: a `postgres://` or `postgresql://` URL opens PostgreSQL; anything else
 * is a SQLite file path. Adapters are imported lazily, so a SQLite user never loads pg and vice versa.
 *
 * The master passphrase comes from `options.passphrase`, else CASKIT_MASTER_PASSPHRASE, else the file
 * named by CASKIT_MASTER_PASSPHRASE_FILE. Without one the store refuses to open (StoreError
 * "no_passphrase") unless `devInsecure: true` or CASKIT_DEV_INSECURE_NO_PASSPHRASE=1, which use a public
 * development key and warn once on stderr.
 * @module caskit/store
 */
import type { Store } from "./port.js";
import type { OpenOptions } from "./sql-store.js";

/** Options of {@link openStore}. */
export interface OpenStoreOptions extends OpenOptions {
  /** PostgreSQL only: the schema holding caskit's tables (default `caskit`). */
  schema?: string;
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
export async function openStore(location: string, options: OpenStoreOptions = {}): Promise<Store> {
  if (/^postgres(ql)?:\/\//i.test(location)) {
    const { openPostgresStore } = await import("./postgres/index.js");
    return openPostgresStore({ ...options, url: location });
  }
  const { openSqliteStore } = await import("./sqlite/index.js");
  return openSqliteStore({ ...options, path: location });
}

export type { Store, StoreTx } from "./port.js";
export { StoreError } from "./errors.js";
