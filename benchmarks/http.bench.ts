/**
 * HTTP issuance, caskit against cfssl, both driven by the same load generator in the same run (issue 5,
 * target 6: caskit >= 1.5x cfssl's throughput).
 *
 * - caskit: `caskit serve` (built CLI, dist/) on loopback with a durable SQLite store (WAL fsynced before each answer),
 *   a P-256 root and issuing CA made by the CLI, `CreateServerCertificateWithCsr` signed with V3
 *   (ACS3-HMAC-SHA256), `Immediately=1` (the certificate is in the answer). Every request needs its own nonce,
 *   so the requests are signed here beforehand (src/http/rpc/signature.ts) and replayed once each.
 * - cfssl: `cfssl serve` (Debian golang-cfssl 1.2) with a P-256 CA from `cfssl gencert -initca`,
 *   POST /api/v1/cfssl/sign {certificate_request, hosts}; it stores nothing (no -db-config). That is the
 *   target's comparator. A third contestant, cfssl with `-db-config` on its SQLite certdb, stores every
 *   certificate as caskit does (and as a CA that revokes must): the like-for-like figure.
 * - Same CSR (P-256, CN bench.example.com), same 30-day validity, same wrk settings (-t1 -c16) and the same
 *   placement for both. Both servers run side by side; after a 3 s warm-up each, the measured 10 s per server
 *   are five 2 s wrk runs alternating between them (ABBAABBAAB), so load from other work on the machine
 *   lands on both alike instead of on whichever ran second. Throughput = requests / time over the five.
 * - Placement ("same core count"): each server is pinned to core 1 with `taskset -c 1` (cfssl's Go runtime
 *   then runs GOMAXPROCS=1; Node's helper threads share the core too) and wrk to core 0, so the load
 *   generator never takes CPU from the server it measures. CASKIT_BENCH_PIN=0 runs everything unpinned
 *   instead (servers then also compete with wrk).
 * - wrk (benchmarks/wrk/replay.lua) checks every answer: any non-200 status, a body without the certificate
 *   (caskit `"X509Certificate":"-----BEGIN CERTIFICATE-----`, cfssl `"success":true`), a socket error or a
 *   timeout fails the suite; one answer of each server is verified against its CA beforehand.
 * - Latency percentiles are wrk's (closed loop, 16 connections), pooled over the five runs from each run's
 *   quantile grid (1% steps, 0.1% above p99), so p99 is the pooled distribution's, not an average of runs.
 * - CASKIT_BENCH_PROF=DIR writes a V8 CPU profile of `caskit serve` into DIR.
 *
 * Needs `wrk` and `cfssl` on PATH (apt-get install -y wrk golang-cfssl); fails with that message otherwise.
 */
import { type ChildProcess, execFileSync } from "node:child_process";
import { X509Certificate, createHash, randomBytes, sign } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import Database from "better-sqlite3";
import { createRootCa, createSubCa } from "../src/ca/index.js";
import { generateKeyPair } from "../src/crypto/keys.js";
import { createCsr, parseCsr } from "../src/csr/index.js";
import { pct, v3CanonicalRequest, v3Signature, v3StringToSign } from "../src/http/rpc/signature.js";
import { Issuer } from "../src/issue/index.js";
import { type Cfssl, cfsslRawRequest, cfsslSignBody, startCfssl } from "./cfssl.js";
import { type BenchRow, formatTable, measureRate, row } from "./harness.js";
import { type Pooled, type WrkOptions, type WrkResult, checkWrk, placement, pool, removeRequestFiles, requireTool, runWrk, spawnPlaced, stopChild, writeRequestFiles } from "./loadgen.js";

/** Per server: SLICES × SLICE_SECONDS of measured load (10 s), in slices alternating between the servers. */
const SLICES = 5;
const SLICE_SECONDS = 2;
/**
 * A = caskit, B = cfssl (stores nothing), C = cfssl with its SQLite certdb; ABCCBA… so none always goes
 * first, and drift lands on all alike.
 */
const ORDER = ["A", "B", "C", "C", "B", "A", "A", "B", "C", "C", "B", "A", "A", "B", "C"];
const WARMUP_SECONDS = 3;
const THREADS = 1;
const CONNECTIONS = 16;
const DAYS = 30;
const HOST_NAME = "bench.example.com";
/** Pre-signed requests for the warm-up (far more than caskit answers in WARMUP_SECONDS today). */
const WARMUP_REQUESTS = 16_000;
/**
 * Each caskit slice: the fastest caskit rate so far × SLICE_SECONDS × HEADROOM, plus a constant (the warm-up
 * runs cold: JIT, the start-up CRL refresh). Running out fails the suite, saying so. wrk streams them from disk.
 */
