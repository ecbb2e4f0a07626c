/** CAS 2020-06-30 leaf certificate actions (docs/cas-api.md, 6.9, 6.14–6.18, lifecycle §6.22). */
import { z } from "zod";
import { exportPrivateKeyPemAsync, importPrivateKey } from "../../crypto/keys.js";
import type { CertificateRecord, StoreTx } from "../../store/port.js";
import type { ServiceContext } from "../context.js";
import { invalid, notFound, stateError } from "../errors.js";
import { parseRevocationReason } from "../../revoke/index.js";
import { int, str } from "../params.js";
import { defineAction } from "../run.js";
import { casDay, certView } from "../views.js";
import { revokedAtOf, revokedChainIds } from "./ca.js";

async function certOrNotFound(ctx: ServiceContext, tx: StoreTx, id: string): Promise<CertificateRecord> {
  const c = await tx.certificates.get(ctx.tenantId, id);
  if (!c) throw notFound("Certificate", id);
  return c;
}

/**
 * When the certificate was revoked — itself, or through its issuing chain (CAS §6.22: a revoked CA's
 * certificates become invalid; relying parties learn it from the parent's CRL, which lists the CA) —
 * or null while it is valid. One meaning for Describe, the status call and ListRevokeCertificate.
 */
async function revokedAt(ctx: ServiceContext, tx: StoreTx, c: CertificateRecord): Promise<Date | null> {
  if (c.status === "REVOKE") return c.revokedAt ?? c.createdAt;
  const chain = await tx.cas.getChain(ctx.tenantId, c.issuerId);
  return chain.length ? revokedAtOf(chain) : c.createdAt;
}
const effectiveStatus = async (ctx: ServiceContext, tx: StoreTx, c: CertificateRecord) => ((await revokedAt(ctx, tx, c)) ? "REVOKE" : "ISSUE");

const page = { CurrentPage: int(1, 1_000_000).default(1), ShowSize: int(1, 1000).default(20) };

export const describeClientCertificate = defineAction({
  name: "DescribeClientCertificate",
  mutates: false,
  schema: z.object({ Identifier: str(64) }),
  async handler(ctx, p, tx) {
    const c = await certOrNotFound(ctx, tx, p.Identifier);
    return { Certificate: certView({ ...c, status: await effectiveStatus(ctx, tx, c) }) };
  },
});

export const describeClientCertificateStatus = defineAction({
  name: "DescribeClientCertificateStatus",
  mutates: false,
  schema: z.object({ Identifier: z.string().min(1).max(64 * 100) }),
  async handler(ctx, p, tx) {
    const ids = p.Identifier.split(",").map((s) => s.trim()).filter(Boolean);
    if (ids.length > 100) throw invalid("Identifier", "at most 100 identifiers");
    const out = [];
    for (const id of ids) {
      const c = await tx.certificates.get(ctx.tenantId, id);
      if (!c) {
        out.push({ Identifier: id, SerialNumber: "", Status: "unknown", RevokeTime: 0 });
        continue;
      }
      const at = await revokedAt(ctx, tx, c);
      out.push({ Identifier: id, SerialNumber: c.serialNumber, Status: at ? "revoked" : "good", RevokeTime: at ? at.getTime() : 0 });
    }
    return { CertificateStatus: out };
  },
});

export const listClientCertificate = defineAction({
  name: "ListClientCertificate",
  mutates: false,
  schema: z.object({ ...page, Identifier: str(64).optional() }),
  async handler(ctx, p, tx) {
    const filter = p.Identifier ? { id: p.Identifier } : undefined;
    const total = await tx.certificates.count(ctx.tenantId, filter);
    const rows = await tx.certificates.list(ctx.tenantId, { offset: (p.CurrentPage - 1) * p.ShowSize, limit: p.ShowSize }, filter);
    const list = [];
    for (const c of rows) list.push(certView({ ...c, status: await effectiveStatus(ctx, tx, c) }));
    return { CertificateList: list, CurrentPage: p.CurrentPage, PageCount: Math.ceil(total / p.ShowSize), ShowSize: p.ShowSize, TotalCount: total };
  },
});

export const listRevokeCertificate = defineAction({
  name: "ListRevokeCertificate",
  mutates: false,
  schema: z.object(page),
  async handler(ctx, p, tx) {
    // Revoked themselves, or through a revoked CA above them (the same meaning as DescribeClientCertificate).
    const throughCa = await revokedChainIds(ctx, tx);
    const filter = { revokedOrIssuedBy: [...throughCa.keys()] };
    const total = await tx.certificates.count(ctx.tenantId, filter);
    const rows = await tx.certificates.list(ctx.tenantId, { offset: (p.CurrentPage - 1) * p.ShowSize, limit: p.ShowSize }, filter);
    const list = rows.map((c) => {
      const at = c.status === "REVOKE" ? (c.revokedAt ?? c.createdAt) : (throughCa.get(c.issuerId) ?? c.createdAt);
      const { Days: _days, X509Certificate: _pem, ...v } = certView({ ...c, status: "REVOKE" });
      return { ...v, RevokeDate: casDay(at), BeforeDate: casDay(c.notBefore), AfterDate: casDay(c.notAfter) };
    });
    return { CertificateList: list, CurrentPage: p.CurrentPage, PageCount: Math.ceil(total / p.ShowSize), ShowSize: p.ShowSize, TotalCount: total };
  },
});

export const createRevokeClientCertificate = defineAction({
  name: "CreateRevokeClientCertificate",
  mutates: true,
  schema: z.object({ Identifier: str(64), Reason: z.string().max(32).optional() }),
  async handler(ctx, p, tx) {
    const c = await certOrNotFound(ctx, tx, p.Identifier);
    if (c.status !== "ISSUE") throw stateError("InvalidStatus.Certificate", "the certificate is already revoked");
    const reason = p.Reason ? parseRevocationReason(p.Reason) : "unspecified";
    await tx.certificates.revoke(c.id, ctx.now(), reason);
    return {};
  },
  target: (p) => p.Identifier,
});

export const deleteClientCertificate = defineAction({
  name: "DeleteClientCertificate",
  mutates: true,
  schema: z.object({ Identifier: str(64) }),
  async handler(ctx, p, tx) {
    const c = await certOrNotFound(ctx, tx, p.Identifier);
    if (c.status !== "REVOKE") throw stateError("InvalidStatus.Certificate", "only a revoked certificate can be deleted; revoke it first");
    // Hidden from lookups and lists; a revoked certificate stays on the CRL until it has expired.
    await tx.certificates.delete(c.id, ctx.now());
    return {};
  },
  target: (p) => p.Identifier,
});

export const describeCertificatePrivateKey = defineAction({
  name: "DescribeCertificatePrivateKey",
  mutates: true, // reading a private key out is audited
  schema: z.object({ Identifier: str(64), EncryptedCode: z.string().min(1).max(32).regex(/^[\x21-\x7e]+$/, "letters, digits and symbols only") }),
  async handler(ctx, p, tx) {
    const c = await certOrNotFound(ctx, tx, p.Identifier);
    if (!c.keyPkcs8) throw stateError("NoPrivateKey", "caskit did not generate this certificate's key, so it does not hold it");
    const key = importPrivateKey(Buffer.from(c.keyPkcs8), { allowLegacy: true });
    // At least 8 characters (else InvalidEncryptedCode); PBKDF2-HMAC-SHA256 × 600,000 off the event loop (crypto/keys.ts).
    return { EncryptedData: await exportPrivateKeyPemAsync(key, { passphrase: p.EncryptedCode }) };
  },
  target: (p) => p.Identifier,
});
