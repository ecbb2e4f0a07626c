/**
 * DNS validation against a real DNS server (dnsmasq on 127.0.0.1) and a real silent one (a UDP socket
 * that reads queries and never answers).
 */
import { createSocket, type Socket } from "node:dgram";
import { Resolver } from "node:dns/promises";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDcvValidator, type DcvResult } from "../../src/dcv/index.js";
import { startDnsmasq, type Dnsmasq } from "../helpers/dnsmasq.js";

const LONG = `long-${"0123456789abcdef".repeat(20)}`; // 325 bytes: sent as two TXT strings

let dns: Dnsmasq;
beforeAll(async () => {
  dns = await startDnsmasq({
    txt: {
      "_dnsauth.ok.example.test": ["token-ok"],
      "_dnsauth.wrong.example.test": ["something-else-entirely-and-rather-long-too"],
      "_dnsauth.multi.example.test": ["v=spf1 -all", "token-multi", "google-site-verification=x"],
      "_dnsauth.example.test": ["token-wild"],
      "_dnsauth.long.example.test": [LONG],
      "_dnsauth.trim.example.test": ["  token-trim  "],
    },
    a: { "_dnsauth.nodata.example.test": "127.0.0.1" },
  });
});
afterAll(async () => {
  await dns?.stop();
});

const dnsCheck = (domain: string, value: string, timeoutMs = 3000): Promise<DcvResult> =>
  createDcvValidator({ dnsServers: [dns.server], timeoutMs }).check({ method: "DNS", domain, value });

describe("the dnsmasq helper", () => {
  it("listens on 127.0.0.1 only, over UDP and TCP", () => {
    const hexPort = dns.port.toString(16).toUpperCase().padStart(4, "0");
    const local = ["tcp", "tcp6", "udp", "udp6"].flatMap((f) =>
      readFileSync(`/proc/net/${f}`, "utf8")
        .split("\n")
        .slice(1)
        .map((l) => l.trim().split(/\s+/)[1] ?? "")
        .filter((addr) => addr.endsWith(`:${hexPort}`))
        .map((addr) => `${f} ${addr}`),
    );
    expect(local.sort()).toEqual([`tcp 0100007F:${hexPort}`, `udp 0100007F:${hexPort}`]);
  });

  it("refuses to point a name anywhere but loopback", async () => {
    await expect(startDnsmasq({ a: { "x.example.test": "192.0.2.1" } })).rejects.toThrow(/loopback/);
  });

  it("serves a long TXT value as several strings (what the validator must join)", async () => {
    const r = new Resolver();
    r.setServers([dns.server]);
    const [record] = await r.resolveTxt("_dnsauth.long.example.test");
    expect(record!.length).toBeGreaterThan(1);
    expect(record!.join("")).toBe(LONG);
  });
});

