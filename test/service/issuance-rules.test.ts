/**
 * Regression tests for the issuance-rule defects through the service actions (the door the HTTP API and
 * the CLI use): issue 9 #8, issue 14 #10, #6, #11, #9 and issue 9 #19. Each refusal is a CAS code of the
 * one error table; nothing refused is stored; what is issued is judged by OpenSSL.
 */
import { generateKeyPairSync } from "node:crypto";
import { writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateKeyPair } from "../../src/crypto/keys.js";
import { createCsr } from "../../src/csr/index.js";
import { tlv, utf8String } from "../../src/internal/der.js";
import { CAS_ERROR_TABLE } from "../../src/service/index.js";
import * as B from "../helpers/csr-builder.js";
import { openssl } from "../helpers/openssl.js";
import { ROOT_PARAMS, SUB_PARAMS, refusal, sqliteContext } from "../helpers/service.js";

const YEAR = 365 * 86_400_000;
let offset = 0; // the service clock, moved by the tests
let s: Awaited<ReturnType<typeof sqliteContext>>;
let root: Record<string, any>;
let sub: Record<string, any>;
let subNotBefore = 0; // Unix seconds
let subNotAfter = 0;
let personCsr = "";
let namelessCsr = "";
let serverCsr = "";
beforeAll(async () => {
  s = await sqliteContext({ now: () => new Date(Date.now() + offset) });
  root = await s.call("CreateRootCACertificate", ROOT_PARAMS);
  sub = await s.call("CreateSubCACertificate", { ...SUB_PARAMS, ParentIdentifier: root.Identifier });
  const d = (await s.call("DescribeCACertificate", { Identifier: sub.Identifier })).Certificate;
  subNotBefore = Math.floor(d.BeforeDate / 1000);
  subNotAfter = Math.floor(d.AfterDate / 1000);
  const key = await generateKeyPair("ECC_256");
  personCsr = createCsr({ key, subject: { commonName: "Alice Smith", organization: "Example" } }).pem;
  namelessCsr = createCsr({ key, subject: { organization: "Example" } }).pem;
  serverCsr = createCsr({ key, subject: { commonName: "svc.example.com" } }).pem;
});
afterAll(() => s.close());

const stored = async () => (await s.call("ListClientCertificate", { ShowSize: 1 })).TotalCount as number;
/** The CAS code and status of a refusal, and that nothing was stored. */
async function refused(action: string, params: Record<string, unknown>) {
  const before = await stored();
  const e = await refusal(s.call(action, params));
  expect(await stored()).toBe(before);
  // A stable code of the one table (or of the service's own Missing/Invalid parameter codes).
  return { code: e.code, status: e.status, message: e.message };
}
const inTable = (code: string) => Object.values(CAS_ERROR_TABLE).some((r) => r.cas === code);
let n = 0;
function judge(certPem: string, chainPem: string, purpose: "sslserver" | "sslclient") {
  const f = (name: string, c: string) => {
    const p = s.tmp.path(`${n++}-${name}`);
    writeFileSync(p, c);
    return p;
  };
  const cert = f("leaf.pem", certPem);
  return {
    verify: openssl(["verify", "-x509_strict", "-purpose", purpose, "-CAfile", f("root.pem", root.Certificate ?? ""), "-untrusted", f("chain.pem", chainPem), cert]),
    text: openssl(["x509", "-in", cert, "-noout", "-text", "-nameopt", "RFC2253"]).stdout,
  };
}
const base = () => ({ ParentIdentifier: sub.Identifier, Days: 5, Immediately: 2 });

