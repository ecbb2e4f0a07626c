/**
 * README's SDK example runs as written (issue 9 #21): the ```js block of the `caskit serve` section is
 * examples/sdk-call.mjs character for character, and that file, run by plain `node` as an ES module
 * (no bundler, no TypeScript interop), issues a certificate from a real `caskit serve`.
 */
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateKeyPair } from "../../src/crypto/keys.js";
import { createCsr } from "../../src/csr/index.js";
import { assertBuilt, caskit } from "../helpers/cli.js";
import { openssl, tempDir } from "../helpers/openssl.js";
import { type Served, send, signV3, startServe } from "./serve-helper.js";

const ROOT = join(import.meta.dirname, "../..");
const EXAMPLE = join(ROOT, "examples/sdk-call.mjs");
const tmp = tempDir("caskit-readme-");
const env = { CASKIT_DATA: join(tmp.dir, "ca.db"), CASKIT_MASTER_PASSPHRASE: "readme" };
let server: Served | undefined;
beforeAll(() => assertBuilt());
afterAll(async () => {
  await server?.stop();
  tmp.remove();
});

describe("README: the official SDK example", () => {
  it("is examples/sdk-call.mjs verbatim", () => {
    const readme = readFileSync(join(ROOT, "README.md"), "utf8");
    const section = readme.slice(readme.indexOf("## `caskit serve`"));
    const block = /```js\n([\s\S]*?)```/.exec(section)?.[1];
    expect(block).toBeDefined();
    expect(block).toContain("examples/sdk-call.mjs");
    expect(block).toBe(readFileSync(EXAMPLE, "utf8"));
  });

  it("runs as written under node (ESM) and issues a certificate from caskit serve", async () => {
    caskit(["init"], env);
    const k = caskit(["--json", "accesskey", "create"], env).json();
    const ak = { id: k.AccessKeyId as string, secret: k.AccessKeySecret as string };
    server = await startServe(env);
    const root = await send(server.port, signV3({ ak, action: "CreateRootCACertificate", form: { CommonName: "Readme Root", Years: "5", Algorithm: "ECC_256" } }));
    const sub = await send(server.port, signV3({ ak, action: "CreateSubCACertificate", form: { ParentIdentifier: root.json().Identifier, CommonName: "Readme Sub", Years: "2", Algorithm: "ECC_256" } }));
    expect(sub.status, sub.text).toBe(200);
    const csrFile = tmp.path("app.csr");
    writeFileSync(csrFile, createCsr({ key: await generateKeyPair("ECC_256"), subject: { commonName: "readme.example.com" } }).pem);

    const run = spawnSync(process.execPath, [EXAMPLE, sub.json().Identifier, csrFile], {
      cwd: ROOT,
      encoding: "utf8",
      env: { ...process.env, CASKIT_ACCESS_KEY_ID: ak.id, CASKIT_ACCESS_KEY_SECRET: ak.secret, CASKIT_ENDPOINT: `127.0.0.1:${server.port}` },
      timeout: 60_000,
    });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const out = JSON.parse(run.stdout);
    expect(out).toMatchObject({ RequestId: expect.any(String), Identifier: expect.stringMatching(/^[0-9a-f]{32}$/) });
    writeFileSync(tmp.path("leaf.pem"), out.X509Certificate);
    expect(openssl(["x509", "-in", tmp.path("leaf.pem"), "-noout", "-subject"]).stdout).toContain("readme.example.com");
  }, 60_000);
});
