/**
 * FILE validation against a real HTTP server on 127.0.0.1 whose host names come from a real DNS server
 * (dnsmasq): the validator reaches the server only through the names dnsmasq gives it.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createSocket } from "node:dgram";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDcvValidator, FILE_URI, type DcvOptions, type DcvResult } from "../../src/dcv/index.js";
import { startDnsmasq, type Dnsmasq } from "../helpers/dnsmasq.js";

const TOKEN = "20261203000000abcdef0123456789";
const HOSTS = ["ok", "wrong", "missing", "err500", "loop", "redir", "relredir", "https", "otherport", "ipredir", "noloc", "huge", "biglen", "hang", "trickle"];
const HUGE = 10 * 1024 * 1024;

/** What the server saw, per host: requests, and for the huge body how much it wrote before the client hung up. */
const seen = new Map<string, number>();
const huge = { written: 0, closed: undefined as Promise<number> | undefined };
const hung: Promise<void>[] = [];

let dns: Dnsmasq;
let server: Server;
let port: number;

function handle(req: IncomingMessage, res: ServerResponse): void {
  const host = (req.headers.host ?? "").replace(/\.example\.test(:\d+)?$/, "");
  seen.set(host, (seen.get(host) ?? 0) + 1);
  const path = req.url ?? "";
  const send = (status: number, body: string, headers: Record<string, string> = {}): void => void res.writeHead(status, headers).end(body);
  switch (host) {
    case "ok":
      return path === FILE_URI ? send(200, `  ${TOKEN}\r\n`, { "content-type": "text/plain" }) : send(404, "");
    case "wrong":
      return send(200, "not-the-token");
    case "missing":
      return send(404, "no such file");
    case "err500":
      return send(500, "oops");
    case "loop":
      return send(302, "", { location: FILE_URI }); // to itself, forever
    case "redir":
      return send(301, "", { location: `http://ok.example.test:${port}${FILE_URI}` });
    case "relredir":
      return path === FILE_URI ? send(302, "", { location: "moved/file.txt" }) : path === "/.well-known/pki-validation/moved/file.txt" ? send(200, TOKEN) : send(404, "");
    case "https":
      return send(302, "", { location: `https://ok.example.test${FILE_URI}` });
    case "otherport":
      return send(302, "", { location: `http://ok.example.test:${port + 1}${FILE_URI}` });
    case "ipredir":
      return send(302, "", { location: `http://127.0.0.1:${port}${FILE_URI}` });
    case "noloc":
      return send(302, "");
    case "huge": {
      // 10 MB, chunked (no Content-Length), 64 KiB every 5 ms at most: loopback socket buffers take
      // megabytes at once, so the pace is what makes `written` at close tell when the client hung up
      // (a client reading it all would close after 10 MB, ≥ 800 ms).
      res.writeHead(200, { "content-type": "text/plain" });
      const chunk = Buffer.alloc(64 * 1024, 0x61);
      huge.closed = new Promise((ok) => res.on("close", () => ok(huge.written)));
      const pump = (): void => {
        if (res.destroyed || huge.written >= HUGE) return void res.end();
        huge.written += chunk.length;
        const next = (): void => void setTimeout(pump, 5);
        if (res.write(chunk)) next();
        else res.once("drain", next);
      };
      return pump();
    }
    case "biglen":
      res.writeHead(200, { "content-length": String(HUGE) });
      return void res.write("a".repeat(1024)); // and then nothing: the declared length alone must refuse it
    case "hang":
      hung.push(new Promise((ok) => res.on("close", () => ok()))); // never answers
      return;
    case "trickle": {
      res.writeHead(200);
      const timer = setInterval(() => res.write("a"), 50); // a body that never ends, well under the cap
      res.on("close", () => clearInterval(timer));
      return;
    }
    default:
      return send(421, "unknown host");
  }
}

beforeAll(async () => {
  server = createServer(handle);
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  port = (server.address() as AddressInfo).port;
  dns = await startDnsmasq({ a: Object.fromEntries(HOSTS.map((h) => [`${h}.example.test`, "127.0.0.1"])) });
});
afterAll(async () => {
  server?.closeAllConnections();
  await new Promise<void>((ok) => (server ? server.close(() => ok()) : ok()));
  await dns?.stop();
});

async function fileCheck(host: string, value = TOKEN, options: DcvOptions = {}): Promise<DcvResult & { ms: number }> {
  const v = createDcvValidator({ dnsServers: [dns.server], httpPort: port, timeoutMs: 3000, ...options });
  const t0 = performance.now();
  const r = await v.check({ method: "FILE", domain: host.includes(".") ? host : `${host}.example.test`, value });
  expect(r.detail.length).toBeLessThanOrEqual(200);
  return { ...r, ms: performance.now() - t0 };
}

