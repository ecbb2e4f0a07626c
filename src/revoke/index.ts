/**
 * caskit revocation: v2 CRLs from (serial, time, reason) entries.
 * @module caskit/revoke
 */
export { buildCrl, type BuildCrlParams, type CrlIssuer, type CrlResult, type RevokedEntry } from "./crl.js";
export { CRL_REASONS, REVOCATION_REASONS, parseCrlReason, parseRevocationReason, type CrlReason, type RevocationReason } from "./reasons.js";
export {
  OCSP_MAX_CERT_IDS,
  OCSP_MAX_NONCE_BYTES,
  OCSP_MAX_REQUEST_BYTES,
  buildOcspRequest,
  buildOcspResponse,
  certIdMatches,
  certificateIssuerAndSerial,
  certificateSubjectAndSpki,
  ocspIssuerHashesOf,
  ocspErrorResponse,
  ocspIssuerHashes,
  ocspResponder,
  parseOcspRequest,
  parseOcspResponse,
  verifyOcspResponse,
  type BuildOcspRequestParams,
  type BuildOcspResponseParams,
  type OcspCertId,
  type OcspCertStatus,
  type OcspErrorStatus,
  type OcspHashName,
  type OcspIssuerHashes,
  type OcspParseResult,
  type OcspRequestInfo,
  type OcspResponder,
  type OcspResponseInfo,
  type OcspResponseStatus,
  type OcspSingleInfo,
  type OcspSingleResponse,
} from "./ocsp.js";
