/**
 * Crash safety and concurrency of issuance through the real binary:
 * - a batch killed with SIGKILL mid-way loses nothing it reported, and the store opens cleanly;
 * - two processes issuing from one CA into one store (SQLite file, PostgreSQL) repeat no serial and lose
 *   no certificate.
 */
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateKeyPair } from "../../src/crypto/keys.js";
import { createCsr } from "../../src/csr/index.js";
import { assertBuilt, caskit, caskitAsync } from "../helpers/cli.js";
import { tempDir } from "../helpers/openssl.js";

const tmp = tempDir("caskit-dur-");
afterAll(() => tmp.remove());
const PG_URL = process.env.CASKIT_TEST_PG_URL ?? "postgres://postgres@127.0.0.1:5432/test";
/** A schema of this run's own: two runs at once on the shared database must not drop each other's. */
const PG_SCHEMA = `caskit_cli_dur_${process.pid}_${Date.now()}`;
const PG_DATA = `${PG_URL}${PG_URL.includes("?") ? "&" : "?"}schema=${PG_SCHEMA}`;

let csrDir = "";
beforeAll(async () => {
  assertBuilt();
  const csr = createCsr({ key: await generateKeyPair("ECC_256"), subject: { commonName: "dur.example.com" } }).pem;
  csrDir = tmp.path("csrs");
  mkdirSync(csrDir);
  writeFileSync(join(csrDir, "0000.csr"), csr);
  for (let i = 1; i < 400; i++) copyFileSync(join(csrDir, "0000.csr"), join(csrDir, `${String(i).padStart(4, "0")}.csr`));
});

function setup(env: Record<string, string>): string {
  const root = caskit(["--json", "ca", "create-root", "--cn", "Durability Root", "--years", "5", "--algorithm", "ECC_256"], env);
  expect(root.status, root.stderr).toBe(0);
  const sub = caskit(["--json", "ca", "create-sub", "--parent", root.json().Identifier, "--cn", "Durability CA", "--years", "2"], env);
  expect(sub.status, sub.stderr).toBe(0);
  return sub.json().Identifier;
}

/** Runs a batch in the background; resolves with the identifiers it printed as issued. */
function batch(env: Record<string, string>, ca: string, killAfter?: number): Promise<{ ids: string[]; code: number | null; signal: string | null }> {
  return new Promise((resolve) => {
    const child = caskitAsync(["issue", "batch", csrDir, "--ca", ca, "--days", "3"], env);
    const ids: string[] = [];
    let buf = "";
    child.stdout.on("data", (d: Buffer) => {
      buf += d.toString();
      let nl = buf.indexOf("\n");
      while (nl >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        const m = /^issued \S+ ([0-9a-f]{32}) /.exec(line);
        if (m) {
          ids.push(m[1] as string);
          if (killAfter !== undefined && ids.length === killAfter) child.kill("SIGKILL");
        }
        nl = buf.indexOf("\n");
      }
    });
    child.on("exit", (code, signal) => resolve({ ids, code, signal }));
  });
}

describe("crash safety (SQLite)", () => {
  it("SIGKILL mid-batch: every reported certificate is stored, the file opens cleanly, no serial repeats", async () => {
    const env = { CASKIT_DATA: tmp.path("crash.db"), CASKIT_MASTER_PASSPHRASE: "durable" };
    const ca = setup(env);
    const run = await batch(env, ca, 60);
    expect(run.signal).toBe("SIGKILL");
    expect(run.ids.length).toBeGreaterThanOrEqual(60);
    const db = new Database(env.CASKIT_DATA, { readonly: true });
    try {
      expect(db.pragma("integrity_check", { simple: true })).toBe("ok");
      const stored = new Set((db.prepare("SELECT id FROM certificates").all() as Array<{ id: string }>).map((r) => r.id));
      for (const id of run.ids) expect(stored.has(id)).toBe(true);
      const dup = db.prepare("SELECT COUNT(*) AS n FROM (SELECT serial_number FROM certificates GROUP BY issuer_id, serial_number HAVING COUNT(*) > 1)").get() as { n: number };
      expect(dup.n).toBe(0);
    } finally {
      db.close();
    }
    // The CLI opens it and keeps going.
    const list = caskit(["--json", "cert", "list", "--size", "1000"], env);
    expect(list.status).toBe(0);
    expect(list.json().TotalCount).toBeGreaterThanOrEqual(run.ids.length);
  });
});

describe.each([
  ["SQLite", () => ({ CASKIT_DATA: tmp.path("shared.db"), CASKIT_MASTER_PASSPHRASE: "shared" })],
  ["PostgreSQL", () => ({ CASKIT_DATA: PG_DATA, CASKIT_MASTER_PASSPHRASE: "shared" })],
])("two processes issuing from one CA (%s)", (name, envOf) => {
  afterAll(async () => {
    if (name !== "PostgreSQL") return;
    const c = new pg.Client({ connectionString: PG_URL });
    await c.connect();
    await c.query(`DROP SCHEMA IF EXISTS ${PG_SCHEMA} CASCADE`);
    await c.end();
  });
  it("no duplicate serial, no lost certificate", async () => {
    const env = envOf();
    const ca = setup(env);
    const [a, b] = await Promise.all([batch(env, ca), batch(env, ca)]);
    expect(a.code).toBe(0);
    expect(b.code).toBe(0);
    expect(a.ids.length + b.ids.length).toBe(800);
    expect(new Set([...a.ids, ...b.ids]).size).toBe(800);
    const list = caskit(["--json", "cert", "list", "--size", "1000"], env).json();
    expect(list.TotalCount).toBe(800);
    const serials = list.CertificateList.map((c: { SerialNumber: string }) => c.SerialNumber);
    expect(new Set(serials).size).toBe(800);
    if (name === "PostgreSQL") {
      // The rows are in this run's schema (the URL's ?schema=), not in a shared fixed one.
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      try {
        const n = await c.query(`SELECT COUNT(*)::int AS n FROM ${PG_SCHEMA}.certificates`);
        expect(n.rows[0].n).toBe(800);
      } finally {
        await c.end();
      }
    }
  });
});
