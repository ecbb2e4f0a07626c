/**
 * Partitioned CRLs (docs/revocation.md, "Partitioned CRLs"). A sub-CA set to N shards writes, in each
 * certificate it issues with a CRL distribution point, the URL of the certificate's shard
 * (`<crlBase>/crl/<ca>/<serial mod N>.crl`); the shard's CRL lists only the revoked certificates that
 * name it and carries a critical issuingDistributionPoint with exactly that URL, so relying parties take
 * it for those certificates only. The CA's full CRL (no IDP) still lists everything.
 *
 * Numbers: every shard CRL takes its number from the CA's one CRL number sequence, the full CRL's too —
 * strictly increasing within every scope, as RFC 5280 §5.2.3 asks, with no second counter to keep.
 *
 * Freshness is the full CRL's rule, per shard: a shard is served while it covers the CA's
 * `revocationSeq` and half its validity has not passed. When the counter moves, one pass over the CA's
 * revoked, sharded certificates (under the CA's row lock) sorts them into shards; a shard whose entries
 * did not change is only marked as covering the new counter, one whose entries changed (or whose
 * half-life is gone) is re-signed. So a revocation re-signs its own shard, not all N.
 *
 * Shards kept: 0 … `crlShardHigh`−1, the most the CA has ever had — lowering N leaves certificates that
 * name the higher shards, which must still be covered.
 */
import { createHash } from "node:crypto";
import { crlShardUrl } from "../issue/urls.js";
import { buildCrl, type CrlReason, parseCrlReason, type RevokedEntry } from "../revoke/index.js";
import type { CaRecord, ShardCrlRecord, ShardCrlState, Store, StoreTx } from "../store/port.js";
import { issuerOf } from "./authority.js";
import type { ServiceConfig, ServiceContext } from "./context.js";

const PAGE = 5_000;

/** As the full CRL lists them: removeFromCRL rows (from before caskit refused it) as unspecified. */
const listedReason = (stored: string): CrlReason => {
  const r = parseCrlReason(stored);
  return r === "removeFromCRL" ? "unspecified" : r;
};

/** The shards `ca` keeps (0 … crlShardHigh−1); none for a CA never sharded. */
export const shardsKept = (ca: CaRecord): number => ca.crlShardHigh ?? 0;

/** Whether a shard's CRL may still be served: it covers the CA's counter and half its validity remains. */
export function shardCrlIsFresh(latest: ShardCrlState | null | undefined, ca: CaRecord, now: Date): boolean {
  if (!latest) return false;
  const half = latest.thisUpdate.getTime() + (latest.nextUpdate.getTime() - latest.thisUpdate.getTime()) / 2;
  return latest.revocationSeq >= (ca.revocationSeq ?? 0) && now.getTime() < half;
}

/** The base URL shard CRLs are published under, or null when none is configured. */
const baseOf = (config: ServiceConfig): string | null => (config.crlBaseUrl ? config.crlBaseUrl.replace(/\/+$/, "") : null);

/**
 * Brings every shard of `ca` up to date in `tx` and returns the shards re-signed (empty when all were
 * fresh, the CA keeps no shards, or no CRL base URL is configured — the IDP needs it).
 */
