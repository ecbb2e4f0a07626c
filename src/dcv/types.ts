/**
 * The domain-control validation (DCV) contract: what a certificate order asks to be checked, and the
 * verdict. The order workflow of CAS API 2020-04-07 (docs/cas-api.md) codes against these names only.
 * @module caskit/dcv
 */

export type DcvMethod = "DNS" | "FILE";

export interface DcvChallenge {
  method: DcvMethod;
  /** The name being validated, e.g. "www.example.com" or "*.example.com" (wildcards: DNS only). */
  domain: string;
  /** DNS: the TXT value that must be present at `_dnsauth.<base domain>` (base = domain without a leading "*."). FILE: the exact file content expected. */
  value: string;
}

export type DcvOutcome = "ok" | "not_found" | "mismatch" | "timeout" | "too_large" | "redirect_limit" | "bad_response" | "refused";

export interface DcvResult {
  ok: boolean;
  outcome: DcvOutcome;
  /** short, operator-facing, bounded (≤ 200 chars), no secrets */
  detail: string;
}

export interface DcvValidator {
  check(ch: DcvChallenge): Promise<DcvResult>;
}

export interface DcvOptions {
  /** DNS servers "host" or "host:port" (IPv4/IPv6 literal, IPv6 with a port as "[::1]:53"); default: the system's. */
  dnsServers?: string[];
  /** Port the FILE check connects to (default 80); tests use a loopback port. */
  httpPort?: number;
  /** Deadline of one check as a whole: a DNS lookup, or a FILE fetch with its redirects and look-ups. Default 5000. */
  timeoutMs?: number;
  /** FILE body cap, default 64 KiB. */
  maxBytes?: number;
  /** Default 3 (redirects followed only to http URLs on the same port). */
  maxRedirects?: number;
}

/** CAS `RecordDomain`: the label the TXT record sits under. */
export const DNS_RECORD_PREFIX = "_dnsauth";
/** CAS `Uri` of a FILE validation. */
export const FILE_URI = "/.well-known/pki-validation/fileauth.txt";
