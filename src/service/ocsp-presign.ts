/**
 * OCSP answers signed ahead of time (docs/ocsp.md "Pre-signed responses"), and their export to files a
 * plain web server or CDN can serve.
 *
 * {@link refreshOcsp} is one pass over the CAs that have OCSP settings (`caskit ocsp configure`): it
 * rotates each delegated responder that needs it (ocsp-responder.ts), then, for a CA that pre-signs,
 * walks every serial the CA has used (certificates, deleted ones included, and sub-CAs; those past
 * notAfter are left to on-demand signing) a page at a time and, for each CertID hash the CA pre-signs
 * (SHA-1, and SHA-256 when `--presign-hashes sha1,sha256`; each its own stored answer, under the same
 * rules), (re-)signs the stored answer when it is missing, states another status than the store now
 * holds (a revocation, the CA revoked), was signed by another signer (a rotated responder, the settings
 * changed), or has less than a third of its validity left. `caskit serve` runs it at start and every `--ocsp-interval` seconds (default 60) in worker 0, so
 * a stored answer is re-signed at most one interval after a revocation; until then the responder does
 * not serve it (its status no longer matches) and signs on demand instead. SHA-256 answers of a CA that
 * no longer pre-signs SHA-256 are deleted by the pass (the responder stops serving them at once), and
 * every stored answer of a CA that no longer pre-signs at all, a page per transaction.
 *
 * {@link exportOcsp} refreshes the chosen CAs (pre-signing them whether or not they pre-sign for the
 * responder) and writes the answers out — layout in {@link exportOcsp}.
 */
import { mkdir, readdir, rename, unlink, writeFile } from "node:fs/promises";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { buildOcspResponse, ocspResponder } from "../revoke/index.js";
import type { CaRecord, OcspCertIdHash, OcspConfigRecord, OcspResponderRecord, OcspStoredResponse, Store } from "../store/port.js";
import { authorityOf } from "./authority.js";
import type { ServiceConfig, ServiceContext } from "./context.js";
import { chainRevocation, hashesOf, statusOf } from "./ocsp.js";
import { certIdDer, defaultOcspConfig, delegatedResponder, ensureResponder, presignHashesOf, responderUsable, signerIdOf, storedStatusMatches, wholeSecondsMs } from "./ocsp-responder.js";
import { sequence } from "../internal/der.js";

/** Serials read (and answers written, in one transaction) per page. */
const PAGE = 500;

/** What one pass did for one CA. */
export interface OcspRefreshResult {
  caId: string;
  delegated: boolean;
  /** The responder certificate signing now (delegated CAs). */
  responder?: { serialNumber: string; notBefore: Date; notAfter: Date };
  presigned: boolean;
  /** The CertID hashes pre-signed in this pass (empty when not pre-signed). */
  hashes: OcspCertIdHash[];
  /** Answers signed in this pass. */
  signed: number;
  /** Stored answers still good. */
  kept: number;
  /** Stored answers deleted: their certificate has expired, or ones the settings no longer ask for (SHA-256 ones, or all when the CA stopped pre-signing); answered on demand from then on. */
  purged: number;
}

export interface OcspRefreshOptions {
  /** Only these CAs (default: every CA with stored OCSP settings). */
  caIds?: string[];
  /** Pre-sign these CAs even when their settings do not (export). */
  presignAll?: boolean;
  /** Each answer of a pre-signed CA, page by page (signed or kept; export writes them). */
  onAnswers?: (ca: CaRecord, answers: OcspStoredResponse[]) => Promise<void>;
  /** A CA that failed; the pass goes on with the next. Default: rethrow. */
  onError?: (caId: string, e: unknown) => void;
}

/**
 * One refresh pass (see the module note). Returns what it did per CA.
 * @example
 * await refreshOcsp(store, config, () => new Date()); // serve's periodic job
 */
