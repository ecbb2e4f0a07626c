/**
 * Migration 2, SQLite: indexes for the questions asked on every CRL fetch. `lastRevocation` takes
 * MAX(revoked_at) of one issuer's revoked certificates and of its revoked sub-CAs; without these it walks
 * every revoked entry of the CA (a million rows for a big CA) on each public CRL request.
 * Same meaning as postgres/0002-revocation-indexes.ts.
 */
export const sql = `
CREATE INDEX certificates_revoked_at ON certificates (issuer_id, status, revoked_at);
CREATE INDEX cas_parent ON cas (parent_id, status);
`;
