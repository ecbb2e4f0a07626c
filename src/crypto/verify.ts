/**
 * Signature verification against a SubjectPublicKeyInfo, for CSRs and for checking our own output.
 * `verifySignature` returns a boolean (callers turn false into their own typed error); anything the
 * primitive cannot even evaluate — malformed key, non-DER ECDSA signature — is false, not a throw.
 */
import { type JsonWebKey, createPublicKey, verify as nodeVerify } from "node:crypto";
import type { SignatureAlgorithm } from "./algorithms.js";
import { sm2Verify } from "./sm2.js";

/**
 * Verifies `signature` over `data` with the public key `spki`.
 * For SM2, `sm2PublicPoint` (the uncompressed point) is used and the default ID applies. A caller that
 * has already taken the key apart may pass it as `jwk`, which OpenSSL imports much faster than DER.
 */
export function verifySignature(
  algorithm: SignatureAlgorithm,
  spki: Uint8Array,
  data: Uint8Array,
  signature: Uint8Array,
  sm2PublicPoint?: Uint8Array,
  jwk?: JsonWebKey,
): boolean {
  try {
    if (algorithm.family === "SM2") {
      if (!sm2PublicPoint) return false;
      return sm2Verify(data, signature, { point: sm2PublicPoint, key: createPublicKey({ key: Buffer.from(spki), format: "der", type: "spki" }) });
    }
    const key = jwk ? createPublicKey({ key: jwk, format: "jwk" }) : createPublicKey({ key: Buffer.from(spki), format: "der", type: "spki" });
    if (algorithm.family === "RSA") return nodeVerify(algorithm.hash, data, key, signature);
    return nodeVerify(algorithm.hash, data, { key, dsaEncoding: "der" }, signature);
  } catch {
    return false;
  }
}
