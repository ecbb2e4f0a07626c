/**
 * First-use defects of the CLI (issues #12–#19, issue 14 #12), each through the built binary in a fresh
 * process: DER CSR files, oversized CSRs, revocation reasons, no silent store creation, why a store
 * cannot be opened, the missing passphrase, the store file's mode, `csr check DIR`, and key passphrases
 * kept off the command line.
 */
import { type ChildProcess, spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import OpenApiModule, { $OpenApiUtil } from "@alicloud/openapi-core";
import * as $dara from "@darabonba/typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateKeyPair } from "../../src/crypto/keys.js";
import { MAX_CSR_BYTES, createCsr } from "../../src/csr/index.js";
import { CRL_REASONS, REVOCATION_REASONS } from "../../src/revoke/index.js";
import { describeErrno } from "../../src/store/sqlite/file.js";
import { BIN, assertBuilt, caskit, caskitAsync } from "../helpers/cli.js";
import { openssl, tempDir } from "../helpers/openssl.js";

const tmp = tempDir("caskit-first-");
const PASS = "first use";
const env = { CASKIT_DATA: join(tmp.dir, "ca.db"), CASKIT_MASTER_PASSPHRASE: PASS, CASKIT_KEY_PASSPHRASE: undefined };
const run = (...args: string[]) => caskit(args, env, tmp.dir);
const isRoot = process.getuid?.() === 0;

let sub = "";
let pemFile = "";
let derFile = "";
beforeAll(async () => {
  assertBuilt();
  const csr = createCsr({ key: await generateKeyPair("ECC_256"), subject: { commonName: "der.example.com" } });
  pemFile = tmp.path("req.csr");
  derFile = tmp.path("req.der");
  writeFileSync(pemFile, csr.pem);
  writeFileSync(derFile, csr.der);
  expect(run("init").status).toBe(0);
  const root = run("--json", "ca", "create-root", "--cn", "First Root", "--years", "5", "--algorithm", "ECC_256");
  expect(root.status, root.stderr).toBe(0);
  const s = run("--json", "ca", "create-sub", "--parent", root.json().Identifier, "--cn", "First CA", "--years", "2");
  expect(s.status, s.stderr).toBe(0);
  sub = s.json().Identifier;
}, 60_000);
afterAll(() => tmp.remove());

describe("#12 DER CSR files", () => {
  it("issue server --csr FILE.der issues (csr check agreed all along)", () => {
    expect(caskit(["csr", "check", derFile]).status).toBe(0);
    const r = run("--json", "issue", "server", "--ca", sub, "--csr", derFile, "--days", "3");
    expect(r.status, r.stderr).toBe(0);
    const cert = tmp.path("der-leaf.pem");
    writeFileSync(cert, r.json().X509Certificate);
    expect(openssl(["x509", "-in", cert, "-noout", "-subject"]).stdout).toContain("der.example.com");
  });

  it("issue batch issues .der files beside .csr files", () => {
    const dir = tmp.path("batch-der");
    mkdirSync(dir);
    copyFileSync(derFile, join(dir, "a.der"));
    copyFileSync(pemFile, join(dir, "b.csr"));
    const r = run("--json", "issue", "batch", dir, "--ca", sub, "--days", "3");
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.json().issued.map((x: { file: string }) => x.file)).toEqual(["a.der", "b.csr"]);
    expect(r.json().refused).toEqual([]);
  });
});

