/**
 * Key pairs: generation to a CAS key spec, import from PKCS#8 (PEM/DER, optionally encrypted),
 * export as PKCS#8 (optionally passphrase-encrypted, readable by `openssl pkey`) and SPKI.
 *
 * Every key, SM2 included, is held as a Node KeyObject: Node (OpenSSL 3) generates, imports and
 * exports SM2 keys fine; only its SM2 *signatures* are unusable (see sm2.ts).
 */
import {
  type KeyObject,
  createCipheriv,
  createPrivateKey,
  createPublicKey,
  generateKeyPair as nodeGenerateKeyPair,
  pbkdf2,
  pbkdf2Sync,
} from "node:crypto";
import { AsnConvert } from "@peculiar/asn1-schema";
import { SubjectPublicKeyInfo } from "@peculiar/asn1-x509";
import { RSAPublicKey } from "@peculiar/asn1-rsa";
import { KeyError } from "../errors.js";
import { NULL, octetString, oid, sequence, smallInteger } from "../internal/der.js";
import { systemRandom } from "../internal/env.js";
import { toPem } from "../internal/pem.js";
import { CURVES_BY_OID, type KeySpec, type KeySpecOptions, OID, keySpec, keySpecFor } from "./algorithms.js";

/** A private key with its resolved spec and public key. */
export interface KeyPair {
  readonly spec: KeySpec;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  /** SubjectPublicKeyInfo DER. */
  readonly spki: Uint8Array;
}

const toBytes = (b: Buffer): Uint8Array => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);

/** Generates a key pair for a CAS key spec ("RSA_2048", "ECC_256", "SM2_256", …). */
export async function generateKeyPair(specName: string, options: KeySpecOptions = {}): Promise<KeyPair> {
  const spec = keySpec(specName, options);
  const privateKey = await new Promise<KeyObject>((resolve, reject) => {
    const cb = (err: Error | null, _pub: KeyObject, priv: KeyObject) => (err ? reject(err) : resolve(priv));
    if (spec.family === "RSA") nodeGenerateKeyPair("rsa", { modulusLength: spec.bits, publicExponent: 0x10001 }, cb);
    else nodeGenerateKeyPair("ec", { namedCurve: (spec.curve as NonNullable<KeySpec["curve"]>).nodeName }, cb);
  });
  return keyPairFromPrivate(privateKey, spec);
}

function keyPairFromPrivate(privateKey: KeyObject, spec: KeySpec): KeyPair {
  const publicKey = createPublicKey(privateKey);
  const spki = toBytes(publicKey.export({ format: "der", type: "spki" }));
  return Object.freeze({ spec, privateKey, publicKey, spki });
}

/** Resolves the key spec of a SubjectPublicKeyInfo (RSA size, or the named curve). */
export function specOfSpki(spki: Uint8Array): KeySpec {
  let info: SubjectPublicKeyInfo;
  try {
    info = AsnConvert.parse(spki, SubjectPublicKeyInfo);
  } catch (cause) {
    throw new KeyError("bad_key", "public key is not a valid SubjectPublicKeyInfo", { cause });
  }
  const alg = info.algorithm.algorithm;
  if (alg === OID.rsaEncryption) {
    const rsa = AsnConvert.parse(info.subjectPublicKey, RSAPublicKey);
    return keySpecFor("RSA", modulusBits(new Uint8Array(rsa.modulus)));
  }
  if (alg === OID.ecPublicKey) {
    const params = info.algorithm.parameters ? new Uint8Array(info.algorithm.parameters) : undefined;
    const curve = params ? CURVES_BY_OID.get(oidFromDer(params)) : undefined;
    if (curve) return keySpecFor(curve.name === "SM2" ? "SM2" : "ECC", curve.name);
  }
  throw new KeyError("unsupported_algorithm", `unsupported public key algorithm ${alg}`);
}

/** Number of significant bits of an unsigned big-endian integer. */
export function modulusBits(m: Uint8Array): number {
  let i = 0;
  while (i < m.length && m[i] === 0) i++;
  if (i === m.length) return 0;
  return (m.length - i) * 8 - Math.clz32(m[i] as number) + 24;
}

