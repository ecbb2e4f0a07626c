/**
 * ListUserCertificateOrder (CAS 2020-04-07). OrderType CPACK (the default) lists the tenant's orders;
 * CERT lists the certificates those orders issued; BUY (purchase orders) and UPLOAD (uploaded
 * certificates) are empty, because caskit sells nothing and takes no uploads — said in docs/orders.md.
 * List states are computed at read time from the order and its certificate's end: ISSUED, WILLEXPIRED
 * (within 30 days of the end) and EXPIRED.
 */
import { createHash } from "node:crypto";
import { z } from "zod";
import { fromPemAll } from "../../internal/pem.js";
import type { CertificateRecord, OrderFilter, OrderRecord, StoreTx } from "../../store/port.js";
import type { ServiceContext } from "../context.js";
import { int } from "../params.js";
import { defineAction } from "../run.js";
import { PRODUCTS } from "./products.js";

const DAY = 86_400_000;
const WILL_EXPIRE_DAYS = 30;
const LIST_STATUSES = ["PAYED", "CHECKING", "CHECKED_FAIL", "ISSUED", "WILLEXPIRED", "EXPIRED", "NOTACTIVATED", "REVOKED"] as const;
type ListStatus = (typeof LIST_STATUSES)[number];

/** One list state → the store filter that selects it at `now`. */
function filterFor(status: ListStatus, now: number): OrderFilter {
  const soon = now + WILL_EXPIRE_DAYS * DAY;
  switch (status) {
    case "PAYED":
      return { statuses: ["payed"] };
    case "CHECKING":
      return { statuses: ["domain_verify", "process"] };
    case "CHECKED_FAIL":
      return { statuses: ["verify_fail"] };
    case "ISSUED":
      return { statuses: ["certificate"], certNotAfter: { after: soon } };
    case "WILLEXPIRED":
      return { statuses: ["certificate"], certNotAfter: { after: now, until: soon } };
    case "EXPIRED":
      return { statuses: ["certificate"], certNotAfter: { until: now } };
    case "REVOKED":
      return { statuses: ["revoked"] };
    case "NOTACTIVATED":
      return { statuses: [] }; // caskit activates every order at once
  }
}

/** The list state of an order at `now`. */
function listStatus(o: OrderRecord, cert: CertificateRecord | null, now: number): ListStatus {
  switch (o.status) {
    case "payed":
      return "PAYED";
    case "domain_verify":
    case "process":
      return "CHECKING";
    case "verify_fail":
      return "CHECKED_FAIL";
    case "revoked":
      return "REVOKED";
    case "certificate": {
      const end = cert?.notAfter.getTime() ?? 0;
      return end <= now ? "EXPIRED" : end <= now + WILL_EXPIRE_DAYS * DAY ? "WILLEXPIRED" : "ISSUED";
    }
  }
}

const domainType = (domains: string[]) => {
  const wild = domains.filter((d) => d.startsWith("*.")).length;
  if (domains.length === 1) return wild ? "WILDCARD" : "ONE";
  return wild === domains.length ? "M_WILDCARD" : wild ? "MIX" : "MULTIPLE";
};
const day = (d: Date) => d.toISOString().slice(0, 10);

async function certOf(ctx: ServiceContext, tx: StoreTx, o: OrderRecord) {
  return o.certificateId ? tx.certificates.get(ctx.tenantId, o.certificateId) : null;
}

function cpackItem(o: OrderRecord, cert: CertificateRecord | null, now: number) {
  const product = PRODUCTS.get(o.productCode);
  return {
    OrderId: o.id,
    AliyunOrderId: o.id,
    InstanceId: `cas-order-${o.id}`,
    ProductCode: o.productCode,
    ProductName: product?.name ?? o.productCode,
    RootBrand: product?.brand ?? "",
    CertType: product?.certType ?? "DV",
    Algorithm: cert ? cert.algorithm.split("_")[0] : "",
    Domain: o.domains.join(","),
    DomainType: domainType(o.domains),
    DomainCount: o.domains.filter((d) => !d.startsWith("*.")).length,
    WildDomainCount: o.domains.filter((d) => d.startsWith("*.")).length,
    Status: listStatus(o, cert, now),
    SourceType: "cpack",
    TrusteeStatus: "unTrustee",
    PartnerOrderId: String(o.id),
    BuyDate: o.createdAt.getTime(),
    CertStartTime: cert ? cert.notBefore.getTime() : 0,
    CertEndTime: cert ? cert.notAfter.getTime() : 0,
  };
}

