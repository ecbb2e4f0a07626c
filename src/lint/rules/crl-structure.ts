/**
 * CRL rules: the CRL itself (RFC 5280 §5.1–5.2, CABF BR §7.2) — DER, version v2, signature algorithm
 * agreement and parameters, signature and issuer name against the issuing CA, thisUpdate/nextUpdate
 * encoding and order, and the CRL extensions (cRLNumber, authorityKeyIdentifier, criticality,
 * duplicates).
 */
import { SIGNATURE_ALGORITHMS_BY_OID } from "../../crypto/algorithms.js";
import { verifySignature } from "../../crypto/verify.js";
import { type CrlContext, crlRule, registerRules, type RuleResult } from "../registry.js";
import type { ProfileName } from "../types.js";
import { certFields } from "./cert-signatures.js";
import { OIDS, SIG_ALGS, TAG, type TimeValue, akiKeyId, algId, bytesOf, exts, ext, hexOf, intOf, loc, publicKey, readExt, readTime, sameBytes, skiOf } from "./cert-util.js";

const ok: RuleResult[] = [];
const EVERY: ProfileName[] = ["rfc5280", "cabf-br", "cas", "private"];
const date = (s: string): Date => new Date(`${s}T00:00:00Z`);

/** Every time in the CRL: thisUpdate, nextUpdate and each entry's revocationDate, with a label. */
const timesCache = new WeakMap<object, Array<{ t: TimeValue; what: string }>>();
export function crlTimes(ctx: CrlContext): Array<{ t: TimeValue; what: string }> {
  const hit = timesCache.get(ctx);
  if (hit) return hit;
  const out: Array<{ t: TimeValue; what: string }> = [];
  timesCache.set(ctx, out);
  const tu = readTime(ctx.der, ctx.nodes.thisUpdate);
  const nu = readTime(ctx.der, ctx.nodes.nextUpdate);
  if (tu) out.push({ t: tu, what: "thisUpdate" });
  if (nu) out.push({ t: nu, what: "nextUpdate" });
  ctx.nodes.revoked.forEach((e, i) => {
    const r = readTime(ctx.der, e.children?.[1]);
    if (r) out.push({ t: r, what: `revokedCertificates[${i}].revocationDate` });
  });
  return out;
}

function issuerExt(ctx: CrlContext, oid: string) {
  if (!ctx.issuer) return null;
  const f = certFields(ctx.issuer.der);
  return (f?.extensions?.children?.[0]?.children ?? []).map((t) => readExt(ctx.issuer!.der, t)).find((e) => e?.oid === oid) ?? null;
}

function timeRule(id: string, zlint: string | undefined, problem: string, kind: TimeValue["kind"], citation: string, description: string, fix: string) {
  return crlRule({
    id,
    severity: "error",
    profiles: EVERY,
    citation,
    zlint,
    description,
    check: (ctx) => crlTimes(ctx).filter(({ t }) => t.kind === kind && t.problems.includes(problem)).slice(0, 10).map(({ t, what }) => ({ message: `${what} ${JSON.stringify(t.raw.slice(0, 24))} has ${problem}; ${fix}`, location: loc(ctx, t.tlv) })),
  });
}

