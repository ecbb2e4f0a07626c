import { writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateKeyPair } from "../../src/crypto/keys.js";
import { createCsr } from "../../src/csr/index.js";
import { ServiceError, call } from "../../src/service/index.js";
import { parseValidity } from "../../src/service/actions/custom.js";
import { openssl } from "../helpers/openssl.js";
import { ROOT_PARAMS, SUB_PARAMS, sqliteContext } from "../helpers/service.js";

let s: Awaited<ReturnType<typeof sqliteContext>>;
let root: Record<string, any>;
let subId = "";
let csr = "";
beforeAll(async () => {
  s = await sqliteContext();
  root = await s.call("CreateRootCACertificate", ROOT_PARAMS);
  subId = (await s.call("CreateSubCACertificate", { ...SUB_PARAMS, ParentIdentifier: root.Identifier })).Identifier;
  csr = createCsr({ key: await generateKeyPair("ECC_256"), subject: { commonName: "custom.example.com", organization: "FromCsr" } }).pem;
});
afterAll(() => s.close());

const code = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (e) {
    if (e instanceof ServiceError) return e.code;
    throw e;
  }
  return "ok";
};

describe("CreateCustomCertificate", () => {
  it("applies subject, key usages, EKUs, typed SANs, criticals and a custom serial; OpenSSL verifies it", async () => {
    const r = await s.call("CreateCustomCertificate", {
      ParentIdentifier: subId,
      Csr: csr,
      Validity: "30d",
      Immediately: 2,
      ApiPassthrough: {
        Subject: { Organization: "Custom Org", Country: "US" },
        Extensions: {
          KeyUsage: { DigitalSignature: "true", KeyAgreement: "true", KeyEncipherment: "false" },
          ExtendedKeyUsages: ["serverAuth", "clientAuth"],
          SubjectAlternativeNames: [
            { Type: "dNSName", Value: "custom.example.com" },
            { Type: "iPAddress", Value: "10.2.3.4" },
            { Type: "rfc822Name", Value: "ops@example.com" },
          ],
          Criticals: ["ExtendedKeyUsages"],
        },
        SerialNumber: "123456789012345678901234567890",
      },
    });
    const f = (n: string, c: string) => {
      writeFileSync(s.tmp.path(n), c);
      return s.tmp.path(n);
    };
    const cert = f("custom.pem", r.Certificate);
    expect(openssl(["verify", "-x509_strict", "-purpose", "sslserver", "-CAfile", f("root.pem", root.Certificate as string), "-untrusted", f("chain.pem", r.CertificateChain), cert]).ok).toBe(true);
    const text = openssl(["x509", "-in", cert, "-noout", "-text"]).stdout;
    expect(text).toMatch(/Subject: .*C = US.*O = Custom Org.*CN = custom.example.com/);
    expect(text).toContain("Digital Signature, Key Agreement");
    expect(text).toMatch(/Extended Key Usage: critical\s+TLS Web Server Authentication, TLS Web Client Authentication/);
    expect(text).toContain("DNS:custom.example.com, IP Address:10.2.3.4, email:ops@example.com");
    expect(BigInt(`0x${r.SerialNumber}`)).toBe(123456789012345678901234567890n);
    expect(text).toMatch(/CA:FALSE/);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ["a CA key usage is not a leaf usage", { ApiPassthrough: { Extensions: { KeyUsage: { KeyCertSign: "true" } } } }, "InvalidApiPassthrough.Extensions.KeyUsage"],
    ["EncipherOnly", { ApiPassthrough: { Extensions: { KeyUsage: { EncipherOnly: "true" } } } }, "InvalidApiPassthrough.Extensions.KeyUsage"],
    ["an unknown SAN type", { ApiPassthrough: { Extensions: { SubjectAlternativeNames: [{ Type: "x400Address", Value: "x" }] } } }, "InvalidApiPassthrough.Extensions.SubjectAlternativeNames"],
    ["a bad DNS SAN", { ApiPassthrough: { Extensions: { SubjectAlternativeNames: [{ Type: "dNSName", Value: "bad_name" }] } } }, "InvalidSanValue"],
    ["custom subject attributes", { ApiPassthrough: { Subject: { CustomAttributes: [{ ObjectIdentifier: "1.2.3", Value: "x" }] } } }, "InvalidApiPassthrough.Subject.CustomAttributes"],
    ["a bad Validity", { Validity: "forever" }, "InvalidValidity"],
    ["a validity past the issuer", { Validity: "99y" }, "InvalidValidity.BeyondIssuer"],
    ["a zero serial", { ApiPassthrough: { SerialNumber: "0" } }, "InvalidExtension"],
  ])("refuses %s", async (_n, over, c) => {
    expect(await code(s.call("CreateCustomCertificate", { ParentIdentifier: subId, Csr: csr, Validity: "7d", ...over }))).toBe(c);
  });

  it("a repeated custom serial under one CA is a conflict, and the store is unchanged", async () => {
    const params = { ParentIdentifier: subId, Csr: csr, Validity: "7d", ApiPassthrough: { SerialNumber: "777" } };
    await s.call("CreateCustomCertificate", params);
    const before = await s.ctx.store.counts();
    expect(await code(s.call("CreateCustomCertificate", params))).toBe("Conflict");
    expect((await s.ctx.store.counts()).certificates).toBe(before.certificates);
  });
});

