/** Opening the store and building the service context for one CLI invocation. */
import { resolve } from "node:path";
import { DEFAULT_TENANT, type ServiceContext, call } from "../service/index.js";
import { StoreError, isPostgresLocation, openStore } from "../store/open.js";
import type { Store } from "../store/port.js";

export interface GlobalOptions {
  data?: string;
  json?: boolean;
  crlBaseUrl?: string;
  aiaBaseUrl?: string;
  ocspBaseUrl?: string;
}

/** `--data`, else CASKIT_DATA, else ./caskit.db. A postgres:// URL selects PostgreSQL. */
export function dataLocation(g: GlobalOptions): string {
  const d = g.data ?? process.env.CASKIT_DATA ?? "caskit.db";
  return isPostgresLocation(d) ? d : resolve(d);
}

/** The location as it may be shown: a PostgreSQL URL's password masked (it would land in logs and terminals). */
export const shownLocation = (location: string): string => location.replace(/^(postgres(?:ql)?:\/\/[^:/@]*):[^@/]*@/i, "$1:***@");

export interface Session {
  store: Store;
  ctx: ServiceContext;
  call(action: string, params: Record<string, unknown>): Promise<Record<string, any>>;
  close(): Promise<void>;
}

/** How to open: `create` lets a missing SQLite file become a new store (init, quickstart). Defaults to true. */
export interface SessionOptions {
  create?: boolean;
}

/** The generic no_passphrase message, in the CLI's words: what is missing, how to give it, when the dev flag is fine. */
export const NO_PASSPHRASE_HELP =
  "the master passphrase is missing (it encrypts the CA keys in the store): set CASKIT_MASTER_PASSPHRASE, or CASKIT_MASTER_PASSPHRASE_FILE=/path/to/a/file holding it. " +
  "A throwaway store made without one (e.g. by `npm run quickstart` with no passphrase set) uses the public development key: open it with CASKIT_DEV_INSECURE_NO_PASSPHRASE=1 — never for real keys";

/**
 * Opens the store at `location`, turning the store's refusals into messages a CLI user can act on: no
 * store at PATH (with the command that makes one), a missing passphrase (with the variables that give it).
 */
export async function openCliStore(location: string, { create = true }: SessionOptions = {}): Promise<Store> {
  try {
    return await openStore(location, { create });
  } catch (e) {
    if (e instanceof StoreError && e.code === "unavailable" && /^there is no SQLite store at /.test(e.message)) {
      throw new StoreError("unavailable", `there is no store at ${location}: create one with \`caskit init --data ${shellQuote(location)}\` (or check --data / CASKIT_DATA)`, { cause: e });
    }
    if (e instanceof StoreError && e.code === "no_passphrase" && !process.env.CASKIT_MASTER_PASSPHRASE && !process.env.CASKIT_MASTER_PASSPHRASE_FILE) {
      throw new StoreError("no_passphrase", NO_PASSPHRASE_HELP, { cause: e });
    }
    throw e;
  }
}

/** A path as a POSIX shell word (quoted only when it needs to be). */
export const shellQuote = (s: string): string => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, "'\\''")}'`);

export async function openSession(g: GlobalOptions, options: SessionOptions = {}): Promise<Session> {
  const store = await openCliStore(dataLocation(g), options);
  await store.transaction(async (tx) => {
    if (!(await tx.tenants.get(DEFAULT_TENANT))) await tx.tenants.create({ id: DEFAULT_TENANT, name: "default", createdAt: new Date() });
  });
  const ctx: ServiceContext = {
    store,
    tenantId: DEFAULT_TENANT,
    actor: "cli",
    now: () => new Date(),
    config: { crlBaseUrl: g.crlBaseUrl ?? process.env.CASKIT_CRL_BASE_URL, aiaBaseUrl: g.aiaBaseUrl ?? process.env.CASKIT_AIA_BASE_URL, ocspBaseUrl: g.ocspBaseUrl ?? process.env.CASKIT_OCSP_BASE_URL, defaultCrlDays: 7 },
  };
  return { store, ctx, call: (a, p) => call(ctx, a, p) as Promise<Record<string, any>>, close: () => store.close() };
}
