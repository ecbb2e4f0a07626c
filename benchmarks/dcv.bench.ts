/**
 * The order validator under load (issue 10): 10,000 pending DNS orders against a real DNS server on
 * loopback (dnsmasq, every order's TXT record published), in one process as `caskit serve` runs it.
 *
 * Rows:
 * - validator lookups/s: `createDcvValidator().check` over every order, 16 at a time, against the raw
 *   ceiling of the same lookups made with node:dns `Resolver.resolveTxt` directly (what the validator
 *   adds: the deadline race, parsing, comparing).
 * - full passes, orders/s: `validatePendingOrders` until none is due — look up, move to `process`,
 *   sign and store the certificate, move to `certificate`, audit — against `crypto.sign` (P-256) as the
 *   signing ceiling of the same machine.
 * - private-CA issuance while the validator runs: CreateServerCertificateWithCsr (service call, 8 in
 *   flight) during passes over 5,000 fresh pending orders, against the same loop with no validator
 *   (alternating rounds, medians): it must not starve them (ratio near 1 on an idle machine; the two
 *   share one event loop and two cores).
 *
 * Needs dnsmasq (apt-get install dnsmasq-base). Run alone: `npx tsx benchmarks/dcv.bench.ts`.
 */
import { generateKeyPairSync, sign } from "node:crypto";
import { join } from "node:path";
import { Resolver } from "node:dns/promises";
import { performance } from "node:perf_hooks";
import { generateKeyPair } from "../src/crypto/keys.js";
import { createCsr } from "../src/csr/index.js";
import { createDcvValidator } from "../src/dcv/index.js";
import { DEFAULT_TENANT, type ServiceContext, call } from "../src/service/index.js";
import { validatePendingOrders } from "../src/service/orders/index.js";
import { openStore } from "../src/store/open.js";
import { startDnsmasq } from "../test/helpers/dnsmasq.js";
import { tempDir } from "../test/helpers/openssl.js";
import { type BenchRow, measureRate, median, row } from "./harness.js";

const ORDERS = Number(process.env.CASKIT_DCV_BENCH_ORDERS ?? 10_000);
const FRESH = Math.floor(ORDERS / 2);

async function pool<T>(items: T[], n: number, fn: (x: T) => Promise<unknown>) {
  let i = 0;
  await Promise.all(Array.from({ length: n }, async () => {
    while (i < items.length) await fn(items[i++] as T);
  }));
}

