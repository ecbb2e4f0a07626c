/**
 * Lint throughput (issue 11): certificates linted per second with every rule on, over a corpus of
 * 2,000 caskit-issued leaves (P-256 server and client certificates with SANs, CDP and AIA), against the
 * ceiling of merely parsing the same certificates with @peculiar/asn1-x509 (the schema library the
 * linter decodes with). Also CSRs: lintCsr against parseCsr (which parses, checks and verifies).
 * Run alone: `npx tsx benchmarks/lint.bench.ts`.
 */
import { AsnConvert } from "@peculiar/asn1-schema";
import { Certificate } from "@peculiar/asn1-x509";
import { createRootCa, createSubCa } from "../src/ca/index.js";
import { generateKeyPair } from "../src/crypto/keys.js";
import { createCsr, parseCsr } from "../src/csr/index.js";
import { fromPemAll } from "../src/internal/pem.js";
import { Issuer } from "../src/issue/index.js";
import { lintCertificate, lintCsr } from "../src/lint/index.js";
import type { LintProfile } from "../src/lint/types.js";
import { type BenchRow, measureRate, row } from "./harness.js";

const CORPUS = 2_000;
/** Every registered rule, whatever the profiles say. */
const ALL: LintProfile = { name: "all", extends: "cabf-br", enable: ["*"] };

export async function runLintBench(): Promise<BenchRow[]> {
  const root = await createRootCa({ subject: { commonName: "Lint Bench Root" }, algorithm: "ECC_256", years: 5 });
  const sub = await createSubCa(root, { subject: { commonName: "Lint Bench CA" }, algorithm: "ECC_256", years: 2 });
  const issuer = Issuer.prepare(sub, { crlBaseUrl: "http://pki.example.test", aiaBaseUrl: "http://pki.example.test" });
  const key = await generateKeyPair("ECC_256");
  const csrs = [createCsr({ key, subject: { commonName: "a.example.test" }, sans: ["a.example.test", "b.example.test"] }).pem];
  const ders: Uint8Array[] = [];
  for (let i = 0; i < CORPUS; i++) {
    const csr = parseCsr(createCsr({ key, subject: { commonName: `h${i}.example.test` } }).pem);
    const r = i % 2 ? issuer.serverFromCsr(csr, { days: 90, domain: `alt${i}.example.test`, enableCrl: true }) : issuer.clientFromCsr(csr, { days: 90 });
    ders.push(fromPemAll("CERTIFICATE", r.certificatePem)[0] as Uint8Array);
  }
  const issuerDer = fromPemAll("CERTIFICATE", sub.certificatePem)[0] as Uint8Array;
  let i = 0;
  const lintRate = measureRate(() => lintCertificate(ders[i++ % CORPUS] as Uint8Array, { profile: ALL, issuer: issuerDer }), { rounds: 5, roundMs: 600 });
  const parseRate = measureRate(() => AsnConvert.parse(ders[i++ % CORPUS] as Uint8Array, Certificate), { rounds: 5, roundMs: 400 });
  const csrLint = measureRate(() => lintCsr(csrs[0] as string, { profile: "cas" }), { rounds: 5, roundMs: 400 });
  const csrParse = measureRate(() => parseCsr(csrs[0] as string), { rounds: 5, roundMs: 400 });
  return [
    row(`lint: certificates, every rule on, issuer given (${CORPUS} leaves)`, "certs/s", lintRate, "@peculiar/asn1-x509 parse", parseRate),
    row("lint: one P-256 CSR, cas profile", "CSRs/s", csrLint, "parseCsr (parse, policy, verify)", csrParse),
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { formatTable } = await import("./harness.js");
  const rows = await runLintBench();
  console.log(process.argv.includes("--json") ? JSON.stringify(rows, null, 2) : formatTable(rows));
}
