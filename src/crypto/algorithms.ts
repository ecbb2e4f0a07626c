/**
 * THE algorithm table. Every key spec and signature algorithm caskit knows is one entry here; code
 * elsewhere receives a resolved entry and never branches on algorithm names it spells itself.
 *
 * Key specs use the CAS spellings (docs/cas-api.md, "Value conventions"). `ECC_512` is NIST P-521 (CAS's name).
 * Divergence from CAS: `RSA_1024` exists in CAS but caskit refuses it unless the caller passes
 * `allowLegacy: true` — a 1024-bit RSA key is breakable today.
 */
import { KeyError } from "../errors.js";
import { NULL, oid, sequence } from "../internal/der.js";

export type KeyFamily = "RSA" | "ECC" | "SM2";
export type KeySpecName = "RSA_1024" | "RSA_2048" | "RSA_3072" | "RSA_4096" | "ECC_256" | "ECC_384" | "ECC_512" | "SM2_256";
export type CurveName = "P-256" | "P-384" | "P-521" | "SM2";
export type HashName = "sha256" | "sha384" | "sha512" | "sm3";
export type SignatureAlgorithmName =
  | "sha256WithRSAEncryption"
  | "sha384WithRSAEncryption"
  | "sha512WithRSAEncryption"
  | "ecdsa-with-SHA256"
  | "ecdsa-with-SHA384"
  | "ecdsa-with-SHA512"
  | "SM3withSM2";

export interface SignatureAlgorithm {
  readonly name: SignatureAlgorithmName;
  readonly oid: string;
  /** Digest fed to the signature primitive. */
  readonly hash: HashName;
  /** Key family that can make this signature. */
  readonly family: KeyFamily;
  /** The finished AlgorithmIdentifier DER (RSA: NULL parameters, RFC 4055 §5; ECDSA/SM2: absent). */
  readonly algorithmIdentifier: Uint8Array;
  /** CAS response spelling (`SignAlgorithm`). */
  readonly casName: string;
}

function sigAlg(name: SignatureAlgorithmName, dotted: string, hash: HashName, family: KeyFamily, casName: string): SignatureAlgorithm {
  const algorithmIdentifier = family === "RSA" ? sequence(oid(dotted), NULL) : sequence(oid(dotted));
  return Object.freeze({ name, oid: dotted, hash, family, algorithmIdentifier, casName });
}

export const SIGNATURE_ALGORITHMS: Readonly<Record<SignatureAlgorithmName, SignatureAlgorithm>> = Object.freeze({
  sha256WithRSAEncryption: sigAlg("sha256WithRSAEncryption", "1.2.840.113549.1.1.11", "sha256", "RSA", "SHA256WITHRSA"),
  sha384WithRSAEncryption: sigAlg("sha384WithRSAEncryption", "1.2.840.113549.1.1.12", "sha384", "RSA", "SHA384WITHRSA"),
  sha512WithRSAEncryption: sigAlg("sha512WithRSAEncryption", "1.2.840.113549.1.1.13", "sha512", "RSA", "SHA512WITHRSA"),
  "ecdsa-with-SHA256": sigAlg("ecdsa-with-SHA256", "1.2.840.10045.4.3.2", "sha256", "ECC", "SHA256WITHECDSA"),
  "ecdsa-with-SHA384": sigAlg("ecdsa-with-SHA384", "1.2.840.10045.4.3.3", "sha384", "ECC", "SHA384WITHECDSA"),
  "ecdsa-with-SHA512": sigAlg("ecdsa-with-SHA512", "1.2.840.10045.4.3.4", "sha512", "ECC", "SHA512WITHECDSA"),
  SM3withSM2: sigAlg("SM3withSM2", "1.2.156.10197.1.501", "sm3", "SM2", "SM3WITHSM2"),
});

/** Signature algorithms by OID, for parsing. */
export const SIGNATURE_ALGORITHMS_BY_OID: ReadonlyMap<string, SignatureAlgorithm> = new Map(
  Object.values(SIGNATURE_ALGORITHMS).map((a) => [a.oid, a]),
);

/**
 * Signature algorithms that caskit recognises only to refuse by name (docs/csr-policy.md "Signature":
 * SHA-1, MD5, RSASSA-PSS and friends are `unsupported_signature`).
 */
export const REFUSED_SIGNATURE_ALGORITHMS: ReadonlyMap<string, string> = new Map([
  ["1.2.840.113549.1.1.4", "md5WithRSAEncryption"],
  ["1.2.840.113549.1.1.2", "md2WithRSAEncryption"],
  ["1.2.840.113549.1.1.5", "sha1WithRSAEncryption"],
  ["1.2.840.113549.1.1.14", "sha224WithRSAEncryption"],
  ["1.2.840.113549.1.1.10", "RSASSA-PSS"],
  ["1.2.840.10045.4.1", "ecdsa-with-SHA1"],
  ["1.2.840.10045.4.3.1", "ecdsa-with-SHA224"],
  ["1.2.840.10040.4.3", "dsa-with-SHA1"],
  ["2.16.840.1.101.3.4.3.2", "dsa-with-SHA256"],
  ["1.3.101.112", "Ed25519"],
  ["1.3.101.113", "Ed448"],
]);

