/**
 * The fast TBSCertificate encoder and a straightforward reference encoder (asn1-x509 schema objects)
 * must produce byte-identical TBS for every profile × key type, with time and randomness pinned.
 */
import * as X from "@peculiar/asn1-x509";
import { beforeAll, describe, expect, it } from "vitest";
import { verifySignature } from "../../src/crypto/verify.js";
import { generateKeyPair } from "../../src/crypto/keys.js";
import { readDer } from "../../src/csr/der-reader.js";
import { keyIdentifier } from "../../src/issue/extensions.js";
import { Issuer, crlUrl, caCertUrl, ocspUrl } from "../../src/issue/index.js";
import type { CsrFacts } from "../../src/types.js";
import { type Hierarchy, hierarchy } from "../helpers/fixtures.js";
import { referenceTbs } from "./reference-encoder.js";

const SPECS = ["RSA_2048", "ECC_256", "ECC_384", "ECC_512", "SM2_256"] as const;
const BASE = "https://pki.example.test/v1";
const now = new Date("2027-06-01T12:00:00Z");

// 2049-12-31T23:59:59Z and 2050-01-02T00:00:00Z: notBefore is the last UTCTime second, notAfter a
// GeneralizedTime (RFC 5280 §4.1.2.5).
const BEFORE_2050 = 2_524_607_999;
const AFTER_2050 = 2_524_694_400;
const manyNames = Array.from({ length: 24 }, (_, i) => `host-${i}.a-rather-long-subdomain.example.com`).join(",");

const PROFILES = [
  { name: "server, CN + DNS/IP SANs, no URLs", kind: "server", domain: "www.example.com,10.0.0.7,2001:db8::7", urls: false, subject: {} },
  { name: "server, full subject, CDP + AIA", kind: "server", domain: "", urls: true, subject: { organization: "Org", organizationalUnit: "Unit", country: "CN", state: "ZJ", locality: "HZ" } },
  { name: "server, wildcard and IPv6 only", kind: "server", domain: "*.example.com,::1", urls: true, subject: { organization: "Ünïcode Org" } },
  { name: "server, 25 SANs (multi-octet lengths), CJK and astral subject", kind: "server", domain: manyNames, urls: true, subject: { organization: "杭州某某科技有限公司", organizationalUnit: "🔐 PKI 𝔘𝔫𝔦𝔱", locality: "L".repeat(128) } },
  { name: "server, validity across 2050 (UTCTime → GeneralizedTime)", kind: "server", domain: "", urls: false, subject: {}, validity: { beforeTime: BEFORE_2050, afterTime: AFTER_2050 } },
  { name: "client, e-mail SANs", kind: "client", sanType: 1 as const, sanValue: "a@example.com,b@example.com", urls: false, subject: { country: "US" } },
  { name: "client, URI SAN with CDP", kind: "client", sanType: 6 as const, sanValue: "spiffe://example.org/workload", urls: true, subject: {} },
  { name: "server, CDP + AIA with OCSP and caIssuers", kind: "server", domain: "ocsp.example.com", urls: true, ocsp: true, subject: {} },
  { name: "custom, KU/EKU/critical SAN, serial with the top bit set", kind: "custom", urls: true, subject: { commonName: "custom.example.com", organization: "Custom" } },
] as const;

const CUSTOM = {
  keyUsage: ["digitalSignature", "nonRepudiation"] as const,
  extendedKeyUsages: ["codeSigning", "emailProtection", "1.3.6.1.4.1.311.10.3.12"],
  sans: [
    { type: "email", value: "signer@example.com" },
    { type: "uri", value: "https://example.com/signer" },
    { type: "dns", value: "custom.example.com" },
    { type: "ip", value: "192.0.2.1" },
  ] as const,
  serialNumber: 0xdeadbeef_0102030405n,
};

