/**
 * Each CA's current CRL, kept in the store and numbered monotonically. It is rebuilt when asked for and
 * stale — a revocation it does not cover, or past half its validity (CrlDay) — so a burst of revocations
 * costs one rebuild, not one per revocation. "Covers" is a counter, not a clock: every revocation under a
 * CA bumps the CA's `revocationSeq` under its row lock, and a CRL records the value it was built at
 * (read after taking the CRL number, which holds that lock), so a revocation committed during a rebuild,
 * or stamped by a host whose clock is behind, is never taken as listed. Entries are streamed from the store a page at a time
 * (never the whole certificate table), and an entry drops out once a CRL issued after the certificate
 * expired has listed it (RFC 5280 §3.3 allows removal after expiry).
 */
import { buildCrl, type CrlReason, parseCrlReason, type RevokedEntry } from "../revoke/index.js";
import type { CaRecord, CrlRecord, Store, StoreTx } from "../store/port.js";
import { authorityOf, issuerOf } from "./authority.js";
import { refreshShardCrls } from "./crl-shards.js";
import type { ServiceConfig, ServiceContext } from "./context.js";
import { toServiceError } from "./errors.js";

const PAGE = 5_000;

/**
 * A stored reason as the CRL lists it. Rows revoked with removeFromCRL before caskit refused it meant
 * "revoke" to whoever asked: they are listed as unspecified, so relying parties honour them.
 */
const listedReason = (stored: string): CrlReason => {
  const r = parseCrlReason(stored);
  return r === "removeFromCRL" ? "unspecified" : r;
};

async function collect(tx: StoreTx, caId: string, dropBefore: Date | null): Promise<RevokedEntry[]> {
  const out: RevokedEntry[] = [];
  let after = "";
  for (;;) {
    const page = await tx.certificates.revokedPage(caId, after, PAGE);
    if (!page.length) break;
    for (const e of page) {
      if (dropBefore && e.notAfter.getTime() < dropBefore.getTime()) continue;
      out.push({ serial: e.serialNumber, revokedAt: e.revokedAt, reason: e.reason ? listedReason(e.reason) : undefined });
    }
    after = page[page.length - 1]?.serialNumber as string;
  }
  // A revoked subordinate CA is listed on its parent's CRL (RFC 5280 §5: the issuer lists what it signed).
  for (const child of await tx.cas.revokedChildren(caId)) {
    if (dropBefore && child.notAfter.getTime() < dropBefore.getTime()) continue;
    out.push({ serial: child.serialNumber, revokedAt: child.revokedAt, reason: child.reason ? listedReason(child.reason) : undefined });
  }
  return out;
}

/** Builds, stores and returns a new CRL for `ca` now. */
export async function rebuildCrl(ctx: ServiceContext, tx: StoreTx, ca: CaRecord): Promise<CrlRecord> {
  // The number first: it locks the CA row, so no revocation under the CA commits until we do, and the
  // counter and the entries read below agree.
  const number = await tx.cas.takeCrlNumber(ca.id);
  const revocationSeq = (await tx.cas.getPublic(ca.id))?.revocationSeq ?? 0;
  const previous = await tx.crls.latest(ca.id);
  const entries = await collect(tx, ca.id, previous?.thisUpdate ?? null);
  const builtAt = ctx.now();
  const thisUpdate = new Date(Math.floor(builtAt.getTime() / 1000) * 1000);
  const nextUpdate = new Date(thisUpdate.getTime() + ca.crlDays * 86_400_000);
  const signer = ca.kind === "ROOT" ? { nameDer: authorityOf(ctx, ca).subjectDer, keyIdentifier: authorityOf(ctx, ca).keyIdentifier, signer: authorityOf(ctx, ca).signer } : issuerOf(ctx, ca).crlSigner;
  const crl = buildCrl({ issuer: signer, entries, crlNumber: number, thisUpdate, nextUpdate });
  const rec: CrlRecord = { caId: ca.id, crlNumber: number, thisUpdate, nextUpdate, der: crl.der, builtAt, revocationSeq };
  await tx.crls.put(rec);
  return rec;
}

