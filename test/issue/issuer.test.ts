import { AsnConvert } from "@peculiar/asn1-schema";
import { Certificate } from "@peculiar/asn1-x509";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSubCa } from "../../src/ca/index.js";
import { parseCsr } from "../../src/csr/index.js";
import { CaskitError } from "../../src/errors.js";
import { Issuer, clientSans, serverSans } from "../../src/issue/index.js";
import type { CsrFacts } from "../../src/types.js";
import { SM2_SIGOPT, type Hierarchy, hierarchy, opensslCsr, opensslKey } from "../helpers/fixtures.js";
import { tempDir } from "../helpers/openssl.js";

const tmp = tempDir("caskit-issuer-");
afterAll(() => tmp.remove());
let ec: Hierarchy;
let csr: CsrFacts;
let rsaCsr: CsrFacts;
let sm2Csr: CsrFacts;
beforeAll(async () => {
  ec = await hierarchy("ECC_256");
  const k = opensslKey("P-256", tmp.path("p256.key"));
  csr = parseCsr(opensslCsr(tmp.path("a.csr"), { key: k, subj: "/C=US/ST=CA/O=FromCsr/OU=CsrUnit/CN=app.example.com", san: "DNS:alt.example.com" }));
  const r = opensslKey("RSA-2048", tmp.path("rsa.key"));
  rsaCsr = parseCsr(opensslCsr(tmp.path("r.csr"), { key: r, subj: "/CN=rsa.example.com" }));
  const s = opensslKey("SM2", tmp.path("sm2.key"));
  sm2Csr = parseCsr(opensslCsr(tmp.path("s.csr"), { key: s, subj: "/CN=sm2.example.com", extra: SM2_SIGOPT }));
});

const code = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    if (e instanceof CaskitError) return e.code;
    throw e;
  }
  return "issued";
};
const sansOf = (der: Uint8Array) => {
  const c = AsnConvert.parse(der, Certificate);
  return c.tbsCertificate.extensions?.find((e) => e.extnID === "2.5.29.17");
};

describe("Issuer.prepare", () => {
  it("refuses a root CA: only subordinates issue leaves (CAS)", () => {
    expect(code(() => Issuer.prepare(ec.root))).toBe("root_cannot_issue_leaf");
  });
  it("refuses a non-http CRL base URL", () => {
    expect(code(() => Issuer.prepare(ec.sub, { crlBaseUrl: "ftp://x.example.com" }))).toBe("invalid_url");
  });
});

describe("Issuer.serverFromCsr", () => {
  it("takes the CN from the CSR, O/OU/C from the request over the CSR, ST/L from the CSR then the CA", async () => {
    const issuer = Issuer.prepare(ec.sub);
    const leaf = issuer.serverFromCsr(csr, { days: 30, subject: { organization: "Override" } });
    expect(leaf.subject).toEqual({ commonName: "app.example.com", organization: "Override", organizationalUnit: "CsrUnit", country: "US", state: "CA" });
    // A CSR without ST/L gets the issuing CA's.
    const withPlace = await createSubCa(ec.root, { subject: { commonName: "Placed CA", state: "Zhejiang", locality: "Hangzhou" }, algorithm: "ECC_256", years: 2 });
    const bare = { ...csr, subjectFields: { commonName: "app.example.com" } };
    expect(Issuer.prepare(withPlace).serverFromCsr(bare, { days: 30 }).subject).toEqual({ commonName: "app.example.com", state: "Zhejiang", locality: "Hangzhou" });
  });
  it("SANs: the CN, the CSR's names, then Domain entries; deduplicated in order; IPs as iPAddress", () => {
    const leaf = Issuer.prepare(ec.sub).serverFromCsr(csr, { days: 1, domain: "www.example.com, APP.example.com,10.0.0.7,2001:db8:0::1,alt.example.com" });
    expect(leaf.sans).toEqual([
      { type: "dns", value: "app.example.com" },
      { type: "dns", value: "alt.example.com" },
      { type: "dns", value: "www.example.com" },
      { type: "ip", value: "10.0.0.7" },
      { type: "ip", value: "2001:db8::1" },
    ]);
    expect(sansOf(leaf.certificateDer)).toBeDefined();
  });
  it.each<[string, object, string]>([
    ["a bad Domain entry", { days: 1, domain: "ok.example.com,bad_name.example.com" }, "invalid_name"],
    ["a wildcard in the wrong place", { days: 1, domain: "a.*.example.com" }, "invalid_name"],
    ["no validity", {}, "missing_validity"],
    ["a validity past the issuer", { years: 50 }, "beyond_issuer"],
    ["enableCrl without a CRL base URL", { days: 1, enableCrl: true }, "invalid_url"],
  ])("refuses %s", (_n, params, c) => {
    expect(code(() => Issuer.prepare(ec.sub).serverFromCsr(csr, params))).toBe(c);
  });
  it("refuses a CSR key of another family (RSA or SM2 under an ECC CA)", () => {
    expect(code(() => Issuer.prepare(ec.sub).serverFromCsr(rsaCsr, { days: 1 }))).toBe("family_mismatch");
    expect(code(() => Issuer.prepare(ec.sub).serverFromCsr(sm2Csr, { days: 1 }))).toBe("family_mismatch");
  });
  it("uses pinned time and randomness, giving 16-octet positive serials", () => {
    const now = new Date("2027-03-04T05:06:07Z");
    const issuer = Issuer.prepare(ec.sub, { now: () => now, random: (n) => new Uint8Array(n).fill(0xff) });
    const leaf = issuer.serverFromCsr(csr, { days: 10 });
    expect(leaf.serialNumber).toBe(`7f${"ff".repeat(15)}`);
    expect(leaf.notBefore).toEqual(now);
    expect(leaf.notAfter).toEqual(new Date(now.getTime() + 10 * 86_400_000));
    expect(leaf.identifier).toMatch(/^[0-9a-f]{32}$/);
    expect(leaf.chainPem).toBe(ec.sub.certificatePem + ec.root.certificatePem);
  });
});

