/**
 * Partitioned CRLs in-process (docs/revocation.md, "Partitioned CRLs"), judged by OpenSSL:
 * - the builder's issuingDistributionPoint and the issuer's shard CDPs (RSA and P-256): `openssl verify
 *   -crl_check` says "certificate revoked" for a revoked certificate with its own shard, OK for a good one,
 *   and "different CRL scope" for a shard that does not cover the certificate; the full CRL (no IDP) covers all;
 * - the service on SQLite and PostgreSQL: shards re-signed only when a revocation touches them, one CRL
 *   number sequence per CA shared with the full CRL, changing N only for new certificates, refreshAllCrls.
 */
import { writeFileSync } from "node:fs";
import { AsnConvert } from "@peculiar/asn1-schema";
import { CertificateList, IssuingDistributionPoint, id_ce_issuingDistributionPoint } from "@peculiar/asn1-x509";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateKeyPair } from "../../src/crypto/keys.js";
import { createCsr, parseCsr } from "../../src/csr/index.js";
import { toPem } from "../../src/internal/pem.js";
import { Issuer, type IssueResult } from "../../src/issue/index.js";
import { crlShardOf, crlShardUrl, crlUrl } from "../../src/issue/urls.js";
import { buildCrl } from "../../src/revoke/index.js";
import { DEFAULT_TENANT, type ServiceContext, call, currentCrl, currentShardCrl } from "../../src/service/index.js";
import { refreshAllCrls } from "../../src/service/crl.js";
import type { Store } from "../../src/store/port.js";
import { openPostgresStore } from "../../src/store/postgres/index.js";
import { openSqliteStore } from "../../src/store/sqlite/index.js";
import { hierarchy } from "../helpers/fixtures.js";
import { openssl, opensslOrThrow, tempDir } from "../helpers/openssl.js";
import { ROOT_PARAMS, SUB_PARAMS } from "../helpers/service.js";
import { PG_URL, dropTestSchema } from "../helpers/pg.js";

const tmp = tempDir("caskit-crl-shards-");
afterAll(() => tmp.remove());
const BASE = "http://pki.example.test";

const file = (name: string, data: string | Uint8Array) => {
  writeFileSync(tmp.path(name), data);
  return tmp.path(name);
};
/** The CDP URIs of a certificate, as OpenSSL prints them. */
const cdpOf = (pem: string) => [...opensslOrThrow(["x509", "-noout", "-ext", "crlDistributionPoints"], { input: pem }).matchAll(/URI:(\S+)/g)].map((m) => m[1]);
const serialMod = (hex: string, n: number) => Number(BigInt(`0x${hex}`) % BigInt(n));
/** The IDP of a CRL, decoded with @peculiar/asn1-x509 (not caskit's encoder). */
function idpOf(der: Uint8Array): { critical: boolean; fullName?: string; onlyUser: boolean } | null {
  const crl = AsnConvert.parse(der, CertificateList);
  const ext = crl.tbsCertList.crlExtensions?.find((e) => e.extnID === id_ce_issuingDistributionPoint);
  if (!ext) return null;
  const idp = AsnConvert.parse(ext.extnValue, IssuingDistributionPoint);
  return { critical: ext.critical, fullName: idp.distributionPoint?.fullName?.[0]?.uniformResourceIdentifier, onlyUser: idp.onlyContainsUserCerts };
}

describe("crlShardOf and crlShardUrl", () => {
  it("is the serial modulo N, for any serial and N", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 20 }), fc.integer({ min: 1, max: 256 }), (bytes, n) => {
        const hex = Buffer.from(bytes).toString("hex");
        expect(crlShardOf(bytes, n)).toBe(serialMod(hex, n));
      }),
    );
    expect(crlShardUrl("https://pki.example.com", "abc", 7)).toBe("https://pki.example.com/crl/abc/7.crl");
  });
});