describe.each(SPECS)("fast TBS = reference TBS for %s", (spec) => {
  let h: Hierarchy;
  let csr: CsrFacts;
  beforeAll(async () => {
    // Long-lived CAs, so a leaf can straddle 2050.
    h = await hierarchy(spec, { root: 40, sub: 35 });
    const leafKey = await generateKeyPair(spec);
    csr = {
      keyAlgorithm: spec.startsWith("RSA") ? "RSA" : spec.startsWith("SM2") ? "SM2" : "EC",
      keyFamily: h.sub.spec.family,
      keySize: leafKey.spec.bits,
      curve: leafKey.spec.curve?.name ?? null,
      cn: "leaf.example.com",
      sans: [],
      signatureAlgorithm: { name: leafKey.spec.signature.name, oid: leafKey.spec.signature.oid },
      subject: [],
      subjectFields: { commonName: "leaf.example.com" },
      spki: leafKey.spki,
      der: new Uint8Array(),
    };
  });

  it.each(PROFILES)("$name", (profile) => {
    let counter = 0;
    const random = (n: number) => Uint8Array.from({ length: n }, () => (counter++ * 37 + 11) & 0xff);
    const withOcsp = "ocsp" in profile && profile.ocsp;
    const issuer = Issuer.prepare(h.sub, profile.urls ? { now: () => now, random, crlBaseUrl: BASE, aiaBaseUrl: BASE, ocspBaseUrl: withOcsp ? BASE : undefined } : { now: () => now, random });
    const validity = "validity" in profile ? profile.validity : { days: 90 };
    const leaf =
      profile.kind === "server"
        ? issuer.serverFromCsr(csr, { ...validity, domain: profile.domain, subject: profile.subject, enableCrl: profile.urls })
        : profile.kind === "client"
          ? issuer.clientFromCsr(csr, { ...validity, sanType: profile.sanType, sanValue: profile.sanValue, subject: profile.subject, enableCrl: profile.urls })
          : issuer.customFromCsr(csr, { ...validity, ...CUSTOM, keyUsage: [...CUSTOM.keyUsage], sans: [...CUSTOM.sans], subject: profile.subject, critical: ["SubjectAlternativeNames"], enableCrl: true });
    const top = readDer(leaf.certificateDer);
    const tbsNode = top.children?.[0];
    if (!tbsNode) throw new Error("no TBS");
    const fast = leaf.certificateDer.subarray(tbsNode.start, tbsNode.end);
    const reference = referenceTbs({
      serialHex: leaf.serialNumber,
      signatureAlgorithmDer: h.sub.spec.signature.algorithmIdentifier,
      issuerNameDer: h.sub.subjectDer,
      notBefore: leaf.notBefore,
      notAfter: leaf.notAfter,
      subject: leaf.subject,
      spki: csr.spki,
      profile:
        profile.kind === "custom"
          ? { keyUsage: X.KeyUsageFlags.digitalSignature | X.KeyUsageFlags.nonRepudiation, ekus: ["1.3.6.1.5.5.7.3.3", "1.3.6.1.5.5.7.3.4", "1.3.6.1.4.1.311.10.3.12"], ekuCritical: false, sanCritical: true }
          : leaf.certificateType,
      rsa: spec.startsWith("RSA"),
      skid: keyIdentifier(csr.spki),
      akid: h.sub.keyIdentifier,
      sans: leaf.sans,
      crlUrl: profile.urls ? crlUrl(BASE, h.sub.identifier) : undefined,
      aiaUrl: profile.urls ? caCertUrl(BASE, h.sub.identifier) : undefined,
      ocspUrl: withOcsp ? ocspUrl(BASE, h.sub.identifier) : undefined,
    });
    expect(Buffer.from(fast).toString("hex")).toBe(Buffer.from(reference).toString("hex"));
    // The signature covers exactly these bytes.
    const sig = top.children?.[2];
    if (!sig) throw new Error("no signature");
    const point = h.sub.spec.family === "SM2" ? h.sub.key.spki.subarray(h.sub.key.spki.length - 65) : undefined;
    expect(verifySignature(h.sub.spec.signature, h.sub.key.spki, fast, leaf.certificateDer.subarray(sig.contentStart + 1, sig.end), point)).toBe(true);
  });

  it("wrote the edge cases it claims: multi-octet lengths, GeneralizedTime, a padded serial", () => {
    const issuer = Issuer.prepare(h.sub, { now: () => now, crlBaseUrl: BASE });
    const many = issuer.serverFromCsr(csr, { days: 1, domain: manyNames });
    expect(many.sans).toHaveLength(25);
    expect(many.certificateDer.length).toBeGreaterThan(1024);
    const straddle = issuer.serverFromCsr(csr, { beforeTime: BEFORE_2050, afterTime: AFTER_2050 });
    const hexDer = Buffer.from(straddle.certificateDer).toString("hex");
    expect(hexDer).toContain(Buffer.from("491231235959Z").toString("hex"));
    expect(hexDer).toContain(`180f${Buffer.from("20500102000000Z").toString("hex")}`);
    const custom = issuer.customFromCsr(csr, { days: 1, serialNumber: CUSTOM.serialNumber });
    expect(Buffer.from(custom.certificateDer).toString("hex")).toContain("020a00deadbeef0102030405");
  });
});