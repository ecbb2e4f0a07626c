/**
 * A background WAL checkpointer for long-running processes (`caskit serve`). SQLite's automatic
 * checkpoint runs inside a COMMIT on the writing connection: it copies the WAL into the database file
 * and fsyncs both, on the event loop, every ~1,000 pages. Here a worker thread with its own connection
 * runs PASSIVE checkpoints (they never block writers or readers) every `intervalMs`, and the main
 * connection's automatic checkpoint is turned off. The worker is plain CommonJS evaluated from a string,
 * so it loads the same way from `src/` (tsx, vitest) and from `dist/`.
 */
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";

const SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.driver);
const db = new Database(workerData.path, { timeout: 5000 });
// A failed checkpoint is retried on the next tick; the WAL only grows meanwhile, nothing is lost.
const tick = () => {
  try { db.pragma("wal_checkpoint(PASSIVE)"); } catch {}
};
const timer = setInterval(tick, workerData.intervalMs);
parentPort.on("message", (m) => {
  if (m === "close") { clearInterval(timer); tick(); db.close(); parentPort.close(); }
});
`;

export interface Checkpointer {
  /** Runs a last checkpoint and stops the thread. */
  close(): Promise<void>;
}

export function startCheckpointer(path: string, intervalMs = 200): Checkpointer {
  const driver = createRequire(import.meta.url).resolve("better-sqlite3");
  const worker = new Worker(SOURCE, { eval: true, workerData: { path, driver, intervalMs } });
  worker.unref(); // never keeps a process alive by itself
  worker.on("error", () => undefined); // a dead checkpointer leaves SQLite's WAL growing, never a crash

  const exited = new Promise<void>((resolve) => worker.once("exit", () => resolve()));
  return {
    async close() {
      worker.postMessage("close");
      const timeout = setTimeout(() => void worker.terminate(), 5_000);
      await exited;
      clearTimeout(timeout);
    },
  };
}
