/**
 * Migration 3, postgres: the two revocation indexes become partial (WHERE status = 'REVOKE'). Only revoked
 * rows are ever looked up through them (CRL pages, MAX(revoked_at)), and those queries name the literal
 * status, so the planner still uses them; but an issuance no longer inserts into either — two B-tree
 * inserts fewer per certificate, and indexes the size of the revocation list instead of the store.
 * Same meaning as sqlite/0003-partial-revoked-indexes.ts.
 */
export const sql = `
DROP INDEX certificates_revoked;
DROP INDEX certificates_revoked_at;
CREATE INDEX certificates_revoked ON certificates (issuer_id, serial_number) WHERE status = 'REVOKE';
CREATE INDEX certificates_revoked_at ON certificates (issuer_id, revoked_at) WHERE status = 'REVOKE';
`;
