/**
 * Load generation for the HTTP benchmarks: wrk driving a server with pre-built raw requests
 * (benchmarks/wrk/replay.lua), CPU pinning with taskset, and the small process plumbing around it.
 * wrk and cfssl are system tools (Debian packages `wrk`, `golang-cfssl`), not npm dependencies.
 */
import { type ChildProcess, execFile, spawn, type SpawnOptions } from "node:child_process";
import { accessSync, closeSync, constants, fsyncSync, openSync, rmSync, writeSync } from "node:fs";
import { createServer } from "node:net";
import { availableParallelism } from "node:os";
import { delimiter, join } from "node:path";
import { fileURLToPath } from "node:url";

export const REPLAY_LUA = join(fileURLToPath(import.meta.url), "../wrk/replay.lua");

/** Absolute path of `tool` on PATH, or a clear error naming the Debian package to install. */
export function requireTool(tool: string, aptPackage: string): string {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (!dir) continue;
    const p = join(dir, tool);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // next
    }
  }
  throw new Error(`the http benchmark needs \`${tool}\`, which is not on PATH: install the Debian package ${aptPackage} (apt-get install -y wrk golang-cfssl)`);
}

/**
 * CPU placement: servers on core 1, wrk on core 0 (each server gets one whole core, the load generator the
 * other). CASKIT_BENCH_PIN=0, or a machine with fewer than 2 cores, runs everything unpinned.
 */
export interface Placement {
  pinned: boolean;
  server: string[];
  client: string[];
  describe: string;
}

export function placement(): Placement {
  const pinned = process.env.CASKIT_BENCH_PIN !== "0" && availableParallelism() >= 2;
  if (!pinned) return { pinned, server: [], client: [], describe: "unpinned" };
  const taskset = requireTool("taskset", "util-linux");
  return { pinned, server: [taskset, "-c", "1"], client: [taskset, "-c", "0"], describe: "server pinned to core 1, wrk to core 0" };
}

/** Spawns `argv` behind the placement prefix (e.g. `taskset -c 1`). */
export function spawnPlaced(prefix: string[], argv: string[], options: SpawnOptions): ChildProcess {
  const [cmd, ...args] = [...prefix, ...argv] as [string, ...string[]];
  return spawn(cmd, args, options);
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const addr = s.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves when the child has exited. */
export async function stopChild(child: ChildProcess | undefined, graceMs = 10_000): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
  await exited;
  clearTimeout(timer);
}

/**
 * Writes raw requests for replay.lua: `${base}.${i}` for wrk thread i, records "<byte length>\n<request>",
 * dealt round-robin ("cycle": every thread gets all of them). Fsynced, so their write-back does not land
 * in the measured run (where it could slow the store's own fsyncs on the same disk).
 */
export function writeRequestFiles(base: string, threads: number, mode: "once" | "cycle", requests: Iterable<string>): void {
  const fds = Array.from({ length: threads }, (_, i) => openSync(`${base}.${i}`, "w"));
  try {
    const bufs: string[][] = fds.map(() => []);
    let k = 0;
    const flush = (i: number) => {
      writeSync(fds[i] as number, (bufs[i] as string[]).join(""));
      bufs[i] = [];
    };
    for (const r of requests) {
      const rec = `${Buffer.byteLength(r)}\n${r}`;
      const targets = mode === "cycle" ? fds.map((_, i) => i) : [k++ % threads];
      for (const i of targets) {
        (bufs[i] as string[]).push(rec);
        if ((bufs[i] as string[]).length >= 4096) flush(i);
      }
    }
    fds.forEach((fd, i) => {
      flush(i);
      fsyncSync(fd);
    });
  } finally {
    for (const fd of fds) closeSync(fd);
  }
}

export function removeRequestFiles(base: string, threads: number): void {
  for (let i = 0; i < threads; i++) rmSync(`${base}.${i}`, { force: true });
}

export interface WrkResult {
  requests: number;
  durationSec: number;
  rps: number;
  ok: number;
  badStatus: number;
  badBody: number;
  exhausted: number;
  errors: { connect: number; read: number; write: number; status: number; timeout: number };
  statuses: Record<string, number>;
  p50ms: number;
  p90ms: number;
  p99ms: number;
  maxMs: number;
  /** The latency quantile function on a grid: [percent, ms], ascending, ending at [100, max]. */
  quantiles: Array<[number, number]>;
  /** First failing response, "status body…". */
  badSample?: string;
  stdout: string;
}

