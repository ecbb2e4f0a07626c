/**
 * One contract suite for every Store adapter, run by sqlite.test.ts and postgres.test.ts
 * against real databases. The adapter gives `open` (with a passphrase) and a few raw views that bypass
 * the store (raw SQL, query plans), which the at-rest and index checks need.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { StoreError } from "../../src/store/errors.js";
import type { CaRecord, CertificateRecord, Store, StoreTx } from "../../src/store/port.js";
import { MIGRATIONS } from "../../src/store/migrations/index.js";

/** Every migration version this code knows, in order (each must be recorded once applied). */
const VERSIONS = MIGRATIONS.sqlite.map((m) => m.version);

/** What an adapter's test file supplies to {@link runStoreContract}. */
export interface ContractHooks {
  /** Opens the store under test (always the same database) with this passphrase. */
  open(passphrase: string | undefined, options?: { devInsecure?: boolean }): Promise<Store>;
  /** Runs SQL on a separate connection, bypassing the store (at-rest checks, tampering, triggers). */
  raw(sql: string): Promise<Array<Record<string, unknown>>>;
  /** The planner's plan for a SELECT, as text (index checks). */
  plan(sql: string): Promise<string>;
  cleanup(): Promise<void>;
}

const now = new Date("2026-11-22T00:00:00Z");
const PASS = "contract passphrase";
/** A stand-in for PKCS#8 DER: random, so any plaintext leak is recognisable. */
const KEY = new Uint8Array(randomBytes(121));
const LEAF_KEY = new Uint8Array(randomBytes(138));
export const serial = (): string => `4${randomBytes(16).toString("hex").slice(1)}`;

export function caRecord(id: string, over: Partial<CaRecord> = {}): CaRecord {
  return {
    id,
    tenantId: "t1",
    parentId: null,
    kind: "ROOT",
    status: "ISSUE",
    certificatePem: `-----BEGIN CERTIFICATE-----\n${id}\n-----END CERTIFICATE-----\n`,
    chainPem: "",
    keyPkcs8: KEY,
    subject: { commonName: `CA ${id}` },
    serialNumber: serial(),
    algorithm: "ECC_256",
    keySize: 256,
    signAlgorithm: "SHA256WITHECDSA",
    notBefore: now,
    notAfter: new Date(now.getTime() + 86_400_000 * 365),
    years: 1,
    pathLen: null,
    crlEnabled: true,
    crlDays: 7,
    createdAt: now,
    revokedAt: null,
    revokeReason: null,
    revocationSeq: 0,
    ...over,
  };
}

export function certRecord(id: string, issuerId: string, over: Partial<CertificateRecord> = {}): CertificateRecord {
  return {
    id,
    tenantId: "t1",
    issuerId,
    serialNumber: serial(),
    certificateType: "SERVER",
    status: "ISSUE",
    certificatePem: "pem",
    subject: { commonName: `${id}.example.com` },
    sans: [{ type: "dns", value: `${id}.example.com` }],
    notBefore: now,
    notAfter: new Date(now.getTime() + 86_400_000),
    algorithm: "ECC",
    keySize: 256,
    signAlgorithm: "SHA256WITHECDSA",
    sha256: "00",
    keyPkcs8: null,
    tags: [],
    createdAt: now,
    revokedAt: null,
    revokeReason: null,
    ...over,
  };
}

const same = (a: Uint8Array | null | undefined, b: Uint8Array): boolean => !!a && Buffer.from(a).equals(Buffer.from(b));

