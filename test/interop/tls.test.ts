/** A real TLS handshake: Node's TLS stack (OpenSSL inside) trusting only the root. */
import { readFileSync } from "node:fs";
import { type Server, createServer, get } from "node:https";
import type { LookupFunction } from "node:net";
import type { AddressInfo } from "node:net";
import { connect } from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseCsr } from "../../src/csr/index.js";
import { Issuer } from "../../src/issue/index.js";
import { type Hierarchy, hierarchy, opensslCsr, opensslKey } from "../helpers/fixtures.js";
import { tempDir } from "../helpers/openssl.js";

const tmp = tempDir("caskit-tls-");

interface Outcome {
  ok: boolean;
  code?: string;
}

function handshake(port: number, ca: string, servername?: string): Promise<Outcome> {
  return new Promise((resolve) => {
    const s = connect({ host: "127.0.0.1", port, ca, servername, ALPNProtocols: ["http/1.1"] }, () => {
      s.end();
      resolve({ ok: true });
    });
    s.on("error", (e: NodeJS.ErrnoException) => resolve({ ok: false, code: e.code }));
  });
}

/** An HTTPS GET to https://<name>:<port>/ with <name> resolved to 127.0.0.1, trusting `ca` only. */
function httpsGet(name: string, port: number, ca: string): Promise<{ ok: boolean; body?: string; code?: string }> {
  const lookup = ((_host: string, options: { all?: boolean }, cb: (...args: unknown[]) => void) => {
    if (options?.all) cb(null, [{ address: "127.0.0.1", family: 4 }]);
    else cb(null, "127.0.0.1", 4);
  }) as unknown as LookupFunction;
  return new Promise((resolve) => {
    const req = get({ host: name, port, path: "/", ca, lookup, agent: false }, (res) => {
      let body = "";
      res.on("data", (d) => (body += d));
      res.on("end", () => resolve({ ok: true, body }));
    });
    req.on("error", (e: NodeJS.ErrnoException) => resolve({ ok: false, code: e.code }));
  });
}

describe.each(["ECC_256", "RSA_2048"])("TLS with a %s leaf issued from a CSR", (spec) => {
  let h: Hierarchy;
  let other: Hierarchy;
  let server: Server;
  let port = 0;
  beforeAll(async () => {
    h = await hierarchy(spec);
    other = await hierarchy(spec);
    const keyFile = opensslKey(spec === "ECC_256" ? "P-256" : "RSA-2048", tmp.path(`${spec}.key`));
    const csr = parseCsr(opensslCsr(tmp.path(`${spec}.csr`), { key: keyFile, subj: "/CN=tls.example.com" }));
    const leaf = Issuer.prepare(h.sub).serverFromCsr(csr, { days: 7, domain: "127.0.0.1,::1" });
    server = createServer({ key: readFileSync(keyFile), cert: leaf.certificatePem + leaf.chainPem }, (_req, res) => res.end("ok"));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise((r) => server?.close(r));
  });

  it("a client trusting only the root connects by host name", async () => {
    expect(await handshake(port, h.root.certificatePem, "tls.example.com")).toEqual({ ok: true });
  });
  it("an HTTPS request by host name (resolved to 127.0.0.1) gets the response", async () => {
    expect(await httpsGet("tls.example.com", port, h.root.certificatePem)).toEqual({ ok: true, body: "ok" });
    expect(await httpsGet("nottls.example.com", port, h.root.certificatePem)).toEqual({ ok: false, code: "ERR_TLS_CERT_ALTNAME_INVALID" });
  });
  it("and by IP address (iPAddress SAN)", async () => {
    expect(await handshake(port, h.root.certificatePem)).toEqual({ ok: true });
  });
  it("a client expecting another name fails", async () => {
    expect(await handshake(port, h.root.certificatePem, "other.example.com")).toEqual({ ok: false, code: "ERR_TLS_CERT_ALTNAME_INVALID" });
  });
  it("a client trusting another root fails", async () => {
    const r = await handshake(port, other.root.certificatePem, "tls.example.com");
    expect(r.ok).toBe(false);
    expect(r.code).toMatch(/UNABLE_TO_VERIFY|SELF_SIGNED|UNABLE_TO_GET_ISSUER/);
  });
});

afterAll(() => tmp.remove());
