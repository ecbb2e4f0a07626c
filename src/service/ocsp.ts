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
 * - Signed by the issuing CA's own key (responderID byKey), or — when the CA's OCSP settings say
 *   delegated and its responder certificate is valid now — by that responder (its certificate in
 *   `certs`, responderID byKey of its key; ocsp-responder.ts). thisUpdate = producedAt = now (whole
 *   seconds), nextUpdate = thisUpdate + {@link OCSP_VALIDITY_SEC} (never past the responder
 *   certificate); the nonce echoed.
 * - Pre-signed (the CA's settings say presign): a request without a nonce, for one SHA-1 CertID encoded
 *   as RFC 5019 clients encode it — or one SHA-256 CertID (NULL parameters, as `openssl ocsp -sha256`
 *   sends) when the settings pre-sign SHA-256 too — gets the stored answer for that hash byte for byte,
 *   no signature, provided it is still within its validity, was signed by the current signer, and
 *   states the status the snapshot holds now (so a revocation shows at once; the refresh job re-signs the stored answer, ocsp-presign.ts).
 *   A request with a nonce is always signed on demand: the nonce must be echoed.
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
import { revocationOf } from "./actions/ca.js";
import { perStore, setBounded } from "./memo.js";
import { authorityOf } from "./authority.js";
import type { ServiceConfig, ServiceContext } from "./context.js";
import { certIdDer, delegatedResponder, presignHashesOf, responderUsable, signerIdOf, storedStatusMatches } from "./ocsp-responder.js";

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
  /** A stored, pre-signed answer was sent (nothing was signed for this request). */
  presigned?: boolean;
}

/** Issuer hashes per CA id: an id is the MD5 of the CA certificate, so its hashes never change. */
const hashCache = perStore<OcspIssuerHashes>();

