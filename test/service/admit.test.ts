/**
 * `ctx.admit` (the HTTP layer's nonce claim and throttle count) commits with the action it admits, or
 * with the refusal's audit row — never apart from them — on SQLite and on PostgreSQL. The store is
 * closed and opened again before it is read, so what is asserted is what was committed.
 */
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { generateKeyPair } from "../../src/crypto/keys.js";
import { createCsr } from "../../src/csr/index.js";
import { DEFAULT_TENANT, type ServiceContext, ServiceError, call } from "../../src/service/index.js";
import { openStore } from "../../src/store/open.js";
import type { Store, StoreTx } from "../../src/store/port.js";
import { tempDir } from "../helpers/openssl.js";
import { bothEngines, dropTestSchema, testSchema } from "../helpers/pg.js";
import { ROOT_PARAMS, SUB_PARAMS } from "../helpers/service.js";

const schema = testSchema("admit");
const tmp = tempDir("caskit-admit-");
afterAll(async () => {
  tmp.remove();
  await dropTestSchema(schema);
});

class Throttled extends Error {}

/** An admit like the HTTP layer's: claim `nonce`, then count a hit and refuse past `limit`. */
const admitFor = (nonce: string, limit = 0) => async (tx: StoreTx) => {
  const now = new Date();
  if (!(await tx.nonces.claim("AK", nonce, now, new Date(now.getTime() + 60_000)))) throw new Error("SignatureNonceUsed");
  if (limit > 0 && (await tx.throttle.hit(DEFAULT_TENANT, "CreateServerCertificateWithCsr", Math.floor(now.getTime() / 1000))) > limit) throw new Throttled();
};

/** Whether `nonce` is taken in the store, as a fresh claim by another process would find it. */
const taken = (store: Store, nonce: string) =>
  store.transaction(async (tx) => {
    const fresh = await tx.nonces.claim("AK", nonce, new Date(), new Date(Date.now() + 60_000));
    if (fresh) throw new Error("rollback"); // leave nothing behind
    return true;
  }).catch((e: Error) => (e.message === "rollback" ? false : Promise.reject(e)));

const engines = bothEngines(() => join(tmp.dir, "admit.db"), schema);

describe.each(engines)("admit on $name", ({ location, options }) => {
  it("commits with the action, with a refusal's audit row, and not at all when it refuses", async () => {
    const open = () => openStore(location(), { passphrase: "admit tests", ...options });
    let store = await open();
    await store.transaction((tx) => tx.tenants.create({ id: DEFAULT_TENANT, name: "default", createdAt: new Date() }));
    const base: ServiceContext = { store, tenantId: DEFAULT_TENANT, actor: "AK", now: () => new Date(), config: { defaultCrlDays: 7 } };
    const root = (await call(base, "CreateRootCACertificate", ROOT_PARAMS)) as { Identifier: string };
    const sub = (await call(base, "CreateSubCACertificate", { ...SUB_PARAMS, ParentIdentifier: root.Identifier })) as { Identifier: string };
    const csr = createCsr({ key: await generateKeyPair("ECC_256"), subject: { commonName: "admit.example.com" } }).pem;
    const issue = (admit: ServiceContext["admit"], extra: Record<string, unknown> = {}) =>
      call({ ...base, store, admit }, "CreateServerCertificateWithCsr", { ParentIdentifier: sub.Identifier, Csr: csr, Domain: "admit.example.com", Days: 30, ...extra });
    const counts = () => store.counts();

    // Admitted and issued: the nonce, the certificate and the audit row, together.
    const n1 = randomBytes(8).toString("hex");
    const before = await counts();
    await issue(admitFor(n1));
    // Refused by the action (a CSR that does not parse): the nonce commits with the refusal's audit row.
    const n2 = randomBytes(8).toString("hex");
    const refused = await issue(admitFor(n2), { Csr: "not a CSR" }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ServiceError);
    // Refused by admit itself (the nonce of the first request again): its error as is, nothing written.
    const replay = await issue(admitFor(n1)).catch((e: unknown) => e);
    expect((replay as Error).message).toBe("SignatureNonceUsed");
    // Throttled (limit 1, already hit once in this second by a fresh nonce): nothing written, not even the nonce.
    const n3 = randomBytes(8).toString("hex");
    const n4 = randomBytes(8).toString("hex");
    await issue(admitFor(n3, 1)).catch(() => undefined); // may be refused itself if the second turned over in between
    const throttled = await issue(admitFor(n4, 1)).catch((e: unknown) => e);
    const wasThrottled = throttled instanceof Throttled;

    await store.close();
    store = await open();
    const after = await counts();
    const issued = (after.certificates ?? 0) - (before.certificates ?? 0);
    expect(issued).toBeGreaterThanOrEqual(1);
    expect(issued).toBeLessThanOrEqual(2); // n1, and n3 unless its second was already full
    expect(await taken(store, n1)).toBe(true);
    expect(await taken(store, n2)).toBe(true);
    if (wasThrottled) expect(await taken(store, n4)).toBe(false);
    const audit = await store.read((tx) => tx.audit.list(10));
    // One "ok" row per certificate and one "error" row for the refused CSR; none for the replay or the throttle.
    const mine = audit.filter((a) => a.action === "CreateServerCertificateWithCsr");
    expect(mine.filter((a) => a.outcome === "ok")).toHaveLength(issued);
    expect(mine.filter((a) => a.outcome === "error")).toHaveLength(1);

    // Issuance runs its handler with the claim still unanswered (admitAlongside): a replay to a CA revoked
    // since is still answered as a replay, and neither it nor the fresh request refused by the CA writes
    // anything but that refusal's audit row.
    await call({ ...base, store }, "UpdateCACertificateStatus", { Identifier: sub.Identifier, Status: "REVOKE" });
    const beforeRevoked = await counts();
    const auditBefore = (await store.read((tx) => tx.audit.list(1000))).length;
    const replayRevoked = await issue(admitFor(n1)).catch((e: unknown) => e);
    expect((replayRevoked as Error).message).toBe("SignatureNonceUsed");
    const n5 = randomBytes(8).toString("hex");
    const refusedRevoked = await issue(admitFor(n5)).catch((e: unknown) => e);
    expect((refusedRevoked as ServiceError).code).toBe("CACertificateRevoked");
    await store.close();
    store = await open();
    expect((await counts()).certificates).toBe(beforeRevoked.certificates);
    expect(await taken(store, n5)).toBe(true); // with the refusal's audit row
    const auditAfter = await store.read((tx) => tx.audit.list(1000));
    expect(auditAfter.length).toBe(auditBefore + 1);
    expect(auditAfter.find((a) => a.outcome === "error" && a.detail === "CACertificateRevoked")).toBeDefined();
    await store.close();
  }, 60_000);
});
