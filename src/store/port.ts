/**
 * The store port: narrow repositories per aggregate, plus `transaction`. Adapters (SQLite, PostgreSQL)
 * implement it over migrations with the same meaning. Private keys and access-key secrets cross this port
 * as plaintext (PKCS#8 DER, strings) and are sealed/opened inside the store (crypto-at-rest.ts); nothing
 * above it sees ciphertext, and nothing below the service decides what a missing record means: unknown
 * ids read as `null`.
 *
 * Revocation is part of {@link CertificateRepo}, not a separate RevocationRepo: a revocation is a state
 * change of one certificate row (status, time, reason), made in the same statement that guards it
 * (`status = 'ISSUE'`), and the CRL's paged read is an index range over that same table
 * (`issuer_id, status, serial_number`). A separate table would cost a second write per revocation and a
 * join per CRL page, and could disagree with the certificate's status.
 *
 * Does not: cache, retry, or map errors to CAS codes (the service does, in one table).
 * @module caskit/store
 */
import type { SanEntry, SubjectParams } from "../types.js";
import type { CompanyRepo, ContactRepo, OrderRepo, PackageRepo, ProductCaRepo } from "./port-orders.js";

export type * from "./port-orders.js";
export type * from "./port-ocsp.js";
export type * from "./port-crl-shards.js";

/** The certificate-order repositories (port-orders.ts). */
export interface OrderRepos {
  productCas: ProductCaRepo;
  packages: PackageRepo;
  contacts: ContactRepo;
  companies: CompanyRepo;
  orders: OrderRepo;
}

/** A CA may issue (`ISSUE`) or has been revoked (`REVOKE`); the CAS spellings. */
export type CaStatus = "ISSUE" | "REVOKE";
/** An issued certificate is valid (`ISSUE`) or revoked (`REVOKE`); the CAS spellings. */
export type CertStatus = "ISSUE" | "REVOKE";

/** A tenant: the owner of access keys, CAs and certificates. */
export interface TenantRecord {
  id: string;
  name: string;
  createdAt: Date;
}

/** An API access key of a tenant (the CAS AccessKeyId and its secret). */
export interface AccessKeyRecord {
  id: string;
  tenantId: string;
  /** Plaintext inside the process; stored encrypted. */
  secret: string;
  status: "enabled" | "disabled";
  createdAt: Date;
}

/** A CA: its certificate, its key (plaintext across the port), its state and its CRL settings. */
/** Of one CA in a chain, what issuing under it depends on besides its certificate and key. */
export interface CaChainState {
  id: string;
  status: CaStatus;
  crlEnabled: boolean;
  crlShards: number;
}

export interface CaRecord {
  /** CAS Identifier: lowercase hex MD5 of the certificate DER. */
  id: string;
  tenantId: string;
  parentId: string | null;
  kind: "ROOT" | "SUB_ROOT";
  status: CaStatus;
  certificatePem: string;
  /** Issuer certificates above this CA, parent first (empty for a root). */
  chainPem: string;
  /** PKCS#8 DER, plaintext across the port, encrypted at rest. */
  keyPkcs8: Uint8Array;
  subject: SubjectParams;
  serialNumber: string;
  algorithm: string;
  keySize: number;
  signAlgorithm: string;
  notBefore: Date;
  notAfter: Date;
  years: number;
  pathLen: number | null;
  crlEnabled: boolean;
  crlDays: number;
  createdAt: Date;
  revokedAt: Date | null;
  /** The reason the CA was revoked with (listed on its parent's CRL); null when not revoked or none given. */
  revokeReason?: string | null;
  /**
   * Counts revocations under this CA (its certificates and its sub-CAs), bumped in each revoking
   * transaction under the CA's row lock; a CRL records the value it covers. Set by the store.
   */
  revocationSeq?: number;
  /** CRL shards its new certificates are spread over (0: none) and the most it has ever had (docs/revocation.md). Set by the store. */
  crlShards?: number;
  crlShardHigh?: number;
}

