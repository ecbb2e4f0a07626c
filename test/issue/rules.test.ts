/**
 * Regression tests for the issuance-rule defects at the library door (Issuer, createSubCa): issue 9 #8
 * (client names), issue 14 #10 (server CN rule on both paths, ≥1 SAN), issue 14 #6 (validity inside the
 * issuer's, no signing by an expired or not-yet-valid CA), issue 14 #11 (subject text rule on request
 * parameters), issue 14 #13 (no OCSPSigning / anyExtendedKeyUsage on a custom leaf).
 * OpenSSL judges what is issued.
 */
import { writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRootCa, createSubCa } from "../../src/ca/index.js";
import { generateKeyPair } from "../../src/crypto/keys.js";
import { createCsr, parseCsr } from "../../src/csr/index.js";
import { CaskitError } from "../../src/errors.js";
import { Issuer } from "../../src/issue/index.js";
import { type Hierarchy, hierarchy } from "../helpers/fixtures.js";
import { openssl, tempDir } from "../helpers/openssl.js";

const tmp = tempDir("caskit-rules-");
afterAll(() => tmp.remove());
let ec: Hierarchy;
let personCsr: string;
let namelessCsr: string;
beforeAll(async () => {
  ec = await hierarchy("ECC_256");
  const key = await generateKeyPair("ECC_256");
  personCsr = createCsr({ key, subject: { commonName: "Alice Smith", organization: "Example" } }).pem;
  namelessCsr = createCsr({ key, subject: { organization: "Example" } }).pem;
});

const outcome = async (f: () => unknown) => {
  try {
    await f();
  } catch (e) {
    if (e instanceof CaskitError) return `${e.name}.${e.code}`;
    throw e;
  }
  return "issued";
};
let n = 0;
function judge(pem: string, purpose: "sslserver" | "sslclient") {
  const f = (name: string, c: string) => {
    const p = tmp.path(`${n++}-${name}`);
    writeFileSync(p, c);
    return p;
  };
  const cert = f("leaf.pem", pem);
  return {
    verify: openssl(["verify", "-x509_strict", "-purpose", purpose, "-CAfile", f("root.pem", ec.root.certificatePem), "-untrusted", f("sub.pem", ec.sub.certificatePem), cert]),
    text: openssl(["x509", "-in", cert, "-noout", "-text", "-nameopt", "RFC2253"]).stdout,
  };
}

describe("client certificates name people and devices (issue 9 #8)", () => {
  it("a CSR whose CN is a person's name, parsed with the client profile, issues; OpenSSL verifies it for sslclient", async () => {
    const leaf = Issuer.prepare(ec.sub).clientFromCsr(parseCsr(personCsr, { profile: "client" }), { days: 5 });
    const j = judge(leaf.certificatePem, "sslclient");
    expect(j.verify.ok).toBe(true);
    expect(j.text).toContain("CN=Alice Smith");
  });
  it("the same CSR is no server certificate: serverFromCsr refuses the CN", async () => {
    expect(await outcome(() => Issuer.prepare(ec.sub).serverFromCsr(parseCsr(personCsr, { profile: "client" }), { days: 5, domain: "www.example.com" }))).toBe("ProfileError.invalid_common_name");
  });
  it.each<[string, Record<string, unknown>, string]>([
    ["neither CN nor SAN", {}, "ProfileError.missing_name"],
    ["only O/OU/ST/L", { subject: { organization: "Acme", organizationalUnit: "Ops", state: "ZJ", locality: "HZ" } }, "ProfileError.missing_name"],
    ["a CN", { commonName: "bob" }, "issued"],
    ["a SAN only", { sanType: 6, sanValue: "spiffe://example.org/device/7" }, "issued"],
  ])("client() with %s → %s", async (_n, params, expected) => {
    expect(await outcome(() => Issuer.prepare(ec.sub).client({ algorithm: "ECC_256", days: 1, ...params }))).toBe(expected);
  });
  it("clientFromCsr with a nameless CSR: refused unless the request names the holder", async () => {
    const facts = parseCsr(namelessCsr, { profile: "client" });
    expect(await outcome(() => Issuer.prepare(ec.sub).clientFromCsr(facts, { days: 1 }))).toBe("ProfileError.missing_name");
    expect(await outcome(() => Issuer.prepare(ec.sub).clientFromCsr(facts, { days: 1, commonName: "Device 7" }))).toBe("issued");
  });
});

