/**
 * Migration 2, SQLite: indexes for the questions asked on every CRL fetch. `lastRevocation` takes
 * MAX(revoked_at) of one issuer's revoked certificates and of its revoked sub-CAs; without these it walks
 * every revoked entry of the CA (a million rows for a big CA) on each public CRL request.
 * The tenant indexes gain `id`, the listings' last ORDER BY term, so a page is read in index order
 * instead of sorting all of a tenant's rows first.
 * Same meaning as postgres/0002-indexes.ts.
 */
export const sql = `
CREATE INDEX certificates_revoked_at ON certificates (issuer_id, status, revoked_at);
CREATE INDEX cas_parent ON cas (parent_id, status);
DROP INDEX certificates_tenant;
CREATE INDEX certificates_tenant_order ON certificates (tenant_id, created_at, id);
DROP INDEX cas_tenant;
CREATE INDEX cas_tenant_order ON cas (tenant_id, created_at, id);
`;