describe("client certificates (issue 9 #8)", () => {
  it("CreateClientCertificateWithCsr takes a CSR whose CN is a person's name; OpenSSL verifies it for sslclient", async () => {
    const r = await s.call("CreateClientCertificateWithCsr", { ...base(), Csr: personCsr });
    const j = judge(r.X509Certificate, r.CertificateChain, "sslclient");
    expect(j.verify.ok).toBe(true);
    expect(j.text).toContain("CN=Alice Smith");
    expect(j.text).toContain("TLS Web Client Authentication");
  });
  it("CreateServerCertificateWithCsr still refuses that CSR (the host-name rule is the server profile's)", async () => {
    const r = await refused("CreateServerCertificateWithCsr", { ...base(), Csr: personCsr });
    expect(r.code).toBe("InvalidCsr.BadName");
    expect(r.message).toContain('"Alice Smith"');
  });
  it("CreateClientCertificate with neither CN nor SAN is refused: it would name no one", async () => {
    const r = await refused("CreateClientCertificate", { ...base(), Algorithm: "ECC_256", Organization: "Acme" });
    expect([r.code, r.status]).toEqual(["MissingCommonName", 400]);
    expect(inTable(r.code)).toBe(true);
  });
  it("CreateClientCertificate with CommonName=bob or with a SAN only still issues", async () => {
    const bob = await s.call("CreateClientCertificate", { ...base(), Algorithm: "ECC_256", CommonName: "bob" });
    expect(judge(bob.X509Certificate, bob.CertificateChain, "sslclient").verify.ok).toBe(true);
    const uri = await s.call("CreateClientCertificate", { ...base(), Algorithm: "ECC_256", SanType: 6, SanValue: "spiffe://example.org/device/7" });
    expect(judge(uri.X509Certificate, uri.CertificateChain, "sslclient").text).toContain("URI:spiffe://example.org/device/7");
  });
  it("CreateClientCertificateWithCsr with a nameless CSR: refused unless CommonName is given", async () => {
    expect((await refused("CreateClientCertificateWithCsr", { ...base(), Csr: namelessCsr })).code).toBe("MissingCommonName");
    const r = await s.call("CreateClientCertificateWithCsr", { ...base(), Csr: namelessCsr, CommonName: "Device 7" });
    expect(judge(r.X509Certificate, r.CertificateChain, "sslclient").text).toContain("CN=Device 7");
  });
});

describe("one name rule for server certificates (issue 14 #10)", () => {
  it.each([
    ["*", undefined],
    ["a.*.example.com", undefined],
    ["localhost", undefined],
    ["localhost", "www.example.com"],
    ["Payments API", "pay.example.com"],
  ])("CreateServerCertificate CommonName=%s (Domain %s) → InvalidCommonName, nothing stored", async (cn, domain) => {
    const r = await refused("CreateServerCertificate", { ...base(), Algorithm: "ECC_256", CommonName: cn, ...(domain ? { Domain: domain } : {}) });
    expect([r.code, r.status]).toEqual(["InvalidCommonName", 400]);
    expect(inTable(r.code)).toBe(true);
  });
  it("the CSR path refuses the same names", async () => {
    const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const spki = new Uint8Array(publicKey.export({ format: "der", type: "spki" }));
    for (const cn of ["*", "a.*.example.com", "localhost"]) {
      const csr = B.csrPem(B.signRequest(B.requestInfo({ subject: B.name(B.cn(cn)), spki }), privateKey));
      expect((await refused("CreateServerCertificateWithCsr", { ...base(), Csr: csr })).code).toBe("InvalidCsr.BadName");
    }
  });
  it("a good CN always ends up as a SAN: OpenSSL verifies sslserver", async () => {
    for (const cn of ["*.example.com", "gen.example.com", "10.9.8.7"]) {
      const r = await s.call("CreateServerCertificate", { ...base(), Algorithm: "ECC_256", CommonName: cn });
      const j = judge(r.X509Certificate, r.CertificateChain, "sslserver");
      expect(j.verify.ok).toBe(true);
      expect(j.text).toMatch(/X509v3 Subject Alternative Name:\s+(DNS|IP Address):/);
    }
  });
});

