/**
 * The OCSP responder through the doors relying parties use: `openssl ocsp -url` (POST) and a hand-built
 * GET against the built `caskit serve`, GnuTLS `ocsptool` when installed, and `caskit ocsp` — on a
 * store set up with the CLI. RSA and P-256 CAs are verified by OpenSSL; SM2 answers on their raw
 * ResponseData (`openssl pkeyutl -digest sm3`). Hostile requests are malformedRequest and change nothing.
 */
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NULL, explicit, octetString, oid, sequence, unsignedInteger } from "../../src/internal/der.js";
import { buildOcspRequest, certificateSubjectAndSpki, parseOcspResponse, verifyOcspResponse } from "../../src/revoke/index.js";
import { openStore } from "../../src/store/open.js";
import { assertBuilt, caskit, caskitOk } from "../helpers/cli.js";
import { cliPki, idOfFile, unstoredLeaf } from "../helpers/ocsp-pki.js";
import { openssl, opensslOrThrow, tempDir } from "../helpers/openssl.js";
import { type Served, parseHttpHead, startServe } from "../http/serve-helper.js";

const tmp = tempDir("caskit-ocsp-e2e-");
const env = { CASKIT_DATA: tmp.path("ca.db"), CASKIT_MASTER_PASSPHRASE: "ocsp e2e", CASKIT_KEY_PASSPHRASE: "leaf keys" };
const OCSP_BASE = "http://ocsp.example.test";
let srv: Served;
const url = (path: string) => `http://127.0.0.1:${srv.port}${path}`;
const cli = (args: string[]) => caskitOk(args, env);

interface Pki {
  root: string;
  sub: string;
  rootPem: string;
  subPem: string;
  good: string;
  revoked: string;
  deleted: string;
  unknown: string;
}
const pki: Record<string, Pki> = {};

function makePki(spec: "RSA_2048" | "ECC_256" | "SM2_256"): Pki {
  const { root, sub, rootPem, subPem, leaves } = cliPki(cli, tmp.dir, spec, { label: "OCSP", ocspBase: OCSP_BASE, leaves: ["good", "revoked", "deleted"] });
  const { good, revoked, deleted } = leaves as Record<"good" | "revoked" | "deleted", string>;
  cli(["cert", "revoke", idOfFile(revoked), "--reason", "keyCompromise"]);
  cli(["cert", "revoke", idOfFile(deleted), "--reason", "superseded"]);
  cli(["cert", "delete", idOfFile(deleted)]);
  return { root, sub, rootPem, subPem, good, revoked, deleted, unknown: "" };
}

/** A certificate of `sub` signed by its real key but never stored: what caskit must call unknown. */
async function unstored(p: Pki, spec: string): Promise<string> {
  const store = await openStore(env.CASKIT_DATA, { passphrase: env.CASKIT_MASTER_PASSPHRASE, create: false });
  try {
    return await unstoredLeaf(store, p.sub, spec, join(tmp.dir, `${spec}-unstored.pem`));
  } finally {
    await store.close();
  }
}

beforeAll(async () => {
  assertBuilt();
  cli(["init"]);
  for (const spec of ["RSA_2048", "ECC_256", "SM2_256"] as const) {
    pki[spec] = makePki(spec);
    (pki[spec] as Pki).unknown = await unstored(pki[spec] as Pki, spec);
  }
  srv = await startServe(env, ["--workers", "1", "--crl-interval", "0", "--dcv-interval", "0"]);
}, 180_000);
afterAll(async () => {
  await srv?.stop();
  tmp.remove();
});

/** `openssl ocsp -url …` as a relying party runs it. */
function ask(p: Pki, cert: string, path: string, extra: string[] = []) {
  const r = openssl(["ocsp", "-issuer", p.subPem, "-cert", cert, "-CAfile", p.rootPem, "-url", url(path), "-resp_text", ...extra]);
  return { ok: r.ok, out: r.stdout + r.stderr };
}

