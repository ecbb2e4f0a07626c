/**
 * Migration 8, sqlite: request counts per tenant, action and one-second window, so the CAS throttle
 * ("an account may call an action N times a second") holds across every worker process and every
 * `serve` instance sharing the store — counted in the same transaction that claims the request's nonce.
 * Old windows are swept with expired nonces.
 * Same meaning as postgres/0008-throttle.ts.
 */
export const sql = `
CREATE TABLE throttle_windows (
  tenant_id TEXT NOT NULL,
  action TEXT NOT NULL,
  window_start INTEGER NOT NULL,
  hits INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, action, window_start)
);
CREATE INDEX throttle_windows_start ON throttle_windows (window_start);
`;
