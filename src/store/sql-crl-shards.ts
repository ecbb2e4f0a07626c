/** The CRL shard repository (port-crl-shards.ts) over SQL, for both dialects. Internal to src/store. */
import { StoreError } from "./errors.js";
import type { CrlShardRepo, ShardCrlRecord, ShardCrlState } from "./port-crl-shards.js";
import type { Row, SqlConn } from "./sql-store.js";

const num = (v: unknown): number => Number(v);
const date = (v: unknown): Date => new Date(Number(v));

const STATE_COLUMNS = "ca_id, shard, crl_number, this_update, next_update, revocation_seq, entries_digest";

function toState(r: Row): ShardCrlState {
  const builtAt = date(r.this_update);
  return {
    caId: r.ca_id as string,
    shard: num(r.shard),
    crlNumber: BigInt(r.crl_number as string | number),
    // this_update keeps the build instant in ms; thisUpdate is read back in whole seconds.
    thisUpdate: new Date(Math.floor(builtAt.getTime() / 1000) * 1000),
    nextUpdate: date(r.next_update),
    builtAt,
    revocationSeq: num(r.revocation_seq),
    entriesDigest: r.entries_digest as string,
  };
}

export function crlShardRepo(c: SqlConn): CrlShardRepo {
  return {
    async setCount(caId, count) {
      const [r] = await c.all(
        "UPDATE cas SET crl_shards = ?, crl_shard_high = CASE WHEN crl_shard_high > ? THEN crl_shard_high ELSE ? END WHERE id = ? RETURNING crl_shards, crl_shard_high",
        [count, count, count, caId],
      );
      return r ? { count: num(r.crl_shards), high: num(r.crl_shard_high) } : null;
    },
    async assign(issuerId, serialNumber, shard) {
      const n = await c.run("UPDATE certificates SET crl_shard = ? WHERE issuer_id = ? AND serial_number = ?", [shard, issuerId, serialNumber]);
      if (n !== 1) throw new StoreError("conflict", `no certificate ${serialNumber} under issuer ${issuerId} to assign a CRL shard to`);
    },
    async revokedPage(issuerId, afterSerial, limit) {
      const rows = await c.all(
        "SELECT serial_number, revoked_at, revoke_reason, not_after, crl_shard FROM certificates WHERE issuer_id = ? AND status = 'REVOKE' AND serial_number > ? AND crl_shard IS NOT NULL ORDER BY serial_number LIMIT ?",
        [issuerId, afterSerial, limit],
      );
      return rows.map((r) => ({
        serialNumber: r.serial_number as string,
        revokedAt: date(r.revoked_at),
        reason: (r.revoke_reason as string | null) ?? null,
        notAfter: date(r.not_after),
        shard: num(r.crl_shard),
      }));
    },
    async latest(caId, shard) {
      const [r] = await c.all(`SELECT ${STATE_COLUMNS}, der FROM crl_shard_crls WHERE ca_id = ? AND shard = ?`, [caId, shard]);
      return r ? { ...toState(r), der: new Uint8Array(r.der as Buffer) } : null;
    },
    async states(caId) {
      return (await c.all(`SELECT ${STATE_COLUMNS} FROM crl_shard_crls WHERE ca_id = ? ORDER BY shard`, [caId])).map(toState);
    },
    async put(x: ShardCrlRecord) {
      const n = await c.run(
        `INSERT INTO crl_shard_crls (ca_id, shard, crl_number, this_update, next_update, der, revocation_seq, entries_digest) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (ca_id, shard) DO UPDATE SET crl_number = excluded.crl_number, this_update = excluded.this_update, next_update = excluded.next_update,
           der = excluded.der, revocation_seq = excluded.revocation_seq, entries_digest = excluded.entries_digest
         WHERE crl_shard_crls.crl_number < excluded.crl_number`,
        [x.caId, x.shard, x.crlNumber.toString(), (x.builtAt ?? x.thisUpdate).getTime(), x.nextUpdate.getTime(), Buffer.from(x.der), x.revocationSeq, x.entriesDigest],
      );
      if (n !== 1) throw new StoreError("conflict", `shard ${x.shard} of CA ${x.caId} already has a CRL numbered ${x.crlNumber} or higher`);
    },
    async cover(caId, shard, revocationSeq) {
      await c.run("UPDATE crl_shard_crls SET revocation_seq = ? WHERE ca_id = ? AND shard = ? AND revocation_seq < ?", [revocationSeq, caId, shard, revocationSeq]);
    },
    async lock(caId) {
      const n = await c.run("UPDATE cas SET crl_shards = crl_shards WHERE id = ?", [caId]);
      if (n !== 1) throw new StoreError("conflict", `no CA ${caId}`);
    },
  };
}
