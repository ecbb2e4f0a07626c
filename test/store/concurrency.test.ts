/**
 * Two processes writing one store at once — the same SQLite file, the same PostgreSQL schema — each
 * inserting certificates under the same CA with colliding serials and taking CRL numbers: no serial is
 * stored twice under the CA, no acknowledged row is lost (the counts add up), the CRL numbers handed
 * out are distinct and contiguous, and (SQLite) the two take turns rather than one starving the other.
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { openStore } from "../../src/store/open.js";
import type { Store } from "../../src/store/port.js";
import { tempDir } from "../helpers/openssl.js";
import { caRecord } from "./contract.js";

const FIXTURE = join(import.meta.dirname, "fixtures/insert-certificates.ts");
const PASS = "concurrency passphrase";
const PG_URL = process.env.CASKIT_TEST_PG_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const tmp = tempDir("caskit-conc-");
afterAll(() => tmp.remove());

interface ChildResult {
  ids: string[];
  crlNumbers: string[];
  conflicts: number;
}

function child(location: string, args: Record<string, unknown>): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ["--import", "tsx", FIXTURE, location, JSON.stringify(args)], {
      env: { ...process.env, CASKIT_MASTER_PASSPHRASE: PASS },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    p.stdout.on("data", (d: Buffer) => (out += d));
    p.stderr.on("data", (d: Buffer) => (err += d));
    p.on("error", reject);
    p.on("exit", (code) => (code === 0 ? resolve(JSON.parse(out) as ChildResult) : reject(new Error(`child exited ${code}: ${err}`))));
  });
}

/** Sets up a tenant and a CA, runs two children at once, and checks what the store holds afterwards. */
async function twoWriters(location: string, schema?: string, commitOrder?: () => string[]): Promise<void> {
  const open = () => openStore(location, { passphrase: PASS, ...(schema ? { schema } : {}) });
  let store: Store = await open();
  await store.transaction(async (tx) => {
    await tx.tenants.create({ id: "t1", name: "t", createdAt: new Date(0) });
    await tx.cas.insert(caRecord("ca"));
  });
  const firstCrl = await store.transaction((tx) => tx.cas.takeCrlNumber("ca"));
  await store.close();

  const count = 1500;
  // 3,000 certificates drawn from 8,192 serials: collisions are certain (birthday bound), inside each
  // process and across the two. Both processes open the store, then start writing at `startAt`.
  const args = { caId: "ca", count, space: 8192, workers: 48, crlEvery: 10, startAt: Date.now() + 2_500, ...(schema ? { schema } : {}) };
  const [a, b] = await Promise.all([child(location, { ...args, tag: "a" }), child(location, { ...args, tag: "b" })]);

  expect(a.ids).toHaveLength(count);
  expect(b.ids).toHaveLength(count);
  expect(a.conflicts + b.conflicts).toBeGreaterThan(0);
  if (commitOrder) {
    // Fair turns: SQLite's lock would let one busy process keep the file until its queue drained (one
    // switch from a's rows to b's); the adapter steps aside after 100 ms of holding, so writers alternate.
    const order = commitOrder().map((id) => id[0]);
    const switches = order.filter((p, i) => i > 0 && p !== order[i - 1]).length;
    expect(switches, `writers took ${switches + 1} turns`).toBeGreaterThanOrEqual(3);
  }

  store = await open();
  try {
    expect(await store.transaction((tx) => tx.certificates.countByIssuer("ca"))).toBe(2 * count);
    const stored = await store.transaction((tx) => tx.certificates.list("t1", { offset: 0, limit: 10 * count }));
    expect(stored.map((c) => c.id).sort()).toEqual([...a.ids, ...b.ids].sort());
    expect(new Set(stored.map((c) => c.serialNumber)).size).toBe(2 * count);

    const taken = [...a.crlNumbers, ...b.crlNumbers].map(BigInt).sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
    expect(taken).toHaveLength(2 * (count / 10));
    expect(taken).toEqual(taken.map((_, i) => firstCrl + 1n + BigInt(i)));
    expect(await store.transaction((tx) => tx.cas.takeCrlNumber("ca"))).toBe(firstCrl + 1n + BigInt(taken.length));
  } finally {
    await store.close();
  }
}

describe("two processes writing one store", () => {
  it("SQLite file: no duplicate serial, no lost row, CRL numbers distinct and contiguous", async () => {
    const file = join(tmp.dir, "shared.db");
    await twoWriters(file, undefined, () => {
      const db = new Database(file, { readonly: true });
      try {
        return (db.prepare("SELECT id FROM certificates ORDER BY rowid").all() as Array<{ id: string }>).map((r) => r.id);
      } finally {
        db.close();
      }
    });
  });

  it.runIf(process.env.CASKIT_SKIP_PG !== "1")("PostgreSQL schema: no duplicate serial, no lost row, CRL numbers distinct and contiguous", async () => {
    const schema = `caskit_conc_${process.pid}_${Date.now()}`;
    try {
      await twoWriters(PG_URL, schema);
    } finally {
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await c.end();
    }
  });
});