describe("CreateCustomCertificate: no delegated OCSP responder or any-purpose leaf (issue 14 #13)", () => {
  it.each([[["OCSPSigning"]], [["any"]], [["1.3.6.1.5.5.7.3.9"]], [["2.5.29.37.0"]], [["clientAuth", "OCSPSigning"]], [["serverAuth", "2.5.29.37.0"]]])(
    "ExtendedKeyUsages %j → InvalidExtension, nothing stored",
    async (ekus) => {
      const before = (await s.ctx.store.counts()).certificates;
      const e = await s
        .call("CreateCustomCertificate", { ParentIdentifier: subId, Csr: csr, Validity: "7d", ApiPassthrough: { Extensions: { ExtendedKeyUsages: ekus } } })
        .then(() => null, (x: unknown) => x as ServiceError);
      expect(e).toBeInstanceOf(ServiceError);
      expect([e?.code, e?.status]).toEqual(["InvalidExtension", 400]);
      expect(e?.message).toMatch(/not allowed on a leaf/);
      expect((await s.ctx.store.counts()).certificates).toBe(before);
    },
  );
  it("timeStamping and codeSigning still issue; OpenSSL shows no OCSP signing", async () => {
    const r = await s.call("CreateCustomCertificate", { ParentIdentifier: subId, Csr: csr, Validity: "7d", Immediately: 1, ApiPassthrough: { Extensions: { ExtendedKeyUsages: ["timeStamping", "codeSigning"] } } });
    const text = openssl(["x509", "-noout", "-text"], { input: r.Certificate }).stdout;
    expect(text).toMatch(/Extended Key Usage:\s+Time Stamping, Code Signing/);
    expect(text).not.toMatch(/OCSP Signing|Any Extended Key Usage/);
  });
});

describe("parseValidity", () => {
  const now = new Date("2027-01-01T00:00:00Z");
  it.each([
    ["1y", { years: 1 }],
    ["3m", { months: 3 }],
    ["7d", { days: 7 }],
    ["2027-02-01T00:00:00Z", { beforeTime: 1798761600, afterTime: 1801440000 }],
    ["2027-01-02T00:00:00Z/2027-01-03T00:00:00Z", { beforeTime: 1798848000, afterTime: 1798934400 }],
  ])("%s", (v, expected) => {
    expect(parseValidity(v, now)).toEqual(expected);
  });
});

describe("CreateCustomCertificate under the lint gate (cas profile)", () => {
  const ecEnciphering = { Extensions: { KeyUsage: { KeyEncipherment: true, DigitalSignature: true }, SubjectAlternativeNames: [{ Type: "dNSName", Value: "custom.example.com" }] } };
  it("warn (the default): issues, and names the broken rules in LintFindings", async () => {
    const r = await s.call("CreateCustomCertificate", { ParentIdentifier: subId, Csr: csr, Validity: "30d", ApiPassthrough: ecEnciphering });
    expect(r.Identifier).toBeTruthy();
    expect(r.LintFindings.map((f: { Rule: string }) => f.Rule)).toContain("cert.key.ecdsa_encipherment");
  });
  it("refuse: InvalidCertificate.Lint naming the rule, and nothing stored; a clean request passes", async () => {
    const before = await s.ctx.store.counts();
    const strict = (action: string, params: Record<string, unknown>) => call({ ...s.ctx, config: { ...s.ctx.config, customLint: "refuse" } }, action, params);
    const e = await strict("CreateCustomCertificate", { ParentIdentifier: subId, Csr: csr, Validity: "30d", ApiPassthrough: ecEnciphering }).then(
      () => null,
      (x: unknown) => x as ServiceError,
    );
    expect(e?.code).toBe("InvalidCertificate.Lint");
    expect(e?.message).toContain("cert.key.ecdsa_encipherment");
    expect((await s.ctx.store.counts()).certificates).toBe(before.certificates);
    const clean = (await strict("CreateCustomCertificate", {
      ParentIdentifier: subId,
      Csr: csr,
      Validity: "30d",
      ApiPassthrough: { Extensions: { SubjectAlternativeNames: [{ Type: "dNSName", Value: "custom.example.com" }] } },
    })) as Record<string, unknown>;
    expect(clean.LintFindings).toBeUndefined();
  });
});