export async function refreshOcsp(store: Store, config: ServiceConfig, now: () => Date, o: OcspRefreshOptions = {}): Promise<OcspRefreshResult[]> {
  const configs = await store.read((tx) => tx.ocsp.listConfigs());
  const targets: OcspConfigRecord[] = o.caIds ? o.caIds.map((id) => configs.find((c) => c.caId === id) ?? defaultOcspConfig(id, now())) : configs;
  const out: OcspRefreshResult[] = [];
  for (const cfg of targets) {
    try {
      const ca = await store.read((tx) => tx.cas.getPublic(cfg.caId));
      if (!ca) continue;
      const res: OcspRefreshResult = { caId: ca.id, delegated: cfg.delegated, presigned: false, hashes: [], signed: 0, kept: 0, purged: 0 };
      let delegate: OcspResponderRecord | null = null;
      if (cfg.delegated) {
        const r = await ensureResponder(store, config, ca, cfg.responderDays, now());
        delegate = responderUsable(r, now()) ? r : null;
        if (delegate) res.responder = { serialNumber: delegate.serialNumber, notBefore: delegate.notBefore, notAfter: delegate.notAfter };
      }
      if (cfg.presign || o.presignAll) {
        res.presigned = true;
        res.hashes = presignHashesOf(cfg);
        Object.assign(res, await presignCa(store, config, ca, cfg, delegate, now(), o.onAnswers));
      } else {
        // Pre-signing turned off: the answers stored before would never be served or refreshed again.
        for (let n = 1; n > 0; ) {
          n = await store.transaction((tx) => tx.ocsp.purgeResponses(ca.id, PAGE));
          res.purged += n;
        }
      }
      out.push(res);
    } catch (e) {
      if (!o.onError) throw e;
      o.onError(cfg.caId, e);
    }
  }
  return out;
}

async function presignCa(
  store: Store,
  config: ServiceConfig,
  ca: CaRecord,
  cfg: OcspConfigRecord,
  delegate: OcspResponderRecord | null,
  at: Date,
  onAnswers?: OcspRefreshOptions["onAnswers"],
): Promise<{ signed: number; kept: number; purged: number }> {
  const ctx: ServiceContext = { store, tenantId: ca.tenantId, actor: "system", now: () => at, config };
  const responder = delegate ? delegatedResponder(store, delegate) : ocspResponder(authorityOf(ctx, ca).signer);
  const signer = signerIdOf(delegate);
  const hashes = hashesOf(store, ca);
  const wanted = presignHashesOf(cfg);
  const validityMs = cfg.responseHours * 3600_000;
  const t = at.getTime();
  let signed = 0;
  let kept = 0;
  let purged = 0;
  let after = "";
  for (;;) {
    const page = await store.read(async (tx) => {
      const fresh = await tx.cas.getPublic(ca.id);
      const through = fresh ? await chainRevocation(tx, fresh) : null;
      const issued = await tx.ocsp.issuedPage(ca.id, after, PAGE);
      const last = issued[issued.length - 1];
      const stored = last ? await tx.ocsp.responsesBetween(ca.id, after, last.serialNumber) : [];
      return { through, issued, stored: new Map(stored.map((r) => [`${r.serialNumber}|${r.certIdHash}`, r])), storedSerials: new Set(stored.map((r) => r.serialNumber)) };
    });
    const answers: OcspStoredResponse[] = [];
    const writes: OcspStoredResponse[] = [];
    const expired: string[] = [];
    // SHA-256 answers the settings no longer ask for: deleted (the responder already ignores them).
    const unwanted = wanted.includes("sha256") ? [] : [...page.stored.values()].filter((r) => r.certIdHash === "sha256").map((r) => r.serialNumber);
    for (const s of page.issued) {
      if (s.notAfter.getTime() <= t) {
        // Expired: answered on demand from now on; its stored answers are deleted, not left to go stale.
        if (page.storedSerials.has(s.serialNumber)) expired.push(s.serialNumber);
        continue;
      }
      const status = statusOf(s, page.through);
      if (status.status === "unknown") continue;
      for (const hash of wanted) {
        const st = page.stored.get(`${s.serialNumber}|${hash}`);
        if (st && st.signer === signer && storedStatusMatches(st, status) && st.thisUpdate.getTime() <= t && st.nextUpdate.getTime() - t > validityMs / 3) {
          kept++;
          answers.push(st);
          continue;
        }
        const thisUpdate = new Date(wholeSecondsMs(at));
        const nextUpdate = new Date(Math.min(thisUpdate.getTime() + validityMs, delegate?.notAfter.getTime() ?? Number.POSITIVE_INFINITY));
        const der = buildOcspResponse({ responder, producedAt: thisUpdate, responses: [{ certId: certIdDer(hashes, hash, s.serialNumber), cert: status, thisUpdate, nextUpdate }] });
        const rec: OcspStoredResponse = {
          caId: ca.id,
          serialNumber: s.serialNumber,
          certIdHash: hash,
          status: status.status,
          revokedAt: status.status === "revoked" ? new Date(wholeSecondsMs(status.revokedAt)) : null,
          reason: status.status === "revoked" ? (status.reason ?? null) : null,
          signer,
          thisUpdate,
          nextUpdate,
          der,
        };
        writes.push(rec);
        answers.push(rec);
      }
    }
    const gone = new Set(expired);
    const unwantedLive = unwanted.filter((serial) => !gone.has(serial));
    if (writes.length || expired.length || unwantedLive.length) {
      purged += await store.transaction(async (tx) => {
        for (const w of writes) await tx.ocsp.putResponse(w);
        return (await tx.ocsp.deleteResponses(ca.id, expired)) + (await tx.ocsp.deleteResponses(ca.id, unwantedLive, "sha256"));
      });
      signed += writes.length;
    }
    if (onAnswers && answers.length) await onAnswers(ca, answers);
    const last = page.issued[page.issued.length - 1];
    if (!last || page.issued.length < PAGE) break;
    after = last.serialNumber;
  }
  return { signed, kept, purged };
}

