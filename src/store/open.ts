/**
 * `openStore(location)`: a postgres:// or postgresql:// URL opens PostgreSQL; anything else is a SQLite
 * file path. Adapters are imported lazily so the SQLite user never loads pg and vice versa.
 * @module caskit/store
 */
import type { Store } from "./port.js";
import type { OpenOptions } from "./sql-store.js";

export async function openStore(location: string, options: OpenOptions & { schema?: string } = {}): Promise<Store> {
  if (/^postgres(ql)?:\/\//.test(location)) {
    const { openPostgresStore } = await import("./postgres/index.js");
    return openPostgresStore({ ...options, url: location });
  }
  const { openSqliteStore } = await import("./sqlite/index.js");
  return openSqliteStore({ ...options, path: location });
}

export type { Store, StoreTx } from "./port.js";
export { StoreError } from "./errors.js";
