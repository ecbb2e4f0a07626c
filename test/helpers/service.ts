/** A service context over a fresh SQLite store in a temp dir. */
import { join } from "node:path";
import { DEFAULT_TENANT, type ServiceContext, ServiceError, call } from "../../src/service/index.js";
import { openSqliteStore } from "../../src/store/sqlite/index.js";
import { tempDir } from "./openssl.js";

export async function sqliteContext(over: Partial<ServiceContext> = {}) {
  const tmp = tempDir("caskit-svc-");
  const store = await openSqliteStore({ path: join(tmp.dir, "caskit.db"), passphrase: "service tests" });
  await store.transaction((tx) => tx.tenants.create({ id: DEFAULT_TENANT, name: "default", createdAt: new Date() }));
  const ctx: ServiceContext = { store, tenantId: DEFAULT_TENANT, actor: "test", now: () => new Date(), config: { crlBaseUrl: "http://127.0.0.1:8080", defaultCrlDays: 7 }, ...over };
  return {
    ctx,
    tmp,
    call: (action: string, params: Record<string, unknown> = {}) => call(ctx, action, params) as Promise<Record<string, any>>,
    async close() {
      await store.close();
      tmp.remove();
    },
  };
}

export const ROOT_PARAMS = { CommonName: "Svc Root", Organization: "caskit", OrganizationUnit: "Tests", Locality: "Hangzhou", State: "Zhejiang", CountryCode: "CN", Algorithm: "ECC_256", Years: 10 };
export const SUB_PARAMS = { CommonName: "Svc Sub", Organization: "caskit", OrganizationUnit: "Tests", Locality: "Hangzhou", State: "Zhejiang", Algorithm: "ECC_256", Years: 5, EnableCrl: "1", CrlDay: 3 };

/** The ServiceError a call is refused with; fails the test when the call is accepted. */
export async function refusal(p: Promise<unknown>): Promise<ServiceError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ServiceError) return e;
    throw e;
  }
  throw new Error("accepted");
}