describe("subject text (issue 14 #11)", () => {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const spki = new Uint8Array(publicKey.export({ format: "der", type: "spki" }));
  const withO = (value: Uint8Array) =>
    B.csrPem(B.signRequest(B.requestInfo({ subject: B.name(B.rdn(B.attr("2.5.4.10", value)), B.cn("svc.example.com")), spki }), privateKey));
  it.each([
    ["a UniversalString lone surrogate", tlv(0x1c, Uint8Array.of(0, 0, 0, 0x41, 0, 0, 0xd8, 0))],
    ["U+202E", utf8String("Acme\u202eCorp")],
    ["U+200E", utf8String("Acme\u200e")],
    ["U+2066", utf8String("\u2066Acme")],
    ["DEL", utf8String("Acme\x7f")],
    ["a C1 control", utf8String("Acme\u009b")],
  ])("a CSR whose O holds %s → InvalidCsr.BadSubject (server and client)", async (_n, value) => {
    expect((await refused("CreateServerCertificateWithCsr", { ...base(), Csr: withO(value) })).code).toBe("InvalidCsr.BadSubject");
    expect((await refused("CreateClientCertificateWithCsr", { ...base(), Csr: withO(value) })).code).toBe("InvalidCsr.BadSubject");
  });
  it.each([
    ["Organization", "Acme\ud800"],
    ["Organization", "Acme\u202eCorp"],
    ["OrganizationUnit", "Ops\u200f"],
    ["Locality", "x\u2069"],
    ["State", "x\u0085"],
    ["Organization", "x\x7f"],
  ])("request parameter %s=%j → InvalidSubject", async (field, value) => {
    expect((await refused("CreateServerCertificate", { ...base(), Algorithm: "ECC_256", CommonName: "gen.example.com", [field]: value })).code).toBe("InvalidSubject");
    expect((await refused("CreateServerCertificateWithCsr", { ...base(), Csr: serverCsr, [field]: value })).code).toBe("InvalidSubject");
  });
  it("CommonName=Alice\\u202E on a client certificate → InvalidSubject", async () => {
    expect((await refused("CreateClientCertificate", { ...base(), Algorithm: "ECC_256", CommonName: "Alice\u202e" })).code).toBe("InvalidSubject");
  });
});

describe("validity inside the issuer's; no signing outside the CA's validity (issue 14 #6)", () => {
  it("BeforeTime=0 → InvalidValidity.BeforeIssuer", async () => {
    const r = await refused("CreateServerCertificateWithCsr", { ParentIdentifier: sub.Identifier, Csr: serverCsr, BeforeTime: 0, AfterTime: subNotBefore + 86_400 });
    expect([r.code, r.status]).toEqual(["InvalidValidity.BeforeIssuer", 400]);
  });
  it("BeforeTime one second before the sub-CA's notBefore is refused; at it, accepted and OpenSSL shows that date", async () => {
    expect((await refused("CreateClientCertificate", { ParentIdentifier: sub.Identifier, Algorithm: "ECC_256", CommonName: "bob", BeforeTime: subNotBefore - 1, AfterTime: subNotBefore + 86_400 })).code).toBe(
      "InvalidValidity.BeforeIssuer",
    );
    const r = await s.call("CreateServerCertificateWithCsr", { ParentIdentifier: sub.Identifier, Csr: serverCsr, BeforeTime: subNotBefore, AfterTime: subNotBefore + 86_400, Immediately: 2 });
    const start = openssl(["x509", "-noout", "-startdate"], { input: r.X509Certificate }).stdout.trim();
    expect(new Date(start.replace("notBefore=", "")).getTime()).toBe(subNotBefore * 1000);
  });
  it("an expired sub-CA signs nothing — not even certificates backdated into its validity", async () => {
    offset = (subNotAfter - Math.floor(Date.now() / 1000) + 60) * 1000;
    try {
      const inside = { BeforeTime: subNotBefore, AfterTime: subNotBefore + 86_400 };
      for (const [action, extra] of [
        ["CreateServerCertificateWithCsr", { Csr: serverCsr }],
        ["CreateServerCertificate", { Algorithm: "ECC_256", CommonName: "gen.example.com" }],
        ["CreateClientCertificate", { Algorithm: "ECC_256", CommonName: "bob" }],
        ["CreateClientCertificateWithCsr", { Csr: personCsr }],
      ] as const) {
        const r = await refused(action, { ParentIdentifier: sub.Identifier, ...extra, ...inside });
        expect([action, r.code, r.status]).toEqual([action, "InvalidParentIdentifier.Expired", 403]);
      }
      const c = await refused("CreateCustomCertificate", { ParentIdentifier: sub.Identifier, Csr: serverCsr, Validity: `${new Date(subNotBefore * 1000).toISOString().slice(0, 19)}Z/${new Date((subNotBefore + 86_400) * 1000).toISOString().slice(0, 19)}Z` });
      expect(c.code).toBe("InvalidParentIdentifier.Expired");
      expect(inTable("InvalidParentIdentifier.Expired")).toBe(true);
    } finally {
      offset = 0;
    }
  });
  it("a sub-CA whose notBefore is ahead of the clock signs nothing", async () => {
    offset = -3_600_000;
    try {
      expect((await refused("CreateServerCertificateWithCsr", { ...base(), Csr: serverCsr })).code).toBe("InvalidParentIdentifier.NotYetValid");
    } finally {
      offset = 0;
    }
  });
  it("CreateSubCACertificate under an expired or not-yet-valid parent is refused", async () => {
    offset = 11 * YEAR;
    try {
      expect(await refused("CreateSubCACertificate", { ...SUB_PARAMS, ParentIdentifier: root.Identifier, Years: 1 })).toMatchObject({ code: "InvalidParentIdentifier.Expired", status: 403 });
    } finally {
      offset = 0;
    }
    offset = -3_600_000;
    try {
      expect((await refusal(s.call("CreateSubCACertificate", { ...SUB_PARAMS, ParentIdentifier: root.Identifier, Years: 1 }))).code).toBe("InvalidParentIdentifier.NotYetValid");
    } finally {
      offset = 0;
    }
  });
});

