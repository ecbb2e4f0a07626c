/**
 * Answers kept in memory (src/service/ocsp.ts): a repeated nonce-less request gets the same signed bytes
 * (nothing signed, no statuses read), but whatever changes through *another* handle on the same store —
 * another process, another instance — is answered at once: a revoked certificate, a revoked sub-CA, a
 * revoked root, the CA's OCSP settings, a serial issued after it was answered unknown. SQLite and
 * PostgreSQL; P-256, so every fresh signature differs and "same bytes" means "kept".
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { fromPemAll } from "../../src/internal/pem.js";
import { buildOcspRequest, certificateIssuerAndSerial, certificateSubjectAndSpki, parseOcspResponse } from "../../src/revoke/index.js";
import { DEFAULT_TENANT, type ServiceContext, call } from "../../src/service/index.js";
import { answerOcsp } from "../../src/service/ocsp.js";
import { openStore } from "../../src/store/open.js";
import type { Store } from "../../src/store/port.js";
import { tempDir } from "../helpers/openssl.js";
import { bothEngines, dropTestSchema, testSchema } from "../helpers/pg.js";
import { ROOT_PARAMS, SUB_PARAMS } from "../helpers/service.js";

const schema = testSchema("ocspcache");
const tmp = tempDir("caskit-ocspcache-");
afterAll(async () => {
  tmp.remove();
  await dropTestSchema(schema);
});

const der = (pem: string) => fromPemAll("CERTIFICATE", pem)[0] as Uint8Array;
const engines = bothEngines(() => join(tmp.dir, "cache.db"), schema);

describe.each(engines)("kept OCSP answers on $name", ({ location, options }) => {
  it("the same bytes while nothing changed; a change made through another handle is answered at once", async () => {
    const open = () => openStore(location(), { passphrase: "ocsp cache", ...options });
    const mine = await open(); // the responder's process
    const other = await open(); // another process on the same store
    try {
      await other.transaction((tx) => tx.tenants.create({ id: DEFAULT_TENANT, name: "default", createdAt: new Date() }));
      const ctx: ServiceContext = { store: other, tenantId: DEFAULT_TENANT, actor: "test", now: () => new Date(), config: { defaultCrlDays: 7 } };
      const svc = (action: string, p: Record<string, unknown>) => call(ctx, action, p) as Promise<Record<string, any>>;
      const rootId = (await svc("CreateRootCACertificate", ROOT_PARAMS)).Identifier as string;
      const subId = (await svc("CreateSubCACertificate", { ...SUB_PARAMS, ParentIdentifier: rootId })).Identifier as string;
      const subPem = (await svc("DescribeCACertificate", { Identifier: subId })).Certificate.X509Certificate as string;
      const leaf = async (cn: string) => {
        const r = await svc("CreateServerCertificate", { ParentIdentifier: subId, CommonName: cn, Algorithm: "ECC_256", Days: 30, Immediately: 1 });
        return { id: r.Identifier as string, serial: certificateIssuerAndSerial(der(r.X509Certificate)).serialHex as string };
      };
      const [a, b, c] = [await leaf("a.example.com"), await leaf("b.example.com"), await leaf("c.example.com")];
      const { subjectDer, spki } = certificateSubjectAndSpki(der(subPem));
      const request = (serial: string, nonce?: Uint8Array) => buildOcspRequest({ certIds: [{ issuerNameDer: subjectDer, issuerSpki: spki, serial }], nonce });
      const ask = async (serial: string, nonce?: Uint8Array) => {
        const answer = await answerOcsp({ store: mine, config: ctx.config, now: () => new Date() }, request(serial, nonce), subId);
        expect(answer.status).toBe("successful");
        return { der: Buffer.from(answer.der), status: parseOcspResponse(answer.der).basic?.responses[0] };
      };

      // Kept: the same bytes twice (a fresh ECDSA signature would differ); with a nonce, signed every time.
      const first = await ask(a.serial);
      expect(first.status).toMatchObject({ status: "good" });
      expect((await ask(a.serial)).der.equals(first.der)).toBe(true);
      const nonce = randomBytes(16);
      expect((await ask(a.serial, nonce)).der.equals((await ask(a.serial, nonce)).der)).toBe(false);

      // A certificate revoked by the other process: revoked at the next request.
      await call(ctx, "CreateRevokeClientCertificate", { Identifier: a.id, Reason: "keyCompromise" });
      expect((await ask(a.serial)).status).toMatchObject({ status: "revoked", reason: "keyCompromise" });

      // The CA's OCSP settings changed elsewhere (here: nothing but the time they were written): signed anew.
      const kept = await ask(b.serial);
      expect((await ask(b.serial)).der.equals(kept.der)).toBe(true);
      await other.transaction((tx) => tx.ocsp.setConfig({ caId: subId, delegated: false, presign: false, responderDays: 7, responseHours: 24, updatedAt: new Date(Date.now() + 1000) }));
      const afterCfg = await ask(b.serial);
      expect(afterCfg.der.equals(kept.der)).toBe(false);
      expect(afterCfg.status).toMatchObject({ status: "good" });

      // An unknown serial is never kept: issued later under that serial, it is good at once.
      const serial = randomBytes(16).toString("hex").replace(/^0+/, "1");
      expect((await ask(serial)).status).toMatchObject({ status: "unknown" });
      const template = await other.read(async (tx) => tx.certificates.get(DEFAULT_TENANT, c.id));
      await other.transaction((tx) => tx.certificates.insert({ ...template!, id: randomBytes(16).toString("hex"), serialNumber: serial, keyPkcs8: null }));
      expect((await ask(serial)).status).toMatchObject({ status: "good" });

      // The sub-CA revoked elsewhere: its good certificate answers revoked through it, at once.
      expect((await ask(c.serial)).status).toMatchObject({ status: "good" });
      await svc("UpdateCACertificateStatus", { Identifier: subId, Status: "REVOKE" });
      expect((await ask(c.serial)).status).toMatchObject({ status: "revoked" });
    } finally {
      await mine.close();
      await other.close();
    }
  }, 60_000);

  it("a root revoked elsewhere: what its sub-CA signed answers revoked at once", async () => {
    const open = () => openStore(location(), { passphrase: "ocsp cache", ...options });
    const mine = await open();
    const other = await open();
    try {
      const ctx: ServiceContext = { store: other, tenantId: DEFAULT_TENANT, actor: "test", now: () => new Date(), config: { defaultCrlDays: 7 } };
      const svc = (action: string, p: Record<string, unknown>) => call(ctx, action, p) as Promise<Record<string, any>>;
      const rootId = (await svc("CreateRootCACertificate", { ...ROOT_PARAMS, CommonName: "Second Root" })).Identifier as string;
      const subId = (await svc("CreateSubCACertificate", { ...SUB_PARAMS, ParentIdentifier: rootId })).Identifier as string;
      const subPem = (await svc("DescribeCACertificate", { Identifier: subId })).Certificate.X509Certificate as string;
      const r = await svc("CreateServerCertificate", { ParentIdentifier: subId, CommonName: "d.example.com", Algorithm: "ECC_256", Days: 30, Immediately: 1 });
      const serial = certificateIssuerAndSerial(der(r.X509Certificate)).serialHex as string;
      const { subjectDer, spki } = certificateSubjectAndSpki(der(subPem));
      const req = buildOcspRequest({ certIds: [{ issuerNameDer: subjectDer, issuerSpki: spki, serial }] });
      const ask = async () => parseOcspResponse((await answerOcsp({ store: mine, config: ctx.config, now: () => new Date() }, req, subId)).der).basic?.responses[0];
      expect(await ask()).toMatchObject({ status: "good" });
      expect(await ask()).toMatchObject({ status: "good" });
      await svc("UpdateCACertificateStatus", { Identifier: rootId, Status: "REVOKE", Reason: "keyCompromise" });
      expect(await ask()).toMatchObject({ status: "revoked", reason: "cACompromise" });
    } finally {
      await mine.close();
      await other.close();
    }
  }, 60_000);
});

describe("kept OCSP answers on SQLite: the change mark", () => {
  it("no statement while nothing is committed; a commit by another process (the built CLI) is seen at once", async () => {
    const location = join(tmp.dir, "mark.db");
    const mine = await openStore(location, { passphrase: "ocsp mark" });
    try {
      await mine.transaction((tx) => tx.tenants.create({ id: DEFAULT_TENANT, name: "default", createdAt: new Date() }));
      const ctx: ServiceContext = { store: mine, tenantId: DEFAULT_TENANT, actor: "test", now: () => new Date(), config: { defaultCrlDays: 7 } };
      const svc = (action: string, p: Record<string, unknown>) => call(ctx, action, p) as Promise<Record<string, any>>;
      const rootId = (await svc("CreateRootCACertificate", { ...ROOT_PARAMS, CommonName: "Mark Root" })).Identifier as string;
      const subId = (await svc("CreateSubCACertificate", { ...SUB_PARAMS, ParentIdentifier: rootId })).Identifier as string;
      const subPem = (await svc("DescribeCACertificate", { Identifier: subId })).Certificate.X509Certificate as string;
      const issue = async (cn: string) => {
        const r = await svc("CreateServerCertificate", { ParentIdentifier: subId, CommonName: cn, Algorithm: "ECC_256", Days: 30, Immediately: 1 });
        return { id: r.Identifier as string, serial: certificateIssuerAndSerial(der(r.X509Certificate)).serialHex as string };
      };
      const a = await issue("a.example.com");
      const { subjectDer, spki } = certificateSubjectAndSpki(der(subPem));
      const req = buildOcspRequest({ certIds: [{ issuerNameDer: subjectDer, issuerSpki: spki, serial: a.serial }] });
      const ask = async () => {
        const answer = await answerOcsp({ store: mine, config: ctx.config, now: () => new Date() }, req, subId);
        return { der: Buffer.from(answer.der), status: parseOcspResponse(answer.der).basic?.responses[0] };
      };
      const first = await ask();
      const reads = vi.spyOn(mine, "read");
      // Kept, and nothing committed since: served with no read at all, however often.
      for (let i = 0; i < 5; i++) expect((await ask()).der.equals(first.der)).toBe(true);
      expect(reads).toHaveBeenCalledTimes(0);
      // A commit that touches nothing the answer depends on (another certificate): one check, same bytes.
      await issue("b.example.com");
      expect((await ask()).der.equals(first.der)).toBe(true);
      expect(reads).toHaveBeenCalledTimes(1);
      expect((await ask()).der.equals(first.der)).toBe(true);
      expect(reads).toHaveBeenCalledTimes(1);
      // Revoked by another process, the built CLI on the same file, while this handle stays open: at once.
      const cli = join(__dirname, "../../dist/cli/main.js");
      execFileSync(process.execPath, [cli, "cert", "revoke", a.id, "--reason", "keyCompromise"], { env: { ...process.env, CASKIT_DATA: location, CASKIT_MASTER_PASSPHRASE: "ocsp mark" }, stdio: "pipe" });
      expect((await ask()).status).toMatchObject({ status: "revoked", reason: "keyCompromise" });
      reads.mockRestore();
    } finally {
      await mine.close();
    }
  }, 60_000);
});
