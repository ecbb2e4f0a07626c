/**
 * OCSP responses per second (issue 13): caskit's responder against OpenSSL's and cfssl's, all driven by the
 * same wrk load in the same run, all answering the same request for the same certificate under the same CA.
 *
 * - One P-256 root and issuing CA and one leaf, made by the caskit CLI in a fresh SQLite store. The issuing
 *   CA's key is read back from the store (this process holds the passphrase) and written to a temp file, so
 *   OpenSSL and cfssl answer for the very same CA: every server gets the same request bytes.
 * - The request: `openssl ocsp -issuer sub.pem -cert leaf.pem -no_nonce -reqout` — one CertID, SHA-1, a good
 *   certificate, no nonce (cfssl's pre-signed answers cannot echo one). POST, `application/ocsp-request`.
 * - Contestants:
 *   - caskit serve (built CLI, dist/), answers signed by the CA key on the first request and then kept in memory
 *     (served again while the store says nothing they depend on changed), `--workers 1`; keep-alive, and
 *     again with `Connection: close` on every request (one request per connection, as openssl gives);
 *   - caskit serve with the default `--workers` (one per core): unpinned, see placement;
 *   - `openssl ocsp -index index.txt -port N -rsigner sub.pem -rkey sub.key -CA sub.pem -nmin 60
 *     -resp_no_certs -resp_key_id -ignore_err`: OpenSSL 3's responder, one process, serial, signing each answer.
 *     It speaks HTTP/1.0 and closes the connection after every answer, keep-alive asked or not: wrk reconnects
 *     each time, so its figure is one-request-per-connection and the fair caskit figure beside it is the
 *     `Connection: close` one. `-resp_no_certs -resp_key_id`: like caskit's answers (no certs, responder by key);
 *   - `cfssl ocspserve -responses FILE` (Debian golang-cfssl 1.2): answers pre-signed by `cfssl ocspsign`
 *     (looked up by serial, parsed again per request, never signed while serving); keep-alive, and
 *     `Connection: close`;
 *   - Node's HTTP floor (benchmarks/node-floor.server.mjs): Node's HTTP server reading each request and
 *     answering caskit's answer bytes, nothing else — what any responder on Node pays before its own work;
 *     keep-alive and `Connection: close`. Its row against cfssl is the platform's own gap;
 *   - a raw `net` floor (benchmarks/net-floor.server.mjs): fixed bytes over plain sockets with no HTTP module,
 *     `Connection: close` only — what hand-written HTTP could gain over Node's server (caskit does not do it);
 *   - caskit serve with pre-signed answers (`caskit ocsp configure --presign`), `--workers 1`, when the built CLI
 *     has them — see PRESIGNED below; else a row says NOT MEASURED.
 * - Placement: each server pinned to core 1 with `taskset -c 1`, wrk to core 0 (benchmarks/loadgen.ts), except
 *   caskit with the default workers: a worker per core would be pointless on one core, so it runs unpinned and
 *   shares both cores with wrk (its figure is "what the default does on this machine", not a same-core one).
 *   CASKIT_BENCH_PIN=0 runs everything unpinned.
 * - wrk -t1 -c16, the raw request replayed (benchmarks/wrk/replay.lua, "cycle"); every answer must be HTTP 200
 *   and carry id-pkix-ocsp-basic (an OCSP error answer has no responseBytes), else the suite fails. Before any
 *   load, one answer of each server is checked by `openssl ocsp -respin … -issuer sub.pem -cert leaf.pem
 *   -CAfile root.pem`: "Response verify OK" and "leaf: good".
 * - Timing: a 5 s warm-up each (CASKIT_OCSP_WARMUP), then SLICES × SLICE_SECONDS per contestant in interleaved rounds (forward, then
 *   backward: ABC…CBA…), so load from elsewhere on the shared machine lands on all alike. A contestant's rate
 *   is the median of its slices; p50/p99 are wrk's, pooled over its slices.
 * - Ceiling: Node's crypto.sign P-256 (SHA-256, 600 bytes) on one core in this process after the servers
 *   stopped, as the other suites measure it.
 *
 * Needs wrk, cfssl, openssl and taskset on PATH (apt-get install -y wrk golang-cfssl); fails saying so otherwise.
 * `npx tsx benchmarks/ocsp.bench.ts` or `npm run -s bench -- --only ocsp` (builds dist/ first).
 */
