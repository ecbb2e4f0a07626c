/**
 * Applying for a certificate (CAS 2020-04-07): CreateCertificateForPackageRequest (any product, CSR
 * optional), CreateCertificateRequest (DV, one name, key made here), CreateCertificateWithCsrRequest
 * (DV, the caller's CSR), and RenewCertificateOrderForPackageRequest. Each takes one unit of the
 * tenant's package (UsedCount + 1, atomically) and leaves a new order in `domain_verify` with a fresh
 * challenge; the validator takes it from there.
 */
import { randomBytes } from "node:crypto";
import { z } from "zod";
import { exportPrivateKeyDer, generateKeyPair } from "../../crypto/keys.js";
import { createCsr, parseCsr } from "../../csr/index.js";
import type { CsrFacts } from "../../types.js";
import type { OrderRecord, StoreTx, ValidateType } from "../../store/port.js";
import type { ServiceContext } from "../context.js";
import { invalid, missing } from "../errors.js";
import { str } from "../params.js";
import { defineAction } from "../run.js";
import { checkOrderDomains, splitDomains } from "./domains.js";
import { createFailed, notFoundPackage, notRemainCount, orderStateError } from "./errors.js";
import { orderCa, orderOrNotFound } from "./lookup.js";
import { DEFAULT_PRODUCT, PRODUCTS, type Product } from "./products.js";
import { orderIdParam } from "./params.js";

/** How long validation may take when the deployment says nothing. */
export const DEFAULT_VALIDATION_WINDOW_SEC = 3 * 86_400;

const productParam = (codes: (p: Product) => boolean) =>
  z
    .string()
    .default(DEFAULT_PRODUCT)
    .refine((c) => PRODUCTS.has(c) && codes(PRODUCTS.get(c) as Product), { message: "not a product this action takes" });
const contactFields = { Username: str(64).optional(), Phone: str(32).optional(), Email: str(128).optional() };
const tag = z.object({ Key: z.string().max(128).optional(), Value: z.string().max(256).optional() });
/** Tags.N.Key / Tags.N.Value (a repeatList of objects), at most 20. */
const tagsParam = z
  .union([z.array(tag).max(20), tag])
  .transform((v) => (Array.isArray(v) ? v : [v]).map((x) => ({ key: x.Key ?? "", value: x.Value ?? "" })))
  .optional();
const validateTypeParam = z.enum(["DNS", "FILE"]);
const csrParam = z.string().min(1).max(70_000);

/** A fresh challenge of 136 random bits, prefixed by the date as CAS shows its record values. */
function challenge(now: Date): string {
  return `${now.toISOString().replace(/\D/g, "").slice(0, 14)}${randomBytes(17).toString("hex")}`;
}

/** The CSR's names (CN first, then its DNS SANs): every one of them will be validated. IP SANs are refused. */
function csrDomains(csr: CsrFacts): string[] {
  if (!csr.cn) throw invalid("Csr", "the CSR has no CN: its CN is the domain the certificate is bound to");
  if (csr.sans.some((s) => s.type === "ip")) throw invalid("Csr", "the CSR requests an IP address; orders are for DNS names only");
  if (csr.keyFamily === "SM2") throw invalid("Csr", "the order API takes RSA (2048 bits or more) and ECC keys only");
  return splitDomains([csr.cn, ...csr.sans.map((s) => s.value)].join(","));
}

interface Application {
  productCode: string;
  validateType: ValidateType;
  domains: string[];
  csr: CsrFacts | null;
  csrPem: string | null;
  contact: { Username?: string; Phone?: string; Email?: string };
  companyName?: string;
  tags: Array<{ key: string; value: string }>;
  renewalOf?: number;
}

/** Checks, takes a unit of quota and stores the order; returns its OrderId. */
async function apply(ctx: ServiceContext, tx: StoreTx, a: Application): Promise<number> {
  const product = PRODUCTS.get(a.productCode) as Product;
  checkOrderDomains(a.domains, product, a.validateType, a.csr ? "Csr" : "Domain");
  // The CA must exist before quota is taken, so a misconfigured product costs nothing.
  const ca = await orderCa(tx, product.code);
  if (a.csr && a.csr.keyFamily !== ca.family) throw invalid("Csr", `${product.code} is issued by a ${ca.family} CA; the CSR's key is ${a.csr.keyFamily}`);
  // Quota first in the answer (the atomic take below settles races), then the applicant's details.
  const pkg = await tx.packages.get(ctx.tenantId, product.code);
  if (!pkg) throw notFoundPackage(product.code);
  if (pkg.usedCount >= pkg.totalCount) throw notRemainCount(product.code);
  const latest = await tx.contacts.latest(ctx.tenantId);
  const contact = {
    name: a.contact.Username ?? latest?.name,
    phone: a.contact.Phone ?? latest?.phone,
    email: a.contact.Email ?? latest?.email,
  };
  if (!contact.name) throw missing("Username");
  if (!contact.phone) throw missing("Phone");
  if (!contact.email) throw missing("Email");
  let companyName: string | null = null;
  if (product.validation !== "DV") {
    const company = a.companyName ? await tx.companies.byName(ctx.tenantId, a.companyName) : await tx.companies.latest(ctx.tenantId);
    if (!company) throw a.companyName ? invalid("CompanyName", "no company profile of that name; add one with `caskit company add`") : missing("CompanyName");
    companyName = company.name;
  } else if (a.companyName) {
    throw invalid("CompanyName", `${product.code} is a DV product: company names are for OV and EV products`);
  }
  // Without a CSR, caskit makes the key (in the CA's family) and the request, and keeps the key sealed.
  let csrPem = a.csrPem;
  let keyPkcs8: Uint8Array | null = null;
  if (!csrPem) {
    const key = await generateKeyPair(ca.family === "RSA" ? "RSA_2048" : "ECC_256");
    csrPem = createCsr({ key, subject: { commonName: a.domains[0] }, sans: a.domains }).pem;
    keyPkcs8 = exportPrivateKeyDer(key);
  }
  const now = ctx.now();
  const taken = await tx.packages.take(ctx.tenantId, product.code, now);
  if (taken === "no_package") throw notFoundPackage(product.code);
  if (taken === "none_left") throw notRemainCount(product.code);
  const windowMs = (ctx.config.orderValidationWindowSec ?? DEFAULT_VALIDATION_WINDOW_SEC) * 1000;
  const order: Omit<OrderRecord, "id"> = {
    tenantId: ctx.tenantId,
    productCode: product.code,
    status: "domain_verify",
    validateType: a.validateType,
    domains: a.domains,
    dcvValue: challenge(now),
    csrPem,
    keyPkcs8,
    contact: { name: contact.name, phone: contact.phone, email: contact.email },
    companyName,
    certificateId: null,
    renewalOf: a.renewalOf ?? null,
    tags: a.tags,
    createdAt: now,
    updatedAt: now,
    deadline: new Date(now.getTime() + windowMs),
    nextCheckAt: now,
    attempts: 0,
    lastOutcome: null,
  };
  return tx.orders.insert(order);
}