/** Dotted OID text from a DER OBJECT IDENTIFIER (tag 06). */
export function oidFromDer(der: Uint8Array): string {
  if (der[0] !== 0x06 || der.length < 3 || der[1] !== der.length - 2) throw new KeyError("bad_key", "malformed OBJECT IDENTIFIER");
  const arcs: number[] = [];
  let v = 0;
  for (let i = 2; i < der.length; i++) {
    const b = der[i] as number;
    v = v * 128 + (b & 0x7f);
    if (!(b & 0x80)) {
      arcs.push(v);
      v = 0;
    }
  }
  const first = arcs.shift() ?? 0;
  const a = first < 80 ? Math.floor(first / 40) : 2;
  return [a, first - a * 40, ...arcs].join(".");
}

export interface ImportKeyOptions extends KeySpecOptions {
  /** Passphrase of an encrypted PKCS#8 key. */
  passphrase?: string;
}

/** Imports a private key from PKCS#8 / SEC1 / PKCS#1, PEM or DER, optionally encrypted. */
export function importPrivateKey(input: string | Uint8Array, options: ImportKeyOptions = {}): KeyPair {
  let privateKey: KeyObject;
  try {
    const text = typeof input === "string" ? input : undefined;
    if (text !== undefined || (input as Uint8Array)[0] === 0x2d /* '-' */) {
      privateKey = createPrivateKey({ key: text ?? Buffer.from(input as Uint8Array).toString("utf8"), format: "pem", passphrase: options.passphrase });
    } else {
      privateKey = createPrivateKey({ key: Buffer.from(input as Uint8Array), format: "der", type: "pkcs8", passphrase: options.passphrase });
    }
  } catch (cause) {
    const msg = String((cause as Error)?.message ?? "");
    if (/passphrase|decrypt|bad decrypt/i.test(msg)) {
      throw new KeyError("bad_passphrase", "the private key is encrypted and the passphrase is missing or wrong");
    }
    throw new KeyError("bad_key", "the private key could not be read (expected PKCS#8, SEC1 or PKCS#1, PEM or DER)");
  }
  const publicKey = createPublicKey(privateKey);
  const spki = toBytes(publicKey.export({ format: "der", type: "spki" }));
  const spec = specOfSpki(spki);
  if (spec.legacy && !options.allowLegacy) keySpec(spec.name, options); // throws the legacy refusal
  return Object.freeze({ spec, privateKey, publicKey, spki });
}

export interface ExportKeyOptions {
  /**
   * Encrypts the PKCS#8 with this passphrase (at least {@link MIN_EXPORT_PASSPHRASE_LENGTH} characters):
   * PBES2, PBKDF2-HMAC-SHA256 with {@link EXPORT_PBKDF2_ITERATIONS} iterations and a 16-byte salt,
   * AES-256-CBC.
   */
  passphrase?: string;
}

/**
 * PBKDF2-HMAC-SHA256 iterations for an exported encrypted key: OWASP's Password Storage Cheat Sheet
 * figure for PBKDF2-HMAC-SHA256 (600,000). On the 2-core development machine one derivation takes
 * about 0.18 s — once per DescribeCertificatePrivateKey, off the event loop
 * ({@link exportPrivateKeyPemAsync}). OpenSSL's own default (what Node's `KeyObject.export` uses) is
 * 2,048, which a guessing attack runs ~300× faster against.
 */
export const EXPORT_PBKDF2_ITERATIONS = 600_000;

/**
 * The shortest passphrase an exported key is encrypted with (CAS EncryptedCode: printable ASCII, at most
 * 32 bytes; CAS states no minimum, caskit requires 8 — NIST SP 800-63B's floor for memorised secrets).
 */
export const MIN_EXPORT_PASSPHRASE_LENGTH = 8;

