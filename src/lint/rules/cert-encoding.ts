/**
 * Certificate rules: encoding and the TBSCertificate's fixed fields (RFC 5280 §4.1): strict DER,
 * version, serial number, unique identifiers, the extensions field as a whole (duplicates, the
 * encoded DEFAULT critical flag, values that are not one TLV, empty SEQUENCE OF values).
 */
import { certRule, registerRules, type CertContext, type CertTarget, type RuleResult } from "../registry.js";
import type { ProfileName } from "../types.js";
import { OIDS, TAG, bytesOf, exts, loc } from "./cert-util.js";

export const ALL: CertTarget[] = ["root", "intermediate", "server", "client"];
export const CA: CertTarget[] = ["root", "intermediate"];
export const LEAF: CertTarget[] = ["server", "client"];
export const EVERY: ProfileName[] = ["rfc5280", "cabf-br", "cas", "private"];
export const BR: ProfileName[] = ["cabf-br"];
export const CASKIT: ProfileName[] = ["cas", "private"];
export const date = (s: string): Date => new Date(`${s}T00:00:00Z`);
/** A rule that zlint retires on a date (its IneffectiveDate): true while `ctx.date` is before it. */
export const before = (ctx: { date: Date }, s: string): boolean => ctx.date.getTime() < date(s).getTime();

const ok: RuleResult[] = [];

function versionOf(ctx: CertContext): number {
  const v = ctx.nodes.version?.children?.[0];
  if (!v || v.tag !== TAG.INTEGER) return 1;
  const b = bytesOf(ctx.der, v);
  return b.length === 1 ? (b[0] as number) + 1 : -1;
}

/** Extensions whose value is SEQUENCE SIZE (1..MAX) OF … (RFC 5280 §4.2). */
const SEQUENCE_OF_EXTENSIONS = new Map<string, string>([
  [OIDS.subjectAltName, "subjectAltName"],
  [OIDS.issuerAltName, "issuerAltName"],
  [OIDS.extKeyUsage, "extKeyUsage"],
  [OIDS.crlDistributionPoints, "cRLDistributionPoints"],
  [OIDS.certificatePolicies, "certificatePolicies"],
  [OIDS.policyMappings, "policyMappings"],
  [OIDS.authorityInfoAccess, "authorityInfoAccess"],
  [OIDS.subjectInfoAccess, "subjectInfoAccess"],
  [OIDS.freshestCrl, "freshestCRL"],
  [OIDS.subjectDirectoryAttributes, "subjectDirectoryAttributes"],
]);