const parseOrderCsr = (pem: string | undefined) => (pem ? parseCsr(pem) : null);

export const createCertificateForPackageRequest = defineAction({
  name: "CreateCertificateForPackageRequest",
  mutates: true,
  schema: z.object({
    Csr: csrParam.optional(),
    ProductCode: productParam(() => true),
    ...contactFields,
    Domain: z.string().max(1280).optional(),
    CompanyName: str(128).optional(),
    ValidateType: validateTypeParam.default("DNS"),
    Tags: tagsParam,
  }),
  prepare: (p) => parseOrderCsr(p.Csr),
  async handler(ctx, p, tx, csr) {
    if (!csr && !p.Domain) throw missing("Domain");
    // A CSR's CN (and its own DNS names) win over Domain, as the documents say.
    const domains = csr ? csrDomains(csr) : splitDomains(p.Domain as string);
    const id = await apply(ctx, tx, { productCode: p.ProductCode, validateType: p.ValidateType, domains, csr, csrPem: p.Csr ?? null, contact: p, companyName: p.CompanyName, tags: p.Tags ?? [] });
    return { OrderId: id };
  },
  target: (_p, r) => String(r.OrderId),
});

const isDv = (p: Product) => p.validation === "DV";
const dvContact = { Username: str(64), Phone: str(32), Email: str(128) };

export const createCertificateRequest = defineAction({
  name: "CreateCertificateRequest",
  mutates: true,
  schema: z.object({ ProductCode: productParam(isDv), ...dvContact, Domain: str(255), ValidateType: validateTypeParam, Tags: tagsParam }),
  async handler(ctx, p, tx) {
    const domains = splitDomains(p.Domain);
    if (domains.length !== 1) throw invalid("Domain", "this action takes exactly one domain");
    const id = await apply(ctx, tx, { productCode: p.ProductCode, validateType: p.ValidateType, domains, csr: null, csrPem: null, contact: p, tags: p.Tags ?? [] });
    return { OrderId: id };
  },
  target: (_p, r) => String(r.OrderId),
});

export const createCertificateWithCsrRequest = defineAction({
  name: "CreateCertificateWithCsrRequest",
  mutates: true,
  schema: z.object({ Csr: csrParam, ProductCode: productParam(isDv), ...dvContact, ValidateType: validateTypeParam, Tags: tagsParam }),
  prepare: (p) => parseCsr(p.Csr),
  async handler(ctx, p, tx, csr) {
    const id = await apply(ctx, tx, { productCode: p.ProductCode, validateType: p.ValidateType, domains: csrDomains(csr), csr, csrPem: p.Csr, contact: p, tags: p.Tags ?? [] });
    return { OrderId: id };
  },
  target: (_p, r) => String(r.OrderId),
});

/**
 * Renewal (the documents: an issued order whose certificate is still valid; the new certificate runs a
 * year past the old one's end). A new order — a new OrderId, one more unit of quota, the same names,
 * product and validation method — that must pass validation again. Without a CSR the names are the
 * old order's and caskit makes a new key.
 */
export const renewCertificateOrderForPackageRequest = defineAction({
  name: "RenewCertificateOrderForPackageRequest",
  mutates: true,
  schema: z.preprocess(orderIdParam, z.object({ OrderId: z.number().int().positive(), Csr: csrParam.optional(), Tags: tagsParam })),
  prepare: (p) => parseOrderCsr(p.Csr),
  async handler(ctx, p, tx, csr) {
    const old = await orderOrNotFound(ctx, tx, p.OrderId);
    if (old.status !== "certificate" || !old.certificateId) throw orderStateError(`only an issued order can be renewed; this one is ${old.status}`);
    const cert = await tx.certificates.get(ctx.tenantId, old.certificateId);
    if (!cert || cert.status !== "ISSUE" || cert.notAfter.getTime() <= ctx.now().getTime()) throw orderStateError("only an order whose certificate is still valid can be renewed");
    const domains = csr ? csrDomains(csr) : old.domains;
    const id = await apply(ctx, tx, {
      productCode: old.productCode,
      validateType: old.validateType,
      domains,
      csr,
      csrPem: p.Csr ?? null,
      contact: { Username: old.contact.name, Phone: old.contact.phone, Email: old.contact.email },
      companyName: old.companyName ?? undefined,
      tags: p.Tags ?? old.tags,
      renewalOf: old.id,
    });
    return { OrderId: id };
  },
  target: (_p, r) => String(r.OrderId),
});
