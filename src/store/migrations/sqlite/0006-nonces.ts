/**
 * Migration 6, sqlite: signature nonces remembered in the store, so a captured signed request is refused
 * after a restart and by every process sharing the store (an in-process cache alone forgets on restart
 * and sees only its own requests). One row per (access key, nonce), claimed by INSERT … ON CONFLICT;
 * `expires_at` (Unix ms) lets a periodic sweep delete rows whose request could no longer pass the
 * timestamp check anyway.
 * Same meaning as postgres/0006-nonces.ts.
 */
export const sql = `
CREATE TABLE nonces (
  access_key_id TEXT NOT NULL,
  nonce TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  PRIMARY KEY (access_key_id, nonce)
);
CREATE INDEX nonces_expiry ON nonces (expires_at);
`;
