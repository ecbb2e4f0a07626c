/**
 * Shared public types of the core. Inputs are `…Params`/`…Options`, outputs `…Result`, parsed views
 * `…Facts`; a parsed view is never reused as a template.
 */
import type { CurveName, KeyFamily, KeySpecName } from "./crypto/algorithms.js";

export type { CurveName, KeyFamily, KeySpecName };

/** A subject alternative name. Server certificates carry dns/ip; client certificates email/uri. */
export type SanEntry =
  | { type: "dns"; value: string }
  | { type: "ip"; value: string } // IPv4 dotted, IPv6 in RFC 5952 form
  | { type: "email"; value: string }
  | { type: "uri"; value: string };

/** One attribute of a distinguished name, in RDN order. */
export interface NameAttribute {
  /** Dotted OID of the attribute type. */
  oid: string;
  /** Short name when known: CN, O, OU, C, ST, L, emailAddress, serialNumber, …; else the OID. */
  type: string;
  /** Decoded text value. */
  value: string;
}

/** Subject fields caskit sets when it builds a name (X.520 upper bounds apply). */
export interface SubjectParams {
  commonName?: string;
  organization?: string;
  organizationalUnit?: string;
  country?: string;
  state?: string;
  locality?: string;
}

/** What an accepted CSR reports (docs/csr-policy.md "What an accepted request reports"). */
export interface CsrFacts {
  keyAlgorithm: "RSA" | "EC" | "SM2";
  /** The key's family in CAS terms (RSA, ECC, SM2), for matching against the issuer. */
  keyFamily: KeyFamily;
  /** RSA modulus bits, or the curve's field size (521 for P-521). */
  keySize: number;
  /** Set for EC and SM2 keys. */
  curve: CurveName | null;
  /** The CN as decoded text, or null when absent (or empty). */
  cn: string | null;
  /** dNSName and iPAddress SAN values in the request's order. */
  sans: Array<{ type: "dns" | "ip"; value: string }>;
  signatureAlgorithm: { name: string; oid: string };
  /** The full subject, every attribute in RDN order. */
  subject: NameAttribute[];
  /** The subject's well-known fields, for building a certificate subject. */
  subjectFields: SubjectParams;
  /** SubjectPublicKeyInfo DER, copied into an issued certificate. */
  spki: Uint8Array;
  /** The whole request, DER. */
  der: Uint8Array;
}

/** Validity inputs of CAS leaf issuance (§4.3): Days wins over Months over Years; else BeforeTime+AfterTime. */
export interface ValidityParams {
  years?: number;
  months?: number;
  days?: number;
  /** Unix seconds. Given together with `afterTime`, or not at all. */
  beforeTime?: number;
  /** Unix seconds. */
  afterTime?: number;
}
