/**
 * The OCSP core (src/revoke/ocsp.ts) judged by OpenSSL: requests `openssl ocsp` writes are read, the
 * responses caskit signs are verified by `openssl ocsp -respin` (RSA, P-256) or, for SM2 (which OpenSSL
 * 3.0 cannot verify as OCSP), by `openssl pkeyutl -verify -rawin -digest sm3` on the raw ResponseData.
 * Hostile requests are malformedRequest, never a throw.
 */
import { readFileSync, writeFileSync } from "node:fs";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Issuer } from "../../src/issue/index.js";
import { NULL, concat, explicit, octetString, oid, sequence, tlv, unsignedInteger } from "../../src/internal/der.js";
import { toPem } from "../../src/internal/pem.js";
import {
  OCSP_MAX_REQUEST_BYTES,
  buildOcspRequest,
  buildOcspResponse,
  ocspErrorResponse,
  ocspIssuerHashes,
  ocspResponder,
  parseOcspRequest,
  parseOcspResponse,
  verifyOcspResponse,
} from "../../src/revoke/index.js";
import { type Hierarchy, hierarchy } from "../helpers/fixtures.js";
import { openssl, opensslOrThrow, tempDir } from "../helpers/openssl.js";

const tmp = tempDir("caskit-ocsp-core-");
afterAll(() => tmp.remove());
const file = (name: string, data: string | Uint8Array) => {
  writeFileSync(tmp.path(name), data);
  return tmp.path(name);
};
const hex = (b: Uint8Array | undefined) => Buffer.from(b ?? []).toString("hex");
const now = new Date("2027-03-01T10:00:00Z");
const later = new Date(now.getTime() + 3600_000);

