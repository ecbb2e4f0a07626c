import { writeFileSync } from "node:fs";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readDer } from "../../src/csr/der-reader.js";
import { RevokeError } from "../../src/errors.js";
import { Issuer } from "../../src/issue/index.js";
import { type CrlReason, CRL_REASONS, buildCrl, parseCrlReason } from "../../src/revoke/index.js";
import { time } from "../../src/internal/der.js";
import { writeTime } from "../../src/revoke/crl.js";
import { hierarchy } from "../helpers/fixtures.js";
import { openssl, opensslOrThrow, tempDir } from "../helpers/openssl.js";

const tmp = tempDir("caskit-crl-");
afterAll(() => tmp.remove());
let issuer: Issuer;
let caFile: string;
const t0 = new Date("2026-11-01T00:00:00Z");
const t1 = new Date("2026-11-08T00:00:00Z");
beforeAll(async () => {
  const h = await hierarchy("ECC_256");
  issuer = Issuer.prepare(h.sub);
  caFile = tmp.path("ca.pem");
  writeFileSync(caFile, h.sub.certificatePem);
});

const text = (pem: string) => {
  const f = tmp.path("crl.pem");
  writeFileSync(f, pem);
  const verified = openssl(["crl", "-in", f, "-CAfile", caFile, "-noout"]);
  return { verified: verified.ok && /verify OK/.test(verified.stderr + verified.stdout), text: opensslOrThrow(["crl", "-in", f, "-noout", "-text"]) };
};

describe("buildCrl", () => {
  it("an empty CRL omits revokedCertificates (RFC 5280 §5.1.2.6) and is labelled X509 CRL", () => {
    const crl = buildCrl({ issuer: issuer.crlSigner, entries: [], crlNumber: 0, thisUpdate: t0, nextUpdate: t1 });
    expect(crl.pem.startsWith("-----BEGIN X509 CRL-----\n")).toBe(true);
    const tbs = readDer(crl.der).children?.[0];
    // version, signature, issuer, thisUpdate, nextUpdate, [0] extensions — no SEQUENCE of entries.
    expect(tbs?.children?.map((c) => c.tag)).toEqual([0x02, 0x30, 0x30, 0x17, 0x17, 0xa0]);
    const r = text(crl.pem);
    expect(r.verified).toBe(true);
    expect(r.text).toContain("No Revoked Certificates");
    expect(r.text).toMatch(/X509v3 CRL Number: \n\s+0/);
  });

  it("writes every reason except unspecified as an entry extension, and large CRL numbers", () => {
    const reasons = (Object.keys(CRL_REASONS) as CrlReason[]).filter((r) => r !== "removeFromCRL");
    const entries = reasons.map((reason, i) => ({ serial: (0x4000 + i).toString(16), revokedAt: new Date(t0.getTime() + i * 1000), reason }));
    const crl = buildCrl({ issuer: issuer.crlSigner, entries, crlNumber: 2n ** 150n, thisUpdate: t0, nextUpdate: t1 });
    const r = text(crl.pem);
    expect(r.verified).toBe(true);
    expect(crl.entryCount).toBe(reasons.length);
    expect(r.text.match(/Serial Number:/g)?.length).toBe(reasons.length);
    expect(r.text.match(/CRL Reason Code/g)?.length).toBe(reasons.length - 1);
    expect(r.text).toContain("Key Compromise");
    expect(r.text).toContain("Certificate Hold");
    expect(r.text).toContain("Authority Key Identifier");
    expect(r.text).toContain((2n ** 150n).toString(16).toUpperCase());
  });

  it("accepts serials as bytes or hex, adding the sign octet where the top bit is set", () => {
    const crl = buildCrl({ issuer: issuer.crlSigner, entries: [{ serial: Uint8Array.of(0x80, 1), revokedAt: t0 }, { serial: "00ff", revokedAt: t0 }], crlNumber: 1, thisUpdate: t0, nextUpdate: t1 });
    const r = text(crl.pem);
    expect(r.text).toContain("Serial Number: 8001");
    expect(r.text).toContain("Serial Number: FF");
  });

  it("is read back whole by OpenSSL at 100,000 entries", () => {
    const entries = (function* () {
      for (let i = 1; i <= 100_000; i++) yield { serial: `4${i.toString(16).padStart(31, "0")}`, revokedAt: t0, reason: i % 2 ? ("keyCompromise" as const) : undefined };
    })();
    const crl = buildCrl({ issuer: issuer.crlSigner, entries, crlNumber: 9, thisUpdate: t0, nextUpdate: t1 });
    expect(crl.entryCount).toBe(100_000);
    const f = tmp.path("big.der");
    writeFileSync(f, crl.der);
    const out = opensslOrThrow(["crl", "-inform", "DER", "-in", f, "-noout", "-text"]);
    expect(out.match(/Serial Number:/g)?.length).toBe(100_000);
    expect(openssl(["crl", "-inform", "DER", "-in", f, "-CAfile", caFile, "-noout"]).stderr).toContain("verify OK");
  });

  it.each<[string, object, string, string]>([
    ["a zero serial", { entries: [{ serial: "00", revokedAt: t0 }] }, "invalid_entry", "serial"],
    ["a non-hex serial", { entries: [{ serial: "xyz", revokedAt: t0 }] }, "invalid_entry", "serial"],
    ["a 21-octet serial", { entries: [{ serial: "7f".repeat(21), revokedAt: t0 }] }, "invalid_entry", "serial"],
    ["an invalid revocation date", { entries: [{ serial: "01", revokedAt: new Date(Number.NaN) }] }, "invalid_entry", "revokedAt"],
    // In a full CRL, OpenSSL reads removeFromCRL as "not revoked": a base CRL must never carry it.
    ["removeFromCRL in a full CRL", { entries: [{ serial: "01", revokedAt: t0, reason: "removeFromCRL" }] }, "invalid_entry", "reason"],
    ["a negative CRL number", { crlNumber: -1 }, "invalid_crl_params", "crlNumber"],
    ["a 21-octet CRL number", { crlNumber: 2n ** 161n }, "invalid_crl_params", "crlNumber"],
    ["nextUpdate before thisUpdate", { nextUpdate: new Date(t0.getTime() - 1) }, "invalid_crl_params", "nextUpdate"],
  ])("refuses %s", (_n, over, code, field) => {
    try {
      buildCrl({ issuer: issuer.crlSigner, entries: [], crlNumber: 1, thisUpdate: t0, nextUpdate: t1, ...over });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(RevokeError);
      expect((e as RevokeError).code).toBe(code);
      expect((e as RevokeError).field).toBe(field);
    }
  });
});

