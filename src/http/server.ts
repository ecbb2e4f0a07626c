/**
 * `serve(options)`: opens the store, listens, and shuts down gracefully on SIGTERM/SIGINT (in-flight
 * requests finish, then the store closes).
 * @module caskit/server
 */
import { isPostgresLocation, openStore } from "../store/open.js";
import { DEFAULT_POOL } from "../store/postgres/pool.js";
import type { Store } from "../store/port.js";
import type { ServiceConfig } from "../service/context.js";
import type { DcvValidator } from "../dcv/types.js";
import { crlFailureLog, refreshAllCrls } from "../service/crl.js";
import { validatePendingOrders } from "../service/orders/index.js";
import { refreshOcsp } from "../service/ocsp-presign.js";
import { type AppOptions, buildApp } from "./app.js";

export interface ServeOptions extends Omit<AppOptions, "store" | "config"> {
  /** Seconds between scheduled CRL refreshes (0 = none). Default 60. */
  crlIntervalSec?: number;
  /** Seconds between OCSP refresh passes (responder rotation, pre-signed answers; docs/ocsp.md). 0 = only at start. Default 60. */
  ocspIntervalSec?: number;
  data: string;
  host?: string;
  port?: number;
  config: ServiceConfig;
  /** Processes serving this store from this machine (serve --workers), to share the PostgreSQL pools out. Default 1. */
  workerCount?: number;
  /** Run the scheduled jobs (CRL refresh, nonce sweep, order validation) in this process. Default true; in a cluster, worker 0 runs them. */
  jobs?: boolean;
  /** Called once listening, with the bound address. */
  onListen?: (address: { host: string; port: number }) => void;
  /** Domain validation of certificate orders: the validator, and seconds between passes. None: orders wait for `caskit order validate`. */
  dcv?: { validator: DcvValidator; intervalSec: number; backoffSec?: number };
}

/** Connections per PostgreSQL pool in each of `workers` processes, unless the URL sets `?pool=`. */
export function poolFor(location: string, workers: number): number | undefined {
  if (!isPostgresLocation(location) || /[?&]pool=/.test(location)) return undefined;
  return Math.max(2, Math.ceil(DEFAULT_POOL / Math.max(1, workers)));
}

const NONCE_SWEEP_MS = 60_000;
const NONCE_SWEEP_BATCH = 1_000;

/**
 * Deletes every nonce expired at `now`, and throttle windows older than a minute, a batch per
 * transaction (writers wait at most one batch). Returns how many rows.
 */
export async function sweepExpiredNonces(store: Store, now: Date): Promise<number> {
  let total = 0;
  const oldWindow = Math.floor(now.getTime() / 1000) - 60;
  for (;;) {
    const n = await store.transaction(async (tx) => (await tx.nonces.sweep(now, NONCE_SWEEP_BATCH)) + (await tx.throttle.sweep(oldWindow, NONCE_SWEEP_BATCH)));
    total += n;
    if (n < NONCE_SWEEP_BATCH) return total;
  }
}

/**
 * Runs `fn` now and every `ms` (0 = only now), never two runs at once; `stop()` cancels the schedule
 * and waits for a run under way.
 */
function periodic(ms: number, fn: () => Promise<unknown>): { stop(): Promise<void> } {
  let running: Promise<unknown> = Promise.resolve();
  let busy = false;
  const run = () => {
    if (busy) return;
    busy = true;
    running = fn().finally(() => {
      busy = false;
    });
  };
  run();
  const timer = ms > 0 ? setInterval(run, ms) : null;
  timer?.unref();
  return {
    async stop() {
      if (timer) clearInterval(timer);
      await running;
    },
  };
}

export async function serve(options: ServeOptions): Promise<() => Promise<void>> {
  // Serving a mistyped path must not make an empty store. The PostgreSQL pools are shared out among the
  // workers (a URL's ?pool= wins): the server sees the same number of connections however many there are.
  const store = await openStore(options.data, { backgroundCheckpoint: true, create: false, pool: poolFor(options.data, options.workerCount ?? 1) });
  const app = buildApp({ ...options, store, config: options.config });
  await app.listen({ host: options.host ?? "127.0.0.1", port: options.port ?? 8080 });
  const addr = app.server.address();
  const port = typeof addr === "object" && addr ? addr.port : (options.port ?? 8080);
  options.onListen?.({ host: options.host ?? "127.0.0.1", port });
  const now = options.now ?? (() => new Date());
  const log = (what: string) => (e: unknown) => app.log.error({ err: (e as Error).message }, `${what} failed`);
  const crlFailures = crlFailureLog(app.log);
  const jobs = options.jobs === false ? [] : [
    // CRLs: refreshed at start and on a schedule, so none reaches nextUpdate while caskit runs.
    periodic((options.crlIntervalSec ?? 60) * 1000, () => refreshAllCrls(store, options.config, now, crlFailures).catch(log("crl refresh"))),
    // OCSP: delegated responders rotated, pre-signed answers re-signed (revoked, stale, new signer).
    periodic((options.ocspIntervalSec ?? 60) * 1000, () => refreshOcsp(store, options.config, now, { onError: (ca, e) => log(`ocsp refresh of ${ca}`)(e) }).catch(log("ocsp refresh"))),
    // Nonces: expired ones deleted in batches (each its own short transaction), never on a request's path.
    periodic(NONCE_SWEEP_MS, () => sweepExpiredNonces(store, now()).catch(log("nonce sweep"))),
    // Orders awaiting domain validation: looked at for real, each on its own back-off.
    ...(options.dcv ? [periodic(options.dcv.intervalSec * 1000, () => validatePendingOrders(store, options.config, options.dcv!.validator, now, { backoffMs: (options.dcv!.backoffSec ?? 15) * 1000 }).catch(log("order validation")))] : []),
  ];
  let closing: Promise<void> | null = null;
  const close = () => {
    closing ??= (async () => {
      await Promise.all(jobs.map((j) => j.stop()));
      // Keep-alive sockets turn idle when their in-flight request finishes; close them as they do, or
      // server.close() would wait for the 72 s keep-alive timeout.
      const sweep = setInterval(() => app.server.closeIdleConnections(), 50);
      try {
        await app.close();
      } finally {
        clearInterval(sweep);
      }
      await store.close();
    })();
    return closing;
  };
  for (const sig of ["SIGTERM", "SIGINT"] as const) {
    process.once(sig, () => {
      close().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    });
  }
  return close;
}
