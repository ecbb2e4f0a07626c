/**
 * The certificate-order workflow end to end, as a user of Alibaba Cloud's order API would run it: the
 * official typed SDK client (@alicloud/cas20200407) against the built `caskit serve`, unchanged but for
 * the endpoint. The operator's set-up goes through the built CLI. Domain validation is real: a dnsmasq
 * on loopback answers the TXT record, a loopback web server serves the file, and serve's own validator
 * finds them on its schedule. Issued certificates are judged by `openssl verify`.
 */
import { type Server, createServer } from "node:http";
import { writeFileSync } from "node:fs";
import Cas20200407Module, * as $Cas from "@alicloud/cas20200407";
import { $OpenApiUtil } from "@alicloud/openapi-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateKeyPair } from "../../src/crypto/keys.js";
import { createCsr } from "../../src/csr/index.js";
import { caskitOk } from "../helpers/cli.js";
import { type Dnsmasq, type DnsmasqRecords, startDnsmasq } from "../helpers/dnsmasq.js";
import { openssl } from "../helpers/openssl.js";
import { ctor, sdkError, servedStore } from "../helpers/sdk.js";

type Client = InstanceType<typeof Cas20200407Module.default>;
const Cas20200407 = ctor<new (c: $OpenApiUtil.Config) => Client>(Cas20200407Module);

let srv: Awaited<ReturnType<typeof servedStore>>;
let dns: Dnsmasq;
let dnsPort = 0;
let web: Server;
let webPort = 0;
const files = new Map<string, string>(); // host → content served at the validation URI
const records: Required<DnsmasqRecords> = { txt: {}, a: { "web.example.test": "127.0.0.1", "web2.example.test": "127.0.0.1" } };
let client: Client;
let subPem = "";
let rootPem = "";

/** Publishes the current records: dnsmasq reads them at start, so it is restarted on the same port. */
async function republish() {
  await dns?.stop();
  dns = await startDnsmasq(records, { port: dnsPort || undefined });
  dnsPort = dns.port;
}

async function stateOf(orderId: number) {
  return (await client.describeCertificateState(new $Cas.DescribeCertificateStateRequest({ orderId }))).body as $Cas.DescribeCertificateStateResponseBody;
}

/** Polls until the order leaves domain_verify/process, at most `ms`. */
async function settled(orderId: number, ms = 30_000) {
  const end = Date.now() + ms;
  for (;;) {
    const st = await stateOf(orderId);
    if ((st.type !== "domain_verify" && st.type !== "process") || Date.now() > end) return st;
    await new Promise((r) => setTimeout(r, 250));
  }
}

function verifies(pemChain: string): { ok: boolean; out: string } {
  const [leaf] = pemChain.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n?/g) ?? [];
  writeFileSync(srv.tmp.path("leaf.pem"), leaf ?? "");
  writeFileSync(srv.tmp.path("root.pem"), rootPem);
  writeFileSync(srv.tmp.path("sub.pem"), subPem);
  const r = openssl(["verify", "-x509_strict", "-purpose", "sslserver", "-CAfile", srv.tmp.path("root.pem"), "-untrusted", srv.tmp.path("sub.pem"), srv.tmp.path("leaf.pem")]);
  return { ok: r.ok, out: r.stdout + r.stderr };
}

