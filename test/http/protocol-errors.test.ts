/** docs/errors.md lists exactly the protocol errors of the HTTP API, with their statuses. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PROTOCOL_ERRORS } from "../../src/service/errors.js";

describe("docs/errors.md: protocol errors", () => {
  const doc = readFileSync(join(import.meta.dirname, "../../docs/errors.md"), "utf8");
  const section = doc.slice(doc.indexOf("## Protocol errors of the HTTP API"));
  const documented = Object.fromEntries([...section.matchAll(/^\| `([\w.]+)` \| (\d{3}) \|/gm)].map((m) => [m[1], Number(m[2])]));
  it("lists every code of PROTOCOL_ERRORS with its status, and no other", () => {
    expect(Object.keys(documented).length).toBeGreaterThan(15);
    expect(documented).toEqual({ ...PROTOCOL_ERRORS });
  });
});
