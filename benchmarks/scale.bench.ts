/**
 * `caskit serve` on every core (issue 12): each server given the same cores — all of them, unpinned,
 * wrk on the same machine — in one run, interleaved slices:
 *
 * - S2: caskit, SQLite, `--workers` default (one per core);
 * - S1: caskit, SQLite, `--workers 1` (the scaling ratio S2 / S1);
 * - P2: caskit, PostgreSQL (CASKIT_BENCH_PG_URL, else CASKIT_TEST_PG_URL, else 127.0.0.1:5432/test, a schema
 *   of its own dropped at the end), `--workers` default;
 * - C:  `cfssl serve` (Debian golang-cfssl 1.2; Go uses every core), which stores nothing;
 * - D:  cfssl storing each certificate to its SQLite certdb.
 *
 * Same request as benchmarks/http.bench.ts (CreateServerCertificateWithCsr, V3-signed, P-256, Immediately=1,
 * each request its own nonce; cfssl POST /api/v1/cfssl/sign with the same CSR), wrk -t1 -c16; after a
 * warm-up each, SLICES × SLICE_SECONDS per server in the order S2 P2 S1 C D D C S1 P2 S2 …, so drift
 * lands on all alike. Every answer is checked (status and body); afterwards every answered certificate
 * must be in the store (caskit's and cfssl+certdb's: stored ≥ answered).
 *
 * The CPU per request is the CPU time of the server's processes (caskit: the primary and its workers; for
 * P2 plus the PostgreSQL backends of its connections, found by application_name) over its slices, divided
 * by the requests answered: the figure to carry to a machine with more cores (rate ≈ cores / CPU per
 * request while the load generator is elsewhere).
 *
 * Run alone: `npm run build && npx tsx benchmarks/scale.bench.ts` (about 2.5 minutes).
 */
import { type ChildProcess, execFile, execFileSync } from "node:child_process";
import { randomBytes, sign } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import Database from "better-sqlite3";
import pg from "pg";
import { generateKeyPair } from "../src/crypto/keys.js";
import { createCsr, parseCsr } from "../src/csr/index.js";
import { type Cfssl, cfsslRawRequest, cfsslSignBody, startCfssl } from "./cfssl.js";
import { benchPgUrl, dropSchema, pgAnswers } from "./engines.bench.js";
import { type BenchRow, formatTable, measureRate, row } from "./harness.js";
import { busy, fmtRun, startCaskit, writeSignedRequests } from "./http.bench.js";
import { type WrkOptions, type WrkResult, checkWrk, pool, removeRequestFiles, requireTool, runWrk, stopChild, writeRequestFiles } from "./loadgen.js";

const SLICES = 3;
const SLICE_SECONDS = 2;
/**
 * Warm-up per server, seconds (CASKIT_SCALE_WARMUP to change). A server runs for hours, so the figures
 * are its steady state: with 2 s, V8 was still compiling the request path during the slices (each of two
 * workers sees half the requests, so warms up half as fast) — 2 workers measured 1,384 and 1,341 req/s at
 * 1.16 and 1.28 ms of CPU per request, against 1,847 and 2,133 at 0.91 and 0.78 ms after 12 s.
 */
const WARMUP_SECONDS = Number(process.env.CASKIT_SCALE_WARMUP ?? 12);
const CONNECTIONS = 16;
const DAYS = 30;
const HOST_NAME = "bench.example.com";
const HEADROOM = 2.5;
const BIN = join(fileURLToPath(import.meta.url), "../../dist/cli/main.js");
const CASKIT_EXPECT = '"X509Certificate":"-----BEGIN CERTIFICATE-----';
const CFSSL_EXPECT = '"success":true';
const APP_NAME = "caskit-scale-bench";
const ORDER = ["S2", "P2", "S1", "C", "D", "D", "C", "S1", "P2", "S2", "S2", "P2", "S1", "C", "D"] as const;
type Who = (typeof ORDER)[number];
const log = (s: string) => process.stderr.write(`  scale: ${s}\n`);
/** CASKIT_SCALE_ONLY=S2,S1 measures only those (for trying a change); the rows then need every one. */
const ONLY = process.env.CASKIT_SCALE_ONLY?.split(",") as Who[] | undefined;

