/**
 * A real DNS server for tests: dnsmasq (Debian package dnsmasq-base or dnsmasq) in the foreground on a
 * free port of 127.0.0.1, answering only the records given here. It never forwards (no upstream
 * servers, no /etc/resolv.conf, no /etc/hosts, no config file), and names under the given names'
 * top-level domains that it does not know get NXDOMAIN. To change records, stop it and start another
 * (or run several side by side).
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createSocket } from "node:dgram";
import { Resolver } from "node:dns/promises";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface DnsmasqRecords {
  /** name → TXT records (one string each; values over 255 bytes are sent as several chunks, as real zones do). */
  txt?: Record<string, string[]>;
  /** name → IPv4/IPv6 address; loopback only (127.0.0.0/8 or ::1), so no test sends packets off the machine. */
  a?: Record<string, string>;
}

export interface Dnsmasq {
  port: number;
  /** "127.0.0.1:<port>", ready for DcvOptions.dnsServers. */
  server: string;
  stop(): Promise<void>;
}

const NAME = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)+$/;

function findDnsmasq(): string {
  const onPath = spawnSync("sh", ["-c", "command -v dnsmasq"], { encoding: "utf8" }).stdout.trim();
  const found = [onPath, "/usr/sbin/dnsmasq", "/sbin/dnsmasq"].find((p) => p !== "" && existsSync(p));
  if (found === undefined) {
    throw new Error("dnsmasq is not installed; the DCV tests need a real DNS server: apt-get install -y dnsmasq-base (.ci/run does this)");
  }
  return found;
}

/**
 * A config-file txt-record line: quoted strings, comma-separated, each ≤ 255 bytes. (On dnsmasq's
 * command line quotes are not parsed and every comma splits, hence the file.)
 */
function txtLine(name: string, value: string): string {
  if (!/^[\x20-\x7e]*$/.test(value)) throw new Error(`startDnsmasq: TXT value for ${name} must be printable ASCII`);
  const chunks = value.match(/[\s\S]{1,255}/g) ?? [""];
  return `txt-record=${name},${chunks.map((c) => `"${c.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`).join(",")}`;
}

function isLoopback(ip: string): boolean {
  return ip === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(ip);
}

/** A port free for both TCP and UDP on 127.0.0.1 right now (dnsmasq binds both). */
async function freePort(): Promise<number> {
  const tcp = createServer();
  await new Promise<void>((ok, fail) => tcp.once("error", fail).listen(0, "127.0.0.1", ok));
  const port = (tcp.address() as { port: number }).port;
  const udp = createSocket("udp4");
  const udpFree = await new Promise<boolean>((ok) => {
    udp.once("error", () => ok(false));
    udp.bind(port, "127.0.0.1", () => ok(true));
  });
  await new Promise<void>((ok) => udp.close(() => ok())).catch(() => undefined);
  await new Promise<void>((ok) => tcp.close(() => ok()));
  return udpFree ? port : freePort();
}

/**
 * Starts dnsmasq with `records`. `port`: listen there (to restart with new records where a client is
 * already pointed, e.g. a running `caskit serve`); else a free port.
 */
export async function startDnsmasq(records: DnsmasqRecords = {}, options: { port?: number } = {}): Promise<Dnsmasq> {
  const bin = findDnsmasq();
  const names = [...Object.keys(records.txt ?? {}), ...Object.keys(records.a ?? {})];
  for (const n of names) if (!NAME.test(n)) throw new Error(`startDnsmasq: bad name ${JSON.stringify(n)}`);
  const lines: string[] = [];
  for (const [name, values] of Object.entries(records.txt ?? {})) for (const v of values) lines.push(txtLine(name, v));
  for (const [name, ip] of Object.entries(records.a ?? {})) {
    if (!isLoopback(ip)) throw new Error(`startDnsmasq: ${name} → ${ip}: tests point names at loopback addresses only`);
    lines.push(`host-record=${name},${ip}`);
  }
  // Authoritative-style NXDOMAIN for unknown names in these zones, instead of REFUSED (no upstream to ask).
  const tlds = new Set(names.map((n) => n.split(".").pop()!.toLowerCase()));
  if (tlds.size === 0) tlds.add("test");
  for (const t of tlds) lines.push(`local=/${t}/`);
  const dir = mkdtempSync(join(tmpdir(), "caskit-dnsmasq-"));
  const conf = join(dir, "dnsmasq.conf");
  writeFileSync(conf, `${lines.join("\n")}\n`);
  const cleanup = (): void => rmSync(dir, { recursive: true, force: true });

  let lastError = "";
  for (let attempt = 0; attempt < 5; attempt++) {
    // Port 0 would start dnsmasq with its DNS service off (and no answer ever): treat it as "any".
    const port = options.port || (await freePort());
    const child = spawn(
      bin,
      [
        "--keep-in-foreground",
        `--port=${port}`,
        "--listen-address=127.0.0.1",
        "--bind-interfaces",
        "--no-resolv",
        "--no-poll",
        "--no-hosts",
        `--conf-file=${conf}`, // ours only: never /etc/dnsmasq.conf or /etc/dnsmasq.d
        "--pid-file=", // no pid file
        "--log-facility=-", // log to stderr, which we keep for error messages
        "--cache-size=0",
        "--no-negcache",
        "--local-ttl=0",
        // As root dnsmasq would switch to user "dnsmasq", which may not exist; stay who we are.
        ...(process.getuid?.() === 0 ? ["--user=root", "--group=root"] : []),
      ],
      { stdio: ["ignore", "ignore", "pipe"] },
    );
    let stderr = "";
    child.stderr!.setEncoding("utf8").on("data", (d: string) => (stderr = (stderr + d).slice(-4000)));
    const exited = new Promise<number | null>((ok) => child.once("exit", (code) => ok(code)));
    const killOnExit = (): void => void child.kill("SIGKILL");
    process.once("exit", killOnExit);

    const up = await Promise.race([probe(port), exited.then(() => false)]);
    if (up) {
      return {
        port,
        server: `127.0.0.1:${port}`,
        stop: () => stop(child, exited, killOnExit).finally(cleanup),
      };
    }
    await stop(child, exited, killOnExit);
    lastError = stderr.trim();
    if (!/address already in use/i.test(lastError)) break; // only a lost port race is worth another try
    if (options.port) await new Promise((ok) => setTimeout(ok, 200)); // the old server's socket is closing
  }
  cleanup();
  throw new Error(`dnsmasq did not start: ${lastError || "no answer on its port within 10 s"}`);
}

/** Ready when it answers a query (any answer, NXDOMAIN included). */
async function probe(port: number): Promise<boolean> {
  for (let i = 0; i < 100; i++) {
    const r = new Resolver({ timeout: 100, tries: 1 });
    r.setServers([`127.0.0.1:${port}`]);
    try {
      await r.resolveTxt("probe.invalid");
      return true;
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code !== "ECONNREFUSED" && code !== "ETIMEOUT") return true;
    }
    await new Promise((ok) => setTimeout(ok, 100));
  }
  return false;
}

async function stop(child: ChildProcess, exited: Promise<number | null>, killOnExit: () => void): Promise<void> {
  process.removeListener("exit", killOnExit);
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 2000);
  await exited;
  clearTimeout(timer);
}
