/** Rebuilding core objects (CA, Issuer) from store records, with prepared issuers cached per CA. */
import { type CertificateAuthority, loadCa } from "../ca/index.js";
import { importPrivateKey } from "../crypto/keys.js";
import { Issuer } from "../issue/index.js";
import type { CaRecord } from "../store/port.js";
import type { ServiceContext } from "./context.js";
import { perStore } from "./memo.js";

const cache = perStore<{ ca: CertificateAuthority; issuer?: Issuer }>();

/** The CA object for a record (its key decrypted by the store, imported here). */
export function authorityOf(ctx: ServiceContext, rec: CaRecord): CertificateAuthority {
  const m = cache(ctx.store);
  const hit = m.get(rec.id);
  if (hit) return hit.ca;
  const ca = loadCa({ certificate: rec.certificatePem, key: importPrivateKey(Buffer.from(rec.keyPkcs8), { allowLegacy: true }), chain: rec.chainPem });
  m.set(rec.id, { ca });
  return ca;
}

/** A prepared issuer for a subordinate CA record (per-issuer work done once per process). */
export function issuerOf(ctx: ServiceContext, rec: CaRecord): Issuer {
  const ca = authorityOf(ctx, rec);
  const entry = cache(ctx.store).get(rec.id) as { ca: CertificateAuthority; issuer?: Issuer };
  if (!entry.issuer) entry.issuer = Issuer.prepare(ca, { crlBaseUrl: ctx.config.crlBaseUrl, aiaBaseUrl: ctx.config.aiaBaseUrl, ocspBaseUrl: ctx.config.ocspBaseUrl, now: ctx.now });
  return entry.issuer;
}
