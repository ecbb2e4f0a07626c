import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import * as caskit from "../src/index.js";

describe("the public barrel", () => {
  it("exports the documented entry points", () => {
    for (const name of ["parseCsr", "createRootCa", "createSubCa", "loadCa", "Issuer", "buildCrl", "generateKeyPair", "importPrivateKey", "exportPrivateKeyPem", "CsrError", "keySpec"]) {
      expect(typeof (caskit as Record<string, unknown>)[name]).toBe("function");
    }
  });
});

describe("boundaries", () => {
  const files = (dir: string): string[] =>
    readdirSync(dir).flatMap((f) => {
      const p = join(dir, f);
      return statSync(p).isDirectory() ? files(p) : p.endsWith(".ts") ? [p] : [];
    });
  const src = join(import.meta.dirname, "../src");
  // The pure core; store/, service/, cli/, http/ and dcv/ (DNS lookups, HTTP fetches) are the edges where I/O belongs.
  const EDGES = ["store", "service", "cli", "http", "dcv"].map((d) => join(src, d));
  const core = () => files(src).filter((f) => !EDGES.some((e) => f.startsWith(e)));
  it("in the core, only src/internal/env.ts reads the clock or the system RNG", () => {
    const offenders = core()
      .filter((f) => !f.endsWith(join("internal", "env.ts")))
      .filter((f) => /new Date\(\)|Date\.now\(|randomBytes|getRandomValues/.test(readFileSync(f, "utf8")));
    expect(offenders).toEqual([]);
  });
  it("the core never touches the disk, the network or processes", () => {
    const offenders = core().filter((f) => /from "node:(fs|http|https|child_process)"/.test(readFileSync(f, "utf8")));
    expect(offenders).toEqual([]);
  });
});
