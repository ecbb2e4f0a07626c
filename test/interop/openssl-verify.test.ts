/**
 * OpenSSL 3 as the judge of every kind of certificate, chain and CRL caskit makes.
 * SM2: OpenSSL 3.0 applies `-vfyopt distid:…` only to the target certificate, so SM2 chains are
 * checked link by link, and SM2 CRLs on their raw TBS bytes with pkeyutl.
 */
import { writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exportPublicKeyPem } from "../../src/crypto/keys.js";
import { parseCsr } from "../../src/csr/index.js";
import { readDer } from "../../src/csr/der-reader.js";
import { Issuer } from "../../src/issue/index.js";
import { buildCrl } from "../../src/revoke/index.js";
import { createSubCa } from "../../src/ca/index.js";
import { SM2_SIGOPT, type Hierarchy, hierarchy, opensslCsr, opensslKey } from "../helpers/fixtures.js";
import { openssl, opensslOrThrow, tempDir } from "../helpers/openssl.js";

const tmp = tempDir("caskit-interop-");
afterAll(() => tmp.remove());
const DISTID = "distid:1234567812345678";
const BASE = "http://pki.example.test";

let seq = 0;
function write(pem: string): string {
  const f = tmp.path(`f${seq++}.pem`);
  writeFileSync(f, pem);
  return f;
}
const verify = (args: string[]) => openssl(["verify", "-x509_strict", ...args]);

const MATRIX = [
  { spec: "RSA_2048", csrKey: "RSA-2048" },
  { spec: "ECC_256", csrKey: "P-256" },
  { spec: "ECC_384", csrKey: "P-384" },
  { spec: "ECC_512", csrKey: "P-521" },
];

describe.each(MATRIX)("$spec hierarchy judged by openssl verify", ({ spec, csrKey }) => {
  let h: Hierarchy;
  let issuer: Issuer;
  let csrPem: Uint8Array;
  beforeAll(async () => {
    h = await hierarchy(spec);
    issuer = Issuer.prepare(h.sub, { crlBaseUrl: BASE, aiaBaseUrl: BASE });
    csrPem = opensslCsr(tmp.path(`${spec}.csr`), { key: opensslKey(csrKey, tmp.path(`${spec}.key`)), subj: `/CN=server.${spec.toLowerCase().replace("_", "-")}.example.com` });
  });

  it("a server leaf from an OpenSSL CSR passes -x509_strict -purpose sslserver and shows its extensions", () => {
    const leaf = issuer.serverFromCsr(parseCsr(csrPem), { days: 30, domain: "www.example.com,10.0.0.7,2001:db8::7", enableCrl: true });
    const r = verify(["-purpose", "sslserver", "-CAfile", write(h.root.certificatePem), "-untrusted", write(leaf.chainPem), write(leaf.certificatePem)]);
    expect(r.stderr + r.stdout).toContain("OK");
    expect(r.ok).toBe(true);
    const text = opensslOrThrow(["x509", "-noout", "-text", "-in", write(leaf.certificatePem)]);
    expect(text).toContain(`DNS:server.${spec.toLowerCase().replace("_", "-")}.example.com, DNS:www.example.com, IP Address:10.0.0.7, IP Address:2001:DB8:0:0:0:0:0:7`);
    expect(text).toContain("TLS Web Server Authentication");
    expect(text).toContain(`URI:${BASE}/crl/${h.sub.identifier}.crl`);
    expect(text).toContain(`CA Issuers - URI:${BASE}/ca/${h.sub.identifier}.crt`);
    expect(text).toContain(spec.startsWith("RSA") ? "Digital Signature, Key Encipherment" : "Digital Signature");
    // A server certificate is not a client certificate.
    expect(verify(["-purpose", "sslclient", "-CAfile", write(h.root.certificatePem), "-untrusted", write(leaf.chainPem), write(leaf.certificatePem)]).ok).toBe(false);
  });

  it("client leaves (generated key, and from the CSR) pass -purpose sslclient and fail sslserver", async () => {
    const leaf = await issuer.client({ commonName: "alice", algorithm: spec, days: 30, sanType: 1, sanValue: "alice@example.com" });
    const fromCsr = issuer.clientFromCsr(parseCsr(csrPem), { days: 30, sanType: 6, sanValue: "spiffe://example.org/bob" });
    for (const l of [leaf, fromCsr]) {
      const args = ["-CAfile", write(h.root.certificatePem), "-untrusted", write(l.chainPem), write(l.certificatePem)];
      expect(verify(["-purpose", "sslclient", ...args]).ok).toBe(true);
      expect(verify(["-purpose", "sslserver", ...args]).ok).toBe(false);
    }
    const text = opensslOrThrow(["x509", "-noout", "-text", "-in", write(fromCsr.certificatePem)]);
    expect(text).toContain("URI:spiffe://example.org/bob");
    expect(text).toContain("TLS Web Client Authentication");
    expect(text).toMatch(/Basic Constraints: critical\s+CA:FALSE/);
  });

  it("a leaf does not verify under another root", async () => {
    const other = await hierarchy(spec === "RSA_2048" ? "ECC_256" : spec);
    const leaf = issuer.serverFromCsr(parseCsr(csrPem), { days: 30 });
    expect(verify(["-purpose", "sslserver", "-CAfile", write(other.root.certificatePem), "-untrusted", write(leaf.chainPem), write(leaf.certificatePem)]).ok).toBe(false);
  });

  it("the CA's CRL verifies, and its revoked serial fails -crl_check while another passes", () => {
    const revoked = issuer.serverFromCsr(parseCsr(csrPem), { days: 30 });
    const good = issuer.serverFromCsr(parseCsr(csrPem), { days: 30 });
    const now = new Date();
    const crl = buildCrl({ issuer: issuer.crlSigner, entries: [{ serial: revoked.serialNumber, revokedAt: now, reason: "keyCompromise" }], crlNumber: 1, thisUpdate: now, nextUpdate: new Date(now.getTime() + 86_400_000) });
    const crlFile = write(crl.pem);
    const check = openssl(["crl", "-in", crlFile, "-CAfile", write(h.sub.certificatePem), "-noout"]);
    expect(check.ok).toBe(true);
    expect(check.stderr + check.stdout).toContain("verify OK");
    const chain = write(h.sub.certificatePem + h.root.certificatePem);
    const bad = verify(["-crl_check", "-CRLfile", crlFile, "-CAfile", chain, write(revoked.certificatePem)]);
    expect(bad.ok).toBe(false);
    expect(bad.stderr + bad.stdout).toContain("certificate revoked");
    expect(verify(["-crl_check", "-CRLfile", crlFile, "-CAfile", chain, write(good.certificatePem)]).ok).toBe(true);
  });
});

