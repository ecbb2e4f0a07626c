/** The PostgreSQL the tests use, and a schema of their own per run (dropped with dropTestSchema). */
import pg from "pg";

export const PG_URL = process.env.CASKIT_TEST_PG_URL ?? "postgres://postgres@127.0.0.1:5432/test";

/** A schema name no other run uses: `caskit_<label>_<pid>_<ms>`. */
export const testSchema = (label: string): string => `caskit_${label}_${process.pid}_${Date.now()}`;

/** Drops `schema` and everything in it. */
export async function dropTestSchema(schema: string): Promise<void> {
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  try {
    await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await c.end();
  }
}

/**
 * Both engines for `describe.each`: SQLite at `sqlitePath()` and PostgreSQL in `schema`, as the
 * location and the options `openStore` takes.
 */
export const bothEngines = (sqlitePath: () => string, schema: string) => [
  { name: "SQLite", location: sqlitePath, options: {} as { schema?: string } },
  { name: "PostgreSQL", location: () => PG_URL, options: { schema } },
];