describe.each(["RSA_2048", "ECC_256", "SM2_256"] as const)("OCSP core, %s CA", (spec) => {
  let h: Hierarchy;
  let leafPem = "";
  let leafSerial = "";
  let rootPem = "";
  let subPem = "";
  beforeAll(async () => {
    h = await hierarchy(spec);
    const leaf = await Issuer.prepare(h.sub).server({ commonName: "ocsp.example.com", algorithm: spec, days: 30 });
    leafPem = file(`${spec}-leaf.pem`, leaf.certificatePem);
    leafSerial = leaf.serialNumber;
    rootPem = file(`${spec}-root.pem`, h.root.certificatePem);
    subPem = file(`${spec}-sub.pem`, h.sub.certificatePem);
  }, 60_000);

  const opensslRequest = (name: string, extra: string[] = []) => {
    opensslOrThrow(["ocsp", "-issuer", subPem, ...extra, "-cert", leafPem, "-reqout", tmp.path(name)]);
    return tmp.path(name);
  };

  it.each([
    ["with a nonce, SHA-1", [], "sha1", 20],
    ["without a nonce", ["-no_nonce"], "sha1", 20],
    ["SHA-256 CertID", ["-sha256"], "sha256", 32],
  ] as const)("reads openssl's request %s", (_name, extra, hash, size) => {
    const path = opensslRequest(`${spec}-req-${hash}-${extra.length}.der`, [...extra]);
    const r = parseOcspRequest(new Uint8Array(readFileSync(path)));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const [id] = r.request.certIds;
    const want = ocspIssuerHashes(h.sub.subjectDer, h.sub.key.spki)[hash];
    expect(id?.hash).toBe(hash);
    expect(id?.issuerNameHash).toHaveLength(size);
    expect(hex(id?.issuerNameHash)).toBe(hex(want.nameHash));
    expect(hex(id?.issuerKeyHash)).toBe(hex(want.keyHash));
    expect(id?.serialHex).toBe(leafSerial);
    if (extra.includes("-no_nonce" as never)) expect(r.request.nonce).toBeUndefined();
    else expect(r.request.nonce).toHaveLength(16);
    // The request caskit builds is the one openssl builds (same CertID, the nonce aside).
    const ours = parseOcspRequest(buildOcspRequest({ certIds: [{ hash, issuerNameDer: h.sub.subjectDer, issuerSpki: h.sub.key.spki, serial: leafSerial }] }));
    expect(ours.ok && hex(ours.request.certIds[0]?.der)).toBe(hex(id?.der));
  });

  it.each([
    ["good", { status: "good" as const }, /Cert Status: good/],
    ["revoked with a reason", { status: "revoked" as const, revokedAt: new Date(now.getTime() - 60_000), reason: "keyCompromise" as const }, /Cert Status: revoked[\s\S]*Revocation Time: Mar  1 09:59:00 2027 GMT[\s\S]*Revocation Reason: keyCompromise \(0x1\)/],
    ["revoked, unspecified (no reason written)", { status: "revoked" as const, revokedAt: now }, /Cert Status: revoked(?![\s\S]*Revocation Reason)/],
    ["unknown", { status: "unknown" as const }, /Cert Status: unknown/],
  ])("signs a %s answer that OpenSSL verifies, the nonce echoed", (name, cert, expected) => {
    const reqPath = opensslRequest(`${spec}-req-${name}.der`);
    const r = parseOcspRequest(new Uint8Array(readFileSync(reqPath)));
    if (!r.ok) throw new Error(r.reason);
    const der = buildOcspResponse({ responder: ocspResponder(h.sub.signer), producedAt: now, nonce: r.request.nonce, responses: r.request.certIds.map((certId) => ({ certId, cert, thisUpdate: now, nextUpdate: later })) });
    const info = parseOcspResponse(der);
    expect(info.status).toBe("successful");
    expect(hex(info.basic?.nonce)).toBe(hex(r.request.nonce));
    expect(info.basic?.responses[0]).toMatchObject({ serialHex: leafSerial, status: cert.status, thisUpdate: now, nextUpdate: later });
    expect(verifyOcspResponse(info, h.sub.key.spki)).toBe(true);
    expect(verifyOcspResponse(info, h.root.key.spki)).toBe(false);
    const respPath = file(`${spec}-resp-${name}.der`, der);
    if (spec === "SM2_256") {
      // OpenSSL 3.0 cannot verify an SM2 OCSP response: the signature is checked on the raw ResponseData.
      const text = openssl(["ocsp", "-respin", respPath, "-noverify", "-resp_text"]);
      expect(text.stdout).toMatch(expected);
      opensslOrThrow(["x509", "-in", subPem, "-pubkey", "-noout", "-out", tmp.path("sm2-sub-pub.pem")]);
      const v = openssl(["pkeyutl", "-verify", "-rawin", "-digest", "sm3", "-pkeyopt", "distid:1234567812345678", "-pubin", "-inkey", tmp.path("sm2-sub-pub.pem"),
        "-in", file(`sm2-tbs-${name}.der`, info.basic?.tbs as Uint8Array), "-sigfile", file(`sm2-sig-${name}.der`, info.basic?.signature as Uint8Array)]);
      expect(v.stdout + v.stderr).toMatch(/Signature Verified Successfully/);
      return;
    }
    // -reqin: OpenSSL checks the nonce against its own request; the CA file verifies the signer chain.
    const v = openssl(["ocsp", "-reqin", reqPath, "-respin", respPath, "-issuer", subPem, "-CAfile", rootPem, "-resp_text"]);
    expect(v.stderr).toMatch(/Response verify OK/);
    expect(v.stdout).toMatch(expected);
    expect(v.stdout).toMatch(/OCSP Nonce:/);
    expect(v.stdout).toMatch(/Responder Id: [0-9A-F]{40}/);
    // The status line per certificate, as `openssl ocsp -cert` prints it.
    // (-validity_period: the pinned times lie in the future of the machine running the test.)
    const s = openssl(["ocsp", "-respin", respPath, "-issuer", subPem, "-cert", leafPem, "-CAfile", rootPem, "-no_nonce", "-validity_period", "400000000"]);
    expect(s.stdout).toContain(`${leafPem}: ${cert.status}`);
  });
});

