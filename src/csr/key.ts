/** Public key rules of docs/csr-policy.md "Public key". */
import type { JsonWebKey } from "node:crypto";
import { CURVES_BY_OID, type CurveInfo, OID } from "../crypto/algorithms.js";
import { modulusBits } from "../crypto/keys.js";
import { CsrError } from "../errors.js";
import { type Tlv, contents, expectConstructed, oidExcerpt, readDer, readOid } from "./der-reader.js";

export interface KeyFacts {
  keyAlgorithm: "RSA" | "EC" | "SM2";
  keySize: number;
  curve: CurveInfo | null;
  /** For EC/SM2: the uncompressed point. */
  point: Uint8Array | null;
  /** NIST EC keys as a JWK (OpenSSL 3.0 imports it ~2x faster than SPKI DER; see crypto/public-key.ts). */
  jwk: JsonWebKey | null;
  /** RSA: the RSAPublicKey (PKCS #1) bytes, the cheapest RSA import on OpenSSL 3.0. */
  pkcs1: Uint8Array | null;
}

const b64u = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("base64url");
const JWK_CRV: Record<string, string> = { "P-256": "P-256", "P-384": "P-384", "P-521": "P-521" };

const KNOWN_REFUSED_KEYS: Record<string, string> = {
  [OID.rsassaPss]: "RSASSA-PSS keys",
  "1.3.101.112": "Ed25519",
  "1.3.101.113": "Ed448",
  "1.3.101.110": "X25519",
  "1.3.101.111": "X448",
  "1.2.840.10040.4.1": "DSA",
  "1.2.643.7.1.1.1.1": "GOST R 34.10-2012",
  "1.2.643.2.2.19": "GOST R 34.10-2001",
};

/** Subject public key BIT STRING contents (unused-bits octet 0 required). */
export function bitStringBytes(buf: Uint8Array, t: Tlv | undefined, what: string): Uint8Array {
  if (!t || t.tag !== 0x03 || t.end === t.contentStart) throw new CsrError("parse_error", `${what} is not a BIT STRING`);
  if (buf[t.contentStart] !== 0) throw new CsrError("parse_error", `${what} has unused bits`);
  return buf.subarray(t.contentStart + 1, t.end);
}

/** Checks the SubjectPublicKeyInfo (already structurally read) and reports its facts. */
export function checkPublicKey(buf: Uint8Array, spki: Tlv): KeyFacts {
  const [algId, bits] = expectConstructed(spki, 0x30, "SubjectPublicKeyInfo");
  const [algOid, params, ...extra] = expectConstructed(algId, 0x30, "the public key AlgorithmIdentifier");
  const alg = readOid(buf, algOid, "the public key algorithm");
  const keyBytes = bitStringBytes(buf, bits, "the public key");
  if (extra.length) throw new CsrError("parse_error", "extra fields in the public key AlgorithmIdentifier");

  if (alg === OID.rsaEncryption) {
    if (params && !(params.tag === 0x05 && params.end === params.contentStart)) {
      throw new CsrError("unsupported_key", "rsaEncryption key parameters must be NULL");
    }
    const rsa = readDer(keyBytes);
    if (rsa.end !== keyBytes.length) throw new CsrError("parse_error", "trailing bytes after the RSA public key");
    const [n, e, ...more] = expectConstructed(rsa, 0x30, "RSAPublicKey");
    if (!n || !e || n.tag !== 0x02 || e.tag !== 0x02 || more.length) throw new CsrError("parse_error", "RSAPublicKey must be two INTEGERs");
    const nb = contents(keyBytes, n);
    const eb = contents(keyBytes, e);
    for (const [v, name] of [[nb, "modulus"], [eb, "exponent"]] as const) {
      if (v.length === 0 || ((v[0] as number) & 0x80) !== 0) throw new CsrError("weak_key", `RSA ${name} is not positive`);
      if (v.length > 1 && v[0] === 0 && !((v[1] as number) & 0x80)) throw new CsrError("parse_error", `RSA ${name} is not minimally encoded`);
    }
    const size = modulusBits(nb);
    if (size < 2048) throw new CsrError("weak_key", `RSA key is ${size} bits; the minimum is 2048`);
    const eLast = eb[eb.length - 1] as number;
    const eIsSmall = eb.length === 1 || (eb.length === 2 && eb[0] === 0);
    if ((eLast & 1) === 0) throw new CsrError("weak_key", "RSA public exponent is even");
    if (eIsSmall && eLast < 3) throw new CsrError("weak_key", "RSA public exponent is 1; it must be odd and at least 3");
    return { keyAlgorithm: "RSA", keySize: size, curve: null, point: null, jwk: null, pkcs1: keyBytes };
  }

  if (alg === OID.ecPublicKey) {
    if (!params || params.tag !== 0x06) {
      throw new CsrError("unsupported_key", "EC keys must name their curve; explicit or implicit curve parameters are refused (RFC 5480)");
    }
    const curveOid = readOid(buf, params, "the EC curve");
    const curve = CURVES_BY_OID.get(curveOid);
    if (!curve) throw new CsrError("unsupported_key", `EC curve ${oidExcerpt(curveOid)} is not supported; use P-256, P-384, P-521 or SM2`);
    if (keyBytes[0] !== 0x04) throw new CsrError("unsupported_key", "compressed EC points are refused; send the uncompressed point");
    if (keyBytes.length !== curve.pointLength) throw new CsrError("unsupported_key", `the ${curve.name} public point has the wrong length`);
    const half = (keyBytes.length - 1) / 2;
    const crv = JWK_CRV[curve.name];
    const jwk = crv ? { kty: "EC", crv, x: b64u(keyBytes.subarray(1, 1 + half)), y: b64u(keyBytes.subarray(1 + half)) } : null;
    return { keyAlgorithm: curve.name === "SM2" ? "SM2" : "EC", keySize: curve.bits, curve, point: keyBytes, jwk, pkcs1: null };
  }

  const known = KNOWN_REFUSED_KEYS[alg];
  throw new CsrError("unsupported_key", `${known ?? `public key algorithm ${oidExcerpt(alg)}`} is not supported; use RSA, ECDSA (P-256/384/521) or SM2`);
}
