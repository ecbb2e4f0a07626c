/**
 * Parity with the parser: lintCsr(x, { profile: "cas" }) reports an error exactly when parseCsr(x) throws,
 * and among its errors one of the CsrError code parseCsr threw — over every vector in vectors/csr, the
 * hand-made cases, and fast-check mutations (the generators of test/csr/parse.property.test.ts, applied
 * to RSA, P-256 and SM2 requests). Along the way: lintCsr never throws, is fast, and every location lies
 * within the DER.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import * as B from "../helpers/csr-builder.js";
import { CASES, good } from "./cases.js";
import { parity, pem, request } from "./helpers.js";

const DIR = join(import.meta.dirname, "../../vectors/csr");
const index: Array<{ file: string; expect: "ok" | { code: string } }> = JSON.parse(readFileSync(join(DIR, "index.json"), "utf8"));

describe("lintCsr ⇔ parseCsr (cas profile)", () => {
  it.each(index.map((e) => [e.file, e] as const))("vector %s", (file, e) => {
    const bytes = new Uint8Array(readFileSync(join(DIR, file)));
    expect(parity(bytes)).toBe(e.expect === "ok" ? "ok" : e.expect.code);
    // the same request as a string (PEM files only; DER as a string is never DER)
    if (bytes[0] !== 0x30) parity(Buffer.from(bytes).toString("latin1"));
  });

  it("every hand-made case", () => {
    for (const c of CASES) parity(c.input);
  });

  it("client requests (csrUse: \"client\" ⇔ parseCsr's client profile): every vector and hand-made case", () => {
    for (const e of index) parity(new Uint8Array(readFileSync(join(DIR, e.file))), "client");
    for (const c of CASES) parity(c.input, "client");
    expect(parity(request({ subject: B.name(B.cn("Alice Smith")), attributes: B.attributes() }), "client")).toBe("ok");
    expect(parity(request({ subject: B.name(B.country("CN")), attributes: B.attributes() }), "client")).toBe("ok");
    expect(parity(request({ attributes: B.attributes(B.sanExtension(B.email("a@example.com"))) }), "client")).toBe("bad_name");
  });

  const seeds = [good, request({ signer: "rsa" }), request({ signer: "sm2" })];
  const seed = fc.constantFrom(...seeds);

  it("random bytes, and random bytes behind a SEQUENCE tag", () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 2048 }), (b) => void parity(b)), { numRuns: 300 });
    fc.assert(fc.property(fc.uint8Array({ maxLength: 1024 }), (b) => void parity(Uint8Array.from([0x30, ...b]))), { numRuns: 300 });
  });
  it("truncations", () => {
    fc.assert(fc.property(seed, fc.nat(), (s, k) => void parity(s.subarray(0, k % s.length))), { numRuns: 200 });
  });
  it("single-bit flips", () => {
    fc.assert(
      fc.property(seed, fc.nat(), fc.integer({ min: 0, max: 7 }), (s, i, bit) => {
        const m = Uint8Array.from(s);
        m[i % m.length] = (m[i % m.length] as number) ^ (1 << bit);
        parity(m);
      }),
      { numRuns: 500 },
    );
  });
  it("byte insertions, deletions and replacements", () => {
    fc.assert(
      fc.property(seed, fc.nat(), fc.integer({ min: 0, max: 255 }), fc.constantFrom("insert", "delete", "replace"), (s, j, v, op) => {
        const i = j % s.length;
        const m =
          op === "insert"
            ? Uint8Array.from([...s.subarray(0, i), v, ...s.subarray(i)])
            : op === "delete"
              ? Uint8Array.from([...s.subarray(0, i), ...s.subarray(i + 1)])
              : Uint8Array.from([...s.subarray(0, i), v, ...s.subarray(i + 1)]);
        parity(m);
      }),
      { numRuns: 500 },
    );
  });
  it("mutated PEM text", () => {
    fc.assert(
      fc.property(seed, fc.nat(), fc.string({ maxLength: 4 }), (s, j, str) => {
        const text = pem(s);
        const i = j % text.length;
        parity(text.slice(0, i) + str + text.slice(i + 1));
      }),
      { numRuns: 400 },
    );
  });
  it("arbitrary text, and text around a good PEM block", () => {
    fc.assert(fc.property(fc.string({ unit: "binary", maxLength: 300 }), (t) => void parity(t)), { numRuns: 300 });
    fc.assert(fc.property(fc.string({ maxLength: 40 }), fc.string({ maxLength: 40 }), (a, b) => void parity(a + pem(good) + b)), { numRuns: 300 });
  });
  it("deep nesting is refused quickly", () => {
    const deep = new Uint8Array(10_000);
    for (let i = 0; i < 5000; i++) deep.set([0x30, 0x80], i * 2);
    parity(deep);
  });
});
