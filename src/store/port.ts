/**
 * The store port: narrow repositories per aggregate, plus `transaction`. Adapters (SQLite, PostgreSQL)
 * implement it over the same migrations. Private keys cross this port as plaintext PKCS#8 DER and are
 * encrypted/decrypted inside the store (crypto-at-rest.ts); nothing above it sees ciphertext.
 */
import type { SanEntry, SubjectParams } from "../types.js";

export type CaStatus = "ISSUE" | "REVOKE";
export type CertStatus = "ISSUE" | "REVOKE";

export interface TenantRecord {
  id: string;
  name: string;
  createdAt: Date;
}

export interface AccessKeyRecord {
  id: string;
  tenantId: string;
  /** Plaintext inside the process; stored encrypted. */
  secret: string;
  status: "enabled" | "disabled";
  createdAt: Date;
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
}

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

export interface CrlRecord {
  caId: string;
  crlNumber: bigint;
  thisUpdate: Date;
  nextUpdate: Date;
  der: Uint8Array;
}

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

export interface Page {
  offset: number;
  limit: number;
}

export interface TenantRepo {
  create(t: TenantRecord): Promise<void>;
  get(id: string): Promise<TenantRecord | null>;
}

export interface AccessKeyRepo {
  create(k: AccessKeyRecord): Promise<void>;
  get(id: string): Promise<AccessKeyRecord | null>;
  list(tenantId?: string): Promise<AccessKeyRecord[]>;
  setStatus(id: string, status: AccessKeyRecord["status"]): Promise<boolean>;
}

export interface CaRepo {
  insert(ca: CaRecord): Promise<void>;
  get(tenantId: string, id: string): Promise<CaRecord | null>;
  /** Every tenant's CA ids in ISSUE state (the CRL scheduler). */
  listActiveIds(): Promise<string[]>;
  /** Any tenant's CA: only for public artefacts (its certificate, its CRL). */
  getPublic(id: string): Promise<CaRecord | null>;
  list(tenantId: string, page: Page): Promise<CaRecord[]>;
  count(tenantId: string): Promise<number>;
  setStatus(id: string, status: CaStatus, at: Date): Promise<void>;
  /** Revoked subordinate CAs directly under `parentId` (they belong on the parent's CRL). */
  revokedChildren(parentId: string): Promise<Array<{ serialNumber: string; revokedAt: Date; notAfter: Date }>>;
  /** Atomically takes the CA's next CRL number (strictly increasing per CA). */
  takeCrlNumber(id: string): Promise<bigint>;
}

export interface CertificateRepo {
  /** Fails with StoreError("conflict") when the serial already exists under the issuer. */
  insert(c: CertificateRecord): Promise<void>;
  get(tenantId: string, id: string): Promise<CertificateRecord | null>;
  list(tenantId: string, page: Page, filter?: { status?: CertStatus; id?: string }): Promise<CertificateRecord[]>;
  count(tenantId: string, filter?: { status?: CertStatus; id?: string }): Promise<number>;
  countByIssuer(issuerId: string): Promise<number>;
  revoke(id: string, at: Date, reason: string): Promise<void>;
  delete(id: string): Promise<void>;
  /** Revoked entries of one CA in serial order, `limit` at a time after `afterSerial` (CRL rebuilds). */
  /** The latest revocation time under an issuer — certificates and subordinate CAs — (null when none). */
  lastRevocation(issuerId: string): Promise<Date | null>;
  revokedPage(issuerId: string, afterSerial: string, limit: number): Promise<Array<{ serialNumber: string; revokedAt: Date; reason: string | null; notAfter: Date }>>;
}

export interface CrlRepo {
  put(crl: CrlRecord): Promise<void>;
  latest(caId: string): Promise<CrlRecord | null>;
}

export interface AuditRepo {
  append(r: AuditRecord): Promise<void>;
  list(limit: number): Promise<AuditRecord[]>;
}

export interface StoreTx {
  tenants: TenantRepo;
  accessKeys: AccessKeyRepo;
  cas: CaRepo;
  certificates: CertificateRepo;
  crls: CrlRepo;
  audit: AuditRepo;
}

export interface Store {
  readonly kind: "sqlite" | "postgres";
  /** Runs `fn` in one transaction: all its writes commit together, or none do. */
  transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T>;
  /** Row counts per table (for tests and `caskit` diagnostics). */
  counts(): Promise<Record<string, number>>;
  close(): Promise<void>;
}
