/**
 * The certificate-order actions (CAS 2020-04-07) as service calls over a real SQLite store: quota
 * arithmetic, the state machine, domain rules, tenant scoping, and issuance judged by OpenSSL. The
 * validator here answers from a table of published records, so these tests pin the service's rules;
 * real DNS and HTTP validation is proven end to end in test/http/orders.e2e.test.ts.
 */
import { writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateKeyPair } from "../../src/crypto/keys.js";
import { createCsr } from "../../src/csr/index.js";
import type { DcvChallenge, DcvResult, DcvValidator } from "../../src/dcv/types.js";
import { toPem } from "../../src/internal/pem.js";
import { call, currentCrl } from "../../src/service/index.js";
import { validatePendingOrders } from "../../src/service/orders/index.js";
import { openssl } from "../helpers/openssl.js";
import { ROOT_PARAMS, SUB_PARAMS, refusal, sqliteContext } from "../helpers/service.js";

let clock = new Date();
let s: Awaited<ReturnType<typeof sqliteContext>>;
let rootId = "";
let subId = "";
const published = new Map<string, string>(); // "DNS:domain" / "FILE:domain" → value

/** Answers as a DNS server or web server holding `published` would. */
const validator: DcvValidator = {
  async check(ch: DcvChallenge): Promise<DcvResult> {
    const v = published.get(`${ch.method}:${ch.domain}`);
    if (v === undefined) return { ok: false, outcome: "not_found", detail: "nothing published" };
    return v === ch.value ? { ok: true, outcome: "ok", detail: "found" } : { ok: false, outcome: "mismatch", detail: "other value" };
  },
};
const pass = () => validatePendingOrders(s.ctx.store, s.ctx.config, validator, () => clock, { backoffMs: 1000 });


const CONTACT = { Username: "Tom", Phone: "13900000000", Email: "tom@example.test" };
const pkg = async (ProductCode = "digicert-free-1-free") => s.call("DescribePackageState", { ProductCode });
const state = (OrderId: number) => s.call("DescribeCertificateState", { OrderId });
const publish = async (OrderId: number) => {
  const st = await state(OrderId);
  for (const d of String(st.Domain).split(",")) published.set(`${st.ValidateType}:${d}`, st.RecordValue ?? st.Content);
};

beforeAll(async () => {
  s = await sqliteContext({ now: () => clock, config: { crlBaseUrl: "http://127.0.0.1:8080", defaultCrlDays: 7, orderValidationWindowSec: 3600 } });
  rootId = (await s.call("CreateRootCACertificate", { ...ROOT_PARAMS, Algorithm: "RSA_2048" })).Identifier;
  subId = (await s.call("CreateSubCACertificate", { ...SUB_PARAMS, Algorithm: "RSA_2048", ParentIdentifier: rootId })).Identifier;
  await s.ctx.store.transaction(async (tx) => {
    for (const code of ["digicert-free-1-free", "geotrust-dv-w-starter", "geotrust-ov-1-personal"]) {
      await tx.productCas.set(code, subId, clock);
    }
    await tx.packages.grant("default", "digicert-free-1-free", 6, clock);
    await tx.packages.grant("default", "geotrust-dv-w-starter", 2, clock);
    await tx.packages.grant("default", "geotrust-ov-1-personal", 1, clock);
    await tx.contacts.add({ tenantId: "default", ...{ name: "Ann", phone: "1", email: "ann@example.test" }, createdAt: clock });
    await tx.companies.add({ tenantId: "default", name: "Example Co", country: "CN", state: "Zhejiang", locality: "Hangzhou", createdAt: clock });
  });
});
afterAll(() => s.close());