describe("FILE validation", () => {
  it("ok when the file holds the value (whitespace around it ignored)", async () => {
    const r = await fileCheck("ok");
    expect(r).toMatchObject({ ok: true, outcome: "ok" });
    expect(r.detail).toBe(`http://ok.example.test:${port}${FILE_URI}: content matches`);
  });

  it("mismatch for other content, without echoing the body", async () => {
    const r = await fileCheck("wrong");
    expect(r).toMatchObject({ ok: false, outcome: "mismatch" });
    expect(r.detail).toContain("13 bytes");
    expect(r.detail).not.toContain("not-the-token");
    expect((await fileCheck("ok", "another-token")).outcome).toBe("mismatch");
  });

  it("not_found for 404, bad_response for other statuses", async () => {
    expect(await fileCheck("missing")).toMatchObject({ outcome: "not_found", detail: `http://missing.example.test:${port}${FILE_URI}: HTTP 404` });
    expect((await fileCheck("err500")).outcome).toBe("bad_response");
  });

  it("follows a redirect to the right file, absolute or relative", async () => {
    expect((await fileCheck("redir")).outcome).toBe("ok");
    expect((await fileCheck("relredir")).outcome).toBe("ok");
  });

  it("redirect_limit on a loop, after exactly maxRedirects redirects", async () => {
    const before = seen.get("loop") ?? 0;
    const r = await fileCheck("loop");
    expect(r.outcome).toBe("redirect_limit");
    expect(seen.get("loop")! - before).toBe(4); // the first request and 3 redirects
    expect((await fileCheck("redir", TOKEN, { maxRedirects: 0 })).outcome).toBe("redirect_limit");
  });

  it("does not follow redirects off http, to another port, to an IP address, or without a Location", async () => {
    expect(await fileCheck("https")).toMatchObject({ outcome: "bad_response", detail: "redirect to https:// not followed (only http)" });
    expect((await fileCheck("otherport")).detail).toMatch(/^redirect to port \d+ not followed/);
    expect((await fileCheck("ipredir")).detail).toBe("redirect to an IP address (127.0.0.1) not followed");
    expect((await fileCheck("noloc")).outcome).toBe("bad_response");
  });

  it("too_large as soon as a streamed body passes the cap, and stops reading there", async () => {
    const r = await fileCheck("huge");
    expect(r.outcome).toBe("too_large");
    expect(r.detail).toContain("65536 bytes");
    // The server sees the socket close long before 10 MB: the cap plus what sat in socket buffers.
    const written = await huge.closed!;
    expect(written).toBeLessThan(2 * 1024 * 1024);
    expect(r.ms).toBeLessThan(2000);
  });

  it("too_large at once for a declared Content-Length over the cap", async () => {
    const r = await fileCheck("biglen");
    expect(r.outcome).toBe("too_large");
    expect(r.detail).toContain(`Content-Length ${HUGE}`);
    expect(r.ms).toBeLessThan(1500);
  });

  it("timeout when the server never answers, and the connection is closed", async () => {
    const r = await fileCheck("hang", TOKEN, { timeoutMs: 700 });
    expect(r.outcome).toBe("timeout");
    expect(r.ms).toBeGreaterThanOrEqual(600);
    expect(r.ms).toBeLessThan(3000);
    await Promise.all(hung);
  });

  it("timeout covers the body too: one that trickles forever", async () => {
    const r = await fileCheck("trickle", TOKEN, { timeoutMs: 700 });
    expect(r.outcome).toBe("timeout");
    expect(r.ms).toBeLessThan(3000);
  });

  it("refused for a wildcard domain, without any request", async () => {
    const before = [...seen.values()].reduce((a, b) => a + b, 0);
    const r = await fileCheck("*.ok.example.test");
    expect(r).toMatchObject({ ok: false, outcome: "refused" });
    expect(r.detail).toMatch(/wildcard names need DNS/);
    expect([...seen.values()].reduce((a, b) => a + b, 0)).toBe(before);
  });

  it("not_found for a name with no address; refused when nothing listens on the port", async () => {
    const r = await fileCheck("nowhere");
    expect(r).toMatchObject({ outcome: "not_found", detail: "nowhere.example.test: no A or AAAA record" });
    const closed = createServer();
    await new Promise<void>((ok) => closed.listen(0, "127.0.0.1", ok));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((ok) => closed.close(() => ok()));
    expect((await fileCheck("ok", TOKEN, { httpPort: closedPort })).outcome).toBe("refused");
  });

  it("timeout when the DNS server behind the host name is silent", async () => {
    const silent = createSocket("udp4");
    await new Promise<void>((ok) => silent.bind(0, "127.0.0.1", ok));
    try {
      const v = createDcvValidator({ dnsServers: [`127.0.0.1:${silent.address().port}`], httpPort: port, timeoutMs: 600 });
      const t0 = performance.now();
      expect((await v.check({ method: "FILE", domain: "ok.example.test", value: TOKEN })).outcome).toBe("timeout");
      expect(performance.now() - t0).toBeLessThan(2000);
    } finally {
      silent.close();
    }
  });
});
