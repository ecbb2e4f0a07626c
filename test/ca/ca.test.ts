import { AsnConvert } from "@peculiar/asn1-schema";
import { BasicConstraints, Certificate, KeyUsage, KeyUsageFlags } from "@peculiar/asn1-x509";
import { beforeAll, describe, expect, it } from "vitest";
import { createRootCa, createSubCa, loadCa } from "../../src/ca/index.js";
import type { CertificateAuthority } from "../../src/ca/types.js";
import { generateKeyPair } from "../../src/crypto/keys.js";
import { CaskitError } from "../../src/errors.js";

const ext = (der: Uint8Array, id: string) => AsnConvert.parse(der, Certificate).tbsCertificate.extensions?.find((e) => e.extnID === id);
const codeOf = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (e) {
    if (e instanceof CaskitError) return e.code;
    throw e;
  }
  return "accepted";
};

let root: CertificateAuthority;
beforeAll(async () => {
  root = await createRootCa({ subject: { commonName: "Unit Root", organization: "caskit", country: "cn", state: "ZJ", locality: "HZ" }, algorithm: "ECC_256", years: 10 });
});

describe("createRootCa", () => {
  it("self-signs a CA with critical basicConstraints and keyUsage, SKI = AKI", () => {
    const cert = AsnConvert.parse(root.certificateDer, Certificate);
    expect(cert.tbsCertificate.version).toBe(2);
    const bc = ext(root.certificateDer, "2.5.29.19");
    expect(bc?.critical).toBe(true);
    expect(AsnConvert.parse(bc?.extnValue as never, BasicConstraints).cA).toBe(true);
    const ku = AsnConvert.parse(ext(root.certificateDer, "2.5.29.15")?.extnValue as never, KeyUsage);
    expect(ku.toNumber()).toBe(KeyUsageFlags.digitalSignature | KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign);
    expect(root.subject.country).toBe("CN");
    expect(root.kind).toBe("root");
    expect(root.identifier).toMatch(/^[0-9a-f]{32}$/);
    expect(root.serialNumber).toMatch(/^[4-7][0-9a-f]{31}$/);
  });
  it.each<[string, object, string]>([
    ["no commonName", { subject: { organization: "x" }, algorithm: "ECC_256", years: 1 }, "invalid_subject"],
    ["a three-letter country", { subject: { commonName: "x", country: "CHN" }, algorithm: "ECC_256", years: 1 }, "invalid_subject"],
    ["a 65-character CN", { subject: { commonName: "x".repeat(65) }, algorithm: "ECC_256", years: 1 }, "invalid_subject"],
    ["zero years", { subject: { commonName: "x" }, algorithm: "ECC_256", years: 0 }, "invalid_validity"],
    ["RSA_1024", { subject: { commonName: "x" }, algorithm: "RSA_1024", years: 1 }, "unsupported_algorithm"],
    ["an unknown algorithm", { subject: { commonName: "x" }, algorithm: "DSA_2048", years: 1 }, "unsupported_algorithm"],
  ])("refuses %s", async (_n, params, code) => {
    expect(await codeOf(createRootCa(params as never))).toBe(code);
  });

  // X.520 upper bounds: CN, O, OU ≤ 64; L, ST ≤ 128; C exactly two letters. Counted in characters.
  it.each<[string, object, string]>([
    ["O of 64", { organization: "o".repeat(64) }, "accepted"],
    ["O of 65", { organization: "o".repeat(65) }, "invalid_subject"],
    ["OU of 65", { organizationalUnit: "u".repeat(65) }, "invalid_subject"],
    ["L of 128", { locality: "l".repeat(128) }, "accepted"],
    ["L of 129", { locality: "l".repeat(129) }, "invalid_subject"],
    ["ST of 129", { state: "s".repeat(129) }, "invalid_subject"],
    ["CN of 64 astral characters (128 UTF-16 units)", { commonName: "𝔘".repeat(64) }, "accepted"],
    ["CN of 65 CJK characters", { commonName: "中".repeat(65) }, "invalid_subject"],
    ["C with a digit", { country: "C1" }, "invalid_subject"],
    ["C of one letter", { country: "C" }, "invalid_subject"],
    ["a control character in O", { organization: "a\nb" }, "invalid_subject"],
  ])("subject bound: %s → %s", async (_n, fields, code) => {
    const key = root.key; // reuse a key: these cases are about the name only
    expect(await codeOf(createRootCa({ subject: { commonName: "Bounds", ...fields }, key, years: 1 }))).toBe(code);
  });

  it("writes RDNs in the order C, ST, L, O, OU, CN with C as PrintableString, the rest UTF8String", () => {
    const name = AsnConvert.parse(root.certificateDer, Certificate).tbsCertificate.subject;
    expect(name.map((rdn) => rdn[0]?.type)).toEqual(["2.5.4.6", "2.5.4.8", "2.5.4.7", "2.5.4.10", "2.5.4.3"]);
    expect(name[0]?.[0]?.value.printableString).toBe("CN");
    expect(name[4]?.[0]?.value.utf8String).toBe("Unit Root");
    expect(Buffer.from(root.subjectDer).equals(Buffer.from(AsnConvert.serialize(name)))).toBe(true);
  });

  it("pins notBefore to now in whole seconds and notAfter to whole years later; serials are 16 positive octets", async () => {
    const now = new Date("2026-02-28T08:09:10.999Z");
    const ca = await createRootCa({ subject: { commonName: "Pinned" }, key: root.key, years: 2, now, random: (n) => new Uint8Array(n) });
    expect(ca.notBefore.toISOString()).toBe("2026-02-28T08:09:10.000Z");
    expect(ca.notAfter.toISOString()).toBe("2028-02-28T08:09:10.000Z");
    // An all-zero draw still gives 16 octets: the first is forced into 0x40–0x7f.
    expect(ca.serialNumber).toBe(`40${"00".repeat(15)}`);
    expect(new Uint8Array(AsnConvert.parse(ca.certificateDer, Certificate).tbsCertificate.serialNumber)).toHaveLength(16);
  });
});