export async function runDcvBench(): Promise<BenchRow[]> {
  const tmp = tempDir("caskit-dcvbench-");
  const store = await openStore(join(tmp.dir, "bench.db"), { passphrase: "dcv bench" });
  const ctx: ServiceContext = { store, tenantId: DEFAULT_TENANT, actor: "bench", now: () => new Date(), config: { defaultCrlDays: 7 } };
  const rows: BenchRow[] = [];
  try {
    await store.transaction((tx) => tx.tenants.create({ id: DEFAULT_TENANT, name: "default", createdAt: new Date() }));
    const svc = (a: string, p: Record<string, unknown>) => call(ctx, a, p) as Promise<Record<string, any>>;
    const root = (await svc("CreateRootCACertificate", { CommonName: "Bench Root", Algorithm: "ECC_256", Years: 5 })).Identifier;
    const sub = (await svc("CreateSubCACertificate", { CommonName: "Bench Sub", ParentIdentifier: root, Algorithm: "ECC_256", Years: 2 })).Identifier;
    await store.transaction(async (tx) => {
      await tx.productCas.set("digicert-free-1-free", sub, new Date());
      await tx.packages.grant(DEFAULT_TENANT, "digicert-free-1-free", ORDERS + FRESH, new Date());
      await tx.contacts.add({ tenantId: DEFAULT_TENANT, name: "Bench", phone: "1", email: "b@example.test", createdAt: new Date() });
    });
    // Orders with a caller's CSR (one P-256 key for all: the bench is about validation, not keygen).
    const key = await generateKeyPair("ECC_256");
    const apply = async (i: number) => {
      const csr = createCsr({ key, subject: { commonName: `o${i}.bench.test` } }).pem;
      return (await svc("CreateCertificateForPackageRequest", { Csr: csr })).OrderId as number;
    };
    const ids: number[] = [];
    await pool(Array.from({ length: ORDERS }, (_, i) => i), 32, async (i) => ids.push(await apply(i)));
    const orders = await store.read(async (tx) => Promise.all(ids.map((id) => tx.orders.get(DEFAULT_TENANT, id))));
    const txt: Record<string, string[]> = {};
    for (const o of orders) if (o) txt[`_dnsauth.${o.domains[0]}`] = [o.dcvValue];
    const dns = await startDnsmasq({ txt });
    try {
      const challenges = orders.map((o) => ({ method: "DNS" as const, domain: o?.domains[0] as string, value: o?.dcvValue as string }));
      // Raw ceiling: the same TXT lookups straight through node:dns.
      const resolver = new Resolver({ timeout: 2000, tries: 2 });
      resolver.setServers([dns.server]);
      let t = performance.now();
      await pool(challenges, 16, (c) => resolver.resolveTxt(`_dnsauth.${c.domain}`));
      const rawRate = (challenges.length * 1000) / (performance.now() - t);
      const validator = createDcvValidator({ dnsServers: [dns.server], timeoutMs: 2000 });
      let failed = 0;
      t = performance.now();
      await pool(challenges, 16, async (c) => {
        if (!(await validator.check(c)).ok) failed++;
      });
      const checkRate = (challenges.length * 1000) / (performance.now() - t);
      if (failed) throw new Error(`${failed} lookups failed`);
      rows.push(row(`dcv: validator DNS checks, ${ORDERS} orders, 16 at a time`, "checks/s", checkRate, "node:dns resolveTxt", rawRate));

      // Full passes: look up, move, issue, store, audit.
      t = performance.now();
      let issued = 0;
      for (;;) {
        const r = await validatePendingOrders(store, ctx.config, validator, () => new Date(), { batch: 500, concurrency: 16 });
        issued += r.issued.length;
        if (r.checked === 0) break;
      }
      const passRate = (issued * 1000) / (performance.now() - t);
      const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
      const tbs = Buffer.alloc(400, 7);
      const signRate = measureRate(() => sign("sha256", tbs, privateKey), { rounds: 3, roundMs: 300 });
      rows.push(row(`dcv: validator passes, ${issued} orders validated and issued`, "orders/s", passRate, "crypto.sign P-256", signRate));
      if (issued !== ORDERS) throw new Error(`issued ${issued} of ${ORDERS}`);

      // Starvation: private-CA issuance alone vs while passes run over fresh pending orders.
      const fresh: number[] = [];
      await pool(Array.from({ length: FRESH }, (_, i) => ORDERS + i), 32, async (i) => fresh.push(await apply(i)));
      const freshOrders = await store.read(async (tx) => Promise.all(fresh.map((id) => tx.orders.get(DEFAULT_TENANT, id))));
      await dns.stop();
      const txt2: Record<string, string[]> = {};
      for (const o of freshOrders) if (o) txt2[`_dnsauth.${o.domains[0]}`] = [o.dcvValue];
      const dns2 = await startDnsmasq({ txt: txt2 });
      try {
        const validator2 = createDcvValidator({ dnsServers: [dns2.server], timeoutMs: 2000 });
        const pcaCsr = createCsr({ key, subject: { commonName: "pca.bench.test" } }).pem;
        const issueFor = async (ms: number) => {
          let n = 0;
          const end = performance.now() + ms;
          await Promise.all(Array.from({ length: 8 }, async () => {
            while (performance.now() < end) {
              await svc("CreateServerCertificateWithCsr", { ParentIdentifier: sub, Csr: pcaCsr, Days: 30 });
              n++;
            }
          }));
          return (n * 1000) / ms;
        };
        const alone: number[] = [];
        const during: number[] = [];
        let validating = false;
        /** Passes back to back (a short pause when none is due) until `validating` is cleared. */
        const validate = async () => {
          validating = true;
          while (validating) {
            const r = await validatePendingOrders(store, ctx.config, validator2, () => new Date(), { batch: 200, concurrency: 16 });
            if (r.checked === 0) await new Promise((ok) => setTimeout(ok, 20));
          }
        };
        let background = validate();
        // Alternate: rounds with the validator busy, then with it paused.
        for (let round = 0; round < 3; round++) {
          during.push(await issueFor(1500));
          validating = false;
          await background;
          alone.push(await issueFor(1500));
          if (round < 2) background = validate();
        }
        validating = false;
        rows.push(row("dcv: private-CA issuance while the validator runs (8 in flight)", "certs/s", median(during), "same, validator idle", median(alone)));
      } finally {
        await dns2.stop();
      }
    } finally {
      await dns.stop().catch(() => undefined);
    }
  } finally {
    await store.close();
    tmp.remove();
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { formatTable } = await import("./harness.js");
  const rows = await runDcvBench();
  console.log(process.argv.includes("--json") ? JSON.stringify(rows, null, 2) : formatTable(rows));
}