for (const algorithm of ["RSA_2048", "ECC_256"]) {
  describe(`shard CRLs judged by openssl verify (${algorithm})`, () => {
    let issuer: Issuer;
    let chain: { root: string; sub: string };
    const leaves: IssueResult[] = [];
    let csr: ReturnType<typeof parseCsr>;
    beforeAll(async () => {
      const h = await hierarchy(algorithm);
      issuer = Issuer.prepare(h.sub, { crlBaseUrl: BASE });
      chain = { root: file(`${algorithm}-root.pem`, h.root.certificatePem), sub: file(`${algorithm}-sub.pem`, h.sub.certificatePem) };
      csr = parseCsr(createCsr({ key: await generateKeyPair(algorithm), subject: { commonName: "shard.example.com" } }).pem);
      for (let i = 0; i < 16; i++) leaves.push(issuer.serverFromCsr(csr, { days: 30, enableCrl: true, crlShards: 4 }));
    }, 60_000);

    it("each certificate's CDP names its shard, serial mod N; without shards, the full CRL; without enableCrl, none", () => {
      for (const l of leaves) {
        const shard = serialMod(l.serialNumber, 4);
        expect(l.crlShard).toBe(shard);
        expect(cdpOf(l.certificatePem)).toEqual([crlShardUrl(BASE, issuer.ca.identifier, shard)]);
      }
      expect(new Set(leaves.map((l) => l.crlShard)).size).toBeGreaterThan(1);
      const csrLess = issuer.serverFromCsr(csr, { days: 1, enableCrl: true, crlShards: 0 });
      expect(csrLess.crlShard).toBeUndefined();
      expect(cdpOf(csrLess.certificatePem)).toEqual([crlUrl(BASE, issuer.ca.identifier)]);
    });

    it("revoked with its own shard: certificate revoked; a good one in that shard: OK; another shard: different CRL scope; the full CRL: revoked", () => {
      const revoked = leaves[0] as IssueResult;
      const own = revoked.crlShard as number;
      const good = leaves.find((l) => l !== revoked && l.crlShard === own);
      const other = (own + 1) % 4;
      const shardCrl = (k: number, entries: IssueResult[]) =>
        buildCrl({
          issuer: issuer.crlSigner,
          entries: entries.map((l) => ({ serial: l.serialNumber, revokedAt: new Date(), reason: "keyCompromise" as const })),
          crlNumber: 10 + k,
          thisUpdate: new Date(Date.now() - 60_000),
          nextUpdate: new Date(Date.now() + 86_400_000),
          issuingDistributionPoint: { fullName: crlShardUrl(BASE, issuer.ca.identifier, k), onlyContainsUserCerts: true },
        });
      const ownCrl = shardCrl(own, [revoked]);
      // The other shard lists the revoked serial too: OpenSSL must refuse it for scope, not for content.
      const otherCrl = shardCrl(other, [revoked]);
      const full = buildCrl({ issuer: issuer.crlSigner, entries: [{ serial: revoked.serialNumber, revokedAt: new Date() }], crlNumber: 20, thisUpdate: new Date(Date.now() - 60_000), nextUpdate: new Date(Date.now() + 86_400_000) });
      const verify = (leaf: IssueResult, crlPem: string, tag: string) => {
        const r = openssl(["verify", "-crl_check", "-CAfile", chain.root, "-untrusted", chain.sub, "-CRLfile", file(`${algorithm}-${tag}.crl.pem`, crlPem), file(`${algorithm}-${tag}.leaf.pem`, leaf.certificatePem)]);
        return { ok: r.ok, out: r.stdout + r.stderr };
      };
      const a = verify(revoked, ownCrl.pem, "own");
      expect(a.ok).toBe(false);
      expect(a.out).toContain("error 23 at 0 depth lookup: certificate revoked");
      if (good) expect(verify(good, ownCrl.pem, "good")).toMatchObject({ ok: true });
      const b = verify(revoked, otherCrl.pem, "other");
      expect(b.ok).toBe(false);
      expect(b.out).toContain("error 44 at 0 depth lookup: different CRL scope");
      expect(b.out).not.toContain("certificate revoked");
      const c = verify(revoked, full.pem, "full");
      expect(c.out).toContain("certificate revoked");
      // The full CRL is taken even beside a shard that does not cover the certificate.
      expect(verify(revoked, full.pem + otherCrl.pem, "both").out).toContain("certificate revoked");
    });

    it("openssl crl -text shows the critical IDP with exactly the certificate's CDP; the full CRL has none", () => {
      const l = leaves[1] as IssueResult;
      const url = cdpOf(l.certificatePem)[0] as string;
      const crl = buildCrl({ issuer: issuer.crlSigner, entries: [], crlNumber: 1, thisUpdate: new Date(), nextUpdate: new Date(Date.now() + 3_600_000), issuingDistributionPoint: { fullName: url, onlyContainsUserCerts: true } });
      const text = opensslOrThrow(["crl", "-noout", "-text"], { input: crl.pem });
      expect(text).toContain("X509v3 Issuing Distribution Point: critical");
      expect(text).toContain(`URI:${url}`);
      expect(text).toContain("Only User Certificates");
      expect(idpOf(crl.der)).toEqual({ critical: true, fullName: url, onlyUser: true });
      const full = buildCrl({ issuer: issuer.crlSigner, entries: [], crlNumber: 2, thisUpdate: new Date(), nextUpdate: new Date(Date.now() + 3_600_000) });
      expect(opensslOrThrow(["crl", "-noout", "-text"], { input: full.pem })).not.toContain("Issuing Distribution Point");
      expect(idpOf(full.der)).toBeNull();
    });
  });
}

