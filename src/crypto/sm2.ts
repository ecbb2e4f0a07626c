/**
 * SM2 signatures (GM/T 0003-2012 part 2, SM3withSM2) through sm-crypto-v2, with the default
 * distinguishing ID 1234567812345678 (GM/T 0009-2012 §10, GB/T 35276). Node's own crypto.sign on an
 * SM2-curve key makes plain ECDSA (or SM2 with an empty ID), never this — so SM2 never goes through it.
 *
 * sm-crypto-v2 was chosen over sm-crypto (same API) because it is ~12x faster; its signatures are
 * checked byte-for-byte against OpenSSL 3 in test/crypto/sm2.test.ts.
 */
import { sm2 } from "sm-crypto-v2";
import { hex } from "../internal/der.js";

/** GM/T 0009-2012: the user ID used when the parties agreed on none. */
export const SM2_DEFAULT_ID = "1234567812345678";

/** Uncompressed public point as hex ("04" || X || Y), the form sm-crypto-v2 takes. */
export type Sm2PublicHex = string;

export interface Sm2Keys {
  /** 32-byte private scalar, hex. */
  privateHex: string;
  publicHex: Sm2PublicHex;
}

/** Signs `data` (SM3 over Z_A || data, computed inside), returning a DER ECDSA-Sig-Value. */
export function sm2Sign(data: Uint8Array, keys: Sm2Keys, userId: string = SM2_DEFAULT_ID): Uint8Array {
  const sigHex = sm2.doSignature(data, keys.privateHex, { der: true, hash: true, publicKey: keys.publicHex, userId });
  return new Uint8Array(Buffer.from(sigHex, "hex"));
}

/**
 * Verifies a DER SM2 signature. Returns false for a signature that does not verify or is not valid
 * DER; callers turn false into their own typed error.
 */
export function sm2Verify(data: Uint8Array, signature: Uint8Array, publicKey: Uint8Array | Sm2PublicHex, userId: string = SM2_DEFAULT_ID): boolean {
  const pub = typeof publicKey === "string" ? publicKey : hex(publicKey);
  try {
    return sm2.doVerifySignature(data, hex(signature), pub, { der: true, hash: true, userId });
  } catch {
    return false;
  }
}