import { type ChildProcess, execFileSync, spawnSync } from "node:child_process";
import { X509Certificate, createPrivateKey, sign } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { openStore } from "../src/store/open.js";
import { type BenchRow, formatTable, measureRate, median, row } from "./harness.js";
import { REPLAY_LUA, type WrkOptions, type WrkResult, checkWrk, freePort, placement, pool, requireTool, runWrk, spawnPlaced, stopChild } from "./loadgen.js";

/** Node's HTTP server answering fixed bytes (see the file): the floor under any Node responder. */
const FLOOR = join(fileURLToPath(import.meta.url), "../node-floor.server.mjs");
/** A raw `net` server answering fixed bytes (see the file): what leaving Node's http module could gain. */
const NET_FLOOR = join(fileURLToPath(import.meta.url), "../net-floor.server.mjs");
const SLICES = Number(process.env.CASKIT_BENCH_OCSP_SLICES ?? 3);
const SLICE_SECONDS = 1;
/**
 * Warm-up per contestant, seconds (CASKIT_OCSP_WARMUP to change). A responder runs for hours, so the figures
 * are its steady state: after 1 s caskit's p99 still held V8's tier-up and first full collections (a
 * pre-signed server on one pinned core: p99 11.4 ms in its first 3 s of load, 3.5–3.8 ms in the three 3 s
 * runs after, at the same rate).
 */
const WARMUP_SECONDS = Number(process.env.CASKIT_OCSP_WARMUP ?? 5);
const THREADS = 1;
const CONNECTIONS = 16;
const BIN = join(fileURLToPath(import.meta.url), "../../dist/cli/main.js");
/** id-pkix-ocsp-basic, DER-encoded: in every successful OCSP response, in no error response. All bytes < 0x80. */
const BASIC_OID = "\x06\x09\x2b\x06\x01\x05\x05\x07\x30\x01\x01";
const PASSPHRASE = "bench";

/**
 * PRESIGNED — caskit serving answers signed ahead of time (`caskit ocsp configure --ca X --presign`; serve answers
 * a request without a nonce from the store). Measured when the built CLI has it: a copy of the store file made
 * before any server starts (the same CA, key and leaf, so the same request bytes), that copy configured to
 * pre-sign and refreshed once, and its own `caskit serve --workers 1 --ocsp-interval 0` beside the others.
 * Proof it serves stored answers: two answers to the same request are byte-identical (an ECDSA answer signed on
 * demand differs every time, which is checked of the on-demand server too).
 */
function builtHasPresign(): boolean {
  const help = (args: string[]) => spawnSync(process.execPath, [BIN, ...args, "--help"], { encoding: "utf8" }).stdout ?? "";
  return help(["ocsp", "configure"]).includes("--presign") && help(["serve"]).includes("--ocsp-interval");
}

/**
 * replay.lua without wrk's start-up probe: by default wrk connects once and closes before the load (wrk.resolve
 * checks the address), and a connection closed before it sent a request sends OpenSSL 3.0's responder into a
 * busy loop that answers nothing more (seen with 3.0.19: the process spins at 100% CPU, in -multi children too).
 * The same script for every contestant.
 */
function writeNoProbeScript(dir: string): string {
  const file = join(dir, "replay-noprobe.lua");
  writeFileSync(file, `dofile(${JSON.stringify(REPLAY_LUA)})\nfunction wrk.resolve(host, service) wrk.addrs = wrk.lookup(host, service) end\n`);
  return file;
}

/** benchmarks/loadgen.ts runWrk with another script (the probe-less wrapper above). */
const runWrkWith = (script: string, o: WrkOptions): Promise<WrkResult> => runWrk({ ...o, script });

