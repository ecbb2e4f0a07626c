/** The README's first command must stay true: the quickstart runs from nothing and OpenSSL agrees. */
import { spawnSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { tempDir } from "./helpers/openssl.js";

const tmp = tempDir("caskit-qs-");
afterAll(() => tmp.remove());

describe("npm run quickstart", () => {
  it("creates a SQLite store with the CAs, writes a verified chain and the server key 0600", () => {
    const out = join(tmp.dir, "qs");
    const r = spawnSync(process.execPath, ["--import", "tsx", "scripts/quickstart.ts", out], {
      cwd: join(import.meta.dirname, ".."),
      encoding: "utf8",
      env: { ...process.env, CASKIT_MASTER_PASSPHRASE: "correct horse" },
    });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("openssl verify:");
    expect(r.stdout).toContain("server.pem: OK");
    for (const f of ["caskit.db", "root.pem", "sub.pem", "server.key", "server.csr", "server.pem", "chain.pem", "sub.crl.pem"]) {
      expect(existsSync(join(out, f))).toBe(true);
    }
    expect(statSync(join(out, "server.key")).mode & 0o777).toBe(0o600);
    // The store holds both CAs and the certificate, and opens only with the same passphrase.
    const list = spawnSync(process.execPath, [join(import.meta.dirname, "../dist/cli/main.js"), "--json", "--data", join(out, "caskit.db"), "ca", "list"], {
      encoding: "utf8",
      env: { ...process.env, CASKIT_MASTER_PASSPHRASE: "correct horse" },
    });
    expect(JSON.parse(list.stdout).TotalCount).toBe(2);
    const wrong = spawnSync(process.execPath, [join(import.meta.dirname, "../dist/cli/main.js"), "--data", join(out, "caskit.db"), "cert", "list"], {
      encoding: "utf8",
      env: { ...process.env, CASKIT_MASTER_PASSPHRASE: "wrong" },
    });
    expect(wrong.status).toBe(3);
    // The store file is private (keys and audit log), whatever the umask.
    expect(statSync(join(out, "caskit.db")).mode & 0o777).toBe(0o600);
  });

  it("without a passphrase: the closing hint is a command that works as printed (issue #17)", () => {
    const out = join(tmp.dir, "qs-dev");
    const bare = { ...process.env, CASKIT_MASTER_PASSPHRASE: undefined, CASKIT_MASTER_PASSPHRASE_FILE: undefined, CASKIT_DEV_INSECURE_NO_PASSPHRASE: undefined } as NodeJS.ProcessEnv;
    const r = spawnSync(process.execPath, ["--import", "tsx", "scripts/quickstart.ts", out], { cwd: join(import.meta.dirname, ".."), encoding: "utf8", env: bare });
    expect(r.status, r.stderr).toBe(0);
    // It says why, in its own words, before the store's warning.
    expect(r.stderr).toContain("CASKIT_MASTER_PASSPHRASE is not set");
    const hint = /^next: (.*)$/m.exec(r.stdout)?.[1];
    expect(hint).toContain("CASKIT_DEV_INSECURE_NO_PASSPHRASE=1");
    // Run exactly what was printed, in a shell, from another directory, with the user's (bare) environment.
    const ran = spawnSync("sh", ["-c", hint as string], { cwd: tmp.dir, encoding: "utf8", env: bare });
    expect(ran.status, ran.stderr).toBe(0);
    expect(ran.stdout).toMatch(/^[0-9a-f]{32} +SERVER .*app\.quickstart\.test/m);
  });
});
