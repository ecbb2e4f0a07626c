/**
 * `caskit serve --workers 2` on one SQLite store, as a user runs it: requests spread over two worker
 * processes behave as one service — a replay sent to either worker is refused, the throttle holds for
 * the account across both, and SIGKILL of a worker under load loses nothing that was answered (the
 * primary starts another worker and the port keeps answering).
 */
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateKeyPair } from "../../src/crypto/keys.js";
import { createCsr } from "../../src/csr/index.js";
import { assertBuilt, caskit } from "../helpers/cli.js";
import { tempDir } from "../helpers/openssl.js";
import { type Served, send, signV3, startServe } from "./serve-helper.js";

const tmp = tempDir("caskit-workers-");
const env = { CASKIT_DATA: join(tmp.dir, "ca.db"), CASKIT_MASTER_PASSPHRASE: "workers" };
type Key = { id: string; secret: string };
let ak: Key;
let server: Served | undefined;
let subId = "";
let csr = "";

/** Live child processes of `pid`, from /proc (no `ps` needed). */
const workersOf = (pid: number) =>
  readdirSync("/proc")
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        // stat: "pid (comm) state ppid …" — comm may hold spaces, so split after the last ")".
        const fields = readFileSync(`/proc/${d}/stat`, "utf8").split(")").pop()?.trim().split(" ") ?? [];
        return Number(fields[1]) === pid && fields[0] !== "Z";
      } catch {
        return false;
      }
    })
    .map(Number);

beforeAll(async () => {
  assertBuilt();
  caskit(["init"], env);
  const created = caskit(["--json", "accesskey", "create"], env).json();
  ak = { id: created.AccessKeyId, secret: created.AccessKeySecret };
  const root = caskit(["--json", "ca", "create-root", "--cn", "Workers Root", "--algorithm", "ECC_256", "--years", "5"], env).json().Identifier;
  subId = caskit(["--json", "ca", "create-sub", "--parent", root, "--cn", "Workers Sub", "--years", "2"], env).json().Identifier;
  csr = createCsr({ key: await generateKeyPair("ECC_256"), subject: { commonName: "workers.example.com" } }).pem;
}, 60_000);
afterAll(async () => {
  await server?.stop();
  tmp.remove();
});

/** A request, given up after `ms`: one dispatched to a worker just killed is never answered (clients time out). */
const within = <T>(p: Promise<T>, ms = 10_000) => Promise.race([p, new Promise<never>((_, no) => setTimeout(() => no(new Error("no answer in time")), ms).unref())]);
const issue = () => within(send(server!.port, signV3({ ak, action: "CreateServerCertificateWithCsr", form: { ParentIdentifier: subId, Csr: csr, Days: "30" } })));

describe("serve --workers 2 (SQLite)", () => {
  it("two worker processes answer one port; a replay is refused whichever worker gets it", async () => {
    server = await startServe(env, ["--workers", "2", "--throttle", "0"]);
    expect(server.logs()).toContain("(2 workers)");
    expect(workersOf(server.proc.pid as number)).toHaveLength(2);
    const captured = signV3({ ak, action: "CreateServerCertificateWithCsr", form: { ParentIdentifier: subId, Csr: csr, Days: "30" } });
    expect((await send(server.port, captured)).status).toBe(200);
    // Sent again several times: keep-alive-free requests land on both workers in turn.
    for (let i = 0; i < 4; i++) expect((await send(server.port, captured)).json().Code).toBe("SignatureNonceUsed");
  });

  it("SIGKILL of a worker under load: every answered certificate is in the store; a new worker takes its place", async () => {
    const answered: string[] = [];
    let failed = 0;
    let stop = false;
    const load = Promise.all(
      Array.from({ length: 6 }, async () => {
        while (!stop) {
          const r = await issue().catch(() => null);
          if (r?.status === 200) answered.push(r.json().Identifier);
          else failed++;
        }
      }),
    );
    await new Promise((r) => setTimeout(r, 1500));
    const [victim] = workersOf(server!.proc.pid as number);
    process.kill(victim as number, "SIGKILL");
    await new Promise((r) => setTimeout(r, 2500));
    stop = true;
    await load;
    expect(answered.length).toBeGreaterThan(10);
    expect(server!.logs()).toMatch(/worker \d exited \(SIGKILL\); starting another/);
    expect(workersOf(server!.proc.pid as number)).toHaveLength(2);
    const stored = new Set<string>();
    for (let page = 1; ; page++) {
      const list = await within(send(server!.port, signV3({ ak, action: "ListClientCertificate", form: { ShowSize: "1000", CurrentPage: String(page) } })), 30_000);
      const items = list.json().CertificateList as Array<{ Identifier: string }>;
      for (const c of items) stored.add(c.Identifier);
      if (items.length < 1000) break;
    }
    expect(answered.filter((id) => !stored.has(id))).toEqual([]);
    expect((await issue()).status).toBe(200);
    expect(await server!.stop()).toBe(0);
  }, 120_000);

  it("the throttle holds for the account across both workers (counted in the store)", async () => {
    server = await startServe(env, ["--workers", "2", "--throttle", "4"]);
    // Start just after a second begins, so the burst falls in as few windows as possible.
    await new Promise((r) => setTimeout(r, 1000 - (Date.now() % 1000) + 20));
    const start = Date.now();
    const rs = await Promise.all(Array.from({ length: 16 }, () => send(server!.port, signV3({ ak, action: "DescribeCACertificateCount" }))));
    const windows = Math.floor(Date.now() / 1000) - Math.floor(start / 1000) + 1;
    const ok = rs.filter((r) => r.status === 200).length;
    const throttled = rs.filter((r) => r.json().Code === "Throttling.User");
    expect(ok + throttled.length).toBe(16);
    expect(ok).toBeGreaterThan(0);
    expect(ok).toBeLessThanOrEqual(4 * windows);
    expect(Number(throttled[0]?.headers["x-acs-retry-after"])).toBeGreaterThan(0);
  });
});
