/**
 * Each CA's current CRL, kept in the store and numbered monotonically. It is rebuilt when asked for and
 * stale — a revocation newer than it, or past half its validity (CrlDay) — so a burst of revocations
 * costs one rebuild, not one per revocation. Entries are streamed from the store a page at a time
 * (never the whole certificate table), and an entry drops out once a CRL issued after the certificate
 * expired has listed it (RFC 5280 §3.3 allows removal after expiry).
 */
import { buildCrl, parseCrlReason, type RevokedEntry } from "../revoke/index.js";
import type { CaRecord, CrlRecord, Store, StoreTx } from "../store/port.js";
import { authorityOf, issuerOf } from "./authority.js";
import type { ServiceConfig, ServiceContext } from "./context.js";

const PAGE = 5_000;

async function collect(tx: StoreTx, caId: string, dropBefore: Date | null): Promise<RevokedEntry[]> {
  const out: RevokedEntry[] = [];
  let after = "";
  for (;;) {
    const page = await tx.certificates.revokedPage(caId, after, PAGE);
    if (!page.length) break;
    for (const e of page) {
      if (dropBefore && e.notAfter.getTime() < dropBefore.getTime()) continue;
      out.push({ serial: e.serialNumber, revokedAt: e.revokedAt, reason: e.reason ? parseCrlReason(e.reason) : undefined });
    }
    after = page[page.length - 1]?.serialNumber as string;
  }
  // A revoked subordinate CA is listed on its parent's CRL (RFC 5280 §5: the issuer lists what it signed).
  for (const child of await tx.cas.revokedChildren(caId)) {
    if (dropBefore && child.notAfter.getTime() < dropBefore.getTime()) continue;
    out.push({ serial: child.serialNumber, revokedAt: child.revokedAt, reason: "cACompromise" });
  }
  return out;
}

/** Builds, stores and returns a new CRL for `ca` now. */
export async function rebuildCrl(ctx: ServiceContext, tx: StoreTx, ca: CaRecord): Promise<CrlRecord> {
  const previous = await tx.crls.latest(ca.id);
  const entries = await collect(tx, ca.id, previous?.thisUpdate ?? null);
  const number = await tx.cas.takeCrlNumber(ca.id);
  const builtAt = ctx.now();
  const thisUpdate = new Date(Math.floor(builtAt.getTime() / 1000) * 1000);
  const nextUpdate = new Date(thisUpdate.getTime() + ca.crlDays * 86_400_000);
  const signer = ca.kind === "ROOT" ? { nameDer: authorityOf(ctx, ca).subjectDer, keyIdentifier: authorityOf(ctx, ca).keyIdentifier, signer: authorityOf(ctx, ca).signer } : issuerOf(ctx, ca).crlSigner;
  const crl = buildCrl({ issuer: signer, entries, crlNumber: number, thisUpdate, nextUpdate });
  const rec: CrlRecord = { caId: ca.id, crlNumber: number, thisUpdate, nextUpdate, der: crl.der, builtAt };
  await tx.crls.put(rec);
  return rec;
}

/** The CA's CRL, rebuilt first if stale. */
export async function currentCrl(ctx: ServiceContext, tx: StoreTx, ca: CaRecord): Promise<CrlRecord> {
  const latest = await tx.crls.latest(ca.id);
  if (latest) {
    const lastRevocation = await tx.certificates.lastRevocation(ca.id);
    const half = latest.thisUpdate.getTime() + (latest.nextUpdate.getTime() - latest.thisUpdate.getTime()) / 2;
    // Against the build instant, not thisUpdate (whole seconds): a revocation earlier in the same second
    // as the build is already listed, and must not make every fetch in that second rebuild.
    const builtAt = latest.builtAt ?? latest.thisUpdate;
    const fresh = (!lastRevocation || lastRevocation.getTime() < builtAt.getTime()) && ctx.now().getTime() < half;
    if (fresh) return latest;
  }
  return rebuildCrl(ctx, tx, ca);
}

/**
 * The scheduled pass: every active CA's CRL is brought up to date (rebuilt when a revocation is newer or
 * half its validity is gone, so it never reaches nextUpdate while caskit runs). Returns the CAs rebuilt.
 */
export async function refreshAllCrls(store: Store, config: ServiceConfig, now: () => Date): Promise<string[]> {
  const ids = await store.transaction((tx) => tx.cas.listActiveIds());
  const rebuilt: string[] = [];
  for (const id of ids) {
    await store.transaction(async (tx) => {
      const ca = await tx.cas.getPublic(id);
      if (!ca) return;
      const before = await tx.crls.latest(id);
      const after = await currentCrl({ store, tenantId: ca.tenantId, actor: "scheduler", now, config }, tx, ca);
      if (after.crlNumber !== before?.crlNumber) rebuilt.push(id);
    });
  }
  return rebuilt;
}