describe("builder and issuer refusals", () => {
  it("buildCrl refuses an IDP URI that is not ASCII; the issuer refuses a shard count out of range", async () => {
    const h = await hierarchy("ECC_256");
    const issuer = Issuer.prepare(h.sub, { crlBaseUrl: BASE });
    expect(() => buildCrl({ issuer: issuer.crlSigner, entries: [], crlNumber: 1, thisUpdate: new Date(), nextUpdate: new Date(Date.now() + 1000), issuingDistributionPoint: { fullName: "http://ü.example/0.crl" } })).toThrow(
      /issuingDistributionPoint/,
    );
    const csr = parseCsr(createCsr({ key: await generateKeyPair("ECC_256"), subject: { commonName: "r.example.com" } }).pem);
    expect(() => issuer.serverFromCsr(csr, { days: 1, enableCrl: true, crlShards: 257 })).toThrow(/crlShards/);
    expect(cdpOf(issuer.serverFromCsr(csr, { days: 1, enableCrl: false, crlShards: 4 }).certificatePem)).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------------
// The service, on both stores

type StoreName = "SQLite" | "PostgreSQL";
const STORES: StoreName[] = process.env.CASKIT_SKIP_PG === "1" ? ["SQLite"] : ["SQLite", "PostgreSQL"];

for (const storeName of STORES) {
  describe(`the service keeps shard CRLs (${storeName})`, () => {
    let store: Store;
    let ctx: ServiceContext;
    let clock = new Date("2027-05-01T00:00:00Z");
    let subId = "";
    let csr = "";
    const schema = `caskit_crlshards_${process.pid}_${Date.now()}`;
    const svc = (action: string, p: Record<string, unknown>) => call(ctx, action, p) as Promise<Record<string, any>>;
    const shardOf = (tx: Parameters<Parameters<Store["transaction"]>[0]>[0], k: number) => tx.cas.get(DEFAULT_TENANT, subId).then((ca) => currentShardCrl(ctx, tx, ca!, k));
    const listed = (der: Uint8Array) => [...opensslOrThrow(["crl", "-noout", "-text"], { input: toPem("X509 CRL", der) }).matchAll(/Serial Number: ([0-9A-F]+)/g)].map((m) => (m[1] as string).toLowerCase());
    const states = () => store.transaction((tx) => tx.crlShards.states(subId));
    const issue = async () => (await svc("CreateServerCertificateWithCsr", { ParentIdentifier: subId, Csr: csr, Days: 30, Immediately: 1 })) as { Identifier: string; SerialNumber: string; X509Certificate: string };

    beforeAll(async () => {
      store = storeName === "SQLite" ? await openSqliteStore({ path: tmp.path(`svc-${Date.now()}.db`), passphrase: "shards" }) : await openPostgresStore({ url: PG_URL, schema, passphrase: "shards" });
      await store.transaction((tx) => tx.tenants.create({ id: DEFAULT_TENANT, name: "default", createdAt: new Date() }));
      ctx = { store, tenantId: DEFAULT_TENANT, actor: "test", now: () => clock, config: { crlBaseUrl: BASE, defaultCrlDays: 7 } };
      const root = await svc("CreateRootCACertificate", ROOT_PARAMS);
      subId = (await svc("CreateSubCACertificate", { ...SUB_PARAMS, ParentIdentifier: root.Identifier, CrlDay: 2 })).Identifier;
      csr = createCsr({ key: await generateKeyPair("ECC_256"), subject: { commonName: "svc-shard.example.com" } }).pem;
    }, 60_000);
    afterAll(async () => {
      await store?.close();
      if (storeName === "PostgreSQL") {
        await dropTestSchema(schema);
      }
    });

    it("without shards: no shard CRL and the CDP is the full CRL's", async () => {
      const l = await issue();
      expect(cdpOf(l.X509Certificate)).toEqual([crlUrl(BASE, subId)]);
      expect(await store.transaction((tx) => shardOf(tx, 0))).toBeNull();
      expect(await refreshAllCrls(store, ctx.config, () => clock)).toContain(subId);
      expect(await states()).toEqual([]);
    });

    it("with 4 shards: new certificates name shard serial mod 4; a revocation re-signs its own shard only, numbered after the full CRL", async () => {
      await store.transaction((tx) => tx.crlShards.setCount(subId, 4));
      const ls = [] as Awaited<ReturnType<typeof issue>>[];
      for (let i = 0; i < 8; i++) ls.push(await issue());
      for (const l of ls) expect(cdpOf(l.X509Certificate)).toEqual([crlShardUrl(BASE, subId, serialMod(l.SerialNumber, 4))]);
      clock = new Date(clock.getTime() + 1000);
      expect(await refreshAllCrls(store, ctx.config, () => clock)).toEqual([subId]);
      const first = await states();
      expect(first.map((s) => s.shard)).toEqual([0, 1, 2, 3]);
      const fullNo = (await store.transaction((tx) => tx.crls.latest(subId)))?.crlNumber as bigint;
      // One sequence per CA: every number distinct.
      expect(new Set([...first.map((s) => s.crlNumber), fullNo]).size).toBe(5);
      expect(await refreshAllCrls(store, ctx.config, () => clock)).toEqual([]);

      const victim = ls[0] as (typeof ls)[number];
      const k = serialMod(victim.SerialNumber, 4);
      clock = new Date(clock.getTime() + 1000);
      await svc("CreateRevokeClientCertificate", { Identifier: victim.Identifier, Reason: "keyCompromise" });
      expect(await refreshAllCrls(store, ctx.config, () => clock)).toEqual([subId]);
      const second = await states();
      const maxBefore = [...first.map((s) => s.crlNumber), fullNo].reduce((a, b) => (a > b ? a : b));
      const full = await store.transaction((tx) => tx.crls.latest(subId));
      for (const s of second) {
        const was = first.find((f) => f.shard === s.shard);
        if (s.shard === k) expect(s.crlNumber > (full?.crlNumber as bigint) && (full?.crlNumber as bigint) > maxBefore).toBe(true);
        else expect(s.crlNumber).toBe(was?.crlNumber); // untouched: not re-signed…
        expect(s.revocationSeq).toBe((await store.transaction((tx) => tx.cas.get(DEFAULT_TENANT, subId)))?.revocationSeq); // …but covering the counter
      }
      const own = await store.transaction((tx) => shardOf(tx, k));
      expect(listed(own?.der as Uint8Array)).toEqual([victim.SerialNumber]);
      expect(idpOf(own?.der as Uint8Array)).toEqual({ critical: true, fullName: crlShardUrl(BASE, subId, k), onlyUser: true });
      for (const s of [0, 1, 2, 3].filter((x) => x !== k)) expect(listed((await store.transaction((tx) => shardOf(tx, s)))?.der as Uint8Array)).toEqual([]);
      expect(listed(full?.der as Uint8Array)).toContain(victim.SerialNumber);
      expect(idpOf(full?.der as Uint8Array)).toBeNull();
    });

    it("lowering N to 2: new certificates use 2 shards, older ones keep shards 2 and 3, which stay published and list their revocations", async () => {
      const olderOn3 = await (async () => {
        for (;;) {
          const l = await issue();
          if (serialMod(l.SerialNumber, 4) >= 2) return l;
        }
      })();
      const set = await store.transaction((tx) => tx.crlShards.setCount(subId, 2));
      expect(set).toEqual({ count: 2, high: 4 });
      for (let i = 0; i < 4; i++) {
        const l = await issue();
        expect(cdpOf(l.X509Certificate)).toEqual([crlShardUrl(BASE, subId, serialMod(l.SerialNumber, 2))]);
      }
      const k = serialMod(olderOn3.SerialNumber, 4);
      expect(cdpOf(olderOn3.X509Certificate)).toEqual([crlShardUrl(BASE, subId, k)]);
      clock = new Date(clock.getTime() + 1000);
      await svc("CreateRevokeClientCertificate", { Identifier: olderOn3.Identifier });
      const crl = await store.transaction((tx) => shardOf(tx, k));
      expect(listed(crl?.der as Uint8Array)).toContain(olderOn3.SerialNumber);
      expect(await store.transaction((tx) => shardOf(tx, 4))).toBeNull();
      // Setting 0: new certificates name the full CRL again; every shard ever used is still kept.
      expect(await store.transaction((tx) => tx.crlShards.setCount(subId, 0))).toEqual({ count: 0, high: 4 });
      const plain = await issue();
      expect(cdpOf(plain.X509Certificate)).toEqual([crlUrl(BASE, subId)]);
      expect((await store.transaction((tx) => shardOf(tx, 3)))?.der.length).toBeGreaterThan(0);
    });

    it("a shard is re-signed once half its validity has passed, before nextUpdate", async () => {
      const before = await states();
      clock = new Date(clock.getTime() + 86_400_000 + 1000); // CrlDay 2: half is one day
      expect(await refreshAllCrls(store, ctx.config, () => clock)).toContain(subId);
      const after = await states();
      for (const s of after) {
        const was = before.find((b) => b.shard === s.shard) as (typeof before)[number];
        expect(s.crlNumber > was.crlNumber).toBe(true);
        expect(s.nextUpdate.getTime()).toBe(s.thisUpdate.getTime() + 2 * 86_400_000);
        expect(clock.getTime()).toBeLessThan(was.nextUpdate.getTime());
      }
      // The full CRL was re-signed in the same pass, first, from the same sequence: below every shard, above every earlier number.
      const full = await store.transaction(async (tx) => currentCrl(ctx, tx, (await tx.cas.get(DEFAULT_TENANT, subId))!));
      for (const s of after) expect(full.crlNumber < s.crlNumber).toBe(true);
      for (const b of before) expect(full.crlNumber > b.crlNumber).toBe(true);
    });
  });
}
