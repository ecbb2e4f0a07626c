/**
 * Store failures, each with a stable code (docs/errors.md; CAS mapping in src/service/errors.ts):
 * - `conflict`: a uniqueness violation (a serial repeated under one issuer, an id reused);
 * - `unavailable`: the database cannot be opened or reached, or stayed locked by another writer past
 *   the busy timeout;
 * - `bad_passphrase` / `no_passphrase`: the master passphrase is wrong / missing;
 * - `migration`: the schema is newer than this code, or a migration failed (nothing applied);
 * - `read_only`: a write inside `Store.read` (a programming error: reads are for lookups).
 * @module caskit/store
 */
import { CaskitError } from "../errors.js";

/** Every StoreError code. */
export const STORE_ERROR_CODES = ["conflict", "unavailable", "bad_passphrase", "no_passphrase", "migration", "read_only"] as const;
/** One StoreError code. */
export type StoreErrorCode = (typeof STORE_ERROR_CODES)[number];

/** A failure of the store, with a {@link StoreErrorCode}. */
export class StoreError extends CaskitError<StoreErrorCode> {}