beforeAll(async () => {
  web = createServer((req, res) => {
    const host = String(req.headers.host ?? "").replace(/:\d+$/, "");
    const body = files.get(host);
    if (req.url === "/.well-known/pki-validation/fileauth.txt" && body !== undefined) res.end(body);
    else res.writeHead(404).end("no");
  });
  await new Promise<void>((r) => web.listen(0, "127.0.0.1", r));
  webPort = (web.address() as { port: number }).port;
  await republish();
  srv = await servedStore(["--throttle", "0", "--crl-interval", "0", "--dcv-interval", "1", "--dcv-dns-server", `127.0.0.1:${dnsPort}`, "--dcv-http-port", String(webPort), "--dcv-timeout", "2000", "--dcv-backoff", "1"]);
  const cli = (args: string[]) => caskitOk(["--json", ...args], srv.env).json();
  const root = cli(["ca", "create-root", "--cn", "Orders Root", "--algorithm", "RSA_2048", "--years", "10"]);
  const sub = cli(["ca", "create-sub", "--parent", root.Identifier, "--cn", "Orders Issuing CA", "--algorithm", "RSA_2048", "--years", "5"]);
  rootPem = root.Certificate;
  subPem = sub.Certificate;
  cli(["company", "add", "--name", "Example Co", "--country", "CN", "--state", "Zhejiang"]);
  for (const code of ["digicert-free-1-free", "geotrust-dv-w-starter", "geotrust-ov-1-personal"]) {
    cli(["product", "map", code, "--ca", sub.Identifier]);
    cli(["package", "grant", code, "--count", "5"]);
  }
  cli(["contact", "add", "--name", "Tom", "--phone", "13900000000", "--email", "tom@example.test"]);
  client = new Cas20200407(new $OpenApiUtil.Config({ accessKeyId: srv.key.id, accessKeySecret: srv.key.secret, endpoint: `127.0.0.1:${srv.port}`, protocol: "http", readTimeout: 60_000, connectTimeout: 30_000 }));
}, 120_000);
afterAll(async () => {
  await srv?.stop();
  await dns?.stop();
  await new Promise((r) => web?.close(r));
});

