/**
 * CRL freshness under concurrency, on PostgreSQL (READ COMMITTED, several connections): a revocation
 * whose transaction is still open while a rebuild runs must reach a CRL as soon as it commits. Judged
 * by the CRL bytes (OpenSSL reads them back).
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateKeyPair } from "../../src/crypto/keys.js";
import { createCsr } from "../../src/csr/index.js";
import { toPem } from "../../src/internal/pem.js";
import { DEFAULT_TENANT, type ServiceContext, call, currentCrl } from "../../src/service/index.js";
import type { Store } from "../../src/store/port.js";
import { openPostgresStore } from "../../src/store/postgres/index.js";
import { openssl } from "../helpers/openssl.js";
import { ROOT_PARAMS, SUB_PARAMS } from "../helpers/service.js";

const PG_URL = process.env.CASKIT_TEST_PG_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const schema = `caskit_crlrace_${process.pid}_${Date.now()}`;
let store: Store;
let ctx: ServiceContext;
let subId = "";
let csr = "";

beforeAll(async () => {
  store = await openPostgresStore({ url: PG_URL, schema, passphrase: "crl race" });
  await store.transaction((tx) => tx.tenants.create({ id: DEFAULT_TENANT, name: "default", createdAt: new Date() }));
  ctx = { store, tenantId: DEFAULT_TENANT, actor: "test", now: () => new Date(), config: { crlBaseUrl: "http://127.0.0.1:8080", defaultCrlDays: 7 } };
  const root = (await call(ctx, "CreateRootCACertificate", ROOT_PARAMS)) as { Identifier: string };
  subId = ((await call(ctx, "CreateSubCACertificate", { ...SUB_PARAMS, ParentIdentifier: root.Identifier })) as { Identifier: string }).Identifier;
  csr = createCsr({ key: await generateKeyPair("ECC_256"), subject: { commonName: "race.example.com" } }).pem;
});
afterAll(async () => {
  await store?.close();
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await c.end();
});

const serialsOn = (der: Uint8Array) => openssl(["crl", "-inform", "PEM", "-noout", "-text"], { input: toPem("X509 CRL", der) }).stdout.toUpperCase();

describe("a revocation committed during a rebuild (PostgreSQL)", () => {
  it("is on the next CRL served, even though it was stamped before the rebuild's build time", async () => {
    const leaf = (await call(ctx, "CreateServerCertificateWithCsr", { ParentIdentifier: subId, Csr: csr, Days: 30, Immediately: 1 })) as { Identifier: string; SerialNumber: string };
    await store.transaction(async (tx) => currentCrl(ctx, tx, (await tx.cas.get(DEFAULT_TENANT, subId))!)); // a CRL exists
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    let revoked!: () => void;
    const revokedYet = new Promise<void>((r) => {
      revoked = r;
    });
    // The revoker: revokes (stamped now), then holds its transaction open.
    const revoker = store.transaction(async (tx) => {
      expect(await tx.certificates.revoke(leaf.Identifier, new Date(), "keyCompromise")).toBe(true);
      revoked();
      await gate;
    });
    await revokedYet;
    // A rebuild forced meanwhile (half its validity gone, say): it must not settle on a CRL without the revocation.
    const later = { ...ctx, now: () => new Date(Date.now() + 5 * 86_400_000) };
    const rebuild = store.transaction(async (tx) => currentCrl(later, tx, (await tx.cas.get(DEFAULT_TENANT, subId))!));
    await new Promise((r) => setTimeout(r, 300));
    release();
    await revoker;
    await rebuild;
    const served = await store.transaction(async (tx) => currentCrl(later, tx, (await tx.cas.get(DEFAULT_TENANT, subId))!));
    expect(serialsOn(served.der)).toContain(leaf.SerialNumber.toUpperCase());
  });
});
