import Database from "better-sqlite3";
import { join } from "node:path";
import { openSqliteStore } from "../../src/store/sqlite/index.js";
import { tempDir } from "../helpers/openssl.js";
import { runStoreContract } from "./contract.js";

const tmp = tempDir("caskit-sqlite-");
const path = join(tmp.dir, "store.db");

runStoreContract("SQLite", {
  open: (passphrase) => openSqliteStore({ path, passphrase }),
  async raw(sql) {
    const db = new Database(path);
    try {
      const st = db.prepare(sql);
      return st.reader ? (st.all() as Array<Record<string, unknown>>) : (st.run(), []);
    } finally {
      db.close();
    }
  },
  async cleanup() {
    tmp.remove();
  },
});
