import type { KeySpec, KeySpecName } from "../crypto/algorithms.js";
import type { KeyPair } from "../crypto/keys.js";
import type { Signer } from "../crypto/signer.js";
import type { RandomSource } from "../internal/env.js";
import type { SubjectParams } from "../types.js";

/** A CA certificate with its key: the result of createRootCa / createSubCa / loadCa. */
export interface CertificateAuthority {
  readonly kind: "root" | "sub";
  readonly certificateDer: Uint8Array;
  readonly certificatePem: string;
  readonly key: KeyPair;
  readonly signer: Signer;
  readonly spec: KeySpec;
  /** The subject Name DER exactly as in the certificate (the issuer name of what it signs). */
  readonly subjectDer: Uint8Array;
  readonly subject: SubjectParams;
  /** Subject key identifier (the AKI of what it signs). */
  readonly keyIdentifier: Uint8Array;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** basicConstraints pathLenConstraint; null when unconstrained. */
  readonly pathLen: number | null;
  /** Issuer certificates from this CA's parent up to the root (empty for a root). */
  readonly chainDer: readonly Uint8Array[];
  /** Lowercase hex MD5 of the certificate DER (the CAS Identifier). */
  readonly identifier: string;
  /** Lowercase hex serial number. */
  readonly serialNumber: string;
}

/**
 * Parameters of `createRootCa` (CAS CreateRootCACertificate, docs/cas-api.md). Give
 * `algorithm` to generate a key, or `key` to certify an existing one.
 */
export interface CreateCaParams {
  subject: SubjectParams;
  /** CAS key spec of a new key ("RSA_2048", "ECC_256", "SM2_256", …); or pass `key`. */
  algorithm?: KeySpecName | string;
  /** An existing key pair to certify instead of generating one. */
  key?: KeyPair;
  /** Validity in whole calendar years (1–100); a subordinate's must end by its parent's notAfter. */
  years: number;
  /** Accept RSA_1024 (refused by default). */
  allowLegacy?: boolean;
  /** Defaults to the clock (src/internal/env.ts). */
  now?: Date;
  random?: RandomSource;
}

/** Parameters of `createSubCa` (CAS CreateSubCACertificate, docs/cas-api.md). */
export interface CreateSubCaParams extends CreateCaParams {
  /** basicConstraints pathLenConstraint; defaults to 0 (may issue only leaves). */
  pathLen?: number;
  /** CAS names (any, serverAuth, clientAuth, codeSigning, emailProtection, timeStamping, OCSPSigning) or dotted OIDs. */
  extendedKeyUsages?: string[];
  /**
   * The URL of the *parent's* CRL (the CRL that would list this sub-CA if it is revoked), written as
   * the sub-CA certificate's CRL distribution point, so relying parties can find it (RFC 5280 §4.2.1.13).
   */
  crlDistributionUrl?: string;
  /** The URL of the parent's certificate, written as the sub-CA certificate's AIA caIssuers (RFC 5280 §4.2.2.1). */
  caIssuersUrl?: string;
  /**
   * The URL of the *parent's* OCSP responder (the one that answers for this sub-CA), written as the
   * OCSP access method of the sub-CA certificate's AIA, before caIssuers (RFC 5280 §4.2.2.1; docs/ocsp.md).
   */
  ocspUrl?: string;
}
