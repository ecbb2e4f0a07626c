/** The README's first command must stay true: the quickstart runs from nothing and OpenSSL agrees. */
import { spawnSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { tempDir } from "./helpers/openssl.js";

const tmp = tempDir("caskit-qs-");
afterAll(() => tmp.remove());

describe("npm run quickstart", () => {
  it("writes a verified chain, the server key 0600 and the CA keys only encrypted", () => {
    const out = join(tmp.dir, "qs");
    const r = spawnSync(process.execPath, ["--import", "tsx", "scripts/quickstart.ts", out], {
      cwd: join(import.meta.dirname, ".."),
      encoding: "utf8",
      env: { ...process.env, CASKIT_MASTER_PASSPHRASE: "correct horse" },
    });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("openssl verify:");
    expect(r.stdout).toContain("server.pem: OK");
    for (const f of ["root.pem", "sub.pem", "server.key", "server.csr", "server.pem", "chain.pem", "sub.crl.pem", "root.key.enc.pem", "sub.key.enc.pem"]) {
      expect(existsSync(join(out, f))).toBe(true);
    }
    expect(statSync(join(out, "server.key")).mode & 0o777).toBe(0o600);
    const spawnOpenssl = spawnSync("openssl", ["pkey", "-in", join(out, "sub.key.enc.pem"), "-passin", "pass:correct horse", "-noout"]);
    expect(spawnOpenssl.status).toBe(0);
    expect(spawnSync("openssl", ["pkey", "-in", join(out, "sub.key.enc.pem"), "-passin", "pass:wrong", "-noout"]).status).not.toBe(0);
  });
});
