/**
 * The fast TBSCertificate encoder and a straightforward reference encoder (asn1-x509 schema objects)
 * must produce byte-identical TBS for every profile × key type, with time and randomness pinned.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { generateKeyPair } from "../../src/crypto/keys.js";
import { readDer } from "../../src/csr/der-reader.js";
import { keyIdentifier } from "../../src/issue/extensions.js";
import { Issuer, crlUrl, caCertUrl } from "../../src/issue/index.js";
import type { CsrFacts } from "../../src/types.js";
import { type Hierarchy, hierarchy } from "../helpers/fixtures.js";
import { referenceTbs } from "./reference-encoder.js";

const SPECS = ["RSA_2048", "ECC_256", "ECC_384", "ECC_512", "SM2_256"] as const;
const BASE = "https://pki.example.test/v1";
const now = new Date("2027-06-01T12:00:00Z");

const PROFILES = [
  { name: "server, CN + DNS/IP SANs, no URLs", kind: "server", domain: "www.example.com,10.0.0.7,2001:db8::7", urls: false, subject: {} },
  { name: "server, full subject, CDP + AIA", kind: "server", domain: "", urls: true, subject: { organization: "Org", organizationalUnit: "Unit", country: "CN", state: "ZJ", locality: "HZ" } },
  { name: "server, wildcard and IPv6 only", kind: "server", domain: "*.example.com,::1", urls: true, subject: { organization: "Ünïcode Org" } },
  { name: "client, e-mail SANs", kind: "client", sanType: 1 as const, sanValue: "a@example.com,b@example.com", urls: false, subject: { country: "US" } },
  { name: "client, URI SAN with CDP", kind: "client", sanType: 6 as const, sanValue: "spiffe://example.org/workload", urls: true, subject: {} },
] as const;

describe.each(SPECS)("fast TBS = reference TBS for %s", (spec) => {
  let h: Hierarchy;
  let csr: CsrFacts;
  beforeAll(async () => {
    h = await hierarchy(spec, { root: 10, sub: 5 });
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
    const issuer = Issuer.prepare(h.sub, profile.urls ? { now: () => now, random, crlBaseUrl: BASE, aiaBaseUrl: BASE } : { now: () => now, random });
    const leaf =
      profile.kind === "server"
        ? issuer.serverFromCsr(csr, { days: 90, domain: profile.domain, subject: profile.subject, enableCrl: profile.urls })
        : issuer.clientFromCsr(csr, { days: 90, sanType: profile.sanType, sanValue: profile.sanValue, subject: profile.subject, enableCrl: profile.urls });
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
      profile: leaf.certificateType,
      rsa: spec.startsWith("RSA"),
      skid: keyIdentifier(csr.spki),
      akid: h.sub.keyIdentifier,
      sans: leaf.sans,
      crlUrl: profile.urls ? crlUrl(BASE, h.sub.identifier) : undefined,
      aiaUrl: profile.urls ? caCertUrl(BASE, h.sub.identifier) : undefined,
    });
    expect(Buffer.from(fast).toString("hex")).toBe(Buffer.from(reference).toString("hex"));
  });
});