/** An issued end-entity certificate. `serialNumber` is unique per `issuerId` (enforced by the database). */
export interface CertificateRecord {
  id: string;
  tenantId: string;
  issuerId: string;
  serialNumber: string;
  certificateType: "SERVER" | "CLIENT";
  status: CertStatus;
  certificatePem: string;
  subject: SubjectParams;
  sans: SanEntry[];
  notBefore: Date;
  notAfter: Date;
  algorithm: string;
  keySize: number;
  signAlgorithm: string;
  sha256: string;
  /** Set when the service generated the key; PKCS#8 DER, encrypted at rest. */
  keyPkcs8: Uint8Array | null;
  tags: Array<{ key: string; value: string }>;
  createdAt: Date;
  revokedAt: Date | null;
  revokeReason: string | null;
}

/** A CRL as issued: one row per CRL number per CA, the latest served. */
export interface CrlRecord {
  caId: string;
  crlNumber: bigint;
  /** As in the CRL: whole seconds. */
  thisUpdate: Date;
  nextUpdate: Date;
  der: Uint8Array;
  /**
   * When it was built, to the millisecond (the CRL itself carries only seconds): a revocation before
   * this instant is in it, one after is not. Defaults to `thisUpdate` on write.
   */
  builtAt?: Date;
  /** The CA's `revocationSeq` this CRL covers: every revocation counted up to it is listed. Null for CRLs made before it was kept. */
  revocationSeq?: number | null;
}

/** One line of the append-only audit log: who did what to which record, when, and how it ended. */
export interface AuditRecord {
  at: Date;
  /** Who: an access key id, "cli", or "system". */
  actor: string;
  tenantId: string | null;
  action: string;
  target: string | null;
  outcome: "ok" | "error";
  /** An error code or a short note; never key material. */
  detail: string | null;
}

/** Offset paging for listings (the CAS `CurrentPage`/`ShowSize` pairs). */
export interface Page {
  offset: number;
  limit: number;
}

/** A revoked entry as a CRL needs it. */
export interface RevokedEntryRecord {
  serialNumber: string;
  revokedAt: Date;
  reason: string | null;
  notAfter: Date;
}

/**
 * What an issuer says about one serial of its serial space (OCSP): the leaf certificate or the sub-CA
 * holding it — deleted certificates included (a deleted, revoked certificate stays revoked).
 */
export interface SerialStatusRecord {
  kind: "certificate" | "ca";
  status: CertStatus;
  revokedAt: Date | null;
  reason: string | null;
  notAfter: Date;
}

/** Tenants. */
export interface TenantRepo {
  create(t: TenantRecord): Promise<void>;
  get(id: string): Promise<TenantRecord | null>;
}

/** Access keys; the secret is sealed at rest. */
export interface AccessKeyRepo {
  /** Fails with StoreError("conflict") when the id exists. */
  create(k: AccessKeyRecord): Promise<void>;
  get(id: string): Promise<AccessKeyRecord | null>;
  /** One tenant's keys, or every key when `tenantId` is omitted; oldest first. */
  list(tenantId?: string): Promise<AccessKeyRecord[]>;
  /** Returns false when there is no such key. */
  setStatus(id: string, status: AccessKeyRecord["status"]): Promise<boolean>;
}

