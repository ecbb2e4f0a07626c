import { writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCsr } from "../../src/csr/index.js";
import { generateKeyPair } from "../../src/crypto/keys.js";
import { currentCrl } from "../../src/service/index.js";
import { toPem } from "../../src/internal/pem.js";
import { openssl } from "../helpers/openssl.js";
import { ROOT_PARAMS, SUB_PARAMS, refusal, sqliteContext } from "../helpers/service.js";

let s: Awaited<ReturnType<typeof sqliteContext>>;
let rootId = "";
let subId = "";
let csrPem = "";
beforeAll(async () => {
  s = await sqliteContext();
  rootId = (await s.call("CreateRootCACertificate", ROOT_PARAMS)).Identifier;
  subId = (await s.call("CreateSubCACertificate", { ...SUB_PARAMS, ParentIdentifier: rootId })).Identifier;
  csrPem = createCsr({ key: await generateKeyPair("ECC_256"), subject: { commonName: "svc.example.com" } }).pem;
});
afterAll(() => s.close());


describe("CA actions", () => {
  it("CreateRootCACertificate / CreateSubCACertificate / DescribeCACertificate with SDK types", async () => {
    const d = await s.call("DescribeCACertificate", { Identifier: subId });
    expect(d.Certificate).toMatchObject({ CertificateType: "SUB_ROOT", Identifier: subId, ParentIdentifier: rootId, Status: "ISSUE", Algorithm: "ECC", KeySize: 256, CrlDay: 3, CrlStatus: "ACTIVE" });
    expect(typeof d.Certificate.BeforeDate).toBe("number");
    expect(d.Certificate.CrlUrl).toBe(`http://127.0.0.1:8080/crl/${subId}.crl`);
    expect(d.Certificate.SubjectDN).toBe("ST=Zhejiang,L=Hangzhou,O=caskit,OU=Tests,CN=Svc Sub");
    expect((await s.call("DescribeCACertificateCount")).TotalCount).toBe(2);
    const list = await s.call("DescribeCACertificateList", { ShowSize: "1", CurrentPage: "2" });
    expect(list).toMatchObject({ TotalCount: 2, PageCount: 2, ShowSize: 1, CurrentPage: 2 });
    expect(list.CertificateList).toHaveLength(1);
  });
  it.each<[string, Record<string, unknown>, string]>([
    ["a missing CommonName", { ...ROOT_PARAMS, CommonName: undefined }, "MissingCommonName"],
    ["Years as text", { ...ROOT_PARAMS, Years: "ten" }, "InvalidYears"],
    ["an unknown Algorithm", { ...ROOT_PARAMS, Algorithm: "DSA_1024" }, "InvalidAlgorithm"],
    ["RSA_1024", { ...ROOT_PARAMS, Algorithm: "RSA_1024" }, "InvalidAlgorithm"],
  ])("CreateRootCACertificate refuses %s", async (_n, params, code) => {
    expect((await refusal(s.call("CreateRootCACertificate", params))).code).toBe(code);
  });
  it("refuses a sub-CA of another family, an unknown parent, and a validity past the parent", async () => {
    expect((await refusal(s.call("CreateSubCACertificate", { ...SUB_PARAMS, ParentIdentifier: rootId, Algorithm: "RSA_2048" }))).code).toBe("InvalidAlgorithm.FamilyMismatch");
    const nf = await refusal(s.call("CreateSubCACertificate", { ...SUB_PARAMS, ParentIdentifier: "nope" }));
    expect([nf.code, nf.status]).toEqual(["NotFoundCACertificate", 404]);
    expect((await refusal(s.call("CreateSubCACertificate", { ...SUB_PARAMS, ParentIdentifier: rootId, Years: 11 }))).code).toBe("InvalidValidity.BeyondIssuer");
  });
});

