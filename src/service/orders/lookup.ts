/** Finding an order of the caller, and the CA that issues a product. */
import type { KeyFamily } from "../../crypto/algorithms.js";
import type { CaRecord, OrderRecord, StoreTx } from "../../store/port.js";
import type { ServiceContext } from "../context.js";
import { createFailed, notFoundOrder } from "./errors.js";

export async function orderOrNotFound(ctx: ServiceContext, tx: StoreTx, id: number): Promise<OrderRecord> {
  const o = await tx.orders.get(ctx.tenantId, id);
  if (!o) throw notFoundOrder(id);
  return o;
}

/**
 * The operator's CA that issues `productCode` — it may belong to another tenant than the caller —
 * usable only when it and every CA above it are valid. Else CreateCertificateRequestFailed.
 */
export async function orderCa(tx: StoreTx, productCode: string): Promise<{ record: CaRecord; family: KeyFamily }> {
  const caId = await tx.productCas.get(productCode);
  const record = caId ? await tx.cas.getPublic(caId) : null;
  if (!record) throw createFailed(`no CA issues ${productCode} yet: the operator maps one with \`caskit product map ${productCode} --ca <CA id>\``);
  if (record.kind !== "SUB_ROOT") throw createFailed(`the CA mapped to ${productCode} is a root; only subordinate CAs issue certificates`);
  for (let cur: CaRecord | null = record, depth = 0; cur && depth < 20; depth++) {
    if (cur.status !== "ISSUE") throw createFailed(`the CA that issues ${productCode} is revoked`);
    cur = cur.parentId ? await tx.cas.getPublic(cur.parentId) : null;
  }
  return { record, family: record.algorithm.split("_")[0] as KeyFamily };
}