describe.each(["RSA_2048", "ECC_256"] as const)("openssl ocsp against caskit serve, %s", (spec) => {
  const p = () => pki[spec] as Pki;

  it("leaves carry the responder's URL in AIA, next to nothing else unless asked", () => {
    const text = opensslOrThrow(["x509", "-in", p().good, "-noout", "-ocsp_uri"]);
    expect(text.trim()).toBe(`${OCSP_BASE}/ocsp/${p().sub}`);
  });

  it.each([
    ["with a nonce", []],
    ["without a nonce", ["-no_nonce"]],
  ])("good, revoked (reason), deleted-but-revoked, unknown — POST /ocsp/<sub>, %s", (_n, extra) => {
    const good = ask(p(), p().good, `/ocsp/${p().sub}`, extra);
    expect(good.out).toMatch(/Response verify OK/);
    expect(good.out).toContain(`${p().good}: good`);
    if (extra.length) expect(good.out).not.toMatch(/OCSP Nonce/);
    else expect(good.out).toMatch(/OCSP Nonce:\s+0410[0-9A-F]{32}/);
    const revoked = ask(p(), p().revoked, `/ocsp/${p().sub}`, extra);
    expect(revoked.out).toMatch(/Response verify OK/);
    expect(revoked.out).toContain(`${p().revoked}: revoked`);
    expect(revoked.out).toMatch(/Reason: keyCompromise/);
    const deleted = ask(p(), p().deleted, `/ocsp/${p().sub}`, extra);
    expect(deleted.out).toContain(`${p().deleted}: revoked`);
    expect(deleted.out).toMatch(/Reason: superseded/);
    const unknown = ask(p(), p().unknown, `/ocsp/${p().sub}`, extra);
    expect(unknown.out).toMatch(/Response verify OK/);
    expect(unknown.out).toContain(`${p().unknown}: unknown`);
  });

  it("POST /ocsp finds the issuer by the CertID's hashes; the root answers for its sub-CA", () => {
    const r = ask(p(), p().revoked, "/ocsp");
    expect(r.out).toMatch(/Response verify OK/);
    expect(r.out).toContain(`${p().revoked}: revoked`);
    const sub = openssl(["ocsp", "-issuer", p().rootPem, "-cert", p().subPem, "-CAfile", p().rootPem, "-url", url("/ocsp"), "-resp_text"]);
    expect(sub.stdout + sub.stderr).toMatch(/Response verify OK/);
    expect(sub.stdout).toContain(`${p().subPem}: good`);
  });

  it("another CA in the path, or an issuer caskit does not hold → unauthorized", () => {
    const other = pki[spec === "RSA_2048" ? "ECC_256" : "RSA_2048"] as Pki;
    expect(ask(p(), p().good, `/ocsp/${other.sub}`).out).toMatch(/Responder Error: unauthorized \(6\)/);
    expect(ask(p(), p().good, "/ocsp/0123456789abcdef0123456789abcdef").out).toMatch(/Responder Error: unauthorized \(6\)/);
  });

  it("GET /ocsp/<sub>/<url-encoded base64> (hand-built): the same answer, with caching headers; base64url too", async () => {
    const reqPath = tmp.path(`${spec}-get-req.der`);
    opensslOrThrow(["ocsp", "-issuer", p().subPem, "-cert", p().revoked, "-no_nonce", "-reqout", reqPath]);
    const der = readFileSync(reqPath);
    for (const [name, encoded] of [["base64", encodeURIComponent(der.toString("base64"))], ["base64url", der.toString("base64url")]] as const) {
      const res = await fetch(url(`/ocsp/${p().sub}/${encoded}`));
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("application/ocsp-response");
      const maxAge = Number(/max-age=(\d+)/.exec(res.headers.get("cache-control") ?? "")?.[1]);
      expect(maxAge).toBeGreaterThan(0);
      expect(maxAge).toBeLessThanOrEqual(300);
      expect(res.headers.get("etag")).toMatch(/^"[0-9a-f]{32}"$/);
      expect(Date.parse(res.headers.get("last-modified") ?? "")).toBeGreaterThan(Date.now() - 120_000);
      const respPath = tmp.path(`${spec}-get-${name}.der`);
      writeFileSync(respPath, Buffer.from(await res.arrayBuffer()));
      const v = openssl(["ocsp", "-respin", respPath, "-issuer", p().subPem, "-cert", p().revoked, "-CAfile", p().rootPem, "-no_nonce", "-resp_text"]);
      expect(v.stdout + v.stderr).toMatch(/Response verify OK/);
      expect(v.stdout).toContain(`${p().revoked}: revoked`);
    }
    // POST answers are not for caches.
    const post = await fetch(url(`/ocsp/${p().sub}`), { method: "POST", headers: { "content-type": "application/ocsp-request" }, body: der });
    expect(post.headers.get("cache-control")).toBe("no-store");
  });

  it("caskit ocsp: from the store, and over HTTP like openssl ocsp (POST and GET)", () => {
    const store = caskit(["--json", "ocsp", "--cert", p().revoked], env);
    expect(store.status).toBe(0);
    expect(store.json()).toMatchObject({ Status: "revoked", Reason: "keyCompromise", Ca: p().sub });
    const serial = caskit(["--json", "ocsp", "--ca", p().sub, "--serial", "0badc0de"], env);
    expect(serial.json()).toMatchObject({ Status: "unknown" });
    for (const extra of [[], ["--get"], ["--no-nonce", "--hash", "sha256"]]) {
      const http = caskit(["--json", "ocsp", "--url", url(`/ocsp/${p().sub}`), "--issuer", p().subPem, "--cert", p().good, ...extra], {});
      expect(http.stderr).toBe("");
      expect(http.json()).toMatchObject({ Status: "good", Verified: true, Nonce: extra.includes("--no-nonce") ? "none" : "echoed" });
    }
    // The root's CertID sent to the sub-CA's responder: not the CA in the path.
    const wrongIssuer = caskit(["ocsp", "--url", url(`/ocsp/${p().sub}`), "--issuer", p().rootPem, "--cert", p().good], {});
    expect(wrongIssuer.status).toBe(1);
    expect(wrongIssuer.stderr).toMatch(/OcspError\.unauthorized/);
  });
});

