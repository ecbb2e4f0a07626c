/**
 * The order repositories (port-orders.ts) over SQL, for both dialects: the same statements, with the
 * guards in the statements themselves (quota taken by `used_count < total_count`, states moved by
 * `status IN (…)`), so concurrent processes on SQLite or PostgreSQL never both win.
 * Internal to src/store.
 */
import type { KeyVault } from "./crypto-at-rest.js";
import type { OrderFilter, OrderRecord, OrderStatus, PackageRecord } from "./port-orders.js";
import type { OrderRepos } from "./port.js";
import type { Row, SqlConn } from "./sql-store.js";

const num = (v: unknown): number => Number(v);
const date = (v: unknown): Date => new Date(Number(v));
const strOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

/** Maps each OrderRecord field that `transition` may change to its column. */
const CHANGE_COLUMNS = {
  certificateId: "certificate_id",
  nextCheckAt: "next_check_at",
  attempts: "attempts",
  lastOutcome: "last_outcome",
  deadline: "deadline",
  updatedAt: "updated_at",
} as const;

export function orderRepos(c: SqlConn, vault: KeyVault): OrderRepos {
  const toPackage = (r: Row): PackageRecord => ({
    tenantId: r.tenant_id as string,
    productCode: r.product_code as string,
    totalCount: num(r.total_count),
    usedCount: num(r.used_count),
    issuedCount: num(r.issued_count),
    updatedAt: date(r.updated_at),
  });
  const toOrder = (r: Row): OrderRecord => {
    const id = num(r.id);
    const sealed = r.key_enc === null || r.key_enc === undefined ? null : new Uint8Array(r.key_enc as Buffer);
    let key: Uint8Array | null | undefined;
    // Opened on first read only: the validator's batches never look at keys.
    const rec = {
      id,
      tenantId: r.tenant_id as string,
      productCode: r.product_code as string,
      status: r.status as OrderStatus,
      validateType: r.validate_type as OrderRecord["validateType"],
      domains: String(r.domains).split(","),
      dcvValue: r.dcv_value as string,
      csrPem: r.csr_pem as string,
      contact: { name: r.contact_name as string, phone: r.contact_phone as string, email: r.contact_email as string },
      companyName: strOrNull(r.company_name),
      certificateId: strOrNull(r.certificate_id),
      renewalOf: r.renewal_of === null || r.renewal_of === undefined ? null : num(r.renewal_of),
      tags: JSON.parse(r.tags as string),
      createdAt: date(r.created_at),
      updatedAt: date(r.updated_at),
      deadline: date(r.deadline),
      nextCheckAt: date(r.next_check_at),
      attempts: num(r.attempts),
      lastOutcome: strOrNull(r.last_outcome),
    };
    return Object.defineProperty(rec as OrderRecord, "keyPkcs8", {
      enumerable: true,
      get: () => (key === undefined ? (key = sealed ? new Uint8Array(vault.open(sealed, `order:${id}`)) : null) : key),
    });
  };
  const orderWhere = (tenantId: string, f?: OrderFilter) => {
    const where = ["o.tenant_id = ?"];
    const params: unknown[] = [tenantId];
    if (f?.statuses) {
      where.push(f.statuses.length ? `o.status IN (${f.statuses.map(() => "?").join(", ")})` : "1 = 0");
      params.push(...f.statuses);
    }
    if (f?.certNotAfter?.after !== undefined) {
      where.push("c.not_after > ?");
      params.push(f.certNotAfter.after);
    }
    if (f?.certNotAfter?.until !== undefined) {
      where.push("c.not_after <= ?");
      params.push(f.certNotAfter.until);
    }
    if (f?.keyword) {
      // A part of a domain (LIKE wildcards in the keyword taken literally), or the whole OrderId.
      const like = `%${f.keyword.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
      where.push("(o.domains LIKE ? ESCAPE '\\' OR o.id = ?)");
      params.push(like, /^\d{1,15}$/.test(f.keyword) ? Number(f.keyword) : -1);
    }
    return { sql: `FROM orders o LEFT JOIN certificates c ON c.id = o.certificate_id WHERE ${where.join(" AND ")}`, params };
  };

  return {
    productCas: {
      async set(productCode, caId, at) {
        await c.run(
          "INSERT INTO product_cas (product_code, ca_id, updated_at) VALUES (?, ?, ?) ON CONFLICT (product_code) DO UPDATE SET ca_id = excluded.ca_id, updated_at = excluded.updated_at",
          [productCode, caId, at.getTime()],
        );
      },
      async get(productCode) {
        const [r] = await c.all("SELECT ca_id FROM product_cas WHERE product_code = ?", [productCode]);
        return r ? (r.ca_id as string) : null;
      },
      async list() {
        return (await c.all("SELECT product_code, ca_id FROM product_cas ORDER BY product_code")).map((r) => ({ productCode: r.product_code as string, caId: r.ca_id as string }));
      },
    },
    packages: {
      async get(tenantId, productCode) {
        const [r] = await c.all("SELECT * FROM packages WHERE tenant_id = ? AND product_code = ?", [tenantId, productCode]);
        return r ? toPackage(r) : null;
      },
      async list(tenantId) {
        const rows = tenantId
          ? await c.all("SELECT * FROM packages WHERE tenant_id = ? ORDER BY product_code", [tenantId])
          : await c.all("SELECT * FROM packages ORDER BY tenant_id, product_code");
        return rows.map(toPackage);
      },
      async grant(tenantId, productCode, count, at) {
        await c.run(
          `INSERT INTO packages (tenant_id, product_code, total_count, updated_at) VALUES (?, ?, ?, ?)
           ON CONFLICT (tenant_id, product_code) DO UPDATE SET total_count = packages.total_count + excluded.total_count, updated_at = excluded.updated_at`,
          [tenantId, productCode, count, at.getTime()],
        );
      },
      async take(tenantId, productCode, at) {
        const taken = await c.run("UPDATE packages SET used_count = used_count + 1, updated_at = ? WHERE tenant_id = ? AND product_code = ? AND used_count < total_count", [
          at.getTime(),
          tenantId,
          productCode,
        ]);
        if (taken > 0) return "taken";
        const [r] = await c.all("SELECT 1 AS x FROM packages WHERE tenant_id = ? AND product_code = ?", [tenantId, productCode]);
        return r ? "none_left" : "no_package";
      },
      async giveBack(tenantId, productCode, units, at) {
        await c.run("UPDATE packages SET used_count = used_count - ?, issued_count = issued_count - ?, updated_at = ? WHERE tenant_id = ? AND product_code = ?", [
          units.used,
          units.issued,
          at.getTime(),
          tenantId,
          productCode,
        ]);
      },
      async countIssued(tenantId, productCode, at) {
        await c.run("UPDATE packages SET issued_count = issued_count + 1, updated_at = ? WHERE tenant_id = ? AND product_code = ?", [at.getTime(), tenantId, productCode]);
      },
    },
    contacts: {
      async add(x) {
        const [r] = await c.all("INSERT INTO contacts (tenant_id, name, phone, email, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id", [
          x.tenantId,
          x.name,
          x.phone,
          x.email,
          x.createdAt.getTime(),
        ]);
        return num(r?.id);
      },
      async latest(tenantId) {
        const [r] = await c.all("SELECT * FROM contacts WHERE tenant_id = ? ORDER BY id DESC LIMIT 1", [tenantId]);
        return r ? toContact(r) : null;
      },
      async list(tenantId) {
        const rows = await c.all("SELECT * FROM contacts WHERE tenant_id = ? ORDER BY id", [tenantId]);
        return rows.map(toContact);
      },
    },
    companies: {
      async add(x) {
        const [r] = await c.all("INSERT INTO companies (tenant_id, name, country, state, locality, created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id", [
          x.tenantId,
          x.name,
          x.country,
          x.state,
          x.locality,
          x.createdAt.getTime(),
        ]);
        return num(r?.id);
      },
      async byName(tenantId, name) {
        const [r] = await c.all("SELECT * FROM companies WHERE tenant_id = ? AND name = ?", [tenantId, name]);
        return r ? toCompany(r) : null;
      },
      async latest(tenantId) {
        const [r] = await c.all("SELECT * FROM companies WHERE tenant_id = ? ORDER BY id DESC LIMIT 1", [tenantId]);
        return r ? toCompany(r) : null;
      },
      async list(tenantId) {
        return (await c.all("SELECT * FROM companies WHERE tenant_id = ? ORDER BY id", [tenantId])).map(toCompany);
      },
    },
    orders: {
      async insert(o) {
        const [r] = await c.all(
          `INSERT INTO orders (tenant_id, product_code, status, validate_type, domains, dcv_value, csr_pem, contact_name, contact_phone, contact_email,
             company_name, certificate_id, renewal_of, tags, created_at, updated_at, deadline, next_check_at, attempts, last_outcome)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
          [
            o.tenantId,
            o.productCode,
            o.status,
            o.validateType,
            o.domains.join(","),
            o.dcvValue,
            o.csrPem,
            o.contact.name,
            o.contact.phone,
            o.contact.email,
            o.companyName,
            o.certificateId,
            o.renewalOf,
            JSON.stringify(o.tags),
            o.createdAt.getTime(),
            o.updatedAt.getTime(),
            o.deadline.getTime(),
            o.nextCheckAt.getTime(),
            o.attempts,
            o.lastOutcome,
          ],
        );
        const id = num(r?.id);
        // The key is sealed with the OrderId as its AAD, known only once the row exists.
        if (o.keyPkcs8) await c.run("UPDATE orders SET key_enc = ? WHERE id = ?", [Buffer.from(vault.seal(o.keyPkcs8, `order:${id}`)), id]);
        return id;
      },
      async get(tenantId, id) {
        const [r] = await c.all("SELECT * FROM orders WHERE tenant_id = ? AND id = ?", [tenantId, id]);
        return r ? toOrder(r) : null;
      },
      async transition(id, from, to, changes) {
        const sets = ["status = ?"];
        const params: unknown[] = [to];
        for (const [k, col] of Object.entries(CHANGE_COLUMNS) as Array<[keyof typeof CHANGE_COLUMNS, string]>) {
          if (!(k in changes)) continue;
          const v = changes[k];
          sets.push(`${col} = ?`);
          params.push(v instanceof Date ? v.getTime() : (v ?? null));
        }
        params.push(id, ...from);
        return (await c.run(`UPDATE orders SET ${sets.join(", ")} WHERE id = ? AND status IN (${from.map(() => "?").join(", ")})`, params)) > 0;
      },
      async delete(id) {
        await c.run("DELETE FROM orders WHERE id = ?", [id]);
      },
      async list(tenantId, page, filter) {
        const w = orderWhere(tenantId, filter);
        return (await c.all(`SELECT o.* ${w.sql} ORDER BY o.id DESC LIMIT ? OFFSET ?`, [...w.params, page.limit, page.offset])).map(toOrder);
      },
      async count(tenantId, filter) {
        const w = orderWhere(tenantId, filter);
        const [r] = await c.all(`SELECT COUNT(*) AS n ${w.sql}`, w.params);
        return num(r?.n);
      },
      async due(now, limit) {
        return (await c.all("SELECT * FROM orders WHERE status IN ('domain_verify', 'process') AND next_check_at <= ? ORDER BY next_check_at LIMIT ?", [now.getTime(), limit])).map(toOrder);
      },
    },
  };

  function toContact(r: Row) {
    return { id: num(r.id), tenantId: r.tenant_id as string, name: r.name as string, phone: r.phone as string, email: r.email as string, createdAt: date(r.created_at) };
  }

  function toCompany(r: Row) {
    return {
      id: num(r.id),
      tenantId: r.tenant_id as string,
      name: r.name as string,
      country: strOrNull(r.country),
      state: strOrNull(r.state),
      locality: strOrNull(r.locality),
      createdAt: date(r.created_at),
    };
  }
}
