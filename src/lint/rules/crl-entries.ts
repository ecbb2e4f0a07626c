/**
 * CRL rules: revokedCertificates (RFC 5280 §5.1.2.6, §5.3; CABF BR §7.2.2) — absent rather than
 * empty, serials positive and at most 20 octets, each listed once (in order, as a notice), revocation
 * dates not after thisUpdate, reason codes valid, non-critical, never unspecified (absent instead) and
 * never removeFromCRL in a base CRL; entry extensions not repeated.
 */
import { type CrlContext, crlRule, registerRules, type RuleResult } from "../registry.js";
import type { Tlv } from "../der.js";
import type { ProfileName } from "../types.js";
import { type Ext, OIDS, TAG, bytesOf, entryExts, ext, loc, readTime } from "./cert-util.js";

const ok: RuleResult[] = [];
const EVERY: ProfileName[] = ["rfc5280", "cabf-br", "cas", "private"];
const date = (s: string): Date => new Date(`${s}T00:00:00Z`);
const MAX_REPORTED = 20;

interface Entry {
  i: number;
  tlv: Tlv;
  serial: Tlv | undefined;
  exts: Ext[];
}
const cache = new WeakMap<object, Entry[]>();
function entries(ctx: CrlContext): Entry[] {
  const hit = cache.get(ctx);
  if (hit) return hit;
  const out = ctx.nodes.revoked.map((tlv, i) => ({ i, tlv, serial: tlv.children?.[0], exts: entryExts(ctx.der, tlv) }));
  cache.set(ctx, out);
  return out;
}

/** The reasonCode value of an entry (ENUMERATED), or null. */
function reason(ctx: CrlContext, e: Entry): { code: number; ext: Ext } | null {
  const x = e.exts.find((y) => y.oid === OIDS.reasonCode);
  if (!x?.value || x.value.tag !== TAG.ENUMERATED || x.value.end === x.value.contentStart) return null;
  let code = 0;
  for (const b of bytesOf(ctx.der, x.value)) code = code * 256 + b;
  return { code, ext: x };
}

const REASON_NAMES = ["unspecified", "keyCompromise", "cACompromise", "affiliationChanged", "superseded", "cessationOfOperation", "certificateHold", "(7 unused)", "removeFromCRL", "privilegeWithdrawn", "aACompromise"];
const serialKey = (ctx: CrlContext, e: Entry): string => (e.serial ? Buffer.from(bytesOf(ctx.der, e.serial)).toString("hex") : "");

function compareMagnitude(a: string, b: string): number {
  const x = a.replace(/^(00)+/, "");
  const y = b.replace(/^(00)+/, "");
  return x.length - y.length || (x < y ? -1 : x > y ? 1 : 0);
}

const each = (ctx: CrlContext, f: (e: Entry) => string | null, where: (e: Entry) => Tlv | undefined = (e) => e.tlv): RuleResult[] => {
  const out: RuleResult[] = [];
  for (const e of entries(ctx)) {
    const m = f(e);
    if (m) out.push({ message: `revokedCertificates[${e.i}]: ${m}`, location: loc(ctx, where(e)) });
    if (out.length >= MAX_REPORTED) break;
  }
  return out;
};

