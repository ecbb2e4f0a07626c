/**
 * What the operator of a caskit order service sets up — not CAS actions, so no HTTP route: which CA
 * issues each product, how much quota each tenant has, and a tenant's contacts and company profiles
 * (CAS keeps those in its console). Each is one audited transaction; the CLI is the door.
 */
import { StoreError } from "../../store/errors.js";
import type { ServiceContext } from "../context.js";
import { invalid, notFound } from "../errors.js";
import { PRODUCTS } from "./products.js";

async function audited<T>(ctx: ServiceContext, action: string, target: string, fn: (tx: Parameters<Parameters<ServiceContext["store"]["transaction"]>[0]>[0]) => Promise<T>): Promise<T> {
  return ctx.store.transaction(async (tx) => {
    if (!(await tx.tenants.get(ctx.tenantId))) await tx.tenants.create({ id: ctx.tenantId, name: ctx.tenantId, createdAt: ctx.now() });
    const r = await fn(tx);
    await tx.audit.append({ at: ctx.now(), actor: ctx.actor, tenantId: ctx.tenantId, action, target: target.slice(0, 64), outcome: "ok", detail: null });
    return r;
  });
}

const product = (code: string) => {
  if (!PRODUCTS.has(code)) throw invalid("ProductCode", `unknown product ${code.slice(0, 64)}; see \`caskit product list\``);
  return code;
};

/** Makes `caId` (a valid subordinate RSA or ECC CA, of any tenant) issue `productCode`. */
export function mapProduct(ctx: ServiceContext, productCode: string, caId: string) {
  return audited(ctx, "MapProduct", product(productCode), async (tx) => {
    const ca = await tx.cas.getPublic(caId);
    if (!ca) throw notFound("CACertificate", caId);
    if (ca.kind !== "SUB_ROOT") throw invalid("CaIdentifier", "only a subordinate CA issues certificates");
    if (ca.status !== "ISSUE") throw invalid("CaIdentifier", "the CA is revoked");
    if (ca.algorithm.startsWith("SM2")) throw invalid("CaIdentifier", "the order API issues RSA and ECC certificates only; this CA is SM2");
    await tx.productCas.set(productCode, caId, ctx.now());
  });
}

/** Adds `count` units of `productCode` to the context's tenant. */
export function grantPackage(ctx: ServiceContext, productCode: string, count: number) {
  if (!Number.isSafeInteger(count) || count < 1) throw invalid("Count", "a positive whole number");
  return audited(ctx, "GrantPackage", product(productCode), async (tx) => {
    await tx.packages.grant(ctx.tenantId, productCode, count, ctx.now());
    return tx.packages.get(ctx.tenantId, productCode);
  });
}

const bounded = (field: string, v: string, max: number) => {
  if (!v || v.length > max || /[\u0000-\u001f\u007f]/.test(v)) throw invalid(field, `1 to ${max} characters, no control characters`);
  return v;
};

/** Adds a contact; the newest is what orders use when they name none. */
export function addContact(ctx: ServiceContext, c: { name: string; phone: string; email: string }) {
  const rec = { tenantId: ctx.tenantId, name: bounded("Username", c.name, 64), phone: bounded("Phone", c.phone, 32), email: bounded("Email", c.email, 128), createdAt: ctx.now() };
  if (!/^[^@\s]+@[^@\s]+$/.test(rec.email)) throw invalid("Email", "not an e-mail address");
  return audited(ctx, "AddContact", rec.name, (tx) => tx.contacts.add(rec));
}

/** Adds a company profile (OV and EV subjects). */
export function addCompany(ctx: ServiceContext, c: { name: string; country?: string; state?: string; locality?: string }) {
  if (c.country !== undefined && !/^[A-Za-z]{2}$/.test(c.country)) throw invalid("Country", "two letters");
  const rec = {
    tenantId: ctx.tenantId,
    name: bounded("CompanyName", c.name, 64),
    country: c.country?.toUpperCase() ?? null,
    state: c.state === undefined ? null : bounded("State", c.state, 128),
    locality: c.locality === undefined ? null : bounded("Locality", c.locality, 128),
    createdAt: ctx.now(),
  };
  return audited(ctx, "AddCompany", rec.name, (tx) => tx.companies.add(rec)).catch((e: unknown) => {
    if (e instanceof StoreError && e.code === "conflict") throw invalid("CompanyName", "the tenant already has a company of that name");
    throw e;
  });
}
