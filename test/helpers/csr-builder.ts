/**
 * Builds PKCS#10 requests from raw DER parts and signs them, so tests can make requests that no
 * well-behaved tool would (version 1, missing attributes, two SAN extensions, odd string types …)
 * while keeping a valid self-signature — the refusal must then come from the rule under test.
 */
import type { KeyObject } from "node:crypto";
import { sign } from "node:crypto";
import { SIGNATURE_ALGORITHMS } from "../../src/crypto/algorithms.js";
import { bitString, implicitPrimitive, octetString, oid, printableString, sequence, set, smallInteger, tlv, utf8String } from "../../src/internal/der.js";
import { toPem } from "../../src/internal/pem.js";

export const attr = (typeOid: string, value: Uint8Array): Uint8Array => sequence(oid(typeOid), value);
export const rdn = (...atvs: Uint8Array[]): Uint8Array => set(...atvs);
export const cn = (v: string, enc: (s: string) => Uint8Array = utf8String): Uint8Array => rdn(attr("2.5.4.3", enc(v)));
export const country = (v: string): Uint8Array => rdn(attr("2.5.4.6", printableString(v)));
export const name = (...rdns: Uint8Array[]): Uint8Array => sequence(...rdns);

export const dns = (v: string): Uint8Array => implicitPrimitive(2, new TextEncoder().encode(v));
export const ip = (bytes: number[]): Uint8Array => implicitPrimitive(7, Uint8Array.from(bytes));
export const email = (v: string): Uint8Array => implicitPrimitive(1, new TextEncoder().encode(v));
export const sanExtension = (...names: Uint8Array[]): Uint8Array => sequence(oid("2.5.29.17"), octetString(sequence(...names)));

/** `[0] attributes` with one extensionRequest holding the given extensions (none: empty attributes). */
export function attributes(...extensions: Uint8Array[]): Uint8Array {
  if (!extensions.length) return tlv(0xa0, new Uint8Array(0));
  return tlv(0xa0, sequence(oid("1.2.840.113549.1.9.14"), set(sequence(...extensions))));
}

export interface RequestParts {
  version?: Uint8Array;
  subject: Uint8Array;
  spki: Uint8Array;
  /** Omit to leave the field out entirely. */
  attributes?: Uint8Array | null;
}

export function requestInfo(p: RequestParts): Uint8Array {
  const parts = [p.version ?? smallInteger(0), p.subject, p.spki];
  if (p.attributes !== null) parts.push(p.attributes ?? attributes());
  return sequence(...parts);
}

/** Signs a CertificationRequestInfo with a Node key (RSA: sha256WithRSA; EC: ecdsa-with-SHA256). */
export function signRequest(cri: Uint8Array, key: KeyObject): Uint8Array {
  const ec = key.asymmetricKeyType === "ec";
  const alg = ec ? SIGNATURE_ALGORITHMS["ecdsa-with-SHA256"] : SIGNATURE_ALGORITHMS.sha256WithRSAEncryption;
  const sig = ec ? sign("sha256", cri, { key, dsaEncoding: "der" }) : sign("sha256", cri, key);
  return sequence(cri, alg.algorithmIdentifier, bitString(new Uint8Array(sig)));
}

export const csrPem = (der: Uint8Array): string => toPem("CERTIFICATE REQUEST", der);