describe("orders: apply, validate, issue", () => {
  it("a service-made key: DNS challenge → validated → issued; the chain verifies and the returned key is the certificate's", async () => {
    const { OrderId } = await s.call("CreateCertificateRequest", { ...CONTACT, Domain: "www.example.test", ValidateType: "DNS" });
    expect(typeof OrderId).toBe("number");
    const st = await state(OrderId);
    expect(st).toMatchObject({ Type: "domain_verify", ValidateType: "DNS", RecordType: "TXT", RecordDomain: "_dnsauth", Domain: "www.example.test" });
    expect(st.RecordValue).toMatch(/^\d{14}[0-9a-f]{34}$/); // 136 random bits after the date
    expect(await pkg()).toMatchObject({ TotalCount: 6, UsedCount: 1, IssuedCount: 0 });

    expect((await pass()).pending).toContain(OrderId); // nothing published yet
    await publish(OrderId);
    clock = new Date(clock.getTime() + 2000);
    expect((await pass()).issued).toEqual([OrderId]);
    const done = await state(OrderId);
    expect(done.Type).toBe("certificate");
    expect(await pkg()).toMatchObject({ UsedCount: 1, IssuedCount: 1 });

    const dir = s.tmp;
    const certs = String(done.Certificate).match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n?/g) ?? [];
    expect(certs).toHaveLength(3); // leaf, sub, root
    writeFileSync(dir.path("leaf.pem"), certs[0] as string);
    writeFileSync(dir.path("chain.pem"), (certs[1] as string) + certs[2]);
    writeFileSync(dir.path("root.pem"), certs[2] as string);
    const v = openssl(["verify", "-attime", String(Math.floor(clock.getTime() / 1000)), "-x509_strict", "-purpose", "sslserver", "-CAfile", dir.path("root.pem"), "-untrusted", dir.path("chain.pem"), dir.path("leaf.pem")]);
    expect(v.stdout + v.stderr).toContain("OK");
    expect(v.ok).toBe(true);
    writeFileSync(dir.path("key.pem"), done.PrivateKey);
    const fromCert = openssl(["x509", "-in", dir.path("leaf.pem"), "-noout", "-pubkey"]).stdout;
    const fromKey = openssl(["pkey", "-in", dir.path("key.pem"), "-pubout"]).stdout;
    expect(fromKey).toBe(fromCert);
    const text = openssl(["x509", "-in", dir.path("leaf.pem"), "-noout", "-subject", "-ext", "subjectAltName"]).stdout;
    expect(text).toContain("CN = www.example.test");
    expect(text).not.toContain("O = "); // DV: no organisation
    expect(text).toContain("DNS:www.example.test");
  });

  it("a caller's CSR: its CN and DNS names win over Domain, and every one of them is validated", async () => {
    const key = await generateKeyPair("RSA_2048");
    const csr = createCsr({ key, subject: { commonName: "api.example.test", organization: "Unchecked Org" }, sans: ["api.example.test", "api2.example.test"] }).pem;
    const { OrderId } = await s.call("CreateCertificateForPackageRequest", { Csr: csr, Domain: "ignored.example.test" });
    const st = await state(OrderId);
    expect(st.Domain).toBe("api.example.test,api2.example.test");
    published.set(`DNS:api.example.test`, st.RecordValue); // one of two names only
    clock = new Date(clock.getTime() + 60_000);
    expect((await pass()).pending).toContain(OrderId);
    published.set(`DNS:api2.example.test`, st.RecordValue);
    clock = new Date(clock.getTime() + 60_000);
    expect((await pass()).issued).toContain(OrderId);
    const done = await state(OrderId);
    expect(done.PrivateKey).toBeUndefined(); // caskit never held this key
    const text = openssl(["x509", "-noout", "-subject", "-ext", "subjectAltName"], { input: done.Certificate }).stdout;
    expect(text).toContain("DNS:api.example.test, DNS:api2.example.test");
    expect(text).not.toContain("Unchecked Org");
  });

  it("OV: the company profile goes into the subject; a wildcard order validates by DNS only", async () => {
    const ov = await s.call("CreateCertificateForPackageRequest", { ProductCode: "geotrust-ov-1-personal", Domain: "ov.example.test" });
    await publish(ov.OrderId);
    clock = new Date(clock.getTime() + 60_000);
    await pass();
    const cert = (await state(ov.OrderId)).Certificate;
    expect(openssl(["x509", "-noout", "-subject"], { input: cert }).stdout).toMatch(/O = Example Co/);
    expect((await refusal(s.call("CreateCertificateForPackageRequest", { ProductCode: "geotrust-dv-w-starter", Domain: "*.example.test", ValidateType: "FILE" }))).code).toBe("InvalidValidateType");
    expect((await refusal(s.call("CreateCertificateForPackageRequest", { ProductCode: "geotrust-dv-w-starter", Domain: "*.example.test,www.example.test" }))).code).toBe("InvalidDomain");
    expect((await refusal(s.call("CreateCertificateForPackageRequest", { Domain: "*.example.test" }))).code).toBe("InvalidDomain");
    expect((await refusal(s.call("CreateCertificateForPackageRequest", { Domain: "a.test,b.test,c.test,d.test,e.test,f.test" }))).code).toBe("InvalidDomain");
    const wild = await s.call("CreateCertificateForPackageRequest", { ProductCode: "geotrust-dv-w-starter", Domain: "*.example.test" });
    await publish(wild.OrderId);
    clock = new Date(clock.getTime() + 60_000);
    expect((await pass()).issued).toContain(wild.OrderId);
  });
});