interface Contestant {
  label: string;
  /** Raw request, written as a replay.lua record file. */
  requestsFile: string;
  url: string;
  client: string[];
  runs: WrkResult[];
  /** Run before and after each wrk run (OpenSSL's responder is restarted for every run: see startOpenssl). */
  before?: () => Promise<void>;
  after?: () => Promise<void>;
}

/** A raw POST of `der` to `path`, the exact bytes (binary body: latin1 all through). */
function rawPost(host: string, path: string, der: Buffer, close: boolean): Buffer {
  const head = `POST ${path} HTTP/1.1\r\nhost: ${host}\r\ncontent-type: application/ocsp-request\r\ncontent-length: ${der.length}\r\n${close ? "connection: close\r\n" : ""}\r\n`;
  return Buffer.concat([Buffer.from(head, "latin1"), der]);
}

/** replay.lua's record file for one wrk thread: "<byte length>\n<request>" (binary-safe, unlike loadgen's string writer). */
function writeRecord(base: string, request: Buffer): string {
  writeFileSync(`${base}.0`, Buffer.concat([Buffer.from(`${request.length}\n`), request]));
  return base;
}

/** Spawns a server and waits until `probe` succeeds (or the child exits / 15 s pass). */
async function startServer(prefix: string[], argv: string[], probe: () => Promise<void>, env?: NodeJS.ProcessEnv): Promise<ChildProcess> {
  const child = spawnPlaced(prefix, argv, { env, stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${argv.slice(0, 2).join(" ")} exited ${child.exitCode}: ${stderr}`);
    try {
      await probe();
      return child;
    } catch (e) {
      if (Date.now() > deadline) {
        await stopChild(child);
        throw new Error(`${argv.slice(0, 2).join(" ")} did not answer: ${(e as Error).message}; ${stderr}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** `caskit serve` on a free port (caskit prints it), workers as given (undefined = the default). */
function startCaskit(prefix: string[], env: NodeJS.ProcessEnv, workers?: string, extra: string[] = []): Promise<{ child: ChildProcess; port: number }> {
  const args = [process.execPath, BIN, "serve", "--port", "0", "--throttle", "0", "--quiet", "--crl-interval", "0", "--dcv-interval", "0", ...(workers ? ["--workers", workers] : []), ...extra];
  const child = spawnPlaced(prefix, args, { env, stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /listening on http:\/\/[^:]+:(\d+)/.exec(out);
      if (m) resolve({ child, port: Number(m[1]) });
    });
    child.on("exit", (c) => reject(new Error(`caskit serve exited ${c} before listening`)));
  });
}

const fmt = (label: string, runs: WrkResult[]) => {
  const p = pool(runs);
  return `  ${label}: median ${median(p.runRps).toFixed(0)} resp/s (slices ${p.runRps.map((x) => x.toFixed(0)).join(", ")}), p50 ${p.p50ms.toFixed(2)} ms, p99 ${p.p99ms.toFixed(2)} ms, max ${p.maxMs.toFixed(1)} ms`;
};

export async function runOcspBench(): Promise<BenchRow[]> {
  requireTool("wrk", "wrk");
  const cfsslBin = requireTool("cfssl", "golang-cfssl");
  const opensslBin = requireTool("openssl", "openssl");
  const place = placement();
  const dir = mkdtempSync(join(tmpdir(), "caskit-bench-ocsp-"));
  const env = { ...process.env, CASKIT_DATA: join(dir, "ca.db"), CASKIT_MASTER_PASSPHRASE: PASSPHRASE };
  const cli = (args: string[]) => JSON.parse(execFileSync(process.execPath, [BIN, "--json", ...args], { env }).toString());
  const children: ChildProcess[] = [];
  const f = (name: string) => join(dir, name);
  try {
    const presign = builtHasPresign();
    // The PKI: caskit makes it; the issuing CA's key is read back for OpenSSL and cfssl.
    execFileSync(process.execPath, [BIN, "init"], { env, stdio: "ignore" });
    const root = cli(["ca", "create-root", "--cn", "OCSP Bench Root", "--algorithm", "ECC_256", "--years", "5"]).Identifier as string;
    const sub = cli(["ca", "create-sub", "--parent", root, "--cn", "OCSP Bench CA", "--algorithm", "ECC_256", "--years", "2"]).Identifier as string;
    const leafId = cli(["issue", "server", "--ca", sub, "--algorithm", "ECC_256", "--cn", "ocsp-bench.example.com", "--days", "30", "--out", f("leaf")]).Identifier as string;
    writeFileSync(f("leaf.pem"), readFileSync(join(f("leaf"), readdirSync(f("leaf")).find((n) => n === `${leafId}.pem`) as string)));
    {
      const store = await openStore(env.CASKIT_DATA, { passphrase: PASSPHRASE, create: false });
      try {
        const [r, s] = await store.read(async (tx) => [await tx.cas.getPublic(root), await tx.cas.getPublic(sub)]);
        if (!r || !s) throw new Error("the bench CAs are not in the store");
        writeFileSync(f("root.pem"), r.certificatePem);
        writeFileSync(f("sub.pem"), s.certificatePem);
        writeFileSync(f("sub.key"), createPrivateKey({ key: Buffer.from(s.keyPkcs8), format: "der", type: "pkcs8" }).export({ type: "sec1", format: "pem" }), { mode: 0o600 });
      } finally {
        await store.close();
      }
    }
    const leaf = new X509Certificate(readFileSync(f("leaf.pem")));
    // The pre-signing twin: a copy of the closed store (no server has it open yet), configured to pre-sign.
    const envP = { ...env, CASKIT_DATA: join(dir, "presign", "ca.db") };
    if (presign) {
      mkdirSync(join(dir, "presign"));
      for (const suffix of ["", "-wal", "-shm"]) if (existsSync(`${env.CASKIT_DATA}${suffix}`)) copyFileSync(`${env.CASKIT_DATA}${suffix}`, `${envP.CASKIT_DATA}${suffix}`);
      execFileSync(process.execPath, [BIN, "ocsp", "configure", "--ca", sub, "--presign"], { env: envP, stdio: "ignore" });
      execFileSync(process.execPath, [BIN, "ocsp", "refresh", "--ca", sub], { env: envP, stdio: "ignore" });
    }
    execFileSync(opensslBin, ["ocsp", "-issuer", f("sub.pem"), "-sha1", "-cert", f("leaf.pem"), "-no_nonce", "-reqout", f("req.der")], { stdio: "ignore" });
    const der = readFileSync(f("req.der"));

    // OpenSSL's index: the leaf, valid. Serial as OpenSSL writes it (uppercase hex, whole bytes).
    let serialHex = BigInt(`0x${leaf.serialNumber}`).toString(16).toUpperCase();
    if (serialHex.length % 2) serialHex = `0${serialHex}`;
    const d = new Date(leaf.validTo);
    const p2 = (n: number) => String(n).padStart(2, "0");
    const expiry = `${p2(d.getUTCFullYear() % 100)}${p2(d.getUTCMonth() + 1)}${p2(d.getUTCDate())}${p2(d.getUTCHours())}${p2(d.getUTCMinutes())}${p2(d.getUTCSeconds())}Z`;
    writeFileSync(f("index.txt"), `V\t${expiry}\t\t${serialHex}\tunknown\t/CN=ocsp-bench.example.com\n`);
    // cfssl: the answer signed ahead by the CA itself (-responder = the CA), nextUpdate a day on.
    const signed = JSON.parse(execFileSync(cfsslBin, ["ocspsign", "-ca", f("sub.pem"), "-responder", f("sub.pem"), "-responder-key", f("sub.key"), "-cert", f("leaf.pem"), "-status", "good", "-interval", "24h", "-loglevel", "3"]).toString());
    writeFileSync(f("cfssl-responses.txt"), `${signed.ocspResponse}\n`);

    /** POSTs the request, checks the answer with `openssl ocsp -respin`: verified, for this leaf, good. */
    const post = async (name: string, url: string) => {
      const res = await fetch(url, { method: "POST", headers: { "content-type": "application/ocsp-request" }, body: der });
      if (res.status !== 200) throw new Error(`${name} answered HTTP ${res.status}`);
      return Buffer.from(await res.arrayBuffer());
    };
    const verifyAnswer = (name: string, url: string) => async () => {
      const file = f(`${name}.resp.der`);
      writeFileSync(file, await post(name, url));
      const v = spawnSync(opensslBin, ["ocsp", "-respin", file, "-issuer", f("sub.pem"), "-cert", f("leaf.pem"), "-CAfile", f("root.pem"), "-no_nonce", "-resp_text"], { encoding: "utf8" });
      const text = `${v.stdout}${v.stderr}`;
      if (v.status !== 0 || !/^Response verify OK$/m.test(text) || !text.includes(`${f("leaf.pem")}: good`)) {
        throw new Error(`${name}: not a verified "good" answer for the leaf (openssl ocsp -respin exit ${v.status}):\n${text}`);
      }
    };

    // Servers: all up from here; one is loaded at a time.
    const c1 = await startCaskit(place.server, env, "1");
    children.push(c1.child);
    await verifyAnswer("caskit-w1", `http://127.0.0.1:${c1.port}/ocsp/${sub}`)();
    // A nonce-less request is signed once, then answered from memory while nothing it depends on changed
    // (src/service/ocsp.ts): the same bytes twice.
    if (!(await post("caskit-w1", `http://127.0.0.1:${c1.port}/ocsp/${sub}`)).equals(await post("caskit-w1", `http://127.0.0.1:${c1.port}/ocsp/${sub}`))) {
      throw new Error("caskit --workers 1 gave different bytes to the same nonce-less request: its answers are not kept");
    }
    let cp: { child: ChildProcess; port: number } | undefined;
    if (presign) {
      cp = await startCaskit(place.server, envP, "1", ["--ocsp-interval", "0"]);
      children.push(cp.child);
      const u = `http://127.0.0.1:${cp.port}/ocsp/${sub}`;
      await verifyAnswer("caskit-presigned", u)();
      if (!(await post("caskit-presigned", u)).equals(await post("caskit-presigned", u))) throw new Error("caskit pre-signed gave different bytes to the same request: not a stored answer");
    }
    const cd = await startCaskit([], env);
    children.push(cd.child);
    await verifyAnswer("caskit-default", `http://127.0.0.1:${cd.port}/ocsp/${sub}`)();
    // OpenSSL's responder: a fresh process for every wrk run. When wrk stops it closes its connections, and one
    // that the responder accepts with no request in it sends it into the busy loop described at writeNoProbeScript;
    // so each run gets a responder that was started (and has answered one checked request) just before it.
    const osslPort = await freePort();
    let ossl: ChildProcess | undefined;
    const startOpenssl = async () => {
      ossl = await startServer(
        place.server,
        [opensslBin, "ocsp", "-index", f("index.txt"), "-port", String(osslPort), "-rsigner", f("sub.pem"), "-rkey", f("sub.key"), "-CA", f("sub.pem"), "-nmin", "60", "-resp_no_certs", "-resp_key_id", "-ignore_err"],
        verifyAnswer("openssl", `http://127.0.0.1:${osslPort}/`),
      );
      children.push(ossl);
    };
    const stopOpenssl = async () => {
      if (ossl) await stopChild(ossl, 1000);
      children.splice(children.indexOf(ossl as ChildProcess), 1);
      ossl = undefined;
    };
    await startOpenssl();
    await stopOpenssl();
    // Node's floor: its HTTP server answering caskit's answer bytes and doing nothing else.
    const floorPort = await freePort();
    children.push(await startServer(place.server, [process.execPath, FLOOR, String(floorPort), f("caskit-w1.resp.der")], verifyAnswer("node-floor", `http://127.0.0.1:${floorPort}/`)));
    const netFloorPort = await freePort();
    children.push(await startServer(place.server, [process.execPath, NET_FLOOR, String(netFloorPort), f("caskit-w1.resp.der")], verifyAnswer("net-floor", `http://127.0.0.1:${netFloorPort}/`)));
    const cfsslPort = await freePort();
    children.push(
      await startServer(place.server, [cfsslBin, "ocspserve", "-address", "127.0.0.1", "-port", String(cfsslPort), "-responses", f("cfssl-responses.txt"), "-loglevel", "3"], verifyAnswer("cfssl", `http://127.0.0.1:${cfsslPort}/`)),
    );

    const contestant = (label: string, port: number, path: string, close: boolean, client: string[]): Contestant => {
      const host = `127.0.0.1:${port}`;
      return { label, url: `http://${host}`, requestsFile: writeRecord(f(`${label.replace(/\W+/g, "-")}.req`), rawPost(host, path, der, close)), client, runs: [] };
    };
    const caskitKeep = contestant("caskit --workers 1", c1.port, `/ocsp/${sub}`, false, place.client);
    const caskitClose = contestant("caskit --workers 1, Connection: close", c1.port, `/ocsp/${sub}`, true, place.client);
    const caskitDefault = contestant("caskit default workers (unpinned)", cd.port, `/ocsp/${sub}`, false, []);
    const openssl = { ...contestant("openssl ocsp (one request per connection)", osslPort, "/", false, place.client), before: startOpenssl, after: stopOpenssl };
    const cfsslKeep = contestant("cfssl ocspserve", cfsslPort, "/", false, place.client);
    const cfsslClose = contestant("cfssl ocspserve, Connection: close", cfsslPort, "/", true, place.client);
    const floorKeep = contestant("Node HTTP floor (fixed bytes)", floorPort, "/", false, place.client);
    const floorClose = contestant("Node HTTP floor (fixed bytes), Connection: close", floorPort, "/", true, place.client);
    const netFloorClose = contestant("raw net floor (fixed bytes, no HTTP module), Connection: close", netFloorPort, "/", true, place.client);
    const caskitPre = cp ? contestant("caskit pre-signed --workers 1", cp.port, `/ocsp/${sub}`, false, place.client) : undefined;
    const all = [caskitKeep, caskitClose, caskitDefault, openssl, cfsslKeep, cfsslClose, floorKeep, floorClose, netFloorClose, ...(caskitPre ? [caskitPre] : [])];

    console.error(
      `  ocsp: wrk -t${THREADS} -c${CONNECTIONS}, POST one SHA-1 CertID, no nonce; ${WARMUP_SECONDS} s warm-up, then ${SLICES} × ${SLICE_SECONDS} s per contestant interleaved; ${place.describe} (caskit default workers unpinned)`,
    );
    const script = writeNoProbeScript(dir);
    const wrk = async (c: Contestant, seconds: number) => {
      await c.before?.();
      try {
        return await runWrkWith(script, { url: c.url, requestsFile: c.requestsFile, mode: "cycle", expect: BASIC_OID, threads: THREADS, connections: CONNECTIONS, seconds, prefix: c.client });
      } finally {
        await c.after?.();
      }
    };
    for (const c of all) checkWrk(`${c.label} warm-up`, await wrk(c, WARMUP_SECONDS));
    for (let round = 0; round < SLICES; round++) {
      for (const c of round % 2 ? [...all].reverse() : all) {
        const r = await wrk(c, SLICE_SECONDS);
        checkWrk(`${c.label} slice ${round + 1}`, r);
        c.runs.push(r);
      }
    }
    for (const c of all) console.error(fmt(c.label, c.runs));
    if (!caskitPre) console.error("  caskit pre-signed: not measured (the built CLI has no `ocsp configure --presign`; see PRESIGNED in benchmarks/ocsp.bench.ts)");
    for (const c of children.splice(0)) await stopChild(c);

    // The ceiling, in this process with the servers stopped: one P-256 signature per answer is what signing on
    // demand costs.
    const key = createPrivateKey(readFileSync(f("sub.key")));
    const tbs = new Uint8Array(600);
    const rawSign = measureRate(() => sign("sha256", tbs, { key, dsaEncoding: "der" }));

    const rate = (c: Contestant) => median(c.runs.map((r) => r.rps));
    const lat = (c: Contestant) => pool(c.runs);
    const tag = `wrk -c${CONNECTIONS}, ${place.pinned ? "server on 1 pinned core" : "unpinned"}`;
    return [
      row(`ocsp caskit serve --workers 1 (P-256, signed once, kept; ${tag}) vs raw signing`, "resp/s", rate(caskitKeep), "crypto.sign P-256", rawSign),
      row("ocsp caskit serve, default workers (unpinned, shares the cores with wrk) vs raw signing", "resp/s", rate(caskitDefault), "crypto.sign P-256", rawSign),
      row("ocsp openssl ocsp -index (serial, one request per connection) vs raw signing", "resp/s", rate(openssl), "crypto.sign P-256", rawSign),
      row("ocsp cfssl ocspserve (pre-signed, keep-alive) vs raw signing", "resp/s", rate(cfsslKeep), "crypto.sign P-256", rawSign),
      row("ocsp caskit --workers 1 vs openssl ocsp, both one request per connection", "resp/s", rate(caskitClose), "openssl ocsp resp/s", rate(openssl)),
      row("ocsp latency p50: caskit vs openssl (one request per connection)", "ms", lat(caskitClose).p50ms, "openssl p50", lat(openssl).p50ms),
      row("ocsp latency p99: caskit vs openssl (one request per connection)", "ms", lat(caskitClose).p99ms, "openssl p99", lat(openssl).p99ms),
      row("ocsp caskit --workers 1 (signed once, kept) vs cfssl ocspserve (pre-signed), keep-alive", "resp/s", rate(caskitKeep), "cfssl ocspserve resp/s", rate(cfsslKeep)),
      row("ocsp latency p50: caskit vs cfssl (keep-alive)", "ms", lat(caskitKeep).p50ms, "cfssl p50", lat(cfsslKeep).p50ms),
      row("ocsp latency p99: caskit vs cfssl (keep-alive)", "ms", lat(caskitKeep).p99ms, "cfssl p99", lat(cfsslKeep).p99ms),
      row("ocsp caskit --workers 1 vs cfssl ocspserve, both one request per connection", "resp/s", rate(caskitClose), "cfssl ocspserve resp/s", rate(cfsslClose)),
      row("ocsp caskit --workers 1 vs Node's HTTP floor (fixed bytes, no work), keep-alive", "resp/s", rate(caskitKeep), "Node floor resp/s", rate(floorKeep)),
      row("ocsp caskit --workers 1 vs Node's HTTP floor (fixed bytes, no work), one request per connection", "resp/s", rate(caskitClose), "Node floor resp/s", rate(floorClose)),
      row("ocsp cfssl ocspserve vs Node's HTTP floor, one request per connection (the platform's gap)", "resp/s", rate(cfsslClose), "Node floor resp/s", rate(floorClose)),
      row("ocsp raw net floor vs Node's HTTP floor, one request per connection (what leaving the http module could gain)", "resp/s", rate(netFloorClose), "Node floor resp/s", rate(floorClose)),
      row("ocsp caskit default workers vs caskit --workers 1", "resp/s", rate(caskitDefault), "caskit --workers 1 resp/s", rate(caskitKeep)),
      ...(caskitPre
        ? [
            row("ocsp caskit pre-signed --workers 1 vs cfssl ocspserve (both serve stored answers), keep-alive", "resp/s", rate(caskitPre), "cfssl ocspserve resp/s", rate(cfsslKeep)),
            row("ocsp latency p50: caskit pre-signed vs cfssl (keep-alive)", "ms", lat(caskitPre).p50ms, "cfssl p50", lat(cfsslKeep).p50ms),
            row("ocsp latency p99: caskit pre-signed vs cfssl (keep-alive)", "ms", lat(caskitPre).p99ms, "cfssl p99", lat(cfsslKeep).p99ms),
            row("ocsp caskit pre-signed vs caskit signing once and keeping (--workers 1, keep-alive)", "resp/s", rate(caskitPre), "caskit --workers 1 resp/s", rate(caskitKeep)),
          ]
        : [row("ocsp caskit pre-signed: NOT MEASURED (no pre-signed mode in the built CLI)", "resp/s", Number.NaN, "cfssl ocspserve resp/s", rate(cfsslKeep))]),
    ];
  } finally {
    for (const c of children) await stopChild(c);
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  console.log(formatTable(await runOcspBench()));
}
