/** The CLI flows, by running the built binary as a user would. */
import { readFileSync, statSync, writeFileSync, mkdirSync, copyFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateKeyPair } from "../../src/crypto/keys.js";
import { createCsr } from "../../src/csr/index.js";
import { assertBuilt, caskit } from "../helpers/cli.js";
import { openssl, tempDir } from "../helpers/openssl.js";

const tmp = tempDir("caskit-cli-");
const env = { CASKIT_DATA: join(tmp.dir, "ca.db"), CASKIT_MASTER_PASSPHRASE: "cli tests", CASKIT_CRL_BASE_URL: "http://127.0.0.1:8080" };
const run = (...args: string[]) => caskit(args, env, tmp.dir);
let root = "";
let sub = "";
let csrFile = "";
beforeAll(async () => {
  assertBuilt();
  csrFile = tmp.path("server.csr");
  writeFileSync(csrFile, createCsr({ key: await generateKeyPair("ECC_256"), subject: { commonName: "cli.example.com" } }).pem);
});
afterAll(() => tmp.remove());

describe("caskit CLI", () => {
  it("init creates the store; a wrong or missing passphrase exits 3", () => {
    const r = run("--json", "init");
    expect(r.status).toBe(0);
    expect(r.json()).toMatchObject({ kind: "sqlite", counts: { cas: 0 } });
    expect(caskit(["ca", "list"], { ...env, CASKIT_MASTER_PASSPHRASE: "wrong" }).status).toBe(3);
    const none = caskit(["ca", "list"], { ...env, CASKIT_MASTER_PASSPHRASE: undefined });
    expect(none.status).toBe(3);
    expect(none.stderr).toContain("no_passphrase");
  });

  it("init on a PostgreSQL URL never prints its password", async () => {
    const url = process.env.CASKIT_TEST_PG_URL ?? "postgres://postgres@127.0.0.1:5432/test";
    const schema = `caskit_cli_pw_${process.pid}`;
    const withPassword = `${url.replace(/^(postgres(?:ql)?:\/\/[^:/@]*)(:[^@/]*)?@/, "$1:hunter2secret@")}${url.includes("?") ? "&" : "?"}schema=${schema}`;
    try {
      const r = caskit(["--json", "init"], { ...env, CASKIT_DATA: withPassword });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout + r.stderr).not.toContain("hunter2secret");
      expect(r.json().data).toContain(":***@");
    } finally {
      const pg = (await import("pg")).default;
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await c.end();
    }
  });

  it("ca create-root, create-sub, list and show (--json)", () => {
    const r = run("--json", "ca", "create-root", "--cn", "CLI Root", "--org", "caskit", "--years", "10");
    expect(r.status).toBe(0);
    root = r.json().Identifier;
    const s = run("--json", "ca", "create-sub", "--parent", root, "--cn", "CLI Issuing CA", "--years", "5", "--enable-crl", "--crl-days", "2");
    expect(s.status).toBe(0);
    sub = s.json().Identifier;
    const list = run("--json", "ca", "list").json();
    expect(list.CertificateList.map((c: { Identifier: string }) => c.Identifier)).toEqual([root, sub]);
    expect(run("ca", "show", sub).stdout).toContain("CLI Issuing CA");
    expect(run("ca", "show", sub, "--pem").stdout).toMatch(/^-----BEGIN CERTIFICATE-----/);
  });

  it("ca create-sub without --algorithm takes the parent's key spec (an RSA or SM2 parent too)", () => {
    for (const spec of ["RSA_2048", "SM2_256"]) {
      const p = run("--json", "ca", "create-root", "--cn", `CLI ${spec} Root`, "--algorithm", spec, "--years", "3").json().Identifier;
      const s = run("--json", "ca", "create-sub", "--parent", p, "--cn", `CLI ${spec} Sub`, "--years", "1");
      expect(s.status, s.stderr).toBe(0);
      expect(run("--json", "ca", "show", s.json().Identifier).json().Certificate.FullAlgorithm).toBe(spec);
    }
  });

  it("issue server --csr writes cert and chain; OpenSSL verifies them", () => {
    const out = tmp.path("out");
    const r = run("--json", "issue", "server", "--ca", sub, "--csr", csrFile, "--days", "30", "--domain", "www.cli.example.com,10.1.1.1", "--out", out);
    expect(r.status).toBe(0);
    const files = r.json().files;
    expect(files.key).toBeUndefined();
    const rootPem = tmp.path("root.pem");
    writeFileSync(rootPem, run("ca", "show", root, "--pem").stdout);
    const v = openssl(["verify", "-x509_strict", "-purpose", "sslserver", "-CAfile", rootPem, "-untrusted", files.chain, files.certificate]);
    expect(v.ok).toBe(true);
    expect(openssl(["x509", "-in", files.certificate, "-noout", "-text"]).stdout).toContain(`URI:http://127.0.0.1:8080/crl/${sub}.crl`);
  });

  it("issue server with a generated key writes the key 0600, matching the certificate", () => {
    const out = tmp.path("gen");
    const r = run("--json", "issue", "server", "--ca", sub, "--algorithm", "ECC_384", "--cn", "gen.example.com", "--days", "3", "--out", out);
    expect(r.status).toBe(0);
    const { key, certificate } = r.json().files;
    expect(statSync(key).mode & 0o777).toBe(0o600);
    expect(openssl(["pkey", "-in", key, "-pubout"]).stdout).toBe(openssl(["x509", "-in", certificate, "-noout", "-pubkey"]).stdout);
  });

  it("refusals exit 1 with code: message, and usage errors exit 2", () => {
    const beyond = run("issue", "server", "--ca", sub, "--csr", csrFile, "--years", "50");
    expect(beyond.status).toBe(1);
    expect(beyond.stderr).toMatch(/^InvalidValidity.BeyondIssuer: /);
    const json = run("--json", "issue", "server", "--ca", "nope", "--csr", csrFile, "--days", "1");
    expect(json.status).toBe(1);
    expect(JSON.parse(json.stderr).error.code).toBe("NotFoundCACertificate");
    expect(run("issue", "server", "--csr", csrFile).status).toBe(2);
    expect(run("frobnicate").status).toBe(2);
    expect(run("issue", "server", "--help").status).toBe(0);
  });

  it("issue batch continues past bad inputs and sums up; cert revoke shows in the CRL", () => {
    const dir = tmp.path("batch");
    mkdirSync(dir);
    for (const n of ["a", "b", "c"]) copyFileSync(csrFile, join(dir, `${n}.csr`));
    writeFileSync(join(dir, "broken.pem"), "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n");
    const r = run("--json", "issue", "batch", dir, "--ca", sub, "--days", "5");
    expect(r.status).toBe(1);
    const res = r.json();
    expect(res.refused.filter((x: { file: string }) => x.file !== "broken.pem")).toEqual([]);
    expect(res.issued.map((x: { file: string }) => x.file)).toEqual(["a.csr", "b.csr", "c.csr"]);
    expect(res.refused).toEqual([{ file: "broken.pem", code: "InvalidCsr.Malformed", message: expect.any(String) }]);
    const victim = res.issued[1];
    expect(run("cert", "revoke", victim.identifier, "--reason", "keyCompromise").status).toBe(0);
    expect(run("--json", "cert", "list", "--revoked").json().CertificateList[0].Identifier).toBe(victim.identifier);
    const crlFile = tmp.path("sub.crl");
    const crl = run("crl", "--ca", sub, "--out", crlFile);
    expect(crl.status, crl.stderr).toBe(0);
    const text = openssl(["crl", "-inform", "DER", "-in", crlFile, "-noout", "-text"]).stdout;
    expect(text).toContain(`Serial Number: ${victim.serialNumber.toUpperCase()}`);
    expect(text).toContain("Key Compromise");
    expect(run("cert", "delete", res.issued[0].identifier).status).toBe(1);
    expect(run("cert", "delete", victim.identifier).status).toBe(0);
  });

  it("csr check prints verdicts and exits 1 when any is refused", () => {
    const bad = tmp.path("bad.csr");
    writeFileSync(bad, readFileSync(csrFile, "utf8").replace(/CERTIFICATE REQUEST/g, "CERTIFICATE"));
    const r = caskit(["--json", "csr", "check", csrFile, bad]);
    expect(r.status).toBe(1);
    expect(r.json()).toEqual([
      expect.objectContaining({ ok: true, cn: "cli.example.com", key: "P-256" }),
      expect.objectContaining({ ok: false, code: "parse_error" }),
    ]);
    expect(caskit(["csr", "check", csrFile]).status).toBe(0);
  });
});