describe("a two-level subordinate chain", () => {
  it("root → sub1 (pathLen 1) → sub2 (pathLen 0) → leaf verifies strictly", async () => {
    const h = await hierarchy("ECC_256");
    const sub1 = await createSubCa(h.root, { subject: { commonName: "Sub 1" }, algorithm: "ECC_256", years: 5, pathLen: 1 });
    const sub2 = await createSubCa(sub1, { subject: { commonName: "Sub 2" }, algorithm: "ECC_256", years: 4 });
    const leaf = await Issuer.prepare(sub2).server({ commonName: "deep.example.com", algorithm: "ECC_256", days: 10 });
    expect(verify(["-purpose", "sslserver", "-CAfile", write(h.root.certificatePem), "-untrusted", write(leaf.chainPem), write(leaf.certificatePem)]).ok).toBe(true);
  });
});

describe("SM2 hierarchy judged link by link", () => {
  let h: Hierarchy;
  beforeAll(async () => {
    h = await hierarchy("SM2_256");
  });
  const link = (issuerPem: string, childPem: string, extra: string[] = []) =>
    verify(["-vfyopt", DISTID, "-partial_chain", ...extra, "-CAfile", write(issuerPem), write(childPem)]);

  it("root self-signature, root → sub, sub → server leaf (sslserver), sub → client leaf (sslclient)", async () => {
    const csr = opensslCsr(tmp.path("sm2.csr"), { key: opensslKey("SM2", tmp.path("sm2.key")), subj: "/CN=sm2.example.com", extra: SM2_SIGOPT });
    const issuer = Issuer.prepare(h.sub);
    const leaf = issuer.serverFromCsr(parseCsr(csr), { days: 30, domain: "10.1.2.3" });
    const client = await issuer.client({ commonName: "sm2 client", algorithm: "SM2_256", days: 30 });
    expect(verify(["-vfyopt", DISTID, "-CAfile", write(h.root.certificatePem), write(h.root.certificatePem)]).ok).toBe(true);
    expect(link(h.root.certificatePem, h.sub.certificatePem).ok).toBe(true);
    expect(link(h.sub.certificatePem, leaf.certificatePem, ["-purpose", "sslserver"]).ok).toBe(true);
    expect(link(h.sub.certificatePem, client.certificatePem, ["-purpose", "sslclient"]).ok).toBe(true);
    expect(opensslOrThrow(["x509", "-noout", "-text", "-in", write(leaf.certificatePem)])).toContain("SM2-with-SM3");
    // Without the default ID OpenSSL 3.0 computes another Z and must refuse the same link.
    expect(verify(["-partial_chain", "-CAfile", write(h.sub.certificatePem), write(leaf.certificatePem)]).ok).toBe(false);
  });

  it("an SM2 CRL's signature verifies over its TBS with the default ID", () => {
    const issuer = Issuer.prepare(h.sub);
    const now = new Date();
    const crl = buildCrl({ issuer: issuer.crlSigner, entries: [{ serial: "4a0b", revokedAt: now }], crlNumber: 3, thisUpdate: now, nextUpdate: new Date(now.getTime() + 3_600_000) });
    const top = readDer(crl.der);
    const [tbs, , sig] = top.children ?? [];
    if (!tbs || !sig) throw new Error("CRL structure");
    writeFileSync(tmp.path("crl-tbs.der"), crl.der.subarray(tbs.start, tbs.end));
    writeFileSync(tmp.path("crl-sig.der"), crl.der.subarray(sig.contentStart + 1, sig.end));
    const pub = write(exportPublicKeyPem(h.sub.key));
    const args = ["pkeyutl", "-verify", "-pubin", "-inkey", pub, "-rawin", "-digest", "sm3", "-in", tmp.path("crl-tbs.der"), "-sigfile", tmp.path("crl-sig.der")];
    expect(openssl([...args, "-pkeyopt", DISTID]).ok).toBe(true);
    expect(openssl(args).ok).toBe(false);
    expect(opensslOrThrow(["crl", "-noout", "-text", "-in", write(crl.pem)])).toMatch(/Serial Number: 4A0B/);
  });
});
