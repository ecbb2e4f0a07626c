/**
 * THE CAS error table: every core and store error code maps to one CAS `Code` and HTTP status here, and
 * nowhere else. The CAS codes follow docs/cas-api.md and §6.21 (PCA business codes are
 * unpublished; these are caskit's, in the CAS style).
 */
import { CaskitError } from "../errors.js";

/** An error already in CAS terms: what the HTTP layer and the CLI show. */
export class ServiceError extends Error {
  readonly code: string;
  readonly status: number;
  constructor(code: string, status: number, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ServiceError";
    this.code = code;
    this.status = status;
  }
}

export const missing = (field: string) => new ServiceError(`Missing${field}`, 400, `${field} is mandatory for this action.`);
export const invalid = (field: string, why: string) => new ServiceError(`Invalid${field}`, 400, `${field} is invalid: ${why}`);
export const notFound = (what: string, id: string) => new ServiceError(`NotFound${what}`, 404, `the ${what.toLowerCase()} ${id.slice(0, 80)} does not exist`);
export const stateError = (code: string, message: string) => new ServiceError(code, 403, message);

/** `Class.code` → CAS code and status. */
const TABLE: Record<string, { cas: string; status: number }> = {
  "CsrError.too_large": { cas: "InvalidCsr.TooLarge", status: 400 },
  "CsrError.parse_error": { cas: "InvalidCsr.Malformed", status: 400 },
  "CsrError.trailing_data": { cas: "InvalidCsr.TrailingData", status: 400 },
  "CsrError.unsupported_key": { cas: "InvalidCsr.UnsupportedKey", status: 400 },
  "CsrError.weak_key": { cas: "InvalidCsr.WeakKey", status: 400 },
  "CsrError.unsupported_signature": { cas: "InvalidCsr.UnsupportedSignature", status: 400 },
  "CsrError.bad_signature": { cas: "InvalidCsr.BadSignature", status: 400 },
  "CsrError.bad_subject": { cas: "InvalidCsr.BadSubject", status: 400 },
  "CsrError.missing_cn": { cas: "MissingCommonName", status: 400 },
  "CsrError.bad_name": { cas: "InvalidCsr.BadName", status: 400 },
  "KeyError.unsupported_algorithm": { cas: "InvalidAlgorithm", status: 400 },
  "KeyError.bad_key": { cas: "InvalidPrivateKey", status: 400 },
  "KeyError.bad_passphrase": { cas: "InvalidEncryptedCode", status: 400 },
  "KeyError.family_mismatch": { cas: "InvalidAlgorithm.FamilyMismatch", status: 400 },
  "ValidityError.missing_validity": { cas: "MissingValidity", status: 400 },
  "ValidityError.invalid_validity": { cas: "InvalidValidity", status: 400 },
  "ValidityError.beyond_issuer": { cas: "InvalidValidity.BeyondIssuer", status: 400 },
  "ValidityError.before_issuer": { cas: "InvalidValidity.BeforeIssuer", status: 400 },
  "ProfileError.invalid_subject": { cas: "InvalidSubject", status: 400 },
  "ProfileError.invalid_name": { cas: "InvalidDomain", status: 400 },
  "ProfileError.invalid_san": { cas: "InvalidSanValue", status: 400 },
  "ProfileError.invalid_extension": { cas: "InvalidExtension", status: 400 },
  "ProfileError.invalid_url": { cas: "InvalidCrlConfiguration", status: 400 },
  "ProfileError.invalid_common_name": { cas: "InvalidCommonName", status: 400 },
  "ProfileError.missing_name": { cas: "MissingCommonName", status: 400 },
  "IssueError.not_a_ca": { cas: "InvalidParentIdentifier.NotCA", status: 400 },
  "IssueError.root_cannot_issue_leaf": { cas: "InvalidParentIdentifier.RootCannotIssue", status: 403 },
  "IssueError.issuer_key_mismatch": { cas: "InternalError", status: 500 },
  "IssueError.issuer_expired": { cas: "InvalidParentIdentifier.Expired", status: 403 },
  "IssueError.issuer_not_yet_valid": { cas: "InvalidParentIdentifier.NotYetValid", status: 403 },
  "RevokeError.invalid_entry": { cas: "InternalError", status: 500 },
  "RevokeError.invalid_crl_params": { cas: "InvalidCrlDay", status: 400 },
  "RevokeError.invalid_reason": { cas: "InvalidReason", status: 400 },
  "StoreError.conflict": { cas: "Conflict", status: 409 },
  "StoreError.unavailable": { cas: "ServiceUnavailable", status: 503 },
  "StoreError.bad_passphrase": { cas: "InternalError", status: 500 },
  "StoreError.no_passphrase": { cas: "InternalError", status: 500 },
  "StoreError.migration": { cas: "InternalError", status: 500 },
  "StoreError.read_only": { cas: "InternalError", status: 500 },
};

export const CAS_ERROR_TABLE: Readonly<typeof TABLE> = TABLE;

/**
 * Errors of the HTTP API itself — authentication, the request's shape, transport limits — before any
 * action runs: CAS `Code` → HTTP status. The Alibaba Cloud common codes (docs/cas-api.md) where one
 * exists; the transport ones (400, 405, 408, 413, 415, 431) are caskit's, in the same style. docs/errors.md
 * lists each (test/http/protocol-errors.test.ts checks both ways).
 */
export const PROTOCOL_ERRORS = {
  IncompleteSignature: 400,
  SignatureDoesNotMatch: 400,
  SignatureNonceUsed: 400,
  MissingSignatureNonce: 400,
  InvalidSignatureNonce: 400,
  InvalidSignatureMethod: 400,
  MissingAccessKeyId: 400,
  "InvalidAccessKeyId.NotFound": 404,
  "InvalidAccessKeyId.Inactive": 400,
  MissingAction: 400,
  MissingVersion: 400,
  "InvalidTimeStamp.Format": 400,
  "InvalidTimeStamp.Expired": 400,
  "InvalidApi.NotFound": 404,
  "Throttling.User": 400,
  InvalidParameter: 400,
  BadRequest: 400,
  UnsupportedHTTPMethod: 405,
  RequestTimeout: 408,
  RequestBodyTooLarge: 413,
  UnsupportedMediaType: 415,
  RequestHeaderTooLarge: 431,
} as const;

/** One code of {@link PROTOCOL_ERRORS}. */
export type ProtocolErrorCode = keyof typeof PROTOCOL_ERRORS;

/** A protocol error with the status of its table row. */
export const protocolError = (code: ProtocolErrorCode, message: string): ServiceError => new ServiceError(code, PROTOCOL_ERRORS[code], message);

/** Any thrown value → a ServiceError. Unmapped errors become InternalError with a generic message. */
export function toServiceError(e: unknown): ServiceError {
  if (e instanceof ServiceError) return e;
  if (e instanceof CaskitError) {
    const hit = TABLE[`${e.name}.${e.code}`];
    if (hit && hit.status < 500) return new ServiceError(hit.cas, hit.status, e.message, { cause: e });
    if (hit) return new ServiceError(hit.cas, hit.status, "The request processing has failed due to some unknown error.", { cause: e });
  }
  return new ServiceError("InternalError", 500, "The request processing has failed due to some unknown error.", { cause: e });
}
