/** Parameters the order actions share. */

/**
 * The documents spell the order id `Orderid` on DeleteCertificateRequest and
 * RenewCertificateOrderForPackageRequest and `OrderId` elsewhere; the official SDK sends `OrderId`
 * everywhere. Both are taken, as a number or a decimal string, for z.preprocess.
 */
export function orderIdParam(raw: unknown): unknown {
  if (!raw || typeof raw !== "object") return raw;
  const r = raw as Record<string, unknown>;
  const v = r.OrderId ?? r.Orderid;
  const n = typeof v === "string" && /^\d{1,16}$/.test(v) ? Number(v) : v;
  return { ...r, OrderId: n };
}