describe("DNS validation", () => {
  it("ok when the TXT record at _dnsauth.<domain> holds the value", async () => {
    expect(await dnsCheck("ok.example.test", "token-ok")).toEqual({ ok: true, outcome: "ok", detail: "TXT record at _dnsauth.ok.example.test matches" });
  });

  it("normalises the name (case, trailing dot) and trims values on both sides", async () => {
    expect((await dnsCheck("OK.Example.TEST.", " token-ok\n")).outcome).toBe("ok");
    expect((await dnsCheck("trim.example.test", "token-trim")).outcome).toBe("ok");
  });

  it("ok when one of several TXT records matches", async () => {
    expect((await dnsCheck("multi.example.test", "token-multi")).outcome).toBe("ok");
  });

  it("joins the strings of one long TXT record", async () => {
    expect((await dnsCheck("long.example.test", LONG)).outcome).toBe("ok");
    expect((await dnsCheck("long.example.test", LONG.slice(0, 255))).outcome).toBe("mismatch");
  });

  it("mismatch says how many records it saw and quotes only a short excerpt", async () => {
    const r = await dnsCheck("wrong.example.test", "token-wrong");
    expect(r.outcome).toBe("mismatch");
    expect(r.ok).toBe(false);
    expect(r.detail).toMatch(/^1 TXT record\(s\) at _dnsauth\.wrong\.example\.test, none matches/);
    expect(r.detail).not.toContain("rather-long-too");
    expect((await dnsCheck("multi.example.test", "token-none")).detail).toMatch(/^3 TXT record/);
  });

  it("a wildcard is checked at _dnsauth.<base domain>", async () => {
    const r = await dnsCheck("*.example.test", "token-wild");
    expect(r).toEqual({ ok: true, outcome: "ok", detail: "TXT record at _dnsauth.example.test matches" });
    expect((await dnsCheck("*.ok.example.test", "token-ok")).outcome).toBe("ok");
    expect((await dnsCheck("*.ok.example.test", "token-wild")).outcome).toBe("mismatch");
  });

  it("not_found for a name that does not exist (NXDOMAIN) and for one with no TXT record (NODATA)", async () => {
    const nx = await dnsCheck("missing.example.test", "x");
    expect(nx.outcome).toBe("not_found");
    expect(nx.detail).toContain("_dnsauth.missing.example.test");
    expect((await dnsCheck("nodata.example.test", "x")).outcome).toBe("not_found");
  });

  it("refuses IP addresses, malformed names and an empty expected value without asking DNS", async () => {
    for (const domain of ["127.0.0.1", "::1", "", "exa mple.test", "a.*.example.test", "single", `${"a".repeat(64)}.test`]) {
      const r = await dnsCheck(domain, "x");
      expect(r.outcome, domain).toBe("refused");
      expect(r.detail.length).toBeLessThanOrEqual(200);
    }
    expect((await dnsCheck("ok.example.test", "   ")).outcome).toBe("refused");
  });

  it("sees a changed record once the server answers differently (a restarted dnsmasq)", async () => {
    const next = await startDnsmasq({ txt: { "_dnsauth.ok.example.test": ["token-rotated"] } });
    try {
      const v = createDcvValidator({ dnsServers: [next.server], timeoutMs: 3000 });
      expect((await v.check({ method: "DNS", domain: "ok.example.test", value: "token-rotated" })).outcome).toBe("ok");
      expect((await v.check({ method: "DNS", domain: "ok.example.test", value: "token-ok" })).outcome).toBe("mismatch");
    } finally {
      await next.stop();
    }
  });
});

describe("DNS validation against servers that do not answer", () => {
  let silent: Socket;
  let queries = 0;
  beforeAll(async () => {
    silent = createSocket("udp4").on("message", () => void queries++);
    await new Promise<void>((ok) => silent.bind(0, "127.0.0.1", ok));
  });
  afterAll(() => new Promise<void>((ok) => silent.close(() => ok())));

  it("timeout within the configured time when the server drops every query", async () => {
    const v = createDcvValidator({ dnsServers: [`127.0.0.1:${silent.address().port}`], timeoutMs: 600 });
    const t0 = performance.now();
    const r = await v.check({ method: "DNS", domain: "ok.example.test", value: "token-ok" });
    const elapsed = performance.now() - t0;
    expect(r.outcome).toBe("timeout");
    expect(r.detail).toContain("600 ms");
    expect(queries).toBeGreaterThan(0);
    expect(elapsed).toBeGreaterThanOrEqual(150);
    expect(elapsed).toBeLessThan(2000);
  });

  it("falls through a silent server to the next one in dnsServers", async () => {
    const v = createDcvValidator({ dnsServers: [`127.0.0.1:${silent.address().port}`, dns.server], timeoutMs: 3000 });
    const t0 = performance.now();
    expect((await v.check({ method: "DNS", domain: "ok.example.test", value: "token-ok" })).outcome).toBe("ok");
    expect(performance.now() - t0).toBeLessThan(3000);
  });

  it("refused when nothing listens on the server's port", async () => {
    const closed = createSocket("udp4");
    await new Promise<void>((ok) => closed.bind(0, "127.0.0.1", ok));
    const port = closed.address().port;
    await new Promise<void>((ok) => closed.close(() => ok()));
    const t0 = performance.now();
    const r = await createDcvValidator({ dnsServers: [`127.0.0.1:${port}`], timeoutMs: 2000 }).check({ method: "DNS", domain: "ok.example.test", value: "x" });
    expect(r.outcome).toBe("refused");
    expect(performance.now() - t0).toBeLessThan(2500);
  });
});
