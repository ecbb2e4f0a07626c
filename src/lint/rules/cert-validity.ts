/**
 * Certificate rules: validity (RFC 5280 §4.1.2.5) — UTCTime through 2049 and GeneralizedTime from 2050,
 * both in Zulu with seconds and no fractions; notBefore before notAfter; inside the issuer's validity;
 * and the CA/Browser Forum's maximum validity of TLS server certificates by issuance date.
 */
import { type CertContext, certRule, registerRules, type RuleResult } from "../registry.js";
import { ALL, BR, CASKIT, EVERY, LEAF, before, date } from "./cert-encoding.js";
import { certFields } from "./cert-signatures.js";
import { type TimeValue, ekus, loc, readTime, validity, validitySeconds } from "./cert-util.js";

const ok: RuleResult[] = [];
const both = (ctx: CertContext): TimeValue[] => {
  const v = validity(ctx);
  return [v.notBefore, v.notAfter].filter((t): t is TimeValue => t !== null);
};
const field = (ctx: CertContext, t: TimeValue) => (t.tlv === ctx.nodes.validity?.children?.[0] ? "notBefore" : "notAfter");

function timeRule(id: string, zlint: string, kind: TimeValue["kind"], problem: string, citation: string, effective: string, description: string, fix: string) {
  return certRule({
    id,
    targets: ALL,
    severity: "error",
    profiles: EVERY,
    citation,
    zlint,
    effective: date(effective),
    description,
    check: (ctx) => both(ctx).filter((t) => t.kind === kind && t.problems.includes(problem)).map((t) => ({ message: `${field(ctx, t)} ${JSON.stringify(t.raw.slice(0, 24))} has ${problem}; ${fix}`, location: loc(ctx, t.tlv) })),
  });
}

/** Is this a TLS server certificate as zlint reads it (no EKU, or serverAuth / anyExtendedKeyUsage)? */
export const serverAuth = (ctx: CertContext): boolean => {
  const e = ekus(ctx);
  return e === null || e.length === 0 || e.includes("1.3.6.1.5.5.7.3.1") || e.includes("2.5.29.37.0");
};

function maxDays(id: string, zlint: string, days: number, from: string, until: string | null, severity: "error" | "warning", citation: string): ReturnType<typeof certRule> {
  return certRule({
    id,
    targets: ["server"],
    severity,
    profiles: BR,
    citation,
    zlint,
    effective: date(from),
    description: `A TLS server certificate issued on or after ${from}${until ? ` and before ${until}` : ""} is valid for at most ${days} days.`,
    check: (ctx) => {
      if (!serverAuth(ctx)) return ok;
      if (until && !before(ctx, until)) return ok;
      const s = validitySeconds(ctx);
      return s !== null && s > days * 86_400 ? [{ message: `the validity is ${Math.ceil(s / 86_400)} days; a TLS server certificate issued then may be valid for at most ${days} days — shorten notAfter`, location: loc(ctx, ctx.nodes.validity) }] : ok;
    },
  });
}

