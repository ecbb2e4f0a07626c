/**
 * Migration 9, postgres: OCSP responders and pre-signed responses (docs/ocsp.md).
 * - `ocsp_config`: per CA, who signs (the CA key, or a delegated responder certificate), the responder
 *   certificate's validity, whether answers are pre-signed and how long a pre-signed answer is valid.
 *   No row: the CA key signs on demand (the behaviour before this migration).
 * - `ocsp_responders`: the CA's current delegated responder — its certificate, and its key sealed by the
 *   store's key vault like CA keys (associated data `ocsp-responder:<ca>:<serial>`).
 * - `ocsp_responses`: one pre-signed answer per (CA, serial) with the status it states, who signed it
 *   and its validity; the responder serves it only while that status is still the store's.
 * Same meaning as sqlite/0009-ocsp.ts.
 */
export const sql = `
CREATE TABLE ocsp_config (
  ca_id TEXT PRIMARY KEY REFERENCES cas(id),
  delegated INTEGER NOT NULL,
  responder_days INTEGER NOT NULL,
  presign INTEGER NOT NULL,
  response_hours INTEGER NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE TABLE ocsp_responders (
  ca_id TEXT PRIMARY KEY REFERENCES cas(id),
  serial_number TEXT NOT NULL,
  certificate_der BYTEA NOT NULL,
  key_enc BYTEA NOT NULL,
  not_before BIGINT NOT NULL,
  not_after BIGINT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE TABLE ocsp_responses (
  ca_id TEXT NOT NULL REFERENCES cas(id),
  serial_number TEXT NOT NULL,
  cert_status TEXT NOT NULL CHECK (cert_status IN ('good','revoked')),
  revoked_at BIGINT,
  reason TEXT,
  signer TEXT NOT NULL,
  this_update BIGINT NOT NULL,
  next_update BIGINT NOT NULL,
  der BYTEA NOT NULL,
  PRIMARY KEY (ca_id, serial_number)
);
`;
