import { generateKeyPairSync } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseCsr } from "../../src/csr/index.js";
import { CsrError } from "../../src/errors.js";
import * as B from "../helpers/csr-builder.js";

const CODES = new Set(["too_large", "parse_error", "trailing_data", "unsupported_key", "weak_key", "unsupported_signature", "bad_signature", "bad_subject", "missing_cn", "bad_name"]);

const ec = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
const spki = new Uint8Array(ec.publicKey.export({ format: "der", type: "spki" }));
const good = B.signRequest(
  B.requestInfo({ subject: B.name(B.country("CN"), B.cn("fuzz.example.com")), spki, attributes: B.attributes(B.sanExtension(B.dns("fuzz.example.com"), B.ip([10, 0, 0, 1]))) }),
  ec.privateKey,
);
const goodPem = B.csrPem(good);

/** Runs the parser: it must return facts or throw a CsrError with a policy code, quickly. */
function judge(input: string | Uint8Array): void {
  const start = performance.now();
  try {
    parseCsr(input);
  } catch (e) {
    expect(e).toBeInstanceOf(CsrError);
    expect(CODES.has((e as CsrError).code)).toBe(true);
  }
  expect(performance.now() - start).toBeLessThan(1000);
}

describe("parseCsr on hostile input (property)", () => {
  it("the unmutated request is accepted (the properties below start from a valid one)", () => {
    expect(parseCsr(good).cn).toBe("fuzz.example.com");
  });
  it("random bytes", () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 2048 }), (b) => judge(b)), { numRuns: 400 });
  });
  it("random bytes behind a SEQUENCE tag", () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 1024 }), (b) => judge(Uint8Array.from([0x30, ...b]))), { numRuns: 400 });
  });
  it("truncations", () => {
    fc.assert(fc.property(fc.nat(good.length - 1), (k) => judge(good.subarray(0, k))), { numRuns: 300 });
  });
  it("every single-bit flip is refused with a CsrError (any change breaks structure or signature)", () => {
    fc.assert(
      fc.property(fc.nat(good.length - 1), fc.integer({ min: 0, max: 7 }), (i, bit) => {
        const m = Uint8Array.from(good);
        m[i] = (m[i] as number) ^ (1 << bit);
        expect(() => parseCsr(m)).toThrow(CsrError);
        judge(m);
      }),
      { numRuns: 600 },
    );
  });
  it("byte insertions and deletions", () => {
    fc.assert(
      fc.property(fc.nat(good.length), fc.integer({ min: 0, max: 255 }), fc.boolean(), (i, v, insert) => {
        const m = insert ? Uint8Array.from([...good.subarray(0, i), v, ...good.subarray(i)]) : Uint8Array.from([...good.subarray(0, i), ...good.subarray(i + 1)]);
        judge(m);
      }),
      { numRuns: 400 },
    );
  });
  it("mutated PEM text", () => {
    fc.assert(
      fc.property(fc.nat(goodPem.length - 1), fc.string({ maxLength: 4 }), (i, s) => judge(goodPem.slice(0, i) + s + goodPem.slice(i + 1))),
      { numRuns: 400 },
    );
  });
  it("deep nesting is refused quickly", () => {
    const depth = 5000;
    const deep = new Uint8Array(depth * 2);
    for (let i = 0; i < depth; i++) {
      deep[i * 2] = 0x30;
      deep[i * 2 + 1] = 0x80;
    }
    judge(deep);
    // Definite lengths, nested: 30 len 30 len … built inside out.
    let nested: Uint8Array = Uint8Array.of(0x05, 0x00);
    for (let i = 0; i < 200; i++) nested = B.name(nested);
    judge(nested);
  });
});
