/** `caskit lint` through the built binary: files, directories, stdin, formats (text, JSON, SARIF), profiles, exit codes. */
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN, assertBuilt, caskit } from "../helpers/cli.js";
import { tempDir } from "../helpers/openssl.js";
import { good, goodPem } from "./cases.js";

const V = join(import.meta.dirname, "../../vectors/csr");
const t = tempDir("caskit-lint-cli-");
const clean = join(V, "openssl-rsa2048.pem"); // no findings at all in the cas profile
const weak = join(V, "openssl-rsa1024.pem");
const noticeOnly = join(V, "openssl-p256.pem"); // an IP SAN: a notice for certificate orders

beforeAll(() => {
  assertBuilt();
  mkdirSync(t.path("dir"));
  writeFileSync(t.path("dir/a.csr"), goodPem);
  writeFileSync(t.path("dir/b.der"), good);
  writeFileSync(t.path("dir/notes.txt"), "not linted");
  mkdirSync(t.path("dir/sub"));
  writeFileSync(t.path("dir/sub/c.pem"), goodPem);
  mkdirSync(t.path("empty"));
});
afterAll(() => t.remove());

describe("caskit lint", () => {
  it("exit 0 when nothing reaches --fail-on, 1 when something does", () => {
    const ok = caskit(["lint", clean]);
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/openssl-rsa2048\.pem {2}\(csr, profile cas\): clean/);
    const bad = caskit(["lint", weak, clean]);
    expect(bad.status).toBe(1);
    expect(bad.stdout).toMatch(/error +csr\.key\.rsa_too_small +RSA key is 1024 bits.*zlint e_rsa_mod_less_than_2048_bits/);
    // worst file first
    expect(bad.stdout.indexOf("openssl-rsa1024")).toBeLessThan(bad.stdout.indexOf("openssl-rsa2048"));
    expect(caskit(["lint", noticeOnly]).status).toBe(0);
    expect(caskit(["lint", "--fail-on", "notice", noticeOnly]).status).toBe(1);
  });

  it("--min-severity hides what is below it (counts stay whole)", () => {
    const r = caskit(["lint", "--min-severity", "warning", noticeOnly]);
    expect(r.stdout).not.toMatch(/csr\.cas\.order_names/);
    expect(r.stdout).toMatch(/1 notice/);
  });

  it("a directory stands for its lintable files, one level deep; - is stdin", () => {
    const r = caskit(["--json", "lint", t.path("dir")]);
    expect(r.json().files.map((f: { file: string }) => f.file.split("/").pop())).toEqual(["a.csr", "b.der"]);
    const s = spawnSync(process.execPath, [BIN, "lint", "--format", "json", "-"], { input: goodPem, encoding: "utf8" });
    expect(s.status).toBe(0);
    expect(JSON.parse(s.stdout).files[0]).toMatchObject({ file: "-", target: "csr" });
  });

  it("usage errors exit 2: a missing file, an empty directory, a bad option, a bad profile", () => {
    const missing = caskit(["lint", t.path("nope.pem"), clean]);
    expect(missing.status).toBe(2);
    expect(missing.stdout).toMatch(/input\.unreadable/);
    expect(caskit(["lint", t.path("empty")]).status).toBe(2);
    expect(caskit(["lint", "--format", "xml", clean]).status).toBe(2);
    expect(caskit(["lint", "--profile", "mozilla", clean]).status).toBe(2);
    expect(caskit(["lint", "--now", "yesterday", clean]).stderr).toMatch(/--now "yesterday" is not a date/);
    expect(caskit(["lint", "--issuer", t.path("none.pem"), clean]).status).toBe(2);
    expect(caskit(["lint", "-", "-", clean]).status).toBe(2);
    writeFileSync(t.path("bad.json"), JSON.stringify({ name: "x", disable: ["csr.nope.*"], severity: { "csr.key.*": "fatal" } }));
    const bad = caskit(["lint", "--profile", t.path("bad.json"), clean]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/InvalidProfile: .*bad\.json: severity/);
    writeFileSync(t.path("notjson.json"), "{");
    expect(caskit(["lint", "--profile", t.path("notjson.json"), clean]).stderr).toMatch(/not JSON/);
  });

  it("--profile FILE: a user profile", () => {
    writeFileSync(t.path("p.json"), JSON.stringify({ name: "legacy-ok", extends: "cas", disable: ["csr.key.rsa_too_small"], severity: { "csr.cas.*": "warning" } }));
    const r = caskit(["--json", "lint", "--profile", t.path("p.json"), weak, noticeOnly]);
    expect(r.status).toBe(0);
    const files = r.json().files;
    expect(files[0].profile).toBe("legacy-ok");
    expect(files.flatMap((f: { findings: Array<{ rule: string; severity: string }> }) => f.findings.map((x) => `${x.rule}:${x.severity}`))).toEqual(["csr.cas.order_names:warning"]);
  });

  it("--format sarif is SARIF 2.1.0 with rules, help and citations", () => {
    writeFileSync(t.path("weak.der"), new Uint8Array(Buffer.from(readFileSync(weak, "utf8").replace(/-----[^-]+-----|\s/g, ""), "base64")));
    const r = caskit(["lint", "--format", "sarif", weak, t.path("weak.der"), clean]);
    expect(r.status).toBe(1);
    const s = r.json();
    expect(s.version).toBe("2.1.0");
    expect(s.$schema).toMatch(/sarif-2\.1\.0/);
    expect(s.runs).toHaveLength(1);
    const run = s.runs[0];
    expect(run.tool.driver.name).toBe("caskit lint");
    const rules = run.tool.driver.rules as Array<Record<string, any>>;
    expect(rules.length).toBeGreaterThan(40);
    for (const rule of rules) {
      expect(typeof rule.id).toBe("string");
      expect(rule.shortDescription.text.length).toBeGreaterThan(0);
      expect(rule.help.text).toMatch(/Source: /);
      expect(["error", "warning", "note"]).toContain(rule.defaultConfiguration.level);
      expect(rule.properties.citation.length).toBeGreaterThan(0);
    }
    expect(run.results.length).toBe(2);
    for (const res of run.results) {
      expect(res.ruleId).toBe("csr.key.rsa_too_small");
      expect(rules[res.ruleIndex]?.id).toBe(res.ruleId);
      expect(["error", "warning", "note"]).toContain(res.level);
      expect(res.message.text.length).toBeGreaterThan(0);
      const loc = res.locations[0].physicalLocation;
      expect(typeof loc.artifactLocation.uri).toBe("string");
      expect(run.artifacts[loc.artifactLocation.index].location.uri).toBe(loc.artifactLocation.uri);
    }
    // byte regions only where the file is the DER itself
    const der = run.results.find((x: any) => x.locations[0].physicalLocation.artifactLocation.uri.endsWith("weak.der"));
    expect(der.locations[0].physicalLocation.region).toMatchObject({ byteOffset: expect.any(Number), byteLength: expect.any(Number) });
    const pemResult = run.results.find((x: any) => x.locations[0].physicalLocation.artifactLocation.uri.endsWith(".pem"));
    expect(pemResult.locations[0].physicalLocation.region).toBeUndefined();
  });

  it("--help lists the options docs/lint.md documents", () => {
    const help = caskit(["lint", "--help"]);
    expect(help.status).toBe(0);
    const doc = readFileSync(join(import.meta.dirname, "../../docs/lint.md"), "utf8");
    const flags = [...help.stdout.matchAll(/^ {2}(--[a-z-]+)/gm)].map((m) => m[1] as string);
    expect(flags).toEqual(["--profile", "--format", "--min-severity", "--fail-on", "--type", "--issuer", "--now"]);
    for (const f of flags) expect(doc, f).toContain(`\`${f}`);
  });
});