function certItem(o: OrderRecord, cert: CertificateRecord, issuerCn: string, now: number) {
  const [der] = fromPemAll("CERTIFICATE", cert.certificatePem);
  const sha1 = createHash("sha1").update(der ?? new Uint8Array()).digest("hex").toUpperCase();
  return {
    CertificateId: o.id,
    Name: `${o.domains[0]}-${o.id}`,
    CommonName: cert.subject.commonName ?? "",
    Sans: cert.sans.map((s) => s.value).join(","),
    Fingerprint: sha1,
    Sha2: cert.sha256.toUpperCase(),
    SerialNo: cert.serialNumber,
    Issuer: issuerCn,
    OrgName: cert.subject.organization ?? "",
    Province: cert.subject.state ?? "",
    City: cert.subject.locality ?? "",
    Country: cert.subject.country ?? "",
    Expired: cert.notAfter.getTime() <= now,
    Upload: false,
    StartDate: day(cert.notBefore),
    EndDate: day(cert.notAfter),
    ResourceGroupId: "",
  };
}

export const listUserCertificateOrder = defineAction({
  name: "ListUserCertificateOrder",
  mutates: false,
  schema: z.object({
    Keyword: z.string().max(255).optional(),
    Status: z.enum(LIST_STATUSES).optional(),
    OrderType: z.enum(["CPACK", "BUY", "CERT", "UPLOAD"]).default("CPACK"),
    CurrentPage: int(1, 1_000_000).default(1),
    ShowSize: int(1, 1000).default(50),
    ResourceGroupId: z.string().max(64).optional(),
  }),
  async handler(ctx, p, tx) {
    const now = ctx.now().getTime();
    const page = { CurrentPage: p.CurrentPage, ShowSize: p.ShowSize };
    const noCertificate = p.OrderType === "CERT" && p.Status !== undefined && !["ISSUED", "WILLEXPIRED", "EXPIRED", "REVOKED"].includes(p.Status);
    if (p.OrderType === "BUY" || p.OrderType === "UPLOAD" || noCertificate) return { ...page, TotalCount: 0, CertificateOrderList: [] };
    // CERT lists valid certificates by default (ISSUED and WILLEXPIRED), CPACK every order.
    const statuses: ListStatus[] = p.Status ? [p.Status] : p.OrderType === "CERT" ? ["ISSUED", "WILLEXPIRED"] : [];
    const base: OrderFilter = { keyword: p.Keyword || undefined };
    // One state is one filter; CERT's default pair is one range of notAfter.
    const filter: OrderFilter =
      statuses.length === 0 ? base : statuses.length === 1 ? { ...base, ...filterFor(statuses[0] as ListStatus, now) } : { ...base, statuses: ["certificate"], certNotAfter: { after: now } };
    const total = await tx.orders.count(ctx.tenantId, filter);
    const rows = await tx.orders.list(ctx.tenantId, { offset: (p.CurrentPage - 1) * p.ShowSize, limit: p.ShowSize }, filter);
    const items = [];
    for (const o of rows) {
      const cert = await certOf(ctx, tx, o);
      if (p.OrderType === "CPACK") items.push(cpackItem(o, cert, now));
      else if (cert) items.push(certItem(o, cert, (await tx.cas.getPublic(cert.issuerId))?.subject.commonName ?? "", now));
    }
    return { ...page, TotalCount: total, CertificateOrderList: items };
  },
});
