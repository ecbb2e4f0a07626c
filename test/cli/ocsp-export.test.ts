/**
 * `caskit ocsp export` and `caskit ocsp configure` through the built CLI on a SQLite store: --help
 * describes the layout, usage errors, the files match index.json, a second export keeps the stored
 * answers (signs nothing, same bytes) until something changes, and a revocation made meanwhile is
 * re-signed by the next export; files of the exported CA it no longer holds are removed.
 * `--presign-hashes`: a bad list is refused with a stable code and stores nothing; with sha1,sha256 the
 * export also writes the SHA-256 request's file (and removes it once the setting is back to sha1).
 */
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseOcspResponse } from "../../src/revoke/index.js";
import { openStore } from "../../src/store/open.js";
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

  it("--presign-hashes: anything but sha1 or sha1,sha256 is refused and stores nothing; sha1,sha256 adds the SHA-256 files to the export", async () => {
    const settings = async () => {
      const store = await openStore(env.CASKIT_DATA, { passphrase: env.CASKIT_MASTER_PASSPHRASE, create: false });
      try {
        return await store.read(async (tx) => ({ cfg: await tx.ocsp.getConfig(sub), audits: (await tx.audit.list(1000)).filter((l) => l.action === "ConfigureOcsp").length }));
      } finally {
        await store.close();
      }
    };
    const before = await settings();
    for (const bad of ["md5", "sha256", "sha1,md5", "sha1,sha1", ""]) {
      const r = caskit(["--json", "ocsp", "configure", "--ca", sub, "--presign", "--presign-hashes", bad], env);
      expect(r.status).toBe(2);
      expect(JSON.parse(r.stderr).error.code).toBe("InvalidPresignHashes");
    }
    expect(await settings()).toEqual(before);
    const help = caskit(["ocsp", "configure", "--help"], env).stdout;
    expect(help).toMatch(/--presign-hashes <list>[\s\S]*sha1,sha256/);

    const on = cli(["--json", "ocsp", "configure", "--ca", sub, "--presign", "--presign-hashes", "sha256,sha1"]).json();
    expect(on).toMatchObject({ Presign: true, PresignHashes: ["sha1", "sha256"] });
    expect((await settings()).cfg).toMatchObject({ presign: true, presignSha256: true });
    expect(cli(["--json", "ocsp", "refresh", "--ca", sub]).json()).toEqual([expect.objectContaining({ Presigned: true, PresignHashes: ["sha1", "sha256"] })]);
    const out = tmp.path("out256");
    const exp = cli(["--json", "ocsp", "export", "--out", out, "--ca", sub]).json();
    expect(exp).toMatchObject({ Responses: 2 });
    const index = JSON.parse(readFileSync(join(out, "index.json"), "utf8"));
    expect(readdirSync(join(out, "ocsp", sub))).toHaveLength(4);
    for (const e of index.responses) {
      expect(e.pathSha256).toMatch(new RegExp(`^ocsp/${sub}/`));
      expect(e.pathSha256).not.toBe(e.path);
      const bytes = readFileSync(join(out, e.pathSha256));
      expect(createHash("sha256").update(bytes).digest("hex")).toBe(e.sha256OfPathSha256);
      expect(parseOcspResponse(bytes).basic?.responses[0]).toMatchObject({ serialHex: e.serial, hash: "sha256", status: e.status });
      expect(parseOcspResponse(readFileSync(join(out, e.path))).basic?.responses[0]).toMatchObject({ serialHex: e.serial, hash: "sha1" });
    }
    // Back to sha1: the SHA-256 files are removed by the next export, and index.json names none.
    expect(cli(["--json", "ocsp", "configure", "--ca", sub, "--presign-hashes", "sha1"]).json()).toMatchObject({ PresignHashes: ["sha1"] });
    const off = cli(["--json", "ocsp", "export", "--out", out, "--ca", sub]).json();
    expect(off).toMatchObject({ Responses: 2, Removed: 2 });
    expect(readdirSync(join(out, "ocsp", sub))).toHaveLength(2);
    expect(JSON.parse(readFileSync(join(out, "index.json"), "utf8")).responses.some((e: { pathSha256?: string }) => e.pathSha256)).toBe(false);
  });
});
