/**
 * Growth (issue 5, target 7): issuance and DescribeClientCertificate with 1,000,000 certificates stored
 * should run within 20% of the empty-store rates, and a CRL rebuild should cost time in proportion to
 * the revoked entries, not to the stored certificates. One process, one run, on the embedded store.
 *
 * The store: SQLite in a mktemp dir, opened with `openStore(path, { passphrase })` — the product's
 * open path and whatever durability and concurrency settings src/store/sqlite applies (WAL, the WAL
 * synced before a writer is answered, BEGIN IMMEDIATE, group commit, the read path), with its
 * migrations and indexes. Nothing here sets a pragma. A root and an issuing CA (P-256, CRL enabled)
 * are made with the CAS actions.
 *
 * 1. Empty store. Measured through the service actions exactly as the CLI and HTTP server run them
 *    (`call(ctx, action, params)`: parameter parsing, the store transaction with its audit row, durable
 *    before the promise settles; DescribeClientCertificate through the store's read path):
 *    - CreateServerCertificateWithCsr, closed loop with 32 requests in flight (a loaded server: group
 *      commit shares one fsync among them) and with 1 in flight (every certificate its own fsync);
 *      16 CSRs (P-256) are made once and reused, each request parses and verifies its CSR.
 *    - DescribeClientCertificate on random ids among the certificates issued so far, 32 and 1 in flight
 *      (valid ones on both sides later: a revoked certificate is answered without reading its CA chain).
 *    - R (10,000) of the issued certificates are revoked (tx.certificates.revoke, the UPDATE that
 *      CreateRevokeClientCertificate runs), then the service's `rebuildCrl` inside a store transaction
 *      is timed (read the revoked entries page by page, sign, store the CRL, commit).
 *    The store is then closed and its file copied: that copy is the "empty store" baseline below.
 * 2. Fill to 1,000,000 certificates. Signing a million leaves would take minutes, so 2,000 real leaves
 *    are signed by the store's issuing CA (the library issuance the action uses) and inserted under
 *    distinct random ids and serials (so a row's id/serial does not match its PEM; nothing read here
 *    checks that), with the store's own `tx.certificates.insert`, 50,000 rows per `store.transaction`
 *    (the store's settings, fsync and all). One bulk-load shortcut: the ids are random 128-bit hex
 *    values inserted in sorted order, so the primary-key index is appended to rather than split at
 *    random (random ids roughly doubled the fill time in a trial: over budget). Serials stay random in
 *    insert order, as in production, so UNIQUE (issuer_id, serial_number) grows by random splits and
 *    serial order is uncorrelated with table order (which is what a CRL rebuild reads in). Every row is
 *    one issuer's (the worst case for that CA's CRL and indexes), status ISSUE, created in the ~17
 *    minutes before the fill. The revocation indexes are partial (WHERE status = 'REVOKE',
 *    migrations 3 and 4), so the fill does not touch them; the CRL index covers its columns (migration 4).
 * 3. 1M stored: the full store and the empty-store copy are both opened through openStore and the same
 *    measurements run on both in alternating rounds (warm-up pair discarded, medians), so load from
 *    neighbours on a shared machine falls on both sides. The 1M store holds the same R revoked
 *    entries, so its rebuild should take as long as the empty store's. Then 9R more, chosen at random
 *    among the million (scattered over the table), are revoked and the rebuild timed with 10R.
 *
 * Rows: rates in certs/s or requests/s with the empty-store rate as the ceiling (target ratio >= 0.8).
 * CRL rebuilds are given as revoked entries per second of rebuild wall time (fsync and one signature
 * included), so a rebuild that does not grow with the stored certificates keeps its rate:
 * - "CRL rebuild, R revoked, 1M stored" against the same R on the empty store: target >= 0.8;
 * - "CRL rebuild, 10R revoked, 1M stored" against R revoked with 1M stored: linear in revoked entries
 *   means a ratio near 1 (a little above, as the fixed cost is spread over more entries); a ratio well
 *   below 1 means each entry costs more — here, when the revocation index does not cover what a CRL
 *   entry needs (revoked_at, revoke_reason, not_after), each entry is also a read of its table row,
 *   and the 9R entries are scattered over a 1.5 GB table where the first R were packed together.
 * Plus the phase-1 empty-store rates (measured alone, before the fill, a minute or more earlier)
 * against the interleaved baseline — how much the machine drifted between phases, which is why the
 * ratios use the interleaved rounds — the rebuild times in ms, the fill time and the store size.
 *
 * Budget: about 2 minutes on 2 cores (fill ~45 s), ~1.8 GB of disk at the peak (the 1M store file is
 * ~1.57 GB, plus its WAL and the empty-store copy), all in one mktemp dir removed at the end.
 * CASKIT_GROWTH_CERTS=200000 runs the same steps with a smaller store (for trying things out).
 *
 * Run alone: `npx tsx benchmarks/growth.bench.ts` (`--json` for the rows as JSON).
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { copyFileSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { generateKeyPair } from "../src/crypto/keys.js";
import { createCsr, parseCsr } from "../src/csr/index.js";
import { sha256Hex } from "../src/issue/index.js";
import { issuerOf } from "../src/service/authority.js";
import { DEFAULT_TENANT, type ServiceContext, call, rebuildCrl } from "../src/service/index.js";
import { openStore } from "../src/store/open.js";
import type { Store } from "../src/store/port.js";
import { type BenchRow, alternate, closedLoop, formatTable, median, rate, row } from "./harness.js";

export type { BenchRow };

const TARGET = Number(process.env.CASKIT_GROWTH_CERTS ?? 1_000_000);
const R = 10_000;
const IN_FLIGHT = 32;
const TEMPLATES = 2_000;
const FILL_BATCH = 50_000;
const PASSPHRASE = "caskit-growth-bench-passphrase";
const DOMAIN = "www.growth.example.test,10.0.0.7";
const M = TARGET >= 1_000_000 ? `${TARGET / 1_000_000}M` : `${TARGET / 1000}k`;

const log = (s: string) => process.stderr.write(`  growth: ${s}\n`);

function contextFor(store: Store): ServiceContext {
  return { store, tenantId: DEFAULT_TENANT, actor: "bench", now: () => new Date(), config: { crlBaseUrl: "http://pki.growth.example.test", defaultCrlDays: 7 } };
}

/** The operations measured, bound to one store. */
function ops(ctx: ServiceContext, subId: string, csrs: string[], issued: string[], pickId: () => string) {
  let k = 0;
  return {
    issue: async () => {
      const r = (await call(ctx, "CreateServerCertificateWithCsr", { ParentIdentifier: subId, Csr: csrs[k++ % csrs.length], Domain: DOMAIN, Days: 90, Immediately: 1 })) as { Identifier: string };
      issued.push(r.Identifier);
    },
    describe: async () => {
      const id = pickId();
      const r = (await call(ctx, "DescribeClientCertificate", { Identifier: id })) as { Certificate: { Identifier: string } };
      if (r.Certificate.Identifier !== id) throw new Error(`DescribeClientCertificate ${id} answered ${r.Certificate.Identifier}`);
    },
    /** One CRL rebuild through the service, committed; returns [ms, CRL DER]. */
    rebuild: async (): Promise<[number, Uint8Array]> => {
      const t = performance.now();
      const crl = await ctx.store.transaction(async (tx) => {
        const ca = await tx.cas.get(ctx.tenantId, subId);
        if (!ca) throw new Error("issuing CA missing");
        return rebuildCrl(ctx, tx, ca);
      });
      return [performance.now() - t, crl.der];
    },
  };
}

