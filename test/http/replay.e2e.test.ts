/**
 * Replay protection that outlives a process (issue 9 #3): a captured signed request that issued a
 * certificate is refused when sent again after `caskit serve` restarts (SQLite file), and when sent to
 * a second `serve` on the same PostgreSQL store — the nonce is remembered in the store, not only in
 * the process's memory.
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateKeyPair } from "../../src/crypto/keys.js";
import { createCsr } from "../../src/csr/index.js";
import { assertBuilt, caskit } from "../helpers/cli.js";
import { tempDir } from "../helpers/openssl.js";
import { type Served, send, signV3, startServe } from "./serve-helper.js";
import { PG_URL, dropTestSchema } from "../helpers/pg.js";

const tmp = tempDir("caskit-replay-");
let csr = "";
beforeAll(async () => {
  assertBuilt();
  csr = createCsr({ key: await generateKeyPair("ECC_256"), subject: { commonName: "replay.example.com" } }).pem;
});
afterAll(() => tmp.remove());

type Key = { id: string; secret: string };

/** Root and sub CA through signed requests; returns the sub CA's identifier. */
async function hierarchy(port: number, ak: Key): Promise<string> {
  const root = await send(port, signV3({ ak, action: "CreateRootCACertificate", form: { CommonName: "Replay Root", Years: "5", Algorithm: "ECC_256" } }));
  expect(root.status, root.text).toBe(200);
  const sub = await send(port, signV3({ ak, action: "CreateSubCACertificate", form: { ParentIdentifier: root.json().Identifier, CommonName: "Replay Sub", Years: "2", Algorithm: "ECC_256" } }));
  expect(sub.status, sub.text).toBe(200);
  return sub.json().Identifier;
}

async function certificateCount(port: number, ak: Key): Promise<number> {
  const r = await send(port, signV3({ ak, action: "ListClientCertificate", form: { CurrentPage: "1", ShowSize: "50" } }));
  expect(r.status, r.text).toBe(200);
  return r.json().TotalCount;
}

describe("a replayed signed request is refused by a restarted serve (SQLite)", () => {
  const env = { CASKIT_DATA: join(tmp.dir, "ca.db"), CASKIT_MASTER_PASSPHRASE: "replay" };
  let server: Served | undefined;
  afterAll(async () => void (await server?.stop()));

  it("SignatureNonceUsed after the restart, and no second certificate", async () => {
    caskit(["init"], env);
    const created = caskit(["--json", "accesskey", "create"], env).json();
    const ak = { id: created.AccessKeyId, secret: created.AccessKeySecret };
    server = await startServe(env);
    const subId = await hierarchy(server.port, ak);
    const captured = signV3({ ak, action: "CreateServerCertificateWithCsr", form: { ParentIdentifier: subId, Csr: csr, Days: "30", Immediately: "1" } });
    const first = await send(server.port, captured);
    expect(first.status, first.text).toBe(200);
    expect(first.json().X509Certificate).toContain("BEGIN CERTIFICATE");
    expect((await send(server.port, captured)).json().Code).toBe("SignatureNonceUsed");

    expect(await server.stop()).toBe(0);
    server = await startServe(env);
    const replay = await send(server.port, captured);
    expect(replay.status).toBe(400);
    expect(replay.json()).toMatchObject({ Code: "SignatureNonceUsed", RequestId: expect.any(String) });
    expect(await certificateCount(server.port, ak)).toBe(1);
  }, 60_000);
});

describe.runIf(process.env.CASKIT_SKIP_PG !== "1")("two serve processes on one PostgreSQL store", () => {
  // A schema of its own in the test database (`?schema=` in the store URL), dropped afterwards.
  const schema = `caskit_replay_${process.pid}_${Date.now()}`;
  const url = new URL(PG_URL);
  url.searchParams.set("schema", schema);
  const env = { CASKIT_DATA: url.toString(), CASKIT_MASTER_PASSPHRASE: "replay" };
  const servers: Served[] = [];
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    await dropTestSchema(schema);
  });

  it("a request answered by one is refused by the other, and a race between them issues once", async () => {
    const init = caskit(["init"], env);
    expect(init.status, init.stderr).toBe(0);
    const created = caskit(["--json", "accesskey", "create"], env).json();
    const ak = { id: created.AccessKeyId, secret: created.AccessKeySecret };
    servers.push(await startServe(env), await startServe(env));
    const [a, b] = servers as [Served, Served];
    const subId = await hierarchy(a.port, ak);
    const issue = () => signV3({ ak, action: "CreateServerCertificateWithCsr", form: { ParentIdentifier: subId, Csr: csr, Days: "30", Immediately: "0" } });

    const captured = issue();
    expect((await send(a.port, captured)).status).toBe(200);
    const replay = await send(b.port, captured);
    expect(replay.status).toBe(400);
    expect(replay.json().Code).toBe("SignatureNonceUsed");

    const raced = issue();
    const answers = await Promise.all([send(a.port, raced), send(b.port, raced)]);
    expect(answers.map((r) => r.status).sort()).toEqual([200, 400]);
    expect(answers.find((r) => r.status === 400)?.json().Code).toBe("SignatureNonceUsed");
    expect(await certificateCount(b.port, ak)).toBe(2);
  }, 60_000);
});
