/**
 * Signature verification against a SubjectPublicKeyInfo, for CSRs and for checking our own output.
 * `verifySignature` returns a boolean (callers turn false into their own typed error); anything the
 * primitive cannot even evaluate — malformed key, non-DER ECDSA signature — is false, not a throw.
 */
import { verify as nodeVerify } from "node:crypto";
import type { SignatureAlgorithm } from "./algorithms.js";
import { type KeyHints, importMethod, importPublicKey } from "./public-key.js";
import { sm2Verify } from "./sm2.js";

/**
 * Verifies `signature` over `data` with the public key `spki`.
 * For SM2, `sm2PublicPoint` (the uncompressed point) is used and the default ID applies. A caller that
 * has already taken the key apart may pass `hints`, so the key is imported the cheapest way.
 */
export function verifySignature(
  algorithm: SignatureAlgorithm,
  spki: Uint8Array,
  data: Uint8Array,
  signature: Uint8Array,
  sm2PublicPoint?: Uint8Array,
  hints: KeyHints = {},
): boolean {
  try {
    if (algorithm.family === "SM2") {
      if (!sm2PublicPoint) return false;
      return sm2Verify(data, signature, { point: sm2PublicPoint, key: importPublicKey(spki, importMethod("EC")) });
    }
    const key = importPublicKey(spki, importMethod(algorithm.family === "RSA" ? "RSA" : "EC"), hints);
    if (algorithm.family === "RSA") return nodeVerify(algorithm.hash, data, key, signature);
    return nodeVerify(algorithm.hash, data, { key, dsaEncoding: "der" }, signature);
  } catch {
    return false;
  }
}