/** Revokes `ids` as CreateRevokeClientCertificate does (tx.certificates.revoke), 20k per transaction. */
async function revokeAll(ctx: ServiceContext, ids: string[]): Promise<void> {
  for (let i = 0; i < ids.length; i += 20_000) {
    const part = ids.slice(i, i + 20_000);
    const n = await ctx.store.transaction(async (tx) => {
      let ok = 0;
      for (const [j, id] of part.entries()) if (await tx.certificates.revoke(id, ctx.now(), j % 3 ? "keyCompromise" : "superseded")) ok++;
      return ok;
    });
    if (n !== part.length) throw new Error(`revoked ${n} of ${part.length}`);
  }
}

/** `n` distinct random elements of `xs`. */
function sample<T>(xs: readonly T[], n: number): T[] {
  const picked = new Set<number>();
  while (picked.size < n) picked.add(Math.floor(Math.random() * xs.length));
  return [...picked].map((i) => xs[i] as T);
}

/** Entries in a CRL, counted by OpenSSL (null when openssl is missing). */
function opensslCrlEntries(dir: string, der: Uint8Array): number | null {
  const f = join(dir, "check.crl");
  writeFileSync(f, der);
  try {
    return Number(execFileSync("sh", ["-c", `openssl crl -inform DER -in '${f}' -noout -text | grep -c 'Serial Number'`]).toString().trim());
  } catch {
    return null;
  }
}

