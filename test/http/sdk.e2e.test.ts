/**
 * `caskit serve` driven by Alibaba Cloud's official Node SDKs, changing only the endpoint:
 * @alicloud/openapi-core (V3 signatures, callApi with 2020-06-30), @alicloud/cas20200407 (2020-04-07,
 * caskit's leniency for PCA actions) and @alicloud/pop-core (RPC v1, GET). OpenSSL checks the CRL fetched
 * over HTTP.
 */
import { type ChildProcess } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import OpenApiModule, { $OpenApiUtil, OpenApiUtil } from "@alicloud/openapi-core";
import * as $dara from "@darabonba/typescript";
import RPCClient from "@alicloud/pop-core";
import Cas20200407Module, * as $Cas from "@alicloud/cas20200407";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateKeyPair } from "../../src/crypto/keys.js";
import { createCsr } from "../../src/csr/index.js";
import { assertBuilt, caskit, caskitAsync } from "../helpers/cli.js";
import { openssl, tempDir } from "../helpers/openssl.js";

/** The SDKs are CommonJS with `exports.default = Client`; ESM interop may hand us either shape. */
const ctor = <T>(m: unknown): T => (typeof m === "function" ? m : (m as { default: unknown }).default) as T;
type Ctor = new (config: $OpenApiUtil.Config) => any;
const OpenApi = ctor<Ctor>(OpenApiModule);
const Cas20200407 = ctor<Ctor>(Cas20200407Module);

const tmp = tempDir("caskit-e2e-");
const env = { CASKIT_DATA: join(tmp.dir, "ca.db"), CASKIT_MASTER_PASSPHRASE: "e2e" };
let server: ChildProcess;
let port = 0;
let ak = { id: "", secret: "" };
let other = { id: "", secret: "" };

async function startServer(extra: string[] = []): Promise<{ proc: ChildProcess; port: number; logs: () => string }> {
  const proc = caskitAsync(["serve", "--port", "0", "--crl-base-url", "http://127.0.0.1:1", ...extra], env);
  let logs = "";
  proc.stderr?.on("data", (d: Buffer) => (logs += d.toString()));
  const p = await new Promise<number>((resolve, reject) => {
    let out = "";
    proc.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
      logs += d.toString();
      const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    proc.on("exit", (c) => reject(new Error(`serve exited ${c}: ${logs}`)));
  });
  return { proc, port: p, logs: () => logs };
}

function v3Client(key = ak) {
  return new OpenApi(new $OpenApiUtil.Config({ accessKeyId: key.id, accessKeySecret: key.secret, endpoint: `127.0.0.1:${port}`, protocol: "http" }));
}

async function call(action: string, q: Record<string, unknown>, key = ak, version = "2020-06-30") {
  const params = new $OpenApiUtil.Params({ action, version, protocol: "HTTPS", pathname: "/", method: "POST", authType: "AK", style: "RPC", reqBodyType: "formData", bodyType: "json" });
  // Generous timeouts: the full suite runs other heavy files on the same two cores.
  const runtime = new $dara.RuntimeOptions({ connectTimeout: 30_000, readTimeout: 60_000 });
  const res = await v3Client(key).callApi(params, new $OpenApiUtil.OpenApiRequest({ query: OpenApiUtil.query(q) }), runtime);
  return res.body as Record<string, any>;
}

async function sdkError(p: Promise<unknown>): Promise<any> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error("the call succeeded");
}

let logs: () => string;
let rootId = "";
let subId = "";
let csr = "";
beforeAll(async () => {
  assertBuilt();
  caskit(["init"], env);
  const created = caskit(["--json", "accesskey", "create"], env).json();
  ak = { id: created.AccessKeyId, secret: created.AccessKeySecret };
  const o = caskit(["--json", "accesskey", "create", "--tenant", "other"], env).json();
  other = { id: o.AccessKeyId, secret: o.AccessKeySecret };
  const s = await startServer(["--throttle", "50"]);
  server = s.proc;
  port = s.port;
  logs = s.logs;
  csr = createCsr({ key: await generateKeyPair("ECC_256"), subject: { commonName: "sdk.example.com" } }).pem;
}, 60_000);
afterAll(() => tmp.remove());