describe("one name rule for server certificates, CSR and generated key alike (issue 14 #10)", () => {
  it.each(["*", "a.*.example.com", "*.*.example.com", "localhost", "*.com", "Payments API", "under_score.example.com", "bücher.example.com"])("server() refuses CN %s", async (cn) => {
    const issuer = Issuer.prepare(ec.sub);
    expect(await outcome(() => issuer.server({ commonName: cn, algorithm: "ECC_256", days: 1 }))).toBe("ProfileError.invalid_common_name");
    // …with a Domain too: the CN is never silently dropped.
    expect(await outcome(() => issuer.server({ commonName: cn, algorithm: "ECC_256", days: 1, domain: "ok.example.com" }))).toBe("ProfileError.invalid_common_name");
  });
  it("the refusal quotes the CN and the rule", async () => {
    await expect(Issuer.prepare(ec.sub).server({ commonName: "a.*.example.com", algorithm: "ECC_256", days: 1 })).rejects.toThrow(/"a\.\*\.example\.com".*one wildcard label, leftmost only/);
  });
  it.each(["*.example.com", "api.example.com", "10.0.0.7", "2001:db8::1"])("server() takes CN %s and puts it in the SANs; OpenSSL verifies", async (cn) => {
    const leaf = await Issuer.prepare(ec.sub).server({ commonName: cn, algorithm: "ECC_256", days: 1 });
    expect(leaf.sans.length).toBe(1);
    const j = judge(leaf.certificatePem, "sslserver");
    expect(j.verify.ok).toBe(true);
    expect(j.text).toMatch(/X509v3 Subject Alternative Name:/);
  });
  it("serverFromCsr with a nameless client-profile CSR and no Domain: refused, never a serverAuth certificate without a SAN", async () => {
    const facts = parseCsr(namelessCsr, { profile: "client" });
    expect(await outcome(() => Issuer.prepare(ec.sub).serverFromCsr(facts, { days: 1 }))).toBe("ProfileError.missing_name");
    expect(await outcome(() => Issuer.prepare(ec.sub).serverFromCsr(facts, { days: 1, domain: "ok.example.com" }))).toBe("issued");
  });
});

describe("refusals echo bounded, sanitised excerpts (issue 9 #19)", () => {
  it("a bad SanValue or Domain is quoted escaped and cut", async () => {
    const issuer = Issuer.prepare(ec.sub);
    const hostile = `\x1b[31m\u202e${"a".repeat(500)}@`;
    const e1 = await issuer.client({ commonName: "bob", algorithm: "ECC_256", days: 1, sanType: 1, sanValue: hostile }).then(() => null, (e: Error) => e);
    const e2 = await issuer.server({ commonName: "ok.example.com", algorithm: "ECC_256", days: 1, domain: hostile }).then(() => null, (e: Error) => e);
    for (const e of [e1, e2]) {
      expect(e).toBeInstanceOf(CaskitError);
      expect(e?.message).not.toMatch(/[\x1b\u202e]/);
      expect(e?.message).toContain("\\u{1b}");
      expect(e?.message.length).toBeLessThan(250);
    }
  });
});

describe("subject text rule on request parameters (issue 14 #11)", () => {
  it.each(["Acme\ud800", "Acme\u202eCorp", "Acme\u200f", "Acme\x7f", "Acme\u0085", "\u2066x\u2069"])("organization %j → invalid_subject", async (o) => {
    expect(await outcome(() => Issuer.prepare(ec.sub).server({ commonName: "a.example.com", algorithm: "ECC_256", days: 1, subject: { organization: o } }))).toBe("ProfileError.invalid_subject");
    expect(await outcome(() => Issuer.prepare(ec.sub).client({ commonName: o, algorithm: "ECC_256", days: 1 }))).toBe("ProfileError.invalid_subject");
  });
  it("a CA subject follows the same rule", async () => {
    expect(await outcome(() => createRootCa({ subject: { commonName: "Root\u202e" }, algorithm: "ECC_256", years: 1 }))).toBe("ProfileError.invalid_subject");
  });
});

