/** Each CSR rule fires on its hand-made bad request, with a location inside the DER; the good request is clean. */
import { describe, expect, it } from "vitest";
import { allRules, lintCsr } from "../../src/lint/index.js";
import * as B from "../helpers/csr-builder.js";
import { CASES, good, goodPem } from "./cases.js";
import { errorsOf, locationsInside, request, rsa, rulesOf } from "./helpers.js";

describe("CSR rules", () => {
  it("a good request has no errors or warnings in any profile (the cabf-br reserved-IP rule aside)", () => {
    for (const profile of ["cas", "private", "rfc5280"] as const) {
      const r = lintCsr(good, { profile });
      expect(r.counts.error + r.counts.warning, `${profile}: ${rulesOf(r)}`).toBe(0);
      expect(r.target).toBe("csr");
    }
    const pub = request({ attributes: B.attributes(B.sanExtension(B.dns("www.example.com"))) });
    expect(lintCsr(pub, { profile: "cabf-br" }).findings).toEqual([]);
    expect(lintCsr(request({ signer: "rsa" }), { profile: "cas" }).counts.error).toBe(0);
    expect(lintCsr(request({ signer: "sm2" }), { profile: "cas" }).counts.error).toBe(0);
  });

  it("every CSR rule has a case below", () => {
    const covered = new Set(CASES.map((c) => c.rule));
    const missing = allRules()
      .filter((r) => r.targets.includes("csr"))
      .map((r) => r.id)
      .filter((id) => !covered.has(id));
    expect(missing).toEqual([]);
  });

  it.each(CASES.map((c) => [c.rule, c.note, c] as const))("%s (%s)", (rule, _note, c) => {
    const r = lintCsr(c.input, { profile: c.profile ?? "cas" });
    expect(rulesOf(r)).toContain(rule);
    expect(locationsInside(r)).toBe(true);
    const f = r.findings.find((x) => x.rule === rule);
    expect(f?.citation.length).toBeGreaterThan(3);
    expect(f?.message.length).toBeLessThan(400);
  });

  it("reports every fault at once, worst first", () => {
    const bad = request({
      spki: new Uint8Array(rsa.publicKey.export({ format: "der", type: "spki" })),
      signer: "rsa",
      subject: B.name(B.cn("a.example.com"), B.cn("b.example.com"), B.country("USA")),
      attributes: B.attributes(B.sanExtension(B.email("a@example.com"), B.dns("bad_name.example.com"))),
      algId: B.attr("1.2.840.113549.1.1.5", new Uint8Array([5, 0])),
    });
    const r = lintCsr(bad);
    expect(errorsOf(r)).toEqual(expect.arrayContaining(["csr.signature.sha1", "csr.subject.cn_multiple", "csr.subject.country", "csr.san.type", "csr.san.dns_syntax"]));
    const ranks = r.findings.map((f) => ["error", "warning", "notice"].indexOf(f.severity));
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
  });

  it("SM2 signed with the empty ID: the message names the OpenSSL flag", async () => {
    const { readFileSync } = await import("node:fs");
    const r = lintCsr(readFileSync(new URL("../../vectors/csr/openssl-sm2-empty-id.pem", import.meta.url)));
    expect(r.findings.find((f) => f.rule === "csr.signature.verify")?.message).toMatch(/distid:1234567812345678/);
  });

  it("PEM locations index the decoded DER", () => {
    const r = lintCsr(goodPem.replace("-----END", "\n-----END"), { profile: "cabf-br" });
    expect(r.derLength).toBe(good.length);
    expect(locationsInside(r)).toBe(true);
  });

  it("zlint names are given where zlint has the same rule", () => {
    const r = lintCsr(request({ algId: B.attr("1.2.840.10045.4.1", new Uint8Array(0)).subarray(0) }));
    expect(r.findings.find((f) => f.rule === "csr.signature.sha1")?.zlint).toBe("e_sub_cert_or_sub_ca_using_sha1");
  });
});
