/**
 * An action whose draft went stale inside its transaction (run.ts `Redraft`) runs again from `prepare`,
 * each time with its transaction rolled back; one that keeps going stale is refused as a conflict after
 * the third draft, with its refusal's audit row and nothing else. On SQLite and PostgreSQL, the store
 * opened again before it is read.
 */
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { z } from "zod";
import { afterAll, describe, expect, it } from "vitest";
import { DEFAULT_TENANT, type ServiceContext, ServiceError } from "../../src/service/index.js";
import { Redraft, defineAction, runAction } from "../../src/service/run.js";
import { openStore } from "../../src/store/open.js";
import { tempDir } from "../helpers/openssl.js";
import { bothEngines, dropTestSchema, testSchema } from "../helpers/pg.js";

const schema = testSchema("redraft");
const tmp = tempDir("caskit-redraft-");
afterAll(async () => {
  tmp.remove();
  await dropTestSchema(schema);
});

const engines = bothEngines(() => join(tmp.dir, `redraft-${randomBytes(4).toString("hex")}.db`), schema);

describe.each(engines)("Redraft on $name", ({ location, options }) => {
  it("drafts again until the draft holds, and refuses after three stale drafts; nothing of a stale one is kept", async () => {
    const where = location();
    const open = () => openStore(where, { passphrase: "redraft", ...options });
    let store = await open();
    await store.transaction((tx) => tx.tenants.create({ id: DEFAULT_TENANT, name: "default", createdAt: new Date() }));
    const ctx = (): ServiceContext => ({ store, tenantId: DEFAULT_TENANT, actor: "test", now: () => new Date(), config: { defaultCrlDays: 7 } });
    const nonce = () => randomBytes(8).toString("hex");

    /** Each draft claims its own nonce inside the transaction; drafts up to `staleUntil` are stale. */
    const actionFor = (staleUntil: number) => {
      const drafted: string[] = [];
      const action = defineAction({
        name: "TestRedraft",
        mutates: true,
        schema: z.object({}),
        prepare: () => {
          drafted.push(nonce());
          return drafted.length;
        },
        async handler(_ctx, _p, tx, n: number) {
          await tx.nonces.claim("AK", drafted[n - 1] as string, new Date(), new Date(Date.now() + 60_000));
          if (n <= staleUntil) throw new Redraft(`draft ${n} is stale`);
          return { Draft: n };
        },
        admitAlongside: true,
      });
      return { action, drafted };
    };
    /** Whether `n` was claimed and committed (a fresh claim of it finds it taken); leaves nothing behind. */
    const claimed = (n: string) =>
      store
        .transaction(async (tx) => {
          if (await tx.nonces.claim("AK", n, new Date(), new Date(Date.now() + 60_000))) throw new Error("rollback");
          return true;
        })
        .catch((e: Error) => (e.message === "rollback" ? false : Promise.reject(e)));

    const twice = actionFor(2);
    expect(await runAction(ctx(), twice.action, {})).toEqual({ Draft: 3 });
    const thrice = actionFor(3);
    const refused = await runAction(ctx(), thrice.action, {}).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ServiceError);
    expect((refused as ServiceError).code).toBe("Conflict");
    expect((refused as ServiceError).message).toContain("draft 3 is stale");

    await store.close();
    store = await open();
    // Only the draft that held left its write; the stale drafts' were rolled back.
    expect(await claimed(twice.drafted[2] as string)).toBe(true);
    for (const n of [...twice.drafted.slice(0, 2), ...thrice.drafted]) expect(await claimed(n)).toBe(false);
    const audit = (await store.read((tx) => tx.audit.list(100))).filter((a) => a.action === "TestRedraft");
    expect(audit.map((a) => a.outcome).sort()).toEqual(["error", "ok"]);
    expect(audit.find((a) => a.outcome === "error")?.detail).toBe("Conflict");
    await store.close();
  }, 60_000);
});
