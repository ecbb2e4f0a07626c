/**
 * Delegated OCSP responders (RFC 6960 §2.6, §4.2.2.2; docs/ocsp.md): per CA, a short-lived certificate
 * the CA issues for its responder — extendedKeyUsage id-kp-OCSPSigning only, id-pkix-ocsp-nocheck,
 * keyUsage digitalSignature (critical), not a CA — with a key of the CA's own family (RSA, ECDSA, SM2)
 * sealed at rest by the store like CA keys. Made here and nowhere else: the leaf API refuses the
 * OCSPSigning EKU on purpose (src/issue/issuer.ts), and a responder certificate is not a certificate a
 * tenant asked for (it is not in the certificate table, not listed, not counted).
 *
 * Rotation: a new responder replaces the current one when less than a third of its validity is left
 * (or it is missing, not yet valid, or expired) — by the refresh job (serve, worker 0), by
 * `caskit ocsp configure|refresh|export`; the replacement is one guarded statement, so two rotators
 * (two `serve` instances on one store) make one responder. Requests never create or rotate one.
 */
import { generateKeyPair, importPrivateKey, type KeyPair } from "../crypto/keys.js";
import { createSigner } from "../crypto/signer.js";
import type { CertificateAuthority } from "../ca/index.js";
import { NULL, hex, octetString, oid, sequence, unsignedInteger, fromHex } from "../internal/der.js";
import { systemRandom } from "../internal/env.js";
import { encodeTbs, signTbs } from "../issue/certificate.js";
import { EKU_OIDS, authorityKeyIdentifier, basicConstraints, extKeyUsage, extension, keyIdentifier, keyUsage, subjectKeyIdentifier } from "../issue/extensions.js";
import { encodeName } from "../issue/name.js";
import { newSerial } from "../issue/serial.js";
import { wholeSeconds } from "../issue/validity.js";
import { type OcspCertStatus, type OcspIssuerHashes, type OcspResponder, ocspResponder } from "../revoke/index.js";
import type { CaRecord, OcspCertIdHash, OcspConfigRecord, OcspResponderRecord, OcspStoredResponse, Store } from "../store/port.js";
import { authorityOf } from "./authority.js";
import type { ServiceConfig, ServiceContext } from "./context.js";
import { perStore } from "./memo.js";

/** Default validity of a responder certificate: 7 days. */
export const DEFAULT_RESPONDER_DAYS = 7;
/** Default validity of a pre-signed answer: 24 hours (re-signed when less than a third is left). */
export const DEFAULT_PRESIGNED_HOURS = 24;
/** id-pkix-ocsp-nocheck (RFC 6960 §4.2.2.2.1): relying parties do not ask about the responder itself. */
export const OCSP_NOCHECK_OID = "1.3.6.1.5.5.7.48.1.5";
/** The responder certificate's notBefore is this much before its making, for relying parties whose clocks lag. */
const BACKDATE_MS = 3600_000;
const DAY_MS = 86_400_000;

/** Settings of a CA that has none stored: the CA key signs on demand, nothing pre-signed. */
export const defaultOcspConfig = (caId: string, at: Date): OcspConfigRecord => ({
  caId,
  delegated: false,
  responderDays: DEFAULT_RESPONDER_DAYS,
  presign: false,
  responseHours: DEFAULT_PRESIGNED_HOURS,
  presignSha256: false,
  updatedAt: at,
});

/** What {@link buildResponderCertificate} makes. */
export interface ResponderCertificate {
  der: Uint8Array;
  serialHex: string;
  notBefore: Date;
  notAfter: Date;
}

/**
 * A delegated OCSP responder certificate for `key`, issued by `ca`: subject CN "<CA CN> OCSP Responder"
 * (and the CA's O), basicConstraints cA FALSE, keyUsage digitalSignature, EKU id-kp-OCSPSigning only,
 * id-pkix-ocsp-nocheck, SKI and AKI. Valid from an hour before `now` (never before the CA) for `days`
 * days, never past the CA. Throws RangeError when the CA is outside its validity.
 * @example
 * const cert = buildResponderCertificate(ca, await generateKeyPair(ca.spec.name), { now: new Date(), days: 7 });
 */
