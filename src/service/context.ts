/**
 * What every action receives: the store, who is calling (tenant and actor), the clock, and the
 * deployment settings. Built by the CLI and the HTTP server alike.
 */
import type { Store } from "../store/port.js";

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
}

export const DEFAULT_TENANT = "default";
