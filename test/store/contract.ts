/** One contract suite for every Store adapter (STYLE.md §6): run by sqlite.test.ts and postgres.test.ts. */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CaRecord, CertificateRecord, Store } from "../../src/store/port.js";
import { StoreError } from "../../src/store/errors.js";

export interface ContractHooks {
  /** Opens the store under test with this passphrase (a fresh database for each `fresh: true`). */
  open(passphrase: string | undefined, fresh?: boolean): Promise<Store>;
  /** Raw SELECT of one column from one table, bypassing the store (for at-rest checks). */
  raw(sql: string): Promise<Array<Record<string, unknown>>>;
  cleanup(): Promise<void>;
}

const now = new Date("2026-11-22T00:00:00Z");
const KEY = new Uint8Array(randomBytes(121));
export const serial = () => `4${randomBytes(16).toString("hex").slice(1)}`;

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

export function runStoreContract(name: string, hooks: ContractHooks): void {
  describe(`Store contract: ${name}`, () => {
    let store: Store;
    beforeAll(async () => {
      store = await hooks.open("contract passphrase", true);
      await store.transaction(async (tx) => {
        await tx.tenants.create({ id: "t1", name: "tenant one", createdAt: now });
        await tx.tenants.create({ id: "t2", name: "tenant two", createdAt: now });
        await tx.cas.insert(caRecord("root1"));
        await tx.cas.insert(caRecord("sub1", { kind: "SUB_ROOT", parentId: "root1" }));
        await tx.cas.insert(caRecord("other", { tenantId: "t2" }));
      });
    });
    afterAll(async () => {
      await store?.close();
      await hooks.cleanup();
    });

    it("stores and reads CAs, scoped by tenant, with the key decrypted", async () => {
      const ca = await store.transaction((tx) => tx.cas.get("t1", "sub1"));
      expect(ca).toMatchObject({ id: "sub1", kind: "SUB_ROOT", parentId: "root1", status: "ISSUE", crlEnabled: true, subject: { commonName: "CA sub1" } });
      expect(Buffer.from(ca?.keyPkcs8 ?? []).equals(Buffer.from(KEY))).toBe(true);
      expect(await store.transaction((tx) => tx.cas.get("t2", "sub1"))).toBeNull();
      expect(await store.transaction((tx) => tx.cas.count("t1"))).toBe(2);
      expect((await store.transaction((tx) => tx.cas.list("t1", { offset: 1, limit: 5 }))).map((c) => c.id)).toHaveLength(1);
    });

    it("keeps key material encrypted at rest", async () => {
      const rows = await hooks.raw("SELECT key_enc FROM cas");
      for (const r of rows) {
        const b = Buffer.from(r.key_enc as Buffer);
        expect(b.includes(Buffer.from(KEY.subarray(0, 24)))).toBe(false);
        expect(b.length).toBe(KEY.length + 28);
      }
    });

    it("a serial is unique per issuer (conflict), but may repeat under another issuer", async () => {
      const s = serial();
      await store.transaction((tx) => tx.certificates.insert(certRecord("c-dup-1", "sub1", { serialNumber: s })));
      await store.transaction((tx) => tx.certificates.insert(certRecord("c-dup-2", "root1", { serialNumber: s })));
      const err = await store.transaction((tx) => tx.certificates.insert(certRecord("c-dup-3", "sub1", { serialNumber: s }))).catch((e) => e);
      expect(err).toBeInstanceOf(StoreError);
      expect(err.code).toBe("conflict");
      expect(await store.transaction((tx) => tx.certificates.get("t1", "c-dup-3"))).toBeNull();
    });

    it("a failed transaction changes nothing: counts and the CRL number stay as they were", async () => {
      const before = await store.counts();
      const crlBefore = await store.transaction((tx) => tx.cas.takeCrlNumber("sub1"));
      await expect(
        store.transaction(async (tx) => {
          await tx.certificates.insert(certRecord("c-rollback", "sub1"));
          await tx.cas.takeCrlNumber("sub1");
          await tx.audit.append({ at: now, actor: "test", tenantId: "t1", action: "X", target: null, outcome: "ok", detail: null });
          throw new Error("boom");
        }),
      ).rejects.toThrow("boom");
      expect(await store.counts()).toEqual(before);
      expect(await store.transaction((tx) => tx.cas.takeCrlNumber("sub1"))).toBe(crlBefore + 1n);
    });

    it("CRL numbers strictly increase and the latest CRL is returned", async () => {
      const a = await store.transaction((tx) => tx.cas.takeCrlNumber("root1"));
      const b = await store.transaction((tx) => tx.cas.takeCrlNumber("root1"));
      expect(b).toBe(a + 1n);
      await store.transaction(async (tx) => {
        await tx.crls.put({ caId: "root1", crlNumber: a, thisUpdate: now, nextUpdate: now, der: Uint8Array.of(1) });
        await tx.crls.put({ caId: "root1", crlNumber: b, thisUpdate: now, nextUpdate: now, der: Uint8Array.of(2) });
      });
      const latest = await store.transaction((tx) => tx.crls.latest("root1"));
      expect(latest?.crlNumber).toBe(b);
      expect([...(latest?.der ?? [])]).toEqual([2]);
    });

    it("revokes, lists by status, streams one CA's revoked entries in pages, deletes", async () => {
      const ids = Array.from({ length: 7 }, (_, i) => `c-rev-${i}`);
      await store.transaction(async (tx) => {
        for (const id of ids) await tx.certificates.insert(certRecord(id, "sub1", { keyPkcs8: KEY }));
        await tx.certificates.insert(certRecord("c-rev-other-ca", "root1"));
      });
      await store.transaction(async (tx) => {
        for (const id of ids) await tx.certificates.revoke(id, now, "keyCompromise");
        await tx.certificates.revoke("c-rev-other-ca", now, "superseded");
      });
      const got = await store.transaction((tx) => tx.certificates.get("t1", "c-rev-3"));
      expect(got).toMatchObject({ status: "REVOKE", revokeReason: "keyCompromise" });
      expect(Buffer.from(got?.keyPkcs8 ?? []).equals(Buffer.from(KEY))).toBe(true);
      const streamed: string[] = [];
      let after = "";
      for (;;) {
        const page = await store.transaction((tx) => tx.certificates.revokedPage("sub1", after, 3));
        if (!page.length) break;
        streamed.push(...page.map((p) => p.serialNumber));
        after = page[page.length - 1]?.serialNumber as string;
      }
      const expected = await store.transaction(async (tx) => Promise.all(ids.map((id) => tx.certificates.get("t1", id))));
      expect(streamed).toEqual(expected.map((c) => c?.serialNumber).sort());
      expect(await store.transaction((tx) => tx.certificates.count("t1", { status: "REVOKE" }))).toBe(8);
      await store.transaction((tx) => tx.certificates.delete("c-rev-0"));
      expect(await store.transaction((tx) => tx.certificates.get("t1", "c-rev-0"))).toBeNull();
    });

    it("access keys: the secret is stored encrypted and read back; status toggles", async () => {
      await store.transaction((tx) => tx.accessKeys.create({ id: "AK1", tenantId: "t1", secret: "s3cr3t-value-xyz", status: "enabled", createdAt: now }));
      expect((await store.transaction((tx) => tx.accessKeys.get("AK1")))?.secret).toBe("s3cr3t-value-xyz");
      const raw = await hooks.raw("SELECT secret_enc FROM access_keys");
      expect(Buffer.from(raw[0]?.secret_enc as Buffer).includes(Buffer.from("s3cr3t"))).toBe(false);
      expect(await store.transaction((tx) => tx.accessKeys.setStatus("AK1", "disabled"))).toBe(true);
      expect((await store.transaction((tx) => tx.accessKeys.list("t1")))[0]?.status).toBe("disabled");
    });

    it("the audit log is append-only, enforced by the database", async () => {
      await store.transaction((tx) => tx.audit.append({ at: now, actor: "cli", tenantId: "t1", action: "CreateRootCACertificate", target: "root1", outcome: "ok", detail: null }));
      const [last] = await store.transaction((tx) => tx.audit.list(1));
      expect(last).toMatchObject({ actor: "cli", action: "CreateRootCACertificate", outcome: "ok" });
      await expect(hooks.raw("DELETE FROM audit_log")).rejects.toThrow(/append-only/);
    });

    it("refuses to open with a wrong passphrase (bad_passphrase) or none (no_passphrase)", async () => {
      await expect(hooks.open("wrong passphrase")).rejects.toMatchObject({ code: "bad_passphrase" });
      const saved = { ...process.env };
      delete process.env.CASKIT_MASTER_PASSPHRASE;
      delete process.env.CASKIT_MASTER_PASSPHRASE_FILE;
      delete process.env.CASKIT_DEV_INSECURE_NO_PASSPHRASE;
      try {
        await expect(hooks.open(undefined)).rejects.toMatchObject({ code: "no_passphrase" });
      } finally {
        Object.assign(process.env, saved);
      }
    });
  });
}