describe("Issuer.server", () => {
  it("generates a key of the requested algorithm (same family, other size)", async () => {
    const leaf = await Issuer.prepare(ec.sub).server({ commonName: "gen.example.com", algorithm: "ECC_384", days: 5 });
    expect(leaf.keyPair?.spec.name).toBe("ECC_384");
    expect(leaf.keySize).toBe(384);
    expect(Buffer.from(leaf.certificateDer).includes(Buffer.from(leaf.keyPair?.spki ?? []))).toBe(true);
    await expect(Issuer.prepare(ec.sub).server({ commonName: "gen.example.com", algorithm: "RSA_2048", days: 5 })).rejects.toMatchObject({ code: "family_mismatch" });
  });
  it("puts a CN that is an IP address in as an iPAddress SAN", async () => {
    const leaf = await Issuer.prepare(ec.sub).server({ commonName: "10.1.2.3", algorithm: "ECC_256", days: 5, domain: "10.1.2.3,fe80::1" });
    expect(leaf.sans).toEqual([
      { type: "ip", value: "10.1.2.3" },
      { type: "ip", value: "fe80::1" },
    ]);
    const hexDer = Buffer.from(leaf.certificateDer).toString("hex");
    expect(hexDer).toContain("87040a010203"); // [7] 4 octets 10.1.2.3
    expect(hexDer).toContain(`8710fe80${"00".repeat(13)}01`); // [7] 16 octets fe80::1
  });
  it("refuses a CN that is no host name, as the CSR path does (issue 14 #10; it used to be left out of the SANs)", async () => {
    await expect(Issuer.prepare(ec.sub).server({ commonName: "Payments API", algorithm: "ECC_256", days: 5, domain: "pay.example.com" })).rejects.toMatchObject({
      code: "invalid_common_name",
      field: "commonName",
    });
  });
  it.each<[string, object, string]>([
    ["no commonName", { commonName: "", algorithm: "ECC_256", days: 1 }, "invalid_subject"],
    ["a bad validity, before generating a key", { commonName: "a.example.com", algorithm: "ECC_256", days: -1 }, "invalid_validity"],
    ["an unknown algorithm", { commonName: "a.example.com", algorithm: "ECC_999", days: 1 }, "unsupported_algorithm"],
  ])("refuses %s", async (_n, params, c) => {
    await expect(Issuer.prepare(ec.sub).server(params as never)).rejects.toMatchObject({ code: c });
  });
});

describe("Issuer.client", () => {
  it("client SANs from SanType/SanValue, EKU clientAuth", async () => {
    const leaf = await Issuer.prepare(ec.sub).client({ commonName: "alice", algorithm: "ECC_256", days: 5, sanType: 1, sanValue: "alice@example.com,bob@example.com" });
    expect(leaf.sans).toEqual([
      { type: "email", value: "alice@example.com" },
      { type: "email", value: "bob@example.com" },
    ]);
    expect(leaf.certificateType).toBe("CLIENT");
    const eku = AsnConvert.parse(leaf.certificateDer, Certificate).tbsCertificate.extensions?.find((e) => e.extnID === "2.5.29.37");
    expect(Buffer.from(eku?.extnValue.buffer ?? new ArrayBuffer(0)).toString("hex")).toBe("300a06082b06010505070302");
  });
});