/** Runs the whole contract against one adapter. */
export function runStoreContract(name: string, hooks: ContractHooks): void {
  describe(`Store contract: ${name}`, () => {
    let store: Store;
    const tx = <T>(fn: (t: StoreTx) => Promise<T>): Promise<T> => store.transaction(fn);
    const revokedSerials = async (caId: string, pageSize: number): Promise<{ serials: string[]; pages: number }> => {
      const serials: string[] = [];
      let after = "";
      let pages = 0;
      for (;;) {
        const page = await tx((t) => t.certificates.revokedPage(caId, after, pageSize));
        if (!page.length) break;
        pages++;
        expect(page.length).toBeLessThanOrEqual(pageSize);
        serials.push(...page.map((p) => p.serialNumber));
        after = page[page.length - 1]?.serialNumber as string;
      }
      return { serials, pages };
    };

    beforeAll(async () => {
      store = await hooks.open(PASS);
      await tx(async (t) => {
        await t.tenants.create({ id: "t1", name: "tenant one", createdAt: now });
        await t.tenants.create({ id: "t2", name: "tenant two", createdAt: now });
        await t.cas.insert(caRecord("root1"));
        await t.cas.insert(caRecord("sub1", { kind: "SUB_ROOT", parentId: "root1" }));
        await t.cas.insert(caRecord("other", { tenantId: "t2" }));
      });
    });
    afterAll(async () => {
      await store?.close();
      await hooks.cleanup();
    });

    describe("migrations", () => {
      it("records every applied version in schema_migrations", async () => {
        const rows = await hooks.raw("SELECT version FROM schema_migrations ORDER BY version");
        expect(rows.map((r) => Number(r.version))).toEqual(VERSIONS);
      });

      it("applies only what is missing when reopened (upgrade from version 1)", async () => {
        await store.close();
        // Undo migrations 4, 3 and 2 by hand: the schema as version 1 left it.
        const undo = [
          "DELETE FROM schema_migrations WHERE version = 6",
          "DROP TABLE nonces",
          "DELETE FROM schema_migrations WHERE version = 4",
          "DROP INDEX certificates_revoked",
          "DROP INDEX certificates_revoked_at",
          "CREATE INDEX certificates_revoked ON certificates (issuer_id, status, serial_number)",
          "DELETE FROM schema_migrations WHERE version = 3",
          "DROP INDEX cas_parent",
          "DROP INDEX certificates_tenant_order",
          "CREATE INDEX certificates_tenant ON certificates (tenant_id, created_at)",
          "DROP INDEX cas_tenant_order",
          "CREATE INDEX cas_tenant ON cas (tenant_id, created_at)",
          ...(store.kind === "postgres" ? ["DROP TRIGGER audit_no_truncate ON audit_log"] : []),
          "DELETE FROM schema_migrations WHERE version = 2",
        ];
        for (const sql of undo) await hooks.raw(sql);
        expect(await hooks.plan("SELECT MAX(revoked_at) FROM certificates WHERE issuer_id = 'sub1' AND status = 'REVOKE'")).not.toMatch(/certificates_revoked_at/);
        store = await hooks.open(PASS);
        expect((await hooks.raw("SELECT version FROM schema_migrations ORDER BY version")).map((r) => Number(r.version))).toEqual(VERSIONS);
        const indexNamed = (name: string) =>
          hooks.raw(store.kind === "postgres" ? `SELECT indexname FROM pg_indexes WHERE indexname = '${name}' AND schemaname = current_schema()` : `SELECT name FROM sqlite_master WHERE type = 'index' AND name = '${name}'`);
        expect(await indexNamed("certificates_revoked_at")).toHaveLength(1);
        expect(await hooks.plan("SELECT serial_number FROM certificates WHERE issuer_id = 'sub1' AND status = 'REVOKE' AND serial_number > '' ORDER BY serial_number LIMIT 5")).toMatch(/certificates_revoked\b/);
        // Data written before the upgrade is intact.
        expect((await tx((t) => t.cas.get("t1", "sub1")))?.parentId).toBe("root1");
      });

      it("refuses a store whose schema is newer than this code (migration)", async () => {
        await hooks.raw("INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', 0)");
        try {
          const err = await hooks.open(PASS).catch((e: unknown) => e);
          expect(err).toBeInstanceOf(StoreError);
          expect(err).toMatchObject({ code: "migration" });
          expect((err as Error).message).toMatch(/999/);
        } finally {
          await hooks.raw("DELETE FROM schema_migrations WHERE version = 999");
        }
      });
    });

    describe("tenants and access keys", () => {
      it("reads tenants back; an unknown id is null", async () => {
        expect(await tx((t) => t.tenants.get("t1"))).toEqual({ id: "t1", name: "tenant one", createdAt: now });
        expect(await tx((t) => t.tenants.get("nope"))).toBeNull();
      });

      it("a repeated tenant id is a conflict", async () => {
        const err = await tx((t) => t.tenants.create({ id: "t1", name: "again", createdAt: now })).catch((e: unknown) => e);
        expect(err).toMatchObject({ name: "StoreError", code: "conflict" });
      });

      it("stores the secret encrypted, reads it back, lists per tenant, toggles status", async () => {
        await tx(async (t) => {
          await t.accessKeys.create({ id: "AK1", tenantId: "t1", secret: "s3cr3t-value-xyz", status: "enabled", createdAt: now });
          await t.accessKeys.create({ id: "AK2", tenantId: "t2", secret: "other-secret-abc", status: "enabled", createdAt: now });
        });
        expect(await tx((t) => t.accessKeys.get("AK1"))).toEqual({ id: "AK1", tenantId: "t1", secret: "s3cr3t-value-xyz", status: "enabled", createdAt: now });
        expect(await tx((t) => t.accessKeys.get("AK-unknown"))).toBeNull();
        const raw = await hooks.raw("SELECT id, secret_enc FROM access_keys");
        expect(raw).toHaveLength(2);
        for (const r of raw) {
          const b = Buffer.from(r.secret_enc as Uint8Array);
          expect(b.includes(Buffer.from("s3cr3t"))).toBe(false);
          expect(b.includes(Buffer.from("other-secret"))).toBe(false);
        }
        expect(await tx((t) => t.accessKeys.setStatus("AK1", "disabled"))).toBe(true);
        expect(await tx((t) => t.accessKeys.setStatus("AK-unknown", "disabled"))).toBe(false);
        expect((await tx((t) => t.accessKeys.list("t1"))).map((k) => [k.id, k.status])).toEqual([["AK1", "disabled"]]);
        expect((await tx((t) => t.accessKeys.list())).map((k) => k.id).sort()).toEqual(["AK1", "AK2"]);
      });

      it("an access key for an unknown tenant is refused by the database (foreign key)", async () => {
        await expect(tx((t) => t.accessKeys.create({ id: "AK3", tenantId: "ghost", secret: "x", status: "enabled", createdAt: now }))).rejects.toThrow();
        expect(await tx((t) => t.accessKeys.get("AK3"))).toBeNull();
      });
    });

    describe("CAs", () => {
      it("stores and reads CAs, scoped by tenant, with the key decrypted", async () => {
        const ca = await tx((t) => t.cas.get("t1", "sub1"));
        expect(ca).toMatchObject({ id: "sub1", kind: "SUB_ROOT", parentId: "root1", status: "ISSUE", crlEnabled: true, crlDays: 7, pathLen: null, revokedAt: null });
        expect(ca?.subject).toEqual({ commonName: "CA sub1" });
        expect(ca?.notAfter).toEqual(new Date(now.getTime() + 86_400_000 * 365));
        expect(same(ca?.keyPkcs8, KEY)).toBe(true);
        expect(await tx((t) => t.cas.get("t2", "sub1"))).toBeNull();
        expect(await tx((t) => t.cas.get("t1", "unknown"))).toBeNull();
        expect((await tx((t) => t.cas.getPublic("other")))?.tenantId).toBe("t2");
        expect(await tx((t) => t.cas.count("t1"))).toBe(2);
        expect((await tx((t) => t.cas.list("t1", { offset: 0, limit: 5 }))).map((c) => c.id).sort()).toEqual(["root1", "sub1"]);
        expect(await tx((t) => t.cas.list("t1", { offset: 1, limit: 5 }))).toHaveLength(1);
        expect(await tx((t) => t.cas.listActiveIds())).toEqual(["other", "root1", "sub1"]);
      });

      it("keeps CA keys encrypted at rest, bound to their row", async () => {
        const rows = await hooks.raw("SELECT id, key_enc FROM cas");
        expect(rows).toHaveLength(3);
        for (const r of rows) {
          const b = Buffer.from(r.key_enc as Uint8Array);
          expect(b.includes(Buffer.from(KEY.subarray(0, 16)))).toBe(false);
          expect(b.length).toBe(KEY.length + 28); // nonce + tag + ciphertext
        }
        // The same key under the same vault seals differently each time (fresh nonce).
        expect(Buffer.from(rows[0]?.key_enc as Uint8Array).equals(Buffer.from(rows[1]?.key_enc as Uint8Array))).toBe(false);
        // A ciphertext copied onto another CA's row does not open there (the record id is the AAD).
        await tx((t) => t.cas.insert(caRecord("moved", { tenantId: "t2" })));
        await hooks.raw("UPDATE cas SET key_enc = (SELECT key_enc FROM cas WHERE id = 'root1') WHERE id = 'moved'");
        // Checked when the key is read (records decrypt their key lazily, on first access).
        await expect(tx(async (t) => (await t.cas.get("t2", "moved"))?.keyPkcs8)).rejects.toThrow(/ca:moved does not open/);
        await hooks.raw("DELETE FROM cas WHERE id = 'moved'");
      });

      it("revokes a sub-CA: status, time, reason, the parent's revoked children and revocation counter", async () => {
        const at = new Date(now.getTime() + 5_000);
        const seq = async (id: string) => (await tx((t) => t.cas.get("t1", id)))?.revocationSeq;
        const before = await seq("root1");
        await tx(async (t) => {
          await t.cas.insert(caRecord("sub2", { kind: "SUB_ROOT", parentId: "root1" }));
          await t.cas.setStatus("sub2", "REVOKE", at, "superseded");
        });
        expect(await tx((t) => t.cas.get("t1", "sub2"))).toMatchObject({ status: "REVOKE", revokedAt: at, revokeReason: "superseded", revocationSeq: 0 });
        const children = await tx((t) => t.cas.revokedChildren("root1"));
        expect(children.map((c) => [c.revokedAt, c.reason])).toEqual([[at, "superseded"]]);
        expect(await tx((t) => t.cas.revokedChildren("sub1"))).toEqual([]);
        expect(await seq("root1")).toBe((before ?? 0) + 1);
        expect(await tx((t) => t.cas.listActiveIds())).not.toContain("sub2");
      });
    });

    describe("certificates", () => {
      it("round-trips every field, the generated key decrypted; unknown or other tenant's ids are null", async () => {
        const rec = certRecord("c-full", "sub1", { keyPkcs8: LEAF_KEY, certificateType: "CLIENT", tags: [{ key: "env", value: "prod" }], sans: [{ type: "ip", value: "10.0.0.7" }] });
        await tx((t) => t.certificates.insert(rec));
        const got = await tx((t) => t.certificates.get("t1", "c-full"));
        expect(got).toEqual({ ...rec, keyPkcs8: expect.any(Uint8Array) });
        expect(same(got?.keyPkcs8, LEAF_KEY)).toBe(true);
        expect(await tx((t) => t.certificates.get("t2", "c-full"))).toBeNull();
        expect(await tx((t) => t.certificates.get("t1", "c-none"))).toBeNull();
        const [raw] = await hooks.raw("SELECT key_enc FROM certificates WHERE id = 'c-full'");
        expect(Buffer.from(raw?.key_enc as Uint8Array).includes(Buffer.from(LEAF_KEY.subarray(0, 16)))).toBe(false);
        const [none] = await hooks.raw("SELECT key_enc FROM certificates WHERE id = 'c-full' AND key_enc IS NULL");
        expect(none).toBeUndefined();
      });

      it("a serial is unique per issuer (conflict), but may repeat under another issuer", async () => {
        const s = serial();
        await tx((t) => t.certificates.insert(certRecord("c-dup-1", "sub1", { serialNumber: s })));
        await tx((t) => t.certificates.insert(certRecord("c-dup-2", "root1", { serialNumber: s })));
        const err = await tx((t) => t.certificates.insert(certRecord("c-dup-3", "sub1", { serialNumber: s }))).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(StoreError);
        expect(err).toMatchObject({ code: "conflict" });
        expect(await tx((t) => t.certificates.get("t1", "c-dup-3"))).toBeNull();
        expect(await tx((t) => t.certificates.countByIssuer("root1"))).toBe(1);
      });

      it("one serial space per issuer: a leaf may not take a sub-CA's serial, nor a sub-CA a leaf's or its root's", async () => {
        const sibling = caRecord("sub-serial", { kind: "SUB_ROOT", parentId: "root1" });
        await tx((t) => t.cas.insert(sibling));
        const leafErr = await tx((t) => t.certificates.insert(certRecord("c-serial-1", "root1", { serialNumber: sibling.serialNumber }))).catch((e: unknown) => e);
        expect(leafErr).toMatchObject({ name: "StoreError", code: "conflict" });
        const leaf = certRecord("c-serial-2", "root1");
        await tx((t) => t.certificates.insert(leaf));
        const caErr = await tx((t) => t.cas.insert(caRecord("sub-serial-2", { kind: "SUB_ROOT", parentId: "root1", serialNumber: leaf.serialNumber }))).catch((e: unknown) => e);
        expect(caErr).toMatchObject({ name: "StoreError", code: "conflict" });
        const root = await tx((t) => t.cas.get("t1", "root1"));
        const selfErr = await tx((t) => t.cas.insert(caRecord("sub-serial-3", { kind: "SUB_ROOT", parentId: "root1", serialNumber: root?.serialNumber }))).catch((e: unknown) => e);
        expect(selfErr).toMatchObject({ name: "StoreError", code: "conflict" });
        const twin = await tx((t) => t.cas.insert(caRecord("sub-serial-4", { kind: "SUB_ROOT", parentId: "root1", serialNumber: sibling.serialNumber }))).catch((e: unknown) => e);
        expect(twin).toMatchObject({ name: "StoreError", code: "conflict" });
        // Under another issuer the same serial is free.
        await tx((t) => t.certificates.insert(certRecord("c-serial-3", "sub1", { serialNumber: sibling.serialNumber })));
        expect(await tx((t) => t.certificates.get("t1", "c-serial-1"))).toBeNull();
      });

      it("lists revoked certificates together with those of given CAs (revoked through their CA); counts sub-CAs", async () => {
        await tx(async (t) => {
          await t.tenants.create({ id: "t3", name: "tenant three", createdAt: now });
          await t.cas.insert(caRecord("sub-filter", { kind: "SUB_ROOT", parentId: "root1", tenantId: "t3" }));
          await t.cas.insert(caRecord("sub-filter-2", { kind: "SUB_ROOT", parentId: "root1", tenantId: "t3" }));
          await t.certificates.insert(certRecord("c-f-valid", "sub-filter-2", { tenantId: "t3" }));
          await t.certificates.insert(certRecord("c-f-under", "sub-filter", { tenantId: "t3" }));
          await t.certificates.insert(certRecord("c-f-rev", "sub-filter-2", { tenantId: "t3" }));
          await t.certificates.revoke("c-f-rev", now, "superseded");
        });
        const ids = async (by: string[]) => (await tx((t) => t.certificates.list("t3", { offset: 0, limit: 10 }, { revokedOrIssuedBy: by }))).map((c) => c.id).sort();
        expect(await ids([])).toEqual(["c-f-rev"]);
        expect(await ids(["sub-filter"])).toEqual(["c-f-rev", "c-f-under"]);
        expect(await tx((t) => t.certificates.count("t3", { revokedOrIssuedBy: ["sub-filter"] }))).toBe(2);
        expect(await tx((t) => t.cas.countChildren("sub-filter"))).toBe(0);
        expect(await tx((t) => t.cas.countChildren("root1"))).toBeGreaterThanOrEqual(3);
      });

      it("lists and counts per tenant with status and id filters and paging", async () => {
        await tx(async (t) => {
          for (let i = 0; i < 5; i++) await t.certificates.insert(certRecord(`c-list-${i}`, "sub1", { createdAt: new Date(now.getTime() + 60_000 + i) }));
          await t.certificates.insert(certRecord("c-list-t2", "other", { tenantId: "t2" }));
        });
        const all = await tx((t) => t.certificates.count("t1"));
        const page = await tx((t) => t.certificates.list("t1", { offset: all - 5, limit: 3 }));
        expect(page.map((c) => c.id)).toEqual(["c-list-0", "c-list-1", "c-list-2"]);
        expect(await tx((t) => t.certificates.count("t2"))).toBe(1);
        expect(await tx((t) => t.certificates.count("t1", { id: "c-list-3" }))).toBe(1);
        expect(await tx((t) => t.certificates.count("t1", { id: "c-list-t2" }))).toBe(0);
        expect(await tx((t) => t.certificates.count("t1", { status: "REVOKE" }))).toBe(0);
      });

      it("revokes once (time and reason kept), streams one CA's revoked entries in pages, deletes", async () => {
        const ids = Array.from({ length: 7 }, (_, i) => `c-rev-${i}`);
        const at = new Date(now.getTime() + 10_000);
        await tx(async (t) => {
          for (const id of ids) await t.certificates.insert(certRecord(id, "sub1"));
          await t.certificates.insert(certRecord("c-rev-other-ca", "root1"));
        });
        await tx(async (t) => {
          for (const id of ids) expect(await t.certificates.revoke(id, at, "keyCompromise")).toBe(true);
          expect(await t.certificates.revoke("c-rev-other-ca", now, "superseded")).toBe(true);
        });
        expect(await tx((t) => t.certificates.revoke("c-rev-3", new Date(at.getTime() + 1), "superseded"))).toBe(false);
        expect(await tx((t) => t.certificates.revoke("c-unknown", at, "superseded"))).toBe(false);
        expect(await tx((t) => t.certificates.get("t1", "c-rev-3"))).toMatchObject({ status: "REVOKE", revokeReason: "keyCompromise", revokedAt: at });

        const expected = (await tx((t) => Promise.all(ids.map((id) => t.certificates.get("t1", id))))).map((c) => c?.serialNumber as string).sort();
        const sub = await revokedSerials("sub1", 3);
        expect(sub).toEqual({ serials: expected, pages: 3 });
        const root = await revokedSerials("root1", 3);
        expect(root.serials).toEqual([(await tx((t) => t.certificates.get("t1", "c-rev-other-ca")))?.serialNumber]);
        const [first] = await tx((t) => t.certificates.revokedPage("sub1", "", 1));
        expect(first).toMatchObject({ revokedAt: at, reason: "keyCompromise", notAfter: new Date(now.getTime() + 86_400_000) });
        // Eight revocations counted: seven under sub1 (one each), one under root1; none under "other".
        const seqs = await tx(async (t) => [(await t.cas.get("t1", "sub1"))?.revocationSeq, (await t.cas.get("t2", "other"))?.revocationSeq]);
        expect(seqs[0]).toBeGreaterThanOrEqual(7);
        expect(seqs[1]).toBe(0);
        expect(await tx((t) => t.certificates.count("t1", { status: "REVOKE" }))).toBe(8);

        // Deleting hides a certificate, but a revoked one stays on the CRL (RFC 5280 §3.3): deleting must never un-revoke.
        const countBefore = await tx((t) => t.certificates.count("t1"));
        await tx((t) => t.certificates.delete("c-rev-0", at));
        expect(await tx((t) => t.certificates.get("t1", "c-rev-0"))).toBeNull();
        expect(await tx((t) => t.certificates.count("t1"))).toBe(countBefore - 1);
        expect(await tx((t) => t.certificates.revoke("c-rev-0", at, "superseded"))).toBe(false);
        expect((await revokedSerials("sub1", 100)).serials).toEqual(expected);
      });

      it("statusBySerial: a serial's holder under one issuer (certificate or sub-CA), deleted and revoked ones included; listAllIds", async () => {
        const at = new Date(now.getTime() + 20_000);
        const good = certRecord("c-ocsp-good", "root1");
        const gone = certRecord("c-ocsp-gone", "root1");
        const subCa = caRecord("sub-ocsp", { kind: "SUB_ROOT", parentId: "root1" });
        await tx(async (t) => {
          await t.certificates.insert(good);
          await t.certificates.insert(gone);
          await t.cas.insert(subCa);
        });
        await tx(async (t) => {
          await t.certificates.revoke("c-ocsp-gone", at, "keyCompromise");
          await t.certificates.delete("c-ocsp-gone", at);
          await t.cas.setStatus("sub-ocsp", "REVOKE", at, "cessationOfOperation");
        });
        // On the read snapshot, as the responder asks.
        const [g, d, s, none, other] = await store.read((t) =>
          Promise.all([
            t.certificates.statusBySerial("root1", good.serialNumber),
            t.certificates.statusBySerial("root1", gone.serialNumber),
            t.certificates.statusBySerial("root1", subCa.serialNumber),
            t.certificates.statusBySerial("root1", serial()),
            t.certificates.statusBySerial("sub1", good.serialNumber),
          ]),
        );
        expect(g).toEqual({ kind: "certificate", status: "ISSUE", revokedAt: null, reason: null, notAfter: good.notAfter });
        expect(d).toEqual({ kind: "certificate", status: "REVOKE", revokedAt: at, reason: "keyCompromise", notAfter: gone.notAfter });
        expect(s).toEqual({ kind: "ca", status: "REVOKE", revokedAt: at, reason: "cessationOfOperation", notAfter: subCa.notAfter });
        expect(none).toBeNull();
        expect(other).toBeNull();
        const ids = await store.read((t) => t.cas.listAllIds());
        expect(ids).toEqual(expect.arrayContaining(["root1", "sub1", "other", "sub-ocsp"]));
      });

      it("answers lookups and CRL pages from indexes, not table scans", async () => {
        const byId = await hooks.plan("SELECT * FROM certificates WHERE tenant_id = 't1' AND id = 'c-full'");
        const pageq = await hooks.plan("SELECT serial_number FROM certificates WHERE issuer_id = 'sub1' AND status = 'REVOKE' AND serial_number > '' ORDER BY serial_number LIMIT 5");
        const last = await hooks.plan("SELECT MAX(revoked_at) FROM certificates WHERE issuer_id = 'sub1' AND status = 'REVOKE'");
        const tenant = await hooks.plan("SELECT * FROM certificates WHERE tenant_id = 't1' ORDER BY created_at, id LIMIT 5");
        for (const p of [byId, pageq, last, tenant]) expect(p).not.toMatch(/SCAN certificates$|SCAN TABLE certificates$|Seq Scan/m);
        expect(pageq).toMatch(/certificates_revoked\b|certificates_issuer_id_serial_number_key|sqlite_autoindex_certificates_2/);
        // Either revocation index answers it (PostgreSQL picks the covering CRL index on a tiny table).
        expect(last).toMatch(/certificates_revoked(_at)?\b/);
        // A listing page comes straight off the index, not from sorting all of the tenant's rows.
        expect(tenant).toMatch(/certificates_tenant_order/);
        expect(tenant).not.toMatch(/TEMP B-TREE|Sort/);
      });
    });

    describe("transactions", () => {
      it("read: sees what is committed, refuses writes (read_only) and changes nothing", async () => {
        const before = await store.counts();
        expect((await store.read((t) => t.cas.get("t1", "sub1")))?.parentId).toBe("root1");
        expect(await store.read((t) => t.tenants.get("nobody"))).toBeNull();
        await expect(store.read((t) => t.certificates.insert(certRecord("c-in-read", "sub1")))).rejects.toMatchObject({ name: "StoreError", code: "read_only" });
        await expect(store.read((t) => t.cas.takeCrlNumber("sub1"))).rejects.toMatchObject({ name: "StoreError", code: "read_only" });
        expect(await store.counts()).toEqual(before);
        // Concurrent reads and writes of one process settle, each with its own answer.
        const [w, r1, r2] = await Promise.all([
          tx((t) => t.tenants.create({ id: "t-read", name: "r", createdAt: now })),
          store.read((t) => t.cas.get("t1", "root1")),
          store.read((t) => t.accessKeys.get("AK1")),
        ]);
        expect(w).toBeUndefined();
        expect(r1?.id).toBe("root1");
        expect(r2?.id).toBe("AK1");
        expect(await store.read((t) => t.tenants.get("t-read"))).not.toBeNull();
      });

      it("a failed transaction changes nothing: counts and the CRL number stay as they were", async () => {
        const before = await store.counts();
        const crlBefore = await tx((t) => t.cas.takeCrlNumber("sub1"));
        await expect(
          tx(async (t) => {
            await t.certificates.insert(certRecord("c-rollback", "sub1"));
            await t.cas.takeCrlNumber("sub1");
            await t.crls.put({ caId: "sub1", crlNumber: 10_000n, thisUpdate: now, nextUpdate: now, der: Uint8Array.of(9) });
            await t.accessKeys.setStatus("AK2", "disabled");
            await t.audit.append({ at: now, actor: "test", tenantId: "t1", action: "X", target: null, outcome: "ok", detail: null });
            throw new Error("boom");
          }),
        ).rejects.toThrow("boom");
        expect(await store.counts()).toEqual(before);
        expect((await tx((t) => t.accessKeys.get("AK2")))?.status).toBe("enabled");
        expect(await tx((t) => t.cas.takeCrlNumber("sub1"))).toBe(crlBefore + 1n);
      });

      it("a failed statement fails the whole transaction, even when the callback catches it", async () => {
        const before = await store.counts();
        const dup = (await tx((t) => t.certificates.get("t1", "c-dup-1")))?.serialNumber as string;
        const err = await tx(async (t) => {
          await t.certificates.insert(certRecord("c-poison-1", "sub1"));
          await t.certificates.insert(certRecord("c-poison-2", "sub1", { serialNumber: dup })).catch(() => undefined);
          return "swallowed";
        }).catch((e: unknown) => e);
        expect(err).toMatchObject({ code: "conflict" });
        expect(await store.counts()).toEqual(before);
        expect(await tx((t) => t.certificates.get("t1", "c-poison-1"))).toBeNull();
      });

      it("concurrent transactions all commit, and their CRL numbers are distinct and contiguous", async () => {
        const start = await tx((t) => t.cas.takeCrlNumber("root1"));
        const taken = await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            tx(async (t) => {
              await t.certificates.insert(certRecord(`c-conc-${i}`, "root1"));
              return t.cas.takeCrlNumber("root1");
            }),
          ),
        );
        expect([...taken].sort((a, b) => (a < b ? -1 : 1))).toEqual(Array.from({ length: 20 }, (_, i) => start + 1n + BigInt(i)));
        expect(await tx((t) => t.certificates.count("t1", { id: "c-conc-19" }))).toBe(1);
      });
    });

    describe("CRLs", () => {
      it("CRL numbers strictly increase; the latest CRL is returned; a number is stored once", async () => {
        const a = await tx((t) => t.cas.takeCrlNumber("other"));
        const b = await tx((t) => t.cas.takeCrlNumber("other"));
        expect(a).toBe(1n);
        expect(b).toBe(2n);
        expect(await tx((t) => t.crls.latest("other"))).toBeNull();
        const next = new Date(now.getTime() + 86_400_000);
        await tx(async (t) => {
          await t.crls.put({ caId: "other", crlNumber: a, thisUpdate: now, nextUpdate: next, der: Uint8Array.of(1) });
          await t.crls.put({ caId: "other", crlNumber: b, thisUpdate: now, nextUpdate: next, der: Uint8Array.of(2, 0, 255), revocationSeq: 41 });
        });
        expect(await tx((t) => t.crls.latest("other"))).toEqual({ caId: "other", crlNumber: b, thisUpdate: now, nextUpdate: next, der: Uint8Array.of(2, 0, 255), builtAt: now, revocationSeq: 41 });
        // The build instant is kept to the millisecond; thisUpdate reads back in whole seconds, as in the CRL.
        const builtAt = new Date(now.getTime() + 1_234);
        const c = await tx((t) => t.cas.takeCrlNumber("other"));
        await tx((t) => t.crls.put({ caId: "other", crlNumber: c, thisUpdate: new Date(now.getTime() + 1_000), nextUpdate: next, der: Uint8Array.of(3), builtAt }));
        expect(await tx((t) => t.crls.latest("other"))).toMatchObject({ crlNumber: c, thisUpdate: new Date(now.getTime() + 1_000), builtAt });
        const err = await tx((t) => t.crls.put({ caId: "other", crlNumber: b, thisUpdate: now, nextUpdate: next, der: Uint8Array.of(3) })).catch((e: unknown) => e);
        expect(err).toMatchObject({ code: "conflict" });
        await expect(tx((t) => t.cas.takeCrlNumber("no-such-ca"))).rejects.toBeInstanceOf(StoreError);
      });
    });

    describe("nonces", () => {
      it("a nonce is claimed once per access key until it expires; sweeps delete expired ones in batches", async () => {
        const at = (s: number) => new Date(now.getTime() + s * 1000);
        expect(await tx((t) => t.nonces.claim("AK1", "n1", at(0), at(60)))).toBe(true);
        expect(await tx((t) => t.nonces.claim("AK1", "n1", at(30), at(90)))).toBe(false);
        expect(await tx((t) => t.nonces.claim("AK2", "n1", at(30), at(90)))).toBe(true);
        // Concurrent claimers of one nonce: exactly one wins.
        const race = await Promise.all(Array.from({ length: 6 }, () => tx((t) => t.nonces.claim("AK1", "n2", at(0), at(60)))));
        expect(race.filter(Boolean)).toHaveLength(1);
        // A claim rolled back with its transaction is not remembered.
        await expect(
          tx(async (t) => {
            await t.nonces.claim("AK1", "n3", at(0), at(60));
            throw new Error("boom");
          }),
        ).rejects.toThrow("boom");
        expect(await tx((t) => t.nonces.claim("AK1", "n3", at(0), at(60)))).toBe(true);
        // Expired and not yet swept: the nonce may be claimed again.
        expect(await tx((t) => t.nonces.claim("AK1", "n1", at(61), at(121)))).toBe(true);
        expect(await tx((t) => t.nonces.claim("AK1", "n1", at(100), at(160)))).toBe(false);
        for (let i = 0; i < 5; i++) await tx((t) => t.nonces.claim("AK9", `old${i}`, at(0), at(10)));
        // At 100 s the five AK9 nonces (expired at 10 s), AK1 n2/n3 (60 s) and AK2 n1 (90 s) have expired.
        expect(await tx((t) => t.nonces.sweep(at(100), 3))).toBe(3);
        expect(await tx((t) => t.nonces.sweep(at(100), 3))).toBe(3);
        expect(await tx((t) => t.nonces.sweep(at(100), 3))).toBe(2);
        expect(await tx((t) => t.nonces.sweep(at(100), 3))).toBe(0);
        expect(await tx((t) => t.nonces.claim("AK1", "n1", at(100), at(160)))).toBe(false); // still live: not swept
        expect(await tx((t) => t.nonces.sweep(at(200), 100))).toBe(1); // AK1 n1
      });
    });

    describe("audit log", () => {
      it("appends and lists newest first; the database refuses UPDATE and DELETE", async () => {
        await tx(async (t) => {
          await t.audit.append({ at: now, actor: "cli", tenantId: "t1", action: "CreateRootCACertificate", target: "root1", outcome: "ok", detail: null });
          await t.audit.append({ at: now, actor: "AK1", tenantId: null, action: "RevokeCertificate", target: "c-x", outcome: "error", detail: "NotFoundCertificate" });
        });
        const [last, prev] = await tx((t) => t.audit.list(2));
        expect(last).toEqual({ at: now, actor: "AK1", tenantId: null, action: "RevokeCertificate", target: "c-x", outcome: "error", detail: "NotFoundCertificate" });
        expect(prev).toMatchObject({ actor: "cli", action: "CreateRootCACertificate", outcome: "ok" });
        const before = await store.counts();
        await expect(hooks.raw("DELETE FROM audit_log")).rejects.toThrow(/append-only/);
        await expect(hooks.raw("UPDATE audit_log SET outcome = 'ok'")).rejects.toThrow(/append-only/);
        // Row triggers do not fire on TRUNCATE (PostgreSQL only; SQLite has none): a statement trigger does.
        if (store.kind === "postgres") await expect(hooks.raw("TRUNCATE audit_log")).rejects.toThrow(/append-only/);
        expect((await store.counts()).audit_log).toBe(before.audit_log);
      });

      // PostgreSQL sends an audit row without waiting, with the COMMIT behind it (the driver's `write`).
      it("an audit row the database refuses fails its transaction with its own error, and nothing of the transaction stays", async () => {
        const before = await store.counts();
        const refused = { at: now, actor: "test", tenantId: "t1", action: "X", target: null, outcome: "neither" as "ok", detail: null };
        const tenant = { id: "t-audit", name: "audit probe", createdAt: now };
        await expect(
          tx(async (t) => {
            await t.tenants.create(tenant);
            await t.audit.append(refused);
          }),
        ).rejects.toThrow(/check constraint/i);
        // A statement after it: still the refused write's error, not "the transaction is aborted".
        await expect(
          tx(async (t) => {
            await t.tenants.create(tenant);
            await t.audit.append(refused);
            await t.tenants.get("t1");
          }),
        ).rejects.toThrow(/check constraint/i);
        expect(await tx((t) => t.tenants.get("t-audit"))).toBeNull();
        expect(await store.counts()).toEqual(before);
        // The connection is usable again: a good row commits.
        await tx((t) => t.audit.append({ ...refused, outcome: "ok" }));
        expect((await store.counts()).audit_log).toBe((before.audit_log ?? 0) + 1);
      });
    });

    describe("passphrase", () => {
      it("refuses a wrong passphrase (bad_passphrase), the dev key included", async () => {
        await expect(hooks.open("wrong passphrase")).rejects.toMatchObject({ name: "StoreError", code: "bad_passphrase" });
        await expect(hooks.open(undefined, { devInsecure: true })).rejects.toMatchObject({ code: "bad_passphrase" });
      });

      it("refuses to open without one (no_passphrase)", async () => {
        const saved = { ...process.env };
        delete process.env.CASKIT_MASTER_PASSPHRASE;
        delete process.env.CASKIT_MASTER_PASSPHRASE_FILE;
        delete process.env.CASKIT_DEV_INSECURE_NO_PASSPHRASE;
        try {
          await expect(hooks.open(undefined)).rejects.toMatchObject({ name: "StoreError", code: "no_passphrase" });
        } finally {
          Object.assign(process.env, saved);
        }
      });

      it("opens again with the right passphrase and reads the same keys", async () => {
        const again = await hooks.open(PASS);
        try {
          expect(same((await again.transaction((t) => t.cas.get("t1", "root1")))?.keyPkcs8, KEY)).toBe(true);
        } finally {
          await again.close();
        }
      });
    });
  });
}