describe("DescribeCertificatePrivateKey (issue 14 #9)", () => {
  it("refuses an EncryptedCode under 8 characters with InvalidEncryptedCode", async () => {
    const gen = await s.call("CreateClientCertificate", { ...base(), Algorithm: "ECC_256", CommonName: "keyholder" });
    for (const code of ["x", "1234567"]) {
      const e = await refusal(s.call("DescribeCertificatePrivateKey", { Identifier: gen.Identifier, EncryptedCode: code }));
      expect([e.code, e.status]).toEqual(["InvalidEncryptedCode", 400]);
      expect(inTable(e.code)).toBe(true);
    }
  });
  it("answers encrypted PKCS#8 that `openssl pkey -passin` reads: PBKDF2-HMAC-SHA256 × 600,000", async () => {
    const gen = await s.call("CreateClientCertificate", { ...base(), Algorithm: "ECC_256", CommonName: "keyholder" });
    const { EncryptedData } = await s.call("DescribeCertificatePrivateKey", { Identifier: gen.Identifier, EncryptedCode: "pa55,word#" });
    expect(EncryptedData).toMatch(/^-----BEGIN ENCRYPTED PRIVATE KEY-----/);
    const file = s.tmp.path("exported.pem");
    writeFileSync(file, EncryptedData);
    const pub = openssl(["pkey", "-in", file, "-passin", "pass:pa55,word#", "-pubout"]);
    expect(pub.ok).toBe(true);
    // The public key OpenSSL derives is the certificate's.
    const certPub = openssl(["x509", "-noout", "-pubkey"], { input: gen.X509Certificate }).stdout;
    expect(pub.stdout).toBe(certPub);
    const asn1 = openssl(["asn1parse", "-in", file]).stdout;
    expect(asn1).toMatch(/INTEGER\s+:0927C0/);
    expect(asn1).toMatch(/:hmacWithSHA256/);
  });
});

describe("refusal messages (issue 9 #19)", () => {
  it("a CSR with CN *.*.example.com: InvalidCsr.BadName quoting the name and the rule", async () => {
    const csr = createCsr({ key: await generateKeyPair("ECC_256"), subject: { commonName: "*.*.example.com" } }).pem;
    const r = await refused("CreateServerCertificateWithCsr", { ...base(), Csr: csr });
    expect(r.code).toBe("InvalidCsr.BadName");
    expect(r.message).toContain('"*.*.example.com"');
    expect(r.message).toMatch(/one wildcard label, leftmost only/);
  });
});
