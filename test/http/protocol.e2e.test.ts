/**
 * The HTTP protocol layer of `caskit serve`, driven over real sockets against the built process:
 * parameter names and duplicates checked before the signature (issue 14 #2), bounded nesting (issue 9
 * #6), the CAS error shape on every refusal — fastify's and Node's own included (issue 9 #7),
 * throttling per tenant (issue 9 #11), one log line per request (issue 9 #22), and the public routes
 * served from the read snapshot while another process holds the write lock (issue 14 #8).
 */
import { Agent, request } from "node:http";
import { connect } from "node:net";
import { join } from "node:path";
import Database from "better-sqlite3";
import { XMLParser } from "fast-xml-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assertBuilt, caskit } from "../helpers/cli.js";
import { tempDir } from "../helpers/openssl.js";
import { type RawResponse, type Served, parseHttpHead, send, signV3, startServe } from "./serve-helper.js";

const tmp = tempDir("caskit-proto-");
const env = { CASKIT_DATA: join(tmp.dir, "ca.db"), CASKIT_MASTER_PASSPHRASE: "proto" };
type Key = { id: string; secret: string };
let server: Served;
let ak: Key;
let ak2: Key;
let other: Key;
let subId = "";
let rootId = "";

const newKey = (tenant?: string): Key => {
  const k = caskit(["--json", "accesskey", "create", ...(tenant ? ["--tenant", tenant] : [])], env).json();
  return { id: k.AccessKeyId, secret: k.AccessKeySecret };
};

beforeAll(async () => {
  assertBuilt();
  caskit(["init"], env);
  ak = newKey();
  ak2 = newKey();
  other = newKey("other");
  server = await startServe(env, ["--throttle", "3"]);
  const root = await send(server.port, signV3({ ak, action: "CreateRootCACertificate", form: { CommonName: "Proto Root", Years: "5", Algorithm: "ECC_256" } }));
  expect(root.status, root.text).toBe(200);
  const sub = await send(server.port, signV3({ ak, action: "CreateSubCACertificate", form: { ParentIdentifier: root.json().Identifier, CommonName: "Proto Sub", Years: "2", Algorithm: "ECC_256", EnableCrl: "true" } }));
  expect(sub.status, sub.text).toBe(200);
  subId = sub.json().Identifier;
  rootId = root.json().Identifier;
}, 60_000);
afterAll(async () => {
  await server?.stop();
  tmp.remove();
});

/** The CAS error shape, as every refusal must carry it. */
function expectCasError(r: RawResponse, status: number, code: string): void {
  expect(r.status, r.text).toBe(status);
  expect(r.headers["content-type"]).toContain("application/json");
  const body = r.json();
  expect(body).toEqual({ RequestId: expect.stringMatching(/^[0-9A-F-]{36}$/), HostId: "cas.aliyuncs.com", Code: code, Message: expect.any(String), Recommend: expect.stringContaining(code) });
}

/** Raw bytes on a socket (for requests no HTTP client would send); resolves with what came back. */
function rawExchange(port: number, bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect(port, "127.0.0.1", () => s.end(bytes));
    let out = "";
    s.on("data", (d: Buffer) => (out += d.toString()));
    s.on("close", () => resolve(out));
    s.on("error", reject);
  });
}
const bodyOf = (raw: string) => JSON.parse(raw.slice(raw.indexOf("\r\n\r\n") + 4));

/**
 * Announces a form body of `size` bytes on a raw socket, sends its first 64 KiB, and reads the answer.
 * The server answers 413 from the Content-Length alone and closes; a client still sending the rest then
 * meets a reset that can take the answer with it (for any client: the test would be a race), so this
 * one stops sending and waits for the answer.
 */
function oversized(port: number, path: string, size: number): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const s = connect(port, "127.0.0.1", () => {
      s.write(`POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${size}\r\n\r\n`);
      s.write(Buffer.alloc(64 * 1024, 0x61));
    });
    let raw = Buffer.alloc(0);
    s.on("data", (d: Buffer) => {
      raw = Buffer.concat([raw, d]);
      const head = parseHttpHead(raw);
      const body = head ? raw.subarray(head.bodyStart) : undefined;
      if (!head || !body || body.length < Number(head.headers["content-length"])) return;
      s.destroy();
      const text = body.toString("utf8");
      resolve({ status: head.status, headers: head.headers, text, json: () => JSON.parse(text) });
    });
    s.on("error", reject);
    s.on("close", () => reject(new Error(`closed before a whole answer: ${JSON.stringify(raw.toString("latin1").slice(0, 200))}`)));
  });
}

