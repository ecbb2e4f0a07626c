/**
 * Issuing a validated order (`process` → `certificate`) with its product's CA. The certificate names
 * exactly the validated domains (CN the first): nothing else of the CSR's subject reaches it — a DV
 * certificate carries no organisation nobody checked; OV/EV ones carry the tenant's company profile.
 * Validity: the product's months from now, or for a renewal a year past the renewed certificate's end;
 * never past the CA (clamped here: the order was paid for, the CA's end is the operator's choice).
 */
import { parseCsr } from "../../csr/index.js";
import { addMonths } from "../../issue/validity.js";
import type { OrderRecord, StoreTx } from "../../store/port.js";
import { issuerOf } from "../authority.js";
import type { ServiceContext } from "../context.js";
import { commit } from "../actions/issue.js";
import { orderCa } from "./lookup.js";
import { PRODUCTS } from "./products.js";

/** The order moved on meanwhile (another process issued or cancelled it): the transaction rolls back. */
export class OrderMoved extends Error {}

const RENEWAL_MONTHS = 12;

/** Issues `order` (status `process`) in `tx`; returns the certificate's identifier. */
export async function issueOrder(ctx: ServiceContext, tx: StoreTx, order: OrderRecord): Promise<string> {
  const product = PRODUCTS.get(order.productCode);
  if (!product) throw new Error(`unknown product ${order.productCode}`);
  const { record: ca } = await orderCa(tx, order.productCode);
  const now = ctx.now();
  let start = now;
  let months = product.months;
  if (order.renewalOf !== null) {
    const old = await tx.orders.get(order.tenantId, order.renewalOf);
    const oldCert = old?.certificateId ? await tx.certificates.get(order.tenantId, old.certificateId) : null;
    if (oldCert && oldCert.notAfter > now) start = oldCert.notAfter;
    months = RENEWAL_MONTHS;
  }
  const end = Math.min(addMonths(start, months).getTime(), ca.notAfter.getTime());
  const company = order.companyName ? await tx.companies.byName(order.tenantId, order.companyName) : null;
  const csr = parseCsr(order.csrPem);
  const facts = { ...csr, cn: order.domains[0] as string, sans: [], subjectFields: {} };
  const result = issuerOf(ctx, ca).serverFromCsr(facts, {
    domain: order.domains,
    beforeTime: Math.floor(now.getTime() / 1000),
    afterTime: Math.floor(end / 1000),
    subject: company ? { organization: company.name, country: company.country ?? undefined, state: company.state ?? undefined, locality: company.locality ?? undefined } : {},
    enableCrl: ca.crlEnabled && !!ctx.config.crlBaseUrl,
    crlShards: ca.crlShards,
  });
  await commit(ctx, tx, ca, result, 0);
  if (!(await tx.orders.transition(order.id, ["process"], "certificate", { certificateId: result.identifier, updatedAt: now, lastOutcome: "issued" }))) throw new OrderMoved();
  await tx.packages.countIssued(order.tenantId, order.productCode, now);
  return result.identifier;
}