describe("#13 oversized CSRs are InvalidCsr.TooLarge", () => {
  it("a 10 MB file: the CSR policy's too_large, not the schema's message", () => {
    const big = tmp.path("big.csr");
    writeFileSync(big, Buffer.alloc(10 * 1024 * 1024, 0x41));
    const r = run("issue", "server", "--ca", sub, "--csr", big, "--days", "3");
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^InvalidCsr\.TooLarge: /);
    expect(r.stderr).toContain(String(MAX_CSR_BYTES));
    expect(r.stderr).not.toMatch(/Too big|characters/);
    const b = run("--json", "issue", "batch", tmp.dir, "--ca", sub, "--days", "3");
    expect(b.json().refused).toContainEqual(expect.objectContaining({ file: "big.csr", code: "InvalidCsr.TooLarge" }));
  });

  it("the size is taken from the file before reading it (a sparse 5 GiB file is refused at once)", () => {
    const dir = tmp.path("sparse");
    mkdirSync(dir);
    const huge = join(dir, "huge.csr");
    writeFileSync(huge, "");
    truncateSync(huge, 5 * 1024 ** 3);
    const r = run("issue", "server", "--ca", sub, "--csr", huge, "--days", "3");
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^InvalidCsr\.TooLarge: .*5368709120 bytes/);
    const c = caskit(["--json", "csr", "check", huge]);
    expect(c.json()).toEqual([expect.objectContaining({ ok: false, code: "too_large" })]);
  });

  it("through HTTP: a Csr parameter over the schema's bound answers InvalidCsr.TooLarge (400)", async () => {
    const ak = run("--json", "accesskey", "create").json();
    const server: ChildProcess = caskitAsync(["serve", "--port", "0", "--quiet"], env);
    try {
      const port = await new Promise<number>((resolve, reject) => {
        let out = "";
        server.stdout?.on("data", (d: Buffer) => {
          out += d.toString();
          const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
          if (m) resolve(Number(m[1]));
        });
        server.on("exit", (c) => reject(new Error(`serve exited ${c}`)));
      });
      const OpenApi = ((m: any) => (typeof m === "function" ? m : m.default))(OpenApiModule);
      const client = new OpenApi(new $OpenApiUtil.Config({ accessKeyId: ak.AccessKeyId, accessKeySecret: ak.AccessKeySecret, endpoint: `127.0.0.1:${port}`, protocol: "http" }));
      const params = new $OpenApiUtil.Params({ action: "CreateServerCertificateWithCsr", version: "2020-06-30", protocol: "HTTPS", pathname: "/", method: "POST", authType: "AK", style: "RPC", reqBodyType: "formData", bodyType: "json" });
      const csr = `-----BEGIN CERTIFICATE REQUEST-----\n${"A".repeat(200_000)}\n-----END CERTIFICATE REQUEST-----\n`;
      const req = new $OpenApiUtil.OpenApiRequest({ body: { ParentIdentifier: sub, Csr: csr, Days: "3", Immediately: "2" } });
      let err: any;
      try {
        await client.callApi(params, req, new $dara.RuntimeOptions({ connectTimeout: 30_000, readTimeout: 60_000 }));
      } catch (e) {
        err = e;
      }
      expect(err?.code).toBe("InvalidCsr.TooLarge");
      expect(err?.statusCode).toBe(400);
      expect(String(err?.message)).not.toMatch(/Too big/);
    } finally {
      server.kill("SIGTERM");
    }
  }, 60_000);
});

describe("#14 cert revoke --reason", () => {
  it("an unknown reason is a usage error (2) listing the valid reasons from src/revoke", () => {
    const r = run("cert", "revoke", "0123456789abcdef0123456789abcdef", "--reason", "because");
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('"because"');
    for (const reason of REVOCATION_REASONS) expect(r.stderr).toContain(reason);
    // Reasons refused for new revocations are refused here too, whatever CRL_REASONS still lists.
    for (const reason of Object.keys(CRL_REASONS).filter((x) => !(REVOCATION_REASONS as string[]).includes(x))) {
      expect(run("cert", "revoke", "0123456789abcdef0123456789abcdef", "--reason", reason).status).toBe(2);
    }
  });

  it("a valid reason by name or number still revokes", () => {
    const issued = run("--json", "issue", "server", "--ca", sub, "--csr", pemFile, "--days", "3").json().Identifier;
    expect(run("cert", "revoke", issued, "--reason", "1").status).toBe(0);
    expect(run("--json", "cert", "list", "--revoked").json().CertificateList.map((c: { Identifier: string }) => c.Identifier)).toContain(issued);
  });
});

describe("#15 only init and ca create-root create a store", () => {
  it("ca list on a mistyped path exits 3, says how to make a store, and creates nothing", () => {
    const typo = tmp.path("typo.db");
    for (const args of [["ca", "list"], ["cert", "list"], ["issue", "server", "--ca", sub, "--csr", pemFile, "--days", "3"], ["crl", "--ca", sub], ["accesskey", "list"]]) {
      const r = caskit(["--data", typo, ...args], env, tmp.dir);
      expect(r.status, args.join(" ")).toBe(3);
      expect(r.stderr).toContain(`there is no store at ${typo}`);
      expect(r.stderr).toContain(`caskit init --data ${typo}`);
      expect(existsSync(typo)).toBe(false);
      expect(existsSync(`${typo}-wal`)).toBe(false);
    }
  });

  it("init creates one, and ca create-root may (saying so on stderr)", () => {
    const a = tmp.path("new-a.db");
    expect(caskit(["--data", a, "init"], env).status).toBe(0);
    expect(existsSync(a)).toBe(true);
    expect(caskit(["--data", a, "ca", "list"], env).stdout).toContain("no CAs");
    const b = tmp.path("new-b.db");
    const r = caskit(["--data", b, "ca", "create-root", "--cn", "B", "--years", "1"], env);
    expect(r.status).toBe(0);
    expect(r.stderr).toContain(`created a new store at ${b}`);
  });
});