export interface WrkOptions {
  url: string;
  /** Base name of the files writeRequestFiles wrote. */
  requestsFile: string;
  mode: "once" | "cycle";
  /** Substring every 200 body must contain. */
  expect: string;
  threads: number;
  connections: number;
  seconds: number;
  prefix: string[];
  /** The wrk script; default benchmarks/wrk/replay.lua (a wrapper of it must print the same result lines). */
  script?: string;
}

/** Runs wrk with the replay script and returns its figures (no pass/fail judgement; see checkWrk). */
export function runWrk(o: WrkOptions): Promise<WrkResult> {
  const wrk = requireTool("wrk", "wrk");
  const argv = [
    ...o.prefix,
    wrk,
    `-t${o.threads}`,
    `-c${o.connections}`,
    `-d${o.seconds}s`,
    "--timeout",
    "10s",
    "--latency",
    "-s",
    o.script ?? REPLAY_LUA,
    o.url,
    "--",
    o.requestsFile,
    o.mode,
    o.expect,
  ];
  const [cmd, ...args] = argv as [string, ...string[]];
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { maxBuffer: 16 * 1024 * 1024, timeout: (o.seconds + 60) * 1000 }, (error, stdout, stderr) => {
      const m = /^CASKIT_WRK (\{.*\})$/m.exec(stdout);
      if (!m) {
        reject(new Error(`wrk gave no result line (${error?.message ?? "exit 0"}):\n${stdout}\n${stderr}`));
        return;
      }
      const j = JSON.parse(m[1] as string);
      const durationSec = j.duration_us / 1e6;
      resolve({
        requests: j.requests,
        durationSec,
        rps: j.requests / durationSec,
        ok: j.ok,
        badStatus: j.bad_status,
        badBody: j.bad_body,
        exhausted: j.exhausted,
        errors: j.errors,
        statuses: j.statuses,
        p50ms: j.p50_us / 1000,
        p90ms: j.p90_us / 1000,
        p99ms: j.p99_us / 1000,
        maxMs: j.max_us / 1000,
        quantiles: (JSON.parse(/^CASKIT_WRK_Q (.*)$/m.exec(stdout)?.[1] ?? "[]") as Array<[number, number]>).map(([p, us]) => [p, us / 1000]),
        badSample: /^CASKIT_WRK_BAD (.*)$/m.exec(stdout)?.[1],
        stdout,
      });
    });
  });
}

/** Throws unless every response was a 200 with the expected body and no socket error or timeout occurred. */
export function checkWrk(label: string, r: WrkResult): void {
  const e = r.errors;
  const socket = e.connect + e.read + e.write + e.timeout;
  if (r.exhausted > 0) {
    throw new Error(`${label}: wrk ran out of pre-signed requests (${r.exhausted} re-sent); the server was faster than sized for — raise the request headroom in benchmarks/http.bench.ts`);
  }
  if (r.badStatus || r.badBody || socket || r.ok !== r.requests || r.requests === 0) {
    throw new Error(
      `${label}: ${r.requests} responses, ${r.ok} good, ${r.badStatus} non-200 ${JSON.stringify(r.statuses)}, ${r.badBody} with an unexpected body, socket errors ${JSON.stringify(e)}` +
        (r.badSample ? `; first failure: ${r.badSample}` : "") +
        `\n${r.stdout}`,
    );
  }
}

export interface Pooled {
  requests: number;
  durationSec: number;
  rps: number;
  p50ms: number;
  p90ms: number;
  p99ms: number;
  maxMs: number;
  /** req/s of each run pooled, in order. */
  runRps: number[];
}

/**
 * Several wrk runs against one server as one: requests over total duration, and latency percentiles of the
 * pooled distribution (each run's quantile grid as a step CDF, weighted by its request count).
 */
export function pool(runs: WrkResult[]): Pooled {
  const requests = runs.reduce((a, r) => a + r.requests, 0);
  const durationSec = runs.reduce((a, r) => a + r.durationSec, 0);
  // F(x) = Σ n_i · (largest grid percent of run i whose latency ≤ x) / Σ n_i
  const cdf = (x: number) => runs.reduce((a, r) => a + r.requests * Math.max(0, ...r.quantiles.filter(([, ms]) => ms <= x).map(([p]) => p)), 0) / requests;
  const xs = [...new Set(runs.flatMap((r) => r.quantiles.map(([, ms]) => ms)))].sort((a, b) => a - b);
  const quantile = (p: number) => xs.find((x) => cdf(x) >= p) ?? (xs[xs.length - 1] as number);
  return {
    requests,
    durationSec,
    rps: requests / durationSec,
    p50ms: quantile(50),
    p90ms: quantile(90),
    p99ms: quantile(99),
    maxMs: Math.max(...runs.map((r) => r.maxMs)),
    runRps: runs.map((r) => r.rps),
  };
}
