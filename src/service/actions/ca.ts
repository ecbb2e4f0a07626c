/** CAS 2020-06-30 CA actions (docs/cas-api.md, 6.2, 6.10–6.13). */
import { z } from "zod";
import { createRootCa, createSubCa } from "../../ca/index.js";
import { caCertUrl, checkBaseUrl, crlUrl, ocspUrl } from "../../issue/urls.js";
import { parseRevocationReason } from "../../revoke/index.js";
import { exportPrivateKeyDer } from "../../crypto/keys.js";
import type { CaChainState, CaRecord, StoreTx } from "../../store/port.js";
import { authorityOf } from "../authority.js";
import type { ServiceContext } from "../context.js";
import { notFound, stateError } from "../errors.js";
import { bool, int, list, str } from "../params.js";
import { defineAction } from "../run.js";
import { caView } from "../views.js";

/** CAS requires O, OU, L and ST for CAs; caskit accepts them absent (a documented leniency). */
const subjectFields = {
  CommonName: str(64),
  Organization: str(64).optional(),
  OrganizationUnit: str(64).optional(),
  Locality: str(128).optional(),
  State: str(128).optional(),
  CountryCode: z.string().regex(/^[A-Za-z]{2,3}$/).optional(),
};

const subjectOf = (p: { CommonName: string; Organization?: string; OrganizationUnit?: string; Locality?: string; State?: string; CountryCode?: string }) => ({
  commonName: p.CommonName,
  organization: p.Organization,
  organizationalUnit: p.OrganizationUnit,
  locality: p.Locality,
  state: p.State,
  country: p.CountryCode,
});

/** A CA of this tenant, or NotFound. */
export async function caOrNotFound(ctx: ServiceContext, tx: StoreTx, id: string): Promise<CaRecord> {
  const ca = await tx.cas.get(ctx.tenantId, id);
  if (!ca) throw notFound("CACertificate", id);
  return ca;
}

/**
 * When the CA, or the nearest CA above it, was revoked; null while the whole chain is ISSUE. A revoked
 * CA's certificates are revoked through it (CAS §6.22): they read REVOKE with this time.
 */
export async function chainRevokedAt(ctx: ServiceContext, tx: StoreTx, ca: CaRecord): Promise<Date | null> {
  if (ca.status !== "ISSUE") return ca.revokedAt ?? ca.createdAt;
  return ca.parentId ? revokedAtOf(await tx.cas.getChain(ctx.tenantId, ca.parentId)) : null;
}

/** The nearest revocation along a chain as `getChain` returns it (the CA first), or null. */
export function revokedAtOf(chain: readonly CaRecord[]): Date | null {
  return revocationOf(chain)?.at ?? null;
}

/** {@link revokedAtOf} with the stored reason of the CA revoked (OCSP states it). */
export function revocationOf(chain: readonly CaRecord[]): { at: Date; reason: string | null } | null {
  const cur = chain.find((c) => c.status !== "ISSUE");
  return cur ? { at: cur.revokedAt ?? cur.createdAt, reason: cur.revokeReason ?? null } : null;
}

/**
 * The tenant's CA `id`, checked able to sign: it and every CA above it ISSUE (one store statement for the
 * whole chain). NotFound when there is no such CA, `CACertificateRevoked` when the chain is revoked.
 */
export async function signingCaOrFail(ctx: ServiceContext, tx: StoreTx, id: string, revokedMessage: string): Promise<CaRecord> {
  return ableToSign(await tx.cas.getChain(ctx.tenantId, id), id, revokedMessage);
}

/** {@link signingCaOrFail} on the lean chain (no certificates or keys): the CA's own state when it can sign. */
export async function signingStateOrFail(ctx: ServiceContext, tx: StoreTx, id: string, revokedMessage: string): Promise<CaChainState> {
  return ableToSign(await tx.cas.chainStates(ctx.tenantId, id), id, revokedMessage);
}

/** The head of a chain (the CA first) when every CA in it is ISSUE; the refusals of {@link signingCaOrFail}. */
function ableToSign<T extends { status: string }>(chain: readonly T[], id: string, revokedMessage: string): T {
  const ca = chain[0];
  if (!ca) throw notFound("CACertificate", id);
  if (chain.some((c) => c.status !== "ISSUE")) throw stateError("CACertificateRevoked", revokedMessage);
  return ca;
}

/** A CA and every CA above it must be ISSUE for it to sign (CAS §6.22: a revoked CA issues nothing). */
export async function effectiveCaStatus(ctx: ServiceContext, tx: StoreTx, ca: CaRecord): Promise<"ISSUE" | "REVOKE"> {
  return (await chainRevokedAt(ctx, tx, ca)) ? "REVOKE" : "ISSUE";
}