describe("orders: quota and the state machine", () => {
  it("refused calls change nothing: no package, quota gone, bad parameters, another tenant's order", async () => {
    const before = await s.ctx.store.counts();
    expect((await refusal(s.call("CreateCertificateForPackageRequest", { ProductCode: "globalsign-dv-1-personal", Domain: "x.example.test" }))).code).toBe("CreateCertificateRequestFailed"); // no CA mapped
    await s.ctx.store.transaction((tx) => tx.productCas.set("globalsign-dv-1-personal", subId, clock));
    expect((await refusal(s.call("CreateCertificateForPackageRequest", { ProductCode: "globalsign-dv-1-personal", Domain: "x.example.test" }))).code).toBe("NotFoundPackage");
    expect((await refusal(s.call("CreateCertificateRequest", { ...CONTACT, ProductCode: "geotrust-ov-1-personal", Domain: "x.example.test", ValidateType: "DNS" }))).code).toBe("InvalidProductCode");
    expect((await refusal(s.call("CreateCertificateRequest", { ...CONTACT, Domain: "x.example.test" }))).code).toBe("MissingValidateType");
    expect((await refusal(s.call("DescribeCertificateState", { OrderId: 999_999 }))).code).toBe("NotFoundOrder");
    const after = await s.ctx.store.counts();
    expect({ ...after, audit_log: 0, product_cas: 0 }).toEqual({ ...before, audit_log: 0, product_cas: 0 });
  });

  it("cancel keeps the unit, delete gives it back; only the documented moves are allowed", async () => {
    const start = await pkg();
    const { OrderId } = await s.call("CreateCertificateForPackageRequest", { Domain: "cancel.example.test", ValidateType: "FILE" });
    expect((await pkg()).UsedCount).toBe(start.UsedCount + 1);
    expect((await refusal(s.call("DeleteCertificateRequest", { OrderId }))).code).toBe("OrderStateError");
    expect((await refusal(s.call("CancelCertificateForPackageRequest", { OrderId }))).code).toBe("OrderStateError");
    await s.call("CancelOrderRequest", { OrderId });
    expect((await state(OrderId)).Type).toBe("payed");
    expect((await pkg()).UsedCount).toBe(start.UsedCount + 1);
    expect((await refusal(s.call("CancelOrderRequest", { OrderId }))).code).toBe("OrderStateError");
    await s.call("DeleteCertificateRequest", { Orderid: String(OrderId) }); // the documents' spelling
    expect((await pkg()).UsedCount).toBe(start.UsedCount);
    expect((await refusal(state(OrderId))).code).toBe("NotFoundOrder");
  });

  it("validation that never passes ends in verify_fail at the deadline; a failed order can be deleted", async () => {
    const { OrderId } = await s.call("CreateCertificateForPackageRequest", { Domain: "never.example.test" });
    clock = new Date(clock.getTime() + 3601_000);
    expect((await pass()).failed).toContain(OrderId);
    expect((await state(OrderId)).Type).toBe("verify_fail");
    const audit = await s.ctx.store.read((tx) => tx.audit.list(50));
    expect(audit.some((a) => a.action === "ValidateOrder" && a.target === String(OrderId) && a.outcome === "error")).toBe(true);
    await s.call("DeleteCertificateRequest", { OrderId });
  });

  it("revoking an issued order puts the certificate on its CA's CRL and, within 30 days, gives the unit back; renewal makes a new order", async () => {
    const { OrderId } = await s.call("CreateCertificateForPackageRequest", { Domain: "rev.example.test" });
    await publish(OrderId);
    clock = new Date(clock.getTime() + 60_000);
    await pass();
    const renewed = await s.call("RenewCertificateOrderForPackageRequest", { OrderId });
    expect(renewed.OrderId).not.toBe(OrderId);
    expect((await state(renewed.OrderId)).Type).toBe("domain_verify");
    const mid = await pkg();
    const cert = (await state(OrderId)).Certificate as string;
    await s.call("CancelCertificateForPackageRequest", { OrderId });
    expect(await pkg()).toMatchObject({ UsedCount: mid.UsedCount - 1, IssuedCount: mid.IssuedCount - 1 });
    const list = await s.call("ListUserCertificateOrder", { Status: "REVOKED" });
    expect(list.CertificateOrderList.map((o: { OrderId: number }) => o.OrderId)).toContain(OrderId);
    const crl = await s.ctx.store.transaction(async (tx) => currentCrl(s.ctx, tx, (await tx.cas.get("default", subId))!));
    const serial = openssl(["x509", "-noout", "-serial"], { input: cert }).stdout.trim().split("=")[1];
    expect(openssl(["crl", "-inform", "PEM", "-noout", "-text"], { input: toPem("X509 CRL", crl.der) }).stdout).toContain(`Serial Number: ${serial}`);
    expect((await refusal(s.call("RenewCertificateOrderForPackageRequest", { OrderId }))).code).toBe("OrderStateError");
  });

  it("NotRemainCount once the package is used up", async () => {
    const left = (await pkg()).TotalCount - (await pkg()).UsedCount;
    for (let i = 0; i < left; i++) await s.call("CreateCertificateForPackageRequest", { Domain: `fill${i}.example.test` });
    const e = await refusal(s.call("CreateCertificateForPackageRequest", { Domain: "one-too-many.example.test" }));
    expect([e.code, e.status]).toEqual(["NotRemainCount", 404]);
  });

  it("ListUserCertificateOrder: CPACK items with SDK types, CERT items for issued orders, Keyword, paging", async () => {
    const all = await s.call("ListUserCertificateOrder", { ShowSize: 100 });
    expect(all.TotalCount).toBeGreaterThan(5);
    const issued = all.CertificateOrderList.find((o: { Status: string; Domain: string }) => o.Status === "ISSUED" && o.Domain === "www.example.test");
    expect(issued).toMatchObject({ SourceType: "cpack", TrusteeStatus: "unTrustee", Algorithm: "RSA", DomainType: "ONE" });
    expect(typeof issued.OrderId).toBe("number");
    expect(typeof issued.CertEndTime).toBe("number");
    const certs = await s.call("ListUserCertificateOrder", { OrderType: "CERT" });
    expect(certs.TotalCount).toBeGreaterThan(0);
    expect(certs.CertificateOrderList[0]).toMatchObject({ Upload: false, Expired: false });
    expect(certs.CertificateOrderList[0].EndDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const kw = await s.call("ListUserCertificateOrder", { Keyword: "api2.example" });
    expect(kw.TotalCount).toBe(1);
    const page = await s.call("ListUserCertificateOrder", { ShowSize: 2, CurrentPage: 2 });
    expect(page.CertificateOrderList).toHaveLength(2);
    expect((await s.call("ListUserCertificateOrder", { OrderType: "BUY" })).TotalCount).toBe(0);
  });

  it("another tenant sees none of these orders", async () => {
    await s.ctx.store.transaction((tx) => tx.tenants.create({ id: "other", name: "other", createdAt: clock }));
    const other = (action: string, params: Record<string, unknown>) => call({ ...s.ctx, tenantId: "other" }, action, params);
    const mine = await s.call("ListUserCertificateOrder", { ShowSize: 1 });
    const id = mine.CertificateOrderList[0].OrderId;
    expect((await refusal(other("DescribeCertificateState", { OrderId: id }))).code).toBe("NotFoundOrder");
    expect((await refusal(other("CancelOrderRequest", { OrderId: id }))).code).toBe("NotFoundOrder");
    expect(((await other("ListUserCertificateOrder", {})) as { TotalCount: number }).TotalCount).toBe(0);
    expect(await other("DescribePackageState", {})).toMatchObject({ TotalCount: 0, UsedCount: 0, IssuedCount: 0 });
  });
});