export function buildResponderCertificate(ca: CertificateAuthority, key: KeyPair, o: { now: Date; days: number; random?: (n: number) => Uint8Array }): ResponderCertificate {
  if (key.spec.family !== ca.spec.family) throw new TypeError(`a ${ca.spec.family} CA certifies ${ca.spec.family} responder keys only`);
  const now = wholeSeconds(o.now);
  if (now.getTime() < ca.notBefore.getTime() || now.getTime() >= ca.notAfter.getTime()) throw new RangeError("the CA is outside its validity: it cannot certify a responder");
  const notBefore = new Date(Math.max(ca.notBefore.getTime(), now.getTime() - BACKDATE_MS));
  const notAfter = new Date(Math.min(ca.notAfter.getTime(), now.getTime() + o.days * DAY_MS));
  const serial = newSerial(o.random ?? systemRandom);
  const cn = `${ca.subject.commonName ?? "CA"} OCSP Responder`.slice(0, 64);
  const tbs = encodeTbs({
    serial,
    signatureAlgorithm: ca.signer.signatureAlgorithm.algorithmIdentifier,
    issuerName: ca.subjectDer,
    notBefore,
    notAfter,
    subjectName: encodeName({ commonName: cn, ...(ca.subject.organization ? { organization: ca.subject.organization } : {}) }),
    spki: key.spki,
    extensions: [
      basicConstraints({ ca: false }),
      keyUsage(["digitalSignature"]),
      extKeyUsage([EKU_OIDS.OCSPSigning as string]),
      extension(OCSP_NOCHECK_OID, false, NULL),
      subjectKeyIdentifier(keyIdentifier(key.spki)),
      authorityKeyIdentifier(ca.keyIdentifier),
    ],
  });
  const serialHexStr = hex(serial).replace(/^(00)+(?=.)/, "");
  return { der: signTbs(tbs, ca.signer), serialHex: serialHexStr, notBefore, notAfter };
}

/** Whether `r` must be replaced at `now`: missing, not yet valid, expired, or less than a third of `days` left — and a new one would last longer. */
export function responderNeedsRotation(r: Pick<OcspResponderRecord, "notBefore" | "notAfter"> | null, days: number, now: Date, caNotAfter: Date): boolean {
  const t = now.getTime();
  if (!r || t < r.notBefore.getTime() || t >= r.notAfter.getTime()) return true;
  if (r.notAfter.getTime() - t >= (days * DAY_MS) / 3) return false;
  return Math.min(caNotAfter.getTime(), t + days * DAY_MS) > r.notAfter.getTime();
}

/** Whether `r` may sign at `now`. */
export const responderUsable = (r: OcspResponderRecord | null, now: Date): r is OcspResponderRecord =>
  !!r && r.notBefore.getTime() <= now.getTime() && now.getTime() < r.notAfter.getTime();

/**
 * The CA's current responder, made or rotated first when {@link responderNeedsRotation} says so.
 * Null when the CA cannot certify one (outside its validity). The key is generated outside any
 * transaction; the replacement is guarded, so a concurrent rotator's responder wins and is returned.
 */