/** One process signing with P-256 for `seconds`; prints how many signatures it made. */
const SIGN_LOOP = `const { generateKeyPairSync, sign } = require("node:crypto");
const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
const tbs = Buffer.alloc(600, 1);
for (let i = 0; i < 300; i++) sign("sha256", tbs, privateKey);
const end = performance.now() + Number(process.argv[1]) * 1000;
let n = 0;
while (performance.now() < end) { for (let i = 0; i < 50; i++) sign("sha256", tbs, privateKey); n += 50; }
console.log(n);`;

/**
 * Signatures per second of `processes` Node processes signing side by side for `seconds`: the machine's
 * own scaling (how much a second process on the second core adds, on a shared or virtual machine it
 * may be far from 2×), the ceiling for the 2-workers-vs-1 target.
 */
async function parallelSigning(processes: number, seconds: number): Promise<number> {
  const counts = await Promise.all(
    Array.from({ length: processes }, () => new Promise<number>((resolve, reject) => execFile(process.execPath, ["-e", SIGN_LOOP, String(seconds)], (e, out) => (e ? reject(e) : resolve(Number(out.trim())))))),
  );
  return counts.reduce((a, b) => a + b, 0) / seconds;
}

/** CPU ticks (utime + stime) of every live process, by pid, with its parent. */
function processTable(): Map<number, { ppid: number; ticks: number }> {
  const out = new Map<number, { ppid: number; ticks: number }>();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const s = readFileSync(`/proc/${name}/stat`, "utf8");
      const f = s.slice(s.lastIndexOf(")") + 2).split(" ");
      out.set(Number(name), { ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]) });
    } catch {
      // gone
    }
  }
  return out;
}

/** Milliseconds of CPU used so far by `root` and its descendants, plus `extra` pids (alone with `root` 0). */
function cpuMs(root: number, extra: number[] = []): number {
  const table = processTable();
  if (root === 0) return extra.reduce((sum, pid) => sum + (table.get(pid)?.ticks ?? 0), 0) * 10;
  const mine = new Set<number>([root]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [pid, p] of table) if (!mine.has(pid) && mine.has(p.ppid)) mine.add(pid), (grew = true);
  }
  for (const pid of extra) mine.add(pid);
  let ticks = 0;
  for (const pid of mine) ticks += table.get(pid)?.ticks ?? 0;
  return ticks * 10; // USER_HZ = 100 on Linux
}

/** Milliseconds of CPU of this process's children that have ended and been waited for (wrk, after each run). */
function endedChildrenCpuMs(): number {
  const s = readFileSync("/proc/self/stat", "utf8");
  const f = s.slice(s.lastIndexOf(")") + 2).split(" ");
  return (Number(f[13]) + Number(f[14])) * 10; // cutime + cstime, USER_HZ = 100
}

interface Caskit {
  child: ChildProcess;
  host: string;
  ak: { id: string; secret: string };
  params: Record<string, string>;
  storeCount: () => Promise<number>;
  /** PostgreSQL backends serving it (P2), for the CPU figure. */
  backends: () => Promise<number[]>;
}

