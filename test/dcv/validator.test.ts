import { describe, expect, it } from "vitest";
import { approveAllValidator, createDcvValidator, DNS_RECORD_PREFIX, FILE_URI, type DcvChallenge } from "../../src/dcv/index.js";

describe("createDcvValidator", () => {
  it("refuses bad options when it is built, not on the first order", () => {
    for (const bad of [
      { dnsServers: ["ns.example.test"] },
      { dnsServers: ["127.0.0.1:99999"] },
      { dnsServers: [] },
      { httpPort: 0 },
      { httpPort: 1.5 },
      { timeoutMs: -1 },
      { maxBytes: 0 },
      { maxRedirects: -1 },
    ]) {
      expect(() => createDcvValidator(bad), JSON.stringify(bad)).toThrow(TypeError);
    }
    expect(() => createDcvValidator({ dnsServers: ["127.0.0.1", "127.0.0.1:5353", "::1", "[::1]:5353"] })).not.toThrow();
  });

  it("refuses an unknown method with a bounded detail", async () => {
    const r = await createDcvValidator({ dnsServers: ["127.0.0.1:9"] }).check({ method: "EMAIL" as never, domain: "example.test", value: "x" });
    expect(r).toMatchObject({ ok: false, outcome: "refused" });
    expect(r.detail).toMatch(/DNS or FILE/);
  });

  it("keeps every detail within 200 characters, even for a huge domain", async () => {
    const r = await createDcvValidator({ dnsServers: ["127.0.0.1:9"] }).check({ method: "DNS", domain: `${"a".repeat(5000)}.test`, value: "x" });
    expect(r.outcome).toBe("refused");
    expect(r.detail.length).toBeLessThanOrEqual(200);
  });

  it("exports the CAS record label and file URI", () => {
    expect(DNS_RECORD_PREFIX).toBe("_dnsauth");
    expect(FILE_URI).toBe("/.well-known/pki-validation/fileauth.txt");
  });
});

describe("approveAllValidator", () => {
  it("approves anything at once and says so", async () => {
    const v = approveAllValidator();
    for (const ch of [
      { method: "DNS", domain: "*.example.test", value: "whatever" },
      { method: "FILE", domain: "*.example.test", value: "" },
    ] satisfies DcvChallenge[]) {
      expect(await v.check(ch)).toEqual({ ok: true, outcome: "ok", detail: "approved without checking (CASKIT_DCV_APPROVE_ALL)" });
    }
  });
});