describe("orders through the official @alicloud/cas20200407 client, validated for real", () => {
  it("DNS: create → the TXT record is published on a real DNS server → serve's validator issues; the returned key is the certificate's", async () => {
    const created = await client.createCertificateForPackageRequest(new $Cas.CreateCertificateForPackageRequestRequest({ domain: "dns.example.test", validateType: "DNS" }));
    const orderId = created.body?.orderId as number;
    expect(typeof orderId).toBe("number");
    const challenge = await stateOf(orderId);
    expect(challenge).toMatchObject({ type: "domain_verify", validateType: "DNS", recordType: "TXT", recordDomain: "_dnsauth" });
    records.txt["_dnsauth.dns.example.test"] = [challenge.recordValue as string];
    await republish();
    const done = await settled(orderId);
    expect(done.type).toBe("certificate");
    expect(verifies(done.certificate as string).ok).toBe(true);
    writeFileSync(srv.tmp.path("key.pem"), done.privateKey as string);
    writeFileSync(srv.tmp.path("cert.pem"), done.certificate as string);
    expect(openssl(["pkey", "-in", srv.tmp.path("key.pem"), "-pubout"]).stdout).toBe(openssl(["x509", "-in", srv.tmp.path("cert.pem"), "-noout", "-pubkey"]).stdout);
    const pkg = (await client.describePackageState(new $Cas.DescribePackageStateRequest({ productCode: "digicert-free-1-free" }))).body;
    expect(pkg).toMatchObject({ totalCount: 5, usedCount: 1, issuedCount: 1 });
  });

  it("FILE: the file on a real web server (name resolved through the same DNS server); the caller's CSR keeps its key", async () => {
    const key = await generateKeyPair("RSA_2048");
    const csr = createCsr({ key, subject: { commonName: "web.example.test" }, sans: ["web.example.test", "web2.example.test"] }).pem;
    const created = await client.createCertificateWithCsrRequest(new $Cas.CreateCertificateWithCsrRequestRequest({ csr, username: "Tom", phone: "1", email: "t@example.test", validateType: "FILE" }));
    const orderId = created.body?.orderId as number;
    const challenge = await stateOf(orderId);
    expect(challenge).toMatchObject({ type: "domain_verify", validateType: "FILE", uri: "/.well-known/pki-validation/fileauth.txt", domain: "web.example.test,web2.example.test" });
    files.set("web.example.test", challenge.content as string);
    files.set("web2.example.test", `${challenge.content}\n`);
    const done = await settled(orderId);
    expect(done.type).toBe("certificate");
    expect(done.privateKey).toBeUndefined();
    const v = verifies(done.certificate as string);
    expect(v.ok).toBe(true);
    expect(openssl(["x509", "-noout", "-ext", "subjectAltName"], { input: done.certificate as string }).stdout).toContain("DNS:web.example.test, DNS:web2.example.test");
  });

  it("a wildcard by DNS; a wrong TXT value or a wrong file leaves the order waiting, never issued", async () => {
    const wild = await client.createCertificateForPackageRequest(new $Cas.CreateCertificateForPackageRequestRequest({ productCode: "geotrust-dv-w-starter", domain: "*.wild.example.test" }));
    const wrongDns = await client.createCertificateForPackageRequest(new $Cas.CreateCertificateForPackageRequestRequest({ domain: "wrong.example.test" }));
    const wrongFile = await client.createCertificateForPackageRequest(new $Cas.CreateCertificateForPackageRequestRequest({ domain: "web.example.test", validateType: "FILE" }));
    const w = await stateOf(wild.body?.orderId as number);
    records.txt["_dnsauth.wild.example.test"] = [w.recordValue as string];
    records.txt["_dnsauth.wrong.example.test"] = ["2026120300000000deadbeef"];
    await republish();
    // web.example.test still serves the previous order's content: not this order's.
    expect((await settled(wild.body?.orderId as number)).type).toBe("certificate");
    await new Promise((r) => setTimeout(r, 2500)); // several validator passes
    expect((await stateOf(wrongDns.body?.orderId as number)).type).toBe("domain_verify");
    expect((await stateOf(wrongFile.body?.orderId as number)).type).toBe("domain_verify");
    // The refused moves, through the SDK: deleting an order under validation, revoking one not issued.
    const e = await sdkError(client.deleteCertificateRequest(new $Cas.DeleteCertificateRequestRequest({ orderId: wrongDns.body?.orderId })));
    expect([e.code, e.statusCode]).toEqual(["OrderStateError", 403]);
    await client.cancelOrderRequest(new $Cas.CancelOrderRequestRequest({ orderId: wrongDns.body?.orderId }));
    await client.deleteCertificateRequest(new $Cas.DeleteCertificateRequestRequest({ orderId: wrongDns.body?.orderId }));
    const gone = await sdkError(stateOf(wrongDns.body?.orderId as number));
    expect([gone.code, gone.statusCode]).toEqual(["NotFoundOrder", 404]);
  });

  it("OV with five names: every name validated, the company profile in the subject", async () => {
    const names = Array.from({ length: 5 }, (_, i) => `n${i}.ov.example.test`);
    const created = await client.createCertificateForPackageRequest(new $Cas.CreateCertificateForPackageRequestRequest({ productCode: "geotrust-ov-1-personal", domain: names.join(","), companyName: "Example Co" }));
    const orderId = created.body?.orderId as number;
    const challenge = await stateOf(orderId);
    expect(challenge.domain).toBe(names.join(","));
    for (const n of names.slice(0, 4)) records.txt[`_dnsauth.${n}`] = [challenge.recordValue as string];
    await republish();
    await new Promise((r) => setTimeout(r, 2500));
    expect((await stateOf(orderId)).type).toBe("domain_verify"); // the fifth name is not proven yet
    records.txt[`_dnsauth.${names[4]}`] = [challenge.recordValue as string];
    await republish();
    const done = await settled(orderId);
    expect(done.type).toBe("certificate");
    expect(verifies(done.certificate as string).ok).toBe(true);
    const text = openssl(["x509", "-noout", "-subject", "-ext", "subjectAltName"], { input: done.certificate as string }).stdout;
    expect(text).toMatch(/O = Example Co/);
    for (const n of names) expect(text).toContain(`DNS:${n}`);
  });

  it("ListUserCertificateOrder with the SDK's types; revoking an issued order (CancelCertificateForPackageRequest)", async () => {
    const list = (await client.listUserCertificateOrder(new $Cas.ListUserCertificateOrderRequest({ status: "ISSUED" }))).body;
    expect(list?.totalCount).toBe(4);
    const first = list?.certificateOrderList?.[0];
    expect(typeof first?.orderId).toBe("number");
    expect(first?.status).toBe("ISSUED");
    await client.cancelCertificateForPackageRequest(new $Cas.CancelCertificateForPackageRequestRequest({ orderId: first?.orderId }));
    const revoked = (await client.listUserCertificateOrder(new $Cas.ListUserCertificateOrderRequest({ status: "REVOKED" }))).body;
    expect(revoked?.certificateOrderList?.map((o: { orderId?: number }) => o.orderId)).toEqual([first?.orderId]);
  });
});