describe("hostile requests: malformedRequest, never a throw", () => {
  const SHA1 = sequence(oid("1.3.14.3.2.26"), NULL);
  const h20 = new Uint8Array(20).fill(7);
  const certId = (alg = SHA1, nameHash = h20, keyHash = h20, serial = unsignedInteger(Uint8Array.of(0x42, 1))) => sequence(alg, octetString(nameHash), octetString(keyHash), serial);
  const request = (ids: Uint8Array[], extra: Uint8Array[] = [], version?: Uint8Array) => sequence(sequence(...(version ? [explicit(0, version)] : []), sequence(...ids.map((i) => sequence(i))), ...extra));
  const nonceExt = (value: Uint8Array, critical = false) => sequence(oid("1.3.6.1.5.5.7.48.1.2"), ...(critical ? [Uint8Array.of(1, 1, 0xff)] : []), octetString(value));
  const good = request([certId()]);

  it("a well-formed request is read (the baseline the cases below break)", () => {
    expect(parseOcspRequest(good).ok).toBe(true);
    expect(parseOcspRequest(request([certId()], [explicit(2, sequence(nonceExt(octetString(new Uint8Array(32)))))])).ok).toBe(true);
  });

  const deep = (() => {
    let x = octetString(Uint8Array.of(1));
    for (let i = 0; i < 40; i++) x = sequence(x);
    return x;
  })();
  const cases: Array<[string, Uint8Array, RegExp]> = [
    ["empty", new Uint8Array(0), /empty/],
    ["truncated", good.subarray(0, good.length - 3), /past its container|truncated/],
    ["larger than 64 KiB", sequence(sequence(sequence(sequence(certId())), octetString(new Uint8Array(OCSP_MAX_REQUEST_BYTES)))), /larger than 65536/],
    ["nested 40 deep", deep, /deeper/],
    ["indefinite length (BER)", concat([Uint8Array.of(0x30, 0x80), good.subarray(2), Uint8Array.of(0, 0)]), /indefinite/],
    ["trailing bytes", concat([good, Uint8Array.of(0)]), /trailing/],
    ["version v2", request([certId()], [], Uint8Array.of(2, 1, 1)), /version/],
    ["an unknown hash (MD5)", request([certId(sequence(oid("1.2.840.113549.2.5"), NULL), new Uint8Array(16), new Uint8Array(16))]), /not SHA-1 or SHA-256/],
    ["a SHA-1 CertID with 32-octet hashes", request([certId(SHA1, new Uint8Array(32), new Uint8Array(32))]), /20 octets/],
    ["hash parameters that are not NULL", request([certId(sequence(oid("1.3.14.3.2.26"), octetString(Uint8Array.of(1))))]), /parameters/],
    ["a non-minimal serial", request([certId(SHA1, h20, h20, Uint8Array.of(2, 2, 0, 1))]), /minimal/],
    ["no CertID", request([]), /no CertID/],
    ["17 CertIDs", request(Array.from({ length: 17 }, () => certId())), /more than 16/],
    ["a 33-octet nonce", request([certId()], [explicit(2, sequence(nonceExt(octetString(new Uint8Array(33)))))]), /33 octets/],
    ["an empty nonce", request([certId()], [explicit(2, sequence(nonceExt(octetString(new Uint8Array(0)))))]), /0 octets/],
    ["a nonce that is not an OCTET STRING", request([certId()], [explicit(2, sequence(nonceExt(Uint8Array.of(1, 2, 3))))]), /not an OCTET STRING/],
    ["two nonces", request([certId()], [explicit(2, sequence(nonceExt(octetString(Uint8Array.of(1))), nonceExt(octetString(Uint8Array.of(2)))))]), /twice/],
    ["an unknown critical extension", request([certId()], [explicit(2, sequence(sequence(oid("1.2.3.4"), Uint8Array.of(1, 1, 0xff), octetString(NULL))))]), /critical/],
    ["not an OCSPRequest (a certificate-shaped SEQUENCE)", sequence(tlv(0x02, Uint8Array.of(1)), tlv(0x02, Uint8Array.of(2))), /OCSPRequest|requestList/],
  ];
  it.each(cases)("%s", (_name, der, reason) => {
    const r = parseOcspRequest(der);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.status).toBe("malformedRequest");
    expect(r.reason).toMatch(reason);
    expect(r.reason.length).toBeLessThan(200);
  });

  it("mutated and random bytes: always a result, quickly", () => {
    const base = request([certId()], [explicit(2, sequence(nonceExt(octetString(new Uint8Array(16).fill(9)))))]);
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(base.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }), fc.nat(base.length), (flips, cut) => {
        const m = base.slice(0, Math.max(1, cut === 0 ? base.length : cut));
        for (const [i, v] of flips) if (i < m.length) m[i] = v;
        const t = performance.now();
        const r = parseOcspRequest(m);
        expect(typeof r.ok).toBe("boolean");
        expect(performance.now() - t).toBeLessThan(200);
      }),
      { numRuns: 500 },
    );
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (b) => typeof parseOcspRequest(b).ok === "boolean"), { numRuns: 300 });
  });

  it("error responses are a bare OCSPResponse that OpenSSL reads", () => {
    for (const [status, code] of [["malformedRequest", 1], ["internalError", 2], ["tryLater", 3], ["unauthorized", 6]] as const) {
      const der = ocspErrorResponse(status);
      expect(hex(der)).toBe(`3003 0a01 0${code}`.replace(/ /g, ""));
      expect(parseOcspResponse(der)).toEqual({ status });
      const out = openssl(["ocsp", "-respin", file(`err-${status}.der`, der), "-resp_text", "-noverify"]);
      expect(out.stdout + out.stderr).toMatch(new RegExp(`Responder Error: ${status} \\(${code}\\)`, "i"));
    }
    expect(toPem("X", ocspErrorResponse("malformedRequest"))).toContain("MAMKAQE=");
  });
});
