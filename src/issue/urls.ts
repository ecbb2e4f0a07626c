/**
 * The public URLs certificates point to. The HTTP server serves exactly these paths, so they are
 * built in one place: `<crlBase>/crl/<caIdentifier>.crl` (DER CRL), `<crlBase>/crl/<caIdentifier>/<shard>.crl`
 * (one shard of a partitioned CRL, docs/revocation.md), `<aiaBase>/ca/<caIdentifier>.crt`
 * (DER CA certificate) and `<ocspBase>/ocsp/<caIdentifier>` (the CA's OCSP responder).
 */
import { ProfileError } from "../errors.js";

/** Checks a base URL (http or https, no query or fragment) and drops trailing slashes; else ProfileError `invalid_url`. */
export function checkBaseUrl(url: string, field: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new ProfileError("invalid_url", `${field} is not a URL`, { field });
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") throw new ProfileError("invalid_url", `${field} must be http or https`, { field });
  if (u.search || u.hash) throw new ProfileError("invalid_url", `${field} must not have a query or fragment`, { field });
  return url.replace(/\/+$/, "");
}

/**
 * Where a CA's CRL is published (the CDP of what it issues).
 * @example
 * crlUrl("https://pki.example.com", ca.identifier); // "https://pki.example.com/crl/<identifier>.crl"
 */
export const crlUrl = (base: string, caIdentifier: string): string => `${base}/crl/${caIdentifier}.crl`;
/**
 * Where shard `shard` of a CA's partitioned CRL is published (the CDP of the certificates in that shard,
 * and exactly the fullName of that CRL's issuingDistributionPoint; docs/revocation.md).
 * @example
 * crlShardUrl("https://pki.example.com", ca.identifier, 3); // "https://pki.example.com/crl/<identifier>/3.crl"
 */
export const crlShardUrl = (base: string, caIdentifier: string, shard: number): string => `${base}/crl/${caIdentifier}/${shard}.crl`;
/** The most shards a CA may have (each is one more CRL to sign on every refresh). */
export const MAX_CRL_SHARDS = 256;
/**
 * The shard of a certificate among `shards`: its serial number (unsigned big-endian) modulo `shards`.
 * Fixed at issuance and computable by anyone from the certificate alone; caskit's serials are random,
 * so certificates spread evenly.
 * @example
 * crlShardOf(Uint8Array.of(0x01, 0x07), 4); // 263 % 4 = 3
 */
export function crlShardOf(serial: Uint8Array, shards: number): number {
  let r = 0;
  for (const b of serial) r = (r * 256 + b) % shards;
  return r;
}
/**
 * Where a CA's certificate is published (the AIA caIssuers of what it issues).
 * @example
 * caCertUrl("https://pki.example.com", ca.identifier); // "https://pki.example.com/ca/<identifier>.crt"
 */
export const caCertUrl = (base: string, caIdentifier: string): string => `${base}/ca/${caIdentifier}.crt`;
/**
 * Where a CA's OCSP responder answers (the AIA OCSP pointer of what it issues; docs/ocsp.md).
 * @example
 * ocspUrl("https://pki.example.com", ca.identifier); // "https://pki.example.com/ocsp/<identifier>"
 */
export const ocspUrl = (base: string, caIdentifier: string): string => `${base}/ocsp/${caIdentifier}`;
