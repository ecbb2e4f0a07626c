/**
 * `caskit ocsp export` and `caskit ocsp configure` through the built CLI on a SQLite store: --help
 * describes the layout, usage errors, the files match index.json, a second export keeps the stored
 * answers (signs nothing, same bytes) until something changes, and a revocation made meanwhile is
 * re-signed by the next export; files of the exported CA it no longer holds are removed.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseOcspResponse } from "../../src/revoke/index.js";
import { assertBuilt, caskit, caskitOk } from "../helpers/cli.js";
import { tempDir } from "../helpers/openssl.js";

const tmp = tempDir("caskit-ocsp-export-");
const env = { CASKIT_DATA: tmp.path("ca.db"), CASKIT_MASTER_PASSPHRASE: "export tests", CASKIT_KEY_PASSPHRASE: "leaf keys" };
const cli = (args: string[]) => caskitOk(args, env);
let sub = "";
const leaves: string[] = [];

beforeAll(() => {
  assertBuilt();
  cli(["init"]);
  const root = cli(["--json", "ca", "create-root", "--cn", "Export Root", "--algorithm", "ECC_256", "--years", "3"]).json().Identifier as string;
  sub = cli(["--json", "ca", "create-sub", "--parent", root, "--cn", "Export Sub", "--algorithm", "ECC_256", "--years", "1"]).json().Identifier as string;
  for (const cn of ["one", "two"]) leaves.push(cli(["--json", "issue", "server", "--ca", sub, "--algorithm", "ECC_256", "--cn", `${cn}.example.com`, "--days", "10"]).json().Identifier as string);
}, 60_000);
afterAll(() => tmp.remove());

describe("caskit ocsp export", () => {
  it("--help documents the layout; --out is required; configure refuses an answer outliving its responder", () => {
    const help = caskit(["ocsp", "export", "--help"], env);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain("DIR/ocsp/<ca>/<encodeURIComponent(base64(OCSPRequest DER))>");
    expect(help.stdout).toContain("DIR/serial/<ca>/<serial>.der");
    expect(help.stdout).toContain("DIR/index.json");
    expect(caskit(["ocsp", "--help"], env).stdout).toMatch(/configure[\s\S]*refresh[\s\S]*export/);
    expect(caskit(["ocsp", "export"], env).status).toBe(2);
    const bad = caskit(["ocsp", "configure", "--ca", sub, "--signer", "delegated", "--presign", "--responder-days", "1", "--response-hours", "12"], env);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/at most a third/);
  });

  it("files match index.json; a second export signs nothing and writes the same bytes; a revocation is re-signed by the next", () => {
    const out = tmp.path("out");
    const first = cli(["--json", "ocsp", "export", "--out", out, "--ca", sub]).json();
    expect(first).toMatchObject({ Responses: 2, Signed: 2, Cas: 1 });
    const index = JSON.parse(readFileSync(join(out, "index.json"), "utf8"));
    expect(index.count).toBe(2);
    for (const e of index.responses) {
      const bytes = readFileSync(join(out, e.path));
      expect(createHash("sha256").update(bytes).digest("hex")).toBe(e.sha256);
      const info = parseOcspResponse(bytes);
      expect(info.basic?.responses[0]).toMatchObject({ serialHex: e.serial, status: "good", hash: "sha1" });
      expect(info.basic?.nonce).toBeUndefined();
      expect(e.signer).toBe("ca");
    }
    expect(readdirSync(join(out, "serial", sub)).sort()).toEqual(index.responses.map((e: { serial: string }) => `${e.serial}.der`).sort());
    expect(first).toMatchObject({ Removed: 0 });
    const before = readFileSync(join(out, index.responses[0].path));
    // Files of the CA this export no longer holds (here, planted) are removed; another CA's are not.
    writeFileSync(join(out, "ocsp", sub, "MEUwQzBBMD8wPTAJBgUrDgMCGgUABBQ%3D"), "stale");
    writeFileSync(join(out, "serial", sub, "0badc0de.der"), "stale");
    mkdirSync(join(out, "serial", "another-ca"), { recursive: true });
    writeFileSync(join(out, "serial", "another-ca", "01.der"), "not ours");
    const second = cli(["--json", "ocsp", "export", "--out", out, "--ca", sub]).json();
    expect(second).toMatchObject({ Responses: 2, Signed: 0, Removed: 2 });
    expect(readdirSync(join(out, "ocsp", sub))).toHaveLength(2);
    expect(readdirSync(join(out, "serial", sub))).toHaveLength(2);
    expect(readFileSync(join(out, "serial", "another-ca", "01.der"), "utf8")).toBe("not ours");
    expect(readFileSync(join(out, index.responses[0].path)).equals(before)).toBe(true);
    // Revoke one; the next export re-signs exactly that one.
    cli(["cert", "revoke", leaves[0] as string, "--reason", "cessationOfOperation"]);
    const third = cli(["--json", "ocsp", "export", "--out", out, "--ca", sub]).json();
    expect(third).toMatchObject({ Responses: 2, Signed: 1 });
    const again = JSON.parse(readFileSync(join(out, "index.json"), "utf8"));
    const revoked = again.responses.filter((e: { status: string }) => e.status === "revoked");
    expect(revoked).toHaveLength(1);
    expect(revoked[0]).toMatchObject({ reason: "cessationOfOperation" });
    expect(parseOcspResponse(readFileSync(join(out, revoked[0].path))).basic?.responses[0]).toMatchObject({ status: "revoked", reason: "cessationOfOperation" });
  });
});
