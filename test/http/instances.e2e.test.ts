/**
 * Three `caskit serve` instances on one PostgreSQL schema behave as one service (the issue-12 proof,
 * shortened to a few seconds): driven round-robin under load, with one instance SIGKILLed mid-load,
 * every answered certificate is stored and no serial repeats; a request captured at one instance is
 * refused by another; the account's throttle holds across all three; the CRL numbers form one sequence.
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateKeyPair } from "../../src/crypto/keys.js";
import { createCsr } from "../../src/csr/index.js";
import { assertBuilt, caskit } from "../helpers/cli.js";
import { openssl } from "../helpers/openssl.js";
import { type Served, send, signV3, startServe } from "./serve-helper.js";

const PG_URL = process.env.CASKIT_TEST_PG_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const schema = `caskit_instances_${process.pid}_${Date.now()}`;
const env = { CASKIT_DATA: `${PG_URL}${PG_URL.includes("?") ? "&" : "?"}schema=${schema}`, CASKIT_MASTER_PASSPHRASE: "instances" };
const THROTTLE = 30;
type Key = { id: string; secret: string };
let ak: Key;
let subId = "";
let csr = "";
const servers: Served[] = [];

async function sql<T = Record<string, unknown>>(q: string): Promise<T[]> {
  const c = new pg.Client({ connectionString: PG_URL, options: `-c search_path=${schema}` });
  await c.connect();
  try {
    return (await c.query(q)).rows as T[];
  } finally {
    await c.end();
  }
}

beforeAll(async () => {
  assertBuilt();
  const init = caskit(["init"], env);
  if (init.status !== 0) throw new Error(init.stderr);
  const created = caskit(["--json", "accesskey", "create"], env).json();
  ak = { id: created.AccessKeyId, secret: created.AccessKeySecret };
  const root = caskit(["--json", "ca", "create-root", "--cn", "Instances Root", "--algorithm", "ECC_256", "--years", "5"], env).json().Identifier;
  subId = caskit(["--json", "ca", "create-sub", "--parent", root, "--cn", "Instances Sub", "--years", "2", "--enable-crl"], env).json().Identifier;
  csr = createCsr({ key: await generateKeyPair("ECC_256"), subject: { commonName: "instances.example.com" } }).pem;
  for (let i = 0; i < 3; i++) servers.push(await startServe(env, ["--workers", "1", "--throttle", String(THROTTLE), "--crl-interval", "0"]));
}, 90_000);
afterAll(async () => {
  for (const s of servers) await s.stop();
  await sql(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => undefined);
});

describe("three serve instances on one PostgreSQL", () => {
  it("a request captured at one instance is refused by the others", async () => {
    const captured = signV3({ ak, action: "DescribeCACertificateCount" });
    expect((await send(servers[0]!.port, captured)).status).toBe(200);
    expect((await send(servers[1]!.port, captured)).json().Code).toBe("SignatureNonceUsed");
    expect((await send(servers[2]!.port, captured)).json().Code).toBe("SignatureNonceUsed");
  });

  it("round-robin load with one instance SIGKILLed: every answer stored, no serial twice, the throttle global", async () => {
    await new Promise((r) => setTimeout(r, 1100)); // a fresh throttle window
    const answered: string[] = [];
    const okAt: number[] = [];
    let next = 0;
    let stop = false;
    const start = Date.now();
    const load = Promise.all(
      Array.from({ length: 6 }, async () => {
        while (!stop) {
          const s = servers[next++ % 3]!;
          if (s.proc.exitCode !== null || s.proc.signalCode !== null) continue;
          const r = await send(s.port, signV3({ ak, action: "CreateServerCertificateWithCsr", form: { ParentIdentifier: subId, Csr: csr, Days: "30" } })).catch(() => null);
          if (r?.status === 200) {
            answered.push(r.json().Identifier);
            okAt.push(Date.now());
          } else if (r && r.json().Code !== "Throttling.User") throw new Error(`unexpected answer ${r.status} ${r.text}`);
          else if (r) await new Promise((res) => setTimeout(res, 20));
        }
      }),
    );
    await new Promise((r) => setTimeout(r, 2500));
    servers[2]!.proc.kill("SIGKILL");
    await new Promise((r) => setTimeout(r, 2500));
    stop = true;
    await load;
    const seconds = Math.floor(Date.now() / 1000) - Math.floor(start / 1000) + 1;
    expect(answered.length).toBeGreaterThan(THROTTLE);
    // Global: at most THROTTLE answers in any one-second window, across the three instances.
    const perWindow = new Map<number, number>();
    for (const t of okAt) perWindow.set(Math.floor(t / 1000), (perWindow.get(Math.floor(t / 1000)) ?? 0) + 1);
    // (Counted by arrival here, so an answer may land in the next window: a little slack; the store's own
    // count per window is exact.)
    expect(Math.max(...perWindow.values())).toBeLessThanOrEqual(Math.ceil(THROTTLE * 1.25));
    const windows = await sql<{ hits: string }>("SELECT hits FROM throttle_windows WHERE action = 'CreateServerCertificateWithCsr'");
    expect(windows.length).toBeGreaterThan(1);
    expect(Math.max(...windows.map((w) => Number(w.hits)))).toBeLessThanOrEqual(THROTTLE);
    expect(answered.length).toBeLessThanOrEqual(THROTTLE * seconds);
    const stored = await sql<{ id: string; serial_number: string }>(`SELECT id, serial_number FROM certificates WHERE issuer_id = '${subId}'`);
    const ids = new Set(stored.map((r) => r.id));
    expect(answered.filter((id) => !ids.has(id))).toEqual([]);
    expect(new Set(stored.map((r) => r.serial_number)).size).toBe(stored.length);
  });

  it("revocations through different instances: one CRL number sequence, each CRL lists what was revoked before it", async () => {
    const live = servers.filter((s) => s.proc.exitCode === null && s.proc.signalCode === null);
    const [a, b] = live as [Served, Served];
    const list = await send(a.port, signV3({ ak, action: "ListClientCertificate", form: { ShowSize: "4" } }));
    const certs = list.json().CertificateList as Array<{ Identifier: string; SerialNumber: string }>;
    const ids = certs.map((c) => c.Identifier);
    await new Promise((r) => setTimeout(r, 1100));
    const numbers: number[] = [];
    for (const [i, id] of ids.entries()) {
      const s = i % 2 ? b : a;
      expect((await send(s.port, signV3({ ak, action: "CreateRevokeClientCertificate", form: { Identifier: id } }))).status).toBe(200);
      // Fetched from the other instance: it must list the revocation the first one just made.
      const crl = await fetch(`http://127.0.0.1:${(i % 2 ? a : b).port}/crl/${subId}.crl`);
      expect(crl.status).toBe(200);
      const text = openssl(["crl", "-inform", "DER", "-noout", "-text"], { input: new Uint8Array(await crl.arrayBuffer()) }).stdout;
      for (const c of certs.slice(0, i + 1)) expect(text).toContain(`Serial Number: ${c.SerialNumber.toUpperCase()}`);
      const rows = await sql<{ n: string }>(`SELECT MAX(crl_number) AS n FROM crls WHERE ca_id = '${subId}'`);
      numbers.push(Number(rows[0]?.n));
    }
    for (let i = 1; i < numbers.length; i++) expect(numbers[i]).toBeGreaterThan(numbers[i - 1] as number);
    const all = await sql<{ crl_number: string }>(`SELECT crl_number FROM crls WHERE ca_id = '${subId}' ORDER BY crl_number`);
    expect(all.map((r) => Number(r.crl_number))).toEqual(all.map((_, i) => Number(all[0]?.crl_number) + i)); // no gaps, no repeats
  });
});
