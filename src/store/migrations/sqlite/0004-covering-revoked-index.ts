/**
 * Migration 4, sqlite: the CRL page index covers every column a CRL entry needs (revoked_at,
 * revoke_reason, not_after), so a rebuild reads the index alone. Without them each entry also read its
 * table row; with 100k revocations scattered over a million stored certificates that was most of the
 * rebuild (0.8–2.2 s of reads against 0.13–0.21 s; benchmarks/growth.bench.ts).
 * Same meaning as postgres/0004-covering-revoked-index.ts.
 */
export const sql = `
DROP INDEX certificates_revoked;
CREATE INDEX certificates_revoked ON certificates (issuer_id, serial_number, revoked_at, revoke_reason, not_after) WHERE status = 'REVOKE';
`;