/**
 * Whether `latest` may still be served for `ca` at `now`: it covers every revocation counted on the CA
 * record and half its validity has not passed. Pure, so a read-only path can decide before it takes
 * the write lock to rebuild.
 */
export function crlIsFresh(latest: CrlRecord | null, ca: CaRecord, now: Date): latest is CrlRecord {
  if (!latest || latest.revocationSeq === null || latest.revocationSeq === undefined) return false;
  const half = latest.thisUpdate.getTime() + (latest.nextUpdate.getTime() - latest.thisUpdate.getTime()) / 2;
  return latest.revocationSeq >= (ca.revocationSeq ?? 0) && now.getTime() < half;
}

/** The CA's CRL, rebuilt first if stale. */
export async function currentCrl(ctx: ServiceContext, tx: StoreTx, ca: CaRecord): Promise<CrlRecord> {
  const latest = await tx.crls.latest(ca.id);
  return crlIsFresh(latest, ca, ctx.now()) ? latest : rebuildCrl(ctx, tx, ca);
}

/** Called with each CA whose scheduled refresh failed, and with each that succeeded. */
export interface CrlRefreshReport {
  failed(caId: string, error: unknown): void;
  ok(caId: string): void;
}

/**
 * The scheduled pass: every active CA's CRL — and its CRL shards, if it has any — is brought up to date (rebuilt when a revocation is not
 * covered or half its validity is gone, so it never reaches nextUpdate while caskit runs). Each CA in
 * its own transaction: one CA's failure is reported and the others still refresh. Returns the CAs rebuilt.
 */
export async function refreshAllCrls(store: Store, config: ServiceConfig, now: () => Date, report?: CrlRefreshReport): Promise<string[]> {
  const ids = await store.read((tx) => tx.cas.listActiveIds());
  const rebuilt: string[] = [];
  for (const id of ids) {
    try {
      await store.transaction(async (tx) => {
        const ca = await tx.cas.getPublic(id);
        if (!ca) return;
        const before = await tx.crls.latest(id);
        const ctx: ServiceContext = { store, tenantId: ca.tenantId, actor: "scheduler", now, config };
        const after = await currentCrl(ctx, tx, ca);
        // Its CRL shards too (crl-shards.ts): each re-signed when a revocation touched it or half its validity passed.
        const shards = await refreshShardCrls(ctx, tx, ca);
        if (after.crlNumber !== before?.crlNumber || shards.length) rebuilt.push(id);
      });
      report?.ok(id);
    } catch (e) {
      report?.failed(id, e);
    }
  }
  return rebuilt;
}

/**
 * A {@link CrlRefreshReport} that logs a CA's failure once per change — when it starts failing, or fails
 * with another error — and once when it recovers, not on every pass.
 */
export function crlFailureLog(log: { error(o: object, msg: string): void; info(o: object, msg: string): void }): CrlRefreshReport {
  const failing = new Map<string, string>();
  return {
    failed(caId, error) {
      const code = error instanceof Error ? `${error.name}:${(error as { code?: string }).code ?? ""}:${error.message}` : String(error);
      if (failing.get(caId) === code) return;
      failing.set(caId, code);
      // For the operator, so the real cause (no error of ours carries key material), bounded.
      const cas = toServiceError(error).code;
      const err = error instanceof Error ? `${error.name}: ${error.message}`.slice(0, 300) : String(error).slice(0, 300);
      log.error({ caId, code: cas, err }, "crl refresh failed for this CA; it is retried every pass and logged again only when the error changes");
    },
    ok(caId) {
      if (failing.delete(caId)) log.info({ caId }, "crl refresh recovered");
    },
  };
}
