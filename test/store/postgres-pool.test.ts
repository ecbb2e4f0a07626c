/**
 * The PostgreSQL pools: `?pool=N` (or `pool`) sizes each of the two pools (writes, lookups), `serve`
 * shares the default out among its workers, and lookups run on connections the server keeps read-only.
 */
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { poolFor } from "../../src/http/server.js";
import { StoreError, openStore } from "../../src/store/open.js";
import { DEFAULT_POOL } from "../../src/store/postgres/pool.js";

const PG_URL = process.env.CASKIT_TEST_PG_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const schema = `caskit_pool_${process.pid}_${Date.now()}`;
const app = `caskit-pool-test-${process.pid}`;
const admin = async <T>(fn: (c: pg.Client) => Promise<T>): Promise<T> => {
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
};
afterAll(() => admin((c) => c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)));

describe("PostgreSQL pools", () => {
  it("?pool=N caps each pool: 40 concurrent transactions and 40 lookups use at most 2 × N connections", async () => {
    const sep = PG_URL.includes("?") ? "&" : "?";
    const store = await openStore(`${PG_URL}${sep}schema=${schema}&pool=3&application_name=${app}`, { passphrase: "pool test" });
    try {
      let peak = 0;
      const watch = setInterval(() => {
        void admin((c) => c.query("SELECT COUNT(*)::int AS n FROM pg_stat_activity WHERE application_name = $1", [app])).then((r) => {
          peak = Math.max(peak, r.rows[0].n as number);
        });
      }, 5);
      await Promise.all([
        ...Array.from({ length: 40 }, (_, i) => store.transaction((tx) => tx.nonces.claim("AK", `n${i}`, new Date(), new Date(Date.now() + 60_000)))),
        ...Array.from({ length: 40 }, () => store.read((tx) => tx.accessKeys.get("none"))),
      ]);
      clearInterval(watch);
      const open = (await admin((c) => c.query("SELECT COUNT(*)::int AS n FROM pg_stat_activity WHERE application_name = $1", [app]))).rows[0].n as number;
      expect(open).toBeGreaterThan(0); // the store's connections carry the URL's application_name
      expect(Math.max(peak, open)).toBeLessThanOrEqual(6);
    } finally {
      await store.close();
    }
  });

  it("a lookup runs on a read-only connection: a write there is refused and leaves nothing", async () => {
    const store = await openStore(PG_URL, { passphrase: "pool test", schema });
    try {
      const e = await store.read((tx) => tx.nonces.claim("AK", "read-only", new Date(), new Date(Date.now() + 60_000))).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(StoreError);
      expect((e as StoreError).code).toBe("read_only");
      const fresh = await store.transaction((tx) => tx.nonces.claim("AK", "read-only", new Date(), new Date(Date.now() + 60_000)));
      expect(fresh).toBe(true);
    } finally {
      await store.close();
    }
  });

  it("a bad ?pool= is refused before connecting", async () => {
    for (const bad of ["0", "101", "2.5", "many"]) {
      await expect(openStore(`${PG_URL}?schema=${schema}&pool=${bad}`, { passphrase: "x" })).rejects.toThrow(/pool=.* must be a whole number from 1 to 100/);
    }
  });

  it("serve shares the default pool among its workers; a URL's ?pool= and SQLite are left alone", () => {
    expect(poolFor(PG_URL, 1)).toBe(DEFAULT_POOL);
    expect(poolFor(PG_URL, 2)).toBe(Math.ceil(DEFAULT_POOL / 2));
    expect(poolFor(PG_URL, 64)).toBe(2);
    expect(poolFor(`${PG_URL}?pool=5`, 4)).toBeUndefined();
    expect(poolFor("/var/lib/caskit/caskit.db", 4)).toBeUndefined();
  });
});
