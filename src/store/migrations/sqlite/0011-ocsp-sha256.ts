/**
 * Migration 11, sqlite: pre-signed OCSP answers for SHA-256 CertIDs (docs/ocsp.md, "Pre-signed responses").
 * - ocsp_config.presign_sha256: the CA's answers are pre-signed for SHA-256 CertIDs as well as SHA-1
 *   (`caskit ocsp configure --presign-hashes sha1,sha256`); 0, the default, is the behaviour before.
 * - ocsp_responses.cert_id_hash ('sha1' | 'sha256', existing rows 'sha1') joins the key: one row per
 *   (CA, serial, hash). Decision — a key column, not a second answer column: each answer is its own
 *   signed object with its own status, signer and validity, so the refresh pass's rules (re-sign when
 *   revoked, stale or signed by another signer) apply to each row unchanged, turning SHA-256 on or off
 *   touches no SHA-1 answer, and the row keeps one shape. SQLite cannot change a primary key in place:
 *   the table is rebuilt (its rows are answers the refresh pass can re-sign; nothing references it).
 * Same meaning as postgres/0011-ocsp-sha256.ts.
 */
export const sql = `
ALTER TABLE ocsp_config ADD COLUMN presign_sha256 INTEGER NOT NULL DEFAULT 0;
CREATE TABLE ocsp_responses_0011 (
  ca_id TEXT NOT NULL REFERENCES cas(id),
  serial_number TEXT NOT NULL,
  cert_status TEXT NOT NULL CHECK (cert_status IN ('good','revoked')),
  revoked_at INTEGER,
  reason TEXT,
  signer TEXT NOT NULL,
  this_update INTEGER NOT NULL,
  next_update INTEGER NOT NULL,
  der BLOB NOT NULL,
  cert_id_hash TEXT NOT NULL DEFAULT 'sha1' CHECK (cert_id_hash IN ('sha1','sha256')),
  PRIMARY KEY (ca_id, serial_number, cert_id_hash)
);
INSERT INTO ocsp_responses_0011 (ca_id, serial_number, cert_status, revoked_at, reason, signer, this_update, next_update, der, cert_id_hash)
  SELECT ca_id, serial_number, cert_status, revoked_at, reason, signer, this_update, next_update, der, 'sha1' FROM ocsp_responses;
DROP TABLE ocsp_responses;
ALTER TABLE ocsp_responses_0011 RENAME TO ocsp_responses;
`;
