/**
 * `caskit serve --workers N`: N processes (node:cluster) serving one store on one port, so a machine's
 * every core answers requests. Workers share nothing in memory: what must be one service — signature
 * nonces, CRL numbers and rebuilds, quota, order moves — is coordinated through the store (SQLite's
 * file lock, PostgreSQL's row locks), as it already is between `serve` instances on several machines.
 * The scheduled jobs (CRL refresh, nonce sweep, order validation) run in worker 0 only.
 *
 * The primary forks and supervises: a worker that dies is replaced (after a short pause, so a worker
 * that cannot start does not spin), SIGTERM/SIGINT are passed on, and the primary exits once every
 * worker has finished its in-flight requests.
 * @module caskit/cluster
 */
import cluster, { type Worker } from "node:cluster";
import { type ServeOptions, serve } from "./server.js";

const RESPAWN_PAUSE_MS = 500;

/** Runs `serve(options)` in `workers` processes (1: in this process, no cluster). */
export async function serveWorkers(options: ServeOptions, workers: number): Promise<void> {
  if (workers <= 1) {
    await serve(options);
    return;
  }
  if (cluster.isWorker) {
    const index = Number(process.env.CASKIT_WORKER_INDEX ?? 0);
    await serve({
      ...options,
      workerCount: workers,
      jobs: index === 0,
      onListen: (address) => process.send?.({ caskit: "listening", index, ...address }),
    });
    return;
  }
  primary(options, workers);
}

function primary(options: ServeOptions, workers: number): void {
  let closing = false;
  let announced = false;
  const listening = new Set<number>();
  const byIndex = new Map<number, Worker>();
  const fork = (index: number) => {
    const w = cluster.fork({ CASKIT_WORKER_INDEX: String(index) });
    byIndex.set(index, w);
    w.on("message", (m: { caskit?: string; host?: string; port?: number }) => {
      // One announcement for the service, once every worker has bound the shared port.
      if (m?.caskit !== "listening") return;
      listening.add(index);
      if (!announced && listening.size === workers) {
        announced = true;
        options.onListen?.({ host: m.host ?? "127.0.0.1", port: m.port ?? 0 });
      }
    });
    w.on("exit", (code, signal) => {
      if (byIndex.get(index) !== w) return;
      byIndex.delete(index);
      if (closing) {
        if (byIndex.size === 0) process.exit(0);
        return;
      }
      process.stderr.write(`caskit: worker ${index} exited (${signal ?? code}); starting another\n`);
      setTimeout(() => {
        if (!closing) fork(index);
      }, RESPAWN_PAUSE_MS).unref();
    });
  };
  for (let i = 0; i < workers; i++) fork(i);
  for (const sig of ["SIGTERM", "SIGINT"] as const) {
    process.once(sig, () => {
      closing = true;
      if (byIndex.size === 0) process.exit(0);
      for (const w of byIndex.values()) w.process.kill("SIGTERM");
    });
  }
}
