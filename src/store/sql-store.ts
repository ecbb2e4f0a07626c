/**
 * The store over SQL, shared by both adapters: the same statements (with `?` placeholders; the
 * PostgreSQL driver numbers them), the same row mapping, the same key encryption, the same migration
 * runner. Adapters supply only a Driver: connections, transactions and error translation.
 * Internal to src/store: not exported from the package.
 */
import { systemNow } from "../internal/env.js";
import { StoreError } from "./errors.js";
import { KeyVault } from "./crypto-at-rest.js";
import { orderRepos } from "./sql-orders.js";
import { ocspRepo } from "./sql-ocsp.js";
import { crlShardRepo } from "./sql-crl-shards.js";
import { type Dialect, MIGRATIONS, SCHEMA_VERSION } from "./migrations/index.js";
import type {
  AccessKeyRecord,
  AuditRecord,
  CaRecord,
  CertFilter,
  CertificateRecord,
  CrlRecord,
  Page,
  Store,
  StoreTx,
  TenantRecord,
} from "./port.js";

/** A result row as the driver returns it. */
export type Row = Record<string, unknown>;

/** One connection inside one open transaction. */
export interface SqlConn {
  /** Returns the number of rows changed. */
  run(sql: string, params?: unknown[]): Promise<number>;
  all(sql: string, params?: unknown[]): Promise<Row[]>;
  /**
   * A write whose row count nobody reads. An engine may send it without waiting for its answer; its
   * failure then fails the transaction's commit (nothing is committed) instead of this call. Absent:
   * use `run`.
   */
  write?(sql: string, params: unknown[]): Promise<void>;
}

/** What an adapter provides: transactions on its connections, and its dialect. */
export interface Driver {
  readonly dialect: Dialect;
  /** Runs `fn` in one transaction on one connection (writers serialize; see each adapter). */
  withTransaction<T>(fn: (c: SqlConn) => Promise<T>): Promise<T>;
  /** Runs `fn` on a read-only snapshot that does not wait for writers; writes in it fail. */
  withReadOnly<T>(fn: (c: SqlConn) => Promise<T>): Promise<T>;
  /** See {@link Store.changeMark}; absent: the engine cannot tell cheaply. */
  changeMark?(): Promise<number>;
  /** Several statements at once (migrations), inside the current transaction connection. */
  execScript(c: SqlConn, sql: string): Promise<void>;
  /** Takes a cross-process lock for the rest of the transaction (migrations). */
  lockForMigration(c: SqlConn): Promise<void>;
  close(): Promise<void>;
}

/** Options every adapter takes. */
export interface OpenOptions {
  /** Master passphrase; falls back to CASKIT_MASTER_PASSPHRASE, then the file in CASKIT_MASTER_PASSPHRASE_FILE. */
  passphrase?: string;
  /** Development only: run with a fixed, publicly known key. Also CASKIT_DEV_INSECURE_NO_PASSPHRASE=1. */
  devInsecure?: boolean;
}

/** Public by design: anyone can open a store made with it. Never use it for real keys. */
export const DEV_INSECURE_PASSPHRASE = "caskit-DEVELOPMENT-ONLY-insecure-passphrase";
let warned = false;

/**
 * Resolves the master passphrase: `passphrase`, else CASKIT_MASTER_PASSPHRASE, else the contents of the
 * file named by CASKIT_MASTER_PASSPHRASE_FILE (one trailing newline dropped). Without one it throws
 * StoreError("no_passphrase"), unless `devInsecure` or CASKIT_DEV_INSECURE_NO_PASSPHRASE=1 asks for the
 * public development passphrase (a warning goes to stderr once per process).
 */
