/** The server's nonce sweep over a real store: expired nonces go in batches, live ones stay claimed. */
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { sweepExpiredNonces } from "../../src/http/server.js";
import { openSqliteStore } from "../../src/store/sqlite/index.js";
import { tempDir } from "../helpers/openssl.js";

const tmp = tempDir("caskit-sweep-");
afterAll(() => tmp.remove());

describe("sweepExpiredNonces", () => {
  it("deletes every expired nonce (more than one batch) and keeps the live ones", async () => {
    const store = await openSqliteStore({ path: join(tmp.dir, "s.db"), passphrase: "p" });
    try {
      const t0 = new Date("2026-12-01T00:00:00Z");
      const at = (s: number) => new Date(t0.getTime() + s * 1000);
      await store.transaction(async (tx) => {
        for (let i = 0; i < 2_345; i++) await tx.nonces.claim("AK", `old${i}`, t0, at(10));
        for (let i = 0; i < 3; i++) await tx.nonces.claim("AK", `live${i}`, t0, at(1_000));
      });
      expect(await sweepExpiredNonces(store, at(60))).toBe(2_345);
      expect(await sweepExpiredNonces(store, at(60))).toBe(0);
      expect(await store.transaction((tx) => tx.nonces.claim("AK", "live1", at(60), at(2_000)))).toBe(false);
      expect(await store.transaction((tx) => tx.nonces.claim("AK", "old7", at(60), at(2_000)))).toBe(true);
    } finally {
      await store.close();
    }
  });
});
