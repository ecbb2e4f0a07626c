/**
 * openStore: the location picks the adapter; the master passphrase comes from the option, the
 * environment or a file, and its absence stops the store unless the loudly named development flag is set.
 */
import { writeFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { StoreError } from "../../src/store/errors.js";
import { openStore } from "../../src/store/open.js";
import { tempDir } from "../helpers/openssl.js";

const PG_URL = process.env.CASKIT_TEST_PG_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const ENV = ["CASKIT_MASTER_PASSPHRASE", "CASKIT_MASTER_PASSPHRASE_FILE", "CASKIT_DEV_INSECURE_NO_PASSPHRASE"] as const;
const tmp = tempDir("caskit-open-");
let saved: Record<string, string | undefined> = {};
let n = 0;
const fresh = () => tmp.path(`s${n++}.db`);

beforeEach(() => {
  saved = Object.fromEntries(ENV.map((k) => [k, process.env[k]]));
  for (const k of ENV) delete process.env[k];
});
afterEach(() => {
  for (const k of ENV) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
  vi.restoreAllMocks();
});

/** Creates a store with `passphrase`, then reports whether `open` opens it. */
async function reopens(passphrase: string, open: (path: string) => Promise<unknown>): Promise<true | string> {
  const path = fresh();
  await (await openStore(path, { passphrase })).close();
  try {
    const s = (await open(path)) as { close(): Promise<void> };
    await s.close();
    return true;
  } catch (e) {
    return (e as StoreError).code ?? String(e);
  }
}

describe("openStore", () => {
  it("a file path opens SQLite; a postgres:// or postgresql:// URL opens PostgreSQL", async () => {
    const s = await openStore(fresh(), { passphrase: "p" });
    expect(s.kind).toBe("sqlite");
    await s.close();
    if (process.env.CASKIT_SKIP_PG === "1") return;
    const schema = `caskit_open_${process.pid}`;
    for (const url of [PG_URL, PG_URL.replace(/^postgres:/, "postgresql:")]) {
      const p = await openStore(url, { passphrase: "p", schema });
      expect(p.kind).toBe("postgres");
      await p.close();
    }
    const pg = (await import("pg")).default;
    const c = new pg.Client({ connectionString: PG_URL });
    await c.connect();
    await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await c.end();
  });

  it("takes the passphrase from CASKIT_MASTER_PASSPHRASE", async () => {
    process.env.CASKIT_MASTER_PASSPHRASE = "from env";
    expect(await reopens("from env", (p) => openStore(p))).toBe(true);
    expect(await reopens("something else", (p) => openStore(p))).toBe("bad_passphrase");
  });

  it("takes it from the file named by CASKIT_MASTER_PASSPHRASE_FILE (one trailing newline dropped)", async () => {
    const file = tmp.path("pass.txt");
    writeFileSync(file, "from file\n");
    process.env.CASKIT_MASTER_PASSPHRASE_FILE = file;
    expect(await reopens("from file", (p) => openStore(p))).toBe(true);
  });

  it("the option wins over the environment, and the environment over the file", async () => {
    const file = tmp.path("pass2.txt");
    writeFileSync(file, "file");
    process.env.CASKIT_MASTER_PASSPHRASE_FILE = file;
    process.env.CASKIT_MASTER_PASSPHRASE = "env";
    expect(await reopens("option", (p) => openStore(p, { passphrase: "option" }))).toBe(true);
    expect(await reopens("env", (p) => openStore(p))).toBe(true);
  });

  it("an unreadable or empty passphrase file is no_passphrase, not a silent fallback", async () => {
    process.env.CASKIT_MASTER_PASSPHRASE_FILE = tmp.path("missing.txt");
    await expect(openStore(fresh())).rejects.toMatchObject({ code: "no_passphrase" });
    const empty = tmp.path("empty.txt");
    writeFileSync(empty, "\n");
    process.env.CASKIT_MASTER_PASSPHRASE_FILE = empty;
    process.env.CASKIT_DEV_INSECURE_NO_PASSPHRASE = "1";
    await expect(openStore(fresh())).rejects.toMatchObject({ code: "no_passphrase" });
  });

  it("without any passphrase refuses to open, and creates nothing", async () => {
    const path = fresh();
    const err = await openStore(path).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreError);
    expect(err).toMatchObject({ code: "no_passphrase" });
    expect((err as Error).message).toMatch(/CASKIT_MASTER_PASSPHRASE/);
    const { existsSync } = await import("node:fs");
    expect(existsSync(path)).toBe(false);
  });

  it("the development flag opens with a public key, warns once on stderr, and is still encryption", async () => {
    const writes: string[] = [];
    vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
      writes.push(String(chunk));
      return true;
    });
    process.env.CASKIT_DEV_INSECURE_NO_PASSPHRASE = "1";
    const path = fresh();
    await (await openStore(path)).close();
    delete process.env.CASKIT_DEV_INSECURE_NO_PASSPHRASE;
    await (await openStore(path, { devInsecure: true })).close();
    expect(writes.filter((w) => /WARNING.*DEV_INSECURE/.test(w))).toHaveLength(1);
    // A store made with the development key does not open with a real passphrase, and vice versa.
    await expect(openStore(path, { passphrase: "real" })).rejects.toMatchObject({ code: "bad_passphrase" });
    expect(await reopens("real", (p) => openStore(p, { devInsecure: true }))).toBe("bad_passphrase");
  });
});