registerRules([
  crlRule({
    id: "crl.encoding.not_der",
    severity: "error",
    profiles: EVERY,
    citation: "RFC 5280 §5.1.1.3",
    description: "The CRL is DER: definite, minimal lengths.",
    check: (ctx) => ctx.derIssues.slice(0, 8).map((i) => ({ message: `not DER: ${i.message}; re-encode the CRL in DER`, location: { offset: i.offset, length: i.length } })),
  }),
  crlRule({
    id: "crl.version.not_v2",
    severity: "error",
    profiles: EVERY,
    citation: "RFC 5280 §5.1.2.1",
    description: "The CRL is v2 (version INTEGER 1): this profile's CRLs carry extensions (cRLNumber, AKI).",
    check: (ctx) => {
      const v = ctx.nodes.version;
      if (!v) return [{ message: "the CRL has no version field (v1); issue v2 CRLs (version 1) with cRLNumber and authorityKeyIdentifier", location: loc(ctx, ctx.nodes.tbs) }];
      const b = bytesOf(ctx.der, v);
      return b.length === 1 && b[0] === 1 ? ok : [{ message: "the CRL version is not v2 (INTEGER 1); write version 1", location: loc(ctx, v) }];
    },
  }),
  crlRule({
    id: "crl.signature.algorithm_mismatch",
    severity: "error",
    profiles: EVERY,
    citation: "RFC 5280 §5.1.1.2",
    description: "signatureAlgorithm is byte for byte the TBSCertList's signature field.",
    check: (ctx) => {
      const [a, b] = [ctx.nodes.signature, ctx.nodes.signatureAlgorithm];
      if (!a || !b) return ok;
      return sameBytes(ctx.der.subarray(a.start, a.end), ctx.der.subarray(b.start, b.end)) ? ok : [{ message: "signatureAlgorithm differs from the TBSCertList's signature field; sign with the algorithm the TBS names", location: loc(ctx, b) }];
    },
  }),
  crlRule({
    id: "crl.signature.rsa_params_not_null",
    severity: "error",
    profiles: EVERY,
    citation: "RFC 4055 §5",
    zlint: "e_crl_sigalgo_missing_null_params",
    effective: date("2008-05-01"),
    description: "An RSA PKCS #1 v1.5 signature AlgorithmIdentifier carries NULL parameters.",
    check: (ctx) => {
      const out: RuleResult[] = [];
      for (const t of [ctx.nodes.signature, ctx.nodes.signatureAlgorithm]) {
        const a = algId(ctx.der, t);
        if (a?.oid && SIG_ALGS[a.oid]?.nullParams && !(a.params?.tag === TAG.NULL && a.params.end === a.params.contentStart)) out.push({ message: `${SIG_ALGS[a.oid]?.name} has no NULL parameters; encode AlgorithmIdentifier { oid, NULL }`, location: loc(ctx, t) });
      }
      return out.slice(0, 1);
    },
  }),
  crlRule({
    id: "crl.signature.params_present",
    severity: "error",
    profiles: EVERY,
    citation: "RFC 5758 §3.2; GM/T 0015-2012",
    description: "ECDSA and SM3withSM2 signature AlgorithmIdentifiers have no parameters.",
    check: (ctx) => {
      const a = algId(ctx.der, ctx.nodes.signature);
      const s = a?.oid ? SIG_ALGS[a.oid] : undefined;
      return s && (s.family === "EC" || s.family === "SM2") && a?.params ? [{ message: `${s.name} has parameters; omit them`, location: loc(ctx, a.tlv) }] : ok;
    },
  }),
  crlRule({
    id: "crl.signature.sha1",
    severity: "error",
    profiles: ["cabf-br", "cas", "private"],
    citation: "CABF BR §7.1.3.2",
    description: "The CRL is not signed with SHA-1 or MD5.",
    check: (ctx) => {
      const a = algId(ctx.der, ctx.nodes.signature);
      const s = a?.oid ? SIG_ALGS[a.oid] : undefined;
      return s && (s.hash === "sha1" || s.hash === "md5") ? [{ message: `the CRL is signed with ${s.name}; sign with SHA-256 or stronger`, location: loc(ctx, a?.tlv) }] : ok;
    },
  }),
  crlRule({
    id: "crl.signature.invalid",
    severity: "error",
    profiles: EVERY,
    citation: "RFC 5280 §6.3.3 (f)",
    description: "The CRL's signature verifies with the issuing CA's public key (checked when the issuer is given).",
    check: (ctx) => {
      if (!ctx.issuer) return ok;
      const f = certFields(ctx.issuer.der);
      const a = algId(ctx.der, ctx.nodes.signatureAlgorithm);
      const sv = ctx.nodes.signatureValue;
      const alg = a?.oid ? SIGNATURE_ALGORITHMS_BY_OID.get(a.oid) : undefined;
      if (!f?.spki || !alg || !sv || sv.tag !== TAG.BIT_STRING || sv.end === sv.contentStart) return ok;
      const pk = publicKey(ctx.issuer.der, f.spki);
      const good = verifySignature(alg, ctx.issuer.der.subarray(f.spki.start, f.spki.end), ctx.der.subarray(ctx.nodes.tbs.start, ctx.nodes.tbs.end), bytesOf(ctx.der, sv).subarray(1), pk?.curve === OIDS.sm2Curve ? pk.key : undefined);
      return good ? ok : [{ message: "the CRL's signature does not verify with the given issuer's public key; sign it with the CA's key", location: loc(ctx, sv) }];
    },
  }),
  crlRule({
    id: "crl.issuer.empty",
    severity: "error",
    profiles: EVERY,
    citation: "RFC 5280 §5.1.2.3",
    description: "The CRL issuer is a non-empty distinguished name.",
    check: (ctx) => (ctx.nodes.issuer?.children?.length ? ok : [{ message: "the CRL issuer is empty; write the CA's subject", location: loc(ctx, ctx.nodes.issuer ?? ctx.nodes.tbs) }]),
  }),
  crlRule({
    id: "crl.issuer.name_mismatch",
    severity: "error",
    profiles: EVERY,
    citation: "RFC 5280 §5.1.2.3, §6.3.3 (b)",
    description: "The CRL issuer is the issuing CA's subject, byte for byte (checked when the issuer is given).",
    check: (ctx) => {
      if (!ctx.issuer || !ctx.nodes.issuer) return ok;
      const f = certFields(ctx.issuer.der);
      if (!f?.subject) return ok;
      return sameBytes(ctx.der.subarray(ctx.nodes.issuer.start, ctx.nodes.issuer.end), ctx.issuer.der.subarray(f.subject.start, f.subject.end)) ? ok : [{ message: "the CRL issuer is not the CA certificate's subject byte for byte", location: loc(ctx, ctx.nodes.issuer) }];
    },
  }),
  timeRule("crl.time.utc_no_seconds", undefined, "no seconds", "utc", "RFC 5280 §5.1.2.4, §4.1.2.5.1", "CRL UTCTime values include seconds.", "write YYMMDDHHMMSSZ"),
  timeRule("crl.time.utc_not_zulu", undefined, "not in Zulu (UTC, ending in Z)", "utc", "RFC 5280 §5.1.2.4, §4.1.2.5.1", "CRL UTCTime values end in Z.", "write the time in UTC ending in Z"),
  timeRule("crl.time.generalized_no_seconds", undefined, "no seconds", "generalized", "RFC 5280 §5.1.2.4, §4.1.2.5.2", "CRL GeneralizedTime values include seconds.", "write YYYYMMDDHHMMSSZ"),
  timeRule("crl.time.generalized_fraction", undefined, "fractional seconds", "generalized", "RFC 5280 §5.1.2.4, §4.1.2.5.2", "CRL GeneralizedTime values have no fractional seconds.", "drop the fraction"),
  timeRule("crl.time.generalized_not_zulu", undefined, "not in Zulu (UTC, ending in Z)", "generalized", "RFC 5280 §5.1.2.4, §4.1.2.5.2", "CRL GeneralizedTime values end in Z.", "write the time in UTC ending in Z"),
  crlRule({
    id: "crl.time.wrong_type",
    severity: "error",
    profiles: EVERY,
    citation: "RFC 5280 §5.1.2.4–5.1.2.6",
    description: "CRL times through 2049 are UTCTime; from 2050 GeneralizedTime.",
    check: (ctx) => crlTimes(ctx).filter(({ t }) => t.kind === "generalized" && t.date !== null && t.date.getUTCFullYear() < 2050).slice(0, 10).map(({ t, what }) => ({ message: `${what} is a GeneralizedTime before 2050; encode it as UTCTime`, location: loc(ctx, t.tlv) })),
  }),
  crlRule({
    id: "crl.time.malformed",
    severity: "error",
    profiles: EVERY,
    citation: "RFC 5280 §5.1.2.4",
    description: "thisUpdate, nextUpdate and revocation dates are valid times.",
    check: (ctx) => {
      const out = crlTimes(ctx).filter(({ t }) => t.date === null).slice(0, 10).map(({ t, what }) => ({ message: `${what} is not a valid time (${t.problems[0] ?? "bad date"})`, location: loc(ctx, t.tlv) }));
      return ctx.nodes.thisUpdate ? out : [{ message: "the CRL has no thisUpdate", location: loc(ctx, ctx.nodes.tbs) }, ...out];
    },
  }),
  crlRule({
    id: "crl.next_update.missing",
    severity: "error",
    profiles: EVERY,
    citation: "RFC 5280 §5.1.2.5",
    zlint: "e_crl_has_next_update",
    effective: date("2008-05-01"),
    description: "The CRL has nextUpdate.",
    check: (ctx) => (ctx.nodes.nextUpdate ? ok : [{ message: "the CRL has no nextUpdate; say when the next CRL will be issued", location: loc(ctx, ctx.nodes.thisUpdate ?? ctx.nodes.tbs) }]),
  }),
  crlRule({
    id: "crl.next_update.not_after_this_update",
    severity: "error",
    profiles: EVERY,
    citation: "RFC 5280 §5.1.2.5",
    description: "nextUpdate is later than thisUpdate.",
    check: (ctx) => {
      const [a, b] = [readTime(ctx.der, ctx.nodes.thisUpdate)?.date, readTime(ctx.der, ctx.nodes.nextUpdate)?.date];
      return a && b && b.getTime() <= a.getTime() ? [{ message: "nextUpdate is not later than thisUpdate; set nextUpdate after thisUpdate", location: loc(ctx, ctx.nodes.nextUpdate) }] : ok;
    },
  }),
  crlRule({
    id: "crl.next_update.br_max",
    severity: "error",
    profiles: ["cabf-br"],
    citation: "CABF BR §4.9.7 (v1.8.7), §7.2",
    zlint: "e_crl_next_update_invalid",
    effective: date("2023-07-15"),
    description: "A CRL covering subscriber certificates has nextUpdate at most 10 days after thisUpdate (12 months for CRLs of CA certificates).",
    check: (ctx) => {
      const [a, b] = [readTime(ctx.der, ctx.nodes.thisUpdate)?.date, readTime(ctx.der, ctx.nodes.nextUpdate)?.date];
      if (!a || !b) return ok;
      // Only an issuingDistributionPoint with onlyContainsCACerts says a CRL covers CA certificates.
      const idp = ext(ctx, OIDS.issuingDistributionPoint);
      const caOnly = !!idp?.value?.children?.some((c) => c.tag === 0x82 && ctx.der[c.contentStart] !== 0);
      const limit = new Date(a);
      if (caOnly) limit.setUTCMonth(limit.getUTCMonth() + 12);
      else limit.setUTCDate(limit.getUTCDate() + 10);
      return b > limit ? [{ message: `nextUpdate is more than ${caOnly ? "12 months" : "10 days"} after thisUpdate; publish CRLs for subscriber certificates at least every 10 days`, location: loc(ctx, ctx.nodes.nextUpdate) }] : ok;
    },
  }),
  crlRule({
    id: "crl.number.missing",
    severity: "error",
    profiles: EVERY,
    citation: "RFC 5280 §5.2.3",
    zlint: "e_crl_missing_crl_number",
    effective: date("2008-05-01"),
    description: "The CRL has a cRLNumber extension.",
    check: (ctx) => (ext(ctx, OIDS.crlNumber) ? ok : [{ message: "the CRL has no cRLNumber; add a monotonically increasing cRLNumber", location: loc(ctx, ctx.nodes.crlExtensions ?? ctx.nodes.tbs) }]),
  }),
  crlRule({
    id: "crl.number.critical",
    severity: "error",
    profiles: EVERY,
    citation: "RFC 5280 §5.2.3",
    description: "cRLNumber is non-critical.",
    check: (ctx) => {
      const e = ext(ctx, OIDS.crlNumber);
      return e?.critical ? [{ message: "cRLNumber is critical; mark it non-critical", location: loc(ctx, e.tlv) }] : ok;
    },
  }),
  crlRule({
    id: "crl.number.range",
    severity: "error",
    profiles: EVERY,
    citation: "RFC 5280 §5.2.3",
    zlint: "e_crl_number_out_of_range",
    effective: date("2008-05-01"),
    description: "cRLNumber is a non-negative INTEGER below 2^159 (at most 20 octets).",
    check: (ctx) => {
      const e = ext(ctx, OIDS.crlNumber);
      if (!e) return ok;
      if (e.value?.tag !== TAG.INTEGER) return [{ message: "cRLNumber is not an INTEGER", location: loc(ctx, e.tlv) }];
      const n = intOf(ctx.der, e.value);
      if (n < 0n) return [{ message: `cRLNumber is negative (${n}); use a non-negative, increasing number`, location: loc(ctx, e.value) }];
      return n >= 1n << 159n ? [{ message: "cRLNumber is 2^159 or more; it must fit in 20 octets", location: loc(ctx, e.value) }] : ok;
    },
  }),
  crlRule({
    id: "crl.aki.missing",
    severity: "error",
    profiles: EVERY,
    citation: "RFC 5280 §5.2.1",
    zlint: "e_crl_has_authority_key_identifier",
    effective: date("2008-05-01"),
    description: "The CRL has an authorityKeyIdentifier.",
    check: (ctx) => (ext(ctx, OIDS.authorityKeyIdentifier) ? ok : [{ message: "the CRL has no authorityKeyIdentifier; add one with the CA's subject key identifier", location: loc(ctx, ctx.nodes.crlExtensions ?? ctx.nodes.tbs) }]),
  }),
  crlRule({
    id: "crl.aki.only_key_id",
    severity: "error",
    profiles: ["cabf-br"],
    citation: "CABF BR §7.2.2",
    zlint: "e_crl_auth_key_id_only_contains_keyid",
    effective: date("2024-03-15"),
    description: "The CRL's authorityKeyIdentifier holds only keyIdentifier.",
    check: (ctx) => {
      const e = ext(ctx, OIDS.authorityKeyIdentifier);
      const ch = e?.value?.children ?? [];
      return e && (ch.length !== 1 || ch[0]?.tag !== 0x80) ? [{ message: "the CRL's authorityKeyIdentifier holds more than (or other than) keyIdentifier; keep only keyIdentifier", location: loc(ctx, e.tlv) }] : ok;
    },
  }),
  crlRule({
    id: "crl.aki.critical",
    severity: "error",
    profiles: EVERY,
    citation: "RFC 5280 §4.2.1.1, §5.2.1",
    description: "The CRL's authorityKeyIdentifier is non-critical.",
    check: (ctx) => {
      const e = ext(ctx, OIDS.authorityKeyIdentifier);
      return e?.critical ? [{ message: "the CRL's authorityKeyIdentifier is critical; mark it non-critical", location: loc(ctx, e.tlv) }] : ok;
    },
  }),
  crlRule({
    id: "crl.aki.issuer_mismatch",
    severity: "error",
    profiles: EVERY,
    citation: "RFC 5280 §5.2.1",
    description: "The CRL's authorityKeyIdentifier is the issuing CA's subjectKeyIdentifier (checked when the issuer is given).",
    check: (ctx) => {
      const e = ext(ctx, OIDS.authorityKeyIdentifier);
      const aki = akiKeyId(ctx.der, e);
      const ie = issuerExt(ctx, OIDS.subjectKeyIdentifier);
      const ski = ie && ctx.issuer ? skiOf(ctx.issuer.der, ie) : null;
      return aki && ski && !sameBytes(aki, ski) ? [{ message: `authorityKeyIdentifier ${hexOf(aki)} is not the CA's subjectKeyIdentifier ${hexOf(ski)}`, location: loc(ctx, e?.tlv) }] : ok;
    },
  }),
  crlRule({
    id: "crl.extension.duplicate",
    severity: "error",
    profiles: EVERY,
    citation: "RFC 5280 §5.2",
    zlint: "e_crl_no_duplicate_extensions",
    description: "No CRL extension appears twice.",
    check: (ctx) => {
      const seen = new Set<string>();
      const out: RuleResult[] = [];
      for (const e of exts(ctx)) {
        if (seen.has(e.oid)) out.push({ message: `CRL extension ${e.oid} appears more than once`, location: loc(ctx, e.tlv) });
        seen.add(e.oid);
      }
      return out;
    },
  }),
  crlRule({
    id: "crl.extension.critical_false_encoded",
    severity: "error",
    profiles: EVERY,
    citation: "RFC 5280 §5.2; X.690 §11.5",
    description: "A CRL extension's critical flag is omitted when false.",
    check: (ctx) => exts(ctx).filter((e) => e.explicitFalse).map((e) => ({ message: `CRL extension ${e.oid} encodes critical FALSE; omit the field`, location: loc(ctx, e.tlv) })),
  }),
  crlRule({
    id: "crl.extension.unknown_critical",
    severity: "error",
    profiles: EVERY,
    citation: "RFC 5280 §5.2",
    description: "No CRL extension that relying parties may not know is critical (the standard ones have their own criticality rules).",
    check: (ctx) => exts(ctx).filter((e) => e.critical && !(Object.values(OIDS) as string[]).includes(e.oid)).map((e) => ({ message: `CRL extension ${e.oid} is critical; relying parties that do not know it reject the CRL — mark it non-critical`, location: loc(ctx, e.tlv) })),
  }),
  crlRule({
    id: "crl.extension.br_criticality",
    severity: "error",
    profiles: ["cabf-br"],
    citation: "CABF BR §7.2.2",
    zlint: "e_crl_extensions_validity",
    effective: date("2023-09-15"),
    description: "cRLNumber and authorityKeyIdentifier are non-critical, issuingDistributionPoint critical (and, as a warning, no other CRL extension appears).",
    check: (ctx) => {
      const allowed: Record<string, boolean> = { [OIDS.crlNumber]: false, [OIDS.authorityKeyIdentifier]: false, [OIDS.issuingDistributionPoint]: true };
      return exts(ctx).filter((e) => e.oid in allowed && allowed[e.oid] !== e.critical).map((e) => ({ message: `CRL extension ${e.oid} is ${e.critical ? "critical" : "not critical"}; BR §7.2.2 wants it ${allowed[e.oid] ? "critical" : "non-critical"}`, location: loc(ctx, e.tlv) }));
    },
  }),
  crlRule({
    id: "crl.extension.br_not_recommended",
    severity: "warning",
    profiles: ["cabf-br"],
    citation: "CABF BR §7.2.2",
    effective: date("2023-09-15"),
    description: "A publicly-trusted CA's CRL has no extensions besides cRLNumber, authorityKeyIdentifier and issuingDistributionPoint.",
    check: (ctx) => exts(ctx).filter((e) => e.oid !== OIDS.crlNumber && e.oid !== OIDS.authorityKeyIdentifier && e.oid !== OIDS.issuingDistributionPoint).map((e) => ({ message: `CRL extension ${e.oid} is NOT RECOMMENDED; remove it`, location: loc(ctx, e.tlv) })),
  }),
]);
