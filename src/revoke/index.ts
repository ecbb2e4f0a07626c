/**
 * caskit revocation: v2 CRLs from (serial, time, reason) entries.
 * @module caskit/revoke
 */
export { buildCrl, type BuildCrlParams, type CrlIssuer, type CrlResult, type RevokedEntry } from "./crl.js";
export { CRL_REASONS, REVOCATION_REASONS, parseCrlReason, parseRevocationReason, type CrlReason, type RevocationReason } from "./reasons.js";