/** One exported answer, as index.json lists it. */
export interface OcspExportEntry {
  ca: string;
  serial: string;
  status: "good" | "revoked";
  revokedAt?: string;
  reason?: string;
  thisUpdate: string;
  nextUpdate: string;
  signer: string;
  /** The URL path (under the responder's base URL) of the RFC 5019 GET request for this serial, and the file holding the answer. */
  path: string;
  /** The same answer by serial (for OCSP stapling): `serial/<ca>/<serial>.der`. */
  bySerial: string;
  /** SHA-256 (hex) of the answer at `path` and `bySerial`. */
  sha256: string;
  /** CAs that pre-sign SHA-256 CertIDs only: the GET path (and file) of the request with the SHA-256 CertID, holding that answer. */
  pathSha256?: string;
  /** SHA-256 (hex) of the answer at `pathSha256`. */
  sha256OfPathSha256?: string;
}

/**
 * The GET path RFC 6960 A.1 / RFC 5019 §5 clients ask for the answer about `serialHex`:
 * `ocsp/<ca>/<url-encoded base64 of the DER OCSPRequest>`, the request holding one CertID
 * ({@link certIdDer}: SHA-1 or SHA-256, NULL parameters) and no nonce — byte for byte what
 * `openssl ocsp -no_nonce` (with `-sha256`: for the SHA-256 one) writes.
 */
export function ocspGetPath(caId: string, certIdDer: Uint8Array): string {
  const request = sequence(sequence(sequence(sequence(certIdDer))));
  return `ocsp/${caId}/${encodeURIComponent(Buffer.from(request).toString("base64"))}`;
}

