/**
 * Migration 5, postgres: what revocation needs to stay true.
 * - certificates.deleted_at: DeleteClientCertificate hides a certificate from lookups and lists but
 *   keeps its row, so a revoked certificate stays on its issuer's CRL until it has expired (RFC 5280
 *   §3.3); deleting used to take it off, which un-revoked it for every relying party.
 * - cas.revoke_reason: the reason a CA was revoked with, listed on its parent's CRL.
 * - cas.revocation_seq / crls.revocation_seq: a per-CA counter bumped under the CA row lock by every
 *   revocation under it; a CRL records the counter it covers, so freshness is a comparison of
 *   counters, not of clocks (a revocation committed after a concurrent rebuild read, or stamped by a
 *   host whose clock is behind, can no longer hide until half of CrlDay has passed). NULL on CRLs made
 *   before this migration: they are rebuilt once.
 * - cas (parent_id, serial_number) unique: sub-CAs share their issuer's serial space with its leaves
 *   (the leaf side is checked at insert; RFC 5280 §4.1.2.2).
 * Same meaning as sqlite/0005-revocation-integrity.ts.
 */
export const sql = `
ALTER TABLE certificates ADD COLUMN deleted_at BIGINT;
ALTER TABLE cas ADD COLUMN revoke_reason TEXT;
ALTER TABLE cas ADD COLUMN revocation_seq BIGINT NOT NULL DEFAULT 0;
ALTER TABLE crls ADD COLUMN revocation_seq BIGINT;
CREATE UNIQUE INDEX cas_parent_serial ON cas (parent_id, serial_number);
`;
