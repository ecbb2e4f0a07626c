/** OpenSSL-made bad CSRs (test/lint/fixtures, regenerate with generate.sh there): the rule each trips, and parity with parseCsr. */
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type ProfileName, lintCsr } from "../../src/lint/index.js";
import { locationsInside, parity, rulesOf } from "./helpers.js";

const DIR = join(import.meta.dirname, "fixtures");
const EXPECT: Record<string, { profile: ProfileName; rules: string[]; clean?: ProfileName }> = {
  "dsa.csr": { profile: "cas", rules: ["csr.key.algorithm", "csr.signature.unsupported"] },
  "ec-compressed-point.csr": { profile: "cas", rules: ["csr.key.ec_point_compressed"] },
  "ec-explicit-params.csr": { profile: "cas", rules: ["csr.key.ec_curve_params"] },
  "rsa-pss-key.csr": { profile: "cas", rules: ["csr.key.algorithm", "csr.signature.rsa_pss"] },
  "internal-names.csr": { profile: "cabf-br", rules: ["csr.name.internal_domain", "csr.name.reserved_ip"], clean: "private" },
};

describe("OpenSSL-made fixtures", () => {
  it("the folder and the table agree", () => {
    expect(readdirSync(DIR).filter((f) => f.endsWith(".csr")).sort()).toEqual(Object.keys(EXPECT).sort());
  });
  it.each(Object.entries(EXPECT))("%s", (file, e) => {
    const bytes = new Uint8Array(readFileSync(join(DIR, file)));
    const r = lintCsr(bytes, { profile: e.profile });
    expect(rulesOf(r)).toEqual(expect.arrayContaining(e.rules));
    expect(locationsInside(r)).toBe(true);
    if (e.clean) expect(lintCsr(bytes, { profile: e.clean }).counts.error).toBe(0);
    parity(bytes);
  });
});