describe("issuance and lifecycle", () => {
  it("Immediately 0, 1, 2 shape the response; the certificate is retrievable later", async () => {
    const base = { ParentIdentifier: subId, Csr: csrPem, Days: 30, Domain: "www.svc.example.com,10.0.0.9" };
    const r0 = await s.call("CreateServerCertificateWithCsr", { ...base, Immediately: 0 });
    expect(Object.keys(r0)).toEqual(["Identifier"]);
    const r1 = await s.call("CreateServerCertificateWithCsr", { ...base, Immediately: "1" });
    expect(Object.keys(r1).sort()).toEqual(["Identifier", "SerialNumber", "X509Certificate"]);
    const r2 = await s.call("CreateServerCertificateWithCsr", { ...base, Immediately: 2 });
    expect(r2.CertificateChain).toContain("BEGIN CERTIFICATE");
    const d = await s.call("DescribeClientCertificate", { Identifier: r0.Identifier });
    expect(d.Certificate).toMatchObject({ Identifier: r0.Identifier, CertificateType: "SERVER", Status: "ISSUE", CommonName: "svc.example.com", ParentIdentifier: subId, Days: 30 });
    expect(JSON.parse(d.Certificate.Sans)).toEqual([
      { Type: 2, Value: "svc.example.com" },
      { Type: 2, Value: "www.svc.example.com" },
      { Type: 7, Value: "10.0.0.9" },
    ]);
  });

  it("a root cannot issue leaves; a CSR of another family is refused", async () => {
    expect((await refusal(s.call("CreateServerCertificateWithCsr", { ParentIdentifier: rootId, Csr: csrPem, Days: 1 }))).code).toBe("InvalidParentIdentifier.RootCannotIssue");
    const rsaCsr = createCsr({ key: await generateKeyPair("RSA_2048"), subject: { commonName: "rsa.example.com" } }).pem;
    expect((await refusal(s.call("CreateServerCertificateWithCsr", { ParentIdentifier: subId, Csr: rsaCsr, Days: 1 }))).code).toBe("InvalidAlgorithm.FamilyMismatch");
  });

  it("revoke → status revoked → the CA's CRL lists it (OpenSSL) → delete; only REVOKE certificates delete", async () => {
    const { Identifier, SerialNumber, X509Certificate } = await s.call("CreateServerCertificateWithCsr", { ParentIdentifier: subId, Csr: csrPem, Days: 5, Immediately: 1 });
    const good = await s.call("CreateServerCertificateWithCsr", { ParentIdentifier: subId, Csr: csrPem, Days: 5, Immediately: 1 });
    expect((await refusal(s.call("DeleteClientCertificate", { Identifier }))).code).toBe("InvalidStatus.Certificate");
    await s.call("CreateRevokeClientCertificate", { Identifier, Reason: "keyCompromise" });
    const st = await s.call("DescribeClientCertificateStatus", { Identifier: `${Identifier},${good.Identifier},ffff` });
    expect(st.CertificateStatus.map((x: { Status: string }) => x.Status)).toEqual(["revoked", "good", "unknown"]);
    expect(typeof st.CertificateStatus[0].RevokeTime).toBe("number");
    const revoked = await s.call("ListRevokeCertificate", {});
    expect(revoked.CertificateList.map((c: { Identifier: string }) => c.Identifier)).toContain(Identifier);
    expect(revoked.CertificateList[0].RevokeDate).toMatch(/^\d{4}-\d{2}-\d{2}T00:00Z$/);

    const crl = await s.ctx.store.transaction(async (tx) => currentCrl(s.ctx, tx, (await tx.cas.get("default", subId))!));
    const sub = (await s.call("DescribeCACertificate", { Identifier: subId })).Certificate;
    const root = (await s.call("DescribeCACertificate", { Identifier: rootId })).Certificate;
    const f = (n: string, c: string) => {
      writeFileSync(s.tmp.path(n), c);
      return s.tmp.path(n);
    };
    const crlFile = f("sub.crl", toPem("X509 CRL", crl.der));
    const chain = f("chain.pem", sub.X509Certificate + root.X509Certificate);
    const bad = openssl(["verify", "-crl_check", "-CRLfile", crlFile, "-CAfile", chain, f("bad.pem", X509Certificate)]);
    expect(bad.stderr + bad.stdout).toContain("certificate revoked");
    expect(openssl(["verify", "-crl_check", "-CRLfile", crlFile, "-CAfile", chain, f("good.pem", good.X509Certificate)]).ok).toBe(true);
    expect(openssl(["crl", "-in", crlFile, "-noout", "-text"]).stdout).toContain(`Serial Number: ${SerialNumber.toUpperCase()}`);

    await s.call("DeleteClientCertificate", { Identifier });
    expect((await refusal(s.call("DescribeClientCertificate", { Identifier }))).status).toBe(404);
  });

  it("a revoked CA issues nothing and its certificates report revoked", async () => {
    const sub2 = (await s.call("CreateSubCACertificate", { ...SUB_PARAMS, CommonName: "Doomed Sub", ParentIdentifier: rootId })).Identifier;
    const leaf = await s.call("CreateServerCertificateWithCsr", { ParentIdentifier: sub2, Csr: csrPem, Days: 5 });
    await s.call("UpdateCACertificateStatus", { Identifier: sub2, Status: "REVOKE", Reason: "cACompromise" });
    expect((await refusal(s.call("UpdateCACertificateStatus", { Identifier: sub2, Status: "REVOKE" }))).code).toBe("InvalidStatus.CACertificate");
    expect((await refusal(s.call("CreateServerCertificateWithCsr", { ParentIdentifier: sub2, Csr: csrPem, Days: 5 }))).code).toBe("CACertificateRevoked");
    expect((await s.call("DescribeClientCertificate", { Identifier: leaf.Identifier })).Certificate.Status).toBe("REVOKE");
    expect((await s.call("DescribeClientCertificateStatus", { Identifier: leaf.Identifier })).CertificateStatus[0].Status).toBe("revoked");
    // The revoked sub-CA is on its root's CRL, which OpenSSL reads and verifies.
    const crl = await s.ctx.store.transaction(async (tx) => currentCrl(s.ctx, tx, (await tx.cas.get("default", rootId))!));
    const crlFile = s.tmp.path("root.crl");
    writeFileSync(crlFile, toPem("X509 CRL", crl.der));
    const rootPem = s.tmp.path("root-ca.pem");
    writeFileSync(rootPem, (await s.call("DescribeCACertificate", { Identifier: rootId })).Certificate.X509Certificate);
    const text = openssl(["crl", "-in", crlFile, "-CAfile", rootPem, "-noout", "-text"]);
    expect(text.stderr).toContain("verify OK");
    const subSerial = (await s.call("DescribeCACertificate", { Identifier: sub2 })).Certificate.SerialNumber;
    expect(text.stdout).toContain(`Serial Number: ${subSerial.toUpperCase()}`);
    expect(text.stdout).toContain("CA Compromise");
  });

  it("DescribeCertificatePrivateKey returns the generated key encrypted for OpenSSL, and refuses CSR-based ones", async () => {
    const gen = await s.call("CreateClientCertificate", { ParentIdentifier: subId, CommonName: "alice", Days: 3, SanType: 1, SanValue: "alice@example.com", Immediately: 1 });
    const { EncryptedData } = await s.call("DescribeCertificatePrivateKey", { Identifier: gen.Identifier, EncryptedCode: "pa55,word" });
    expect(EncryptedData).toContain("BEGIN ENCRYPTED PRIVATE KEY");
    const keyFile = s.tmp.path("k.pem");
    writeFileSync(keyFile, EncryptedData);
    const certFile = s.tmp.path("c.pem");
    writeFileSync(certFile, gen.X509Certificate);
    const pub1 = openssl(["pkey", "-in", keyFile, "-passin", "pass:pa55,word", "-pubout"]).stdout;
    const pub2 = openssl(["x509", "-in", certFile, "-noout", "-pubkey"]).stdout;
    expect(pub1).toBe(pub2);
    const csrBased = await s.call("CreateServerCertificateWithCsr", { ParentIdentifier: subId, Csr: csrPem, Days: 1 });
    expect((await refusal(s.call("DescribeCertificatePrivateKey", { Identifier: csrBased.Identifier, EncryptedCode: "x" }))).code).toBe("NoPrivateKey");
  });

  it("bad input changes nothing: every table but the audit log keeps its count, the CRL number too", async () => {
    const before = await s.ctx.store.counts();
    const crlNo = () => s.ctx.store.transaction(async (tx) => (await tx.crls.latest(subId))?.crlNumber ?? 0n);
    const crlBefore = await crlNo();
    const bad: Array<[string, Record<string, unknown>]> = [
      ["CreateServerCertificateWithCsr", { ParentIdentifier: subId, Csr: "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----", Days: 1 }],
      ["CreateServerCertificateWithCsr", { ParentIdentifier: subId, Csr: csrPem }],
      ["CreateServerCertificateWithCsr", { ParentIdentifier: subId, Csr: csrPem, Days: 1, Domain: "bad_name" }],
      ["CreateServerCertificateWithCsr", { ParentIdentifier: subId, Csr: csrPem, Years: 50 }],
      ["CreateServerCertificate", { ParentIdentifier: subId, CommonName: "x.example.com", Algorithm: "SM2_256", Days: 1 }],
      ["CreateSubCACertificate", { ...SUB_PARAMS, ParentIdentifier: rootId, ExtendedKeyUsages: ["nonsense"] }],
      ["CreateRevokeClientCertificate", { Identifier: "does-not-exist" }],
      ["DeleteClientCertificate", { Identifier: "does-not-exist" }],
      ["UpdateCACertificateStatus", { Identifier: rootId, Status: "ISSUE" }],
    ];
    for (const [action, params] of bad) await refusal(s.call(action, params));
    const after = await s.ctx.store.counts();
    expect({ ...after, audit_log: 0 }).toEqual({ ...before, audit_log: 0 });
    expect(after.audit_log).toBe((before.audit_log ?? 0) + bad.length);
    expect(await crlNo()).toBe(crlBefore);
    const audit = await s.ctx.store.transaction((tx) => tx.audit.list(bad.length));
    expect(audit.every((a) => a.outcome === "error")).toBe(true);
  });
});
