/** Hand-made CSRs for the lint tests: build a request from DER parts, sign it (or not), override any field. */
import { type KeyObject, generateKeyPairSync, sign } from "node:crypto";
import { SIGNATURE_ALGORITHMS } from "../../src/crypto/algorithms.js";
import { generateKeyPair } from "../../src/crypto/keys.js";
import { createSigner } from "../../src/crypto/signer.js";
import { bitString, sequence } from "../../src/internal/der.js";
import { expect } from "vitest";
import { parseCsr } from "../../src/csr/index.js";
import { CsrError } from "../../src/errors.js";
import { type LintReport, lintCsr, ruleById } from "../../src/lint/index.js";
import * as B from "../helpers/csr-builder.js";

export const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 });
export const p256 = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
export const spkiOf = (k: KeyObject): Uint8Array => new Uint8Array(k.export({ format: "der", type: "spki" }));
export const rsaSpki = spkiOf(rsa.publicKey);
export const ecSpki = spkiOf(p256.publicKey);
export const sm2 = await generateKeyPair("SM2_256");
const sm2Signer = createSigner(sm2);

export const goodSubject = B.name(B.country("CN"), B.cn("www.example.com"));
export const goodAttributes = B.attributes(B.sanExtension(B.dns("www.example.com"), B.ip([10, 0, 0, 1])));

export interface Parts {
  subject?: Uint8Array;
  spki?: Uint8Array;
  attributes?: Uint8Array | null;
  version?: Uint8Array;
  /** Signing key: "ec" (default), "rsa", "sm2", or none (a dummy signature). */
  signer?: "ec" | "rsa" | "sm2" | "none";
  /** Replaces the signature AlgorithmIdentifier (the signature is still made by `signer`'s usual algorithm). */
  algId?: Uint8Array;
  /** Replaces the signature bytes. */
  signature?: Uint8Array;
  /** Appended after the signature (an extra field). */
  extra?: Uint8Array;
}

/** A CertificationRequest in DER. */
export function request(p: Parts = {}): Uint8Array {
  const signer = p.signer ?? (p.spki === rsaSpki ? "rsa" : p.spki === sm2.spki ? "sm2" : "ec");
  const spki = p.spki ?? (signer === "rsa" ? rsaSpki : signer === "sm2" ? sm2.spki : ecSpki);
  const cri = B.requestInfo({ subject: p.subject ?? goodSubject, spki, attributes: p.attributes === undefined ? goodAttributes : p.attributes, version: p.version });
  let sig: Uint8Array;
  let alg: Uint8Array;
  if (signer === "rsa") {
    sig = new Uint8Array(sign("sha256", cri, rsa.privateKey));
    alg = SIGNATURE_ALGORITHMS.sha256WithRSAEncryption.algorithmIdentifier;
  } else if (signer === "sm2") {
    sig = sm2Signer.sign(cri);
    alg = SIGNATURE_ALGORITHMS.SM3withSM2.algorithmIdentifier;
  } else if (signer === "ec") {
    sig = new Uint8Array(sign("sha256", cri, { key: p256.privateKey, dsaEncoding: "der" }));
    alg = SIGNATURE_ALGORITHMS["ecdsa-with-SHA256"].algorithmIdentifier;
  } else {
    sig = Uint8Array.of(0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01);
    alg = SIGNATURE_ALGORITHMS["ecdsa-with-SHA256"].algorithmIdentifier;
  }
  return p.extra ? sequence(cri, p.algId ?? alg, bitString(p.signature ?? sig), p.extra) : sequence(cri, p.algId ?? alg, bitString(p.signature ?? sig));
}

export const pem = B.csrPem;

export const rulesOf = (r: LintReport): string[] => r.findings.map((f) => f.rule);
export const errorsOf = (r: LintReport): string[] => r.findings.filter((f) => f.severity === "error").map((f) => f.rule);

/** Every location lies within the DER the report describes. */
export function locationsInside(r: LintReport): boolean {
  return r.findings.every((f) => !f.location || (f.location.offset >= 0 && f.location.length >= 0 && f.location.offset + f.location.length <= r.derLength));
}

/** Asserts parity on one input; returns parseCsr's verdict. */
export function parity(input: string | Uint8Array, use: "server" | "client" = "server"): string {
  let code = "ok";
  try {
    parseCsr(input, { profile: use });
  } catch (e) {
    expect(e).toBeInstanceOf(CsrError);
    code = (e as CsrError).code;
  }
  const start = performance.now();
  const r = lintCsr(input, { profile: "cas", csrUse: use });
  expect(performance.now() - start).toBeLessThan(1000);
  expect(locationsInside(r)).toBe(true);
  if (typeof input !== "string") expect(r.derLength).toBeLessThanOrEqual(input.length);
  const errors = r.findings.filter((f) => f.severity === "error");
  if (code === "ok") {
    expect(errors.map((f) => `${f.rule}: ${f.message}`)).toEqual([]);
  } else {
    const codes = errors.map((f) => ruleById(f.rule)?.csrCode);
    expect(codes, `parseCsr: ${code}; lint: ${errors.map((f) => f.rule).join(", ")}`).toContain(code);
  }
  return code;
}