const HEADROOM = 2.5;
const BIN = join(fileURLToPath(import.meta.url), "../../dist/cli/main.js");
const CASKIT_EXPECT = '"X509Certificate":"-----BEGIN CERTIFICATE-----';
const CFSSL_EXPECT = '"success":true';

interface AccessKey {
  id: string;
  secret: string;
}

/** One V3-signed CreateServerCertificateWithCsr request (fresh nonce and date), as a URL and headers. */
export function signedRequest(host: string, ak: AccessKey, action: string, params: Record<string, string>) {
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
  return { path: `/?${query.map(([k, v]) => `${k}=${pct(v)}`).join("&")}`, headers };
}

/** `n` pre-signed raw requests, written for replay.lua ("once" mode: one use each). */
export function writeSignedRequests(base: string, n: number, host: string, ak: AccessKey, params: Record<string, string>): void {
  function* requests() {
    for (let i = 0; i < n; i++) {
      const r = signedRequest(host, ak, "CreateServerCertificateWithCsr", params);
      const head = Object.entries(r.headers)
        .map(([k, v]) => `${k}: ${v}\r\n`)
        .join("");
      yield `POST ${r.path} HTTP/1.1\r\n${head}content-length: 0\r\n\r\n`;
    }
  }
  writeRequestFiles(base, THREADS, "once", requests());
}

/** `caskit serve` (built CLI) on a free port; resolves once it listens. */
export function startCaskit(env: NodeJS.ProcessEnv, prefix: string[], workers = process.env.CASKIT_BENCH_WORKERS ?? "1"): Promise<{ child: ChildProcess; port: number }> {
  const prof = process.env.CASKIT_BENCH_PROF ? ["--cpu-prof", `--cpu-prof-dir=${process.env.CASKIT_BENCH_PROF}`] : [];
  // Here one worker, like cfssl's one pinned core (CASKIT_BENCH_WORKERS to try more; a CPU profile needs
  // one); benchmarks/scale.bench.ts gives both servers every core.
  const child = spawnPlaced(prefix, [process.execPath, ...prof, BIN, "serve", "--port", "0", "--throttle", "0", "--quiet", "--workers", workers], { env, stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /listening on http:\/\/[^\s]+:(\d+)/.exec(out); // "… (N workers)" may follow
      if (m) resolve({ child, port: Number(m[1]) });
    });
    child.on("exit", (c) => reject(new Error(`caskit serve exited ${c} before listening`)));
  });
}

/** Load average and, where the kernel has PSI, the CPU and I/O pressure of the last 10 s. */
export function busy(): string {
  const psi = (kind: string) => {
    try {
      return /avg10=([\d.]+)/.exec(readFileSync(`/proc/pressure/${kind}`, "utf8"))?.[1];
    } catch {
      return undefined;
    }
  };
  const [cpu, io] = [psi("cpu"), psi("io")];
  return `load average ${loadavg()[0]?.toFixed(2)}${cpu !== undefined ? `, pressure cpu ${cpu}% io ${io}% (avg10)` : ""}`;
}

export const fmtRun = (label: string, r: WrkResult | Pooled) =>
  `  ${label}: ${r.rps.toFixed(0)} req/s (${r.requests} in ${r.durationSec.toFixed(1)} s), p50 ${r.p50ms.toFixed(1)} ms, p90 ${r.p90ms.toFixed(1)} ms, p99 ${r.p99ms.toFixed(1)} ms, max ${r.maxMs.toFixed(1)} ms` +
  ("runRps" in r ? `; slices ${r.runRps.map((x) => x.toFixed(0)).join(", ")} req/s` : "");

