/**
 * A Signer hides where a key lives: the core asks it to sign bytes and never sees the key itself
 * (Go's crypto.Signer, rcgen's SigningKey). The software signer reuses one KeyObject (and, for SM2,
 * one Z_A) for every signature, so per-signature work is only the signature.
 */
import { sign as nodeSign } from "node:crypto";
import type { KeySpec, SignatureAlgorithm } from "./algorithms.js";
import type { KeyPair } from "./keys.js";
import { sm2Signer } from "./sm2.js";

export interface Signer {
  readonly spec: KeySpec;
  /** The signature algorithm this signer produces (follows the key, docs/architecture.md). */
  readonly signatureAlgorithm: SignatureAlgorithm;
  /** SubjectPublicKeyInfo DER of the signing key. */
  readonly spki: Uint8Array;
  /** Signs `data` (hashing inside), returning the signature as it goes into the BIT STRING. */
  sign(data: Uint8Array): Uint8Array;
}

/** A signer over an in-process key pair. */
export function createSigner(key: KeyPair): Signer {
  const { spec } = key;
  const signatureAlgorithm = spec.signature;
  let sign: (data: Uint8Array) => Uint8Array;
  if (spec.family === "SM2") {
    // The SPKI of an SM2 key ends with its 65-byte uncompressed point.
    sign = sm2Signer(key.privateKey, key.spki.subarray(key.spki.length - 65));
  } else if (spec.family === "RSA") {
    const k = key.privateKey;
    const h = signatureAlgorithm.hash;
    sign = (data) => nodeSign(h, data, k);
  } else {
    const opts = { key: key.privateKey, dsaEncoding: "der" as const };
    const h = signatureAlgorithm.hash;
    sign = (data) => nodeSign(h, data, opts);
  }
  return Object.freeze({ spec, signatureAlgorithm, spki: key.spki, sign });
}
