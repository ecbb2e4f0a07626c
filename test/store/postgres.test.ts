/**
 * The store contract against a real PostgreSQL (CASKIT_TEST_PG_URL, default the local `test` database),
 * in a schema of its own dropped afterwards. Fails loudly when PostgreSQL is unreachable unless
 * CASKIT_SKIP_PG=1 (CI starts one with .ci/start-postgres.sh).
 */
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { MIGRATIONS } from "../../src/store/migrations/index.js";
import { openPostgresStore } from "../../src/store/postgres/index.js";
import { runStoreContract } from "./contract.js";

export const PG_URL = process.env.CASKIT_TEST_PG_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const schema = `caskit_test_${process.pid}_${Date.now()}`;

async function withClient<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: PG_URL, options: `-c search_path=${schema}` });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

if (process.env.CASKIT_SKIP_PG === "1") {
  // Left out on request only; an unreachable server without this flag fails the reachability test below.
  it("PostgreSQL store tests are left out (CASKIT_SKIP_PG=1)", () => {
    expect(process.env.CASKIT_SKIP_PG).toBe("1");
  });
} else {
  describe("PostgreSQL reachability", () => {
    it(`answers at ${PG_URL.replace(/:[^:@/]*@/, ":***@")} (start one with .ci/start-postgres.sh, or set CASKIT_SKIP_PG=1)`, async () => {
      await withClient(async (c) => expect((await c.query("SELECT 1 AS one")).rows[0]).toEqual({ one: 1 }));
    });
  });

  runStoreContract("PostgreSQL", {
    open: (passphrase, o) => openPostgresStore({ url: PG_URL, schema, passphrase, ...o }),
    raw: (sql) => withClient(async (c) => (await c.query(sql)).rows),
    plan: (sql) =>
      withClient(async (c) => {
        // Tiny test tables make a sequential scan the cheapest plan; forbid it to learn whether an index can answer.
        await c.query("SET enable_seqscan = off");
        return (await c.query(`EXPLAIN ${sql}`)).rows.map((r: Record<string, string>) => r["QUERY PLAN"]).join("\n");
      }),
    cleanup: () => withClient(async (c) => void (await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`))),
  });

  describe("PostgreSQL adapter", () => {
    afterAll(() => withClient(async (c) => void (await c.query(`DROP SCHEMA IF EXISTS ${schema}_x CASCADE`))));

    it("an unreachable server is StoreError unavailable", async () => {
      await expect(openPostgresStore({ url: "postgres://postgres@127.0.0.1:1/test", passphrase: "p" })).rejects.toMatchObject({ name: "StoreError", code: "unavailable" });
    });

    it("several processes' worth of first opens of one new schema all succeed (schema creation and migration under a lock)", async () => {
      const stores = await Promise.all(Array.from({ length: 4 }, () => openPostgresStore({ url: PG_URL, schema: `${schema}_x`, passphrase: "p", max: 2 })));
      const versions = await withClient(async (c) => (await c.query(`SELECT version FROM ${schema}_x.schema_migrations ORDER BY version`)).rows.map((r) => r.version));
      expect(versions).toEqual(MIGRATIONS.postgres.map((m) => m.version));
      await Promise.all(stores.map((s) => s.close()));
    });

    it("migration 11 over a version-10 schema keeps its stored OCSP answers, as SHA-1 ones, and keys them by hash", async () => {
      const m11 = `${schema}_m11`;
      try {
        const rows = await withClient(async (c) => {
          await c.query(`CREATE SCHEMA ${m11}; SET search_path TO ${m11}`);
          await c.query("SET session_replication_role = replica"); // the fixture rows name no CA: no foreign-key checks
          for (const m of MIGRATIONS.postgres.filter((m) => m.version <= 10)) await c.query(m.sql);
          await c.query("INSERT INTO ocsp_config (ca_id, delegated, responder_days, presign, response_hours, updated_at) VALUES ('x', 0, 7, 1, 24, 1)");
          const answer = (hash: string) =>
            c.query(`INSERT INTO ocsp_responses (ca_id, serial_number, ${hash ? "cert_id_hash, " : ""}cert_status, signer, this_update, next_update, der) VALUES ('x', '0a', ${hash ? `'${hash}', ` : ""}'good', 'ca', 1, 2, '\\x3003')`);
          await answer("");
          await c.query((MIGRATIONS.postgres.find((m) => m.version === 11) as { sql: string }).sql);
          await answer("sha256"); // the same serial, the other hash: a row of its own
          await expect(answer("sha256")).rejects.toThrow(/duplicate key/);
          return {
            answers: (await c.query("SELECT serial_number, cert_id_hash, der FROM ocsp_responses ORDER BY cert_id_hash")).rows,
            config: (await c.query("SELECT presign, presign_sha256 FROM ocsp_config")).rows,
          };
        });
        expect(rows.answers).toEqual([
          { serial_number: "0a", cert_id_hash: "sha1", der: Buffer.from([0x30, 0x03]) },
          { serial_number: "0a", cert_id_hash: "sha256", der: Buffer.from([0x30, 0x03]) },
        ]);
        expect(rows.config).toEqual([{ presign: 1, presign_sha256: 0 }]);
      } finally {
        await withClient(async (c) => void (await c.query(`DROP SCHEMA IF EXISTS ${m11} CASCADE`)));
      }
    });
  });
}