export const OID = {
  rsaEncryption: "1.2.840.113549.1.1.1",
  rsassaPss: "1.2.840.113549.1.1.10",
  ecPublicKey: "1.2.840.10045.2.1",
  sm2Curve: "1.2.156.10197.1.301",
} as const;

export interface CurveInfo {
  readonly name: CurveName;
  readonly oid: string;
  /** Node's name for the curve. */
  readonly nodeName: string;
  /** Field size in bits (the CAS `KeySize`). */
  readonly bits: number;
  /** Length of an uncompressed point (0x04 || X || Y). */
  readonly pointLength: number;
}

export const CURVES: Readonly<Record<CurveName, CurveInfo>> = Object.freeze({
  "P-256": { name: "P-256", oid: "1.2.840.10045.3.1.7", nodeName: "prime256v1", bits: 256, pointLength: 65 },
  "P-384": { name: "P-384", oid: "1.3.132.0.34", nodeName: "secp384r1", bits: 384, pointLength: 97 },
  "P-521": { name: "P-521", oid: "1.3.132.0.35", nodeName: "secp521r1", bits: 521, pointLength: 133 },
  SM2: { name: "SM2", oid: OID.sm2Curve, nodeName: "SM2", bits: 256, pointLength: 65 },
});

export const CURVES_BY_OID: ReadonlyMap<string, CurveInfo> = new Map(Object.values(CURVES).map((c) => [c.oid, c]));

export interface KeySpec {
  readonly name: KeySpecName;
  readonly family: KeyFamily;
  /** RSA modulus bits, or the curve's field size (521 for ECC_512). */
  readonly bits: number;
  /** Set for ECC and SM2. */
  readonly curve?: CurveInfo;
  /** The signature this key makes when it signs certificates and CRLs (docs/architecture.md "Rules that matter"). */
  readonly signature: SignatureAlgorithm;
  /** CAS refuses nothing here; caskit refuses RSA_1024 unless asked (see module doc). */
  readonly legacy: boolean;
}

const S = SIGNATURE_ALGORITHMS;
export const KEY_SPECS: Readonly<Record<KeySpecName, KeySpec>> = Object.freeze({
  RSA_1024: { name: "RSA_1024", family: "RSA", bits: 1024, signature: S.sha256WithRSAEncryption, legacy: true },
  RSA_2048: { name: "RSA_2048", family: "RSA", bits: 2048, signature: S.sha256WithRSAEncryption, legacy: false },
  RSA_3072: { name: "RSA_3072", family: "RSA", bits: 3072, signature: S.sha256WithRSAEncryption, legacy: false },
  RSA_4096: { name: "RSA_4096", family: "RSA", bits: 4096, signature: S.sha256WithRSAEncryption, legacy: false },
  ECC_256: { name: "ECC_256", family: "ECC", bits: 256, curve: CURVES["P-256"], signature: S["ecdsa-with-SHA256"], legacy: false },
  ECC_384: { name: "ECC_384", family: "ECC", bits: 384, curve: CURVES["P-384"], signature: S["ecdsa-with-SHA384"], legacy: false },
  ECC_512: { name: "ECC_512", family: "ECC", bits: 521, curve: CURVES["P-521"], signature: S["ecdsa-with-SHA512"], legacy: false },
  SM2_256: { name: "SM2_256", family: "SM2", bits: 256, curve: CURVES.SM2, signature: S.SM3withSM2, legacy: false },
});

export interface KeySpecOptions {
  /** Accept RSA_1024 (refused by default). */
  allowLegacy?: boolean;
}

/** Resolves a CAS key spec name, refusing unknown names and (by default) legacy ones. */
export function keySpec(name: string, options: KeySpecOptions = {}): KeySpec {
  const spec = (KEY_SPECS as Record<string, KeySpec | undefined>)[name];
  if (!spec) {
    throw new KeyError("unsupported_algorithm", `unknown key algorithm "${name}"; expected one of ${Object.keys(KEY_SPECS).join(", ")}`, {
      field: "algorithm",
    });
  }
  if (spec.legacy && !options.allowLegacy) {
    throw new KeyError("unsupported_algorithm", `${name} is refused: RSA keys below 2048 bits are breakable; pass allowLegacy to force it`, {
      field: "algorithm",
    });
  }
  return spec;
}

/** The spec for an existing key, from its family and size/curve (RSA sizes other than the table's are allowed). */
export function keySpecFor(family: KeyFamily, bitsOrCurve: number | CurveName): KeySpec {
  if (family === "RSA") {
    const bits = bitsOrCurve as number;
    const exact = Object.values(KEY_SPECS).find((s) => s.family === "RSA" && s.bits === bits);
    return exact ?? { name: bits >= 4096 ? "RSA_4096" : bits >= 3072 ? "RSA_3072" : "RSA_2048", family, bits, signature: S.sha256WithRSAEncryption, legacy: bits < 2048 };
  }
  const curve = typeof bitsOrCurve === "string" ? bitsOrCurve : undefined;
  const spec = Object.values(KEY_SPECS).find((s) => s.curve?.name === curve && s.family === family);
  if (!spec) throw new KeyError("unsupported_algorithm", `no key spec for ${family} ${String(bitsOrCurve)}`);
  return spec;
}
