import { statSync } from "node:fs";
import { open } from "node:fs/promises";
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
  it("change mark: calls made together share one reading, taken after the last call, so a commit before any call is seen", async () => {
    const file = join(tmp.dir, "mark.db");
    const store = await openSqliteStore({ path: file, passphrase: "p" });
    try {
      const before = await store.changeMark();
      expect(await store.changeMark()).toBe(before); // nothing committed
      const first = store.changeMark();
      // Committed by another connection after the first call and before the second: both see it.
      raw(file, (db) => db.exec("CREATE TABLE mark_probe (x); DROP TABLE mark_probe"));
      const second = store.changeMark();
      expect(second).toBe(first); // one reading for both
      expect(await first).not.toBe(before);
      // A call made once that reading was taken gets a reading of its own.
      raw(file, (db) => db.exec("CREATE TABLE mark_probe (x); DROP TABLE mark_probe"));
      const third = store.changeMark();
      expect(third).not.toBe(first);
      expect(await third).not.toBe(await first);
    } finally {
      await store.close();
    }
  });

  it("runs in WAL mode with foreign keys on", async () => {
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

  it("answers no caller before the WAL is fsynced, and refuses (unavailable) when the fsync fails", async () => {
    const file = join(tmp.dir, "fsync.db");
    const store = await openSqliteStore({ path: file, passphrase: "p" });
    const probe = await open(file, "r");
    const proto = Object.getPrototypeOf(probe) as { sync: () => Promise<void> };
    await probe.close();
    const original = proto.sync;
    const events: string[] = [];
    let fail = false;
    proto.sync = async function (this: unknown) {
      events.push("sync-start");
      await new Promise((r) => setTimeout(r, 40));
      if (fail) throw Object.assign(new Error("EIO"), { code: "EIO" });
      await original.call(this);
      events.push("sync-end");
    };
    try {
      await store.transaction((tx) => tx.tenants.create({ id: "t1", name: "t", createdAt: new Date(0) })).then(() => events.push("answered"));
      expect(events.indexOf("answered")).toBeGreaterThan(events.lastIndexOf("sync-end"));
      expect(events.filter((e) => e === "sync-end").length).toBeGreaterThanOrEqual(1);
      // A read-only transaction writes nothing and waits for no fsync.
      events.length = 0;
      await store.transaction((tx) => tx.tenants.get("t1"));
      expect(events).toEqual([]);
      fail = true;
      await expect(store.transaction((tx) => tx.tenants.create({ id: "t2", name: "t", createdAt: new Date(0) }))).rejects.toMatchObject({ name: "StoreError", code: "unavailable" });
    } finally {
      proto.sync = original;
      await store.close();
    }
  });

  it("read does not wait for a writer holding the file's lock (another process's BEGIN IMMEDIATE)", async () => {
    const file = join(tmp.dir, "reader.db");
    const store = await openSqliteStore({ path: file, passphrase: "p", busyTimeoutMs: 5_000 });
    await store.transaction((tx) => tx.tenants.create({ id: "t1", name: "t", createdAt: new Date(0) }));
    const other = new Database(file);
    other.exec("BEGIN IMMEDIATE");
    other.exec("INSERT INTO tenants (id, name, created_at) VALUES ('t-uncommitted', 'x', 0)");
    try {
      const t0 = performance.now();
      expect((await store.read((tx) => tx.tenants.get("t1")))?.id).toBe("t1");
      expect(await store.read((tx) => tx.tenants.get("t-uncommitted"))).toBeNull(); // not committed: not seen
      expect(performance.now() - t0).toBeLessThan(1_000);
    } finally {
      other.exec("ROLLBACK");
      other.close();
      await store.close();
    }
  });

  it("backgroundCheckpoint: a worker thread copies the WAL into the database file while the store is open", async () => {
    const file = join(tmp.dir, "ckpt.db");
    const store = await openSqliteStore({ path: file, passphrase: "p", backgroundCheckpoint: true });
    try {
      await store.transaction(async (tx) => {
        await tx.tenants.create({ id: "t1", name: "t", createdAt: new Date(0) });
        await tx.cas.insert(caRecord("ca"));
      });
      const before = statSync(file).size;
      await Promise.all(Array.from({ length: 200 }, (_, i) => store.transaction((tx) => tx.certificates.insert(certRecord(`ck${i}`, "ca")))));
      let grown = false;
      for (let i = 0; i < 50 && !grown; i++) {
        await new Promise((r) => setTimeout(r, 100));
        grown = statSync(file).size > before + 40_000;
      }
      expect(grown).toBe(true);
    } finally {
      await store.close();
    }
    const db = new Database(file, { readonly: true });
    expect((db.prepare("SELECT COUNT(*) AS n FROM certificates").get() as { n: number }).n).toBe(200);
    db.close();
  });

  it("a closed store refuses reads and transactions (unavailable) and reopens nothing", async () => {
    const store = await openSqliteStore({ path: join(tmp.dir, "closed.db"), passphrase: "p" });
    await store.read((tx) => tx.tenants.get("x"));
    await store.close();
    await expect(store.read((tx) => tx.tenants.get("x"))).rejects.toMatchObject({ name: "StoreError", code: "unavailable" });
    await expect(store.transaction((tx) => tx.tenants.get("x"))).rejects.toMatchObject({ name: "StoreError", code: "unavailable" });
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