/** CAs. Reads are scoped by tenant except the two public ones. */
export interface CaRepo {
  /** Fails with StoreError("conflict") when the id exists. */
  insert(ca: CaRecord): Promise<void>;
  /** The tenant's CA, or null (another tenant's CA reads as missing). */
  get(tenantId: string, id: string): Promise<CaRecord | null>;
  /**
   * The tenant's CA followed by every CA above it (parent, grandparent, … up to 20), in one statement;
   * empty when there is no such CA. Issuance needs the whole chain's status on every request.
   */
  getChain(tenantId: string, id: string): Promise<CaRecord[]>;
  /** Any tenant's CA and every CA above it, as {@link getChain}: only for public artefacts (OCSP). */
  getPublicChain(id: string): Promise<CaRecord[]>;
  /**
   * The chain of {@link getChain} without certificates or keys: what an issuance commit checks of the CA
   * it drafted from (service/actions/issue.ts), in one lean statement.
   */
  chainStates(tenantId: string, id: string): Promise<CaChainState[]>;
  /**
   * Status and revocation counter of the CAs `ids` (any tenant), in one lean statement: what an answer
   * about something these CAs signed depends on (a revocation under a CA bumps its counter; a CA's own
   * revocation changes its status and bumps its parent's).
   */
  revocationStates(ids: readonly string[]): Promise<Array<{ id: string; status: CaRecord["status"]; revocationSeq: number }>>;
  /** Every tenant's CA ids in ISSUE state (the CRL scheduler). */
  listActiveIds(): Promise<string[]>;
  /** Any tenant's CA: only for public artefacts (its certificate, its CRL, its OCSP answers). */
  getPublic(id: string): Promise<CaRecord | null>;
  /** Every tenant's CA ids, any status (the OCSP responder finds issuers among them). */
  listAllIds(): Promise<string[]>;
  /** The tenant's CAs, oldest first. */
  list(tenantId: string, page: Page): Promise<CaRecord[]>;
  count(tenantId: string): Promise<number>;
  /** How many sub-CAs `parentId` has signed (revoked ones included). */
  countChildren(parentId: string): Promise<number>;
  /**
   * Sets the status; `at` becomes `revokedAt` and `reason` the revokeReason for REVOKE (both cleared
   * otherwise). Revoking bumps the parent's `revocationSeq` in the same transaction.
   */
  setStatus(id: string, status: CaStatus, at: Date, reason?: string | null): Promise<void>;
  /** Revoked subordinate CAs directly under `parentId` (they belong on the parent's CRL). */
  revokedChildren(parentId: string): Promise<Array<{ serialNumber: string; revokedAt: Date; notAfter: Date; reason: string | null }>>;
  /**
   * Takes the CA's next CRL number: strictly increasing per CA across transactions, processes and
   * machines (one row-locked UPDATE … RETURNING), and given back if the transaction rolls back.
   * The CA must exist (StoreError("conflict") otherwise: a CRL for a CA deleted meanwhile). The row
   * stays locked to the end of the transaction, so no revocation under the CA commits meanwhile: read
   * the CA's `revocationSeq` and its revoked entries after taking the number.
   */
  takeCrlNumber(id: string): Promise<bigint>;
}

/**
 * Issued certificates, and their revocation (see the module note for why revocation lives here).
 * A deleted certificate is gone from lookups, lists and counts, but its row stays: a revoked one keeps
 * its place on the CRL until it has expired (RFC 5280 §3.3), and its serial stays taken.
 */
export interface CertificateRepo {
  /**
   * Fails with StoreError("conflict") when the serial already exists under the issuer — among its
   * certificates or its sub-CAs: one serial space per issuer (RFC 5280 §4.1.2.2).
   */
  insert(c: CertificateRecord): Promise<void>;
  /** The tenant's certificate, or null. */
  get(tenantId: string, id: string): Promise<CertificateRecord | null>;
  /**
   * The tenant's certificates, oldest first, optionally of one status or one id. `revokedOrIssuedBy`:
   * revoked ones, and every one issued by these CAs (those revoked through their CA).
   */
  list(tenantId: string, page: Page, filter?: CertFilter): Promise<CertificateRecord[]>;
  count(tenantId: string, filter?: CertFilter): Promise<number>;
  /** Every certificate the CA has issued, deleted ones included (what CAS calls CertIssuedCount). */
  countByIssuer(issuerId: string): Promise<number>;
  /**
   * Revokes a valid certificate and bumps its issuer's `revocationSeq`; returns false (and changes
   * nothing) when it is unknown, deleted or already revoked.
   */
  revoke(id: string, at: Date, reason: string): Promise<boolean>;
  /** Hides the certificate from lookups and lists; a revoked one stays on the CRL (see above). */
  delete(id: string, at: Date): Promise<void>;
  /**
   * Revoked entries of one CA — deleted ones included — in serial order, `limit` at a time after `afterSerial` ("" to start): a
   * range read of the `(issuer_id, status, serial_number)` index, so a CRL rebuild streams one CA's
   * revocations without reading the certificate table.
   */
  revokedPage(issuerId: string, afterSerial: string, limit: number): Promise<RevokedEntryRecord[]>;
  /**
   * Who holds `serialNumber` (lowercase hex, as stored) under `issuerId` — one of its certificates,
   * deleted ones included, or one of its sub-CAs — or null when the issuer never used it (OCSP).
   */
  statusBySerial(issuerId: string, serialNumber: string): Promise<SerialStatusRecord | null>;
}