registerRules([
  crlRule({
    id: "crl.revoked.empty_list",
    severity: "error",
    profiles: EVERY,
    citation: "RFC 5280 §5.1.2.6",
    zlint: "e_crl_empty_revoked_certificates",
    effective: date("2008-05-01"),
    description: "With no revoked certificates, revokedCertificates is absent (not an empty SEQUENCE).",
    check: (ctx) => (ctx.nodes.revokedCertificates && !ctx.nodes.revoked.length ? [{ message: "revokedCertificates is an empty list; omit the field when nothing is revoked", location: loc(ctx, ctx.nodes.revokedCertificates) }] : ok),
  }),
  crlRule({
    id: "crl.revoked.serial_invalid",
    severity: "error",
    profiles: EVERY,
    citation: "RFC 5280 §5.1.2.6, §4.1.2.2",
    description: "Each revoked serial is a positive INTEGER of at most 20 octets.",
    check: (ctx) =>
      each(ctx, (e) => {
        const s = e.serial;
        if (!s || s.tag !== TAG.INTEGER || s.end === s.contentStart) return "userCertificate is not an INTEGER";
        const b = bytesOf(ctx.der, s);
        if ((b[0] as number) & 0x80) return "the serial is negative; certificate serials are positive";
        if (b.every((x) => x === 0)) return "the serial is zero; certificate serials are positive";
        if (b.length > 20) return `the serial is ${b.length} octets; serials are at most 20`;
        return null;
      }, (e) => e.serial),
  }),
  crlRule({
    id: "crl.revoked.duplicate_serial",
    severity: "error",
    profiles: EVERY,
    citation: "RFC 5280 §5.1.2.6",
    zlint: "e_crl_unique_revoked_certificate",
    description: "Each serial is listed once.",
    check: (ctx) => {
      const seen = new Set<string>();
      return each(ctx, (e) => {
        const k = serialKey(ctx, e).replace(/^(00)+/, "");
        const dup = seen.has(k);
        seen.add(k);
        return dup ? "this serial is already listed; list each revoked certificate once" : null;
      }, (e) => e.serial);
    },
  }),
  crlRule({
    id: "crl.revoked.unsorted",
    severity: "notice",
    profiles: ["cas", "private"],
    citation: "caskit",
    description: "Entries are in ascending serial order (easier to diff and search; RFC 5280 does not require it).",
    check: (ctx) => {
      const list = entries(ctx);
      for (let i = 1; i < list.length; i++) {
        if (compareMagnitude(serialKey(ctx, list[i - 1] as Entry), serialKey(ctx, list[i] as Entry)) > 0) return [{ message: `revokedCertificates[${i}] is out of ascending serial order`, location: loc(ctx, (list[i] as Entry).serial) }];
      }
      return ok;
    },
  }),
  crlRule({
    id: "crl.revoked.after_this_update",
    severity: "error",
    profiles: EVERY,
    citation: "RFC 5280 §5.1.2.4, §5.1.2.6",
    zlint: "e_crl_revocation_time_after_this_update",
    effective: date("2008-05-01"),
    description: "No revocationDate is later than thisUpdate.",
    check: (ctx) => {
      const tu = readTime(ctx.der, ctx.nodes.thisUpdate)?.date;
      if (!tu) return ok;
      return each(ctx, (e) => {
        const r = readTime(ctx.der, e.tlv.children?.[1])?.date;
        return r && r > tu ? `revocationDate ${r.toISOString()} is after thisUpdate ${tu.toISOString()}; a CRL lists only revocations that have happened` : null;
      }, (e) => e.tlv.children?.[1]);
    },
  }),
  crlRule({
    id: "crl.entry.reason_invalid",
    severity: "error",
    profiles: EVERY,
    citation: "RFC 5280 §5.3.1",
    zlint: "e_crl_has_valid_reason_code",
    effective: date("2008-05-01"),
    description: "A reasonCode is one RFC 5280 defines (0–6, 8–10).",
    check: (ctx) =>
      each(ctx, (e) => {
        const r = reason(ctx, e);
        const x = e.exts.find((y) => y.oid === OIDS.reasonCode);
        if (x && !r) return "the reasonCode is not an ENUMERATED";
        return r && (r.code === 7 || r.code > 10) ? `reasonCode ${r.code} is not defined by RFC 5280 §5.3.1` : null;
      }),
  }),
  crlRule({
    id: "crl.entry.reason_unspecified",
    severity: "warning",
    profiles: EVERY,
    citation: "RFC 5280 §5.3.1",
    description: "The reasonCode unspecified (0) is not written: the extension is omitted instead.",
    check: (ctx) => each(ctx, (e) => (reason(ctx, e)?.code === 0 ? "reasonCode is unspecified (0); omit the reasonCode extension instead" : null)),
  }),
  crlRule({
    id: "crl.entry.remove_from_crl",
    severity: "error",
    profiles: EVERY,
    citation: "RFC 5280 §5.3.1",
    description: "removeFromCRL appears only in delta CRLs (a base CRL listing it says 'not revoked').",
    check: (ctx) => (ext(ctx, OIDS.deltaCrlIndicator) ? ok : each(ctx, (e) => (reason(ctx, e)?.code === 8 ? "reasonCode removeFromCRL in a base CRL; drop the entry instead (removeFromCRL belongs in delta CRLs)" : null))),
  }),
  crlRule({
    id: "crl.entry.certificate_hold",
    severity: "warning",
    profiles: ["cas", "private"],
    citation: "caskit (src/revoke/reasons.ts); CABF BR §7.2.2",
    description: "No entry is on hold (certificateHold): caskit cannot release a hold, and publicly-trusted CAs may not use it.",
    check: (ctx) => each(ctx, (e) => (reason(ctx, e)?.code === 6 ? "reasonCode certificateHold; revoke with a final reason instead" : null)),
  }),
  crlRule({
    id: "crl.entry.reason_critical",
    severity: "error",
    profiles: EVERY,
    citation: "CABF BR §7.2.2; RFC 5280 §5.3.1",
    zlint: "e_cab_crl_reason_code_not_critical",
    effective: date("2012-07-01"),
    description: "The reasonCode entry extension is non-critical.",
    check: (ctx) => each(ctx, (e) => (reason(ctx, e)?.ext.critical ? "the reasonCode extension is critical; mark it non-critical" : null)),
  }),
  crlRule({
    id: "crl.entry.br_reason",
    severity: "error",
    profiles: ["cabf-br"],
    citation: "CABF BR §7.2.2",
    zlint: "e_cab_crl_has_valid_reason_code",
    effective: date("2023-07-15"),
    description: "A reasonCode is keyCompromise, affiliationChanged, superseded, cessationOfOperation or privilegeWithdrawn.",
    check: (ctx) =>
      each(ctx, (e) => {
        const r = reason(ctx, e);
        return r && ![1, 3, 4, 5, 9].includes(r.code) ? `reasonCode ${REASON_NAMES[r.code] ?? r.code} is not one the BRs allow (1, 3, 4, 5, 9)` : null;
      }),
  }),
  crlRule({
    id: "crl.entry.duplicate_extension",
    severity: "error",
    profiles: EVERY,
    citation: "RFC 5280 §5.3",
    zlint: "e_crl_revoked_certificate_crl_entry_has_no_duplicate_extensions",
    description: "No CRL entry repeats an extension.",
    check: (ctx) =>
      each(ctx, (e) => {
        const ids = e.exts.map((x) => x.oid);
        return new Set(ids).size !== ids.length ? "an entry extension appears twice; keep one" : null;
      }),
  }),
  crlRule({
    id: "crl.entry.critical_false_encoded",
    severity: "error",
    profiles: EVERY,
    citation: "RFC 5280 §5.3; X.690 §11.5",
    description: "An entry extension's critical flag is omitted when false.",
    check: (ctx) => each(ctx, (e) => (e.exts.some((x) => x.explicitFalse) ? "an entry extension encodes critical FALSE; omit the field" : null)),
  }),
]);
