/** The registry's shape: ids, citations, profiles, and the CSR rules' parity codes. */
import { describe, expect, it } from "vitest";
import { allRules, rulesFor } from "../../src/lint/index.js";
import { csrRule, registerRules, severityIn } from "../../src/lint/registry.js";

const PROFILES = ["rfc5280", "cabf-br", "cas", "private"];
const TARGETS = ["csr", "root", "intermediate", "server", "client", "crl"];

describe("lint registry", () => {
  it("every rule is well formed", () => {
    const rules = allRules();
    expect(rules.length).toBeGreaterThan(40);
    expect(new Set(rules.map((r) => r.id)).size).toBe(rules.length);
    for (const r of rules) {
      expect(r.id, r.id).toMatch(/^(csr|cert|crl)\.[a-z0-9_]+(\.[a-z0-9_]+)*$/);
      expect(r.citation.trim().length, r.id).toBeGreaterThan(3);
      expect(r.description.trim().length, r.id).toBeGreaterThan(10);
      expect(r.targets.length, r.id).toBeGreaterThan(0);
      for (const t of r.targets) expect(TARGETS, r.id).toContain(t);
      for (const p of r.profiles) expect(PROFILES, r.id).toContain(p);
      if (r.zlint) expect(r.zlint, r.id).toMatch(/^[ewn]_[a-z0-9_]+$/);
      expect(r.id.startsWith("csr.") === r.targets.includes("csr"), r.id).toBe(true);
    }
  });

  it("every CSR error of the cas profile names the parseCsr code it stands for (the parity contract)", () => {
    for (const r of rulesFor("csr", "cas")) {
      if (severityIn(r, "cas") === "error") expect(r.csrCode, r.id).toBeDefined();
    }
  });

  it("refuses duplicate and malformed ids", () => {
    const rule = (id: string) => csrRule({ id, severity: "notice", profiles: [], citation: "test", description: "test.", check: () => [] });
    expect(() => registerRules([rule("csr.input.pem")])).toThrow(TypeError);
    expect(() => registerRules([rule("CSR Bad")])).toThrow(TypeError);
  });

  it("rulesFor picks by target and profile", () => {
    expect(rulesFor("csr", "cabf-br").map((r) => r.id)).toContain("csr.name.internal_domain");
    expect(rulesFor("csr", "private").map((r) => r.id)).not.toContain("csr.name.internal_domain");
    expect(rulesFor("csr", "cas").map((r) => r.id)).toContain("csr.cas.order_key");
    expect(rulesFor("csr", "private").map((r) => r.id)).not.toContain("csr.cas.order_key");
  });
});
