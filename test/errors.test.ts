import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import * as errors from "../src/errors.js";
import { CAS_ERROR_TABLE } from "../src/service/errors.js";
import { STORE_ERROR_CODES } from "../src/store/errors.js";

describe("docs/errors.md", () => {
  const doc = readFileSync(join(import.meta.dirname, "../docs/errors.md"), "utf8");
  const documented = [...doc.matchAll(/^\| (\w+Error) \| `(\w+)` \|/gm)].map((m) => `${m[1]}.${m[2]}`).sort();
  const defined = [...Object.entries(errors.ERROR_CODES).flatMap(([cls, codes]) => codes.map((c) => `${cls}.${c}`)), ...STORE_ERROR_CODES.map((c) => `StoreError.${c}`)].sort();
  it("lists exactly the codes the code defines", () => {
    expect(documented).toEqual(defined);
  });
  it("every code has exactly one CAS mapping in the service's error table", () => {
    expect(Object.keys(CAS_ERROR_TABLE).sort()).toEqual(defined);
  });
  it("every class in ERROR_CODES is an exported CaskitError subclass", () => {
    for (const cls of Object.keys(errors.ERROR_CODES)) {
      const C = (errors as unknown as Record<string, new (c: string, m: string) => Error>)[cls];
      expect(C).toBeDefined();
      const e = new (C as new (c: string, m: string) => errors.CaskitError)("x", "y");
      expect(e).toBeInstanceOf(errors.CaskitError);
      expect(e.name).toBe(cls);
    }
  });
});
