/** Store failures. `conflict` is a uniqueness violation (e.g. a serial repeated under one issuer). */
import { CaskitError } from "../errors.js";

export const STORE_ERROR_CODES = ["conflict", "unavailable", "bad_passphrase", "no_passphrase", "migration"] as const;
export type StoreErrorCode = (typeof STORE_ERROR_CODES)[number];

export class StoreError extends CaskitError<StoreErrorCode> {}