/** The tenant's CAs that are revoked themselves or through a CA above them. */
export async function revokedChainIds(ctx: ServiceContext, tx: StoreTx): Promise<Map<string, Date>> {
  const all = await tx.cas.list(ctx.tenantId, { offset: 0, limit: Number.MAX_SAFE_INTEGER });
  const byId = new Map(all.map((c) => [c.id, c]));
  const out = new Map<string, Date>();
  for (const ca of all) {
    let cur: CaRecord | undefined = ca;
    for (let depth = 0; cur && depth < 20; depth++) {
      if (cur.status !== "ISSUE") {
        out.set(ca.id, cur.revokedAt ?? cur.createdAt);
        break;
      }
      cur = cur.parentId ? byId.get(cur.parentId) : undefined;
    }
  }
  return out;
}

/**
 * What a CA has issued — its certificates and its sub-CAs — and its quota. caskit sets no issuance
 * quota: CertTotalCount is the int32 maximum CAS's instance API uses for counts, and CertRemainingCount
 * what is left of it (so code that checks "remaining > 0" keeps issuing).
 */
export async function issuanceCounts(tx: StoreTx, ca: CaRecord) {
  const issued = (await tx.certificates.countByIssuer(ca.id)) + (await tx.cas.countChildren(ca.id));
  return { CertIssuedCount: issued, CertTotalCount: UNLIMITED, CertRemainingCount: Math.max(0, UNLIMITED - issued) };
}
const UNLIMITED = 2_147_483_647;

function record(ctx: ServiceContext, ca: Awaited<ReturnType<typeof createRootCa>>, over: Partial<CaRecord> & { years: number }): CaRecord {
  return {
    id: ca.identifier,
    tenantId: ctx.tenantId,
    parentId: null,
    kind: ca.kind === "root" ? "ROOT" : "SUB_ROOT",
    status: "ISSUE",
    certificatePem: ca.certificatePem,
    chainPem: "",
    keyPkcs8: exportPrivateKeyDer(ca.key),
    subject: ca.subject,
    serialNumber: ca.serialNumber,
    algorithm: ca.spec.name,
    keySize: ca.spec.bits,
    signAlgorithm: ca.signer.signatureAlgorithm.casName,
    notBefore: ca.notBefore,
    notAfter: ca.notAfter,
    pathLen: ca.pathLen,
    crlEnabled: false,
    crlDays: ctx.config.defaultCrlDays,
    createdAt: ctx.now(),
    revokedAt: null,
    ...over,
  };
}

/**
 * The parent's CRL and certificate URLs for a sub-CA certificate, when base URLs are configured: a
 * relying party finds the CRL that lists the sub-CA once revoked. The parent keeps a CRL when it is a
 * root (caskit always publishes root CRLs) or was created with EnableCrl.
 */
function parentUrls(ctx: ServiceContext, parent: CaRecord): { crlDistributionUrl?: string; caIssuersUrl?: string; ocspUrl?: string } {
  const { crlBaseUrl, aiaBaseUrl, ocspBaseUrl } = ctx.config;
  const keepsCrl = parent.kind === "ROOT" || parent.crlEnabled;
  return {
    crlDistributionUrl: crlBaseUrl && keepsCrl ? crlUrl(checkBaseUrl(crlBaseUrl, "crlBaseUrl"), parent.id) : undefined,
    caIssuersUrl: aiaBaseUrl ? caCertUrl(checkBaseUrl(aiaBaseUrl, "aiaBaseUrl"), parent.id) : undefined,
    // The parent's responder answers for this sub-CA (docs/ocsp.md).
    ocspUrl: ocspBaseUrl ? ocspUrl(checkBaseUrl(ocspBaseUrl, "ocspBaseUrl"), parent.id) : undefined,
  };
}

export const createRootCACertificate = defineAction({
  name: "CreateRootCACertificate",
  mutates: true,
  schema: z.object({ ...subjectFields, Algorithm: str(16).default("RSA_2048"), Years: int(1, 100) }),
  async handler(ctx, p, tx) {
    const ca = await createRootCa({ subject: subjectOf(p), algorithm: p.Algorithm, years: p.Years, now: ctx.now() });
    await tx.cas.insert(record(ctx, ca, { years: p.Years, signAlgorithm: ca.signer.signatureAlgorithm.casName }));
    return { Identifier: ca.identifier, Certificate: ca.certificatePem, CertificateChain: ca.certificatePem };
  },
  target: (_p, r) => r.Identifier,
});

