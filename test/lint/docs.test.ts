/** docs/lint.md's CSR rules table is the registry's: every CSR rule, its severity per profile, parseCsr code and zlint name. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { allRules } from "../../src/lint/index.js";
import { severityIn } from "../../src/lint/registry.js";

const PROFILES = ["rfc5280", "cabf-br", "cas", "private"] as const;
const doc = readFileSync(join(import.meta.dirname, "../../docs/lint.md"), "utf8");

describe("docs/lint.md", () => {
  it("the CSR rules table matches the registry in both directions", () => {
    const rows = new Map<string, string[]>();
    for (const line of doc.split("\n")) {
      const m = /^\| `(csr\.[a-z0-9_.]+)` \|(.*)\|$/.exec(line);
      if (m) rows.set(m[1] as string, (m[2] as string).split(/(?<!\\)\|/).map((c) => c.trim()));
    }
    const rules = allRules().filter((r) => r.targets.includes("csr"));
    expect([...rows.keys()].sort()).toEqual(rules.map((r) => r.id).sort());
    for (const r of rules) {
      const cells = rows.get(r.id) as string[];
      // checks | rfc5280 | cabf-br | cas | private | parseCsr | citation | zlint
      expect(cells.slice(1, 5), r.id).toEqual(PROFILES.map((p) => (r.profiles.includes(p) ? severityIn(r, p) : "–")));
      expect(cells[5], r.id).toBe(r.csrCode ? `\`${r.csrCode}\`` : "–");
      expect(cells[7], r.id).toBe(r.zlint ? `\`${r.zlint}\`` : "–");
    }
  });
});