export async function refreshShardCrls(ctx: ServiceContext, tx: StoreTx, ca: CaRecord): Promise<number[]> {
  const kept = shardsKept(ca);
  const base = baseOf(ctx.config);
  if (!kept || !base || ca.kind !== "SUB_ROOT") return [];
  const now = ctx.now();
  const before = new Map((await tx.crlShards.states(ca.id)).map((s) => [s.shard, s]));
  let stale = false;
  for (let k = 0; k < kept; k++) if (!shardCrlIsFresh(before.get(k), ca, now)) stale = true;
  if (!stale) return [];

  // The CA's row lock first: no revocation under the CA commits until we do, so the counter and the
  // entries read below agree. Then everything again (another process may have refreshed meanwhile).
  await tx.crlShards.lock(ca.id);
  const locked = (await tx.cas.getPublic(ca.id)) ?? ca;
  const revocationSeq = locked.revocationSeq ?? 0;
  const states = new Map((await tx.crlShards.states(ca.id)).map((s) => [s.shard, s]));
  const high = Math.max(kept, shardsKept(locked));
  const entries: RevokedEntry[][] = Array.from({ length: high }, () => []);
  const digests = Array.from({ length: high }, () => createHash("sha256"));
  let after = "";
  for (;;) {
    const page = await tx.crlShards.revokedPage(ca.id, after, PAGE);
    if (!page.length) break;
    for (const e of page) {
      const list = entries[e.shard];
      if (!list) continue; // a shard beyond any count ever set: cannot happen, never listed
      // Drops out once a CRL of its shard issued after it expired has listed it (RFC 5280 §3.3).
      const dropBefore = states.get(e.shard)?.thisUpdate;
      if (dropBefore && e.notAfter.getTime() < dropBefore.getTime()) continue;
      const reason = e.reason ? listedReason(e.reason) : undefined;
      list.push({ serial: e.serialNumber, revokedAt: e.revokedAt, reason });
      digests[e.shard]?.update(`${e.serialNumber}:${e.revokedAt.getTime()}:${reason ?? ""}\n`);
    }
    after = page[page.length - 1]?.serialNumber as string;
  }

  const signer = issuerOf(ctx, locked).crlSigner;
  const rebuilt: number[] = [];
  for (let k = 0; k < high; k++) {
    const digest = (digests[k] as ReturnType<typeof createHash>).digest("hex");
    const st = states.get(k);
    if (st && shardCrlIsFresh({ ...st, revocationSeq }, locked, now) && st.entriesDigest === digest) {
      // Nothing revoked since touched this shard: it now covers the counter as it is.
      if (st.revocationSeq < revocationSeq) await tx.crlShards.cover(ca.id, k, revocationSeq);
      continue;
    }
    const crlNumber = await tx.cas.takeCrlNumber(ca.id);
    const builtAt = ctx.now();
    const thisUpdate = new Date(Math.floor(builtAt.getTime() / 1000) * 1000);
    const nextUpdate = new Date(thisUpdate.getTime() + locked.crlDays * 86_400_000);
    const crl = buildCrl({
      issuer: signer,
      entries: entries[k] as RevokedEntry[],
      crlNumber,
      thisUpdate,
      nextUpdate,
      issuingDistributionPoint: { fullName: crlShardUrl(base, ca.id, k), onlyContainsUserCerts: true },
    });
    const rec: ShardCrlRecord = { caId: ca.id, shard: k, crlNumber, thisUpdate, nextUpdate, der: crl.der, builtAt, revocationSeq, entriesDigest: digest };
    await tx.crlShards.put(rec);
    rebuilt.push(k);
  }
  return rebuilt;
}

/** Shard `shard` of `ca`'s CRL in `tx`, refreshed first if stale; null when the CA keeps no such shard. */
export async function currentShardCrl(ctx: ServiceContext, tx: StoreTx, ca: CaRecord, shard: number): Promise<ShardCrlRecord | null> {
  if (!Number.isInteger(shard) || shard < 0 || shard >= shardsKept(ca) || !baseOf(ctx.config)) return null;
  const latest = await tx.crlShards.latest(ca.id, shard);
  if (latest && shardCrlIsFresh(latest, ca, ctx.now())) return latest;
  await refreshShardCrls(ctx, tx, ca);
  return tx.crlShards.latest(ca.id, shard);
}

/**
 * The public read (GET /crl/<ca>/<shard>.crl): from the read snapshot when fresh, else refreshed in a
 * write transaction (which decides again: another process may have refreshed it). Null: no such CA or shard.
 */
export async function servedShardCrl(o: { store: Store; config: ServiceConfig; now: () => Date }, caId: string, shard: number): Promise<ShardCrlRecord | null> {
  const seen = await o.store.read(async (tx) => {
    const ca = await tx.cas.getPublic(caId);
    if (!ca || !Number.isInteger(shard) || shard < 0 || shard >= shardsKept(ca) || !baseOf(o.config)) return null;
    const latest = await tx.crlShards.latest(ca.id, shard);
    return { crl: shardCrlIsFresh(latest, ca, o.now()) ? latest : null };
  });
  if (!seen) return null;
  if (seen.crl) return seen.crl;
  return o.store.transaction(async (tx) => {
    const ca = await tx.cas.getPublic(caId);
    return ca ? currentShardCrl({ store: o.store, tenantId: ca.tenantId, actor: "public", now: o.now, config: o.config }, tx, ca, shard) : null;
  });
}
