/**
 * The two stores side by side (issue 12, "PostgreSQL at SQLite's pace"), through the service actions
 * exactly as `serve` runs them (`call(ctx, action, params)`: parameters, the CSR check, the store
 * transaction with its audit row, durable before the promise settles), with no HTTP in the way:
 *
 * - SQLite: a file in a mktemp dir, opened with `openStore` (the product's settings: WAL synced before
 *   an answer, group commit).
 * - PostgreSQL: CASKIT_BENCH_PG_URL, else CASKIT_TEST_PG_URL, else postgres://postgres@127.0.0.1:5432/test,
 *   in a schema of its own dropped at the end; opened with `openStore` (the product's pool and
 *   statements). Skipped, saying so, when no server answers.
 * - CreateServerCertificateWithCsr (P-256, 16 CSRs reused) with 32 and with 1 in flight, and
 *   DescribeClientCertificate with 32 in flight; each measured in alternating rounds (SQLite, PostgreSQL,
 *   …; a warm-up pair discarded, medians), so load from elsewhere on the machine lands on both alike.
 * - The row ratio is PostgreSQL over SQLite (target >= 0.8 for issuance); then the service-level rate
 *   against the store-level one (one `tx.certificates.insert` per transaction, 32 in flight, on the same
 *   SQLite store: what the service adds over storing a row — target within 1.5×), and issuance against
 *   raw P-256 signing.
 *
 * Run alone: `npx tsx benchmarks/engines.bench.ts` (about 40 s).
 */
import { randomBytes, sign } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import pg from "pg";
import { generateKeyPair } from "../src/crypto/keys.js";
import { createCsr } from "../src/csr/index.js";
import { DEFAULT_TENANT, type ServiceContext, call } from "../src/service/index.js";
import { openStore } from "../src/store/open.js";
import type { CertificateRecord, Store } from "../src/store/port.js";
import { type BenchRow, alternate, formatTable, measureRate, row } from "./harness.js";

const PASSPHRASE = "caskit-engines-bench";
const ROUNDS = 5;
const ROUND_MS = 1500;
const DOMAIN = "www.engines.example.test";
const log = (s: string) => process.stderr.write(`  engines: ${s}\n`);

export const benchPgUrl = (): string => process.env.CASKIT_BENCH_PG_URL ?? process.env.CASKIT_TEST_PG_URL ?? "postgres://postgres@127.0.0.1:5432/test";

/** Whether a PostgreSQL server answers at `url` (2 s). */
export async function pgAnswers(url: string): Promise<boolean> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await c.connect();
    await c.query("SELECT 1");
    return true;
  } catch {
    return false;
  } finally {
    await c.end().catch(() => undefined);
  }
}

/** Drops a bench schema (best effort). */
export async function dropSchema(url: string, schema: string): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  try {
    await c.connect();
    await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await c.end().catch(() => undefined);
  }
}

interface Side {
  store: Store;
  ctx: ServiceContext;
  subId: string;
}

async function prepare(store: Store): Promise<Side> {
  const ctx: ServiceContext = { store, tenantId: DEFAULT_TENANT, actor: "bench", now: () => new Date(), config: { defaultCrlDays: 7 } };
  await store.transaction((tx) => tx.tenants.create({ id: DEFAULT_TENANT, name: "default", createdAt: new Date() }));
  const root = (await call(ctx, "CreateRootCACertificate", { CommonName: "Engines Bench Root", Organization: "caskit", Algorithm: "ECC_256", Years: 10 })) as { Identifier: string };
  const sub = (await call(ctx, "CreateSubCACertificate", { ParentIdentifier: root.Identifier, CommonName: "Engines Bench CA", Organization: "caskit", Algorithm: "ECC_256", Years: 5 })) as { Identifier: string };
  return { store, ctx, subId: sub.Identifier };
}

