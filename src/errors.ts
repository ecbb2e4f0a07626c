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

/**
 * Every code of every error class, as data: docs/errors.md is checked against this table by a test,
 * and the service's CAS error table will be keyed by it.
 */
export const ERROR_CODES = {
  /** The ten refusal categories of docs/csr-policy.md, one-to-one. */
  CsrError: [
    "too_large",
    "parse_error",
    "trailing_data",
    "unsupported_key",
    "weak_key",
    "unsupported_signature",
    "bad_signature",
    "bad_subject",
    "missing_cn",
    "bad_name",
  ],
  KeyError: ["unsupported_algorithm", "bad_key", "bad_passphrase", "family_mismatch"],
  ValidityError: ["missing_validity", "invalid_validity", "beyond_issuer", "before_issuer"],
  ProfileError: ["invalid_subject", "invalid_name", "invalid_san", "invalid_extension", "invalid_url", "invalid_common_name", "missing_name"],
  IssueError: ["not_a_ca", "root_cannot_issue_leaf", "issuer_key_mismatch", "issuer_expired", "issuer_not_yet_valid"],
  RevokeError: ["invalid_entry", "invalid_crl_params", "invalid_reason"],
} as const;

export type CsrErrorCode = (typeof ERROR_CODES.CsrError)[number];

/** A certificate signing request was refused. `code` is one of the policy's ten categories. */
export class CsrError extends CaskitError<CsrErrorCode> {}

export type KeyErrorCode = (typeof ERROR_CODES.KeyError)[number];
/** Key generation, import or export failed, or a key does not fit its use. */
export class KeyError extends CaskitError<KeyErrorCode> {}

export type ValidityErrorCode = (typeof ERROR_CODES.ValidityError)[number];
/** The requested validity period is absent, malformed or exceeds the issuer's. */
export class ValidityError extends CaskitError<ValidityErrorCode> {}

export type ProfileErrorCode = (typeof ERROR_CODES.ProfileError)[number];
/** The request asks for a certificate the profile cannot make. */
export class ProfileError extends CaskitError<ProfileErrorCode> {}

export type IssueErrorCode = (typeof ERROR_CODES.IssueError)[number];
/** The issuer cannot sign this certificate. */
export class IssueError extends CaskitError<IssueErrorCode> {}

export type RevokeErrorCode = (typeof ERROR_CODES.RevokeError)[number];
/** A revocation entry or CRL parameter is invalid. */
export class RevokeError extends CaskitError<RevokeErrorCode> {}

/** Any error of the core library, for exhaustive `switch (e.code)`. */
export type AnyCaskitError = CsrError | KeyError | ValidityError | ProfileError | IssueError | RevokeError;
