/** lint(): type detection by PEM label and DER shape; never a throw on bad data; bounded size; locations inside the DER. */
import { readFileSync, writeFileSync } from "node:fs";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { detectKind, lint, lintCertificate, lintCrl, lintCsr } from "../../src/lint/index.js";
import { opensslOrThrow, tempDir } from "../helpers/openssl.js";
import { good, goodPem, nonMinimalOuter } from "./cases.js";
import { locationsInside } from "./helpers.js";

let certPem = "";
let certDer = new Uint8Array(0);
let crlPem = "";
let crlDer = new Uint8Array(0);
let keyPem = "";

beforeAll(() => {
  const t = tempDir("caskit-lint-");
  try {
    opensslOrThrow(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", t.path("k.pem"), "-out", t.path("c.pem"), "-subj", "/CN=Lint Test CA", "-days", "30"]);
    opensslOrThrow(["x509", "-in", t.path("c.pem"), "-outform", "der", "-out", t.path("c.der")]);

    writeFileSync(t.path("ca.cnf"), "[ca]\ndefault_ca=d\n[d]\ndatabase=idx\ncrlnumber=num\ndefault_md=sha256\ndefault_crl_days=7\n");
    writeFileSync(t.path("idx"), "");
    writeFileSync(t.path("num"), "01\n");
    opensslOrThrow(["ca", "-config", "ca.cnf", "-gencrl", "-keyfile", "k.pem", "-cert", "c.pem", "-out", "r.crl"], { cwd: t.dir });
    opensslOrThrow(["crl", "-in", t.path("r.crl"), "-outform", "der", "-out", t.path("r.der")]);
    certPem = readFileSync(t.path("c.pem"), "utf8");
    certDer = new Uint8Array(readFileSync(t.path("c.der")));
    crlPem = readFileSync(t.path("r.crl"), "utf8");
    crlDer = new Uint8Array(readFileSync(t.path("r.der")));
    keyPem = readFileSync(t.path("k.pem"), "utf8");
  } finally {
    t.remove();
  }
});

describe("lint(): what the input is", () => {
  it("tells CSRs, certificates and CRLs apart by PEM label and by DER shape", () => {
    expect([detectKind(goodPem), detectKind(good)]).toEqual(["csr", "csr"]);
    expect([detectKind(certPem), detectKind(certDer)]).toEqual(["certificate", "certificate"]);
    expect([detectKind(crlPem), detectKind(crlDer)]).toEqual(["crl", "crl"]);
    expect(detectKind(keyPem)).toBeNull();
    expect(lint(good).target).toBe("csr");
    expect(lint(certDer).target).toBe("root");
    expect(lint(crlPem).target).toBe("crl");
  });

  it("undecodable input is one input.decode error, never a throw", () => {
    for (const x of [keyPem, "", new Uint8Array(0), "hello", Uint8Array.of(0x30, 0x03, 1, 2), Uint8Array.of(0x04, 0x00)]) {
      const r = lint(x);
      expect(r.target).toBe("unknown");
      expect(r.findings.map((f) => f.rule)).toEqual(["input.decode"]);
      expect(r.counts.error).toBe(1);
    }
    expect(lintCertificate(crlDer).findings.map((f) => f.rule)).toContain("input.decode");
    expect(lintCrl(goodPem).findings.map((f) => f.rule)).toContain("input.decode");
    expect(lintCsr(certPem).findings.map((f) => f.rule)).toContain("csr.input.pem");
  });

  it("bounds the input size", () => {
    const big = new Uint8Array(9 * 1024 * 1024);
    big[0] = 0x30;
    expect(lint(big).findings.map((f) => f.rule)).toEqual(["input.too_large"]);
    expect(lintCertificate(big).findings.map((f) => f.rule)).toEqual(["input.too_large"]);
  });

  it("BER is linted, not a crash", () => {
    const r = lintCertificate(nonMinimalOuter(certDer));
    expect(r.target).not.toBe("unknown");
    expect(locationsInside(r)).toBe(true);
  });

  it("mutated certificates, CRLs and CSRs: never a throw, quick, every location inside the DER", () => {
    const seeds = () => [certDer, crlDer, good];
    fc.assert(
      fc.property(fc.nat(2), fc.nat(), fc.integer({ min: 0, max: 255 }), fc.constantFrom("flip", "cut", "insert"), (s, j, v, op) => {
        const seed = seeds()[s] as Uint8Array;
        const i = j % seed.length;
        const m = op === "cut" ? seed.subarray(0, i) : op === "insert" ? Uint8Array.from([...seed.subarray(0, i), v, ...seed.subarray(i)]) : Uint8Array.from(seed);
        if (op === "flip") m[i] = (m[i] as number) ^ (v || 1);
        const start = performance.now();
        const r = lint(m);
        expect(performance.now() - start).toBeLessThan(2000);
        expect(locationsInside(r)).toBe(true);
        expect(r.derLength).toBeLessThanOrEqual(m.length);
      }),
      { numRuns: 400 },
    );
  });
});

describe("lint(): hostile text", () => {
  it("many BEGIN lines without END lines are read in linear time", () => {
    const text = "-----BEGIN CERTIFICATE-----\n".repeat(250_000); // ~7 MB
    for (const f of [lint, lintCertificate, lintCrl]) {
      const start = performance.now();
      const r = f(text);
      expect(performance.now() - start).toBeLessThan(3000);
      expect(r.counts.error).toBeGreaterThan(0);
    }
  });
});