export async function resolvePassphrase(o: OpenOptions): Promise<string> {
  if (o.passphrase) return o.passphrase;
  const env = process.env.CASKIT_MASTER_PASSPHRASE;
  if (env) return env;
  const file = process.env.CASKIT_MASTER_PASSPHRASE_FILE;
  if (file) {
    const { readFile } = await import("node:fs/promises");
    let text: string;
    try {
      text = (await readFile(file, "utf8")).replace(/\r?\n$/, "");
    } catch (cause) {
      // The path is configuration, not a secret; the contents are never echoed.
      throw new StoreError("no_passphrase", `cannot read CASKIT_MASTER_PASSPHRASE_FILE (${file})`, { cause });
    }
    if (text) return text;
    throw new StoreError("no_passphrase", `CASKIT_MASTER_PASSPHRASE_FILE (${file}) is empty`);
  }
  if (o.devInsecure || process.env.CASKIT_DEV_INSECURE_NO_PASSPHRASE === "1") {
    if (!warned) {
      warned = true;
      process.stderr.write("caskit: WARNING: CASKIT_DEV_INSECURE_NO_PASSPHRASE — private keys are encrypted with a public development key\n");
    }
    return DEV_INSECURE_PASSPHRASE;
  }
  throw new StoreError(
    "no_passphrase",
    "no master passphrase: set CASKIT_MASTER_PASSPHRASE or CASKIT_MASTER_PASSPHRASE_FILE (or, for development only, CASKIT_DEV_INSECURE_NO_PASSPHRASE=1)",
  );
}

/**
 * A CA and every CA above it (at most 20), the CA first, in one statement. Parameters: the CA's id, then
 * the tenant twice — or null twice for any tenant's (public artefacts: certificates, CRLs, OCSP).
 */
const chainSql = (columns: string) => `WITH RECURSIVE chain (id, parent_id, depth) AS (
    SELECT id, parent_id, 0 FROM cas WHERE id = ? AND (CAST(? AS TEXT) IS NULL OR tenant_id = ?)
    UNION ALL SELECT p.id, p.parent_id, chain.depth + 1 FROM cas p JOIN chain ON p.id = chain.parent_id WHERE chain.depth < 20)
  SELECT ${columns} FROM chain JOIN cas ON cas.id = chain.id ORDER BY chain.depth`;
const CHAIN_SQL = chainSql("cas.*");
const CHAIN_STATE_SQL = chainSql("cas.id, cas.status, cas.crl_enabled, cas.crl_shards");

const num = (v: unknown): number => Number(v);
const date = (v: unknown): Date => new Date(Number(v));
const dateOrNull = (v: unknown): Date | null => (v === null || v === undefined ? null : new Date(Number(v)));
const bytes = (v: unknown): Uint8Array => new Uint8Array(v as Buffer);
const ms = (d: Date | null): number | null => (d === null ? null : d.getTime());

/**
 * Applies pending migrations in one transaction under a cross-process lock (two processes opening a new
 * store at once: one migrates, the other then finds nothing to do), recording each in
 * `schema_migrations`. Refuses a store whose schema is newer than this code knows: running old code on
 * a newer schema could write rows the newer code misreads.
 */
async function migrate(driver: Driver): Promise<void> {
  await driver.withTransaction(async (c) => {
    await driver.lockForMigration(c);
    await c.run("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)");
    const done = new Set((await c.all("SELECT version FROM schema_migrations")).map((r) => num(r.version)));
    const newest = Math.max(0, ...done);
    if (newest > SCHEMA_VERSION) {
      throw new StoreError("migration", `the store has schema version ${newest}; this caskit knows up to ${SCHEMA_VERSION}. Upgrade caskit.`);
    }
    for (const m of MIGRATIONS[driver.dialect]) {
      if (done.has(m.version)) continue;
      try {
        await driver.execScript(c, m.sql);
      } catch (cause) {
        throw new StoreError("migration", `migration ${m.version} (${m.name}) failed; nothing was applied`, { cause });
      }
      await c.run("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)", [m.version, m.name, systemNow().getTime()]);
    }
  });
}