export async function runScaleBench(): Promise<BenchRow[]> {
  requireTool("wrk", "wrk");
  requireTool("cfssl", "golang-cfssl");
  const cores = availableParallelism();
  const dir = mkdtempSync(join(tmpdir(), "caskit-bench-scale-"));
  const pgUrl = benchPgUrl();
  const schema = `bench_scale_${randomBytes(4).toString("hex")}`;
  const servers: Array<{ stop: () => Promise<void> }> = [];
  try {
    if (!(await pgAnswers(pgUrl))) throw new Error("no PostgreSQL server (set CASKIT_BENCH_PG_URL)");
    const csr = createCsr({ key: await generateKeyPair("ECC_256"), subject: { commonName: HOST_NAME } }).pem;

    /** CAs and a key through the CLI on `data`, then `serve --workers n`. */
    const caskit = async (data: string, workers: number): Promise<Caskit> => {
      const env = { ...process.env, CASKIT_DATA: data, CASKIT_MASTER_PASSPHRASE: "bench" };
      const cli = (args: string[]) => JSON.parse(execFileSync(process.execPath, [BIN, "--json", ...args], { env }).toString());
      const root = cli(["ca", "create-root", "--cn", "Scale Bench Root", "--algorithm", "ECC_256", "--years", "5"]).Identifier;
      const sub = cli(["ca", "create-sub", "--parent", root, "--cn", "Scale Bench CA", "--algorithm", "ECC_256", "--years", "2"]).Identifier;
      const created = cli(["accesskey", "create"]);
      const started = await startCaskit(env, [], String(workers));
      servers.push({ stop: () => stopChild(started.child) });
      const isPg = data.startsWith("postgres");
      return {
        child: started.child,
        host: `127.0.0.1:${started.port}`,
        ak: { id: created.AccessKeyId, secret: created.AccessKeySecret },
        params: { ParentIdentifier: sub, Csr: csr, Days: String(DAYS), Immediately: "1" },
        storeCount: async () => {
          if (!isPg) {
            const db = new Database(data, { readonly: true });
            try {
              return (db.prepare("SELECT COUNT(*) AS n FROM certificates").get() as { n: number }).n;
            } finally {
              db.close();
            }
          }
          const c = new pg.Client({ connectionString: pgUrl });
          await c.connect();
          try {
            return Number((await c.query(`SELECT COUNT(*) AS n FROM ${schema}.certificates`)).rows[0].n);
          } finally {
            await c.end();
          }
        },
        backends: async () => {
          if (!isPg) return [];
          const c = new pg.Client({ connectionString: pgUrl });
          await c.connect();
          try {
            return (await c.query("SELECT pid FROM pg_stat_activity WHERE application_name = $1", [APP_NAME])).rows.map((r) => Number(r.pid));
          } finally {
            await c.end();
          }
        },
      };
    };
    const s2 = await caskit(join(dir, "s2.db"), cores);
    const s1 = await caskit(join(dir, "s1.db"), 1);
    const sep = pgUrl.includes("?") ? "&" : "?";
    const p2 = await caskit(`${pgUrl}${sep}schema=${schema}&application_name=${APP_NAME}`, cores);
    const cfssl: Cfssl = await startCfssl(dir, [], DAYS, csr, HOST_NAME);
    servers.push(cfssl);
    const dbDir = join(dir, "cfssl-db");
    mkdirSync(dbDir);
    const cfsslDb: Cfssl = await startCfssl(dbDir, [], DAYS, csr, HOST_NAME, { db: true });
    servers.push(cfsslDb);

    const wrkBase: Omit<WrkOptions, "url" | "requestsFile" | "mode" | "expect" | "seconds"> = { threads: 1, connections: CONNECTIONS, prefix: [] };
    const cfsslOpts = (c: Cfssl, name: string) => {
      const host = `127.0.0.1:${c.port}`;
      const file = join(dir, `${name}.req`);
      writeRequestFiles(file, 1, "cycle", [cfsslRawRequest(host, cfsslSignBody(csr, HOST_NAME))]);
      return { ...wrkBase, url: `http://${host}`, requestsFile: file, mode: "cycle" as const, expect: CFSSL_EXPECT };
    };
    const optsC = cfsslOpts(cfssl, "cfssl");
    const optsD = cfsslOpts(cfsslDb, "cfssl-db");
    const caskits: Partial<Record<Who, Caskit>> = { S2: s2, S1: s1, P2: p2 };
    const fastest: Partial<Record<Who, number>> = {};
    let sliceNo = 0;
    const runCaskit = async (who: Who, seconds: number): Promise<WrkResult> => {
      const c = caskits[who] as Caskit;
      const file = join(dir, `caskit-${sliceNo++}.req`);
      writeSignedRequests(file, Math.ceil(Math.max(fastest[who] ?? 1500, 200) * seconds * HEADROOM) + 2000, c.host, c.ak, c.params);
      const r = await runWrk({ ...wrkBase, url: `http://${c.host}`, requestsFile: file, mode: "once", expect: CASKIT_EXPECT, seconds });
      removeRequestFiles(file, 1);
      fastest[who] = Math.max(fastest[who] ?? 0, r.rps);
      return r;
    };
    const run = (who: Who, seconds: number) => (caskits[who] ? runCaskit(who, seconds) : runWrk({ ...(who === "C" ? optsC : optsD), seconds }));
    const pidOf: Record<Who, number> = { S2: s2.child.pid as number, S1: s1.child.pid as number, P2: p2.child.pid as number, C: cfssl.child.pid as number, D: cfsslDb.child.pid as number };

    log(`wrk -t1 -c${CONNECTIONS}, unpinned, ${cores} cores for every server; ${WARMUP_SECONDS} s warm-up each, then ${SLICES} × ${SLICE_SECONDS} s per server interleaved; ${busy()}`);
    const answered: Partial<Record<Who, number>> = {};
    for (const who of (["S2", "P2", "S1", "C", "D"] as Who[]).filter((w) => !ONLY || ONLY.includes(w))) {
      const r = await run(who, WARMUP_SECONDS);
      checkWrk(`${who} warm-up`, r);
      answered[who] = r.requests;
    }
    const runs: Partial<Record<Who, WrkResult[]>> = {};
    const cpu: Partial<Record<Who, number>> = {};
    let pgCpu = 0; // P2's backends alone, part of cpu.P2
    const wrkCpu: Partial<Record<Who, number>> = {}; // the load generator's, beside each server
    for (const who of ORDER.slice(0, SLICES * 5).filter((w) => !ONLY || ONLY.includes(w))) {
      const c = caskits[who];
      const backends = c ? await c.backends() : [];
      const before = cpuMs(pidOf[who], backends);
      const pgBefore = cpuMs(0, backends);
      const wrkBefore = endedChildrenCpuMs();
      const r = await run(who, SLICE_SECONDS);
      wrkCpu[who] = (wrkCpu[who] ?? 0) + endedChildrenCpuMs() - wrkBefore;
      const after = cpuMs(pidOf[who], backends);
      pgCpu += Math.max(0, cpuMs(0, backends) - pgBefore);
      checkWrk(`${who} slice`, r);
      (runs[who] ??= []).push(r);
      answered[who] = (answered[who] ?? 0) + r.requests;
      cpu[who] = (cpu[who] ?? 0) + Math.max(0, after - before);
    }
    if (ONLY) {
      for (const who of ONLY) {
        const p = pool(runs[who] ?? []);
        const ofPg = who === "P2" ? ` (PostgreSQL backends ${(pgCpu / p.requests).toFixed(2)} ms of it)` : "";
        log(`${who}: ${fmtRun(who, p).trim()}; CPU per request ${((cpu[who] ?? 0) / p.requests).toFixed(2)} ms${ofPg}; cores in use: server ${((cpu[who] ?? 0) / p.durationSec / 1000).toFixed(2)}, wrk ${((wrkCpu[who] ?? 0) / p.durationSec / 1000).toFixed(2)}`);
      }
      return [];
    }
    const pooled = Object.fromEntries(Object.entries(runs).map(([k, v]) => [k, pool(v as WrkResult[])])) as Record<Who, ReturnType<typeof pool>>;
    const labels: Record<Who, string> = { S2: `caskit SQLite ${cores} workers`, S1: "caskit SQLite 1 worker", P2: `caskit PostgreSQL ${cores} workers`, C: "cfssl", D: "cfssl+certdb" };
    for (const who of ["S2", "S1", "P2", "C", "D"] as Who[]) log(fmtRun(labels[who], pooled[who]).trim());
    const cpuPerReq = (who: Who) => (cpu[who] ?? 0) / pooled[who].requests;
    for (const who of ["S2", "S1", "P2", "C", "D"] as Who[]) log(`CPU per request, ${labels[who]}: ${cpuPerReq(who).toFixed(2)} ms`);
    log(`of which PostgreSQL's backends, for P2: ${(pgCpu / pooled.P2.requests).toFixed(2)} ms`);
    // What bounds the scaling row: the cores one worker already uses, and wrk's beside it, on the same machine.
    for (const who of ["S2", "S1", "P2", "C", "D"] as Who[]) log(`cores in use, ${labels[who]}: server ${((cpu[who] ?? 0) / pooled[who].durationSec / 1000).toFixed(2)}, wrk ${((wrkCpu[who] ?? 0) / pooled[who].durationSec / 1000).toFixed(2)}`);

    // Every answered certificate is in the store.
    for (const who of ["S2", "S1", "P2"] as Who[]) {
      const stored = await (caskits[who] as Caskit).storeCount();
      if (stored < (answered[who] ?? 0)) throw new Error(`${labels[who]} answered ${answered[who]} certificates but stored ${stored}`);
      log(`${labels[who]}: ${answered[who]} answered, ${stored} stored`);
    }
    for (const s of servers.splice(0)) await s.stop();
    {
      const db = new Database(join(dbDir, "cfssl-certs.db"), { readonly: true });
      const stored = (db.prepare("SELECT COUNT(*) AS n FROM certificates").get() as { n: number }).n;
      db.close();
      if (stored < (answered.D ?? 0)) throw new Error(`cfssl+certdb answered ${answered.D} but stored ${stored}`);
    }

    const key = (await generateKeyPair("ECC_256")).privateKey;
    const tbs = new Uint8Array(600);
    const rawSign = measureRate(() => sign("sha256", tbs, { key, dsaEncoding: "der" }));
    const signMs = 1000 / rawSign;
    // The signature work no issuance can skip: the CSR checked (parsed, its key imported, its signature
    // verified) and the certificate signed — on one core, against cfssl's whole request.
    const cryptoMs = 1000 / measureRate(() => (parseCsr(csr), sign("sha256", tbs, { key, dsaEncoding: "der" })));
    log(`CSR check + certificate signature: ${(cryptoMs * 1000).toFixed(0)} µs per request`);
    // The machine's own scaling: 1 and `cores` processes alternately (3 s each, twice), the best of each.
    const one: number[] = [];
    const all: number[] = [];
    for (let i = 0; i < 2; i++) {
      one.push(await parallelSigning(1, 3));
      all.push(await parallelSigning(cores, 3));
    }
    const machineScaling = Math.max(...all) / Math.max(...one);
    log(`raw P-256 signing, ${cores} processes vs 1: ${all.map((r) => r.toFixed(0)).join(", ")} vs ${one.map((r) => r.toFixed(0)).join(", ")} signatures/s (${machineScaling.toFixed(2)}×)`);
    const S2 = pooled.S2;
    return [
      row(`scale: caskit SQLite, ${cores} workers vs cfssl (stores nothing), both on ${cores} cores (target >= 1.0)`, "req/s", S2.rps, "cfssl req/s", pooled.C.rps),
      row(`scale: caskit SQLite, ${cores} workers vs cfssl+certdb (target >= 3)`, "req/s", S2.rps, "cfssl+certdb req/s", pooled.D.rps),
      row(`scale: caskit SQLite, ${cores} workers, p99 at ${CONNECTIONS} connections (target <= 25 ms: ratio <= 1)`, "ms", S2.p99ms, "target ms", 25),
      row(`scale: caskit PostgreSQL vs SQLite, ${cores} workers each (target >= 0.8)`, "req/s", pooled.P2.rps, "SQLite req/s", S2.rps),
      row("scale: p99 PostgreSQL vs SQLite (target <= 2)", "ms", pooled.P2.p99ms, "SQLite p99 ms", S2.p99ms),
      row(`scale: ${cores} workers vs 1 (SQLite; target >= 1.7)`, "req/s", S2.rps, "1 worker req/s", pooled.S1.rps),
      row(`scale: the machine's own scaling: raw P-256 signing, ${cores} processes vs 1 (the ceiling of the row above)`, "sig/s", Math.max(...all), "1 process sig/s", Math.max(...one)),
      row(`scale: CPU per request, caskit SQLite ${cores} workers, in raw P-256 signatures`, "ms", cpuPerReq("S2"), "crypto.sign P-256 ms", signMs),
      row(`scale: CPU per request, caskit PostgreSQL ${cores} workers + its backends, in raw signatures`, "ms", cpuPerReq("P2"), "crypto.sign P-256 ms", signMs),
      row("scale: CPU per request, cfssl (stores nothing), in raw signatures", "ms", cpuPerReq("C"), "crypto.sign P-256 ms", signMs),
      row("scale: caskit's CSR check + certificate signature alone (one core) vs cfssl's whole request CPU", "ms", cryptoMs, "cfssl CPU/req ms", cpuPerReq("C")),
    ];
  } finally {
    for (const s of servers) await s.stop().catch(() => undefined);
    await dropSchema(pgUrl, schema).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  console.log(formatTable(await runScaleBench()));
}
