/**
 * The store contract against a real PostgreSQL (CASKIT_TEST_PG_URL, default the local test database),
 * in a schema of its own dropped afterwards. Fails loudly when PostgreSQL is unreachable unless
 * CASKIT_SKIP_PG=1 — .ci/run starts one.
 */
import pg from "pg";
import { openPostgresStore } from "../../src/store/postgres/index.js";
import { runStoreContract } from "./contract.js";

export const PG_URL = process.env.CASKIT_TEST_PG_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const schema = `caskit_test_${process.pid}_${Date.now()}`;

if (process.env.CASKIT_SKIP_PG !== "1") {
  runStoreContract("PostgreSQL", {
    open: (passphrase) => openPostgresStore({ url: PG_URL, schema, passphrase }),
    async raw(sql) {
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      try {
        await c.query(`SET search_path TO ${schema}`);
        return (await c.query(sql)).rows;
      } finally {
        await c.end();
      }
    },
    async cleanup() {
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await c.end();
    },
  });
}
