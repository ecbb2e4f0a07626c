/**
 * Leaf issuance from a pre-parsed CSR beside the raw signature with the same CA key over the same
 * number of bytes (the TBS of a real leaf) — one process, one run (issue 5 target 1).
 *
 * Ceilings: Node's `crypto.sign` for RSA and ECDSA; for SM2, `openssl speed -seconds 2 sm2` (a
 * separate process) and caskit's own raw SM2 signer (OpenSSL through Node's Sign, src/crypto/sm2.ts), in-process.
 *
 * Rounds of issuance and of the ceiling alternate (A B A B …) and each side reports its median, so a
 * neighbour's load that comes and goes during the run hits both sides alike. No assertions: this
 * prints figures; nothing in the test suite times anything.
 *
 * Run alone: `npx tsx benchmarks/issue.bench.ts` (`--json` for the rows as JSON).
 */
import { execFileSync } from "node:child_process";
import { sign } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { createRootCa, createSubCa } from "../src/ca/index.js";
import { parseCsr } from "../src/csr/index.js";
import { Issuer } from "../src/issue/index.js";
import { opensslSm2Speed } from "./csr.bench.js";
import { type BenchRow, formatTable, median, row } from "./harness.js";

export type { BenchRow };

const CASES = [
  { spec: "ECC_256", label: "P-256", csrKey: ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"], extra: [] as string[] },
  { spec: "RSA_2048", label: "RSA-2048", csrKey: ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"], extra: [] },
  { spec: "ECC_384", label: "P-384", csrKey: ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384"], extra: [] },
  { spec: "SM2_256", label: "SM2", csrKey: ["-algorithm", "SM2"], extra: ["-sm3", "-sigopt", "distid:1234567812345678"] },
];

const ROUNDS = 7;
const ROUND_MS = 300;

/** Ops/s of `fn` over one time-bounded round. */
function round(fn: () => unknown, ms: number): number {
  let n = 0;
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    fn();
    n++;
    if ((n & 3) === 0) now = performance.now();
  }
  now = performance.now();
  return (n * 1000) / (now - start);
}

/** Median ops/s of `a` and of `b`, their rounds alternating; one warm-up pair discarded. */
export function interleaved(a: () => unknown, b: () => unknown, rounds = ROUNDS, ms = ROUND_MS): [number, number] {
  const ra: number[] = [];
  const rb: number[] = [];
  for (let r = 0; r <= rounds; r++) {
    const x = round(a, ms);
    const y = round(b, ms);
    if (r > 0) {
      ra.push(x);
      rb.push(y);
    }
  }
  return [median(ra), median(rb)];
}

/** The TBSCertificate bytes of a certificate DER (the first element of the outer SEQUENCE). */
function tbsOf(der: Uint8Array): Uint8Array {
  const hdr = (p: number) => {
    const first = der[p + 1] as number;
    if (first < 0x80) return { start: p + 2, len: first };
    let len = 0;
    for (let i = 0; i < (first & 0x7f); i++) len = len * 256 + (der[p + 2 + i] as number);
    return { start: p + 2 + (first & 0x7f), len };
  };
  const outer = hdr(0);
  const tbs = hdr(outer.start);
  return der.subarray(outer.start, tbs.start + tbs.len);
}

/**
 * One row per key type: issuance ops/s against the raw-signature ceiling. For SM2 three rows: the raw
 * signer and issuance against `openssl speed sm2`, and issuance against the raw signer.
 */
export async function runIssueBench(): Promise<BenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), "caskit-bench-issue-"));
  const rows: BenchRow[] = [];
  try {
    for (const c of CASES) {
      const root = await createRootCa({ subject: { commonName: `Bench Root ${c.label}` }, algorithm: c.spec, years: 10 });
      const sub = await createSubCa(root, { subject: { commonName: `Bench CA ${c.label}`, organization: "caskit" }, algorithm: c.spec, years: 5 });
      const issuer = Issuer.prepare(sub, { crlBaseUrl: "http://pki.example.test" });
      execFileSync("openssl", ["genpkey", ...c.csrKey, "-out", join(dir, "k.pem")], { stdio: "ignore" });
      execFileSync("openssl", ["req", "-new", "-key", join(dir, "k.pem"), "-subj", "/CN=bench.example.com", ...c.extra, "-out", join(dir, "r.csr")]);
      const csr = parseCsr(readFileSync(join(dir, "r.csr")));
      const params = { days: 90, domain: "www.bench.example.com,10.0.0.1", enableCrl: true };
      const issue = () => issuer.serverFromCsr(csr, params);
      // The ceiling signs a copy of a real leaf's TBS: the same number of bytes the issuer signs.
      const tbs = Uint8Array.from(tbsOf(issue().certificateDer));
      if (c.spec === "SM2_256") {
        const [rate, raw] = interleaved(issue, () => sub.signer.sign(tbs));
        const speed = opensslSm2Speed();
        rows.push(row("sm2 sign (caskit signer)", "ops/s", raw, "openssl speed sm2 sign", speed.sign));
        rows.push(row("issue leaf from CSR SM2", "ops/s", rate, "openssl speed sm2 sign", speed.sign));
        rows.push(row("issue leaf from CSR SM2", "ops/s", rate, "sm2 sign (caskit signer)", raw));
      } else {
        const hash = sub.spec.signature.hash;
        const key = c.spec.startsWith("ECC") ? { key: sub.key.privateKey, dsaEncoding: "der" as const } : sub.key.privateKey;
        const [rate, ceiling] = interleaved(issue, () => sign(hash, tbs, key));
        rows.push(row(`issue leaf from CSR ${c.label}`, "ops/s", rate, `crypto.sign ${c.label}`, ceiling));
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const rows = await runIssueBench();
  console.log(process.argv.includes("--json") ? JSON.stringify(rows, null, 2) : formatTable(rows));
}