export async function runEnginesBench(): Promise<BenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), "caskit-bench-engines-"));
  const url = benchPgUrl();
  const schema = `bench_engines_${randomBytes(4).toString("hex")}`;
  const stores: Store[] = [];
  try {
    const csrs = await Promise.all(Array.from({ length: 16 }, async () => createCsr({ key: await generateKeyPair("ECC_256"), subject: { commonName: DOMAIN } }).pem));
    const lite = await prepare(await openStore(join(dir, "engines.db"), { passphrase: PASSPHRASE }));
    stores.push(lite.store);
    if (!(await pgAnswers(url))) {
      log(`no PostgreSQL answers at ${url.replace(/\/\/[^@/]*@/, "//…@")}: the suite measures nothing`);
      throw new Error("no PostgreSQL server (set CASKIT_BENCH_PG_URL)");
    }
    const pgSide = await prepare(await openStore(url, { passphrase: PASSPHRASE, schema }));
    stores.push(pgSide.store);

    const issued: Record<string, string[]> = { sqlite: [], postgres: [] };
    const issue = (s: Side, name: string) => {
      let k = 0;
      return async () => {
        const r = (await call(s.ctx, "CreateServerCertificateWithCsr", { ParentIdentifier: s.subId, Csr: csrs[k++ % csrs.length], Domain: DOMAIN, Days: 90, Immediately: 1 })) as { Identifier: string };
        issued[name]?.push(r.Identifier);
      };
    };
    const describe = (s: Side, name: string) => async () => {
      const ids = issued[name] as string[];
      const id = ids[Math.floor(Math.random() * ids.length)] as string;
      const r = (await call(s.ctx, "DescribeClientCertificate", { Identifier: id })) as { Certificate: { Identifier: string } };
      if (r.Certificate.Identifier !== id) throw new Error(`DescribeClientCertificate ${id} answered ${r.Certificate.Identifier}`);
    };

    const [lite32, pg32] = await alternate(issue(lite, "sqlite"), issue(pgSide, "postgres"), 32, ROUNDS, ROUND_MS);
    log(`issuance, 32 in flight: SQLite ${lite32.toFixed(0)}/s, PostgreSQL ${pg32.toFixed(0)}/s`);
    const [lite1, pg1] = await alternate(issue(lite, "sqlite"), issue(pgSide, "postgres"), 1, ROUNDS, ROUND_MS / 2);
    log(`issuance, 1 in flight: SQLite ${lite1.toFixed(0)}/s, PostgreSQL ${pg1.toFixed(0)}/s`);
    const [liteD, pgD] = await alternate(describe(lite, "sqlite"), describe(pgSide, "postgres"), 32, ROUNDS, ROUND_MS / 2);
    log(`DescribeClientCertificate, 32 in flight: SQLite ${liteD.toFixed(0)}/s, PostgreSQL ${pgD.toFixed(0)}/s`);

    // The store-level rate on the same SQLite store: one stored row per transaction, nothing else.
    const storeOnly = async (s: Store, name: string) => {
      const template = await s.read(async (tx) => (await tx.certificates.get(DEFAULT_TENANT, issued[name]?.[0] as string)) as CertificateRecord);
      return async () => {
        const id = randomBytes(16).toString("hex");
        await s.transaction((tx) => tx.certificates.insert({ ...template, id, serialNumber: randomBytes(16).toString("hex"), keyPkcs8: null }));
      };
    };
    const [liteStore, pgStore] = await alternate(await storeOnly(lite.store, "sqlite"), await storeOnly(pgSide.store, "postgres"), 32, ROUNDS, ROUND_MS / 2);
    log(`store-level inserts, 32 in flight: SQLite ${liteStore.toFixed(0)}/s, PostgreSQL ${pgStore.toFixed(0)}/s`);

    const key = (await generateKeyPair("ECC_256")).privateKey;
    const tbs = new Uint8Array(600);
    const rawSign = measureRate(() => sign("sha256", tbs, { key, dsaEncoding: "der" }));
    return [
      row("engines: issuance 32 in flight, PostgreSQL vs SQLite (target >= 0.8)", "certs/s", pg32, "SQLite certs/s", lite32),
      row("engines: issuance 1 in flight, PostgreSQL vs SQLite", "certs/s", pg1, "SQLite certs/s", lite1),
      row("engines: DescribeClientCertificate 32 in flight, PostgreSQL vs SQLite", "req/s", pgD, "SQLite req/s", liteD),
      row("engines: store-level insert 32 in flight, PostgreSQL vs SQLite", "rows/s", pgStore, "SQLite rows/s", liteStore),
      row("engines: SQLite service-level vs store-level issuance (target >= 0.67)", "certs/s", lite32, "store-level rows/s", liteStore),
      row("engines: PostgreSQL service-level vs store-level issuance (target >= 0.67)", "certs/s", pg32, "store-level rows/s", pgStore),
      row("engines: SQLite issuance vs raw signing", "certs/s", lite32, "crypto.sign P-256", rawSign),
      row("engines: PostgreSQL issuance vs raw signing", "certs/s", pg32, "crypto.sign P-256", rawSign),
    ];
  } finally {
    for (const s of stores) await s.close().catch(() => undefined);
    await dropSchema(url, schema).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  console.log(formatTable(await runEnginesBench()));
}
