/**
 * lintCertificate and lintCrl on hostile input (property tests): random bytes, truncations, bit flips
 * and insertions into a real caskit certificate and CRL never throw, never take long, and every
 * finding's location lies inside the decoded input.
 */
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { createRootCa, createSubCa } from "../../src/ca/index.js";
import { fromPemAll } from "../../src/internal/pem.js";
import { Issuer } from "../../src/issue/index.js";
import { lintCertificate, lintCrl } from "../../src/lint/index.js";
import type { LintReport } from "../../src/lint/types.js";
import { buildCrl } from "../../src/revoke/index.js";

let cert: Uint8Array;
let crl: Uint8Array;
beforeAll(async () => {
  const root = await createRootCa({ subject: { commonName: "Lint Fuzz Root" }, algorithm: "ECC_256", years: 2 });
  const sub = await createSubCa(root, { subject: { commonName: "Lint Fuzz CA" }, algorithm: "ECC_256", years: 1 });
  const issuer = Issuer.prepare(sub, { crlBaseUrl: "http://pki.example.test" });
  const leaf = await issuer.server({ commonName: "fuzz.example.test", algorithm: "ECC_256", days: 30, domain: "10.0.0.1", enableCrl: true });
  cert = fromPemAll("CERTIFICATE", leaf.certificatePem)[0] as Uint8Array;
  const now = new Date();
  crl = buildCrl({ issuer: issuer.crlSigner, entries: [{ serial: leaf.serialNumber, revokedAt: now, reason: "keyCompromise" }], crlNumber: 7n, thisUpdate: now, nextUpdate: new Date(now.getTime() + 86_400_000) }).der;
});

/** The report is well-formed: counts match, locations inside the input, quick. */
function judge(run: () => LintReport): void {
  const start = performance.now();
  const r = run();
  expect(performance.now() - start).toBeLessThan(2000);
  for (const f of r.findings) {
    expect(f.rule).toMatch(/^[a-z0-9_.]+$/);
    if (f.location) {
      expect(f.location.offset).toBeGreaterThanOrEqual(0);
      expect(f.location.offset + f.location.length).toBeLessThanOrEqual(r.derLength);
    }
  }
  expect(r.counts.error + r.counts.warning + r.counts.notice).toBe(r.findings.length);
}

const mutations = (base: () => Uint8Array) =>
  fc.oneof(
    fc.nat().map((n) => base().subarray(0, n % base().length)),
    fc.tuple(fc.nat(), fc.integer({ min: 0, max: 7 })).map(([i, bit]) => {
      const b = Uint8Array.from(base());
      b[i % b.length] = (b[i % b.length] as number) ^ (1 << bit);
      return b;
    }),
    fc.tuple(fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 16 })).map(([i, extra]) => {
      const b = base();
      const at = i % b.length;
      return Uint8Array.from([...b.subarray(0, at), ...extra, ...b.subarray(at)]);
    }),
  );

describe("lint on hostile input (property)", () => {
  it("the unmutated certificate and CRL are decoded (the properties start from valid ones)", () => {
    expect(lintCertificate(cert).target).not.toBe("unknown");
    expect(lintCrl(crl).target).toBe("crl");
  });
  it("random bytes", () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 2048 }), (b) => {
      judge(() => lintCertificate(b));
      judge(() => lintCrl(b));
    }), { numRuns: 200 });
  });
  it("mutated certificates", () => {
    fc.assert(fc.property(mutations(() => cert), (b) => judge(() => lintCertificate(b, { profile: "rfc5280" }))), { numRuns: 300 });
  });
  it("mutated CRLs", () => {
    fc.assert(fc.property(mutations(() => crl), (b) => judge(() => lintCrl(b, { profile: "rfc5280" }))), { numRuns: 300 });
  });
});
