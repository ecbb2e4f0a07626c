/**
 * CreateServerCertificateWithCsr over HTTP with V3 signatures against `caskit serve` (SQLite store,
 * P-256 CA) on loopback: requests/s and p50/p99 latency, beside the in-process issuance rate and the raw
 * crypto.sign P-256 rate of the same run. Bounded: at most `TOTAL` requests or `SECONDS` seconds.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { createHash, randomBytes, sign } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { createRootCa, createSubCa } from "../src/ca/index.js";
import { generateKeyPair } from "../src/crypto/keys.js";
import { createCsr, parseCsr } from "../src/csr/index.js";
import { pct, v3CanonicalRequest, v3Signature, v3StringToSign } from "../src/http/rpc/signature.js";
import { Issuer } from "../src/issue/index.js";
import { type BenchRow, formatTable, measureRate, row } from "./harness.js";

const TOTAL = 4000;
const SECONDS = 15;
const CONCURRENCY = 16;
const BIN = join(fileURLToPath(import.meta.url), "../../dist/cli/main.js");

function signedRequest(host: string, ak: { id: string; secret: string }, action: string, params: Record<string, string>) {
  const query = Object.entries(params) as Array<[string, string]>;
  const headers: Record<string, string> = {
    host,
    "x-acs-action": action,
    "x-acs-version": "2020-06-30",
    "x-acs-date": new Date().toISOString().replace(/\.\d+Z$/, "Z"),
    "x-acs-signature-nonce": randomBytes(16).toString("hex"),
    "x-acs-content-sha256": createHash("sha256").update("").digest("hex"),
  };
  const signedHeaders = Object.keys(headers).sort();
  const sig = v3Signature(ak.secret, v3StringToSign(v3CanonicalRequest({ method: "POST", path: "/", query, headers, signedHeaders, body: new Uint8Array() })));
  headers.authorization = `ACS3-HMAC-SHA256 Credential=${ak.id},SignedHeaders=${signedHeaders.join(";")},Signature=${sig}`;
  return { url: `http://${host}/?${query.map(([k, v]) => `${k}=${pct(v)}`).join("&")}`, headers };
}

export async function runHttpBench(): Promise<BenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), "caskit-bench-http-"));
  const env = { ...process.env, CASKIT_DATA: join(dir, "ca.db"), CASKIT_MASTER_PASSPHRASE: "bench" };
  const cli = (args: string[]) => JSON.parse(execFileSync(process.execPath, [BIN, "--json", ...args], { env }).toString());
  let server: ChildProcess | undefined;
  try {
    const root = cli(["ca", "create-root", "--cn", "HTTP Bench Root", "--algorithm", "ECC_256", "--years", "5"]).Identifier;
    const sub = cli(["ca", "create-sub", "--parent", root, "--cn", "HTTP Bench CA", "--algorithm", "ECC_256", "--years", "2"]).Identifier;
    const created = cli(["accesskey", "create"]);
    const ak = { id: created.AccessKeyId, secret: created.AccessKeySecret };
    const csr = createCsr({ key: await generateKeyPair("ECC_256"), subject: { commonName: "bench.example.com" } }).pem;

    const prof = process.env.CASKIT_BENCH_PROF ? ["--cpu-prof", `--cpu-prof-dir=${process.env.CASKIT_BENCH_PROF}`] : [];
    server = spawn(process.execPath, [...prof, BIN, "serve", "--port", "0", "--throttle", "0", "--quiet"], { env, stdio: ["ignore", "pipe", "inherit"] });
    const port = await new Promise<number>((resolve, reject) => {
      let out = "";
      server?.stdout?.on("data", (d: Buffer) => {
        out += d.toString();
        const m = /:(\d+)\n/.exec(out);
        if (m) resolve(Number(m[1]));
      });
      server?.on("exit", (c) => reject(new Error(`serve exited ${c}`)));
    });
    const host = `127.0.0.1:${port}`;
    const params = { ParentIdentifier: sub, Csr: csr, Days: "30", Immediately: "1" };

    const latencies: number[] = [];
    let done = 0;
    let failed = 0;
    const deadline = performance.now() + SECONDS * 1000;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (done + failed < TOTAL && performance.now() < deadline) {
          const r = signedRequest(host, ak, "CreateServerCertificateWithCsr", params);
          const start = performance.now();
          const res = await fetch(r.url, { method: "POST", headers: r.headers });
          await res.arrayBuffer();
          latencies.push(performance.now() - start);
          if (res.status === 200) done++;
          else failed++;
        }
      }),
    );
    const elapsed = (performance.now() - t0) / 1000;
    if (failed) throw new Error(`${failed} requests failed`);
    latencies.sort((a, b) => a - b);
    const pick = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] as number;

    // Ceilings in the same run: in-process issuance (no HTTP, no store) and raw signing.
    const r = await createRootCa({ subject: { commonName: "Ceiling Root" }, algorithm: "ECC_256", years: 5 });
    const s = await createSubCa(r, { subject: { commonName: "Ceiling CA" }, algorithm: "ECC_256", years: 2 });
    const issuer = Issuer.prepare(s);
    const facts = parseCsr(csr);
    const inProcess = measureRate(() => issuer.serverFromCsr(facts, { days: 30 }));
    const tbs = new Uint8Array(600);
    const rawSign = measureRate(() => sign("sha256", tbs, { key: s.key.privateKey, dsaEncoding: "der" }));
    const rps = done / elapsed;
    return [
      row(`http CreateServerCertificateWithCsr (V3, SQLite, P-256, c=${CONCURRENCY})`, "req/s", rps, "in-process issuance P-256", inProcess),
      row("http CreateServerCertificateWithCsr vs raw signing", "req/s", rps, "crypto.sign P-256", rawSign),
      { name: "http latency p50", unit: "ms", value: pick(0.5), ceilingName: "-", ceilingValue: Number.NaN, ratio: Number.NaN },
      { name: "http latency p99", unit: "ms", value: pick(0.99), ceilingName: "-", ceilingValue: Number.NaN, ratio: Number.NaN },
    ];
  } finally {
    server?.kill("SIGTERM");
    await new Promise((r) => (server ? server.on("exit", r) : r(null)));
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  console.log(formatTable(await runHttpBench()));
}
