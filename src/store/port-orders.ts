/**
 * The store port for the certificate-order half of CAS (API 2020-04-07): which CA signs each product,
 * quota packages, contacts, company profiles and orders. Part of {@link StoreTx}; same rules as
 * port.ts: tenant-scoped reads, unknown ids read as null, keys plaintext across the port and sealed at
 * rest, and every "take" or "move" is one guarded statement so concurrent callers in any process get
 * exactly one winner.
 */

/** The DescribeCertificateState vocabulary, plus `revoked` (CancelCertificateForPackageRequest). */
export type OrderStatus = "payed" | "domain_verify" | "process" | "verify_fail" | "certificate" | "revoked";
export type ValidateType = "DNS" | "FILE";

export interface OrderRecord {
  /** The CAS OrderId: a store-wide serial number (kept below 2^53). */
  id: number;
  tenantId: string;
  productCode: string;
  status: OrderStatus;
  validateType: ValidateType;
  /** The names the certificate will carry, each validated; the first is the CN. */
  domains: string[];
  /** DNS: the TXT value at `_dnsauth.<domain>`; FILE: the file's content. */
  dcvValue: string;
  csrPem: string;
  /** The key caskit generated for the order (PKCS#8 DER), or null when the caller sent a CSR. */
  keyPkcs8: Uint8Array | null;
  contact: { name: string; phone: string; email: string };
  companyName: string | null;
  certificateId: string | null;
  /** The order this one renews. */
  renewalOf: number | null;
  tags: Array<{ key: string; value: string }>;
  createdAt: Date;
  updatedAt: Date;
  /** Validation must succeed before this instant, else the order fails (verify_fail). */
  deadline: Date;
  /** When the validator next looks. */
  nextCheckAt: Date;
  attempts: number;
  /** The last validation outcome, for people and the audit (never secret). */
  lastOutcome: string | null;
}

/** Quota of one tenant for one product (CAS DescribePackageState). */
export interface PackageRecord {
  tenantId: string;
  productCode: string;
  totalCount: number;
  /** Applications accepted (issued or not), less those given back by DeleteCertificateRequest. */
  usedCount: number;
  issuedCount: number;
  updatedAt: Date;
}

export interface ContactRecord {
  id: number;
  tenantId: string;
  name: string;
  phone: string;
  email: string;
  createdAt: Date;
}

export interface CompanyRecord {
  id: number;
  tenantId: string;
  name: string;
  country: string | null;
  state: string | null;
  locality: string | null;
  createdAt: Date;
}

/** Which issuing CA signs each product (set by the operator). */
export interface ProductCaRepo {
  set(productCode: string, caId: string, at: Date): Promise<void>;
  get(productCode: string): Promise<string | null>;
  list(): Promise<Array<{ productCode: string; caId: string }>>;
}

export interface PackageRepo {
  get(tenantId: string, productCode: string): Promise<PackageRecord | null>;
  list(tenantId?: string): Promise<PackageRecord[]>;
  /** Adds `count` units to the tenant's package of the product, creating it. */
  grant(tenantId: string, productCode: string, count: number, at: Date): Promise<void>;
  /** Takes one unit for a new application: one guarded UPDATE, so racing takers never overdraw. */
  take(tenantId: string, productCode: string, at: Date): Promise<"taken" | "none_left" | "no_package">;
  /** Gives units back (a deleted order; a certificate revoked within 30 days of issue). */
  giveBack(tenantId: string, productCode: string, units: { used: number; issued: number }, at: Date): Promise<void>;
  /** Counts one more certificate issued under the package. */
  countIssued(tenantId: string, productCode: string, at: Date): Promise<void>;
}

export interface ContactRepo {
  add(c: Omit<ContactRecord, "id">): Promise<number>;
  /** The most recently added contact of the tenant. */
  latest(tenantId: string): Promise<ContactRecord | null>;
  list(tenantId: string): Promise<ContactRecord[]>;
}

export interface CompanyRepo {
  /** Fails with StoreError("conflict") when the tenant has a company of that name. */
  add(c: Omit<CompanyRecord, "id">): Promise<number>;
  byName(tenantId: string, name: string): Promise<CompanyRecord | null>;
  /** The most recently added company profile of the tenant. */
  latest(tenantId: string): Promise<CompanyRecord | null>;
  list(tenantId: string): Promise<CompanyRecord[]>;
}

/** Which orders a listing takes; every condition given must hold. */
export interface OrderFilter {
  statuses?: readonly OrderStatus[];
  /** The issued certificate's notAfter (Unix ms): after `after`, at or before `until`. */
  certNotAfter?: { after?: number; until?: number };
  /** A part of a domain, or a whole OrderId. */
  keyword?: string;
}

export interface OrderRepo {
  /** Stores a new order and returns its OrderId. */
  insert(o: Omit<OrderRecord, "id">): Promise<number>;
  /** The tenant's order, or null (another tenant's reads as missing). */
  get(tenantId: string, id: number): Promise<OrderRecord | null>;
  /**
   * Moves an order whose status is one of `from` to `to`, with `changes`; false (and nothing changed)
   * when its status was none of them — a concurrent caller moved it first.
   */
  transition(
    id: number,
    from: readonly OrderStatus[],
    to: OrderStatus,
    changes: Partial<Pick<OrderRecord, "certificateId" | "nextCheckAt" | "attempts" | "lastOutcome" | "deadline" | "updatedAt">>,
  ): Promise<boolean>;
  /** Removes the order (DeleteCertificateRequest). */
  delete(id: number): Promise<void>;
  /** The tenant's orders, newest first. */
  list(tenantId: string, page: { offset: number; limit: number }, filter?: OrderFilter): Promise<OrderRecord[]>;
  count(tenantId: string, filter?: OrderFilter): Promise<number>;
  /** Orders of any tenant awaiting validation (or issuance, after a crash) whose next look is due at `now`, most overdue first. */
  due(now: Date, limit: number): Promise<OrderRecord[]>;
}
