/** Opening the store and building the service context for one CLI invocation. */
import { resolve } from "node:path";
import { DEFAULT_TENANT, type ServiceContext, call } from "../service/index.js";
import { openStore } from "../store/open.js";
import type { Store } from "../store/port.js";

export interface GlobalOptions {
  data?: string;
  json?: boolean;
  crlBaseUrl?: string;
  aiaBaseUrl?: string;
}

/** `--data`, else CASKIT_DATA, else ./caskit.db. A postgres:// URL selects PostgreSQL. */
export function dataLocation(g: GlobalOptions): string {
  const d = g.data ?? process.env.CASKIT_DATA ?? "caskit.db";
  return /^postgres(ql)?:\/\//.test(d) ? d : resolve(d);
}

export interface Session {
  store: Store;
  ctx: ServiceContext;
  call(action: string, params: Record<string, unknown>): Promise<Record<string, any>>;
  close(): Promise<void>;
}

export async function openSession(g: GlobalOptions): Promise<Session> {
  const store = await openStore(dataLocation(g));
  await store.transaction(async (tx) => {
    if (!(await tx.tenants.get(DEFAULT_TENANT))) await tx.tenants.create({ id: DEFAULT_TENANT, name: "default", createdAt: new Date() });
  });
  const ctx: ServiceContext = {
    store,
    tenantId: DEFAULT_TENANT,
    actor: "cli",
    now: () => new Date(),
    config: { crlBaseUrl: g.crlBaseUrl ?? process.env.CASKIT_CRL_BASE_URL, aiaBaseUrl: g.aiaBaseUrl ?? process.env.CASKIT_AIA_BASE_URL, defaultCrlDays: 7 },
  };
  return { store, ctx, call: (a, p) => call(ctx, a, p) as Promise<Record<string, any>>, close: () => store.close() };
}
