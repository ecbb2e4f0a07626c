/**
 * caskit issuance: server and client certificates from a subordinate CA.
 * @module caskit/issue
 */
export {
  Issuer,
  clientSans,
  serverSans,
  type ClientFromCsrParams,
  type ClientParams,
  type CrlSigner,
  type IssueResult,
  type IssuerOptions,
  type ServerFromCsrParams,
  type ServerParams,
  type SubjectOverrides,
} from "./issuer.js";
export { resolveValidity, addMonths, type ResolvedValidity } from "./validity.js";
export { crlUrl, caCertUrl } from "./urls.js";
export { md5Hex, sha256Hex } from "./certificate.js";
export { subjectDn } from "./name.js";
