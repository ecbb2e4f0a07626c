/**
 * The two dialects' migrations must mean the same thing. Both are applied to real databases (a fresh
 * SQLite file, a fresh PostgreSQL schema) and their catalogues compared after normalising the spelling
 * differences (INTEGER/BIGINT, BLOB/BYTEA, AUTOINCREMENT/BIGSERIAL, generated index names): the same
 * tables, columns in the same order with the same type class, nullability and default, the same primary
 * keys, unique constraints, indexes and foreign keys. Triggers and CHECKs are compared by behaviour in
 * the contract suite (audit append-only, status values).
 */
import { join } from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { SCHEMA_VERSION } from "../../src/store/migrations/index.js";
import { openPostgresStore } from "../../src/store/postgres/index.js";
import { openSqliteStore } from "../../src/store/sqlite/index.js";
import { tempDir } from "../helpers/openssl.js";

const PG_URL = process.env.CASKIT_TEST_PG_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const tmp = tempDir("caskit-parity-");
afterAll(() => tmp.remove());

interface Shape {
  tables: Record<string, { columns: string[]; pk: string; indexes: string[]; fks: string[] }>;
}

const typeClass = (t: string): string => {
  const u = t.toUpperCase();
  if (/INT/.test(u)) return "int";
  if (/TEXT|CHAR/.test(u)) return "text";
  if (/BLOB|BYTEA/.test(u)) return "bytes";
  return u;
};

function sqliteShape(file: string): Shape {
  const db = new Database(file, { readonly: true });
  try {
    const tables = (db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as Array<{ name: string; sql: string }>).map((t) => t);
    const out: Shape = { tables: {} };
    for (const { name, sql } of tables) {
      const cols = db.prepare(`PRAGMA table_info(${name})`).all() as Array<{ name: string; type: string; notnull: number; dflt_value: string | null; pk: number }>;
      const autoinc = /AUTOINCREMENT/i.test(sql);
      const columns = cols.map((c) => {
        const serial = autoinc && c.pk === 1 && /INTEGER/i.test(c.type);
        // SQLite lets a non-INTEGER PRIMARY KEY column hold NULL (a legacy quirk); the store never writes one.
        const notnull = c.notnull === 1 || c.pk > 0;
        return `${c.name} ${typeClass(c.type)} ${notnull ? "not null" : "null"} default=${serial ? "serial" : (c.dflt_value ?? "none")}`;
      });
      const pk = cols
        .filter((c) => c.pk > 0)
        .sort((a, b) => a.pk - b.pk)
        .map((c) => c.name)
        .join(",");
      const indexes = (db.prepare(`PRAGMA index_list(${name})`).all() as Array<{ name: string; unique: number; origin: string }>)
        .filter((i) => i.origin !== "pk")
        .map((i) => {
          const on = (db.prepare(`PRAGMA index_info(${i.name})`).all() as Array<{ name: string }>).map((c) => c.name).join(",");
          // Indexes we name compare by name; those behind a UNIQUE constraint by their columns.
          return `${i.unique ? "unique" : "index"}(${on})${i.origin === "c" ? ` ${i.name}` : ""}`;
        })
        .sort();
      const fks = (db.prepare(`PRAGMA foreign_key_list(${name})`).all() as Array<{ table: string; from: string; to: string }>).map((f) => `${f.from}->${f.table}.${f.to}`).sort();
      out.tables[name] = { columns, pk, indexes, fks };
    }
    return out;
  } finally {
    db.close();
  }
}

async function postgresShape(c: pg.Client, schema: string): Promise<Shape> {
  const out: Shape = { tables: {} };
  const tables = (await c.query("SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name", [schema])).rows.map((r) => r.table_name as string);
  for (const name of tables) {
    const rel = `${schema}.${name}`;
    const cols = (
      await c.query("SELECT column_name, data_type, is_nullable, column_default FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position", [schema, name])
    ).rows as Array<{ column_name: string; data_type: string; is_nullable: string; column_default: string | null }>;
    const columns = cols.map((col) => {
      const d = col.column_default;
      const dflt = d === null ? "none" : d.startsWith("nextval(") ? "serial" : d.replace(/::\w+( \w+)*$/, "");
      return `${col.column_name} ${typeClass(col.data_type)} ${col.is_nullable === "NO" ? "not null" : "null"} default=${dflt}`;
    });
    const idx = (
      await c.query(
        `SELECT i.relname AS name, x.indisunique AS uniq, x.indisprimary AS pk, con.contype AS contype,
                array_to_string(array(SELECT a.attname FROM unnest(x.indkey) WITH ORDINALITY k(n, o)
                  JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.n ORDER BY k.o), ',') AS cols
           FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
           LEFT JOIN pg_constraint con ON con.conindid = x.indexrelid AND con.conrelid = x.indrelid
          WHERE x.indrelid = $1::regclass`,
        [rel],
      )
    ).rows as Array<{ name: string; uniq: boolean; pk: boolean; contype: string | null; cols: string }>;
    const pk = idx.find((i) => i.pk)?.cols ?? "";
    const indexes = idx
      .filter((i) => !i.pk)
      .map((i) => `${i.uniq ? "unique" : "index"}(${i.cols})${i.contype ? "" : ` ${i.name}`}`)
      .sort();
    const fks = (
      await c.query(
        `SELECT a.attname AS "from", cf.relname AS "table", af.attname AS "to"
           FROM pg_constraint k
           JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = k.conkey[1]
           JOIN pg_class cf ON cf.oid = k.confrelid
           JOIN pg_attribute af ON af.attrelid = k.confrelid AND af.attnum = k.confkey[1]
          WHERE k.conrelid = $1::regclass AND k.contype = 'f'`,
        [rel],
      )
    ).rows.map((f: { from: string; table: string; to: string }) => `${f.from}->${f.table}.${f.to}`);
    out.tables[name] = { columns, pk, indexes: indexes, fks: fks.sort() };
  }
  return out;
}

describe("migrations: SQLite and PostgreSQL schemas mean the same", () => {
  it.runIf(process.env.CASKIT_SKIP_PG !== "1")(`after every migration (version ${SCHEMA_VERSION})`, async () => {
    const file = join(tmp.dir, "parity.db");
    await (await openSqliteStore({ path: file, passphrase: "p" })).close();
    const schema = `caskit_parity_${process.pid}_${Date.now()}`;
    await (await openPostgresStore({ url: PG_URL, schema, passphrase: "p" })).close();
    const c = new pg.Client({ connectionString: PG_URL });
    await c.connect();
    try {
      const lite = sqliteShape(file);
      const post = await postgresShape(c, schema);
      expect(Object.keys(lite.tables)).toEqual(["access_keys", "audit_log", "cas", "certificates", "companies", "contacts", "crl_shard_crls", "crls", "nonces", "ocsp_config", "ocsp_responders", "ocsp_responses", "orders", "packages", "product_cas", "schema_migrations", "store_meta", "tenants", "throttle_windows"]);
      expect(post).toEqual(lite);
      // The comparison has teeth: the key columns and constraints are really there.
      expect(lite.tables.certificates?.indexes).toContain("unique(issuer_id,serial_number)");
      expect(lite.tables.certificates?.columns).toContain("key_enc bytes null default=none");
      expect(lite.tables.audit_log?.columns[0]).toBe("seq int not null default=serial");
    } finally {
      await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await c.end();
    }
  });
});
