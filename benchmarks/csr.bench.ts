/**
 * CSR parse + full policy + self-signature verification, beside Node's raw crypto.verify of the same
 * signature with the same, already imported key (the ceiling), in one process and run. Issue 5 target 2.
 *
 * A second row per key type uses "key import + crypto.verify" as the ceiling: a CSR brings a key we have
 * never seen, and importing it into OpenSSL 3.0 costs about one P-256 verify (JWK import runs
 * EC_KEY_check_key, which multiplies the point by the group order; SPKI DER goes through the slower
 * OSSL_DECODER). That row shows how close the parser is to what any Node code can reach.
 */
import { execFileSync } from "node:child_process";
import { createPublicKey, verify } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { AsnConvert } from "@peculiar/asn1-schema";
import { CertificationRequest } from "@peculiar/asn1-csr";
import { parseCsr } from "../src/csr/index.js";
import { type BenchRow, formatTable, measureRate, row } from "./harness.js";

interface Case {
  label: string;
  keyArgs: string[];
  digest: string;
}

const CASES: Case[] = [
  { label: "RSA-2048", keyArgs: ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"], digest: "sha256" },
  { label: "P-256", keyArgs: ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"], digest: "sha256" },
];

function makeCsr(dir: string, c: Case): Uint8Array {
  const key = join(dir, `${c.label}.key`);
  const csr = join(dir, `${c.label}.csr`);
  execFileSync("openssl", ["genpkey", ...c.keyArgs, "-out", key], { stdio: "ignore" });
  execFileSync("openssl", ["req", "-new", "-key", key, "-subj", "/CN=bench.example.com/O=caskit", `-${c.digest}`, "-addext", "subjectAltName=DNS:bench.example.com,DNS:www.bench.example.com,IP:10.0.0.1", "-outform", "DER", "-out", csr]);
  return new Uint8Array(readFileSync(csr));
}

function makeSm2Csr(dir: string): Uint8Array {
  const key = join(dir, "sm2.key");
  const csr = join(dir, "sm2.csr");
  execFileSync("openssl", ["genpkey", "-algorithm", "SM2", "-out", key]);
  execFileSync("openssl", ["req", "-new", "-key", key, "-subj", "/CN=bench.example.com", "-sm3", "-sigopt", "distid:1234567812345678", "-outform", "DER", "-out", csr]);
  return new Uint8Array(readFileSync(csr));
}

/** `openssl speed sm2` sign/verify rates of this machine, one core. */
export function opensslSm2Speed(seconds = 2): { sign: number; verify: number } {
  const out = execFileSync("openssl", ["speed", "-seconds", String(seconds), "sm2"], { stdio: ["ignore", "pipe", "ignore"] }).toString();
  // "... 256 bits SM2 (CurveSM2)   0.0006s   0.0005s   1720.4   1950.2"
  const line = out.split("\n").find((l) => /SM2/.test(l) && /\d+\.\d+\s+\d+\.\d+\s*$/.test(l));
  const nums = line?.trim().split(/\s+/).slice(-2).map(Number);
  if (!nums || nums.some((n) => !Number.isFinite(n))) throw new Error(`cannot read openssl speed sm2 output:\n${out}`);
  return { sign: nums[0] as number, verify: nums[1] as number };
}

export async function runCsrBench(): Promise<BenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), "caskit-bench-csr-"));
  const rows: BenchRow[] = [];
  try {
    for (const c of CASES) {
      const der = makeCsr(dir, c);
      const req = AsnConvert.parse(der, CertificationRequest);
      const tbs = new Uint8Array(AsnConvert.serialize(req.certificationRequestInfo));
      const spki = new Uint8Array(AsnConvert.serialize(req.certificationRequestInfo.subjectPKInfo));
      const sig = new Uint8Array(req.signature);
      const key = createPublicKey({ key: Buffer.from(spki), format: "der", type: "spki" });
      const opts = c.label.startsWith("P-") ? { key, dsaEncoding: "der" as const } : key;
      if (!verify(c.digest, tbs, opts, sig)) throw new Error("ceiling verify failed");
      parseCsr(der); // must accept before we time it
      const jwk = key.export({ format: "jwk" });
      const importAndVerify = () => {
        const k = createPublicKey({ key: jwk, format: "jwk" });
        return verify(c.digest, tbs, c.label.startsWith("P-") ? { key: k, dsaEncoding: "der" } : k, sig);
      };
      const ceiling = measureRate(() => verify(c.digest, tbs, opts, sig));
      const floor = measureRate(importAndVerify);
      const rate = measureRate(() => parseCsr(der));
      rows.push(row(`csr parse+verify ${c.label}`, "ops/s", rate, `crypto.verify ${c.label}`, ceiling));
      rows.push(row(`csr parse+verify ${c.label}`, "ops/s", rate, `JWK import + crypto.verify ${c.label}`, floor));
    }
    const sm2 = makeSm2Csr(dir);
    parseCsr(sm2);
    const speed = opensslSm2Speed();
    rows.push(row("csr parse+verify SM2", "ops/s", measureRate(() => parseCsr(sm2)), "openssl speed sm2 verify", speed.verify));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  console.log(formatTable(await runCsrBench()));
}
