/**
 * Migration 2, PostgreSQL: indexes for the questions asked on every CRL fetch. `lastRevocation` takes
 * MAX(revoked_at) of one issuer's revoked certificates and of its revoked sub-CAs; without these it walks
 * every revoked entry of the CA (a million rows for a big CA) on each public CRL request.
 * The tenant indexes gain `id`, the listings' last ORDER BY term, so a page is read in index order
 * instead of sorting all of a tenant's rows first.
 * Also closes a gap of migration 1: row triggers do not fire on TRUNCATE, so the audit log refuses it
 * with a statement trigger (SQLite has no TRUNCATE; its DELETE-all runs the row trigger).
 * Same meaning as sqlite/0002-indexes.ts.
 */
export const sql = `
CREATE INDEX certificates_revoked_at ON certificates (issuer_id, status, revoked_at);
CREATE INDEX cas_parent ON cas (parent_id, status);
DROP INDEX certificates_tenant;
CREATE INDEX certificates_tenant_order ON certificates (tenant_id, created_at, id);
DROP INDEX cas_tenant;
CREATE INDEX cas_tenant_order ON cas (tenant_id, created_at, id);
CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
`;