describe("the official SDKs against caskit serve", () => {
  it("openapi-core V3: create root, create sub, issue from a CSR with Immediately 0/1/2, describe, list", async () => {
    const root = await call("CreateRootCACertificate", { CommonName: "SDK Root", Organization: "caskit", OrganizationUnit: "QA", Locality: "HZ", State: "ZJ", Years: 10, Algorithm: "ECC_256" });
    rootId = root.Identifier;
    expect(root.RequestId).toMatch(/^[0-9A-F-]{36}$/);
    const sub = await call("CreateSubCACertificate", { ParentIdentifier: rootId, CommonName: "SDK Sub", Organization: "caskit", OrganizationUnit: "QA", Locality: "HZ", State: "ZJ", Years: 5, Algorithm: "ECC_256", EnableCrl: true, ExtendedKeyUsages: ["serverAuth", "clientAuth"] });
    subId = sub.Identifier;
    const r0 = await call("CreateServerCertificateWithCsr", { ParentIdentifier: subId, Csr: csr, Days: 30, Domain: "www.sdk.example.com,10.0.0.5", Immediately: 0 });
    expect(Object.keys(r0).sort()).toEqual(["Identifier", "RequestId"]);
    const r1 = await call("CreateServerCertificateWithCsr", { ParentIdentifier: subId, Csr: csr, Days: 30, Immediately: 1 });
    expect(r1.X509Certificate).toContain("BEGIN CERTIFICATE");
    const r2 = await call("CreateServerCertificateWithCsr", { ParentIdentifier: subId, Csr: csr, Days: 30, Immediately: 2 });
    expect(r2.CertificateChain).toContain(root.Certificate.trim().split("\n")[1]);
    const d = await call("DescribeClientCertificate", { Identifier: r0.Identifier });
    expect(d.Certificate).toMatchObject({ Identifier: r0.Identifier, Status: "ISSUE", CertificateType: "SERVER" });
    expect(typeof d.Certificate.BeforeDate).toBe("number");
    expect(JSON.parse(d.Certificate.Sans)).toContainEqual({ Type: 7, Value: "10.0.0.5" });
    const list = await call("ListClientCertificate", { CurrentPage: 1, ShowSize: 2 });
    expect(list).toMatchObject({ TotalCount: 3, ShowSize: 2, PageCount: 2 });
    expect((await call("DescribeCACertificateCount", {})).TotalCount).toBe(2);
  });

  it("revoke, then fetch the CRL over HTTP (unauthenticated): OpenSSL finds the revoked serial", async () => {
    const leaf = await call("CreateServerCertificateWithCsr", { ParentIdentifier: subId, Csr: csr, Days: 30, Immediately: 1 });
    await call("CreateRevokeClientCertificate", { Identifier: leaf.Identifier });
    expect((await call("DescribeClientCertificateStatus", { Identifier: leaf.Identifier })).CertificateStatus[0].Status).toBe("revoked");
    expect((await call("ListRevokeCertificate", {})).CertificateList[0].Identifier).toBe(leaf.Identifier);
    const res = await fetch(`http://127.0.0.1:${port}/crl/${subId}.crl`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/pkix-crl");
    expect(res.headers.get("cache-control")).toMatch(/max-age=\d+/);
    const crlFile = tmp.path("sub.crl");
    writeFileSync(crlFile, Buffer.from(await res.arrayBuffer()));
    const caRes = await fetch(`http://127.0.0.1:${port}/ca/${subId}.crt`);
    writeFileSync(tmp.path("sub.der"), Buffer.from(await caRes.arrayBuffer()));
    openssl(["x509", "-inform", "DER", "-in", tmp.path("sub.der"), "-out", tmp.path("sub.pem")]);
    const v = openssl(["crl", "-inform", "DER", "-in", crlFile, "-CAfile", tmp.path("sub.pem"), "-noout", "-text"]);
    expect(v.stderr).toContain("verify OK");
    expect(v.stdout).toContain(`Serial Number: ${leaf.SerialNumber.toUpperCase()}`);
  });

  it("PCA actions under Version 2020-04-07 (caskit leniency); @alicloud/cas20200407 reaches the server; XML responses", async () => {
    expect((await call("DescribeCACertificateCount", {}, ak, "2020-04-07")).TotalCount).toBe(2);
    // The 2020-04-07 SDK's typed client reaches the order actions (no package granted here: zeros), and
    // an action neither version has is the API-not-found error, decoded by the SDK like any other.
    const cas = new Cas20200407(new $OpenApiUtil.Config({ accessKeyId: ak.id, accessKeySecret: ak.secret, endpoint: `127.0.0.1:${port}`, protocol: "http" }));
    const pkg = await cas.describePackageState(new $Cas.DescribePackageStateRequest({ productCode: "digicert-free-1-free" }));
    expect(pkg.body).toMatchObject({ productCode: "digicert-free-1-free", totalCount: 0, usedCount: 0, issuedCount: 0 });
    const e = await sdkError(cas.listCsr(new $Cas.ListCsrRequest({})));
    expect([e.code, e.statusCode]).toEqual(["InvalidApi.NotFound", 404]);
    const xml = await fetch(`http://127.0.0.1:${port}/?${await signedV1Query("DescribeCACertificateCount", { Format: "XML" })}`);
    expect(xml.headers.get("content-type")).toContain("text/xml");
    const { XMLParser } = await import("fast-xml-parser");
    const parsed = new XMLParser().parse(await xml.text());
    expect(parsed.DescribeCACertificateCountResponse.TotalCount).toBe(2);
  });

  it("@alicloud/pop-core (RPC v1, GET): list CAs", async () => {
    const rpc = new RPCClient({ accessKeyId: ak.id, accessKeySecret: ak.secret, endpoint: `http://127.0.0.1:${port}`, apiVersion: "2020-06-30" });
    const r = (await rpc.request("DescribeCACertificateList", { CurrentPage: 1, ShowSize: 20 }, {})) as Record<string, any>;
    expect(r.TotalCount).toBe(2);
    expect(r.CertificateList.map((c: { Identifier: string }) => c.Identifier).sort()).toEqual([rootId, subId].sort());
  });

  it("authentication errors map to the common error codes", async () => {
    expect((await sdkError(call("DescribeCACertificateCount", {}, { id: "LTAInope", secret: "x" }))).code).toBe("InvalidAccessKeyId.NotFound");
    expect((await sdkError(call("DescribeCACertificateCount", {}, { id: ak.id, secret: "wrong" }))).code).toBe("SignatureDoesNotMatch");
    const incomplete = await fetch(`http://127.0.0.1:${port}/?Action=DescribeCACertificateCount&Version=2020-06-30`);
    expect(incomplete.status).toBe(400);
    expect(((await incomplete.json()) as { Code: string }).Code).toBe("IncompleteSignature");
    const stale = await fetch(`http://127.0.0.1:${port}/?${await signedV1Query("DescribeCACertificateCount", {}, "2020-01-01T00:00:00Z")}`);
    expect(((await stale.json()) as { Code: string }).Code).toBe("InvalidTimeStamp.Expired");
    const q = await signedV1Query("DescribeCACertificateCount", {});
    expect((await fetch(`http://127.0.0.1:${port}/?${q}`)).status).toBe(200);
    const replay = await fetch(`http://127.0.0.1:${port}/?${q}`);
    expect(((await replay.json()) as { Code: string }).Code).toBe("SignatureNonceUsed");
    const badTs = await fetch(`http://127.0.0.1:${port}/?${await signedV1Query("DescribeCACertificateCount", {}, "yesterday")}`);
    expect(((await badTs.json()) as { Code: string }).Code).toBe("InvalidTimeStamp.Format");
    const created = caskit(["--json", "accesskey", "create"], env).json();
    caskit(["accesskey", "disable", created.AccessKeyId], env);
    expect((await sdkError(call("DescribeCACertificateCount", {}, { id: created.AccessKeyId, secret: created.AccessKeySecret }))).code).toBe("InvalidAccessKeyId.Inactive");
  });

  it("a key disabled while in use stops working within the access-key cache's bound (5 s)", async () => {
    const created = caskit(["--json", "accesskey", "create"], env).json();
    const key = { id: created.AccessKeyId, secret: created.AccessKeySecret };
    expect((await call("DescribeCACertificateCount", {}, key)).TotalCount).toBeGreaterThan(0); // now cached
    caskit(["accesskey", "disable", key.id], env);
    const start = Date.now();
    let code = "";
    while (Date.now() - start < 10_000) {
      code = await call("DescribeCACertificateCount", {}, key).then(() => "ok", (e: { code: string }) => e.code);
      if (code !== "ok") break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(code).toBe("InvalidAccessKeyId.Inactive");
    expect(Date.now() - start).toBeLessThan(5_000 + 1_500);
  });

  it("an error body has Code, Message, RequestId, HostId, Recommend and the status of the table", async () => {
    const e = await sdkError(call("DescribeCACertificate", { Identifier: "nope" }));
    expect(e.code).toBe("NotFoundCACertificate");
    expect(e.statusCode).toBe(404);
    expect(e.data).toMatchObject({ Code: "NotFoundCACertificate", HostId: "cas.aliyuncs.com", RequestId: expect.any(String), Recommend: expect.stringContaining("NotFoundCACertificate") });
    expect((await sdkError(call("CreateServerCertificateWithCsr", { ParentIdentifier: subId, Days: 1 }))).code).toBe("MissingCsr");
    expect((await sdkError(call("CreateServerCertificateWithCsr", { ParentIdentifier: subId, Csr: csr, Days: "x" }))).code).toBe("InvalidDays");
    expect((await sdkError(call("NoSuchAction", {}))).code).toBe("InvalidApi.NotFound");
  });

  it("a tenant cannot see or touch another tenant's CA", async () => {
    expect((await sdkError(call("DescribeCACertificate", { Identifier: subId }, other))).code).toBe("NotFoundCACertificate");
    expect((await sdkError(call("CreateServerCertificateWithCsr", { ParentIdentifier: subId, Csr: csr, Days: 1 }, other))).code).toBe("NotFoundCACertificate");
    expect((await call("DescribeCACertificateCount", {}, other)).TotalCount).toBe(0);
  });

  it("throttling answers Throttling.User with x-acs-retry-after, and the SDK raises a ThrottlingError", async () => {
    // The throttle counts per one-second window (50 here). A burst that a slow machine spreads over a
    // window's edge can stay under it in both windows, so bursts are fired until one is refused (at most 5).
    let throttled: { code: string; name: string; retryAfter: number }[] = [];
    for (let i = 0; i < 5 && throttled.length === 0; i++) {
      const burst = await Promise.allSettled(Array.from({ length: 120 }, () => call("DescribeCACertificateCount", {})));
      throttled = burst.filter((r) => r.status === "rejected").map((r) => (r as PromiseRejectedResult).reason);
    }
    expect(throttled.length).toBeGreaterThan(0);
    expect(new Set(throttled.map((e) => e.code))).toEqual(new Set(["Throttling.User"]));
    expect(throttled[0]?.name).toBe("ThrottlingError");
    expect(throttled[0]?.retryAfter).toBeGreaterThan(0);
  });

  it("logs carry request id, action, tenant and outcome — never a secret or a signature", () => {
    const l = logs();
    expect(l).toContain('"action":"CreateRootCACertificate"');
    expect(l).toContain('"outcome":"ok"');
    expect(l).not.toContain(ak.secret);
    expect(l).not.toMatch(/Signature=|ACS3-HMAC-SHA256 Credential/);
  });
});

/** A hand-signed RPC v1 query (to control Timestamp/Format/nonce), as pop-core would send it. */
async function signedV1Query(action: string, extra: Record<string, string>, timestamp = new Date().toISOString().replace(/\.\d+Z$/, "Z")): Promise<string> {
  const { rpcV1Signature, rpcV1StringToSign, pct } = await import("../../src/http/rpc/signature.js");
  const params: Record<string, string> = {
    AccessKeyId: ak.id,
    Action: action,
    Format: "JSON",
    SignatureMethod: "HMAC-SHA1",
    SignatureNonce: Math.random().toString(16).slice(2),
    SignatureVersion: "1.0",
    Timestamp: timestamp,
    Version: "2020-06-30",
    ...extra,
  };
  const sig = rpcV1Signature(ak.secret, rpcV1StringToSign("GET", Object.entries(params)));
  return [...Object.entries(params), ["Signature", sig] as [string, string]].map(([k, v]) => `${pct(k)}=${pct(v)}`).join("&");
}

describe("graceful shutdown", () => {
  it("SIGTERM lets an in-flight request finish, then exits 0 and closes the store", async () => {
    const slow = call("CreateRootCACertificate", { CommonName: "Slow Root", Years: 5, Algorithm: "RSA_4096" });
    await new Promise((r) => setTimeout(r, 150));
    const exited = new Promise<number | null>((r) => server.on("exit", (code) => r(code)));
    server.kill("SIGTERM");
    const res = await slow;
    expect(res.Identifier).toMatch(/^[0-9a-f]{32}$/);
    expect(await exited).toBe(0);
    // The store is consistent and holds the CA the in-flight request created.
    expect(caskit(["--json", "ca", "show", res.Identifier], env).status).toBe(0);
  });
});
