/**
 * The store port for partitioned CRLs (docs/revocation.md, "Partitioned CRLs"): a CA's shard count,
 * the shard each certificate's CDP names, and the latest CRL of each shard. Part of {@link StoreTx} as
 * `tx.crlShards`; same rules as port.ts. A CA's count and the most it has ever had (`crlShards`,
 * `crlShardHigh`) are read with the CA record itself.
 */
import type { RevokedEntryRecord } from "./port.js";

/** The latest CRL of one shard of a CA. */
export interface ShardCrlRecord {
  caId: string;
  shard: number;
  /** From the CA's one CRL number sequence (shared with its full CRL). */
  crlNumber: bigint;
  /** As in the CRL: whole seconds. */
  thisUpdate: Date;
  nextUpdate: Date;
  der: Uint8Array;
  /** When it was built, to the millisecond. Defaults to `thisUpdate` on write. */
  builtAt?: Date;
  /** The CA's `revocationSeq` this shard covers: every revocation counted up to it that belongs to the shard is listed. */
  revocationSeq: number;
  /** A digest of the entries listed (serial, time, reason), to tell whether a revocation touched the shard. */
  entriesDigest: string;
}

/** A shard CRL's state without its DER (what a refresh decides on). */
export type ShardCrlState = Omit<ShardCrlRecord, "der">;

/** A revoked certificate whose CDP names a shard. */
export interface ShardRevokedEntry extends RevokedEntryRecord {
  shard: number;
}

/** CRL shards. */
export interface CrlShardRepo {
  /**
   * Sets how many shards the CA's new certificates are spread over (0: none) and raises its
   * `crlShardHigh` to at least that; returns both. False-y when there is no such CA (null).
   */
  setCount(caId: string, count: number): Promise<{ count: number; high: number } | null>;
  /** Records the shard a just-inserted certificate's CDP names. */
  assign(issuerId: string, serialNumber: string, shard: number): Promise<void>;
  /**
   * Revoked certificates of one CA that name a shard — deleted ones included — in serial order, `limit`
   * at a time after `afterSerial` ("" to start).
   */
  revokedPage(issuerId: string, afterSerial: string, limit: number): Promise<ShardRevokedEntry[]>;
  /** The latest CRL of the shard, or null. */
  latest(caId: string, shard: number): Promise<ShardCrlRecord | null>;
  /** Every shard CRL state of the CA, by shard. */
  states(caId: string): Promise<ShardCrlState[]>;
  /** Stores the shard's new CRL in place of the previous one (only ever with a higher number). */
  put(crl: ShardCrlRecord): Promise<void>;
  /** Records that the shard's current CRL also covers `revocationSeq` (no revocation in between touched it). */
  cover(caId: string, shard: number, revocationSeq: number): Promise<void>;
  /**
   * Takes the CA's row lock for the rest of the transaction without taking a CRL number, so the counter
   * and the entries read after it agree (as {@link CaRepo.takeCrlNumber} does).
   */
  lock(caId: string): Promise<void>;
}