describe("validity inside the issuer's, and only while the issuer is valid (issue 14 #6)", () => {
  const sec = (d: Date) => Math.floor(d.getTime() / 1000);
  it("BeforeTime=0 is refused (it said 1970)", async () => {
    expect(await outcome(() => Issuer.prepare(ec.sub).server({ commonName: "a.example.com", algorithm: "ECC_256", beforeTime: 0, afterTime: sec(new Date()) + 86_400 }))).toBe("ValidityError.before_issuer");
  });
  it("notBefore = the issuer's notBefore is accepted; OpenSSL agrees on the dates", async () => {
    const leaf = await Issuer.prepare(ec.sub).server({ commonName: "a.example.com", algorithm: "ECC_256", beforeTime: sec(ec.sub.notBefore), afterTime: sec(ec.sub.notBefore) + 86_400 * 30 });
    expect(leaf.notBefore.getTime()).toBe(ec.sub.notBefore.getTime());
    expect(judge(leaf.certificatePem, "sslserver").verify.ok).toBe(true);
  });
  it("an expired sub-CA signs nothing, not even a certificate backdated into its validity", async () => {
    const later = new Date(ec.sub.notAfter.getTime() + 1000);
    const issuer = Issuer.prepare(ec.sub, { now: () => later });
    const inside = { beforeTime: sec(ec.sub.notBefore), afterTime: sec(ec.sub.notBefore) + 86_400 };
    expect(await outcome(() => issuer.server({ commonName: "a.example.com", algorithm: "ECC_256", ...inside }))).toBe("IssueError.issuer_expired");
    expect(await outcome(() => issuer.client({ commonName: "bob", algorithm: "ECC_256", ...inside }))).toBe("IssueError.issuer_expired");
    expect(await outcome(() => issuer.serverFromCsr(parseCsr(createCsr({ key: ec.sub.key, subject: { commonName: "x.example.com" } }).pem), inside))).toBe("IssueError.issuer_expired");
  });
  it("a sub-CA whose notBefore is still ahead signs nothing", async () => {
    const earlier = new Date(ec.sub.notBefore.getTime() - 1000);
    expect(await outcome(() => Issuer.prepare(ec.sub, { now: () => earlier }).server({ commonName: "a.example.com", algorithm: "ECC_256", days: 1 }))).toBe("IssueError.issuer_not_yet_valid");
  });
  it("createSubCa under an expired or not-yet-valid parent is refused", async () => {
    const sub = (now: Date) => outcome(() => createSubCa(ec.root, { subject: { commonName: "Late CA" }, algorithm: "ECC_256", years: 1, now }));
    expect(await sub(new Date(ec.root.notAfter.getTime() + 1000))).toBe("IssueError.issuer_expired");
    expect(await sub(new Date(ec.root.notBefore.getTime() - 1000))).toBe("IssueError.issuer_not_yet_valid");
    expect(await sub(ec.root.notBefore)).toBe("issued");
  });
});

describe("custom leaves never carry OCSPSigning or anyExtendedKeyUsage (issue 14 #13)", () => {
  it.each([["OCSPSigning"], ["any"], ["1.3.6.1.5.5.7.3.9"], ["2.5.29.37.0"], ["serverAuth", "OCSPSigning"], ["clientAuth", "2.5.29.37.0"]])("%s → invalid_extension", async (...ekus) => {
    const facts = parseCsr(createCsr({ key: await generateKeyPair("ECC_256"), subject: { commonName: "c.example.com" } }).pem);
    expect(await outcome(() => Issuer.prepare(ec.sub).customFromCsr(facts, { days: 1, extendedKeyUsages: ekus }))).toBe("ProfileError.invalid_extension");
  });
  it("other EKUs still issue (timeStamping, codeSigning)", async () => {
    const facts = parseCsr(createCsr({ key: await generateKeyPair("ECC_256"), subject: { commonName: "c.example.com" } }).pem);
    const leaf = Issuer.prepare(ec.sub).customFromCsr(facts, { days: 1, extendedKeyUsages: ["timeStamping", "codeSigning"] });
    expect(judge(leaf.certificatePem, "sslclient").text).toMatch(/Time Stamping, Code Signing/);
  });
});