describe("SM2", () => {
  it("answers signed SM3withSM2 by the CA key: the signature verifies on the raw ResponseData", async () => {
    const p = pki.SM2_256 as Pki;
    for (const [cert, status] of [[p.good, "good"], [p.revoked, "revoked"], [p.unknown, "unknown"]] as const) {
      const reqPath = tmp.path(`sm2-req-${status}.der`);
      opensslOrThrow(["ocsp", "-issuer", p.subPem, "-cert", cert, "-reqout", reqPath]);
      const res = await fetch(url(`/ocsp/${p.sub}`), { method: "POST", headers: { "content-type": "application/ocsp-request" }, body: readFileSync(reqPath) });
      const der = new Uint8Array(await res.arrayBuffer());
      const info = parseOcspResponse(der);
      expect(info.basic?.signatureAlgorithm).toBe("1.2.156.10197.1.501");
      expect(info.basic?.responses[0]?.status).toBe(status);
      const text = openssl(["ocsp", "-respin", (writeFileSync(tmp.path(`sm2-resp-${status}.der`), der), tmp.path(`sm2-resp-${status}.der`)), "-noverify", "-resp_text"]);
      expect(text.stdout).toMatch(new RegExp(`Cert Status: ${status}`));
      opensslOrThrow(["x509", "-in", p.subPem, "-pubkey", "-noout", "-out", tmp.path("sm2-pub.pem")]);
      writeFileSync(tmp.path("sm2-tbs.der"), info.basic?.tbs as Uint8Array);
      writeFileSync(tmp.path("sm2-sig.der"), info.basic?.signature as Uint8Array);
      const v = openssl(["pkeyutl", "-verify", "-rawin", "-digest", "sm3", "-pkeyopt", "distid:1234567812345678", "-pubin", "-inkey", tmp.path("sm2-pub.pem"), "-in", tmp.path("sm2-tbs.der"), "-sigfile", tmp.path("sm2-sig.der")]);
      expect(v.stdout + v.stderr).toMatch(/Signature Verified Successfully/);
      expect(verifyOcspResponse(info, certificateSubjectAndSpki(new Uint8Array(opensslDer(p.subPem))).spki)).toBe(true);
    }
  });
});

const opensslDer = (pem: string) => spawnSync("openssl", ["x509", "-in", pem, "-outform", "DER"]).stdout;

