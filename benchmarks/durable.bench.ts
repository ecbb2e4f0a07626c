/**
 * Durable issuance on the embedded SQLite store (issue 5 target 5): P-256 server certificates from a
 * parsed CSR, each committed (WAL, synchronous=FULL, fsync) before it counts — with the group-commit
 * knob CASKIT_SQLITE_GROUP_COMMIT (`openSqliteStore({ groupCommit })`) at 1, 32 and 256, in one
 * process, and at 256 in two processes sharing the file (the machine's two cores; SQLite's write lock
 * passes between them, each signing while the other commits). The work per certificate is
 * benchmarks/durable.worker.ts; afterwards the rows are counted in the file.
 *
 * Ceiling: Node's crypto.sign P-256 on one core, same run (the certificates/s target is absolute:
 * >= 5,000/s; the ratio shows what the store costs on top of the signature).
 */
import { spawn } from "node:child_process";
import { sign } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import Database from "better-sqlite3";
import { openSession } from "../src/cli/session.js";
import { generateKeyPair } from "../src/crypto/keys.js";
import { createCsr } from "../src/csr/index.js";
import { type BenchRow, formatTable, measureRate, row } from "./harness.js";

const WORKER = join(fileURLToPath(import.meta.url), "../durable.worker.ts");
const COUNT = 6000;
const CONCURRENCY = 512;

interface WorkerResult {
  issued: number;
  seconds: number;
}

function runWorkers(n: number, groupCommit: number, args: { db: string; sub: string; csrFile: string; env: NodeJS.ProcessEnv }): Promise<WorkerResult[]> {
  const start = Date.now() + 2500; // every process opened and ready before the clock starts
  return Promise.all(
    Array.from({ length: n }, () => {
      const child = spawn(process.execPath, ["--import", "tsx", WORKER, args.db, args.sub, args.csrFile, String(COUNT), String(CONCURRENCY), String(start)], {
        env: { ...args.env, CASKIT_SQLITE_GROUP_COMMIT: String(groupCommit) },
        stdio: ["ignore", "pipe", "inherit"],
      });
      let out = "";
      child.stdout.on("data", (d: Buffer) => (out += d.toString()));
      return new Promise<WorkerResult>((resolve, reject) =>
        child.on("exit", (code) => (code === 0 ? resolve(JSON.parse(out.trim().split("\n").pop() as string)) : reject(new Error(`durable worker exited ${code}`)))),
      );
    }),
  );
}

export async function runDurableBench(): Promise<BenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), "caskit-bench-durable-"));
  const env = { ...process.env, CASKIT_MASTER_PASSPHRASE: "bench" };
  process.env.CASKIT_MASTER_PASSPHRASE = "bench";
  try {
    const db = join(dir, "ca.db");
    const s = await openSession({ data: db });
    const root = await s.call("CreateRootCACertificate", { CommonName: "Durable Bench Root", Organization: "caskit", CountryCode: "CN", Algorithm: "ECC_256", Years: 10 });
    const sub = await s.call("CreateSubCACertificate", { ParentIdentifier: root.Identifier, CommonName: "Durable Bench CA", Organization: "caskit", Algorithm: "ECC_256", Years: 5 });
    const subKey = (await s.store.transaction((tx) => tx.cas.get(s.ctx.tenantId, sub.Identifier)))?.keyPkcs8;
    await s.close();
    const csrFile = join(dir, "leaf.csr");
    writeFileSync(csrFile, createCsr({ key: await generateKeyPair("ECC_256"), subject: { commonName: "durable.bench.example.com" } }).pem);

    const { createPrivateKey } = await import("node:crypto");
    const key = createPrivateKey({ key: Buffer.from(subKey as Uint8Array), format: "der", type: "pkcs8" });
    const tbs = new Uint8Array(420);
    const ceiling = measureRate(() => sign("sha256", tbs, { key, dsaEncoding: "der" }));

    const rows: BenchRow[] = [];
    let expected = 0;
    for (const [procs, gc] of [
      [1, 1],
      [1, 32],
      [1, 256],
      [2, 256],
    ] as const) {
      const results = await runWorkers(procs, gc, { db, sub: sub.Identifier, csrFile, env });
      const issued = results.reduce((a, r) => a + r.issued, 0);
      const seconds = Math.max(...results.map((r) => r.seconds));
      expected += issued;
      const label = `durable issuance P-256 SQLite, ${procs} process${procs > 1 ? "es" : ""}, groupCommit=${gc}`;
      rows.push(row(label, "certs/s", issued / seconds, "crypto.sign P-256 (1 core)", ceiling));
    }
    const check = new Database(db, { readonly: true });
    const stored = (check.prepare("SELECT count(*) AS n FROM certificates").get() as { n: number }).n;
    check.close();
    if (stored !== expected) throw new Error(`stored ${stored} certificates, expected ${expected}`);
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  console.log(formatTable(await runDurableBench()));
}
