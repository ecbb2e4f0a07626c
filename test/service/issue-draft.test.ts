/**
 * Issuance drafts the certificate before the write transaction (service/actions/issue.ts): the key is
 * generated and the certificate signed with no lock held, from the issuing CA as this process last read
 * it, and the commit checks the CA row under the lock. On SQLite and PostgreSQL, with a second store
 * handle standing for another process:
 * - a CA revoked elsewhere after this process last read it: the drafted certificate is refused and
 *   nothing is stored — and so for a CA above it, and for CreateCustomCertificate;
 * - CRL shards turned on elsewhere: the certificate is made again from the row and names its shard;
 * - a slow key generation does not hold the write lock: an issuance queued after it commits first (on
 *   SQLite, where one lock serves every writer, this failed before drafts; PostgreSQL never held it).
 */
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { fromPemAll } from "../../src/internal/pem.js";
import { DEFAULT_TENANT, type ServiceContext, call } from "../../src/service/index.js";
import { openStore } from "../../src/store/open.js";
import { createCsr } from "../../src/csr/index.js";
import { generateKeyPair } from "../../src/crypto/keys.js";
import { tempDir } from "../helpers/openssl.js";
import { bothEngines, dropTestSchema, testSchema } from "../helpers/pg.js";
import { ROOT_PARAMS, SUB_PARAMS, refusal } from "../helpers/service.js";

const schema = testSchema("draft");
const tmp = tempDir("caskit-draft-");
afterAll(async () => {
  tmp.remove();
  await dropTestSchema(schema);
});

const engines = bothEngines(() => join(tmp.dir, `draft-${randomBytes(4).toString("hex")}.db`), schema);

describe.each(engines)("issuance drafts on $name", ({ location, options }) => {
  const setup = async (algorithm = "ECC_256") => {
    const where = location();
    const open = () => openStore(where, { passphrase: "draft", ...options });
    const mine = await open();
    const other = await open();
    await other.transaction(async (tx) => {
      if (!(await tx.tenants.get(DEFAULT_TENANT))) await tx.tenants.create({ id: DEFAULT_TENANT, name: "default", createdAt: new Date() });
    });
    const config = { defaultCrlDays: 7, crlBaseUrl: "http://crl.example.test" };
    const ctxOf = (store: typeof mine): ServiceContext => ({ store, tenantId: DEFAULT_TENANT, actor: "test", now: () => new Date(), config });
    const svc = (store: typeof mine, action: string, p: Record<string, unknown>) => call(ctxOf(store), action, p) as Promise<Record<string, any>>;
    const rootId = (await svc(other, "CreateRootCACertificate", { ...ROOT_PARAMS, Algorithm: algorithm, CommonName: `Draft Root ${randomBytes(3).toString("hex")}` })).Identifier as string;
    const subId = (await svc(other, "CreateSubCACertificate", { ...SUB_PARAMS, Algorithm: algorithm, ParentIdentifier: rootId })).Identifier as string;
    const csr = createCsr({ key: await generateKeyPair(algorithm), subject: { commonName: "draft.example.com" } }).pem;
    const issue = (store = mine, cn = "draft.example.com") =>
      svc(store, "CreateServerCertificateWithCsr", { ParentIdentifier: subId, Csr: csr, CommonName: cn, Days: 30, Immediately: 1 });
    const custom = () => svc(mine, "CreateCustomCertificate", { ParentIdentifier: subId, Csr: csr, Validity: "7d", Immediately: 1 });
    const certCount = async () => (await mine.counts()).certificates as number;
    return { mine, other, svc, rootId, subId, issue, custom, certCount, close: async () => Promise.all([mine.close(), other.close()]) };
  };

  it.each([
    ["the issuing CA", "subId", "issue"],
    ["the root above it", "rootId", "issue"],
    ["the issuing CA (CreateCustomCertificate)", "subId", "custom"],
  ] as const)("%s revoked elsewhere after this process last read it: refused at commit, nothing stored", async (_what, which, how) => {
    const s = await setup();
    try {
      const send = () => s[how]();
      await send(); // this process has now read the CA (and keeps it)
      const before = await s.certCount();
      await s.svc(s.other, "UpdateCACertificateStatus", { Identifier: s[which], Status: "REVOKE" });
      expect((await refusal(send())).code).toBe("CACertificateRevoked");
      expect(await s.certCount()).toBe(before);
      // Refused again from a fresh read (the kept record was dropped), still nothing stored.
      expect((await refusal(send())).code).toBe("CACertificateRevoked");
      expect(await s.certCount()).toBe(before);
    } finally {
      await s.close();
    }
  }, 60_000);

  it("CRL shards turned on elsewhere: the certificate is made again from the row and names its shard", async () => {
    const s = await setup();
    try {
      const plain = await s.issue();
      expect(extCdp(plain.X509Certificate)).toBe(`http://crl.example.test/crl/${s.subId}.crl`);
      await s.other.transaction((tx) => tx.crlShards.setCount(s.subId, 4));
      const sharded = await s.issue();
      expect(extCdp(sharded.X509Certificate)).toMatch(new RegExp(`^http://crl\\.example\\.test/crl/${s.subId}/[0-3]\\.crl$`));
    } finally {
      await s.close();
    }
  }, 60_000);

  it("a slow key generation holds no lock: a CSR issuance sent after it commits first", async () => {
    const s = await setup("RSA_2048");
    try {
      await s.issue(); // warm: the CA is read and its issuer prepared
      const done: string[] = [];
      const slow = s.svc(s.mine, "CreateServerCertificate", { ParentIdentifier: s.subId, CommonName: "slow.example.com", Algorithm: "RSA_4096", Days: 30, Immediately: 1 }).then(() => done.push("keygen"));
      await new Promise((r) => setTimeout(r, 20)); // the RSA-4096 key generation is under way
      const fast = s.issue(s.mine, "fast.example.com").then(() => done.push("csr"));
      await Promise.all([slow, fast]);
      expect(done).toEqual(["csr", "keygen"]);
    } finally {
      await s.close();
    }
  }, 120_000);
});

/** The certificate's CDP URI: the only string of that shape in its DER. */
function extCdp(pem: string): string {
  const der = fromPemAll("CERTIFICATE", pem)[0] as Uint8Array;
  const m = /http:\/\/crl\.example\.test\/crl\/[0-9a-f]+(?:\/\d+)?\.crl/.exec(Buffer.from(der).toString("latin1"));
  return m?.[0] ?? "";
}
