/**
 * Public keys into OpenSSL the cheapest way this runtime offers: importing a key costs about as much as
 * verifying with it, and which path is cheap depends on the OpenSSL under Node.
 */
import { type JsonWebKey, type KeyObject, createPublicKey } from "node:crypto";
import { toPem } from "../internal/pem.js";

/** Ways into a KeyObject; which is cheapest depends on the OpenSSL under Node (see `importMethod`). */
export type ImportMethod = "spki-pem" | "spki-der" | "jwk" | "pkcs1";

/** What a caller that has taken the key apart may pass along, so the cheapest import can be used. */
export interface KeyHints {
  /** RSA: the RSAPublicKey (PKCS #1) inside the SPKI's BIT STRING. */
  pkcs1?: Uint8Array;
  /** NIST EC: the key as a JWK. */
  jwk?: JsonWebKey;
}

const [major = 0, minor = 0] = (process.versions.openssl ?? "0.0").split(".").map(Number);
/**
 * Importing a key costs about as much as verifying with it, so the path matters. Measured (µs/import,
 * P-256 / RSA-2048): OpenSSL 3.0 (Node 20, 22): JWK 57 / 10, PKCS #1 DER — / 3, SPKI DER or PEM 110 /
 * 110 (OSSL_DECODER); OpenSSL 3.5 (Node 24): SPKI PEM 19 / 14, DER 33 / 25, JWK 36 / 20. Versions
 * between were not measured and are treated as 3.0.
 */
const FAST_DECODERS = major > 3 || (major === 3 && minor >= 5);

/** The import this runtime does fastest for a key of this kind. */
export function importMethod(kind: "RSA" | "EC"): ImportMethod {
  if (FAST_DECODERS) return "spki-pem";
  return kind === "RSA" ? "pkcs1" : "jwk";
}

/** Imports a public key by `method`, falling back to SPKI DER when the hint it needs is missing. */
export function importPublicKey(spki: Uint8Array, method: ImportMethod, hints: KeyHints = {}): KeyObject {
  if (method === "spki-pem") return createPublicKey(toPem("PUBLIC KEY", spki));
  if (method === "pkcs1" && hints.pkcs1) return createPublicKey({ key: Buffer.from(hints.pkcs1), format: "der", type: "pkcs1" });
  if (method === "jwk" && hints.jwk) return createPublicKey({ key: hints.jwk, format: "jwk" });
  return createPublicKey({ key: Buffer.from(spki), format: "der", type: "spki" });
}

