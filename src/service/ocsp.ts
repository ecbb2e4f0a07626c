/**
 * The OCSP responder (RFC 6960, RFC 5019 profile; docs/ocsp.md): a DER request in, a DER OCSPResponse
 * out — always an answer, never a throw. Reads only the store's read snapshot (`store.read`): an OCSP
 * lookup never waits for a writer and never takes the write lock.
 *
 * - The issuer is the CA whose issuerNameHash and issuerKeyHash (SHA-1 or SHA-256, computed once per CA
 *   and kept) the CertIDs carry; with a CA in the path, that CA. An issuer caskit does not hold, or
 *   CertIDs naming more than one CA → `unauthorized`.
 * - Each serial is looked up under that issuer: revoked (time, reason) / good / unknown (never issued).
 *   A certificate or sub-CA under a revoked CA answers revoked with that CA's revocation time (the same
 *   meaning as DescribeClientCertificateStatus, docs/revocation.md); deleted, revoked ones stay revoked.
 * - Signed by the issuing CA's own key (responderID byKey), thisUpdate = producedAt = now (whole
 *   seconds), nextUpdate = thisUpdate + {@link OCSP_VALIDITY_SEC}; the nonce echoed.
 * - A store that cannot be reached → `tryLater`; anything unexpected → `internalError`.
 */
import type { Store, StoreTx, CaRecord } from "../store/port.js";
import { StoreError } from "../store/errors.js";
import { fromPemAll } from "../internal/pem.js";
import {
  type OcspCertId,
  type OcspCertStatus,
  type OcspErrorStatus,
  type OcspIssuerHashes,
  type OcspResponseStatus,
  buildOcspResponse,
  certIdMatches,
  ocspErrorResponse,
  ocspIssuerHashesOf,
  ocspResponder,
  parseCrlReason,
  parseOcspRequest,
  type CrlReason,
} from "../revoke/index.js";
import { authorityOf } from "./authority.js";
import type { ServiceConfig, ServiceContext } from "./context.js";

/** How long a response is valid (nextUpdate − thisUpdate): one hour. */
export const OCSP_VALIDITY_SEC = 3600;

export interface OcspServiceOptions {
  store: Store;
  config: ServiceConfig;
  now: () => Date;
}

/** A response and what the HTTP layer needs to label and log it. */
export interface OcspAnswer {
  der: Uint8Array;
  status: OcspResponseStatus;
  /** The CA that answered (successful responses). */
  caId?: string;
  thisUpdate?: Date;
  nextUpdate?: Date;
  /** Why the request was refused or failed, bounded (for the log, never sent). */
  reason?: string;
}

/** Issuer hashes per CA id: an id is the MD5 of the CA certificate, so its hashes never change. */
const hashCache = new WeakMap<Store, Map<string, OcspIssuerHashes>>();

function hashesOf(store: Store, ca: Pick<CaRecord, "id" | "certificatePem">): OcspIssuerHashes {
  let m = hashCache.get(store);
  if (!m) hashCache.set(store, (m = new Map()));
  let h = m.get(ca.id);
  if (!h) {
    const [der] = fromPemAll("CERTIFICATE", ca.certificatePem);
    if (!der) throw new TypeError(`CA ${ca.id} has no certificate`);
    h = ocspIssuerHashesOf(der);
    m.set(ca.id, h);
  }
  return h;
}

const refuse = (status: OcspErrorStatus, reason: string): OcspAnswer => ({ der: ocspErrorResponse(status), status, reason });

/** The CA (any tenant) whose hashes every CertID carries; `caId` when given. Null: none, or more than one. */
async function findIssuer(store: Store, tx: StoreTx, ids: OcspCertId[], caId: string | undefined): Promise<CaRecord | null> {
  const matchesAll = (h: OcspIssuerHashes) => ids.every((id) => certIdMatches(id, h));
  if (caId !== undefined) {
    const ca = await tx.cas.getPublic(caId);
    return ca && matchesAll(hashesOf(store, ca)) ? ca : null;
  }
  // Hashes of CAs already seen are kept; only new CAs are read (a private CA holds tens of CAs).
  const known = hashCache.get(store);
  for (const id of await tx.cas.listAllIds()) {
    const cached = known?.get(id);
    if (cached && !matchesAll(cached)) continue;
    const ca = await tx.cas.getPublic(id);
    if (ca && matchesAll(hashesOf(store, ca))) return ca;
  }
  return null;
}

