/**
 * Assembling and signing a certificate from pre-encoded parts (RFC 5280 §4.1). No object trees, no
 * re-parsing of our own output: the TBSCertificate is concatenated DER, signed once, wrapped once.
 */
import { hash } from "node:crypto";
import type { Signer } from "../crypto/signer.js";
import { bitString, sequence, time, unsignedInteger } from "../internal/der.js";
import { toPem } from "../internal/pem.js";
import { extensionsField } from "./extensions.js";

/** `[0] EXPLICIT Version v3`. */
const VERSION_V3 = Uint8Array.of(0xa0, 0x03, 0x02, 0x01, 0x02);

export interface TbsParts {
  serial: Uint8Array;
  /** The issuer's signature AlgorithmIdentifier DER. */
  signatureAlgorithm: Uint8Array;
  issuerName: Uint8Array;
  notBefore: Date;
  notAfter: Date;
  subjectName: Uint8Array;
  spki: Uint8Array;
  /** Encoded Extension values, in order. */
  extensions: Uint8Array[];
}

/** A TBSCertificate from finished parts (the CA path; leaves go through leaf-writer.ts). */
export function encodeTbs(p: TbsParts): Uint8Array {
  return sequence(
    VERSION_V3,
    unsignedInteger(p.serial),
    p.signatureAlgorithm,
    p.issuerName,
    sequence(time(p.notBefore), time(p.notAfter)),
    p.subjectName,
    p.spki,
    extensionsField(p.extensions),
  );
}

/** Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue }. */
export function signTbs(tbs: Uint8Array, signer: Signer): Uint8Array {
  return sequence(tbs, signer.signatureAlgorithm.algorithmIdentifier, bitString(signer.sign(tbs)));
}

export const certificatePem = (der: Uint8Array): string => toPem("CERTIFICATE", der);

/**
 * CAS `Identifier`/`Md5`: lowercase hex MD5 of the DER (docs/cas-api.md finding 9).
 * @example
 * md5Hex(leaf.certificateDer) === leaf.identifier; // true
 */
export const md5Hex = (der: Uint8Array): string => hash("md5", der, "hex");
/**
 * CAS `Sha2`: lowercase hex SHA-256 of the DER (docs/cas-api.md).
 * @example
 * const sha2 = sha256Hex(leaf.certificateDer);
 */
export const sha256Hex = (der: Uint8Array): string => hash("sha256", der, "hex");
