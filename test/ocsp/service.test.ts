/**
 * The responder service (src/service/ocsp.ts) in-process, on a real SQLite store built through the CAS
 * actions: the cases the HTTP tests do not reach — several CertIDs in one request, CertIDs naming two
 * CAs, a revocation two levels up, the store failing (tryLater / internalError), and the read snapshot.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fromPemAll } from "../../src/internal/pem.js";
import { buildOcspRequest, certificateIssuerAndSerial, certificateSubjectAndSpki, parseOcspResponse, verifyOcspResponse } from "../../src/revoke/index.js";
import { OCSP_VALIDITY_SEC, answerOcsp } from "../../src/service/ocsp.js";
import { StoreError } from "../../src/store/errors.js";
import type { Store } from "../../src/store/port.js";
import { ROOT_PARAMS, SUB_PARAMS, sqliteContext } from "../helpers/service.js";

let s: Awaited<ReturnType<typeof sqliteContext>>;
const now = new Date("2026-12-01T08:00:00.250Z");
let rootId = "";
let subId = "";
let subPem = "";
let rootPem = "";
const leaves: Record<string, { serial: string; id: string }> = {};

const der = (pem: string) => fromPemAll("CERTIFICATE", pem)[0] as Uint8Array;
const idFor = (caPem: string, serial: string, hash: "sha1" | "sha256" = "sha1") => {
  const { subjectDer, spki } = certificateSubjectAndSpki(der(caPem));
  return { hash, issuerNameDer: subjectDer, issuerSpki: spki, serial };
};
const certSerial = (pem: string) => certificateIssuerAndSerial(der(pem)).serialHex as string;
const opts = () => ({ store: s.ctx.store, config: s.ctx.config, now: () => now });

beforeAll(async () => {
  s = await sqliteContext({ now: () => now });
  rootId = (await s.call("CreateRootCACertificate", ROOT_PARAMS)).Identifier;
  subId = (await s.call("CreateSubCACertificate", { ...SUB_PARAMS, ParentIdentifier: rootId })).Identifier;
  rootPem = (await s.call("DescribeCACertificate", { Identifier: rootId })).Certificate.X509Certificate;
  subPem = (await s.call("DescribeCACertificate", { Identifier: subId })).Certificate.X509Certificate;
  for (const name of ["a", "b", "c"]) {
    const r = await s.call("CreateServerCertificate", { ParentIdentifier: subId, CommonName: `${name}.example.com`, Algorithm: "ECC_256", Days: 30, Immediately: 1 });
    leaves[name] = { serial: r.SerialNumber, id: r.Identifier };
  }
  await s.call("CreateRevokeClientCertificate", { Identifier: leaves.b?.id, Reason: "affiliationChanged" });
}, 60_000);
afterAll(() => s?.close());

describe("answerOcsp", () => {
  it("answers every CertID of a request in order, one signature, thisUpdate = producedAt = now (seconds), nextUpdate an hour on", async () => {
    const req = buildOcspRequest({ certIds: [idFor(subPem, leaves.a?.serial as string), idFor(subPem, leaves.b?.serial as string, "sha256"), idFor(subPem, "7f00ff")] });
    const a = await answerOcsp(opts(), req, subId);
    expect(a).toMatchObject({ status: "successful", caId: subId });
    const info = parseOcspResponse(a.der);
    expect(verifyOcspResponse(info, certificateSubjectAndSpki(der(subPem)).spki)).toBe(true);
    expect(info.basic?.responses.map((r) => [r.serialHex, r.hash, r.status, r.reason])).toEqual([
      [leaves.a?.serial, "sha1", "good", undefined],
      [leaves.b?.serial, "sha256", "revoked", "affiliationChanged"],
      ["7f00ff", "sha1", "unknown", undefined],
    ]);
    const second = new Date("2026-12-01T08:00:00Z");
    expect(info.basic?.producedAt).toEqual(second);
    for (const r of info.basic?.responses ?? []) {
      expect(r.thisUpdate).toEqual(second);
      expect(r.nextUpdate).toEqual(new Date(second.getTime() + OCSP_VALIDITY_SEC * 1000));
    }
    // No CA in the path: the same answer.
    expect(parseOcspResponse((await answerOcsp(opts(), req)).der).basic?.responses.map((r) => r.status)).toEqual(["good", "revoked", "unknown"]);
  });

  it("CertIDs naming two CAs, or none caskit holds → unauthorized", async () => {
    const mixed = buildOcspRequest({ certIds: [idFor(subPem, leaves.a?.serial as string), idFor(rootPem, "01")] });
    expect((await answerOcsp(opts(), mixed)).status).toBe("unauthorized");
    expect((await answerOcsp(opts(), mixed, subId)).status).toBe("unauthorized");
    const root = buildOcspRequest({ certIds: [idFor(rootPem, "01")] });
    expect((await answerOcsp(opts(), root, subId)).status).toBe("unauthorized");
    expect((await answerOcsp(opts(), root, "no-such-ca")).status).toBe("unauthorized");
    expect((await answerOcsp(opts(), root, rootId)).status).toBe("successful");
  });

  it("the store unreachable → tryLater; anything else → internalError; malformed before the store is asked", async () => {
    const req = buildOcspRequest({ certIds: [idFor(subPem, leaves.a?.serial as string)] });
    let asked = 0;
    const fail = async (): Promise<never> => {
      asked++;
      throw lastError;
    };
    let lastError: Error = new Error("unset");
    const failing = (e: Error): Store => {
      lastError = e;
      return { ...s.ctx.store, read: fail, changeMark: fail } as Store;
    };
    expect(await answerOcsp({ ...opts(), store: failing(new StoreError("unavailable", "database is locked")) }, req, subId)).toMatchObject({ status: "tryLater", reason: expect.stringContaining("locked") });
    expect(await answerOcsp({ ...opts(), store: failing(new Error("boom")) }, req, subId)).toMatchObject({ status: "internalError" });
    expect((await answerOcsp(opts(), req.subarray(0, 10), subId)).status).toBe("malformedRequest");
    expect(asked).toBe(2);
    expect(Buffer.from((await answerOcsp({ ...opts(), store: failing(new Error("x")) }, req)).der).toString("hex")).toBe("30030a0102");
  });

  it("reads only the snapshot: an OCSP answer does not wait for a writer holding the write lock", async () => {
    const req = buildOcspRequest({ certIds: [idFor(subPem, leaves.c?.serial as string)] });
    let release: () => void = () => {};
    const held = new Promise<void>((r) => (release = r));
    const writer = s.ctx.store.transaction(async (tx) => {
      await tx.cas.takeCrlNumber(subId);
      await held;
    });
    const answered = await Promise.race([answerOcsp(opts(), req, subId), new Promise<"blocked">((r) => setTimeout(() => r("blocked"), 3000))]);
    release();
    await writer;
    expect(answered).not.toBe("blocked");
    expect((answered as { status: string }).status).toBe("successful");
  });

  it("revoked through a CA two levels up: the root's revocation time, cACompromise when the root's key was compromised", async () => {
    const req = buildOcspRequest({ certIds: [idFor(subPem, leaves.a?.serial as string), idFor(subPem, leaves.b?.serial as string)] });
    await s.call("UpdateCACertificateStatus", { Identifier: rootId, Status: "REVOKE", Reason: "keyCompromise" });
    const info = parseOcspResponse((await answerOcsp(opts(), req, subId)).der);
    expect(info.basic?.responses.map((r) => [r.status, r.revokedAt, r.reason])).toEqual([
      ["revoked", new Date("2026-12-01T08:00:00Z"), "cACompromise"],
      // Its own, earlier revocation stands.
      ["revoked", new Date("2026-12-01T08:00:00Z"), "affiliationChanged"],
    ]);
    // The root answers for the sub-CA it signed: revoked through the root as well.
    const sub = parseOcspResponse((await answerOcsp(opts(), buildOcspRequest({ certIds: [idFor(rootPem, certSerial(subPem))] }), rootId)).der);
    expect(sub.basic?.responses[0]).toMatchObject({ status: "revoked", reason: "cACompromise" });
  });
});