const OID_PBES2 = "1.2.840.113549.1.5.13";
const OID_PBKDF2 = "1.2.840.113549.1.5.12";
const OID_HMAC_SHA256 = "1.2.840.113549.2.9";
const OID_AES256_CBC = "2.16.840.1.101.3.4.1.42";

function checkExportPassphrase(passphrase: string): void {
  if (typeof passphrase !== "string" || passphrase.length < MIN_EXPORT_PASSPHRASE_LENGTH) {
    throw new KeyError("bad_passphrase", `the passphrase (EncryptedCode) must be at least ${MIN_EXPORT_PASSPHRASE_LENGTH} characters; a shorter one would not protect the key`, {
      field: "passphrase",
    });
  }
}

/** EncryptedPrivateKeyInfo (RFC 5958 §3) with PBES2 (RFC 8018 §6.2) around a PKCS#8 DER, as PEM. */
function encryptedPkcs8Pem(pkcs8: Buffer, derivedKey: Buffer, salt: Buffer, iv: Buffer, iterations: number): string {
  const cipher = createCipheriv("aes-256-cbc", derivedKey, iv);
  const encrypted = Buffer.concat([cipher.update(pkcs8), cipher.final()]);
  const params = sequence(
    sequence(oid(OID_PBKDF2), sequence(octetString(salt), smallInteger(iterations), sequence(oid(OID_HMAC_SHA256), NULL))),
    sequence(oid(OID_AES256_CBC), octetString(iv)),
  );
  return toPem("ENCRYPTED PRIVATE KEY", sequence(sequence(oid(OID_PBES2), params), octetString(encrypted)));
}

/**
 * PKCS#8 PEM ("PRIVATE KEY", or "ENCRYPTED PRIVATE KEY" with a passphrase — see
 * {@link ExportKeyOptions.passphrase}; `openssl pkey -passin` reads it). A passphrase shorter than
 * {@link MIN_EXPORT_PASSPHRASE_LENGTH} is KeyError `bad_passphrase`. Derives the key synchronously
 * (~0.2 s); servers use {@link exportPrivateKeyPemAsync}.
 */
export function exportPrivateKeyPem(key: KeyPair, options: ExportKeyOptions = {}): string {
  if (options.passphrase !== undefined) {
    checkExportPassphrase(options.passphrase);
    const salt = Buffer.from(systemRandom(16));
    const derived = pbkdf2Sync(options.passphrase, salt, EXPORT_PBKDF2_ITERATIONS, 32, "sha256");
    return encryptedPkcs8Pem(key.privateKey.export({ format: "der", type: "pkcs8" }), derived, salt, Buffer.from(systemRandom(16)), EXPORT_PBKDF2_ITERATIONS);
  }
  return key.privateKey.export({ format: "pem", type: "pkcs8" }) as string;
}

/** {@link exportPrivateKeyPem} with the key derivation on libuv's thread pool, off the event loop. */
export async function exportPrivateKeyPemAsync(key: KeyPair, options: ExportKeyOptions = {}): Promise<string> {
  if (options.passphrase === undefined) return exportPrivateKeyPem(key);
  checkExportPassphrase(options.passphrase);
  const salt = Buffer.from(systemRandom(16));
  const passphrase = options.passphrase;
  const derived = await new Promise<Buffer>((resolve, reject) => pbkdf2(passphrase, salt, EXPORT_PBKDF2_ITERATIONS, 32, "sha256", (e, k) => (e ? reject(e) : resolve(k))));
  return encryptedPkcs8Pem(key.privateKey.export({ format: "der", type: "pkcs8" }), derived, salt, Buffer.from(systemRandom(16)), EXPORT_PBKDF2_ITERATIONS);
}

/** PKCS#8 DER, unencrypted. */
export function exportPrivateKeyDer(key: KeyPair): Uint8Array {
  return toBytes(key.privateKey.export({ format: "der", type: "pkcs8" }));
}

/** SubjectPublicKeyInfo PEM ("PUBLIC KEY"). */
export function exportPublicKeyPem(key: Pick<KeyPair, "spki">): string {
  return toPem("PUBLIC KEY", key.spki);
}
