/**
 * Leaf issuance from a parsed CSR, beside the raw signature with the same CA key (Node's crypto.sign;
 * for SM2, `openssl speed sm2` and caskit's own raw SM2 signer) — one process, one run. Issue 5 target 1/3.
 */
import { execFileSync } from "node:child_process";
import { sign } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { createRootCa, createSubCa } from "../src/ca/index.js";
import { parseCsr } from "../src/csr/index.js";
import { Issuer } from "../src/issue/index.js";
import { opensslSm2Speed } from "./csr.bench.js";
import { type BenchRow, formatTable, measureRate, row } from "./harness.js";

const CASES = [
  { spec: "ECC_256", label: "P-256", csrKey: ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"], extra: [] as string[] },
  { spec: "RSA_2048", label: "RSA-2048", csrKey: ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"], extra: [] },
  { spec: "ECC_384", label: "P-384", csrKey: ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384"], extra: [] },
  { spec: "SM2_256", label: "SM2", csrKey: ["-algorithm", "SM2"], extra: ["-sm3", "-sigopt", "distid:1234567812345678"] },
];

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
      const sample = issuer.serverFromCsr(csr, params).certificateDer;
      const tbsLike = sample.subarray(4, sample.length - 80); // a TBS-sized message for the ceiling
      const rate = measureRate(() => issuer.serverFromCsr(csr, params));
      if (c.spec === "SM2_256") {
        const raw = measureRate(() => sub.signer.sign(tbsLike));
        const speed = opensslSm2Speed();
        rows.push(row("sm2 sign (caskit signer)", "ops/s", raw, "openssl speed sm2 sign", speed.sign));
        rows.push(row("issue leaf from CSR SM2", "ops/s", rate, "openssl speed sm2 sign", speed.sign));
      } else {
        const hash = sub.spec.signature.hash;
        const key = c.spec.startsWith("ECC") ? { key: sub.key.privateKey, dsaEncoding: "der" as const } : sub.key.privateKey;
        const ceiling = measureRate(() => sign(hash, tbsLike, key));
        rows.push(row(`issue leaf from CSR ${c.label}`, "ops/s", rate, `crypto.sign ${c.label}`, ceiling));
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  console.log(formatTable(await runIssueBench()));
}
