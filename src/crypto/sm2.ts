/**
 * SM2 signatures (GM/T 0003-2012 part 2, SM3withSM2) with the default distinguishing ID
 * 1234567812345678 (GM/T 0009-2012 §10, GB/T 35276), made and checked by OpenSSL itself.
 *
 * Why this shape: Node's one-shot `crypto.sign`/`verify` on an SM2 key hashes with the *empty* ID and
 * offers no way to set another. Node's streaming `Sign`/`Verify` classes, though, hash with EVP_Digest
 * and hand the digest to `EVP_PKEY_sign`/`EVP_PKEY_verify`, which for an SM2 key is the raw SM2
 * operation on e. So we feed them Z_A (computed here, with the right ID) followed by the message: the
 * digest they sign is exactly e = SM3(Z_A || M), and the signature is OpenSSL's own — constant-time
 * scalar arithmetic for CA keys, ~OpenSSL speed, no big-number code of ours. Checked both ways against
 * `openssl pkeyutl -pkeyopt distid:…` in test/crypto/signer.test.ts.
 */
import { type KeyObject, createPrivateKey, createPublicKey, createSign, createVerify, hash } from "node:crypto";
import { bitString, oid, sequence } from "../internal/der.js";
import { OID } from "./algorithms.js";
import { importMethod, importPublicKey } from "./public-key.js";

/** GM/T 0009-2012: the user ID used when the parties agreed on none. */
export const SM2_DEFAULT_ID = "1234567812345678";

/** Uncompressed public point as hex ("04" || X || Y). */
export type Sm2PublicHex = string;

/** A public key for verification: the uncompressed point (bytes or hex), or one already imported. */
export type Sm2PublicKey = Uint8Array | Sm2PublicHex | { point: Uint8Array; key: KeyObject };

// a, b, Gx, Gy of the SM2 curve (GM/T 0003-2012 part 5), the fixed middle of Z_A.
const CURVE_AB_G = Buffer.from(
  "FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFC" +
    "28E9FA9E9D9F5E344D5A9E4BCF6509A7F39789F515AB8F92DDBCBD414D940E93" +
    "32C4AE2C1F1981195F9904466A39C9948FE30BBFF2660BE1715A4589334C74C7" +
    "BC3736A2F4F6779C59BDCEE36B692153D0A9877CC62A474002DF32E52139F0A0",
  "hex",
);

const prefixes = new Map<string, Buffer>();
function zPrefix(userId: string): Buffer {
  let p = prefixes.get(userId);
  if (!p) {
    const id = Buffer.from(userId, "utf8");
    const bits = id.length * 8;
    if (bits > 0xffff) throw new RangeError("SM2 user ID is longer than 8191 bytes");
    p = Buffer.concat([Buffer.from([bits >> 8, bits & 0xff]), id, CURVE_AB_G]);
    if (prefixes.size < 16) prefixes.set(userId, p);
  }
  return p;
}

function checkPoint(point: Uint8Array): void {
  if (point.length !== 65 || point[0] !== 0x04) throw new RangeError("SM2 public point must be 65 bytes, uncompressed");
}

/** Z_A = SM3(ENTL_A || ID_A || a || b || x_G || y_G || x_A || y_A) for an uncompressed point. */
export function sm2Z(point: Uint8Array, userId: string = SM2_DEFAULT_ID): Buffer {
  checkPoint(point);
  return hash("sm3", Buffer.concat([zPrefix(userId), point.subarray(1)]), "buffer");
}

const SM2_KEY_ALGORITHM = sequence(oid(OID.ecPublicKey), oid(OID.sm2Curve));

/** Imports an uncompressed SM2 point as a KeyObject (OpenSSL checks that it lies on the curve). */
export function sm2PublicKeyObject(point: Uint8Array): KeyObject {
  checkPoint(point);
  return importPublicKey(sequence(SM2_KEY_ALGORITHM, bitString(point)), importMethod("EC"));
}

/**
 * A key Node generated on the SM2 curve is an OpenSSL *EC* key, on which EVP_PKEY_sign makes ECDSA;
 * decoded from PKCS#8 (every key read back from a store or a file), a key on that curve becomes an
 * SM2 key, which Node 20 reports with `asymmetricKeyType` undefined. Round-trip the first kind once so
 * signing is SM2; take the second as it is, after checking its curve.
 */
function asSm2Key(privateKey: KeyObject): KeyObject {
  if (privateKey.type === "private" && onSm2Curve(privateKey)) {
    if (privateKey.asymmetricKeyType === undefined) return privateKey;
    return createPrivateKey({ key: privateKey.export({ type: "pkcs8", format: "der" }), format: "der", type: "pkcs8" });
  }
  throw new TypeError("an SM2 private key is required");
}

/** True for an EC or SM2 key whose SPKI names the SM2 curve. */
function onSm2Curve(key: KeyObject): boolean {
  const type = key.asymmetricKeyType;
  if (type !== "ec" && type !== undefined) return false;
  const spki = createPublicKey(key).export({ type: "spki", format: "der" });
  // SEQUENCE (short length) { SM2_KEY_ALGORITHM, BIT STRING }: the algorithm starts at byte 2.
  return spki.subarray(2, 2 + SM2_KEY_ALGORITHM.length).equals(SM2_KEY_ALGORITHM);
}

/**
 * A signing function for one SM2 key: Z_A is computed once, each call is one OpenSSL SM2 signature
 * over e = SM3(Z_A || data), returned as a DER ECDSA-Sig-Value.
 */
export function sm2Signer(privateKey: KeyObject, point: Uint8Array, userId: string = SM2_DEFAULT_ID): (data: Uint8Array) => Uint8Array {
  const z = sm2Z(point, userId);
  const key = asSm2Key(privateKey);
  return (data) => {
    const s = createSign("sm3");
    s.update(z);
    s.update(data);
    return new Uint8Array(s.sign(key));
  };
}

/** Signs `data` once; for many signatures with one key use {@link sm2Signer}. */
export function sm2Sign(data: Uint8Array, privateKey: KeyObject, point: Uint8Array, userId: string = SM2_DEFAULT_ID): Uint8Array {
  return sm2Signer(privateKey, point, userId)(data);
}

/**
 * Verifies a DER SM2 signature over `data`. Returns false for a signature that does not verify, is not
 * canonical DER, or a key that is not a point on the curve; callers turn false into their own typed error.
 */
export function sm2Verify(data: Uint8Array, signature: Uint8Array, publicKey: Sm2PublicKey, userId: string = SM2_DEFAULT_ID): boolean {
  try {
    let point: Uint8Array;
    let key: KeyObject;
    if (typeof publicKey === "string" || publicKey instanceof Uint8Array) {
      point = typeof publicKey === "string" ? Buffer.from(publicKey, "hex") : publicKey;
      key = sm2PublicKeyObject(point);
    } else {
      ({ point, key } = publicKey);
    }
    const v = createVerify("sm3");
    v.update(sm2Z(point, userId));
    v.update(data);
    return v.verify(key, signature);
  } catch {
    return false;
  }
}
