/**
 * `serve(options)`: opens the store, listens, and shuts down gracefully on SIGTERM/SIGINT (in-flight
 * requests finish, then the store closes).
 * @module caskit/server
 */
import { openStore } from "../store/open.js";
import type { Store } from "../store/port.js";
import type { ServiceConfig } from "../service/context.js";
import { crlFailureLog, refreshAllCrls } from "../service/crl.js";
import { type AppOptions, buildApp } from "./app.js";

export interface ServeOptions extends Omit<AppOptions, "store" | "config"> {
  /** Seconds between scheduled CRL refreshes (0 = none). Default 60. */
  crlIntervalSec?: number;
  data: string;
  host?: string;
  port?: number;
  config: ServiceConfig;
  /** Called once listening, with the bound address. */
  onListen?: (address: { host: string; port: number }) => void;
}

const NONCE_SWEEP_MS = 60_000;
const NONCE_SWEEP_BATCH = 1_000;

/** Deletes every nonce expired at `now`, a batch per transaction (writers wait at most one batch). Returns how many. */
export async function sweepExpiredNonces(store: Store, now: Date): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await store.transaction((tx) => tx.nonces.sweep(now, NONCE_SWEEP_BATCH));
    total += n;
    if (n < NONCE_SWEEP_BATCH) return total;
  }
}

export async function serve(options: ServeOptions): Promise<() => Promise<void>> {
  const store = await openStore(options.data, { backgroundCheckpoint: true });
  const app = buildApp({ ...options, store, config: options.config });
  await app.listen({ host: options.host ?? "127.0.0.1", port: options.port ?? 8080 });
  const addr = app.server.address();
  const port = typeof addr === "object" && addr ? addr.port : (options.port ?? 8080);
  options.onListen?.({ host: options.host ?? "127.0.0.1", port });
  // CRLs: refreshed at start and on a schedule, so none reaches nextUpdate while caskit runs.
  const now = options.now ?? (() => new Date());
  let sweeping: Promise<unknown> = Promise.resolve();
  const crlFailures = crlFailureLog(app.log);
  const sweep = () => {
    sweeping = refreshAllCrls(store, options.config, now, crlFailures).catch((e) => app.log.error({ err: (e as Error).message }, "crl refresh failed"));
  };
  sweep();
  const interval = (options.crlIntervalSec ?? 60) > 0 ? setInterval(sweep, (options.crlIntervalSec ?? 60) * 1000) : null;
  interval?.unref();
  // Nonces: expired ones deleted at start and every minute, in batches (each its own short transaction),
  // never on a request's path.
  let sweepingNonces: Promise<unknown> = Promise.resolve();
  const sweepNonces = () => {
    sweepingNonces = sweepExpiredNonces(store, now()).catch((e) => app.log.error({ err: (e as Error).message }, "nonce sweep failed"));
  };
  sweepNonces();
  const nonceInterval = setInterval(sweepNonces, NONCE_SWEEP_MS);
  nonceInterval.unref();
  let closing: Promise<void> | null = null;
  const close = () => {
    closing ??= (async () => {
      if (interval) clearInterval(interval);
      clearInterval(nonceInterval);
      await sweeping;
      await sweepingNonces;
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
