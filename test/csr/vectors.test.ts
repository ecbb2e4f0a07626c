/** Runs the parser over vectors/csr (several producers; regenerate with `npm run vectors`). */
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseCsr } from "../../src/csr/index.js";
import { CsrError } from "../../src/errors.js";

interface Entry {
  file: string;
  expect: "ok" | { code: string };
  note: string;
  source: string;
}
const DIR = join(import.meta.dirname, "../../vectors/csr");
const index: Entry[] = JSON.parse(readFileSync(join(DIR, "index.json"), "utf8"));

describe("vectors/csr", () => {
  it("index.json and the folder list the same files", () => {
    const files = readdirSync(DIR).filter((f) => f !== "index.json").sort();
    expect(index.map((e) => e.file).sort()).toEqual(files);
  });
  it("covers at least three producers", () => {
    const producers = new Set(index.map((e) => e.source.split(/[ (]/)[0]));
    expect(producers.size).toBeGreaterThanOrEqual(3);
    expect([...producers].join(" ")).toMatch(/keytool/);
    expect([...producers].join(" ")).toMatch(/certtool/);
  });
  it.each(index.map((e) => [e.file, e] as const))("%s", (_f, e) => {
    const bytes = new Uint8Array(readFileSync(join(DIR, e.file)));
    if (e.expect === "ok") {
      expect(() => parseCsr(bytes)).not.toThrow();
    } else {
      let err: unknown;
      try {
        parseCsr(bytes);
      } catch (x) {
        err = x;
      }
      expect(err).toBeInstanceOf(CsrError);
      expect((err as CsrError).code).toBe(e.expect.code);
    }
  });
});