/** Which certificates a listing takes (every condition given must hold). */
export interface CertFilter {
  status?: CertStatus;
  id?: string;
  /** Revoked certificates, or any issued by one of these CA ids. */
  revokedOrIssuedBy?: readonly string[];
}

/** Issued CRLs. */
export interface CrlRepo {
  /** Fails with StoreError("conflict") when the CA already has a CRL with this number. */
  put(crl: CrlRecord): Promise<void>;
  /** The CA's CRL with the highest number, or null. */
  latest(caId: string): Promise<CrlRecord | null>;
}

/** The audit log: append and read only; the database itself refuses UPDATE, DELETE (and TRUNCATE). */
export interface AuditRepo {
  append(r: AuditRecord): Promise<void>;
  /** The newest `limit` lines, newest first. */
  list(limit: number): Promise<AuditRecord[]>;
}

/**
 * Signature nonces of authenticated requests, remembered across restarts and by every process sharing
 * the store (a replayed request is refused by any of them).
 */
export interface NonceRepo {
  /**
   * Records (accessKeyId, nonce) until `expiresAt`; true when it was fresh, false when it is already held
   * and not yet expired at `now` (a replay). One INSERT … ON CONFLICT: concurrent claimers of one nonce,
   * in any process, get exactly one true once their transactions commit.
   */
  claim(accessKeyId: string, nonce: string, now: Date, expiresAt: Date): Promise<boolean>;
  /** Deletes up to `limit` nonces that expired before `now`; returns how many (sweep in batches). */
  sweep(now: Date, limit: number): Promise<number>;
}

/** Request counts per tenant, action and one-second window: the throttle every process shares. */
export interface ThrottleRepo {
  /** Counts one request in the window (Unix second) and returns the window's count so far, this one included. */
  hit(tenantId: string, action: string, windowStart: number): Promise<number>;
  /** Deletes up to `limit` windows that started before `beforeWindow`; returns how many. */
  sweep(beforeWindow: number, limit: number): Promise<number>;
}

/** The repositories, bound to one open transaction. Valid only inside the `transaction` callback. */
export interface StoreTx extends OrderRepos {
  /** OCSP responders and pre-signed answers (port-ocsp.ts). */
  ocsp: import("./port-ocsp.js").OcspRepo;
  /** Partitioned CRLs (port-crl-shards.ts). */
  crlShards: import("./port-crl-shards.js").CrlShardRepo;
  tenants: TenantRepo;
  accessKeys: AccessKeyRepo;
  cas: CaRepo;
  certificates: CertificateRepo;
  crls: CrlRepo;
  audit: AuditRepo;
  nonces: NonceRepo;
  throttle: ThrottleRepo;
}

/**
 * An open store.
 * @example
 * ```ts
 * const store = await openStore("./caskit.db", { passphrase });
 * const ca = await store.transaction((tx) => tx.cas.get(tenantId, id));
 * ```
 */
export interface Store {
  readonly kind: "sqlite" | "postgres";
  /**
   * Runs `fn` in one transaction: all its writes commit together, or none do (a throw rolls back every
   * write, CRL numbers included, and rethrows). The promise settles only after the commit is durable.
   * Do not call `transaction` again inside `fn`.
   */
  transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T>;
  /**
   * Runs `fn` on a read-only snapshot: it sees what was committed when it began, waits for no writer
   * (SQLite: a second, read-only connection; PostgreSQL: connections the server makes read-only), and any
   * write in it fails.
   * For lookups on hot paths — authentication, Describe/List actions — that must not queue behind writes.
   */
  read<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T>;
  /**
   * A number that differs from any earlier one whenever anything — this process or another — has committed
   * since (SQLite: `PRAGMA data_version` of the read connection, no transaction). Equal marks mean nothing
   * changed in between, so what was read after the first is still current. Calls made together may share
   * one reading, never one taken before the call. Null: the engine cannot tell cheaply (PostgreSQL); read
   * again instead.
   */
  changeMark(): Promise<number | null>;
  /** A cheap liveness check on the read-only snapshot (health probes): resolves when the store answers. */
  ping(): Promise<void>;
  /** Row counts per table (for tests and `caskit` diagnostics). */
  counts(): Promise<Record<string, number>>;
  close(): Promise<void>;
}
