import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateKeyPair } from "../../src/crypto/keys.js";
import { createCsr } from "../../src/csr/index.js";
import { refreshAllCrls } from "../../src/service/crl.js";
import { ROOT_PARAMS, SUB_PARAMS, sqliteContext } from "../helpers/service.js";

let clock = new Date("2027-03-01T00:00:00Z");
let s: Awaited<ReturnType<typeof sqliteContext>>;
let subId = "";
let rootId = "";
beforeAll(async () => {
  s = await sqliteContext({ now: () => clock });
  rootId = (await s.call("CreateRootCACertificate", ROOT_PARAMS)).Identifier;
  subId = (await s.call("CreateSubCACertificate", { ...SUB_PARAMS, ParentIdentifier: rootId, CrlDay: 2 })).Identifier;
});
afterAll(() => s.close());

const latest = (id: string) => s.ctx.store.transaction((tx) => tx.crls.latest(id));
const refresh = () => refreshAllCrls(s.ctx.store, s.ctx.config, () => clock);

describe("refreshAllCrls (the serve scheduler's pass)", () => {
  it("builds a first CRL for every active CA, then leaves fresh ones alone", async () => {
    expect((await refresh()).sort()).toEqual([rootId, subId].sort());
    const first = await latest(subId);
    expect(first?.crlNumber).toBe(1n);
    expect(await refresh()).toEqual([]);
  });
  it("rebuilds once after a burst of revocations (batched), with a higher number", async () => {
    const csr = createCsr({ key: await generateKeyPair("ECC_256"), subject: { commonName: "s.example.com" } }).pem;
    clock = new Date(clock.getTime() + 60_000);
    for (let i = 0; i < 5; i++) {
      const { Identifier } = await s.call("CreateServerCertificateWithCsr", { ParentIdentifier: subId, Csr: csr, Days: 30 });
      await s.call("CreateRevokeClientCertificate", { Identifier });
    }
    clock = new Date(clock.getTime() + 1000);
    expect(await refresh()).toEqual([subId]);
    expect((await latest(subId))?.crlNumber).toBe(2n);
    expect(await refresh()).toEqual([]);
  });
  it("a revocation earlier in the same second as the rebuild is in it: no rebuild; one after it forces one", async () => {
    const csr = createCsr({ key: await generateKeyPair("ECC_256"), subject: { commonName: "t.example.com" } }).pem;
    clock = new Date(Math.floor(clock.getTime() / 1000) * 1000 + 60_000 + 100); // hh:mm:ss.100
    const { Identifier } = await s.call("CreateServerCertificateWithCsr", { ParentIdentifier: subId, Csr: csr, Days: 30 });
    await s.call("CreateRevokeClientCertificate", { Identifier });
    clock = new Date(clock.getTime() + 300); // .400, same second
    expect(await refresh()).toEqual([subId]);
    const built = await latest(subId);
    expect((built?.thisUpdate.getTime() ?? 1) % 1000).toBe(0); // the CRL carries whole seconds
    clock = new Date(clock.getTime() + 300); // .700, still the same second
    expect(await refresh()).toEqual([]);
    const second = await s.call("CreateServerCertificateWithCsr", { ParentIdentifier: subId, Csr: csr, Days: 30 });
    await s.call("CreateRevokeClientCertificate", { Identifier: second.Identifier }); // at .700: after the build
    expect(await refresh()).toEqual([subId]);
    expect((await latest(subId))?.crlNumber).toBe((built?.crlNumber ?? 0n) + 1n);
  });
  it("rebuilds when half the CRL's validity (CrlDay) has passed, before nextUpdate", async () => {
    const before = await latest(subId);
    clock = new Date(clock.getTime() + 86_400_000 + 1000); // CrlDay 2 → half is one day
    expect(await refresh()).toContain(subId);
    const after = await latest(subId);
    expect(after?.crlNumber).toBe((before?.crlNumber ?? 0n) + 1n);
    expect(after && after.nextUpdate.getTime() > clock.getTime()).toBe(true);
  });
  it("skips revoked CAs", async () => {
    await s.call("UpdateCACertificateStatus", { Identifier: subId, Status: "REVOKE" });
    clock = new Date(clock.getTime() + 3 * 86_400_000);
    expect(await refresh()).not.toContain(subId);
  });
});
