/** docs/lint.md's certificate and CRL tables are the registry's: every rule, targets, severity per profile, date, citation, zlint name. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { allRules } from "../../src/lint/index.js";
import { severityIn } from "../../src/lint/registry.js";

const PROFILES = ["rfc5280", "cabf-br", "cas", "private"] as const;
const doc = readFileSync(join(import.meta.dirname, "../../docs/lint.md"), "utf8");

describe("docs/lint.md certificate and CRL rules", () => {
  it("the tables match the registry in both directions", () => {
    const rows = new Map<string, string[]>();
    for (const line of doc.split("\n")) {
      const m = /^\| `((?:cert|crl)\.[a-z0-9_.]+)` \|(.*)\|$/.exec(line);
      if (m) rows.set(m[1] as string, (m[2] as string).split(/(?<!\\)\|/).map((c) => c.trim()));
    }
    const rules = allRules().filter((r) => !r.targets.includes("csr"));
    expect([...rows.keys()].sort()).toEqual(rules.map((r) => r.id).sort());
    for (const r of rules) {
      const cells = rows.get(r.id) as string[];
      // checks | targets | rfc5280 | cabf-br | cas | private | from | citation | zlint
      const targets = r.targets.length === 4 && !r.targets.includes("crl") ? "all" : r.targets.join(", ");
      expect(cells[1], r.id).toBe(targets);
      expect(cells.slice(2, 6), r.id).toEqual(PROFILES.map((p) => (r.profiles.includes(p) ? severityIn(r, p) : "–")));
      expect(cells[6], r.id).toBe(r.effective ? r.effective.toISOString().slice(0, 10) : "–");
      expect(cells[8], r.id).toBe(r.zlint ? `\`${r.zlint}\`` : "–");
    }
  });
});
