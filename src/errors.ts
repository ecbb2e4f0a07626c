/**
 * Every error caskit throws for bad data. Each has a stable machine `code` and a human message that
 * names the field and the rule; messages never echo key material or whole inputs.
 *
 * Programmer mistakes (wrong argument types from our own callers) are plain `TypeError`s instead.
 * @module caskit/errors
 */

export interface CaskitErrorOptions {
  cause?: unknown;
  /** The input field the error is about, when there is one (e.g. "days", "domain"). */
  field?: string;
}

/** Base class: `code` is stable and safe to switch on; `message` is for people. */
export class CaskitError<C extends string = string> extends Error {
  readonly code: C;
  readonly field?: string;
  constructor(code: C, message: string, options: CaskitErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    if (options.field !== undefined) this.field = options.field;
  }
}

/** The ten refusal categories of ../shared/CSR-POLICY.md, one-to-one. */
export type CsrErrorCode =
  | "too_large"
  | "parse_error"
  | "trailing_data"
  | "unsupported_key"
  | "weak_key"
  | "unsupported_signature"
  | "bad_signature"
  | "bad_subject"
  | "missing_cn"
  | "bad_name";

/** A certificate signing request was refused. `code` is one of the policy's ten categories. */
export class CsrError extends CaskitError<CsrErrorCode> {}

export type KeyErrorCode =
  | "unsupported_algorithm" // a key spec caskit does not know, or refuses (RSA_1024 without legacy)
  | "bad_key" // key bytes that cannot be read
  | "bad_passphrase" // encrypted key that the passphrase does not open
  | "family_mismatch"; // a child key whose family differs from the issuer's
/** Key generation, import or export failed, or a key does not fit its use. */
export class KeyError extends CaskitError<KeyErrorCode> {}

export type ValidityErrorCode =
  | "missing_validity" // none of Days/Months/Years/BeforeTime+AfterTime
  | "invalid_validity" // non-positive, non-integer, half a pair, notBefore >= notAfter
  | "beyond_issuer"; // the certificate would outlive its issuer
/** The requested validity period is absent, malformed or exceeds the issuer's. */
export class ValidityError extends CaskitError<ValidityErrorCode> {}

export type ProfileErrorCode =
  | "invalid_subject" // a subject field breaks X.520 bounds or is empty where required
  | "invalid_name" // a Domain / SAN entry that is not a valid host name or IP
  | "invalid_san" // a client SanType/SanValue that is malformed
  | "invalid_extension" // an unknown EKU name or malformed OID, a bad path length
  | "invalid_url"; // a CRL/AIA base URL that is not http(s)
/** The request asks for a certificate the profile cannot make. */
export class ProfileError extends CaskitError<ProfileErrorCode> {}

export type IssueErrorCode =
  | "not_a_ca" // issuer certificate is not a CA
  | "root_cannot_issue_leaf" // CAS: only subordinate CAs issue leaves
  | "issuer_key_mismatch"; // the signer's public key is not the CA certificate's
/** The issuer cannot sign this certificate. */
export class IssueError extends CaskitError<IssueErrorCode> {}

export type RevokeErrorCode = "invalid_entry" | "invalid_crl_params";
/** A revocation entry or CRL parameter is invalid. */
export class RevokeError extends CaskitError<RevokeErrorCode> {}

/** Any error of the core library, for exhaustive `switch (e.code)`. */
export type AnyCaskitError = CsrError | KeyError | ValidityError | ProfileError | IssueError | RevokeError;