export const createSubCACertificate = defineAction({
  name: "CreateSubCACertificate",
  mutates: true,
  schema: z.object({
    ...subjectFields,
    ParentIdentifier: str(64),
    Algorithm: str(16),
    Years: int(1, 100),
    PathLenConstraint: int(0, 16).optional(),
    ExtendedKeyUsages: list(z.string().min(1).max(64)).optional(),
    EnableCrl: bool.optional(),
    CrlDay: int(1, 365).optional(),
  }),
  async handler(ctx, p, tx) {
    const parentRec = await signingCaOrFail(ctx, tx, p.ParentIdentifier, "the parent CA is revoked and can no longer issue");
    const parent = authorityOf(ctx, parentRec);
    const ca = await createSubCa(parent, {
      subject: subjectOf(p),
      algorithm: p.Algorithm,
      years: p.Years,
      pathLen: p.PathLenConstraint,
      extendedKeyUsages: p.ExtendedKeyUsages,
      now: ctx.now(),
      ...parentUrls(ctx, parentRec),
    });
    const chainPem = parentRec.certificatePem + parentRec.chainPem;
    await tx.cas.insert(
      record(ctx, ca, { years: p.Years, parentId: parentRec.id, chainPem, crlEnabled: p.EnableCrl ?? false, crlDays: p.CrlDay ?? ctx.config.defaultCrlDays }),
    );
    return { Identifier: ca.identifier, Certificate: ca.certificatePem, CertificateChain: ca.certificatePem + chainPem };
  },
  target: (_p, r) => r.Identifier,
});

export const describeCACertificate = defineAction({
  name: "DescribeCACertificate",
  mutates: false,
  schema: z.object({ Identifier: str(64) }),
  async handler(ctx, p, tx) {
    const ca = await caOrNotFound(ctx, tx, p.Identifier);
    const status = await effectiveCaStatus(ctx, tx, ca);
    return { Certificate: caView({ ...ca, status }, await issuanceCounts(tx, ca), ctx.config), Years: ca.years };
  },
});

const page = { CurrentPage: int(1, 1_000_000).default(1), ShowSize: int(1, 1000).default(20) };

export const describeCACertificateList = defineAction({
  name: "DescribeCACertificateList",
  mutates: false,
  schema: z.object({ ...page, Identifier: str(64).optional() }),
  async handler(ctx, p, tx) {
    let list: CaRecord[];
    let total: number;
    if (p.Identifier) {
      const one = await tx.cas.get(ctx.tenantId, p.Identifier);
      list = one && p.CurrentPage === 1 ? [one] : [];
      total = one ? 1 : 0;
    } else {
      total = await tx.cas.count(ctx.tenantId);
      list = await tx.cas.list(ctx.tenantId, { offset: (p.CurrentPage - 1) * p.ShowSize, limit: p.ShowSize });
    }
    const items = [];
    for (const ca of list) {
      const view = caView({ ...ca, status: await effectiveCaStatus(ctx, tx, ca) }, await issuanceCounts(tx, ca), ctx.config);
      items.push({ ...view, Alias: ca.subject.commonName ?? "", Gift: 0, Trial: 0 });
    }
    return { CurrentPage: p.CurrentPage, ShowSize: p.ShowSize, PageCount: Math.ceil(total / p.ShowSize), TotalCount: total, CertificateList: items };
  },
});

export const describeCACertificateCount = defineAction({
  name: "DescribeCACertificateCount",
  mutates: false,
  schema: z.object({}).passthrough(),
  async handler(ctx, _p, tx) {
    return { TotalCount: await tx.cas.count(ctx.tenantId) };
  },
});

export const updateCACertificateStatus = defineAction({
  name: "UpdateCACertificateStatus",
  mutates: true,
  // Status is required: revoking a CA cannot be undone, so it never happens by omission. Reason is a
  // caskit extension (CAS takes none): listed on the parent's CRL; unspecified when absent.
  schema: z.object({ Identifier: str(64), Status: z.literal("REVOKE"), Reason: z.string().max(32).optional() }),
  async handler(ctx, p, tx) {
    const ca = await caOrNotFound(ctx, tx, p.Identifier);
    if (ca.status !== "ISSUE") throw stateError("InvalidStatus.CACertificate", `the CA is ${ca.status}; only an ISSUE CA can be revoked`);
    const reason = p.Reason ? parseRevocationReason(p.Reason) : null;
    await tx.cas.setStatus(ca.id, "REVOKE", ctx.now(), reason);
    return {};
  },
  target: (p) => p.Identifier,
});
