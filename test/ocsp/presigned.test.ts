/**
 * Delegated responders and pre-signed answers in-process (src/service/ocsp-responder.ts,
 * src/service/ocsp-presign.ts, answerOcsp), on SQLite and PostgreSQL, with a clock the test moves:
 * rotation when a third of the responder's validity is left (and not before), two rotators making one
 * responder, the refresh pass re-signing what is revoked or stale and keeping the rest, and what the hot
 * path will not serve from the store. A second store opened on the same data answers from what the first
 * wrote.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fromPemAll } from "../../src/internal/pem.js";
import { buildOcspRequest, certificateIssuerAndSerial, certificateSubjectAndSpki, parseOcspResponse, verifyOcspResponse } from "../../src/revoke/index.js";
import { DEFAULT_TENANT, type ServiceContext, call } from "../../src/service/index.js";
import { answerOcsp } from "../../src/service/ocsp.js";
import { exportOcsp, refreshOcsp } from "../../src/service/ocsp-presign.js";
import { buildResponderCertificate, ensureResponder, responderNeedsRotation } from "../../src/service/ocsp-responder.js";
import { openStore } from "../../src/store/open.js";
import type { Store } from "../../src/store/port.js";
import { tempDir } from "../helpers/openssl.js";
import { ROOT_PARAMS, SUB_PARAMS } from "../helpers/service.js";
import { PG_URL, dropTestSchema } from "../helpers/pg.js";

const DAY = 86_400_000;
const der = (pem: string) => fromPemAll("CERTIFICATE", pem)[0] as Uint8Array;

describe.each([
  ["sqlite", false],
  ["postgres", process.env.CASKIT_SKIP_PG === "1"],
] as const)("OCSP responders and pre-signed answers on %s", (kind, skip) => {
  const tmp = tempDir(`caskit-presign-${kind}-`);
  const schema = `caskit_presign_${process.pid}_${Date.now()}`;
  const location = kind === "sqlite" ? tmp.path("ca.db") : `${PG_URL}?schema=${schema}`;
  let store: Store;
  let clock = new Date();
  const now = () => clock;
  const config = { defaultCrlDays: 7 };
  let ctx: ServiceContext;
  let subId = "";
  let subPem = "";
  const leaves: Record<string, { serial: string; id: string }> = {};
  const svc = (action: string, params: Record<string, unknown>) => call(ctx, action, params) as Promise<Record<string, any>>;
  const request = (serial: string, o: { hash?: "sha1" | "sha256"; nonce?: boolean; two?: boolean } = {}) => {
    const { subjectDer, spki } = certificateSubjectAndSpki(der(subPem));
    const id = { hash: o.hash ?? "sha1", issuerNameDer: subjectDer, issuerSpki: spki, serial };
    return buildOcspRequest({ certIds: o.two ? [id, id] : [id], nonce: o.nonce ? new Uint8Array(16).fill(7) : undefined });
  };
  const ask = (s: Store, serial: string, o: Parameters<typeof request>[1] = {}) => answerOcsp({ store: s, config, now }, request(serial, o), subId);

  beforeAll(async () => {
    if (skip) return;
    store = await openStore(location, { passphrase: "presign tests" });
    await store.transaction((tx) => tx.tenants.create({ id: DEFAULT_TENANT, name: "default", createdAt: new Date() }));
    ctx = { store, tenantId: DEFAULT_TENANT, actor: "test", now, config };
    const rootId = (await svc("CreateRootCACertificate", ROOT_PARAMS)).Identifier;
    subId = (await svc("CreateSubCACertificate", { ...SUB_PARAMS, ParentIdentifier: rootId })).Identifier;
    subPem = (await svc("DescribeCACertificate", { Identifier: subId })).Certificate.X509Certificate;
    for (const name of ["a", "b", "c"]) {
      const r = await svc("CreateServerCertificate", { ParentIdentifier: subId, CommonName: `${name}.example.com`, Algorithm: "ECC_256", Days: 30, Immediately: 1 });
      leaves[name] = { serial: r.SerialNumber, id: r.Identifier };
    }
    await svc("CreateRevokeClientCertificate", { Identifier: leaves.c?.id, Reason: "affiliationChanged" });
  }, 60_000);
  afterAll(async () => {
    await store?.close();
    tmp.remove();
    if (kind === "postgres" && !skip) {
      await dropTestSchema(schema).catch(() => undefined);
    }
  });

  it.skipIf(skip)("no settings: the CA key signs on demand, nothing is stored (today's behaviour)", async () => {
    const a = await ask(store, leaves.a?.serial as string);
    expect(a.presigned).toBeUndefined();
    const info = parseOcspResponse(a.der);
    expect(info.basic?.certs).toEqual([]);
    expect(verifyOcspResponse(info, certificateSubjectAndSpki(der(subPem)).spki)).toBe(true);
    expect(await refreshOcsp(store, config, now)).toEqual([]);
    expect(await store.read((tx) => tx.ocsp.getResponse(subId, leaves.a?.serial as string))).toBeNull();
  });

  it.skipIf(skip)("two rotators at once make one responder; it is rotated when a third of its validity is left, not before", async () => {
    const t0 = new Date();
    clock = t0;
    await store.transaction((tx) => tx.ocsp.setConfig({ caId: subId, delegated: true, responderDays: 3, presign: true, responseHours: 24, updatedAt: t0 }));
    const ca = await store.read((tx) => tx.cas.getPublic(subId));
    const [x, y] = await Promise.all([ensureResponder(store, config, ca!, 3, t0), ensureResponder(store, config, ca!, 3, t0)]);
    expect(x?.serialNumber).toBe(y?.serialNumber);
    const audit = (await store.read((tx) => tx.audit.list(50))).filter((l) => l.action === "RotateOcspResponder" && l.target === subId);
    expect(audit).toHaveLength(1);
    const first = x!;
    // 1.9 days on: more than a third (1 day) left → kept.
    clock = new Date(t0.getTime() + 1.9 * DAY);
    expect((await refreshOcsp(store, config, now))[0]?.responder?.serialNumber).toBe(first.serialNumber);
    // 2.1 days on: less than a third left → a new key and certificate, lasting longer.
    clock = new Date(t0.getTime() + 2.1 * DAY);
    const [r] = await refreshOcsp(store, config, now);
    expect(r?.responder?.serialNumber).not.toBe(first.serialNumber);
    expect(r?.responder?.notAfter.getTime()).toBeGreaterThan(first.notAfter.getTime());
    const second = await store.read((tx) => tx.ocsp.getResponder(subId));
    expect(Buffer.from(second!.keyPkcs8).equals(Buffer.from(first.keyPkcs8))).toBe(false);
    // The answer now carries the new responder's certificate.
    const a = parseOcspResponse((await ask(store, leaves.a?.serial as string, { nonce: true })).der);
    expect(Buffer.from(a.basic?.certs[0] as Uint8Array).equals(Buffer.from(second!.certificateDer))).toBe(true);
    expect(verifyOcspResponse(a, certificateSubjectAndSpki(second!.certificateDer).spki)).toBe(true);
  });

  it.skipIf(skip)("the refresh pass keeps what is current, re-signs what was revoked and what is stale; the hot path serves only current answers", async () => {
    const t = clock;
    await refreshOcsp(store, config, now);
    const [again] = await refreshOcsp(store, config, now);
    // a, b good and c revoked (the sub-CA has no sub-CAs): all three stored, nothing to re-sign.
    expect(again).toMatchObject({ signed: 0, kept: 3, presigned: true });
    const stored = await store.read((tx) => tx.ocsp.getResponse(subId, leaves.c?.serial as string));
    expect(stored).toMatchObject({ status: "revoked", reason: "affiliationChanged" });
    // A second store on the same data (a fresh process would do the same): the stored bytes, no signature.
    const other = await openStore(location, { passphrase: "presign tests" });
    try {
      const a = await ask(other, leaves.c?.serial as string);
      expect(a.presigned).toBe(true);
      expect(Buffer.from(a.der).equals(Buffer.from(stored!.der))).toBe(true);
    } finally {
      await other.close();
    }
    // What the hot path will not serve from the store: a nonce, SHA-256, two CertIDs.
    for (const o of [{ nonce: true }, { hash: "sha256" as const }, { two: true }]) {
      const r = await ask(store, leaves.a?.serial as string, o);
      expect(r.status).toBe("successful");
      expect(r.presigned).toBeUndefined();
      // No pass will store these: one signed on demand is kept and served again (ECDSA: a new signature
      // would differ); a nonce is always signed anew.
      const again = await ask(store, leaves.a?.serial as string, o);
      expect(Buffer.from(again.der).equals(Buffer.from(r.der))).toBe(!o.nonce);
    }
    // A revocation: answered at once (signed on demand), re-signed by the next pass, then served stored.
    await svc("CreateRevokeClientCertificate", { Identifier: leaves.a?.id, Reason: "keyCompromise" });
    const at = await ask(store, leaves.a?.serial as string);
    expect(at.presigned).toBeUndefined();
    expect(parseOcspResponse(at.der).basic?.responses[0]).toMatchObject({ status: "revoked", reason: "keyCompromise" });
    expect((await refreshOcsp(store, config, now))[0]).toMatchObject({ signed: 1, kept: 2 });
    const after = await ask(store, leaves.a?.serial as string);
    expect(after.presigned).toBe(true);
    expect(parseOcspResponse(after.der).basic?.responses[0]).toMatchObject({ status: "revoked", reason: "keyCompromise" });
    // 17 hours on (less than a third of 24 h left): every answer re-signed.
    clock = new Date(t.getTime() + 17 * 3600_000);
    expect((await refreshOcsp(store, config, now))[0]).toMatchObject({ signed: 3, kept: 0 });
    // Past nextUpdate with no pass: the stored answer is not served.
    clock = new Date(clock.getTime() + 25 * 3600_000);
    const late = await ask(store, leaves.b?.serial as string);
    expect(late.presigned).toBeUndefined();
    expect(late.thisUpdate?.getTime()).toBe(Math.floor(clock.getTime() / 1000) * 1000);
  });

  it.skipIf(skip)("past a certificate's notAfter: the next pass deletes its stored answer, and an export removes its files", async () => {
    const saved = clock;
    try {
      const d = await svc("CreateServerCertificate", { ParentIdentifier: subId, CommonName: "d.example.com", Algorithm: "ECC_256", Days: 1, Immediately: 1 });
      const serial = d.SerialNumber as string;
      const out = tmp.path("export");
      const first = await exportOcsp(store, config, now, out, [subId]);
      expect(first.entries.map((e) => e.serial)).toContain(serial);
      expect(readdirSync(join(out, "serial", subId))).toContain(`${serial}.der`);
      expect(await store.read((tx) => tx.ocsp.getResponse(subId, serial))).not.toBeNull();
      clock = new Date(clock.getTime() + 2 * DAY);
      expect((await refreshOcsp(store, config, now))[0]).toMatchObject({ purged: 1 });
      expect(await store.read((tx) => tx.ocsp.getResponse(subId, serial))).toBeNull();
      expect((await refreshOcsp(store, config, now))[0]).toMatchObject({ purged: 0 });
      // Still answered, on demand, with what the store holds.
      const late = await ask(store, serial);
      expect(late.presigned).toBeUndefined();
      expect(parseOcspResponse(late.der).basic?.responses[0]).toMatchObject({ status: "good" });
      const second = await exportOcsp(store, config, now, out, [subId]);
      expect(second.entries.map((e) => e.serial)).not.toContain(serial);
      expect(second.removed).toBe(2);
      expect(readdirSync(join(out, "serial", subId))).not.toContain(`${serial}.der`);
      expect(readdirSync(join(out, "ocsp", subId))).toHaveLength(second.entries.length);
    } finally {
      clock = saved;
    }
  });

  it.skipIf(skip)("SHA-256 CertIDs (--presign-hashes sha1,sha256): both answers stored and served; revocation, re-signing; off again deletes them", async () => {
    let k = 0;
    const setSha256 = async (on: boolean) => {
      const cfg = await store.read((tx) => tx.ocsp.getConfig(subId));
      // A new updatedAt each time, as configure writes (the kept answers depend on it).
      await store.transaction((tx) => tx.ocsp.setConfig({ ...cfg!, presignSha256: on, updatedAt: new Date(clock.getTime() + ++k * 1000) }));
    };
    const rows = () => store.read((tx) => tx.ocsp.responsesBetween(subId, "", "g"));
    const b = leaves.b?.serial as string;
    // SHA-1 only: a settled pass stores no SHA-256 answer, and a SHA-256 request is signed on demand.
    await setSha256(false);
    await refreshOcsp(store, config, now);
    const settled = (await refreshOcsp(store, config, now))[0]!;
    expect(settled).toMatchObject({ signed: 0, hashes: ["sha1"] });
    expect((await rows()).every((r) => r.certIdHash === "sha1")).toBe(true);
    expect(await store.read((tx) => tx.ocsp.getResponse(subId, b, "sha256"))).toBeNull();
    expect((await ask(store, b, { hash: "sha256" })).presigned).toBeUndefined();
    // sha1,sha256: the pass signs a SHA-256 answer per stored SHA-1 one and keeps the SHA-1 ones.
    await setSha256(true);
    const on = (await refreshOcsp(store, config, now))[0]!;
    expect(on).toMatchObject({ signed: settled.kept, kept: settled.kept, hashes: ["sha1", "sha256"] });
    const all = await rows();
    expect(all.filter((r) => r.certIdHash === "sha256").map((r) => r.serialNumber)).toEqual(all.filter((r) => r.certIdHash === "sha1").map((r) => r.serialNumber));
    const s256 = await store.read((tx) => tx.ocsp.getResponse(subId, b, "sha256"));
    const s1 = await store.read((tx) => tx.ocsp.getResponse(subId, b));
    expect(s256).toMatchObject({ certIdHash: "sha256", status: "good" });
    expect(s1?.certIdHash).toBe("sha1");
    expect(Buffer.from(s256!.der).equals(Buffer.from(s1!.der))).toBe(false);
    // The hot path: the stored SHA-256 bytes for a SHA-256 request, the SHA-1 bytes for a SHA-1 one.
    const a256 = await ask(store, b, { hash: "sha256" });
    expect(a256.presigned).toBe(true);
    expect(Buffer.from(a256.der).equals(Buffer.from(s256!.der))).toBe(true);
    expect(parseOcspResponse(a256.der).basic?.responses[0]).toMatchObject({ hash: "sha256", serialHex: b, status: "good" });
    const other = await openStore(location, { passphrase: "presign tests" });
    try {
      const fresh = await ask(other, b, { hash: "sha256" });
      expect(fresh.presigned).toBe(true);
      expect(Buffer.from(fresh.der).equals(Buffer.from(s256!.der))).toBe(true);
    } finally {
      await other.close();
    }
    const a1 = await ask(store, b);
    expect(a1.presigned).toBe(true);
    expect(Buffer.from(a1.der).equals(Buffer.from(s1!.der))).toBe(true);
    // With a nonce, or two CertIDs: signed on demand as before.
    expect((await ask(store, b, { hash: "sha256", nonce: true })).presigned).toBeUndefined();
    expect((await ask(store, b, { hash: "sha256", two: true })).presigned).toBeUndefined();
    // A revocation: the stored SHA-256 "good" is not served; the next pass re-signs both answers as revoked.
    await svc("CreateRevokeClientCertificate", { Identifier: leaves.b?.id, Reason: "superseded" });
    const at = await ask(store, b, { hash: "sha256" });
    expect(at.presigned).toBeUndefined();
    expect(parseOcspResponse(at.der).basic?.responses[0]).toMatchObject({ hash: "sha256", status: "revoked", reason: "superseded" });
    expect((await refreshOcsp(store, config, now))[0]).toMatchObject({ signed: 2 });
    const r256 = await store.read((tx) => tx.ocsp.getResponse(subId, b, "sha256"));
    expect(r256).toMatchObject({ status: "revoked", reason: "superseded" });
    const after = await ask(store, b, { hash: "sha256" });
    expect(after.presigned).toBe(true);
    expect(Buffer.from(after.der).equals(Buffer.from(r256!.der))).toBe(true);
    // Deleting a serial's answers deletes both; the next pass signs both again.
    expect(await store.transaction((tx) => tx.ocsp.deleteResponses(subId, [b]))).toBe(2);
    expect(await store.read((tx) => tx.ocsp.getResponse(subId, b, "sha256"))).toBeNull();
    expect(await store.read((tx) => tx.ocsp.getResponse(subId, b))).toBeNull();
    expect((await refreshOcsp(store, config, now))[0]).toMatchObject({ signed: 2 });
    // Off again: the SHA-256 answers are not served from then on, and the next pass deletes them.
    const count256 = (await rows()).filter((r) => r.certIdHash === "sha256").length;
    expect(count256).toBe(settled.kept);
    await setSha256(false);
    expect((await ask(store, b, { hash: "sha256" })).presigned).toBeUndefined();
    expect((await refreshOcsp(store, config, now))[0]).toMatchObject({ signed: 0, purged: count256, hashes: ["sha1"] });
    expect((await rows()).every((r) => r.certIdHash === "sha1")).toBe(true);
    expect((await ask(store, b)).presigned).toBe(true);
  });

  it.skipIf(skip)("pre-signing turned off: the next pass deletes every stored answer of the CA (and the responder signs on demand); on again signs them anew", async () => {
    const setPresign = async (on: boolean, at: number) => {
      const cfg = await store.read((tx) => tx.ocsp.getConfig(subId));
      await store.transaction((tx) => tx.ocsp.setConfig({ ...cfg!, presign: on, updatedAt: new Date(clock.getTime() + at) }));
    };
    const rows = () => store.read((tx) => tx.ocsp.responsesBetween(subId, "", "g"));
    const b = leaves.b?.serial as string;
    await setPresign(true, 1000);
    await refreshOcsp(store, config, now);
    const stored = (await rows()).length;
    expect(stored).toBeGreaterThan(0);
    expect((await ask(store, b)).presigned).toBe(true);
    const storedB = await store.read((tx) => tx.ocsp.getResponse(subId, b));
    await setPresign(false, 2000);
    expect((await refreshOcsp(store, config, now))[0]).toMatchObject({ presigned: false, signed: 0, purged: stored });
    expect(await rows()).toEqual([]);
    const a = await ask(store, b);
    expect(a.presigned).toBeUndefined();
    expect(parseOcspResponse(a.der).basic?.responses[0]).toMatchObject({ serialHex: b, status: storedB?.status });
    // Nothing left: the next pass deletes nothing.
    expect((await refreshOcsp(store, config, now))[0]).toMatchObject({ purged: 0 });
    await setPresign(true, 3000);
    expect((await refreshOcsp(store, config, now))[0]).toMatchObject({ presigned: true, signed: stored });
    expect((await ask(store, b)).presigned).toBe(true);
  });

  it.runIf(kind === "sqlite")("migration 11 keeps a store's stored answers, as SHA-1 ones", async () => {
    const Database = (await import("better-sqlite3")).default;
    const { MIGRATIONS } = await import("../../src/store/migrations/index.js");
    const src = new Database(location, { readonly: true });
    const caRow = src.prepare("SELECT * FROM cas WHERE id = ?").get(subId) as Record<string, unknown>;
    src.close();
    const file = tmp.path("v10.db");
    const db = new Database(file);
    // The fixture's CA row without its tenant and parent (the migration checks only its own table's keys).
    db.pragma("foreign_keys = OFF");
    for (const m of MIGRATIONS.sqlite.filter((m) => m.version <= 10)) db.exec(m.sql);
    db.exec("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)");
    for (const m of MIGRATIONS.sqlite.filter((m) => m.version <= 10)) db.prepare("INSERT INTO schema_migrations VALUES (?, ?, 0)").run(m.version, m.name);
    const cols = Object.keys(caRow);
    db.prepare(`INSERT INTO cas (${cols.join(", ")}) VALUES (${cols.map(() => "?").join(", ")})`).run(...cols.map((c) => caRow[c]));
    db.prepare("INSERT INTO ocsp_config VALUES (?, 0, 7, 1, 24, 1)").run(subId);
    db.prepare("INSERT INTO ocsp_responses VALUES (?, '0a', 'good', NULL, NULL, 'ca', 1, 2, X'3003')").run(subId);
    db.close();
    const up = await openStore(file, { passphrase: "migration 11" });
    try {
      expect(await up.read((tx) => tx.ocsp.getResponse(subId, "0a"))).toMatchObject({ certIdHash: "sha1", status: "good", signer: "ca", der: new Uint8Array([0x30, 0x03]) });
      expect(await up.read((tx) => tx.ocsp.getResponse(subId, "0a", "sha256"))).toBeNull();
      expect(await up.read((tx) => tx.ocsp.getConfig(subId))).toMatchObject({ presign: true, presignSha256: false });
    } finally {
      await up.close();
    }
  });

  it.skipIf(skip)("the responder certificate: the CA's family, within the CA, never past it; rotation needs a longer-lasting successor", async () => {
    const ca = await store.read((tx) => tx.cas.getPublic(subId));
    const { loadCa } = await import("../../src/ca/index.js");
    const { importPrivateKey, generateKeyPair } = await import("../../src/crypto/keys.js");
    const authority = loadCa({ certificate: ca!.certificatePem, key: importPrivateKey(Buffer.from(ca!.keyPkcs8)), chain: ca!.chainPem });
    const near = new Date(authority.notAfter.getTime() - 2 * DAY);
    const cert = buildResponderCertificate(authority, await generateKeyPair("ECC_256"), { now: near, days: 7 });
    expect(cert.notAfter.getTime()).toBe(authority.notAfter.getTime());
    expect(certificateIssuerAndSerial(cert.der).serialHex).toBe(cert.serialHex);
    await expect(async () => buildResponderCertificate(authority, await generateKeyPair("RSA_2048"), { now: new Date(), days: 7 })).rejects.toThrow(/ECC/);
    expect(() => buildResponderCertificate(authority, { spec: authority.spec } as never, { now: new Date(authority.notAfter.getTime() + 1000), days: 7 })).toThrow(RangeError);
    // One day left of a CA-capped responder: no rotation (a successor could not last longer).
    expect(responderNeedsRotation({ notBefore: near, notAfter: authority.notAfter }, 7, new Date(authority.notAfter.getTime() - DAY), authority.notAfter)).toBe(false);
    expect(responderNeedsRotation(null, 7, new Date(), authority.notAfter)).toBe(true);
  });
});