describe("#16 why a store cannot be opened", () => {
  const reasonOf = (data: string) => {
    const r = caskit(["--data", data, "init"], env);
    expect(r.status).toBe(3);
    expect(r.stderr).toMatch(/^unavailable: cannot open the SQLite store at /);
    expect(r.stderr).not.toContain(PASS);
    return r.stderr;
  };
  it("no such directory", () => expect(reasonOf(tmp.path("missing-dir/ca.db"))).toContain(`the directory ${tmp.path("missing-dir")} does not exist`));
  it("a file where a directory should be", () => {
    writeFileSync(tmp.path("plain"), "x");
    expect(reasonOf(tmp.path("plain/ca.db"))).toContain("not a directory");
  });
  it("a directory where the file should be", () => {
    mkdirSync(tmp.path("adir"));
    expect(reasonOf(tmp.path("adir"))).toContain("is a directory");
  });
  it("a file that is not a SQLite database", () => {
    writeFileSync(tmp.path("notes.db"), "these are not the tables you are looking for\n".repeat(200));
    expect(reasonOf(tmp.path("notes.db"))).toContain("not a SQLite database");
  });
  it("permission denied (as root: run as nobody through setpriv, when it can)", () => {
    const dir = mkdtempSync(join(tmpdir(), "caskit-perm-"));
    try {
      chmodSync(dir, 0o755);
      const f = join(dir, "locked.db");
      expect(caskit(["--data", f, "init"], env).status).toBe(0); // 0600, owned by us
      const asNobody = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"];
      if (!isRoot) chmodSync(f, 0o000);
      else if (spawnSync(asNobody[0] as string, [...asNobody.slice(1), process.execPath, BIN, "--help"]).status !== 0) return; // cannot drop privileges here
      const r = isRoot
        ? spawnSync(asNobody[0] as string, [...asNobody.slice(1), process.execPath, BIN, "--data", f, "ca", "list"], { encoding: "utf8", env: { ...process.env, ...env } as NodeJS.ProcessEnv })
        : caskit(["--data", f, "ca", "list"], env);
      expect(r.status).toBe(3);
      expect(r.stderr).toContain(`cannot open the SQLite store at ${f}: permission denied`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("the errno names a read-only file system and the rest in words", () => {
    expect(describeErrno(Object.assign(new Error("x"), { code: "EROFS" }), "/x/y.db")).toBe("read-only file system");
    expect(describeErrno(Object.assign(new Error("x"), { code: "ENOSPC" }), "/x/y.db")).toBe("no space left on the device");
  });
});

describe("#17 the missing passphrase", () => {
  it("says it is missing and how to give it; the development flag only for throwaway stores", () => {
    const r = caskit(["ca", "list"], { ...env, CASKIT_MASTER_PASSPHRASE: undefined, CASKIT_MASTER_PASSPHRASE_FILE: undefined, CASKIT_DEV_INSECURE_NO_PASSPHRASE: undefined });
    expect(r.status).toBe(3);
    expect(r.stderr).toMatch(/^no_passphrase: the master passphrase is missing/);
    expect(r.stderr).toContain("CASKIT_MASTER_PASSPHRASE,");
    expect(r.stderr).toContain("CASKIT_MASTER_PASSPHRASE_FILE=");
    expect(r.stderr).toMatch(/throwaway store .*CASKIT_DEV_INSECURE_NO_PASSPHRASE=1/);
  });
});

describe("#18 the store file is private", () => {
  it("init under umask 000 creates the file 0600", () => {
    const f = tmp.path("umask.db");
    const r = spawnSync("sh", ["-c", `umask 000 && exec "${process.execPath}" "${BIN}" --data "${f}" init`], { encoding: "utf8", env: { ...process.env, ...env, CASKIT_DATA: undefined } as NodeJS.ProcessEnv });
    expect(r.status, r.stderr).toBe(0);
    expect(statSync(f).mode & 0o777).toBe(0o600);
  });

  it("the -wal and -shm files of an open store are 0600 too", () => {
    const f = tmp.path("wal.db");
    const openJs = join(BIN, "../../store/open.js");
    // A fresh process under umask 000 opens a new store, writes, and reports the three modes while open.
    const script = `const { openStore } = await import(${JSON.stringify(openJs)});
      const fs = await import("node:fs");
      const s = await openStore(${JSON.stringify(f)}, { passphrase: "x" });
      await s.transaction((tx) => tx.tenants.create({ id: "t", name: "t", createdAt: new Date() }));
      const m = (p) => (fs.statSync(p).mode & 0o777).toString(8);
      console.log(JSON.stringify([m(${JSON.stringify(f)}), m(${JSON.stringify(`${f}-wal`)}), m(${JSON.stringify(`${f}-shm`)})]));
      await s.close();`;
    const r = spawnSync("sh", ["-c", `umask 000 && exec "${process.execPath}" --input-type=module -e "$0"`, script], { encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(["600", "600", "600"]);
  });
});

describe("#19 csr check DIR", () => {
  it("checks the directory's CSR files (one level, as issue batch picks them)", () => {
    const dir = tmp.path("check-dir");
    mkdirSync(join(dir, "nested"), { recursive: true });
    copyFileSync(pemFile, join(dir, "a.csr"));
    copyFileSync(derFile, join(dir, "b.der"));
    writeFileSync(join(dir, "c.pem"), "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
    writeFileSync(join(dir, "README.txt"), "not a CSR");
    copyFileSync(pemFile, join(dir, "nested", "d.csr"));
    const r = caskit(["--json", "csr", "check", dir, pemFile]);
    expect(r.status).toBe(1);
    expect(r.json()).toEqual([
      expect.objectContaining({ file: join(dir, "a.csr"), ok: true, cn: "der.example.com" }),
      expect.objectContaining({ file: join(dir, "b.der"), ok: true, cn: "der.example.com" }),
      expect.objectContaining({ file: join(dir, "c.pem"), ok: false, code: "parse_error" }),
      expect.objectContaining({ file: pemFile, ok: true }),
    ]);
    expect(caskit(["csr", "check", join(dir, "nested")]).status).toBe(0);
  });

  it("a directory without CSR files is a refusal, not silence", () => {
    const dir = tmp.path("empty-dir");
    mkdirSync(dir);
    const r = caskit(["--json", "csr", "check", dir]);
    expect(r.status).toBe(1);
    expect(r.json()).toEqual([expect.objectContaining({ file: dir, ok: false, code: "no_csr_files" })]);
  });
});

describe("issue 14 #12: key passphrases off the command line", () => {
  const gen = (out: string, extra: string[], e: Record<string, string | undefined> = {}) =>
    caskit(["--json", "issue", "server", "--ca", sub, "--algorithm", "ECC_256", "--cn", "key.example.com", "--days", "3", "--out", out, ...extra], { ...env, ...e }, tmp.dir);
  const opensUnder = (key: string, pass: string) => openssl(["pkey", "-in", key, "-noout", "-passin", `pass:${pass}`]).ok;
  const isEncrypted = (key: string) => readFileSync(key, "utf8").startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----");

  it("--key-passphrase-file: the key is encrypted with the file's passphrase; a group/world-readable file is warned about", () => {
    const pf = tmp.path("kp.txt");
    writeFileSync(pf, "file secret\n", { mode: 0o644 });
    chmodSync(pf, 0o644);
    const r = gen(tmp.path("kf"), ["--key-passphrase-file", pf]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/warning: the passphrase file .*kp\.txt is readable by other users/);
    const key = r.json().files.key;
    expect(isEncrypted(key)).toBe(true);
    expect(opensUnder(key, "file secret")).toBe(true);
    expect(opensUnder(key, "wrong")).toBe(false);
    chmodSync(pf, 0o600);
    const quiet = gen(tmp.path("kf2"), ["--key-passphrase-file", pf]);
    expect(quiet.status).toBe(0);
    expect(quiet.stderr).not.toContain("warning");
  });

  it("CASKIT_KEY_PASSPHRASE encrypts the key; without any source the key is written plain", () => {
    const r = gen(tmp.path("ke"), [], { CASKIT_KEY_PASSPHRASE: "env secret" });
    expect(r.status, r.stderr).toBe(0);
    expect(isEncrypted(r.json().files.key)).toBe(true);
    expect(opensUnder(r.json().files.key, "env secret")).toBe(true);
    expect(opensUnder(r.json().files.key, "wrong")).toBe(false);
    const plain = gen(tmp.path("kp"), []);
    expect(isEncrypted(plain.json().files.key)).toBe(false);
  });

  it("--key-passphrase still works but warns that it is deprecated", () => {
    const r = gen(tmp.path("kd"), ["--key-passphrase", "argv secret"]);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/--key-passphrase is deprecated/);
    expect(isEncrypted(r.json().files.key)).toBe(true);
    expect(opensUnder(r.json().files.key, "argv secret")).toBe(true);
  });

  it("--key-passphrase-prompt asks on the terminal (twice, not echoed); without a terminal it is a usage error", () => {
    // setsid: a new session, so no controlling terminal whatever runs the tests.
    const noTty = spawnSync("setsid", ["-w", process.execPath, BIN, "issue", "server", "--ca", sub, "--algorithm", "ECC_256", "--cn", "k.example.com", "--days", "3", "--out", tmp.path("kn"), "--key-passphrase-prompt"], {
      encoding: "utf8",
      env: { ...process.env, ...env } as NodeJS.ProcessEnv,
      stdio: ["ignore", "pipe", "pipe"],
      timeout: 30_000,
    });
    expect(noTty.status).toBe(2);
    expect(noTty.stderr).toContain("needs a terminal");
    expect(existsSync(tmp.path("kn"))).toBe(false); // refused before issuing
    const out = tmp.path("kt");
    const onPty = (answer: string, dir: string) =>
      spawnSync("python3", ["-c", PTY_DRIVER, process.execPath, BIN, "--data", env.CASKIT_DATA, "--json", "issue", "server", "--ca", sub, "--algorithm", "ECC_256", "--cn", "tty.example.com", "--days", "3", "--out", dir, "--key-passphrase-prompt"], {
        encoding: "utf8",
        env: { ...process.env, ...env, PTY_ANSWER: answer } as NodeJS.ProcessEnv,
        timeout: 60_000,
      });
    const py = onPty("tty secret\n", out);
    if ((py.error as NodeJS.ErrnoException | undefined)?.code === "ENOENT") return; // no python3: the prompt is not exercised here
    expect(py.status, py.stdout + py.stderr).toBe(0);
    expect(py.stdout).not.toContain("tty secret"); // not echoed
    const key = join(out, `${/"Identifier": "([0-9a-f]+)"/.exec(py.stdout)?.[1]}.key`);
    expect(isEncrypted(key)).toBe(true);
    expect(opensUnder(key, "tty secret")).toBe(true);
    // Ctrl-C at the prompt: a usage error, nothing issued or written.
    const aborted = onPty("\x03", tmp.path("ktc"));
    expect(aborted.status, aborted.stdout).toBe(2);
    expect(aborted.stdout).toContain(`"code":"Aborted"`); // --json: the error as JSON
    expect(existsSync(tmp.path("ktc"))).toBe(false);
  });

  it("two sources at once are a usage error; --help names the new options", () => {
    const pf = tmp.path("kp2.txt");
    writeFileSync(pf, "x", { mode: 0o600 });
    expect(gen(tmp.path("kx"), ["--key-passphrase-file", pf, "--key-passphrase", "y"]).status).toBe(2);
    const help = caskit(["issue", "server", "--help"]).stdout;
    expect(help).toContain("--key-passphrase-file");
    expect(help).toContain("--key-passphrase-prompt");
    expect(help).toMatch(/--key-passphrase <pass>\s+deprecated/);
  });
});

/** Runs argv[1:] on a pseudo-terminal, answers the two passphrase prompts, prints all output, exits with the child's code. */
const PTY_DRIVER = `
import os, pty, sys
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[1], sys.argv[1:])
out = b""
answered = 0
while True:
    try:
        chunk = os.read(fd, 4096)
    except OSError:
        break
    if not chunk:
        break
    out += chunk
    if answered == 0 and b"passphrase for the private key:" in out:
        os.write(fd, os.environ["PTY_ANSWER"].encode()); answered = 1
    elif answered == 1 and b"again:" in out:
        os.write(fd, os.environ["PTY_ANSWER"].encode()); answered = 2
_, status = os.waitpid(pid, 0)
sys.stdout.write(out.decode("utf8", "replace"))
sys.exit(os.waitstatus_to_exitcode(status))
`;
