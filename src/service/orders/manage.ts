/**
 * Reading and moving orders (CAS 2020-04-07): DescribePackageState, DescribeCertificateState,
 * CancelOrderRequest, DeleteCertificateRequest, CancelCertificateForPackageRequest. Every move is one
 * guarded transition, so a concurrent move elsewhere yields OrderStateError, never a double effect.
 */
import { z } from "zod";
import { exportPrivateKeyPem, importPrivateKey } from "../../crypto/keys.js";
import { DNS_RECORD_PREFIX, FILE_URI } from "../../dcv/types.js";
import type { OrderStatus } from "../../store/port.js";
import { defineAction } from "../run.js";
import { orderStateError } from "./errors.js";
import { orderOrNotFound } from "./lookup.js";
import { orderIdParam } from "./params.js";
import { DEFAULT_PRODUCT, PRODUCTS } from "./products.js";

const orderIdSchema = z.preprocess(orderIdParam, z.object({ OrderId: z.number().int().positive().max(Number.MAX_SAFE_INTEGER) }));
/** The documents: a certificate revoked within 30 days of issue gives its unit back. */
const REFUND_DAYS = 30;

export const describePackageState = defineAction({
  name: "DescribePackageState",
  mutates: false,
  schema: z.object({ ProductCode: z.string().default(DEFAULT_PRODUCT).refine((c) => PRODUCTS.has(c), { message: "unknown product" }) }),
  async handler(ctx, p, tx) {
    const pkg = await tx.packages.get(ctx.tenantId, p.ProductCode);
    return { ProductCode: p.ProductCode, TotalCount: pkg?.totalCount ?? 0, UsedCount: pkg?.usedCount ?? 0, IssuedCount: pkg?.issuedCount ?? 0 };
  },
});

export const describeCertificateState = defineAction({
  name: "DescribeCertificateState",
  mutates: false,
  schema: orderIdSchema,
  async handler(ctx, p, tx) {
    const o = await orderOrNotFound(ctx, tx, p.OrderId);
    if (o.status === "domain_verify") {
      // The challenge: one TXT value at _dnsauth.<name> for every name, or one file content.
      return o.validateType === "DNS"
        ? { Type: o.status, ValidateType: o.validateType, Domain: o.domains.join(","), RecordType: "TXT", RecordDomain: DNS_RECORD_PREFIX, RecordValue: o.dcvValue }
        : { Type: o.status, ValidateType: o.validateType, Domain: o.domains.join(","), Uri: FILE_URI, Content: o.dcvValue };
    }
    if (o.status === "certificate" && o.certificateId) {
      const cert = await tx.certificates.get(ctx.tenantId, o.certificateId);
      const ca = cert ? await tx.cas.getPublic(cert.issuerId) : null;
      const key = o.keyPkcs8 ? exportPrivateKeyPem(importPrivateKey(Buffer.from(o.keyPkcs8))) : undefined;
      // The chain (leaf first) as CAS returns it; the key only when caskit made it.
      return { Type: o.status, Domain: o.domains.join(","), Certificate: (cert?.certificatePem ?? "") + (ca ? ca.certificatePem + ca.chainPem : ""), PrivateKey: key };
    }
    // `revoked` is a list-view state; DescribeCertificateState has no word for it.
    return { Type: o.status === "revoked" ? "unknow" : o.status, Domain: o.domains.join(",") };
  },
});

/** Moves the caller's order from one of `from` to `to`, or OrderStateError naming what it is. */
async function move(ctx: Parameters<typeof orderOrNotFound>[0], tx: Parameters<typeof orderOrNotFound>[1], id: number, from: OrderStatus[], to: OrderStatus, what: string) {
  const o = await orderOrNotFound(ctx, tx, id);
  if (!from.includes(o.status) || !(await tx.orders.transition(o.id, from, to, { updatedAt: ctx.now() }))) {
    throw orderStateError(`${what} only an order that is ${from.join(" or ")}; this one is ${o.status}`);
  }
  return o;
}

/** Withdraws an application under validation or review; it goes back to `payed` and keeps its unit. */
export const cancelOrderRequest = defineAction({
  name: "CancelOrderRequest",
  mutates: true,
  schema: orderIdSchema,
  async handler(ctx, p, tx) {
    await move(ctx, tx, p.OrderId, ["domain_verify", "process"], "payed", "CancelOrderRequest withdraws");
    return {};
  },
  target: (p) => String(p.OrderId),
});

/** Deletes a withdrawn (`payed`) or failed order and gives its unit back. */
export const deleteCertificateRequest = defineAction({
  name: "DeleteCertificateRequest",
  mutates: true,
  schema: orderIdSchema,
  async handler(ctx, p, tx) {
    const o = await move(ctx, tx, p.OrderId, ["payed", "verify_fail"], "payed", "DeleteCertificateRequest deletes");
    await tx.orders.delete(o.id);
    await tx.packages.giveBack(o.tenantId, o.productCode, { used: 1, issued: 0 }, ctx.now());
    return {};
  },
  target: (p) => String(p.OrderId),
});

/**
 * Revokes an issued order's certificate (it goes on its CA's CRL) and marks the order `revoked`.
 * Within 30 days of issue the unit comes back (UsedCount and IssuedCount both less one).
 */
export const cancelCertificateForPackageRequest = defineAction({
  name: "CancelCertificateForPackageRequest",
  mutates: true,
  schema: orderIdSchema,
  async handler(ctx, p, tx) {
    const o = await move(ctx, tx, p.OrderId, ["certificate"], "revoked", "CancelCertificateForPackageRequest revokes");
    const now = ctx.now();
    const cert = o.certificateId ? await tx.certificates.get(ctx.tenantId, o.certificateId) : null;
    if (cert && cert.status === "ISSUE") await tx.certificates.revoke(cert.id, now, "cessationOfOperation");
    if (cert && now.getTime() - cert.notBefore.getTime() <= REFUND_DAYS * 86_400_000) {
      await tx.packages.giveBack(o.tenantId, o.productCode, { used: 1, issued: 1 }, now);
    }
    return {};
  },
  target: (p) => String(p.OrderId),
});