describe("createSubCa", () => {
  it("chains to its parent with pathLen 0 by default and the parent's SKI as AKI", async () => {
    const sub = await createSubCa(root, { subject: { commonName: "Unit Sub" }, algorithm: "ECC_384", years: 5, extendedKeyUsages: ["serverAuth", "clientAuth", "1.2.3.4"] });
    expect(sub.kind).toBe("sub");
    expect(sub.pathLen).toBe(0);
    expect(sub.chainDer).toEqual([root.certificateDer]);
    const bc = AsnConvert.parse(ext(sub.certificateDer, "2.5.29.19")?.extnValue as never, BasicConstraints);
    expect(bc.pathLenConstraint).toBe(0);
    const akiDer = ext(sub.certificateDer, "2.5.29.35")?.extnValue.buffer as ArrayBuffer;
    expect(Buffer.from(akiDer).includes(Buffer.from(root.keyIdentifier))).toBe(true);
    expect(ext(sub.certificateDer, "2.5.29.37")).toBeDefined();
  });
  it.each<[string, () => object, string]>([
    ["a key of another family", () => ({ subject: { commonName: "x" }, algorithm: "RSA_2048", years: 1 }), "family_mismatch"],
    ["a validity past the parent's", () => ({ subject: { commonName: "x" }, algorithm: "ECC_256", years: 11 }), "beyond_issuer"],
    ["an unknown EKU name", () => ({ subject: { commonName: "x" }, algorithm: "ECC_256", years: 1, extendedKeyUsages: ["webAuth"] }), "invalid_extension"],
    ["a negative pathLen", () => ({ subject: { commonName: "x" }, algorithm: "ECC_256", years: 1, pathLen: -1 }), "invalid_extension"],
  ])("refuses %s", async (_n, params, code) => {
    expect(await codeOf(createSubCa(root, params() as never))).toBe(code);
  });
  it("refuses a pathLen its parent's constraint does not allow", async () => {
    const sub1 = await createSubCa(root, { subject: { commonName: "Sub1" }, algorithm: "ECC_256", years: 5, pathLen: 1 });
    expect(await codeOf(createSubCa(sub1, { subject: { commonName: "Sub2" }, algorithm: "ECC_256", years: 2, pathLen: 1 }))).toBe("invalid_extension");
    const sub2 = await createSubCa(sub1, { subject: { commonName: "Sub2" }, algorithm: "ECC_256", years: 2 });
    expect(sub2.chainDer).toEqual([sub1.certificateDer, root.certificateDer]);
  });
});

describe("loadCa", () => {
  it("rebuilds a CA from its PEM, key and chain", async () => {
    const sub = await createSubCa(root, { subject: { commonName: "Loadable", state: "ZJ" }, algorithm: "ECC_256", years: 3, pathLen: 0 });
    const loaded = loadCa({ certificate: sub.certificatePem, key: sub.key, chain: root.certificatePem });
    expect(loaded).toMatchObject({ kind: "sub", identifier: sub.identifier, serialNumber: sub.serialNumber, pathLen: 0, subject: { commonName: "Loadable", state: "ZJ" } });
    expect(loaded.notAfter).toEqual(sub.notAfter);
    expect(Buffer.from(loaded.subjectDer).equals(Buffer.from(sub.subjectDer))).toBe(true);
    expect(Buffer.from(loaded.keyIdentifier).equals(Buffer.from(sub.keyIdentifier))).toBe(true);
    expect(loadCa({ certificate: root.certificateDer, key: root.key }).kind).toBe("root");
  });
  it("refuses a key that is not the certificate's", async () => {
    const other = await generateKeyPair("ECC_256");
    expect(() => loadCa({ certificate: root.certificatePem, key: other })).toThrow(expect.objectContaining({ code: "issuer_key_mismatch" }));
  });
});