registerRules([
  timeRule("cert.validity.utc_no_seconds", "e_utc_time_does_not_include_seconds", "utc", "no seconds", "RFC 5280 §4.1.2.5.1", "1999-01-01", "UTCTime values include seconds (YYMMDDHHMMSSZ).", "write YYMMDDHHMMSSZ"),
  timeRule("cert.validity.utc_not_zulu", "e_utc_time_not_in_zulu", "utc", "not in Zulu (UTC, ending in Z)", "RFC 5280 §4.1.2.5.1", "1999-01-01", "UTCTime values are in Zulu time (end in Z).", "write the time in UTC ending in Z"),
  timeRule("cert.validity.generalized_no_seconds", "e_generalized_time_does_not_include_seconds", "generalized", "no seconds", "RFC 5280 §4.1.2.5.2", "1999-01-01", "GeneralizedTime values include seconds (YYYYMMDDHHMMSSZ).", "write YYYYMMDDHHMMSSZ"),
  timeRule("cert.validity.generalized_fraction", "e_generalized_time_includes_fraction_seconds", "generalized", "fractional seconds", "RFC 5280 §4.1.2.5.2", "1999-01-01", "GeneralizedTime values have no fractional seconds.", "drop the fraction"),
  timeRule("cert.validity.generalized_not_zulu", "e_generalized_time_not_in_zulu", "generalized", "not in Zulu (UTC, ending in Z)", "RFC 5280 §4.1.2.5.2", "1999-01-01", "GeneralizedTime values are in Zulu time (end in Z).", "write the time in UTC ending in Z"),
  certRule({
    id: "cert.validity.malformed",
    targets: ALL,
    severity: "error",
    profiles: EVERY,
    citation: "RFC 5280 §4.1.2.5",
    description: "notBefore and notAfter are valid UTCTime or GeneralizedTime values.",
    check: (ctx) => {
      const v = ctx.nodes.validity;
      const ch = v?.children ?? [];
      if (ch.length !== 2) return [{ message: "validity is not SEQUENCE { notBefore, notAfter }", location: loc(ctx, v ?? ctx.nodes.tbs) }];
      return ch.map((t) => readTime(ctx.der, t)).filter((t): t is TimeValue => !!t && t.date === null).map((t) => ({ message: `${field(ctx, t)} is not a valid time (${t.problems[0] ?? "bad date"}); write YYMMDDHHMMSSZ or YYYYMMDDHHMMSSZ`, location: loc(ctx, t.tlv) }));
    },
  }),
  certRule({
    id: "cert.validity.wrong_time_type",
    targets: ALL,
    severity: "error",
    profiles: EVERY,
    citation: "RFC 5280 §4.1.2.5",
    zlint: "e_wrong_time_format_pre2050",
    effective: date("1999-01-01"),
    description: "Dates through 2049 are UTCTime; dates in 2050 or later are GeneralizedTime.",
    check: (ctx) =>
      both(ctx)
        .filter((t) => t.kind === "generalized" && t.date !== null && t.date.getUTCFullYear() < 2050)
        .map((t) => ({ message: `${field(ctx, t)} is a GeneralizedTime before 2050; encode dates through 2049 as UTCTime`, location: loc(ctx, t.tlv) })),
  }),
  certRule({
    id: "cert.validity.not_after_before_not_before",
    targets: ALL,
    severity: "error",
    profiles: EVERY,
    citation: "RFC 5280 §4.1.2.5",
    zlint: "e_validity_time_not_positive",
    description: "notAfter is later than notBefore.",
    check: (ctx) => {
      const { notBefore, notAfter } = validity(ctx);
      return notBefore?.date && notAfter?.date && notAfter.date.getTime() < notBefore.date.getTime() ? [{ message: "notAfter is earlier than notBefore; the certificate is never valid — fix the validity period", location: loc(ctx, ctx.nodes.validity) }] : ok;
    },
  }),
  certRule({
    id: "cert.validity.beyond_issuer",
    targets: ALL,
    severity: "warning",
    profiles: CASKIT,
    citation: "caskit (docs/cas-api.md validity rules)",
    description: "The certificate's validity lies within its issuer's (checked when the issuer is given).",
    check: (ctx) => {
      if (!ctx.issuer) return ok;
      const f = certFields(ctx.issuer.der);
      const iv = f?.tbs.children?.[(f.tbs.children[0]?.tag === 0xa0 ? 1 : 0) + 3]?.children;
      const [inb, ina] = [readTime(ctx.issuer.der, iv?.[0])?.date, readTime(ctx.issuer.der, iv?.[1])?.date];
      const { notBefore, notAfter } = validity(ctx);
      const out: RuleResult[] = [];
      if (ina && notAfter?.date && notAfter.date > ina) out.push({ message: `notAfter ${notAfter.date.toISOString()} is after the issuer's notAfter ${ina.toISOString()}; end the certificate by its issuer's expiry`, location: loc(ctx, notAfter.tlv) });
      if (inb && notBefore?.date && notBefore.date < inb) out.push({ message: `notBefore ${notBefore.date.toISOString()} is before the issuer's notBefore ${inb.toISOString()}; start it within the issuer's validity`, location: loc(ctx, notBefore.tlv) });
      return out;
    },
  }),
  certRule({
    id: "cert.validity.expired",
    targets: ALL,
    severity: "notice",
    profiles: CASKIT,
    citation: "RFC 5280 §4.1.2.5",
    description: "The certificate is valid now (notice only: an expired or not-yet-valid certificate may be linted on purpose).",
    check: (ctx) => {
      const { notBefore, notAfter } = validity(ctx);
      const t = ctx.now.getTime();
      if (notAfter?.date && notAfter.date.getTime() < t) return [{ message: `the certificate expired ${notAfter.date.toISOString()}`, location: loc(ctx, notAfter.tlv) }];
      if (notBefore?.date && notBefore.date.getTime() > t) return [{ message: `the certificate is not valid before ${notBefore.date.toISOString()}`, location: loc(ctx, notBefore.tlv) }];
      return ok;
    },
  }),
  certRule({
    id: "cert.validity.br_39_months",
    targets: LEAF,
    severity: "error",
    profiles: BR,
    citation: "CABF BR §6.3.2 (v1.3.6)",
    zlint: "e_sub_cert_valid_time_longer_than_39_months",
    effective: date("2016-07-02"),
    description: "A subscriber certificate issued from 2016-07-01 to 2018-03-01 is valid for at most 39 months.",
    check: (ctx) => {
      const { notBefore, notAfter } = validity(ctx);
      if (!notBefore?.date || !notAfter?.date || notBefore.date >= date("2018-03-01")) return ok;
      const limit = new Date(notBefore.date);
      limit.setUTCMonth(limit.getUTCMonth() + 39);
      return notAfter.date > limit ? [{ message: "the validity exceeds 39 months; shorten notAfter", location: loc(ctx, ctx.nodes.validity) }] : ok;
    },
  }),
  certRule({
    id: "cert.validity.br_825_days",
    targets: LEAF,
    severity: "error",
    profiles: BR,
    citation: "CABF BR §6.3.2 (v1.4.4)",
    zlint: "e_sub_cert_valid_time_longer_than_825_days",
    effective: date("2018-03-02"),
    description: "A subscriber certificate issued on or after 2018-03-01 is valid for at most 825 days.",
    check: (ctx) => {
      const { notBefore, notAfter } = validity(ctx);
      if (!notBefore?.date || !notAfter?.date) return ok;
      return notAfter.date.getTime() > notBefore.date.getTime() + 825 * 86_400_000 ? [{ message: "the validity exceeds 825 days; shorten notAfter", location: loc(ctx, ctx.nodes.validity) }] : ok;
    },
  }),
  maxDays("cert.validity.br_398_days", "e_tls_server_cert_valid_time_longer_than_398_days", 398, "2020-09-01", null, "error", "CABF BR §6.3.2 (Ballot SC31)"),
  maxDays("cert.validity.br_200_days", "e_server_cert_valid_time_longer_than_200_days", 200, "2026-03-15", "2027-03-15", "error", "CABF BR §6.3.2 (Ballot SC-081)"),
  maxDays("cert.validity.br_100_days", "e_server_cert_valid_time_longer_than_100_days", 100, "2027-03-15", "2029-03-15", "error", "CABF BR §6.3.2 (Ballot SC-081)"),
  maxDays("cert.validity.br_47_days", "e_server_cert_valid_time_longer_than_47_days", 47, "2029-03-15", null, "error", "CABF BR §6.3.2 (Ballot SC-081)"),
  maxDays("cert.validity.br_199_days", "w_server_cert_valid_time_longer_than_199_days", 199, "2026-03-15", "2027-03-15", "warning", "CABF BR §6.3.2 (Ballot SC-081: keep a day's margin)"),
  maxDays("cert.validity.br_99_days", "w_server_cert_valid_time_longer_than_99_days", 99, "2027-03-15", "2029-03-15", "warning", "CABF BR §6.3.2 (Ballot SC-081: keep a day's margin)"),
  maxDays("cert.validity.br_46_days", "w_server_cert_valid_time_longer_than_46_days", 46, "2029-03-15", null, "warning", "CABF BR §6.3.2 (Ballot SC-081: keep a day's margin)"),
]);