export async function runHttpBench(): Promise<BenchRow[]> {
  requireTool("wrk", "wrk");
  requireTool("cfssl", "golang-cfssl");
  const place = placement();
  const dir = mkdtempSync(join(tmpdir(), "caskit-bench-http-"));
  const env = { ...process.env, CASKIT_DATA: join(dir, "ca.db"), CASKIT_MASTER_PASSPHRASE: "bench" };
  const cli = (args: string[]) => JSON.parse(execFileSync(process.execPath, [BIN, "--json", ...args], { env }).toString());
  const wrkBase: Omit<WrkOptions, "url" | "requestsFile" | "mode" | "expect" | "seconds"> = { threads: THREADS, connections: CONNECTIONS, prefix: place.client };
  let caskit: ChildProcess | undefined;
  let cfssl: Cfssl | undefined;
  let cfsslDb: Cfssl | undefined;
  try {
    const csr = createCsr({ key: await generateKeyPair("ECC_256"), subject: { commonName: HOST_NAME } }).pem;

    // caskit: CAs and an access key through the CLI, then serve.
    const root = cli(["ca", "create-root", "--cn", "HTTP Bench Root", "--algorithm", "ECC_256", "--years", "5"]).Identifier;
    const subOut = cli(["ca", "create-sub", "--parent", root, "--cn", "HTTP Bench CA", "--algorithm", "ECC_256", "--years", "2"]);
    const created = cli(["accesskey", "create"]);
    const ak = { id: created.AccessKeyId, secret: created.AccessKeySecret };
    const started = await startCaskit(env, place.server);
    caskit = started.child;
    const host = `127.0.0.1:${started.port}`;
    const params = { ParentIdentifier: subOut.Identifier, Csr: csr, Days: String(DAYS), Immediately: "1" };

    // One answer checked by hand: a 200 whose certificate the issuing CA signed.
    {
      const r = signedRequest(host, ak, "CreateServerCertificateWithCsr", params);
      const res = await fetch(`http://${host}${r.path}`, { method: "POST", headers: r.headers });
      const text = await res.text();
      if (res.status !== 200 || !text.includes(CASKIT_EXPECT)) throw new Error(`caskit answered ${res.status}: ${text.slice(0, 400)}`);
      const leaf = new X509Certificate(JSON.parse(text).X509Certificate);
      const subCa = new X509Certificate(subOut.Certificate);
      if (!leaf.checkIssued(subCa) || !leaf.verify(subCa.publicKey)) throw new Error("caskit returned a certificate its CA did not sign");
    }

    // cfssl: its own CA, the same CSR. Both servers stay up from here on; only one is loaded at a time.
    cfssl = await startCfssl(dir, place.server, DAYS, csr, HOST_NAME);
    const cfsslHost = `127.0.0.1:${cfssl.port}`;
    const body = cfsslSignBody(csr, HOST_NAME);
    const cfsslFile = join(dir, "cfssl.req");
    writeRequestFiles(cfsslFile, THREADS, "cycle", [cfsslRawRequest(cfsslHost, body)]);
    const cfsslOpts = { ...wrkBase, url: `http://${cfsslHost}`, requestsFile: cfsslFile, mode: "cycle" as const, expect: CFSSL_EXPECT };
    // cfssl storing each certificate in its SQLite certdb: its own directory, CA and port.
    const dbDir = join(dir, "cfssl-db");
    mkdirSync(dbDir);
    cfsslDb = await startCfssl(dbDir, place.server, DAYS, csr, HOST_NAME, { db: true });
    const cfsslDbHost = `127.0.0.1:${cfsslDb.port}`;
    const cfsslDbFile = join(dir, "cfssl-db.req");
    writeRequestFiles(cfsslDbFile, THREADS, "cycle", [cfsslRawRequest(cfsslDbHost, body)]);
    const cfsslDbOpts = { ...cfsslOpts, url: `http://${cfsslDbHost}`, requestsFile: cfsslDbFile };

    // Other work on the machine skews a run (both servers share core 1 with it; caskit's fsyncs share the
    // disk): say how busy it was.
    console.error(
      `  http: wrk -t${THREADS} -c${CONNECTIONS}, ${WARMUP_SECONDS} s warm-up, then ${SLICES} × ${SLICE_SECONDS} s per server interleaved ${ORDER.slice(0, 2 * SLICES).join("")}, ${place.describe}; ${busy()}`,
    );
    const warmFile = join(dir, "caskit-warmup.req");
    writeSignedRequests(warmFile, WARMUP_REQUESTS, host, ak, params);
    const caskitWarm = await runWrk({ ...wrkBase, url: `http://${host}`, requestsFile: warmFile, mode: "once", expect: CASKIT_EXPECT, seconds: WARMUP_SECONDS });
    checkWrk("caskit warm-up", caskitWarm);
    removeRequestFiles(warmFile, THREADS);
    console.error(fmtRun("caskit warm-up", caskitWarm));
    const cfsslWarm = await runWrk({ ...cfsslOpts, seconds: WARMUP_SECONDS });
    checkWrk("cfssl warm-up", cfsslWarm);
    console.error(fmtRun("cfssl warm-up", cfsslWarm));
    const cfsslDbWarm = await runWrk({ ...cfsslDbOpts, seconds: WARMUP_SECONDS });
    checkWrk("cfssl+certdb warm-up", cfsslDbWarm);
    console.error(fmtRun("cfssl+certdb warm-up", cfsslDbWarm));

    // Interleaved slices (ABBA…): contention from elsewhere on the machine lands on both servers alike.
    const caskitRuns: WrkResult[] = [];
    const cfsslRuns: WrkResult[] = [];
    const cfsslDbRuns: WrkResult[] = [];
    let fastest = caskitWarm.rps;
    for (const who of ORDER.slice(0, 3 * SLICES)) {
      if (who === "A") {
        const file = join(dir, `caskit-${caskitRuns.length}.req`);
        // Sized from the fastest caskit rate so far; between slices, so no slice waits on signing.
        writeSignedRequests(file, Math.ceil(Math.max(fastest, 200) * SLICE_SECONDS * HEADROOM) + 2000, host, ak, params);
        const r = await runWrk({ ...wrkBase, url: `http://${host}`, requestsFile: file, mode: "once", expect: CASKIT_EXPECT, seconds: SLICE_SECONDS });
        checkWrk(`caskit slice ${caskitRuns.length + 1}`, r);
        removeRequestFiles(file, THREADS);
        fastest = Math.max(fastest, r.rps);
        caskitRuns.push(r);
      } else if (who === "B") {
        const r = await runWrk({ ...cfsslOpts, seconds: SLICE_SECONDS });
        checkWrk(`cfssl slice ${cfsslRuns.length + 1}`, r);
        cfsslRuns.push(r);
      } else {
        const r = await runWrk({ ...cfsslDbOpts, seconds: SLICE_SECONDS });
        checkWrk(`cfssl+certdb slice ${cfsslDbRuns.length + 1}`, r);
        cfsslDbRuns.push(r);
      }
    }
    const caskitRun = pool(caskitRuns);
    const cfsslRun = pool(cfsslRuns);
    const cfsslDbRun = pool(cfsslDbRuns);
    console.error(fmtRun("caskit", caskitRun));
    console.error(fmtRun("cfssl ", cfsslRun));
    console.error(fmtRun("cfssl+certdb", cfsslDbRun));
    await stopChild(caskit);
    caskit = undefined;
    await cfssl.stop();
    cfssl = undefined;
    await cfsslDb.stop();
    cfsslDb = undefined;
    // cfssl+certdb must really have stored what it answered (else it is not the like-for-like figure).
    {
      const answered = cfsslDbWarm.requests + cfsslDbRuns.reduce((n, r) => n + r.requests, 0);
      const db = new Database(join(dbDir, "cfssl-certs.db"), { readonly: true });
      const stored = (db.prepare("SELECT COUNT(*) AS n FROM certificates").get() as { n: number }).n;
      db.close();
      if (stored < answered) throw new Error(`cfssl+certdb answered ${answered} requests but stored ${stored} certificates`);
    }

    // Ceilings in the same run (this process, one core, no server running): in-process issuance and raw signing.
    const r = await createRootCa({ subject: { commonName: "Ceiling Root" }, algorithm: "ECC_256", years: 5 });
    const s = await createSubCa(r, { subject: { commonName: "Ceiling CA" }, algorithm: "ECC_256", years: 2 });
    const issuer = Issuer.prepare(s);
    const facts = parseCsr(csr);
    const inProcess = measureRate(() => issuer.serverFromCsr(facts, { days: DAYS }));
    const tbs = new Uint8Array(600);
    const rawSign = measureRate(() => sign("sha256", tbs, { key: s.key.privateKey, dsaEncoding: "der" }));

    const tag = `wrk -c${CONNECTIONS}, ${place.pinned ? "1 pinned core each" : "unpinned"}`;
    return [
      row(`http CreateServerCertificateWithCsr (V3, SQLite, P-256; ${tag}) vs cfssl (target >= 1.5)`, "req/s", caskitRun.rps, "cfssl /api/v1/cfssl/sign req/s", cfsslRun.rps),
      row("http latency p50: caskit vs cfssl", "ms", caskitRun.p50ms, "cfssl p50", cfsslRun.p50ms),
      row("http latency p99: caskit vs cfssl", "ms", caskitRun.p99ms, "cfssl p99", cfsslRun.p99ms),
      row("http caskit vs cfssl storing each cert in its SQLite certdb", "req/s", caskitRun.rps, "cfssl+certdb req/s", cfsslDbRun.rps),
      row("http latency p50: caskit vs cfssl+certdb", "ms", caskitRun.p50ms, "cfssl+certdb p50", cfsslDbRun.p50ms),
      row("http latency p99: caskit vs cfssl+certdb", "ms", caskitRun.p99ms, "cfssl+certdb p99", cfsslDbRun.p99ms),
      row("http CreateServerCertificateWithCsr vs raw signing", "req/s", caskitRun.rps, "crypto.sign P-256", rawSign),
      row("http cfssl /api/v1/cfssl/sign vs raw signing", "req/s", cfsslRun.rps, "crypto.sign P-256", rawSign),
      row("http CreateServerCertificateWithCsr vs in-process issuance", "req/s", caskitRun.rps, "in-process issuance P-256", inProcess),
    ];
  } finally {
    await stopChild(caskit);
    await cfssl?.stop();
    await cfsslDb?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  console.log(formatTable(await runHttpBench()));
}