describe("entry times", () => {
  it("are written byte for byte as time() writes them, across 1950/2050 and the whole 0000–9999 range", () => {
    const check = (sec: number) => {
      const buf = new Uint8Array(20);
      const n = writeTime(buf, 1, sec);
      expect(Buffer.from(buf.subarray(1, 1 + n)).toString("hex")).toBe(Buffer.from(time(new Date(sec * 1000))).toString("hex"));
    };
    for (const iso of ["1949-12-31T23:59:59Z", "1950-01-01T00:00:00Z", "2000-02-29T12:34:56Z", "2049-12-31T23:59:59Z", "2050-01-01T00:00:00Z", "1970-01-01T00:00:00Z", "0000-03-01T00:00:00Z", "9999-12-31T23:59:59Z"]) {
      check(Date.parse(iso) / 1000);
    }
    fc.assert(fc.property(fc.integer({ min: -62_167_219_200, max: 253_402_300_799 }), (sec) => check(sec)), { numRuns: 5000 });
  });

  it("outside years 0000–9999 are refused, not written wrong", () => {
    const entries = [{ serial: "01", revokedAt: new Date(Date.UTC(10_000, 0, 1)) }];
    expect(() => buildCrl({ issuer: issuer.crlSigner, entries, crlNumber: 1, thisUpdate: t0, nextUpdate: t1 })).toThrow(RevokeError);
  });
});

describe("parseCrlReason", () => {
  it("reads names and numbers, refuses 7 and unknown names", () => {
    expect(parseCrlReason("keyCompromise")).toBe("keyCompromise");
    expect(parseCrlReason(1)).toBe("keyCompromise");
    expect(parseCrlReason("9")).toBe("privilegeWithdrawn");
    expect(() => parseCrlReason(7)).toThrow(RevokeError);
    expect(() => parseCrlReason("toString")).toThrow(RevokeError);
  });
});
