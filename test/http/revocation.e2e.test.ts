/**
 * Revocation through the door HTTP users take: the official SDK against the built `caskit serve`, the
 * CRL fetched over HTTP from the URL the certificates carry, and OpenSSL as the judge.
 */
import { writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateKeyPair } from "../../src/crypto/keys.js";
import { createCsr } from "../../src/csr/index.js";
import { toPem } from "../../src/internal/pem.js";
import { openssl } from "../helpers/openssl.js";
import { sdkError, servedStore } from "../helpers/sdk.js";

let srv: Awaited<ReturnType<typeof servedStore>>;
let rootId = "";
let subId = "";
let csr = "";
const SUBJECT = { Organization: "caskit", OrganizationUnit: "e2e", Locality: "Hangzhou", State: "Zhejiang", CountryCode: "CN" };

beforeAll(async () => {
  srv = await servedStore(["--crl-base-url", "http://127.0.0.1:9", "--aia-base-url", "http://127.0.0.1:9", "--throttle", "0", "--crl-interval", "0"]);
  rootId = (await srv.call("CreateRootCACertificate", { ...SUBJECT, CommonName: "E2E Root", Algorithm: "ECC_256", Years: 5 })).Identifier;
  subId = (await srv.call("CreateSubCACertificate", { ...SUBJECT, CommonName: "E2E Sub", ParentIdentifier: rootId, Algorithm: "ECC_256", Years: 2, EnableCrl: true })).Identifier;
  csr = createCsr({ key: await generateKeyPair("ECC_256"), subject: { commonName: "e2e-rev.example.com" } }).pem;
}, 60_000);
afterAll(() => srv?.stop());

const file = (name: string, data: string | Uint8Array) => {
  writeFileSync(srv.tmp.path(name), data);
  return srv.tmp.path(name);
};
const crlOver = async (id: string) => new Uint8Array(await (await fetch(srv.url(`/crl/${id}.crl`))).arrayBuffer());
const pemOf = async (id: string) => (await srv.call("DescribeCACertificate", { Identifier: id })).Certificate.X509Certificate as string;

/** OpenSSL's chain check of `leaf` with both CRLs fetched over HTTP. */
async function verdict(leaf: string) {
  // toPem, not a hand-rolled block: a body of exactly 64·n base64 characters left a blank line before END,
  // which OpenSSL cannot read (a CRL of 288 bytes did that now and then).
  // toPem, not a hand-rolled block: a body of exactly 64·n base64 characters left a blank line before END,
  // which OpenSSL cannot read (a CRL of 288 bytes did that now and then).
  const crls = [await crlOver(subId), await crlOver(rootId)].map((d) => toPem("X509 CRL", d)).join("");
  const r = openssl(["verify", "-crl_check_all", "-CAfile", file("root.pem", await pemOf(rootId)), "-untrusted", file("sub.pem", await pemOf(subId)), "-CRLfile", file("crls.pem", crls), file("leaf.pem", leaf)]);
  return { ok: r.ok, out: r.stdout + r.stderr };
}

describe("revocation over HTTP (official SDK, built serve, OpenSSL)", () => {
  it("a revoked certificate deleted at once stays on the CRL served at /crl/<ca>.crl", async () => {
    const leaf = await srv.call("CreateServerCertificateWithCsr", { ParentIdentifier: subId, Csr: csr, Days: 30, Immediately: 1 });
    expect((await verdict(leaf.X509Certificate)).ok).toBe(true);
    await srv.call("CreateRevokeClientCertificate", { Identifier: leaf.Identifier });
    await srv.call("DeleteClientCertificate", { Identifier: leaf.Identifier });
    expect((await sdkError(srv.call("DescribeClientCertificate", { Identifier: leaf.Identifier }))).code).toBe("NotFoundCertificate");
    const v = await verdict(leaf.X509Certificate);
    expect(v.ok).toBe(false);
    expect(v.out).toContain("certificate revoked");
  });

  it("refuses removeFromCRL and certificateHold with InvalidReason (400); the certificate stays valid for OpenSSL", async () => {
    const leaf = await srv.call("CreateServerCertificateWithCsr", { ParentIdentifier: subId, Csr: csr, Days: 30, Immediately: 1 });
    for (const Reason of ["removeFromCRL", "8", "certificateHold"]) {
      const e = await sdkError(srv.call("CreateRevokeClientCertificate", { Identifier: leaf.Identifier, Reason }));
      expect([e.code, e.statusCode]).toEqual(["InvalidReason", 400]);
    }
    expect((await verdict(leaf.X509Certificate)).ok).toBe(true);
  });

  it("UpdateCACertificateStatus without Status is MissingStatus and revokes nothing; DescribeCACertificate has the counts", async () => {
    expect((await sdkError(srv.call("UpdateCACertificateStatus", { Identifier: subId }))).code).toBe("MissingStatus");
    const ca = (await srv.call("DescribeCACertificate", { Identifier: subId })).Certificate;
    expect(ca.Status).toBe("ISSUE");
    expect(typeof ca.CertTotalCount).toBe("number");
    expect(ca.CertRemainingCount).toBe(ca.CertTotalCount - ca.CertIssuedCount);
  });

  it("a sub-CA revoked with a reason: its certificate names the root's CRL, which lists it with that reason; leaves under it fail", async () => {
    const doomed = await srv.call("CreateSubCACertificate", { ...SUBJECT, CommonName: "E2E Doomed", ParentIdentifier: rootId, Algorithm: "ECC_256", Years: 1 });
    const text = openssl(["x509", "-noout", "-text"], { input: doomed.Certificate }).stdout;
    expect(text).toContain(`URI:http://127.0.0.1:9/crl/${rootId}.crl`);
    await srv.call("UpdateCACertificateStatus", { Identifier: doomed.Identifier, Status: "REVOKE", Reason: "keyCompromise" });
    const crl = openssl(["crl", "-inform", "DER", "-noout", "-text"], { input: await crlOver(rootId) }).stdout;
    const serial = ((await srv.call("DescribeCACertificate", { Identifier: doomed.Identifier })).Certificate.SerialNumber as string).toUpperCase();
    expect(crl.split("Serial Number: ").find((b) => b.startsWith(serial))).toContain("Key Compromise");
  });
});