describe("parameters are checked before the signature (names, duplicates, depth)", () => {
  it("a key folded around '=' and '&' is refused: the signed parameters cannot be merged into one", async () => {
    const legit = signV3({
      ak,
      action: "CreateSubCACertificate",
      query: [["EnableCrl", "true"], ["ExtendedKeyUsages.1", "serverAuth"]],
      form: { ParentIdentifier: rootId, CommonName: "Folded", Years: "1", Algorithm: "ECC_256" },
    });
    expect(legit.path).toBe("/?EnableCrl=true&ExtendedKeyUsages.1=serverAuth");
    // A party in the middle folds the two parameters into one key; the canonical query used to read the same.
    const folded = { ...legit, path: "/?EnableCrl%3Dtrue%26ExtendedKeyUsages.1=serverAuth" };
    const r = await send(server.port, folded);
    expectCasError(r, 400, "InvalidParameter");
    expect(r.json().Message).toContain("EnableCrl=true&ExtendedKeyUsages.1");
    // The request as signed still passes (the refusal came before its nonce was taken).
    const ok = await send(server.port, legit);
    expect(ok.status, ok.text).toBe(200);
  });

  it("a parameter given twice is refused (in the query, or once in the query and once in the form)", async () => {
    const twice = signV3({ ak, action: "CreateServerCertificateWithCsr", query: [["Days", "1"], ["Days", "3650"]], form: { ParentIdentifier: subId } });
    const r = await send(server.port, twice);
    expectCasError(r, 400, "InvalidParameter");
    expect(r.json().Message).toMatch(/"Days" is given more than once/);
    expectCasError(await send(server.port, signV3({ ak, action: "DescribeCACertificate", query: [["Identifier", subId]], form: { Identifier: "x" } })), 400, "InvalidParameter");
  });

  it("names outside the grammar or too long are refused; CAS's own names pass", async () => {
    for (const name of ["a b", "Csr[0]", "1Days", "Tags..Key", "Tags.", "", "x".repeat(129)]) {
      const r = await send(server.port, signV3({ ak, action: "DescribeCACertificate", form: { Identifier: subId, [name]: "v" } }));
      expectCasError(r, 400, "InvalidParameter");
    }
    const deepest = await send(server.port, signV3({ ak, action: "DescribeCACertificate", form: { Identifier: subId, "ApiPassthrough.Subject.CustomAttributes.1.ObjectIdentifier": "2.5.4.3" } }));
    expect(deepest.status, deepest.text).toBe(200);
  });

  it("a body parameter nested 100,000 levels is a CAS 400, not a 500", async () => {
    const key = `ApiPassthrough${".a".repeat(100_000)}`;
    const r = await send(server.port, signV3({ ak, action: "CreateServerCertificateWithCsr", form: { ParentIdentifier: subId, [key]: "x" } }));
    expectCasError(r, 400, "InvalidParameter");
    const nine = await send(server.port, signV3({ ak, action: "DescribeCACertificate", form: { Identifier: subId, "A.b.c.d.e.f.g.h.i": "x" } }));
    expectCasError(nine, 400, "InvalidParameter");
    expect(nine.json().Message).toMatch(/deeper than 8/);
  });
});

