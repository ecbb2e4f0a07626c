/**
 * Migration 1, SQLite: tenants, access keys, CAs, certificates, CRLs, the audit log and the store's own
 * metadata (the key vault's salt and check value). Times are Unix milliseconds in INTEGER (64-bit, exact
 * and comparable), bytes are BLOB, and triggers make the audit log refuse UPDATE and DELETE.
 * Same meaning as postgres/0001-init.ts (checked by test/store/schema-parity.test.ts).
 * A released migration is never edited: changes go in the next number.
 */
export const sql = `
CREATE TABLE store_meta (key TEXT PRIMARY KEY, value BLOB NOT NULL);
CREATE TABLE tenants (id TEXT PRIMARY KEY, name TEXT NOT NULL, created_at INTEGER NOT NULL);
CREATE TABLE access_keys (
  id TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL REFERENCES tenants(id),
  secret_enc BLOB NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('enabled','disabled')),
  created_at INTEGER NOT NULL
);
CREATE TABLE cas (
  id TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL REFERENCES tenants(id),
  parent_id TEXT REFERENCES cas(id),
  kind TEXT NOT NULL CHECK (kind IN ('ROOT','SUB_ROOT')),
  status TEXT NOT NULL CHECK (status IN ('ISSUE','REVOKE')),
  certificate_pem TEXT NOT NULL,
  chain_pem TEXT NOT NULL,
  key_enc BLOB NOT NULL,
  subject TEXT NOT NULL,
  serial_number TEXT NOT NULL,
  algorithm TEXT NOT NULL,
  key_size INTEGER NOT NULL,
  sign_algorithm TEXT NOT NULL,
  not_before INTEGER NOT NULL,
  not_after INTEGER NOT NULL,
  years INTEGER NOT NULL,
  path_len INTEGER,
  crl_enabled INTEGER NOT NULL,
  crl_days INTEGER NOT NULL,
  next_crl_number INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL,
  revoked_at INTEGER
);
CREATE INDEX cas_tenant ON cas (tenant_id, created_at);
CREATE TABLE certificates (
  id TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL REFERENCES tenants(id),
  issuer_id TEXT NOT NULL REFERENCES cas(id),
  serial_number TEXT NOT NULL,
  certificate_type TEXT NOT NULL CHECK (certificate_type IN ('SERVER','CLIENT')),
  status TEXT NOT NULL CHECK (status IN ('ISSUE','REVOKE')),
  certificate_pem TEXT NOT NULL,
  subject TEXT NOT NULL,
  sans TEXT NOT NULL,
  not_before INTEGER NOT NULL,
  not_after INTEGER NOT NULL,
  algorithm TEXT NOT NULL,
  key_size INTEGER NOT NULL,
  sign_algorithm TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  key_enc BLOB,
  tags TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  revoked_at INTEGER,
  revoke_reason TEXT,
  UNIQUE (issuer_id, serial_number)
);
CREATE INDEX certificates_tenant ON certificates (tenant_id, created_at);
CREATE INDEX certificates_revoked ON certificates (issuer_id, status, serial_number);
CREATE TABLE crls (
  ca_id TEXT NOT NULL REFERENCES cas(id),
  crl_number INTEGER NOT NULL,
  this_update INTEGER NOT NULL,
  next_update INTEGER NOT NULL,
  der BLOB NOT NULL,
  PRIMARY KEY (ca_id, crl_number)
);
CREATE TABLE audit_log (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  at INTEGER NOT NULL,
  actor TEXT NOT NULL,
  tenant_id TEXT,
  action TEXT NOT NULL,
  target TEXT,
  outcome TEXT NOT NULL CHECK (outcome IN ('ok','error')),
  detail TEXT
);

CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
`;
