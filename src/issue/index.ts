/**
 * caskit issuance: server and client certificates from a subordinate CA (docs/cas-api.md–§6.7).
 * `Issuer.prepare(ca)` once per CA, then `serverFromCsr` / `server` / `clientFromCsr` / `client`.
 * Does not store, publish or revoke anything: the service layer and src/revoke do.
 * @module caskit/issue
 */
export {
  Issuer,
  checkSan,
  clientSans,
  serverSans,
  type ClientFromCsrParams,
  type ClientParams,
  type CrlSigner,
  type CustomCritical,
  type CustomFromCsrParams,
  type CustomKeyUsage,
  type IssueResult,
  type IssuerOptions,
  type ServerFromCsrParams,
  type ServerParams,
  type SubjectOverrides,
} from "./issuer.js";
export { resolveValidity, checkIssuerCurrent, addMonths, type ResolvedValidity, type ValidityContext } from "./validity.js";
export { crlUrl, caCertUrl, ocspUrl } from "./urls.js";
export { md5Hex, sha256Hex } from "./certificate.js";
export { keyIdentifier } from "./extensions.js";
export { newSerial, serialHex, SERIAL_OCTETS } from "./serial.js";
export { subjectDn } from "./name.js";