describe("hostile requests over HTTP: malformedRequest, nothing changed", () => {
  const MALFORMED = "30030a0101";
  it.each([
    ["truncated", () => buildRequest().subarray(0, 40)],
    ["huge (100 KiB)", () => new Uint8Array(100 * 1024).fill(0x30)],
    ["nested 60 deep", () => {
      let x = octetString(Uint8Array.of(1));
      for (let i = 0; i < 60; i++) x = sequence(x);
      return x;
    }],
    ["version v3", () => sequence(sequence(explicit(0, Uint8Array.of(2, 1, 2)), sequence(sequence(sequence(sequence(oid("1.3.14.3.2.26"), NULL), octetString(new Uint8Array(20)), octetString(new Uint8Array(20)), unsignedInteger(Uint8Array.of(1))))))) ],
    ["an unknown hash algorithm", () => sequence(sequence(sequence(sequence(sequence(sequence(oid("1.2.840.113549.2.5"), NULL), octetString(new Uint8Array(16)), octetString(new Uint8Array(16)), unsignedInteger(Uint8Array.of(1))))))) ],
    ["empty", () => new Uint8Array(0)],
  ])("%s", async (_name, make) => {
    const before = await counts();
    for (const path of ["/ocsp", `/ocsp/${(pki.RSA_2048 as Pki).sub}`]) {
      const res = await fetch(url(path), { method: "POST", headers: { "content-type": "application/ocsp-request" }, body: make() });
      expect(res.status).toBe(200);
      expect(Buffer.from(await res.arrayBuffer()).toString("hex")).toBe(MALFORMED);
    }
    const get = await fetch(url(`/ocsp/${(pki.RSA_2048 as Pki).sub}/${encodeURIComponent(Buffer.from(make().subarray(0, 2048)).toString("base64") || "%%")}`));
    expect(Buffer.from(await get.arrayBuffer()).toString("hex")).toBe(MALFORMED);
    expect(await counts()).toEqual(before);
  });
  it("not base64 in a GET, or another method → malformedRequest / 405", async () => {
    const bad = await fetch(url(`/ocsp/${(pki.RSA_2048 as Pki).sub}/not*base64!`));
    expect(Buffer.from(await bad.arrayBuffer()).toString("hex")).toBe(MALFORMED);
    const put = await fetch(url("/ocsp"), { method: "PUT", body: "x" });
    expect(put.status).toBe(405);
    expect(put.headers.get("allow")).toBe("GET, POST");
  });
});

describe("the fast path and fastify's routes answer alike (http/ocsp-route.ts)", () => {
  /** One raw HTTP/1.1 exchange, so the framing (Content-Length or chunked, HEAD) is ours to choose. */
  const raw = (head: string, body: Uint8Array = new Uint8Array(0)) =>
    new Promise<{ status: number; headers: Record<string, string>; body: Buffer }>((resolve, reject) => {
      const sock = connect(srv.port, "127.0.0.1");
      const chunks: Buffer[] = [];
      sock.on("data", (d: Buffer) => chunks.push(d));
      sock.on("error", reject);
      sock.on("end", () => {
        const all = Buffer.concat(chunks);
        const head = parseHttpHead(all);
        if (!head) return reject(new Error(`no HTTP answer: ${JSON.stringify(all.toString("latin1").slice(0, 200))}`));
        resolve({ status: head.status, headers: head.headers, body: all.subarray(head.bodyStart) });
      });
      sock.end(Buffer.concat([Buffer.from(head), body]));
    });
  const status = (der: Buffer) => parseOcspResponse(new Uint8Array(der)).basic?.responses[0]?.status;
  /** openssl's request (no nonce) for `cert` under `p`'s sub-CA. */
  const reqFor = (p: Pki, cert: string) => {
    const path = join(tmp.dir, `fast-${cert.split("/").pop()}.der`);
    opensslOrThrow(["ocsp", "-issuer", p.subPem, "-cert", cert, "-no_nonce", "-reqout", path]);
    return path;
  };

  it("POST with a Content-Length (fast) and chunked (fastify): the same status, type and caching; one log line each", async () => {
    const p = pki.ECC_256 as Pki;
    const der = readFileSync(reqFor(p, p.revoked));
    const path = `/ocsp/${p.sub}`;
    const logsBefore = srv.logs().length;
    const fast = await raw(`POST ${path} HTTP/1.1\r\nhost: x\r\ncontent-type: application/ocsp-request\r\ncontent-length: ${der.length}\r\nconnection: close\r\n\r\n`, der);
    const chunk = `${der.length.toString(16)}\r\n`;
    const slow = await raw(`POST ${path} HTTP/1.1\r\nhost: x\r\ncontent-type: application/ocsp-request\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n${chunk}`, Buffer.concat([der, Buffer.from("\r\n0\r\n\r\n")]));
    for (const r of [fast, slow]) {
      expect(r.status).toBe(200);
      expect(r.headers["content-type"]).toBe("application/ocsp-response");
      expect(r.headers["cache-control"]).toBe("no-store");
      expect(status(r.body)).toBe("revoked");
    }
    await new Promise((r) => setTimeout(r, 200));
    const lines = srv.logs().slice(logsBefore).split("\n").filter((l) => l.includes(`"path":"${path}"`)).map((l) => JSON.parse(l));
    expect(lines).toHaveLength(2);
    for (const l of lines) expect(l).toMatchObject({ method: "POST", action: "OCSP", outcome: "ok", status: 200, msg: "rpc", requestId: expect.stringMatching(/^[0-9A-F-]{36}$/) });
  });

  it("GET (fast) and HEAD (fastify): the same caching headers; no Content-Type or oversized body → fastify's refusals", async () => {
    const p = pki.ECC_256 as Pki;
    const der = readFileSync(reqFor(p, p.good));
    const path = `/ocsp/${p.sub}/${encodeURIComponent(der.toString("base64"))}`;
    const get = await raw(`GET ${path} HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n`);
    const head = await raw(`HEAD ${path} HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n`);
    expect(status(get.body)).toBe("good");
    expect(head.body.length).toBe(0);
    for (const h of ["content-type", "cache-control", "etag", "content-length"]) expect(head.headers[h]).toBe(get.headers[h]);
    expect(get.headers["cache-control"]).toMatch(/^public, max-age=\d+, no-transform, must-revalidate$/);
    // Too large for any route: fastify's 413 in the CAS error shape, not an OCSP answer.
    const big = await raw(`POST /ocsp HTTP/1.1\r\nhost: x\r\ncontent-type: application/ocsp-request\r\ncontent-length: ${2 * 1024 * 1024}\r\nconnection: close\r\n\r\n`);
    expect(big.status).toBe(413);
    expect(JSON.parse(big.body.toString())).toMatchObject({ Code: "RequestBodyTooLarge" });
  });
});