/**
 * Refreshes the CAs `caIds` (default: every CA in the store) with pre-signing on, then writes into `dir`:
 * - `ocsp/<ca>/<url-encoded base64 request>`: each answer (DER), named by the URL path of the GET
 *   request for its SHA-1 CertID ({@link ocspGetPath}) — the file name is the path segment exactly as
 *   sent, `%2F`, `%2B` and `%3D` included;
 * - for CAs that pre-sign SHA-256 CertIDs too: `ocsp/<ca>/<…>` of the request for the SHA-256 CertID,
 *   holding the SHA-256 answer (`pathSha256` in index.json);
 * - `serial/<ca>/<serial>.der`: the SHA-1 answer by serial, for OCSP stapling;
 * - `index.json`: one entry per serial with its status, times, signer, paths and SHA-256 digests (written last).
 * Returns the entries, and what the refresh did.
 */
export async function exportOcsp(
  store: Store,
  config: ServiceConfig,
  now: () => Date,
  dir: string,
  caIds?: string[],
): Promise<{ entries: OcspExportEntry[]; refreshed: OcspRefreshResult[]; removed: number }> {
  const ids = caIds ?? (await store.read((tx) => tx.cas.listAllIds()));
  const entries: OcspExportEntry[] = [];
  const written = new Set<string>();
  const made = new Set<string>();
  const dirFor = async (p: string) => {
    if (made.has(p)) return;
    await mkdir(p, { recursive: true });
    made.add(p);
  };
  const refreshed = await refreshOcsp(store, config, now, {
    caIds: ids,
    presignAll: true,
    onAnswers: async (ca, answers) => {
      const hashes = hashesOf(store, ca);
      await dirFor(join(dir, "ocsp", ca.id));
      await dirFor(join(dir, "serial", ca.id));
      // The SHA-1 answer makes the entry (stapling, times, status); the SHA-256 one adds its GET path.
      // A serial's answers arrive in the same call, SHA-1 first.
      const bySerialNumber = new Map<string, OcspExportEntry>();
      for (const a of answers) {
        const path = ocspGetPath(ca.id, certIdDer(hashes, a.certIdHash, a.serialNumber));
        await writeFile(join(dir, path), a.der);
        written.add(join(dir, path));
        if (a.certIdHash === "sha256") {
          const entry = bySerialNumber.get(a.serialNumber);
          if (entry) Object.assign(entry, { pathSha256: path, sha256OfPathSha256: createHash("sha256").update(a.der).digest("hex") });
          continue;
        }
        const bySerial = `serial/${ca.id}/${a.serialNumber}.der`;
        await writeFile(join(dir, bySerial), a.der);
        written.add(join(dir, bySerial));
        const entry: OcspExportEntry = {
          ca: ca.id,
          serial: a.serialNumber,
          status: a.status,
          ...(a.revokedAt ? { revokedAt: a.revokedAt.toISOString() } : {}),
          ...(a.reason ? { reason: a.reason } : {}),
          thisUpdate: a.thisUpdate.toISOString(),
          nextUpdate: a.nextUpdate.toISOString(),
          signer: a.signer,
          path,
          bySerial,
          sha256: createHash("sha256").update(a.der).digest("hex"),
        };
        entries.push(entry);
        bySerialNumber.set(a.serialNumber, entry);
      }
    },
  });
  // Files of these CAs that this export did not write — expired certificates, an earlier layout — are
  // removed, so a web server does not go on serving them. Other CAs' files are left alone.
  let removed = 0;
  for (const id of ids) {
    for (const sub of [join(dir, "ocsp", id), join(dir, "serial", id)]) {
      const names = await readdir(sub).catch(() => [] as string[]);
      for (const name of names) {
        const file = join(sub, name);
        if (written.has(file)) continue;
        await unlink(file);
        removed++;
      }
    }
  }
  await mkdir(dir, { recursive: true });
  const index = join(dir, "index.json");
  await writeFile(`${index}.tmp`, `${JSON.stringify({ generatedAt: now().toISOString(), count: entries.length, responses: entries }, null, 2)}\n`);
  await rename(`${index}.tmp`, index);
  return { entries, refreshed, removed };
}