/** When `ca` or the nearest CA above it was revoked, with its stored reason; null while the chain is valid. */
async function chainRevocation(tx: StoreTx, ca: CaRecord): Promise<{ at: Date; reason: string | null } | null> {
  let cur: CaRecord | null = ca;
  for (let depth = 0; cur && depth < 20; depth++) {
    if (cur.status !== "ISSUE") return { at: cur.revokedAt ?? cur.createdAt, reason: cur.revokeReason ?? null };
    cur = cur.parentId ? await tx.cas.getPublic(cur.parentId) : null;
  }
  return null;
}

/** A stored reason as OCSP states it; unreadable or removeFromCRL rows read as unspecified (as on the CRL). */
function reasonOf(stored: string | null): CrlReason | undefined {
  if (!stored) return undefined;
  try {
    const r = parseCrlReason(stored);
    return r === "removeFromCRL" ? undefined : r;
  } catch {
    return undefined;
  }
}

/**
 * A certificate revoked *through* its CA: the CA's key or the CA itself compromised reads cACompromise
 * for what it signed; any other reason of the CA is no reason of the leaf (unspecified).
 */
const throughCaReason = (caReason: string | null): CrlReason | undefined => {
  const r = reasonOf(caReason);
  return r === "keyCompromise" || r === "cACompromise" ? "cACompromise" : undefined;
};

/**
 * Answers one OCSP request (DER) for the CA `caId` (`/ocsp/<caId>`), or for whichever CA the CertIDs
 * name (`/ocsp`).
 * @example
 * const a = await answerOcsp({ store, config, now }, body, "9f3c…");
 * reply.type("application/ocsp-response").send(Buffer.from(a.der));
 */
export async function answerOcsp(o: OcspServiceOptions, requestDer: Uint8Array, caId?: string): Promise<OcspAnswer> {
  const parsed = parseOcspRequest(requestDer);
  if (!parsed.ok) return refuse("malformedRequest", parsed.reason);
  const { certIds, nonce } = parsed.request;
  try {
    const found = await o.store.read(async (tx) => {
      const ca = await findIssuer(o.store, tx, certIds, caId);
      if (!ca) return null;
      const through = await chainRevocation(tx, ca);
      const statuses: OcspCertStatus[] = [];
      for (const id of certIds) {
        const held = id.serialHex === null ? null : await tx.certificates.statusBySerial(ca.id, id.serialHex);
        if (!held) statuses.push({ status: "unknown" });
        else if (held.status === "REVOKE") statuses.push({ status: "revoked", revokedAt: held.revokedAt ?? through?.at ?? new Date(0), reason: reasonOf(held.reason) });
        else if (through) statuses.push({ status: "revoked", revokedAt: through.at, reason: throughCaReason(through.reason) });
        else statuses.push({ status: "good" });
      }
      return { ca, statuses };
    });
    if (!found) return refuse("unauthorized", caId === undefined ? "no CA held here issued these certificates" : `the CertIDs do not name CA ${caId.slice(0, 64)}`);
    const ctx: ServiceContext = { store: o.store, tenantId: found.ca.tenantId, actor: "ocsp", now: o.now, config: o.config };
    const signer = authorityOf(ctx, found.ca).signer;
    const thisUpdate = new Date(Math.floor(o.now().getTime() / 1000) * 1000);
    const nextUpdate = new Date(thisUpdate.getTime() + OCSP_VALIDITY_SEC * 1000);
    const der = buildOcspResponse({
      responder: ocspResponder(signer),
      producedAt: thisUpdate,
      nonce,
      responses: certIds.map((certId, i) => ({ certId, cert: found.statuses[i] as OcspCertStatus, thisUpdate, nextUpdate })),
    });
    return { der, status: "successful", caId: found.ca.id, thisUpdate, nextUpdate };
  } catch (e) {
    const reason = e instanceof Error ? `${e.name}: ${e.message}`.slice(0, 300) : String(e).slice(0, 300);
    if (e instanceof StoreError && e.code === "unavailable") return refuse("tryLater", reason);
    return refuse("internalError", reason);
  }
}
