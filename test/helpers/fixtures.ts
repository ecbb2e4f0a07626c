/** Shared fixtures: OpenSSL-made keys and CSRs, and small CA hierarchies, made once per test file. */
import { readFileSync } from "node:fs";
import { createRootCa, createSubCa } from "../../src/ca/index.js";
import type { CertificateAuthority } from "../../src/ca/types.js";
import { opensslOrThrow } from "./openssl.js";

/** `openssl genpkey` arguments per key kind. */
export const GENPKEY: Record<string, string[]> = {
  "RSA-2048": ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"],
  "RSA-3072": ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:3072"],
  "RSA-1024": ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:1024"],
  "P-256": ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"],
  "P-384": ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384"],
  "P-521": ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-521"],
  secp256k1: ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:secp256k1"],
  SM2: ["-algorithm", "SM2"],
  Ed25519: ["-algorithm", "ED25519"],
};

/** Makes (or reuses) an OpenSSL key of `kind` at `path`. */
export function opensslKey(kind: string, path: string): string {
  const args = GENPKEY[kind];
  if (!args) throw new Error(`unknown key kind ${kind}`);
  opensslOrThrow(["genpkey", ...args, "-out", path]);
  return path;
}

export interface CsrSpec {
  key: string;
  subj: string;
  digest?: string;
  san?: string;
  extra?: string[];
}

/** Makes a CSR with `openssl req`; returns its PEM bytes. */
export function opensslCsr(out: string, spec: CsrSpec): Uint8Array {
  const args = ["req", "-new", "-key", spec.key, "-subj", spec.subj, "-out", out];
  if (spec.digest) args.push(`-${spec.digest}`);
  if (spec.san) args.push("-addext", `subjectAltName=${spec.san}`);
  opensslOrThrow([...args, ...(spec.extra ?? [])]);
  return new Uint8Array(readFileSync(out));
}

/** SM2 CSR signed with the default ID (OpenSSL 3.0 signs with an empty ID unless told). */
export const SM2_SIGOPT = ["-sm3", "-sigopt", "distid:1234567812345678"];

export interface Hierarchy {
  root: CertificateAuthority;
  sub: CertificateAuthority;
}

/** A root and one subordinate CA of one key spec. */
export async function hierarchy(algorithm: string, years = { root: 10, sub: 5 }): Promise<Hierarchy> {
  const root = await createRootCa({ subject: { commonName: `Test Root ${algorithm}`, organization: "caskit tests", country: "CN", state: "Zhejiang", locality: "Hangzhou" }, algorithm, years: years.root });
  const sub = await createSubCa(root, { subject: { commonName: `Test Issuing CA ${algorithm}`, organization: "caskit tests" }, algorithm, years: years.sub });
  return { root, sub };
}