async function openVault(driver: Driver, passphrase: string): Promise<KeyVault> {
  const readMeta = async (c: SqlConn) => {
    const rows = await c.all("SELECT key, value FROM store_meta WHERE key IN ('vault_salt', 'vault_check')");
    const m = Object.fromEntries(rows.map((r) => [r.key as string, bytes(r.value)]));
    return m.vault_salt && m.vault_check ? { salt: m.vault_salt, check: m.vault_check } : null;
  };
  // scrypt runs outside any transaction: on SQLite a transaction holds the file's write lock, and
  // ~0.1 s of key derivation there would stall every other process.
  const existing = await driver.withTransaction(readMeta);
  if (existing) return KeyVault.open(passphrase, existing);
  const { vault, meta } = KeyVault.create(passphrase);
  const raced = await driver.withTransaction(async (c) => {
    await driver.lockForMigration(c);
    const now = await readMeta(c);
    if (now) return now;
    await c.run("INSERT INTO store_meta (key, value) VALUES (?, ?), (?, ?)", ["vault_salt", Buffer.from(meta.salt), "vault_check", Buffer.from(meta.check)]);
    return null;
  });
  // Another process created the vault first: its salt wins, and our passphrase must open it.
  return raced ? KeyVault.open(passphrase, raced) : vault;
}

/**
 * Opens a store over a driver: migrations, then the key vault (bad_passphrase). The adapter resolves
 * the passphrase first (resolvePassphrase), so no_passphrase comes before any file or connection is
 * made. Closes the driver on any failure.
 */
export async function openSqlStore(driver: Driver, passphrase: string): Promise<Store> {
  try {
    await migrate(driver);
    const vault = await openVault(driver, passphrase);
    return new SqlStore(driver, vault);
  } catch (e) {
    await driver.close();
    throw e;
  }
}

class SqlStore implements Store {
  readonly kind: Store["kind"];
  readonly #driver: Driver;
  readonly #vault: KeyVault;
  constructor(driver: Driver, vault: KeyVault) {
    this.#driver = driver;
    this.#vault = vault;
    this.kind = driver.dialect;
  }

  transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    return this.#driver.withTransaction(async (c) => {
      // One meaning for both dialects: a failed statement fails the whole transaction, even when `fn`
      // catches it. PostgreSQL aborts the transaction anyway (and its COMMIT would then roll back
      // *silently*); SQLite would carry on with the statement undone. Here any later statement rethrows
      // the first failure, and so does the end of `fn`, so the adapter rolls everything back.
      let failure: { error: unknown } | undefined;
      const guard = async <R>(run: () => Promise<R>): Promise<R> => {
        if (failure) throw failure.error;
        try {
          return await run();
        } catch (error) {
          failure ??= { error };
          throw error;
        }
      };
      const tracked: SqlConn = { run: (sql, params) => guard(() => c.run(sql, params)), all: (sql, params) => guard(() => c.all(sql, params)) };
      // A write sent without waiting fails later, through the adapter's commit (see SqlConn.write).
      const write = c.write?.bind(c);
      if (write) tracked.write = (sql, params) => guard(() => write(sql, params));
      const result = await fn(repos(tracked, this.#vault));
      if (failure) throw failure.error;
      return result;
    });
  }

  /** The repositories of each read connection, made once: a lookup (an OCSP answer) should not build them every time. */
  readonly #readRepos = new WeakMap<SqlConn, StoreTx>();
  read<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    return this.#driver.withReadOnly((c) => {
      let tx = this.#readRepos.get(c);
      if (!tx) this.#readRepos.set(c, (tx = repos(c, this.#vault)));
      return fn(tx);
    });
  }

  changeMark(): Promise<number | null> {
    return this.#driver.changeMark ? this.#driver.changeMark() : Promise.resolve(null);
  }

  async ping(): Promise<void> {
    await this.#driver.withReadOnly((c) => c.all("SELECT version FROM schema_migrations LIMIT 1"));
  }

  async counts(): Promise<Record<string, number>> {
    return this.#driver.withTransaction(async (c) => {
      const out: Record<string, number> = {};
      for (const t of ["tenants", "access_keys", "cas", "certificates", "crls", "audit_log", "product_cas", "packages", "contacts", "companies", "orders"]) {
        const [r] = await c.all(`SELECT COUNT(*) AS n FROM ${t}`);
        out[t] = num(r?.n);
      }
      return out;
    });
  }

  close(): Promise<void> {
    return this.#driver.close();
  }
}