registerRules([
  certRule({
    id: "cert.encoding.not_der",
    targets: ALL,
    severity: "error",
    profiles: EVERY,
    citation: "RFC 5280 §4.1.1.3",
    description: "The certificate is DER: definite, minimal lengths (the signed TBSCertificate must be DER to verify everywhere).",
    check: (ctx) => ctx.derIssues.slice(0, 8).map((i) => ({ message: `not DER: ${i.message}; re-encode the certificate in DER`, location: { offset: i.offset, length: i.length } })),
  }),
  certRule({
    id: "cert.version.not_v3",
    targets: ALL,
    severity: "error",
    severities: { rfc5280: "warning" },
    profiles: EVERY,
    citation: "CABF BR §7.1.1",
    zlint: "e_invalid_certificate_version",
    effective: date("2015-04-16"),
    description: "The certificate is X.509 v3 (version field 2).",
    check: (ctx) => {
      const v = versionOf(ctx);
      return v === 3 ? ok : [{ message: `version is ${v < 0 ? "malformed" : `v${v}`}; issue v3 certificates (version INTEGER 2)`, location: loc(ctx, ctx.nodes.version ?? ctx.nodes.tbs) }];
    },
  }),
  certRule({
    id: "cert.version.extensions_not_v3",
    targets: ALL,
    severity: "error",
    profiles: EVERY,
    citation: "RFC 5280 §4.1.2.9",
    zlint: "e_cert_extensions_version_not_3",
    description: "Only a v3 certificate carries extensions.",
    check: (ctx) => (ctx.nodes.extensions && versionOf(ctx) !== 3 ? [{ message: "extensions are present in a certificate that is not v3; set the version to v3 (INTEGER 2)", location: loc(ctx, ctx.nodes.version ?? ctx.nodes.tbs) }] : ok),
  }),
  certRule({
    id: "cert.unique_id.present",
    targets: ALL,
    severity: "error",
    profiles: EVERY,
    citation: "RFC 5280 §4.1.2.8",
    zlint: "e_cert_contains_unique_identifier",
    effective: date("2008-05-01"),
    description: "Conforming CAs do not generate issuerUniqueID or subjectUniqueID.",
    check: (ctx) =>
      [ctx.nodes.issuerUniqueId, ctx.nodes.subjectUniqueId]
        .filter((t) => t !== undefined)
        .map((t) => ({ message: `the ${t === ctx.nodes.issuerUniqueId ? "issuerUniqueID" : "subjectUniqueID"} field is present; remove it (CAs MUST NOT generate unique identifiers)`, location: loc(ctx, t) })),
  }),
  certRule({
    id: "cert.unique_id.version",
    targets: ALL,
    severity: "error",
    profiles: EVERY,
    citation: "RFC 5280 §4.1.2.8",
    zlint: "e_cert_unique_identifier_version_not_2_or_3",
    effective: date("2008-05-01"),
    description: "Unique identifiers appear only in v2 or v3 certificates.",
    check: (ctx) => ((ctx.nodes.issuerUniqueId || ctx.nodes.subjectUniqueId) && versionOf(ctx) < 2 ? [{ message: "a unique identifier is present in a v1 certificate; remove it", location: loc(ctx, ctx.nodes.issuerUniqueId ?? ctx.nodes.subjectUniqueId) }] : ok),
  }),
  certRule({
    id: "cert.serial.not_positive",
    targets: ALL,
    severity: "error",
    profiles: EVERY,
    citation: "RFC 5280 §4.1.2.2",
    zlint: "e_serial_number_not_positive",
    effective: date("2002-04-01"),
    description: "The serial number is a positive integer.",
    check: (ctx) => {
      const s = ctx.nodes.serial;
      if (!s || s.tag !== TAG.INTEGER) return [{ message: "serialNumber is not an INTEGER; issue a positive serial", location: loc(ctx, s ?? ctx.nodes.tbs) }];
      const b = bytesOf(ctx.der, s);
      if (!b.length || ((b[0] as number) & 0x80)) return [{ message: "serialNumber is negative; draw a positive serial (prefix 0x00 when the top bit is set)", location: loc(ctx, s) }];
      if (b.every((x) => x === 0)) return [{ message: "serialNumber is zero; draw a positive random serial", location: loc(ctx, s) }];
      return ok;
    },
  }),
  certRule({
    id: "cert.serial.too_long",
    targets: ALL,
    severity: "error",
    profiles: EVERY,
    citation: "RFC 5280 §4.1.2.2",
    zlint: "e_serial_number_longer_than_20_octets",
    effective: date("2002-04-01"),
    description: "The serial number is at most 20 octets long.",
    check: (ctx) => {
      const s = ctx.nodes.serial;
      if (!s || s.tag !== TAG.INTEGER) return ok;
      const n = s.end - s.contentStart;
      return n > 20 ? [{ message: `serialNumber is ${n} octets; use at most 20 (e.g. 16 random octets)`, location: loc(ctx, s) }] : ok;
    },
  }),
  certRule({
    id: "cert.serial.not_minimal",
    targets: ALL,
    severity: "error",
    profiles: EVERY,
    citation: "X.690 §8.3.2",
    description: "The serial INTEGER is minimally encoded (no superfluous leading 00 or FF octet).",
    check: (ctx) => {
      const s = ctx.nodes.serial;
      if (!s || s.tag !== TAG.INTEGER || s.end - s.contentStart < 2) return ok;
      const [a, b] = [ctx.der[s.contentStart] as number, ctx.der[s.contentStart + 1] as number];
      return (a === 0 && !(b & 0x80)) || (a === 0xff && b & 0x80) ? [{ message: "serialNumber has a superfluous leading octet; encode the INTEGER minimally", location: loc(ctx, s) }] : ok;
    },
  }),
  certRule({
    id: "cert.serial.low_entropy",
    targets: ALL,
    severity: "warning",
    profiles: ["cabf-br", "cas", "private"],
    citation: "CABF BR §7.1",
    description: "The serial number holds at least 64 bits from a CSPRNG (so it is at least 8 octets long).",
    check: (ctx) => {
      const s = ctx.nodes.serial;
      if (!s || s.tag !== TAG.INTEGER) return ok;
      let b = bytesOf(ctx.der, s);
      while (b.length > 1 && b[0] === 0) b = b.subarray(1);
      return b.length < 8 ? [{ message: `serialNumber is ${b.length} octets, too short to hold 64 random bits; draw at least 8 (caskit draws 16) random octets`, location: loc(ctx, s) }] : ok;
    },
  }),
  certRule({
    id: "cert.extensions.empty",
    targets: ALL,
    severity: "error",
    profiles: EVERY,
    citation: "RFC 5280 §4.1",
    description: "The extensions field, when present, holds at least one extension (SEQUENCE SIZE (1..MAX)).",
    check: (ctx) => {
      const e = ctx.nodes.extensions;
      const seq = e?.children?.[0];
      return e && (!seq || !seq.children?.length) ? [{ message: "the extensions field is present but empty; omit it", location: loc(ctx, e) }] : ok;
    },
  }),
  certRule({
    id: "cert.extension.duplicate",
    targets: ALL,
    severity: "error",
    profiles: EVERY,
    citation: "RFC 5280 §4.2",
    zlint: "e_ext_duplicate_extension",
    description: "No extension appears more than once.",
    check: (ctx) => {
      const seen = new Set<string>();
      const out: RuleResult[] = [];
      for (const e of exts(ctx)) {
        if (seen.has(e.oid)) out.push({ message: `extension ${e.oid} appears more than once; keep one instance`, location: loc(ctx, e.tlv) });
        seen.add(e.oid);
      }
      return out;
    },
  }),
  certRule({
    id: "cert.extension.critical_false_encoded",
    targets: ALL,
    severity: "error",
    profiles: EVERY,
    citation: "RFC 5280 §4.2; X.690 §11.5",
    zlint: "e_cert_ext_invalid_der",
    effective: date("2008-05-01"),
    description: "An extension's critical flag is omitted when false (DER does not encode a DEFAULT value).",
    check: (ctx) => exts(ctx).filter((e) => e.explicitFalse).map((e) => ({ message: `extension ${e.oid} encodes critical FALSE; omit the field (DEFAULT FALSE)`, location: loc(ctx, e.tlv) })),
  }),
  certRule({
    id: "cert.extension.malformed",
    targets: ALL,
    severity: "error",
    profiles: EVERY,
    citation: "RFC 5280 §4.1, §4.2",
    description: "Each extension is { extnID, critical DEFAULT FALSE, extnValue OCTET STRING } and its value is one DER value.",
    check: (ctx) => {
      const out: RuleResult[] = [];
      const list = ctx.nodes.extensions?.children?.[0]?.children ?? [];
      const good = new Set(exts(ctx).map((e) => e.tlv.start));
      for (const t of list) if (!good.has(t.start)) out.push({ message: "an extension is not SEQUENCE { OID, [BOOLEAN], OCTET STRING }; re-encode it", location: loc(ctx, t) });
      for (const e of exts(ctx)) {
        if (!e.octet) out.push({ message: `extension ${e.oid}: extnValue is not an OCTET STRING`, location: loc(ctx, e.tlv) });
        else if (!e.value) out.push({ message: `extension ${e.oid}: the value inside extnValue cannot be read; re-encode it`, location: loc(ctx, e.octet) });
        else if (e.trailing) out.push({ message: `extension ${e.oid}: bytes follow the value inside extnValue; remove them`, location: loc(ctx, e.octet) });
      }
      return out;
    },
  }),
  certRule({
    id: "cert.extension.empty_sequence",
    targets: ALL,
    severity: "error",
    profiles: EVERY,
    citation: "RFC 5280 §4.2",
    zlint: "e_ext_cannot_be_empty_sequence",
    description: "Extensions whose value is SEQUENCE SIZE (1..MAX) OF … have at least one element.",
    check: (ctx) =>
      exts(ctx)
        .filter((e) => SEQUENCE_OF_EXTENSIONS.has(e.oid) && e.value?.tag === TAG.SEQUENCE && !e.value.children?.length)
        .map((e) => ({ message: `${SEQUENCE_OF_EXTENSIONS.get(e.oid)} is an empty SEQUENCE; give at least one element or omit the extension`, location: loc(ctx, e.tlv) })),
  }),
  certRule({
    id: "cert.extension.unknown_critical",
    targets: ALL,
    severity: "warning",
    profiles: CASKIT,
    citation: "RFC 5280 §4.2",
    description: "Critical extensions are ones relying parties know; an unrecognised critical extension makes them reject the certificate.",
    check: (ctx) => {
      const known = new Set<string>(Object.values(OIDS));
      return exts(ctx)
        .filter((e) => e.critical && !known.has(e.oid))
        .map((e) => ({ message: `extension ${e.oid} is critical and not a standard X.509 extension; relying parties that do not know it must reject the certificate — mark it non-critical`, location: loc(ctx, e.tlv) }));
    },
  }),
]);