describe("every answer carries the CAS error shape", () => {
  it("413: a body over 1 MiB (JSON, and XML when the query says Format=XML)", async () => {
    const big = (path: string) => oversized(server.port, path, 2 * 1024 * 1024);
    expectCasError(await big("/"), 413, "RequestBodyTooLarge");
    const xml = await big("/?Format=XML");
    expect(xml.status).toBe(413);
    expect(xml.headers["content-type"]).toContain("text/xml");
    expect(new XMLParser().parse(xml.text).Error).toMatchObject({ Code: "RequestBodyTooLarge", HostId: "cas.aliyuncs.com", RequestId: expect.any(String), Recommend: expect.any(String) });
  });

  it("413 for an announced body of up to 16 MiB keeps the connection: the body is discarded, the next request on it is answered", async () => {
    // One socket: a 2 MiB body announced and sent whole, then a second request behind it.
    const answers = await new Promise<Array<{ status: number; headers: Record<string, string>; body: string }>>((resolve, reject) => {
      const s = connect(server.port, "127.0.0.1", () => {
        s.write("POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 2097152\r\n\r\n");
        s.write(Buffer.alloc(2 * 1024 * 1024, 0x61));
        s.write("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
      });
      let raw = Buffer.alloc(0);
      const out: Array<{ status: number; headers: Record<string, string>; body: string }> = [];
      s.on("data", (d: Buffer) => {
        raw = Buffer.concat([raw, d]);
        for (let head = parseHttpHead(raw); head; head = parseHttpHead(raw)) {
          const end = head.bodyStart + Number(head.headers["content-length"]);
          if (raw.length < end) return;
          out.push({ status: head.status, headers: head.headers, body: raw.subarray(head.bodyStart, end).toString("utf8") });
          raw = raw.subarray(end);
          if (out.length === 2) {
            s.destroy();
            resolve(out);
          }
        }
      });
      s.on("error", reject);
      s.on("close", () => reject(new Error(`closed after ${out.length} answers`)));
    });
    expect(answers.map((a) => a.status)).toEqual([413, 200]);
    expect(answers[0]?.headers.connection).toBeUndefined();
    expect(JSON.parse(answers[0]?.body ?? "").Code).toBe("RequestBodyTooLarge");
    expect(JSON.parse(answers[1]?.body ?? "")).toEqual({ status: "ok" });

    // Node's own client (keep-alive, as the SDKs use it) sending a whole 8 MiB body gets the 413, not a
    // reset (EPIPE) — every time. (A client that sends Connection: close is closed on, as it asked.)
    const body = Buffer.alloc(8 * 1024 * 1024, 0x61);
    const agent = new Agent({ keepAlive: true });
    const outcomes = await Promise.all(
      Array.from({ length: 6 }, () =>
        new Promise<string>((resolve) => {
          const req = request({ host: "127.0.0.1", port: server.port, method: "POST", path: "/", agent, headers: { "content-type": "application/x-www-form-urlencoded", "content-length": body.length } }, (res) => {
            res.resume();
            res.on("end", () => resolve(String(res.statusCode)));
          });
          req.on("error", (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
          req.end(body);
        }),
      ),
    );
    agent.destroy();
    expect(outcomes).toEqual(Array(6).fill("413"));

    // Beyond 16 MiB the answer is sent and the connection closed on the unread rest.
    const huge = await oversized(server.port, "/", 32 * 1024 * 1024);
    expectCasError(huge, 413, "RequestBodyTooLarge");
    expect(huge.headers.connection).toBe("close");
  });

  it("431: headers too large; 400: not HTTP at all", async () => {
    const raw = await rawExchange(server.port, `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(40_000)}\r\n\r\n`);
    expect(raw).toMatch(/^HTTP\/1\.1 431 /);
    expect(bodyOf(raw)).toMatchObject({ Code: "RequestHeaderTooLarge", HostId: "cas.aliyuncs.com", RequestId: expect.stringMatching(/^[0-9A-F-]{36}$/), Message: expect.any(String), Recommend: expect.any(String) });
    const garbage = await rawExchange(server.port, "NOT HTTP\r\n\r\n");
    expect(garbage).toMatch(/^HTTP\/1\.1 400 /);
    expect(bodyOf(garbage).Code).toBe("BadRequest");
  });

  it("405 for another method on /, 404 for another path, 415 for a body that is not a form", async () => {
    const put = await send(server.port, { method: "PUT", path: "/", headers: {}, body: Buffer.alloc(0) });
    expectCasError(put, 405, "UnsupportedHTTPMethod");
    expect(put.headers.allow).toBe("GET, POST");
    expectCasError(await send(server.port, { method: "DELETE", path: "/?Action=X", headers: {}, body: Buffer.alloc(0) }), 405, "UnsupportedHTTPMethod");
    expectCasError(await send(server.port, { method: "GET", path: "/nope", headers: {}, body: Buffer.alloc(0) }), 404, "InvalidApi.NotFound");
    const postCrl = await send(server.port, { method: "POST", path: `/crl/${subId}.crl`, headers: {}, body: Buffer.alloc(0) });
    expectCasError(postCrl, 405, "UnsupportedHTTPMethod");
    expect(postCrl.headers.allow).toBe("GET, HEAD");
    // A shard of a partitioned CRL (/crl/<ca>/<k>.crl) is a GET route as well.
    expectCasError(await send(server.port, { method: "POST", path: `/crl/${subId}/0.crl`, headers: {}, body: Buffer.alloc(0) }), 405, "UnsupportedHTTPMethod");
    expectCasError(await send(server.port, { method: "GET", path: `/crl/${subId}/0/x`, headers: {}, body: Buffer.alloc(0) }), 404, "InvalidApi.NotFound");
    expectCasError(await send(server.port, { method: "POST", path: "/", headers: { "content-type": "application/json" }, body: Buffer.from('{"Action":"x"}') }), 415, "UnsupportedMediaType");
  });

  it("the public routes answer an unknown CA in the same shape", async () => {
    expectCasError(await send(server.port, { method: "GET", path: "/crl/0000.crl", headers: {}, body: Buffer.alloc(0) }), 404, "NotFoundCACertificate");
    expectCasError(await send(server.port, { method: "GET", path: "/ca/0000.crt", headers: {}, body: Buffer.alloc(0) }), 404, "NotFoundCACertificate");
  });
});

describe("throttling counts per tenant (account) per action", () => {
  it("a second access key of the same tenant shares the budget; another tenant has its own", async () => {
    const describe = (key: Key) => send(server.port, signV3({ ak: key, action: "DescribeCACertificateCount" }));
    const first = await Promise.all([describe(ak), describe(ak), describe(ak)]);
    expect(first.map((r) => r.status)).toEqual([200, 200, 200]);
    const sameTenant = await describe(ak2);
    expectCasError(sameTenant, 400, "Throttling.User");
    expect(Number(sameTenant.headers["x-acs-retry-after"])).toBeGreaterThan(0);
    expect((await describe(other)).status).toBe(200);
  });
});

describe("logs", () => {
  it("one line per request — ours, with request id, action, tenant, outcome, ms; no query string", async () => {
    const r = await send(server.port, signV3({ ak: other, action: "DescribeCACertificateList", query: [["ShowSize", "7"]] }));
    expect(r.status, r.text).toBe(200);
    const nf = await send(server.port, { method: "GET", path: "/nope?secret=1", headers: {}, body: Buffer.alloc(0) });
    await new Promise((res) => setTimeout(res, 200));
    const lines = (id: string) => server.logs().split("\n").filter((l) => l.includes(id));
    const mine = lines(r.json().RequestId);
    expect(mine).toHaveLength(1);
    expect(JSON.parse(mine[0] as string)).toMatchObject({ requestId: r.json().RequestId, action: "DescribeCACertificateList", tenant: "other", outcome: "ok", ms: expect.any(Number) });
    expect(mine[0]).not.toContain("ShowSize");
    const notFound = lines(nf.json().RequestId);
    expect(notFound).toHaveLength(1);
    expect(JSON.parse(notFound[0] as string)).toMatchObject({ outcome: "InvalidApi.NotFound", path: "/nope" });
    expect(server.logs()).not.toContain("secret=1");
    expect(server.logs()).not.toMatch(/incoming request|request completed/);
  });
});

describe("public routes and /health do not wait for writers", () => {
  it("answer from the read snapshot while another process holds the SQLite write lock", async () => {
    const get = (path: string) => send(server.port, { method: "GET", path, headers: {}, body: Buffer.alloc(0) });
    expect((await get(`/crl/${subId}.crl`)).status).toBe(200); // built now; fresh from here on
    const db = new Database(env.CASKIT_DATA);
    db.exec("BEGIN IMMEDIATE");
    try {
      const t0 = performance.now();
      const [health, unknown, crl, ca] = await Promise.all([get("/health"), get("/crl/ffff.crl"), get(`/crl/${subId}.crl`), get(`/ca/${subId}.crt`)]);
      const ms = performance.now() - t0;
      expect(health.json()).toEqual({ status: "ok" });
      expect(unknown.status).toBe(404);
      expect(crl.status).toBe(200);
      expect(crl.headers["content-type"]).toBe("application/pkix-crl");
      expect(ca.status).toBe(200);
      expect(ms).toBeLessThan(1_500);
    } finally {
      db.exec("ROLLBACK");
      db.close();
    }
  }, 20_000);
});
