/**
 * Quota under concurrency, through the built CLI in separate processes: several processes racing for
 * the last units of one package get exactly as many orders as there were units, on SQLite and on
 * PostgreSQL; the others are refused NotRemainCount, and UsedCount never passes TotalCount.
 */
import { join } from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { assertBuilt, caskitAsync, caskitOk } from "../helpers/cli.js";
import { tempDir } from "../helpers/openssl.js";

const PG_URL = process.env.CASKIT_TEST_PG_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const schema = `caskit_orderrace_${process.pid}_${Date.now()}`;
const tmp = tempDir("caskit-orderrace-");
afterAll(async () => {
  tmp.remove();
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await c.end();
});

const RACERS = 6;
const UNITS = 2;

async function race(data: string) {
  assertBuilt();
  const env = { CASKIT_DATA: data, CASKIT_MASTER_PASSPHRASE: "order race" };
  const cli = (args: string[]) => caskitOk(["--json", ...args], env).json();
  cli(["init"]);
  const root = cli(["ca", "create-root", "--cn", "Race Root", "--algorithm", "ECC_256", "--years", "5"]);
  const sub = cli(["ca", "create-sub", "--parent", root.Identifier, "--cn", "Race Sub", "--algorithm", "ECC_256", "--years", "2"]);
  cli(["product", "map", "digicert-free-1-free", "--ca", sub.Identifier]);
  cli(["package", "grant", "digicert-free-1-free", "--count", String(UNITS)]);
  cli(["contact", "add", "--name", "Race", "--phone", "1", "--email", "race@example.test"]);
  const runs = await Promise.all(
    Array.from({ length: RACERS }, (_, i) => {
      const p = caskitAsync(["--json", "order", "create", "--domain", `r${i}.example.test`], env);
      let out = "";
      let err = "";
      p.stdout?.on("data", (d: Buffer) => (out += d.toString()));
      p.stderr?.on("data", (d: Buffer) => (err += d.toString()));
      return new Promise<{ code: number | null; out: string; err: string }>((r) => p.on("exit", (code) => r({ code, out, err })));
    }),
  );
  return { runs, pkg: cli(["package", "show", "digicert-free-1-free"])[0], list: cli(["order", "list"]) };
}

describe("racing for the last units of a package (separate processes)", () => {
  for (const [name, data] of [
    ["SQLite", () => join(tmp.dir, "race.db")],
    ["PostgreSQL", () => `${PG_URL}${PG_URL.includes("?") ? "&" : "?"}schema=${schema}`],
  ] as const) {
    it(`${name}: exactly ${UNITS} of ${RACERS} get an order, the rest NotRemainCount`, async () => {
      const { runs, pkg, list } = await race(data());
      const won = runs.filter((r) => r.code === 0);
      const lost = runs.filter((r) => r.code !== 0);
      expect(won).toHaveLength(UNITS);
      expect(lost.every((r) => r.code === 1 && r.err.includes("NotRemainCount"))).toBe(true);
      expect(pkg).toMatchObject({ TotalCount: UNITS, UsedCount: UNITS, IssuedCount: 0 });
      expect(list.TotalCount).toBe(UNITS);
    }, 120_000);
  }
});