describe("Issuer.clientFromCsr", () => {
  it("takes a URI SAN and the CSR's key", () => {
    const uri = Issuer.prepare(ec.sub).clientFromCsr(csr, { days: 5, sanType: 6, sanValue: "spiffe://example.org/ns/a/sa/b" });
    expect(uri.sans).toEqual([{ type: "uri", value: "spiffe://example.org/ns/a/sa/b" }]);
    expect(Buffer.from(uri.certificateDer).includes(Buffer.from(csr.spki))).toBe(true);
  });
  it.each<[string, object]>([
    ["a bad e-mail", { sanType: 1, sanValue: "not-an-email" }],
    ["an unknown SanType", { sanType: 2, sanValue: "a.example.com" }],
    ["SanValue without SanType", { sanValue: "a@example.com" }],
    ["SanType without SanValue", { sanType: 1, sanValue: " , " }],
    ["a relative URI", { sanType: 6, sanValue: "/just/a/path" }],
    ["a URI with a space", { sanType: 6, sanValue: "https://example.com/a b" }],
  ])("refuses %s", (_n, p) => {
    expect(code(() => Issuer.prepare(ec.sub).clientFromCsr(csr, { days: 1, ...p }))).toBe("invalid_san");
  });
});

describe("Issuer.crlSigner", () => {
  it("is exactly the issuing CA's name DER, key identifier and signer", () => {
    const { crlSigner } = Issuer.prepare(ec.sub);
    expect(Object.keys(crlSigner).sort()).toEqual(["keyIdentifier", "nameDer", "signer"]);
    expect(crlSigner.nameDer).toBe(ec.sub.subjectDer);
    expect(crlSigner.keyIdentifier).toBe(ec.sub.keyIdentifier);
    expect(crlSigner.signer.spki).toBe(ec.sub.key.spki);
  });
});

describe("serverSans", () => {
  it.each<[string, string | undefined, string | string[], string[]]>([
    ["CN first, then Domain in order", "a.example.com", "c.example.com,b.example.com", ["dns:a.example.com", "dns:c.example.com", "dns:b.example.com"]],
    ["case-insensitive duplicates dropped, first kept", "A.Example.com", ["a.example.COM", "B.example.com", "b.EXAMPLE.com"], ["dns:a.example.com", "dns:b.example.com"]],
    ["IPv6 spellings of one address are one entry", undefined, "2001:db8::1,2001:DB8:0:0:0:0:0:1,::ffff:10.0.0.1", ["ip:2001:db8::1", "ip:::ffff:10.0.0.1"]],
    ["empty list items are ignored", "x.example.com", " , x.example.com ,,", ["dns:x.example.com"]],
  ])("%s", (_n, cn, domain, expected) => {
    expect(serverSans(cn, [], domain).map((s) => `${s.type}:${s.value}`)).toEqual(expected);
  });
  it("names the bad Domain entry", () => {
    try {
      serverSans("a.example.com", [], "ok.example.com,under_score.example.com");
      expect.unreachable();
    } catch (e) {
      expect(e).toMatchObject({ code: "invalid_name", field: "domain" });
      expect((e as Error).message).toContain("under_score.example.com");
    }
  });
});

describe("clientSans", () => {
  it("splits and checks comma-separated values of one type", () => {
    expect(clientSans(6, "urn:example:a, https://example.com/b")).toEqual([
      { type: "uri", value: "urn:example:a" },
      { type: "uri", value: "https://example.com/b" },
    ]);
    expect(clientSans(undefined, undefined)).toEqual([]);
  });
});

describe("serial numbers", () => {
  it("property: always 16 octets, positive and non-zero, whatever the random source returns", () => {
    const issuer = (bytes: Uint8Array) => Issuer.prepare(ec.sub, { random: () => bytes });
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (bytes) => {
        const leaf = issuer(bytes).serverFromCsr(csr, { days: 1 });
        const serial = new Uint8Array(AsnConvert.parse(leaf.certificateDer, Certificate).tbsCertificate.serialNumber);
        expect(serial).toHaveLength(16);
        expect((serial[0] as number) & 0x80).toBe(0);
        expect((serial[0] as number) & 0x40).toBe(0x40);
        expect(leaf.serialNumber).toBe(Buffer.from(serial).toString("hex"));
        expect(Buffer.from(serial.subarray(1)).equals(Buffer.from(bytes.subarray(1)))).toBe(true);
      }),
      { numRuns: 50 },
    );
  });
});