/** The store's row counts (the audit log included), read beside the server. */
async function counts(): Promise<Record<string, number>> {
  const store = await openStore(env.CASKIT_DATA, { passphrase: env.CASKIT_MASTER_PASSPHRASE, create: false });
  try {
    return await store.counts();
  } finally {
    await store.close();
  }
}

function buildRequest(): Uint8Array {
  const p = pki.RSA_2048 as Pki;
  const { subjectDer, spki } = certificateSubjectAndSpki(new Uint8Array(opensslDer(p.subPem)));
  return buildOcspRequest({ certIds: [{ issuerNameDer: subjectDer, issuerSpki: spki, serial: "01" }], nonce: new Uint8Array(16).fill(1) });
}

describe("revoked through the CA", () => {
  it("a good leaf answers revoked with its CA's revocation time once the sub-CA is revoked", async () => {
    const p = pki.ECC_256 as Pki;
    const before = ask(p, p.good, `/ocsp/${p.sub}`);
    expect(before.out).toContain(`${p.good}: good`);
    cli(["ca", "revoke", p.sub]);
    const after = ask(p, p.good, `/ocsp/${p.sub}`);
    expect(after.out).toMatch(/Response verify OK/);
    expect(after.out).toContain(`${p.good}: revoked`);
    // The time is the CA's revocation time (whole seconds), no reason of the leaf's own.
    const store = await openStore(env.CASKIT_DATA, { passphrase: env.CASKIT_MASTER_PASSPHRASE, create: false });
    const caRevokedAt = (await store.read((tx) => tx.cas.getPublic(p.sub)))?.revokedAt as Date;
    await store.close();
    const answered = cli(["--json", "ocsp", "--cert", p.good]).json();
    expect(answered).toMatchObject({ Status: "revoked", Reason: "unspecified", RevokedAt: new Date(Math.floor(caRevokedAt.getTime() / 1000) * 1000).toISOString() });
    // The root, asked about the sub-CA itself, says revoked too.
    const sub = openssl(["ocsp", "-issuer", p.rootPem, "-cert", p.subPem, "-CAfile", p.rootPem, "-url", url("/ocsp"), "-resp_text"]);
    expect(sub.stdout).toContain(`${p.subPem}: revoked`);
  });
});

describe("GnuTLS ocsptool", () => {
  const has = spawnSync("ocsptool", ["--version"]).status === 0;
  it.skipIf(!has)("reads a good and a revoked answer and verifies them against the issuer", () => {
    const p = pki.RSA_2048 as Pki;
    for (const [cert, word] of [[p.good, "good"], [p.revoked, "revoked"]] as const) {
      const r = spawnSync("ocsptool", [`--ask=${url(`/ocsp/${p.sub}`)}`, `--load-issuer=${p.subPem}`, `--load-cert=${cert}`, `--load-signer=${p.subPem}`], { encoding: "utf8", timeout: 30_000 });
      const out = r.stdout + r.stderr;
      expect(out).toMatch(/Verifying OCSP Response: Success/);
      expect(out).toMatch(new RegExp(`Certificate Status: ${word}`));
    }
  });
});