export async function runGrowthBench(): Promise<BenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), "caskit-bench-growth-"));
  const path = join(dir, "growth.db");
  const emptyPath = join(dir, "empty.db");
  const rows: BenchRow[] = [];
  const open: Store[] = [];
  const openS = async (p: string) => {
    const s = await openStore(p, { passphrase: PASSPHRASE });
    open.push(s);
    return s;
  };
  const closeS = async (s: Store) => {
    open.splice(open.indexOf(s), 1);
    await s.close();
  };
  try {
    // ---- Set-up: store, tenant, root and issuing CA through the actions, CSRs.
    const store = await openS(path);
    await store.transaction((tx) => tx.tenants.create({ id: DEFAULT_TENANT, name: "default", createdAt: new Date() }));
    const ctx = contextFor(store);
    const root = (await call(ctx, "CreateRootCACertificate", { CommonName: "Growth Bench Root", Organization: "caskit", Algorithm: "ECC_256", Years: 10 })) as { Identifier: string };
    const sub = (await call(ctx, "CreateSubCACertificate", { ParentIdentifier: root.Identifier, CommonName: "Growth Bench CA", Organization: "caskit", Algorithm: "ECC_256", Years: 5, EnableCrl: 1 })) as {
      Identifier: string;
    };
    const csrs: string[] = [];
    for (let i = 0; i < 16; i++) csrs.push(createCsr({ key: await generateKeyPair("ECC_256"), subject: { commonName: `app${i}.growth.example.test` } }).pem);

    // ---- Phase 1: the empty store.
    const issued: string[] = [];
    const e1 = ops(ctx, sub.Identifier, csrs, issued, () => issued[Math.floor(Math.random() * issued.length)] as string);
    log("phase 1: empty store");
    const p1Issue32 = await rate(e1.issue, IN_FLIGHT, 5, 1000);
    const p1Issue1 = await rate(e1.issue, 1, 3, 1000);
    const p1Desc32 = await rate(e1.describe, IN_FLIGHT, 5, 500);
    const p1Desc1 = await rate(e1.describe, 1, 3, 500);
    while (issued.length < R + 5000) await closedLoop(e1.issue, IN_FLIGHT, 500);
    const revoked = new Set(sample(issued, R));
    await revokeAll(ctx, [...revoked]);
    // Describe reads valid certificates on both sides: a revoked one is answered without looking up
    // its CA chain (two queries fewer), and most of the empty store's certificates are revoked.
    const emptyValid = issued.filter((id) => !revoked.has(id));
    const p1Crl: number[] = [];
    for (let i = 0; i <= 5; i++) {
      const [ms] = await e1.rebuild();
      if (i > 0) p1Crl.push(ms);
    }
    const p1CrlMs = median(p1Crl);
    log(`phase 1: issue ${p1Issue32.toFixed(0)}/s (32) ${p1Issue1.toFixed(0)}/s (1), describe ${p1Desc32.toFixed(0)}/s (32) ${p1Desc1.toFixed(0)}/s (1), CRL ${R} in ${p1CrlMs.toFixed(0)} ms; ${issued.length} certs`);

    // Leaf templates signed by the store's own issuing CA, as the action signs them.
    const caRec = await store.transaction((tx) => tx.cas.get(DEFAULT_TENANT, sub.Identifier));
    if (!caRec) throw new Error("issuing CA missing");
    const issuer = issuerOf(ctx, caRec);
    const parsed = csrs.map((c) => parseCsr(c));
    const templates = Array.from({ length: TEMPLATES }, (_, i) => {
      const r = issuer.serverFromCsr(parsed[i % parsed.length] as ReturnType<typeof parseCsr>, { domain: `www${i}.growth.example.test,10.1.${i >> 8}.${i & 255}`, days: 90, enableCrl: true });
      return { pem: r.certificatePem, subject: r.subject, sans: r.sans, notBefore: r.notBefore, notAfter: r.notAfter, family: r.keyFamily, size: r.keySize, sha: sha256Hex(r.certificateDer) };
    });
    const signAlgorithm = caRec.signAlgorithm;
    await closeS(store);
    copyFileSync(path, emptyPath); // closed: checkpointed, no WAL left

    // ---- Phase 2: fill to TARGET certificates with the store's own insert, 50k per transaction.
    const fillStore = await openS(path);
    const fillN = TARGET - ((await fillStore.counts()).certificates as number);
    log(`phase 2: filling ${fillN} rows`);
    const fillStart = performance.now();
    const idBytes = randomBytes(16 * fillN);
    const fillIds: string[] = new Array(fillN);
    for (let i = 0; i < fillN; i++) fillIds[i] = idBytes.toString("hex", i * 16, i * 16 + 16);
    fillIds.sort();
    const createdBase = Date.now() - fillN;
    for (let s = 0; s < fillN; s += FILL_BATCH) {
      const n = Math.min(FILL_BATCH, fillN - s);
      const serials = randomBytes(16 * n);
      await fillStore.transaction(async (tx) => {
        for (let j = 0; j < n; j++) {
          const i = s + j;
          const t = templates[i % TEMPLATES] as (typeof templates)[number];
          serials[j * 16] = ((serials[j * 16] as number) & 0x7f) | 0x40;
          await tx.certificates.insert({
            id: fillIds[i] as string,
            tenantId: DEFAULT_TENANT,
            issuerId: sub.Identifier,
            serialNumber: serials.toString("hex", j * 16, j * 16 + 16),
            certificateType: "SERVER",
            status: "ISSUE",
            certificatePem: t.pem,
            subject: t.subject,
            sans: t.sans,
            notBefore: t.notBefore,
            notAfter: t.notAfter,
            algorithm: t.family,
            keySize: t.size,
            signAlgorithm,
            sha256: t.sha,
            keyPkcs8: null,
            tags: [],
            createdAt: new Date(createdBase + i),
            revokedAt: null,
            revokeReason: null,
          });
        }
      });
    }
    await closeS(fillStore);
    const fillS = (performance.now() - fillStart) / 1000;
    const sizeMb = statSync(path).size / 1e6;
    log(`phase 2: ${fillN} rows in ${fillS.toFixed(1)} s, file ${sizeMb.toFixed(0)} MB`);

    // ---- Phase 3: 1M stored, against the empty-store copy, alternating rounds.
    const full = await openS(path);
    const empty = await openS(emptyPath);
    const fctx = contextFor(full);
    const ectx = contextFor(empty);
    const fIssued: string[] = [];
    const eIssued: string[] = [];
    const F = ops(fctx, sub.Identifier, csrs, fIssued, () => fillIds[Math.floor(Math.random() * fillIds.length)] as string);
    const E = ops(ectx, sub.Identifier, csrs, eIssued, () => emptyValid[Math.floor(Math.random() * emptyValid.length)] as string);
    const total = (await full.counts()).certificates as number;
    log(`phase 3: ${total} certificates stored`);
    const [eIssue32, fIssue32] = await alternate(E.issue, F.issue, IN_FLIGHT, 7, 700);
    const [eIssue1, fIssue1] = await alternate(E.issue, F.issue, 1, 5, 600);
    const [eDesc32, fDesc32] = await alternate(E.describe, F.describe, IN_FLIGHT, 9, 300);
    const [eDesc1, fDesc1] = await alternate(E.describe, F.describe, 1, 7, 300);
    const eCrl: number[] = [];
    const fCrl: number[] = [];
    for (let i = 0; i <= 7; i++) {
      const [a] = await E.rebuild();
      const [b] = await F.rebuild();
      if (i > 0) {
        eCrl.push(a);
        fCrl.push(b);
      }
    }
    const eCrlMs = median(eCrl);
    const fCrlMs = median(fCrl);
    log("phase 3: revoking 9R more across the million");
    await revokeAll(fctx, sample(fillIds, 9 * R));
    const f10: number[] = [];
    let der10: Uint8Array = new Uint8Array(0);
    for (let i = 0; i <= 3; i++) {
      const [ms, der] = await F.rebuild();
      if (i > 0) f10.push(ms);
      der10 = der;
    }
    const f10Ms = median(f10);
    const seen = opensslCrlEntries(dir, der10);
    if (seen !== null && seen !== 10 * R) throw new Error(`openssl counted ${seen} entries in the 10R CRL, expected ${10 * R}`);
    log(`phase 3: CRL ${R}: empty ${eCrlMs.toFixed(0)} ms, ${M} ${fCrlMs.toFixed(0)} ms; ${10 * R}: ${f10Ms.toFixed(0)} ms${seen === null ? "" : " (openssl counted the entries)"}`);

    rows.push(row(`issuance with ${M} stored (32 in flight)`, "certs/s", fIssue32, "issuance on empty store (32 in flight)", eIssue32));
    rows.push(row(`issuance with ${M} stored (1 in flight)`, "certs/s", fIssue1, "issuance on empty store (1 in flight)", eIssue1));
    rows.push(row(`DescribeClientCertificate with ${M} stored (32 in flight)`, "req/s", fDesc32, "Describe on empty store (32 in flight)", eDesc32));
    rows.push(row(`DescribeClientCertificate with ${M} stored (1 in flight)`, "req/s", fDesc1, "Describe on empty store (1 in flight)", eDesc1));
    rows.push(row(`CRL rebuild ${R} revoked, ${M} stored`, "entries/s", (R / fCrlMs) * 1000, `CRL rebuild ${R} revoked, empty store`, (R / eCrlMs) * 1000));
    rows.push(row(`CRL rebuild ${10 * R} revoked, ${M} stored`, "entries/s", ((10 * R) / f10Ms) * 1000, `CRL rebuild ${R} revoked, ${M} stored`, (R / fCrlMs) * 1000));
    const info = (name: string, unit: string, value: number): BenchRow => ({ name, unit, value, ceilingName: "-", ceilingValue: Number.NaN, ratio: Number.NaN });
    rows.push(info(`CRL rebuild ${R} revoked, empty store`, "ms", eCrlMs));
    rows.push(info(`CRL rebuild ${R} revoked, ${M} stored`, "ms", fCrlMs));
    rows.push(info(`CRL rebuild ${10 * R} revoked, ${M} stored`, "ms", f10Ms));
    rows.push(row("phase 1 (before fill): issuance, empty (32)", "certs/s", p1Issue32, "issuance on empty store (32 in flight)", eIssue32));
    rows.push(row("phase 1 (before fill): issuance, empty (1)", "certs/s", p1Issue1, "issuance on empty store (1 in flight)", eIssue1));
    rows.push(row("phase 1 (before fill): Describe, empty (32)", "req/s", p1Desc32, "Describe on empty store (32 in flight)", eDesc32));
    rows.push(row("phase 1 (before fill): Describe, empty (1)", "req/s", p1Desc1, "Describe on empty store (1 in flight)", eDesc1));
    rows.push(info(`phase 1 (before fill): CRL rebuild ${R} revoked`, "ms", p1CrlMs));
    rows.push(info(`fill to ${M} certificates (${fillN} rows)`, "s", fillS));
    rows.push(info(`fill rate`, "rows/s", fillN / fillS));
    rows.push(info(`store file with ${M} certificates`, "MB", sizeMb));
  } finally {
    for (const s of [...open]) await s.close().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const rows = await runGrowthBench();
  console.log(process.argv.includes("--json") ? JSON.stringify(rows, null, 2) : formatTable(rows));
}
