/** The store contract on a real SQLite file, plus what only SQLite has: group commit. */
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { openSqliteStore } from "../../src/store/sqlite/index.js";
import { tempDir } from "../helpers/openssl.js";
import { caRecord, certRecord, runStoreContract } from "./contract.js";

const tmp = tempDir("caskit-sqlite-");
afterAll(() => tmp.remove());
const path = join(tmp.dir, "store.db");

function raw<T>(file: string, fn: (db: Database.Database) => T): T {
  const db = new Database(file);
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

runStoreContract("SQLite", {
  open: (passphrase, o) => openSqliteStore({ path, passphrase, ...o }),
  raw: async (sql) =>
    raw(path, (db) => {
      const st = db.prepare(sql);
      return st.reader ? (st.all() as Array<Record<string, unknown>>) : (st.run(), []);
    }),
  plan: async (sql) => raw(path, (db) => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as Array<{ detail: string }>).map((r) => r.detail).join("\n")),
  cleanup: async () => undefined,
});

describe("SQLite adapter", () => {
  it("runs in WAL mode with synchronous=FULL and foreign keys on", async () => {
    const file = join(tmp.dir, "pragmas.db");
    const store = await openSqliteStore({ path: file, passphrase: "p" });
    await store.close();
    expect(raw(file, (db) => db.pragma("journal_mode", { simple: true }))).toBe("wal");
    // synchronous and foreign_keys are per connection: check the adapter's own through its behaviour.
    const again = await openSqliteStore({ path: file, passphrase: "p" });
    try {
      await expect(again.transaction((tx) => tx.cas.insert(caRecord("orphan", { tenantId: "nobody" })))).rejects.toThrow(/FOREIGN KEY/);
    } finally {
      await again.close();
    }
  });

  it("group commit: transactions queued together commit together, a failing one rolls back alone, each answered after COMMIT", async () => {
    const file = join(tmp.dir, "group.db");
    const store = await openSqliteStore({ path: file, passphrase: "p", groupCommit: 8 });
    await store.transaction(async (tx) => {
      await tx.tenants.create({ id: "t1", name: "t", createdAt: new Date(0) });
      await tx.cas.insert(caRecord("ca"));
    });
    // A second connection, as another process would see the file: a resolved transaction must be visible.
    const observer = new Database(file, { readonly: true });
    const committed = (id: string) => observer.prepare("SELECT COUNT(*) AS n FROM certificates WHERE id = ?").get(id) as { n: number };
    const seenAtResolve: number[] = [];
    const dup = certRecord("dup-a", "ca");
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) =>
        store
          .transaction(async (tx) => {
            await tx.certificates.insert(i === 13 ? certRecord(`c${i}`, "ca", { serialNumber: dup.serialNumber }) : certRecord(`c${i}`, "ca"));
            if (i === 5) await tx.certificates.insert(dup);
            if (i === 9) throw new Error("refused");
            return i;
          })
          .then((v) => {
            seenAtResolve.push(committed(`c${i}`).n);
            return v;
          }),
      ),
    );
    observer.close();
    expect(results.filter((r) => r.status === "rejected").map((r) => String((r as PromiseRejectedResult).reason))).toEqual([
      "Error: refused",
      expect.stringMatching(/same unique key/),
    ]);
    expect(seenAtResolve).toHaveLength(18);
    expect(seenAtResolve.every((n) => n === 1)).toBe(true);
    const ids = await store.transaction(async (tx) => (await tx.certificates.list("t1", { offset: 0, limit: 100 })).map((c) => c.id));
    expect(ids.sort()).toEqual([...Array.from({ length: 20 }, (_, i) => `c${i}`).filter((id) => id !== "c9" && id !== "c13"), "dup-a"].sort());
    await store.close();
  });

  it("a file that is not a database is refused as unavailable", async () => {
    const file = join(tmp.dir, "not-a-db.db");
    const { writeFileSync } = await import("node:fs");
    writeFileSync(file, "this is not an SQLite database, just text that is long enough to have a header".repeat(20));
    await expect(openSqliteStore({ path: file, passphrase: "p" })).rejects.toMatchObject({ name: "StoreError", code: "unavailable" });
  });
});