function repos(c: SqlConn, vault: KeyVault): StoreTx {
  // Keys are decrypted when first read, not with every row: issuance reads its CA twice per certificate
  // and never looks at the sealed key (the prepared issuer holds it); listings never do either.
  const withLazyKey = <T extends { keyPkcs8: Uint8Array | null }>(rec: Omit<T, "keyPkcs8">, enc: unknown, aad: string): T => {
    let plain: Uint8Array | null | undefined;
    const sealed = enc === null || enc === undefined ? null : bytes(enc);
    return Object.defineProperty(rec as T, "keyPkcs8", {
      enumerable: true,
      configurable: true,
      get: () => (plain === undefined ? (plain = sealed ? new Uint8Array(vault.open(sealed, aad)) : null) : plain),
      set: (v: Uint8Array | null) => {
        plain = v;
      },
    });
  };
  const toCa = (r: Row): CaRecord => withLazyKey<CaRecord>({
    id: r.id as string,
    tenantId: r.tenant_id as string,
    parentId: (r.parent_id as string | null) ?? null,
    kind: r.kind as CaRecord["kind"],
    status: r.status as CaRecord["status"],
    certificatePem: r.certificate_pem as string,
    chainPem: r.chain_pem as string,
    subject: JSON.parse(r.subject as string),
    serialNumber: r.serial_number as string,
    algorithm: r.algorithm as string,
    keySize: num(r.key_size),
    signAlgorithm: r.sign_algorithm as string,
    notBefore: date(r.not_before),
    notAfter: date(r.not_after),
    years: num(r.years),
    pathLen: r.path_len === null || r.path_len === undefined ? null : num(r.path_len),
    crlEnabled: num(r.crl_enabled) === 1,
    crlDays: num(r.crl_days),
    createdAt: date(r.created_at),
    revokedAt: dateOrNull(r.revoked_at),
    revokeReason: (r.revoke_reason as string | null) ?? null,
    revocationSeq: num(r.revocation_seq),
    crlShards: num(r.crl_shards ?? 0),
    crlShardHigh: num(r.crl_shard_high ?? 0),
  }, r.key_enc, `ca:${r.id}`);
  const toCert = (r: Row): CertificateRecord => withLazyKey<CertificateRecord>({
    id: r.id as string,
    tenantId: r.tenant_id as string,
    issuerId: r.issuer_id as string,
    serialNumber: r.serial_number as string,
    certificateType: r.certificate_type as CertificateRecord["certificateType"],
    status: r.status as CertificateRecord["status"],
    certificatePem: r.certificate_pem as string,
    subject: JSON.parse(r.subject as string),
    sans: JSON.parse(r.sans as string),
    notBefore: date(r.not_before),
    notAfter: date(r.not_after),
    algorithm: r.algorithm as string,
    keySize: num(r.key_size),
    signAlgorithm: r.sign_algorithm as string,
    sha256: r.sha256 as string,
    tags: JSON.parse(r.tags as string),
    createdAt: date(r.created_at),
    revokedAt: dateOrNull(r.revoked_at),
    revokeReason: (r.revoke_reason as string | null) ?? null,
  }, r.key_enc, `cert:${r.id}`);
  const certFilter = (tenantId: string, f?: CertFilter) => {
    const where = ["tenant_id = ?", "deleted_at IS NULL"];
    const params: unknown[] = [tenantId];
    if (f?.revokedOrIssuedBy) {
      const ids = f.revokedOrIssuedBy;
      where.push(ids.length ? `(status = 'REVOKE' OR issuer_id IN (${ids.map(() => "?").join(", ")}))` : "status = 'REVOKE'");
      params.push(...ids);
    }
    if (f?.status) {
      where.push("status = ?");
      params.push(f.status);
    }
    if (f?.id) {
      where.push("id = ?");
      params.push(f.id);
    }
    return { where: where.join(" AND "), params };
  };

  return {
    ...orderRepos(c, vault),
    ocsp: ocspRepo(c, vault),
    crlShards: crlShardRepo(c),
    tenants: {
      async create(t: TenantRecord) {
        await c.run("INSERT INTO tenants (id, name, created_at) VALUES (?, ?, ?)", [t.id, t.name, t.createdAt.getTime()]);
      },
      async get(id) {
        const [r] = await c.all("SELECT * FROM tenants WHERE id = ?", [id]);
        return r ? { id: r.id as string, name: r.name as string, createdAt: date(r.created_at) } : null;
      },
    },
    accessKeys: {
      async create(k: AccessKeyRecord) {
        await c.run("INSERT INTO access_keys (id, tenant_id, secret_enc, status, created_at) VALUES (?, ?, ?, ?, ?)", [
          k.id,
          k.tenantId,
          Buffer.from(vault.seal(Buffer.from(k.secret), `ak:${k.id}`)),
          k.status,
          k.createdAt.getTime(),
        ]);
      },
      async get(id) {
        const [r] = await c.all("SELECT * FROM access_keys WHERE id = ?", [id]);
        return r ? toKey(r) : null;
      },
      async list(tenantId) {
        const rows = tenantId ? await c.all("SELECT * FROM access_keys WHERE tenant_id = ? ORDER BY created_at, id", [tenantId]) : await c.all("SELECT * FROM access_keys ORDER BY created_at, id");
        return rows.map(toKey);
      },
      async setStatus(id, status) {
        return (await c.run("UPDATE access_keys SET status = ? WHERE id = ?", [status, id])) > 0;
      },
    },
    cas: {
      async insert(ca: CaRecord) {
        if (ca.parentId) {
          // One serial space per issuer: the parent's certificates, its sub-CAs (a unique index), and
          // the parent itself when it is a self-signed root (its serial is in its own space).
          const [taken] = await c.all(
            "SELECT 1 AS x FROM certificates WHERE issuer_id = ? AND serial_number = ? UNION ALL SELECT 1 FROM cas WHERE id = ? AND parent_id IS NULL AND serial_number = ?",
            [ca.parentId, ca.serialNumber, ca.parentId, ca.serialNumber],
          );
          if (taken) throw new StoreError("conflict", `serial ${ca.serialNumber} is already used under issuer ${ca.parentId}`);
        }
        await c.run(
          `INSERT INTO cas (id, tenant_id, parent_id, kind, status, certificate_pem, chain_pem, key_enc, subject, serial_number, algorithm,
             key_size, sign_algorithm, not_before, not_after, years, path_len, crl_enabled, crl_days, created_at, revoked_at, revoke_reason)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          [
            ca.id,
            ca.tenantId,
            ca.parentId,
            ca.kind,
            ca.status,
            ca.certificatePem,
            ca.chainPem,
            Buffer.from(vault.seal(ca.keyPkcs8, `ca:${ca.id}`)),
            JSON.stringify(ca.subject),
            ca.serialNumber,
            ca.algorithm,
            ca.keySize,
            ca.signAlgorithm,
            ca.notBefore.getTime(),
            ca.notAfter.getTime(),
            ca.years,
            ca.pathLen,
            ca.crlEnabled ? 1 : 0,
            ca.crlDays,
            ca.createdAt.getTime(),
            ms(ca.revokedAt),
            ca.revokeReason ?? null,
          ],
        );
      },
      async get(tenantId, id) {
        const [r] = await c.all("SELECT * FROM cas WHERE tenant_id = ? AND id = ?", [tenantId, id]);
        return r ? toCa(r) : null;
      },
      async getChain(tenantId, id) {
        return (await c.all(CHAIN_SQL, [id, tenantId, tenantId])).map(toCa);
      },
      async getPublicChain(id) {
        return (await c.all(CHAIN_SQL, [id, null, null])).map(toCa);
      },
      async chainStates(tenantId, id) {
        return (await c.all(CHAIN_STATE_SQL, [id, tenantId, tenantId])).map((r) => ({ id: r.id as string, status: r.status as CaRecord["status"], crlEnabled: num(r.crl_enabled) === 1, crlShards: num(r.crl_shards ?? 0) }));
      },
      async revocationStates(ids) {
        if (!ids.length) return [];
        const rows = await c.all(`SELECT id, status, revocation_seq FROM cas WHERE id IN (${ids.map(() => "?").join(", ")})`, [...ids]);
        return rows.map((r) => ({ id: r.id as string, status: r.status as CaRecord["status"], revocationSeq: num(r.revocation_seq) }));
      },
      async listActiveIds() {
        return (await c.all("SELECT id FROM cas WHERE status = 'ISSUE' ORDER BY id")).map((r) => r.id as string);
      },
      async listAllIds() {
        return (await c.all("SELECT id FROM cas ORDER BY id")).map((r) => r.id as string);
      },
      async getPublic(id) {
        const [r] = await c.all("SELECT * FROM cas WHERE id = ?", [id]);
        return r ? toCa(r) : null;
      },
      async list(tenantId, page: Page) {
        return (await c.all("SELECT * FROM cas WHERE tenant_id = ? ORDER BY created_at, id LIMIT ? OFFSET ?", [tenantId, page.limit, page.offset])).map(toCa);
      },
      async count(tenantId) {
        const [r] = await c.all("SELECT COUNT(*) AS n FROM cas WHERE tenant_id = ?", [tenantId]);
        return num(r?.n);
      },
      async countChildren(parentId) {
        const [r] = await c.all("SELECT COUNT(*) AS n FROM cas WHERE parent_id = ?", [parentId]);
        return num(r?.n);
      },
      async setStatus(id, status, at, reason) {
        const revoke = status === "REVOKE";
        // The parent's counter first: its row lock orders this against a concurrent rebuild of its CRL.
        if (revoke) await c.run("UPDATE cas SET revocation_seq = revocation_seq + 1 WHERE id = (SELECT parent_id FROM cas WHERE id = ?)", [id]);
        await c.run("UPDATE cas SET status = ?, revoked_at = ?, revoke_reason = ? WHERE id = ?", [status, revoke ? at.getTime() : null, revoke ? (reason ?? null) : null, id]);
      },
      async revokedChildren(parentId) {
        const rows = await c.all("SELECT serial_number, revoked_at, not_after, revoke_reason FROM cas WHERE parent_id = ? AND status = 'REVOKE' ORDER BY serial_number", [parentId]);
        return rows.map((r) => ({ serialNumber: r.serial_number as string, revokedAt: date(r.revoked_at), notAfter: date(r.not_after), reason: (r.revoke_reason as string | null) ?? null }));
      },
      async takeCrlNumber(id) {
        // One UPDATE … RETURNING: the row lock makes concurrent takers serialize (both dialects).
        const [r] = await c.all("UPDATE cas SET next_crl_number = next_crl_number + 1 WHERE id = ? RETURNING next_crl_number - 1 AS n", [id]);
        if (!r) throw new StoreError("conflict", `no CA ${id}`);
        return BigInt(r.n as number | string);
      },
    },
    certificates: {
      async insert(x: CertificateRecord) {
        // One serial space per issuer: a sub-CA of the same issuer may not hold it either (checked in the
        // same statement: one round trip per certificate on PostgreSQL; the certificates' own UNIQUE
        // (issuer_id, serial_number) covers the rest).
        const inserted = await c.run(
          `INSERT INTO certificates (id, tenant_id, issuer_id, serial_number, certificate_type, status, certificate_pem, subject, sans,
             not_before, not_after, algorithm, key_size, sign_algorithm, sha256, key_enc, tags, created_at, revoked_at, revoke_reason)
           SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?
           WHERE NOT EXISTS (SELECT 1 FROM cas WHERE parent_id = ? AND serial_number = ?)`,
          [
            x.id,
            x.tenantId,
            x.issuerId,
            x.serialNumber,
            x.certificateType,
            x.status,
            x.certificatePem,
            JSON.stringify(x.subject),
            JSON.stringify(x.sans),
            x.notBefore.getTime(),
            x.notAfter.getTime(),
            x.algorithm,
            x.keySize,
            x.signAlgorithm,
            x.sha256,
            x.keyPkcs8 ? Buffer.from(vault.seal(x.keyPkcs8, `cert:${x.id}`)) : null,
            JSON.stringify(x.tags),
            x.createdAt.getTime(),
            ms(x.revokedAt),
            x.revokeReason,
            x.issuerId,
            x.serialNumber,
          ],
        );
        if (inserted === 0) throw new StoreError("conflict", `serial ${x.serialNumber} is already used under issuer ${x.issuerId}`);
      },
      async get(tenantId, id) {
        const [r] = await c.all("SELECT * FROM certificates WHERE tenant_id = ? AND id = ? AND deleted_at IS NULL", [tenantId, id]);
        return r ? toCert(r) : null;
      },
      async list(tenantId, page, filter) {
        const f = certFilter(tenantId, filter);
        return (await c.all(`SELECT * FROM certificates WHERE ${f.where} ORDER BY created_at, id LIMIT ? OFFSET ?`, [...f.params, page.limit, page.offset])).map(toCert);
      },
      async count(tenantId, filter) {
        const f = certFilter(tenantId, filter);
        const [r] = await c.all(`SELECT COUNT(*) AS n FROM certificates WHERE ${f.where}`, f.params);
        return num(r?.n);
      },
      async countByIssuer(issuerId) {
        const [r] = await c.all("SELECT COUNT(*) AS n FROM certificates WHERE issuer_id = ?", [issuerId]);
        return num(r?.n);
      },
      async revoke(id, at, reason) {
        const changed = await c.run("UPDATE certificates SET status = 'REVOKE', revoked_at = ?, revoke_reason = ? WHERE id = ? AND status = 'ISSUE' AND deleted_at IS NULL", [at.getTime(), reason, id]);
        if (changed === 0) return false;
        await c.run("UPDATE cas SET revocation_seq = revocation_seq + 1 WHERE id = (SELECT issuer_id FROM certificates WHERE id = ?)", [id]);
        return true;
      },
      async delete(id, at) {
        await c.run("UPDATE certificates SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL", [at.getTime(), id]);
      },
      async revokedPage(issuerId, afterSerial, limit) {
        const rows = await c.all(
          "SELECT serial_number, revoked_at, revoke_reason, not_after FROM certificates WHERE issuer_id = ? AND status = 'REVOKE' AND serial_number > ? ORDER BY serial_number LIMIT ?",
          [issuerId, afterSerial, limit],
        );
        return rows.map((r) => ({ serialNumber: r.serial_number as string, revokedAt: date(r.revoked_at), reason: (r.revoke_reason as string | null) ?? null, notAfter: date(r.not_after) }));
      },
      async statusBySerial(issuerId, serialNumber) {
        // Both unique (issuer, serial) indexes; deleted_at is not looked at: deleting never un-revokes.
        const rows = await c.all(
          `SELECT 'certificate' AS kind, status, revoked_at, revoke_reason, not_after FROM certificates WHERE issuer_id = ? AND serial_number = ?
           UNION ALL SELECT 'ca' AS kind, status, revoked_at, revoke_reason, not_after FROM cas WHERE parent_id = ? AND serial_number = ?`,
          [issuerId, serialNumber, issuerId, serialNumber],
        );
        const r = rows[0];
        if (!r) return null;
        return {
          kind: r.kind as "certificate" | "ca",
          status: r.status as CertificateRecord["status"],
          revokedAt: dateOrNull(r.revoked_at),
          reason: (r.revoke_reason as string | null) ?? null,
          notAfter: date(r.not_after),
        };
      },
    },
    crls: {
      async put(x: CrlRecord) {
        await c.run("INSERT INTO crls (ca_id, crl_number, this_update, next_update, der, revocation_seq) VALUES (?, ?, ?, ?, ?, ?)", [
          x.caId,
          x.crlNumber.toString(),
          // this_update keeps the build instant in ms; thisUpdate is read back in whole seconds.
          (x.builtAt ?? x.thisUpdate).getTime(),
          x.nextUpdate.getTime(),
          Buffer.from(x.der),
          x.revocationSeq ?? null,
        ]);
      },
      async latest(caId) {
        const [r] = await c.all("SELECT * FROM crls WHERE ca_id = ? ORDER BY crl_number DESC LIMIT 1", [caId]);
        if (!r) return null;
        const builtAt = date(r.this_update);
        const thisUpdate = new Date(Math.floor(builtAt.getTime() / 1000) * 1000);
        const revocationSeq = r.revocation_seq === null || r.revocation_seq === undefined ? null : num(r.revocation_seq);
        return { caId: r.ca_id as string, crlNumber: BigInt(r.crl_number as string | number), thisUpdate, nextUpdate: date(r.next_update), der: bytes(r.der), builtAt, revocationSeq };
      },
    },
    audit: {
      async append(a: AuditRecord) {
        // The last statement of most actions: PostgreSQL sends it with the COMMIT behind it (`write`).
        const sql = "INSERT INTO audit_log (at, actor, tenant_id, action, target, outcome, detail) VALUES (?, ?, ?, ?, ?, ?, ?)";
        const params = [a.at.getTime(), a.actor, a.tenantId, a.action, a.target, a.outcome, a.detail];
        await (c.write ? c.write(sql, params) : c.run(sql, params));
      },
      async list(limit) {
        const rows = await c.all("SELECT * FROM audit_log ORDER BY seq DESC LIMIT ?", [limit]);
        return rows.map((r) => ({
          at: date(r.at),
          actor: r.actor as string,
          tenantId: (r.tenant_id as string | null) ?? null,
          action: r.action as string,
          target: (r.target as string | null) ?? null,
          outcome: r.outcome as AuditRecord["outcome"],
          detail: (r.detail as string | null) ?? null,
        }));
      },
    },
    throttle: {
      async hit(tenantId, action, windowStart) {
        const [r] = await c.all(
          "INSERT INTO throttle_windows (tenant_id, action, window_start, hits) VALUES (?, ?, ?, 1) ON CONFLICT (tenant_id, action, window_start) DO UPDATE SET hits = throttle_windows.hits + 1 RETURNING hits",
          [tenantId, action, windowStart],
        );
        return num(r?.hits);
      },
      async sweep(beforeWindow, limit) {
        return c.run(
          "DELETE FROM throttle_windows WHERE (tenant_id, action, window_start) IN (SELECT tenant_id, action, window_start FROM throttle_windows WHERE window_start < ? LIMIT ?)",
          [beforeWindow, limit],
        );
      },
    },
    nonces: {
      async claim(accessKeyId, nonce, now, expiresAt) {
        // A row left behind by a nonce that has expired (not swept yet) is taken over; a live one is not.
        const n = await c.run(
          "INSERT INTO nonces (access_key_id, nonce, expires_at) VALUES (?, ?, ?) ON CONFLICT (access_key_id, nonce) DO UPDATE SET expires_at = excluded.expires_at WHERE nonces.expires_at < ?",
          [accessKeyId, nonce, expiresAt.getTime(), now.getTime()],
        );
        return n > 0;
      },
      async sweep(now, limit) {
        return c.run(
          "DELETE FROM nonces WHERE (access_key_id, nonce) IN (SELECT access_key_id, nonce FROM nonces WHERE expires_at < ? ORDER BY expires_at LIMIT ?)",
          [now.getTime(), limit],
        );
      },
    },
  };

  function toKey(r: Row): AccessKeyRecord {
    return {
      id: r.id as string,
      tenantId: r.tenant_id as string,
      secret: vault.open(bytes(r.secret_enc), `ak:${r.id}`).toString(),
      status: r.status as AccessKeyRecord["status"],
      createdAt: date(r.created_at),
    };
  }
}