export async function ensureResponder(store: Store, config: ServiceConfig, ca: CaRecord, days: number, now: Date): Promise<OcspResponderRecord | null> {
  const current = await store.read((tx) => tx.ocsp.getResponder(ca.id));
  if (!responderNeedsRotation(current, days, now, ca.notAfter)) return current;
  if (now.getTime() >= ca.notAfter.getTime() || now.getTime() < ca.notBefore.getTime()) return responderUsable(current, now) ? current : null;
  const ctx: ServiceContext = { store, tenantId: ca.tenantId, actor: "system", now: () => now, config };
  const authority = authorityOf(ctx, ca);
  const key = await generateKeyPair(authority.spec.name);
  const cert = buildResponderCertificate(authority, key, { now, days });
  const rec: OcspResponderRecord = {
    caId: ca.id,
    serialNumber: cert.serialHex,
    certificateDer: cert.der,
    keyPkcs8: new Uint8Array(key.privateKey.export({ format: "der", type: "pkcs8" })),
    notBefore: cert.notBefore,
    notAfter: cert.notAfter,
    createdAt: now,
  };
  const won = await store.transaction(async (tx) => {
    const ok = await tx.ocsp.replaceResponder(rec, current?.serialNumber ?? null);
    if (ok) await tx.audit.append({ at: now, actor: "system", tenantId: ca.tenantId, action: "RotateOcspResponder", target: ca.id, outcome: "ok", detail: `serial ${cert.serialHex} until ${cert.notAfter.toISOString()}` });
    return ok;
  });
  return won ? rec : store.read((tx) => tx.ocsp.getResponder(ca.id));
}

/** Prepared signers per store and responder (`<ca>:<serial>`): a responder's key is opened and imported once per process. */
const responderCache = perStore<OcspResponder>();

/** The OcspResponder of a delegated responder: its key signs, its certificate goes in `certs`. */
export function delegatedResponder(store: Store, r: OcspResponderRecord): OcspResponder {
  const m = responderCache(store);
  const k = `${r.caId}:${r.serialNumber}`;
  let hit = m.get(k);
  if (!hit) {
    const key = importPrivateKey(Buffer.from(r.keyPkcs8), { allowLegacy: true });
    hit = ocspResponder(createSigner(key), [r.certificateDer]);
    for (const old of m.keys()) if (old.startsWith(`${r.caId}:`)) m.delete(old);
    m.set(k, hit);
  }
  return hit;
}

/** Who signs for a CA, as a stored answer records it: `ca`, or `responder:<serial>`. */
export const signerIdOf = (r: OcspResponderRecord | null): string => (r ? `responder:${r.serialNumber}` : "ca");

const HASH_OIDS: Record<OcspCertIdHash, string> = { sha1: "1.3.14.3.2.26", sha256: "2.16.840.1.101.3.4.2.1" };

/**
 * The CertID DER a client sends for `serialHex` of the CA with these hashes, with the `hash` algorithm
 * and NULL parameters — SHA-1 as RFC 5019 clients send it, SHA-256 as `openssl ocsp -sha256` does. What
 * pre-signed answers carry, and what a request must carry byte for byte to get one.
 */
export function certIdDer(h: OcspIssuerHashes, hash: OcspCertIdHash, serialHex: string): Uint8Array {
  return sequence(sequence(oid(HASH_OIDS[hash]), NULL), octetString(h[hash].nameHash), octetString(h[hash].keyHash), unsignedInteger(fromHex(serialHex.length % 2 ? `0${serialHex}` : serialHex)));
}

/** The CertID hashes the CA's answers are pre-signed for: SHA-1, and SHA-256 when its settings say so. */
export const presignHashesOf = (cfg: Pick<OcspConfigRecord, "presignSha256">): OcspCertIdHash[] => (cfg.presignSha256 ? ["sha1", "sha256"] : ["sha1"]);

/** The revocation time as an OCSP answer states it: whole seconds. */
export const wholeSecondsMs = (d: Date): number => Math.floor(d.getTime() / 1000) * 1000;

/** Whether a stored answer states `status` (good, or revoked at the same second for the same reason). */
export function storedStatusMatches(stored: Pick<OcspStoredResponse, "status" | "revokedAt" | "reason">, status: OcspCertStatus): boolean {
  if (status.status === "unknown") return false;
  if (status.status === "good") return stored.status === "good";
  return stored.status === "revoked" && stored.revokedAt?.getTime() === wholeSecondsMs(status.revokedAt) && (stored.reason ?? null) === (status.reason ?? null);
}
