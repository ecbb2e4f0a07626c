/**
 * CAS 2020-06-30 leaf issuance (docs/cas-api.md, §6.3–6.6): CreateServerCertificate[WithCsr],
 * CreateClientCertificate[WithCsr]. Each certificate is committed before it is returned.
 */
import { z } from "zod";
import { exportPrivateKeyDer } from "../../crypto/keys.js";
import { parseCsr } from "../../csr/index.js";
import { type IssueResult, sha256Hex } from "../../issue/index.js";
import type { CaChainState, CaRecord, CertificateRecord, StoreTx } from "../../store/port.js";
import type { ValidityParams } from "../../types.js";
import { issuerOf } from "../authority.js";
import { perStore, setBounded } from "../memo.js";
import type { ServiceContext } from "../context.js";
import { bool, int, str } from "../params.js";
import { type Action, Redraft, defineAction, together } from "../run.js";
import { signingCaOrFail, signingStateOrFail } from "./ca.js";

const common = {
  ParentIdentifier: str(64),
  Organization: str(64).optional(),
  OrganizationUnit: str(64).optional(),
  Country: z.string().regex(/^[A-Za-z]{2}$/).optional(),
  State: str(128).optional(),
  Locality: str(128).optional(),
  Years: int(1, 100).optional(),
  Months: int(1, 1200).optional(),
  Days: int(1, 36_500).optional(),
  BeforeTime: int(0, 32_503_680_000).optional(),
  AfterTime: int(0, 32_503_680_000).optional(),
  Immediately: int(0, 2).default(0),
  EnableCrl: bool.optional(),
};
const commonSchema = z.object(common);
type Common = z.output<typeof commonSchema>;

const validityOf = (p: Common): ValidityParams => ({ years: p.Years, months: p.Months, days: p.Days, beforeTime: p.BeforeTime, afterTime: p.AfterTime });
const subjectOf = (p: Common) => ({ organization: p.Organization, organizationalUnit: p.OrganizationUnit, country: p.Country, state: p.State, locality: p.Locality });

/** A CA created with EnableCrl puts its CRL URL in leaves by default — when a CRL base URL is configured. */
const defaultCrl = (ctx: ServiceContext, rec: CaRecord) => rec.crlEnabled && !!ctx.config.crlBaseUrl;

const REVOKED = "the issuing CA is revoked and can no longer issue";

type Make = (rec: CaRecord, issuer: ReturnType<typeof issuerOf>) => IssueResult | Promise<IssueResult>;

/** A certificate built and signed before the write transaction, and the CA record it was made from. */
export interface Draft {
  key: string;
  rec: CaRecord;
  result: IssueResult;
}

/**
 * Issuing CAs as this process last read them, per store and tenant: a draft starts from one without a
 * read (a lookup on SQLite's read connection, whose cache every commit empties, cost more than the
 * signature). Never trusted: the commit reads the row under the write lock and checks it.
 */
const lastRead = perStore<CaRecord>();
const caCache = (ctx: ServiceContext): Map<string, CaRecord> => lastRead(ctx.store);

/**
 * Drafts a certificate (run.ts `prepare`): the key generated (when caskit makes it) and the certificate
 * signed with no lock held — an RSA signature or key generation inside the transaction held every
 * writer of every process waiting.
 */
export async function draft(ctx: ServiceContext, parentId: string, make: Make): Promise<Draft> {
  const key = `${ctx.tenantId}\u0000${parentId}`;
  let rec = caCache(ctx).get(key);
  if (!rec) {
    rec = await ctx.store.read((tx) => signingCaOrFail(ctx, tx, parentId, REVOKED));
    setBounded(caCache(ctx), key, rec, 1_000);
  }
  return { key, rec, result: await make(rec, issuerOf(ctx, rec)) };
}

/** What of a CA record a certificate it issues depends on, besides its (immutable) certificate and key. */
const sameIssuance = (now: CaChainState, drafted: CaRecord) => now.crlEnabled === drafted.crlEnabled && now.crlShards === (drafted.crlShards ?? 0);

/**
 * Stores a draft, inside the transaction. The issuing CA and every CA above it must be valid now: a
 * revocation since the draft refuses it, and the signed bytes are dropped, never stored or returned. The
 * check and the certificate's insert go out together (one round trip on PostgreSQL): a refusal's rollback
 * takes the insert back. A CA row that changed what its certificates carry (CRL shards) since this
 * process last read it: the action is drafted again from the row (run.ts, Redraft; rare).
 */
export function commitDraft(ctx: ServiceContext, tx: StoreTx, d: Draft, immediately: number): Promise<Record<string, string>> {
  return together(checkDraft(ctx, tx, d), () => commit(ctx, tx, d.rec, d.result, immediately));
}

/** {@link commitDraft}'s check: the chain still valid, and the CA row still what the draft was made from. */
async function checkDraft(ctx: ServiceContext, tx: StoreTx, d: Draft): Promise<void> {
  const now = await signingStateOrFail(ctx, tx, d.rec.id, REVOKED).catch((e: unknown) => {
    caCache(ctx).delete(d.key);
    throw e;
  });
  if (sameIssuance(now, d.rec)) return;
  caCache(ctx).delete(d.key); // the next draft reads the row
  throw new Redraft(`the CA ${d.rec.id} changed its CRL settings while a certificate was drafted from it`);
}

