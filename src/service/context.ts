/**
 * What every action receives: the store, who is calling (tenant and actor), the clock, and the
 * deployment settings. Built by the CLI and the HTTP server alike.
 */
import type { Store, StoreTx } from "../store/port.js";

export interface ServiceConfig {
  /** Base URL of the CRL distribution points (`<base>/crl/<ca>.crl`); none → EnableCrl is refused. */
  crlBaseUrl?: string;
  /** Base URL of the AIA caIssuers pointer. */
  aiaBaseUrl?: string;
  /** Base URL of the OCSP responder: leaves carry `<base>/ocsp/<ca>` in AIA (docs/ocsp.md). */
  ocspBaseUrl?: string;
  /** CRL validity in days when a CA does not set CrlDay. */
  defaultCrlDays: number;
  /** CreateCustomCertificate results linted under the `cas` profile: refuse on errors, warn (default, `LintFindings` in the answer) or off. */
  customLint?: "off" | "warn" | "refuse";
  /** Certificate orders (API 2020-04-07): how long domain validation may take. Default 3 days. */
  orderValidationWindowSec?: number;
}

export interface ServiceContext {
  store: Store;
  tenantId: string;
  /** For the audit log: an access key id, "cli", … */
  actor: string;
  now: () => Date;
  config: ServiceConfig;
  /**
   * Store work that must commit with whatever this request does (the HTTP layer's nonce claim and
   * throttle count): run first inside the action's transaction, or inside the refusal's audit
   * transaction when the action fails, or on its own before a read-only action. What it throws is
   * rethrown as is (service/run.ts).
   */
  admit?: (tx: StoreTx) => Promise<void>;
}

export const DEFAULT_TENANT = "default";
