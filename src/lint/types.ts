/**
 * caskit lint: the public contract. `lintCsr`, `lintCertificate` and `lintCrl` take PEM or DER and
 * return every finding at once — they never throw on bad data (undecodable input is itself a finding).
 * Rules live in one registry (src/lint/registry.ts), one small module per family under
 * src/lint/rules/, and profiles pick and re-grade them.
 */

export type Severity = "error" | "warning" | "notice";

/** What a rule can apply to. A certificate's kind is decided from its extensions (and the issuer, when given). */
export type LintTarget = "csr" | "root" | "intermediate" | "server" | "client" | "crl";

/** Built-in profiles; a user profile file (JSON) starts from one of them. */
export type ProfileName = "rfc5280" | "cabf-br" | "cas" | "private";

export interface Finding {
  /** Stable id, e.g. "csr.key.rsa_too_small", "cert.san.missing", "crl.number.missing". */
  rule: string;
  severity: Severity;
  /** Names the field and says how to fix it; never echoes more than a bounded, escaped excerpt of the input. */
  message: string;
  /** Where the rule comes from: "RFC 5280 §4.2.1.6", "CABF BR §7.1.2.7.12", "CAS CreateServerCertificateWithCsr", "GM/T 0003-2012", "caskit". */
  citation: string;
  /** zlint's lint name for the same rule, when there is one (e.g. "e_sub_cert_aia_missing"). */
  zlint?: string;
  /** Byte range of the offending element in the DER input, when known (always within the input). */
  location?: { offset: number; length: number };
}

export interface LintReport {
  /** What was linted: the detected kind, or "unknown" when the input could not be decoded. */
  target: LintTarget | "unknown";
  profile: string;
  findings: Finding[];
  /** Counts by severity, for summaries and exit codes. */
  counts: Record<Severity, number>;
  /** The length of the DER that findings' locations index (a PEM input's decoded body); 0 when none was decoded. */
  derLength: number;
}

export interface LintOptions {
  /** Built-in profile name, or a profile object (loaded from a user's file). Default "cas" for CSRs, "private" otherwise. */
  profile?: ProfileName | LintProfile;
  /** "Now", for validity and effective-date rules (BR rules apply by issuance date, as zlint does). Default: the clock. */
  now?: Date;
  /**
   * CSRs only: what the request is for, as parseCsr's `profile` option — "server" (default) or "client"
   * (CreateClientCertificateWithCsr: the CN is any text the subject rules allow, and a request naming
   * nothing is left to issuance).
   */
  csrUse?: "server" | "client";
}

export interface CertificateLintOptions extends LintOptions {
  /** The issuer's certificate (PEM or DER), for the rules that need it (AKI/SKI match, name chaining, signature). */
  issuer?: string | Uint8Array;
}

/** A profile: which rules run and at what severity. */
export interface LintProfile {
  name: string;
  /** The built-in profile this one starts from. */
  extends?: ProfileName;
  /** Rule ids (or id prefixes ending in "*") to turn off. */
  disable?: string[];
  /** Rule ids (or prefixes ending in "*") to turn on (rules off by default in the base profile). */
  enable?: string[];
  /** Rule id → new severity. */
  severity?: Record<string, Severity>;
}