/** Stores the certificate and shapes the response by Immediately (0 id, 1 + cert, 2 + chain). */
export async function commit(ctx: ServiceContext, tx: StoreTx, issuer: CaRecord, r: IssueResult, immediately: number) {
  const rec: CertificateRecord = {
    id: r.identifier,
    tenantId: ctx.tenantId,
    issuerId: issuer.id,
    serialNumber: r.serialNumber,
    certificateType: r.certificateType,
    status: "ISSUE",
    certificatePem: r.certificatePem,
    subject: r.subject,
    sans: r.sans,
    notBefore: r.notBefore,
    notAfter: r.notAfter,
    algorithm: r.keyFamily,
    keySize: r.keySize,
    signAlgorithm: issuer.signAlgorithm,
    sha256: "",
    keyPkcs8: r.keyPair ? exportPrivateKeyDer(r.keyPair) : null,
    tags: [],
    createdAt: ctx.now(),
    revokedAt: null,
    revokeReason: null,
  };
  rec.sha256 = sha256Hex(r.certificateDer);
  await tx.certificates.insert(rec);
  // Its CRL shard (docs/revocation.md), when its CDP names one: the shard CRL lists it once revoked.
  if (r.crlShard !== undefined) await tx.crlShards.assign(issuer.id, r.serialNumber, r.crlShard);
  const out: Record<string, string> = { Identifier: r.identifier };
  // Immediately=0: CAS returns only the identifier; the certificate is already stored and retrievable.
  if (immediately >= 1) {
    out.X509Certificate = r.certificatePem;
    out.SerialNumber = r.serialNumber;
  }
  if (immediately >= 2) out.CertificateChain = r.chainPem;
  return out;
}

const target = (_p: unknown, r: { Identifier: string }) => r.Identifier;

export const createServerCertificate = defineAction({
  name: "CreateServerCertificate",
  mutates: true,
  schema: z.object({ ...common, CommonName: str(64), Algorithm: str(16), Domain: z.string().max(4096).optional() }),
  prepare: (p, ctx) =>
    draft(ctx, p.ParentIdentifier, (rec, issuer) =>
      issuer.server({ commonName: p.CommonName, algorithm: p.Algorithm, domain: p.Domain, subject: subjectOf(p), enableCrl: p.EnableCrl ?? defaultCrl(ctx, rec), crlShards: rec.crlShards, ...validityOf(p) }),
    ),
  handler: (ctx, p, tx, d) => commitDraft(ctx, tx, d, p.Immediately),
  admitAlongside: true,
  target,
});

export const createServerCertificateWithCsr = defineAction({
  name: "CreateServerCertificateWithCsr",
  mutates: true,
  schema: z.object({ ...common, Csr: z.string().min(1).max(70_000), CommonName: str(64).optional(), Algorithm: str(16).optional(), Domain: z.string().max(4096).optional() }),
  prepare: (p, ctx) => {
    const csr = parseCsr(p.Csr); // before any store read: a bad CSR costs nothing more
    return draft(ctx, p.ParentIdentifier, (rec, issuer) => issuer.serverFromCsr(csr, { domain: p.Domain, subject: subjectOf(p), enableCrl: p.EnableCrl ?? defaultCrl(ctx, rec), crlShards: rec.crlShards, ...validityOf(p) }));
  },
  handler: (ctx, p, tx, d) => commitDraft(ctx, tx, d, p.Immediately),
  admitAlongside: true,
  target,
});

const clientFields = { SanType: z.union([z.literal(1), z.literal(6), z.enum(["1", "6"])]).transform((v) => Number(v) as 1 | 6).optional(), SanValue: z.string().max(4096).optional() };

export const createClientCertificate = defineAction({
  name: "CreateClientCertificate",
  mutates: true,
  schema: z.object({ ...common, ...clientFields, CommonName: str(64).optional(), Algorithm: str(16).optional() }),
  prepare: (p, ctx) =>
    draft(ctx, p.ParentIdentifier, (rec, issuer) =>
      issuer.client({
        commonName: p.CommonName,
        algorithm: p.Algorithm ?? rec.algorithm,
        sanType: p.SanType,
        sanValue: p.SanValue,
        subject: subjectOf(p),
        enableCrl: p.EnableCrl ?? defaultCrl(ctx, rec),
        crlShards: rec.crlShards,
        ...validityOf(p),
      }),
    ),
  handler: (ctx, p, tx, d) => commitDraft(ctx, tx, d, p.Immediately),
  admitAlongside: true,
  target,
});

export const createClientCertificateWithCsr = defineAction({
  name: "CreateClientCertificateWithCsr",
  mutates: true,
  schema: z.object({ ...common, ...clientFields, Csr: z.string().min(1).max(70_000), CommonName: str(64).optional() }),
  // A client certificate names a person or a device: the host-name rule for the CN is the server profile's (issue 9 #8).
  prepare: (p, ctx) => {
    const csr = parseCsr(p.Csr, { profile: "client" });
    return draft(ctx, p.ParentIdentifier, (rec, issuer) => issuer.clientFromCsr(csr, { commonName: p.CommonName, sanType: p.SanType, sanValue: p.SanValue, subject: subjectOf(p), enableCrl: p.EnableCrl ?? defaultCrl(ctx, rec), crlShards: rec.crlShards, ...validityOf(p) }));
  },
  handler: (ctx, p, tx, d) => commitDraft(ctx, tx, d, p.Immediately),
  admitAlongside: true,
  target,
});

export const ISSUE_ACTIONS: Action[] = [createServerCertificate, createServerCertificateWithCsr, createClientCertificate, createClientCertificateWithCsr] as unknown as Action[];