export function hashesOf(store: Store, ca: Pick<CaRecord, "id" | "certificatePem">): OcspIssuerHashes {
  const m = hashCache(store);
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
async function findIssuer(store: Store, tx: StoreTx, ids: OcspCertId[], caId: string | undefined): Promise<{ ca: CaRecord; chain: CaRecord[] } | null> {
  const matchesAll = (h: OcspIssuerHashes) => ids.every((id) => certIdMatches(id, h));
  if (caId !== undefined) {
    const chain = await tx.cas.getPublicChain(caId);
    const ca = chain[0];
    return ca && matchesAll(hashesOf(store, ca)) ? { ca, chain } : null;
  }
  // Hashes of CAs already seen are kept; only new CAs are read (a private CA holds tens of CAs).
  const known = hashCache(store);
  for (const id of await tx.cas.listAllIds()) {
    const cached = known.get(id);
    if (cached && !matchesAll(cached)) continue;
    const ca = await tx.cas.getPublic(id);
    if (ca && matchesAll(hashesOf(store, ca))) return { ca, chain: [ca, ...(ca.parentId ? await tx.cas.getPublicChain(ca.parentId) : [])] };
  }
  return null;
}

/** When `ca` or the nearest CA above it was revoked, with its stored reason; null while the chain is valid. */
export async function chainRevocation(tx: StoreTx, ca: CaRecord): Promise<{ at: Date; reason: string | null } | null> {
  if (ca.status !== "ISSUE") return revocationOf([ca]);
  return ca.parentId ? revocationOf(await tx.cas.getPublicChain(ca.parentId)) : null;
}

/**
 * Parsed requests by their bytes (base64): relying parties and caches ask the same question again and
 * again (a GET URL is the request), and reading the DER is a fifth of an answer's CPU. Only well-formed
 * requests are kept, at most {@link PARSED_MAX}, the oldest dropped first; a result is never changed.
 */
const PARSED_MAX = 4096;
type Parsed = Extract<ReturnType<typeof parseOcspRequest>, { ok: true }>;
const parsedCache = new Map<string, Parsed>();
function parseCached(der: Uint8Array): (Parsed & { key: string }) | Exclude<ReturnType<typeof parseOcspRequest>, { ok: true }> {
  const key = Buffer.from(der.buffer, der.byteOffset, der.byteLength).toString("base64");
  const hit = der.length <= 1024 ? parsedCache.get(key) : undefined;
  if (hit) return { ...hit, key };
  const parsed = parseOcspRequest(der);
  if (!parsed.ok) return parsed;
  if (der.length <= 1024) setBounded(parsedCache, key, parsed, PARSED_MAX);
  return { ...parsed, key };
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

/** The status an issuer states for a serial it holds (or not), given the revocation of its chain. */
export function statusOf(
  held: { status: string; revokedAt: Date | null; reason: string | null } | null,
  through: { at: Date; reason: string | null } | null,
): OcspCertStatus {
  if (!held) return { status: "unknown" };
  if (held.status === "REVOKE") return { status: "revoked", revokedAt: held.revokedAt ?? through?.at ?? new Date(0), reason: reasonOf(held.reason) };
  if (through) return { status: "revoked", revokedAt: through.at, reason: throughCaReason(through.reason) };
  return { status: "good" };
}

/**
 * Answers kept in memory, per store, by request (nonce-less requests only; an answer with an unknown
 * status is never kept, as a serial may be issued later). One is served again only within its
 * thisUpdate–nextUpdate and while {@link stateOf} its CA chain and the CA's OCSP settings is unchanged —
 * checked on every request, so a revocation made by any process or instance on the store is answered at
 * once, as without the cache: by the store's change mark while nothing at all was committed since the
 * last check (SQLite; no statement), else by one lean statement. Serving the same signed bytes again is what a
 * pre-signed answer is (RFC 5019): producedAt is when it was signed. For a CA that pre-signs, only
 * stored answers are kept (one signed on demand there is a stopgap until the next refresh pass).
 */
const ANSWERS_MAX = 10_000;
/** A kept answer, the state it was found current in, and the store's change mark when it last was (null: unknown). */
type Kept = { answer: OcspAnswer; state: string; chainIds: string[]; mark: number | null };
const answersOf = perStore<Kept>();

/** A kept answer is served while two thirds of its validity remain (the refresh pass's rule for stored ones). */
function servable(a: OcspAnswer, at: number): boolean {
  if (!a.thisUpdate || !a.nextUpdate) return false;
  const from = a.thisUpdate.getTime();
  const to = a.nextUpdate.getTime();
  return from <= at && at < to - (to - from) / 3;
}

/** What a kept answer depends on besides the certificates' rows: each CA's status and counter, and the settings. */
function stateOf(chain: ReadonlyArray<{ id: string; status: string; revocationSeq: number }>, cfg: { updatedAt: Date } | null): string {
  const byId = [...chain].sort((a, b) => (a.id < b.id ? -1 : 1));
  return `${byId.map((c) => `${c.id}:${c.status}:${c.revocationSeq}`).join(",")}|${cfg?.updatedAt.getTime() ?? 0}`;
}

function keep(store: Store, key: string | undefined, mark: number | null, found: { statuses: OcspCertStatus[]; state: string; chainIds: string[] }, presignable: boolean, answer: OcspAnswer): OcspAnswer {
  if (key === undefined || found.statuses.some((s) => s.status === "unknown")) return answer;
  // A request the refresh pass pre-signs for is signed on demand only until the pass stores its answer:
  // keep that one. Any other (a hash or CertID encoding not pre-signed, several CertIDs) is kept as signed.
  if (presignable && !answer.presigned) return answer;
  setBounded(answersOf(store), key, { answer, state: found.state, chainIds: found.chainIds, mark }, ANSWERS_MAX);
  return answer;
}

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((v, i) => v === b[i]);

/**
 * Answers one OCSP request (DER) for the CA `caId` (`/ocsp/<caId>`), or for whichever CA the CertIDs
 * name (`/ocsp`).
 * @example
 * const a = await answerOcsp({ store, config, now }, body, "9f3c…");
 * reply.type("application/ocsp-response").send(Buffer.from(a.der));
 */
export async function answerOcsp(o: OcspServiceOptions, requestDer: Uint8Array, caId?: string): Promise<OcspAnswer> {
  const parsed = parseCached(requestDer);
  if (!parsed.ok) return refuse("malformedRequest", parsed.reason);
  const { certIds, nonce } = parsed.request;
  try {
    // Nonce-less requests are answered from this process's memory while nothing they depend on changed.
    const cacheKey = nonce ? undefined : `${caId ?? ""}|${parsed.key}`;
    const cached = cacheKey === undefined ? undefined : answersOf(o.store).get(cacheKey);
    const at0 = o.now().getTime();
    // Read before anything else: a commit after it moves the mark, so what follows is checked again.
    const mark = cacheKey === undefined ? null : await o.store.changeMark();
    if (cached && servable(cached.answer, at0)) {
      // Nothing committed since the answer was last found current: it still is (no statement at all).
      if (mark !== null && mark === cached.mark) return cached.answer;
      const now = await o.store.read(async (tx) => stateOf(await tx.cas.revocationStates(cached.chainIds), await tx.ocsp.getConfig(cached.answer.caId as string)));
      if (now === cached.state) {
        cached.mark = mark;
        return cached.answer;
      }
    }
    const found = await o.store.read(async (tx) => {
      const issuer = await findIssuer(o.store, tx, certIds, caId);
      if (!issuer) return null;
      const { ca, chain } = issuer;
      // Read before the statuses: a revocation after this point changes the state, so an answer kept
      // with it is never served again (on PostgreSQL each statement has its own snapshot).
      const chainState = chain.map((c) => ({ id: c.id, status: c.status, revocationSeq: c.revocationSeq ?? 0 }));
      const through = revocationOf(chain);
      const statuses: OcspCertStatus[] = [];
      for (const id of certIds) {
        const held = id.serialHex === null ? null : await tx.certificates.statusBySerial(ca.id, id.serialHex);
        statuses.push(statusOf(held, through));
      }
      // The CA's OCSP settings (none: the CA key signs on demand), its responder, a pre-signed answer.
      const cfg = await tx.ocsp.getConfig(ca.id);
      const responder = cfg?.delegated ? await tx.ocsp.getResponder(ca.id) : null;
      const only = certIds.length === 1 ? certIds[0] : undefined;
      // The hash of a lone CertID the CA pre-signs for (rows of a hash no longer pre-signed are not served).
      const hash = cfg?.presign && only?.serialHex && presignHashesOf(cfg).includes(only.hash) ? only.hash : null;
      const stored = hash && !nonce && statuses[0]?.status !== "unknown" ? await tx.ocsp.getResponse(ca.id, only?.serialHex as string, hash) : null;
      return { ca, statuses, responder, stored, hash, state: stateOf(chainState, cfg), chainIds: chain.map((c) => c.id) };
    });
    if (!found) return refuse("unauthorized", caId === undefined ? "no CA held here issued these certificates" : `the CertIDs do not name CA ${caId.slice(0, 64)}`);
    const at = o.now();
    const delegate = responderUsable(found.responder, at) ? found.responder : null;
    const stored = found.stored;
    const only = certIds[0] as OcspCertId;
    // Whether the refresh pass pre-signs an answer for exactly this request: a hash it signs for, and the
    // CertID encoded as that answer carries it (NULL parameters).
    const presignable = found.hash !== null && sameBytes(only.der, certIdDer(hashesOf(o.store, found.ca), found.hash, only.serialHex as string));
    if (
      presignable &&
      stored &&
      stored.thisUpdate.getTime() <= at.getTime() &&
      at.getTime() < stored.nextUpdate.getTime() &&
      stored.signer === signerIdOf(delegate) &&
      storedStatusMatches(stored, found.statuses[0] as OcspCertStatus)
    ) {
      return keep(o.store, cacheKey, mark, found, presignable, { der: stored.der, status: "successful", caId: found.ca.id, thisUpdate: stored.thisUpdate, nextUpdate: stored.nextUpdate, presigned: true });
    }
    const ctx: ServiceContext = { store: o.store, tenantId: found.ca.tenantId, actor: "ocsp", now: o.now, config: o.config };
    const thisUpdate = new Date(Math.floor(at.getTime() / 1000) * 1000);
    const nextUpdate = new Date(Math.min(thisUpdate.getTime() + OCSP_VALIDITY_SEC * 1000, delegate?.notAfter.getTime() ?? Number.POSITIVE_INFINITY));
    const der = buildOcspResponse({
      responder: delegate ? delegatedResponder(o.store, delegate) : ocspResponder(authorityOf(ctx, found.ca).signer),
      producedAt: thisUpdate,
      nonce,
      responses: certIds.map((certId, i) => ({ certId, cert: found.statuses[i] as OcspCertStatus, thisUpdate, nextUpdate })),
    });
    return keep(o.store, cacheKey, mark, found, presignable, { der, status: "successful", caId: found.ca.id, thisUpdate, nextUpdate });
  } catch (e) {
    const reason = e instanceof Error ? `${e.name}: ${e.message}`.slice(0, 300) : String(e).slice(0, 300);
    if (e instanceof StoreError && e.code === "unavailable") return refuse("tryLater", reason);
    return refuse("internalError", reason);
  }
}
