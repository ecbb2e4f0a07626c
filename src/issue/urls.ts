/**
 * The public URLs certificates point to. The HTTP server serves exactly these paths, so they are
 * built in one place: `<crlBase>/crl/<caIdentifier>.crl` (DER CRL), `<aiaBase>/ca/<caIdentifier>.crt`
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
