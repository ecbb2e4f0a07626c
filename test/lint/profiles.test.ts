/** Built-in profiles, user profiles (extends, enable, disable, severity, "prefix*" patterns) and their validation. */
import { describe, expect, it } from "vitest";
import { LintProfileError, lintCsr, parseLintProfile, resolveProfile } from "../../src/lint/index.js";
import { ruleById } from "../../src/lint/registry.js";
import * as B from "../helpers/csr-builder.js";
import { good } from "./cases.js";
import { request, rulesOf } from "./helpers.js";

const internal = request({ subject: B.name(B.cn("app.internal")), attributes: B.attributes(B.sanExtension(B.dns("app.internal"), B.ip([10, 0, 0, 1]))) });
const twoCn = request({ subject: B.name(B.cn("a.example.com"), B.cn("b.example.com")) });

describe("lint profiles", () => {
  it("CSRs default to cas; a private CA may name internal hosts and private addresses, a public one may not", () => {
    expect(lintCsr(good).profile).toBe("cas");
    expect(lintCsr(internal, { profile: "private" }).counts.error).toBe(0);
    expect(lintCsr(internal, { profile: "cas" }).counts.error).toBe(0);
    const br = rulesOf(lintCsr(internal, { profile: "cabf-br" }));
    expect(br).toEqual(expect.arrayContaining(["csr.name.internal_domain", "csr.name.reserved_ip"]));
  });

  it("rfc5280 judges structure, not CA policy", () => {
    expect(rulesOf(lintCsr(twoCn, { profile: "rfc5280" }))).not.toContain("csr.subject.cn_multiple");
    expect(rulesOf(lintCsr(twoCn, { profile: "cas" }))).toContain("csr.subject.cn_multiple");
  });

  it("a user profile extends, disables and enables by id or prefix, and re-grades", () => {
    const p = { name: "team", extends: "cas" as const, disable: ["csr.cas.*", "csr.subject.*"], enable: ["csr.name.internal_domain"], severity: { "csr.name.*": "warning" as const } };
    const r = lintCsr(internal, { profile: p });
    expect(r.profile).toBe("team");
    expect(rulesOf(r)).toContain("csr.name.internal_domain");
    expect(r.findings.find((f) => f.rule === "csr.name.internal_domain")?.severity).toBe("warning");
    expect(rulesOf(r).some((x) => x.startsWith("csr.cas."))).toBe(false);
    expect(rulesOf(lintCsr(twoCn, { profile: p }))).not.toContain("csr.subject.cn_multiple");
  });

  it("the most specific pattern wins; on a tie disable wins", () => {
    const rule = ruleById("csr.cas.order_key");
    if (!rule) throw new Error("missing rule");
    const on = resolveProfile({ name: "x", extends: "private", disable: ["csr.*"], enable: ["csr.cas.order_key"] }, "csr");
    expect(on.severityOf(rule)).toBe("notice");
    const off = resolveProfile({ name: "x", extends: "cas", enable: ["csr.cas.*"], disable: ["csr.cas.*"] }, "csr");
    expect(off.severityOf(rule)).toBeNull();
    const graded = resolveProfile({ name: "x", severity: { "csr.*": "error", "csr.cas.order_key": "warning" } }, "csr");
    expect(graded.base).toBe("cas");
    expect(graded.severityOf(rule)).toBe("warning");
  });

  it("invalid profiles are refused with every problem named", () => {
    const bad = (v: unknown) => {
      try {
        parseLintProfile(v);
      } catch (e) {
        expect(e).toBeInstanceOf(LintProfileError);
        return (e as LintProfileError).issues;
      }
      throw new Error("accepted");
    };
    expect(bad({ extends: "cas" }).join()).toMatch(/name/);
    expect(bad({ name: "x", extends: "mozilla" }).join()).toMatch(/extends/);
    expect(bad({ name: "x", severity: { "csr.input.pem": "fatal" } }).join()).toMatch(/severity/);
    expect(bad({ name: "x", disable: ["CSR KEY"] }).join()).toMatch(/disable/);
    expect(bad({ name: "x", colour: "red" }).join()).toMatch(/colour|unrecognized/i);
    expect(bad({ name: "x", disable: ["csr.nope.*", "csr.key.typo"] })).toHaveLength(2);
    expect(() => lintCsr(good, { profile: "nope" as never })).toThrow(TypeError);
  });
});
