/**
 * Certificate rules: subject and issuer names (RFC 5280 §4.1.2.4, §4.1.2.6, Appendix A upper bounds;
 * CABF BR §7.1.2.10.2 CA naming, §7.1.4 subject attributes, §7.1.2.7 subscriber subjects).
 */
import { type CertContext, certRule, registerRules, type RuleResult } from "../registry.js";
import { ALL, BR, CA, CASKIT, EVERY, LEAF, before, date } from "./cert-encoding.js";
import { type Attr, OIDS, PRINTABLE, TAG, attrsOf, ext, isIpv4Text, loc, looksLikeIpv6, nameAttrs, q, sanNames } from "./cert-util.js";

const ok: RuleResult[] = [];
const subj = (ctx: CertContext): Attr[] => nameAttrs(ctx.der, ctx.nodes.subject);
const iss = (ctx: CertContext): Attr[] => nameAttrs(ctx.der, ctx.nodes.issuer);
const subjectEmpty = (ctx: CertContext): boolean => !ctx.nodes.subject?.children?.length;

const NAMES: Record<string, string> = {
  [OIDS.commonName]: "commonName",
  [OIDS.surname]: "surname",
  [OIDS.serialNumber]: "serialNumber",
  [OIDS.countryName]: "countryName",
  [OIDS.localityName]: "localityName",
  [OIDS.stateOrProvinceName]: "stateOrProvinceName",
  [OIDS.streetAddress]: "streetAddress",
  [OIDS.organizationName]: "organizationName",
  [OIDS.organizationalUnitName]: "organizationalUnitName",
  [OIDS.postalCode]: "postalCode",
  [OIDS.givenName]: "givenName",
  [OIDS.emailAddress]: "emailAddress",
  [OIDS.domainComponent]: "domainComponent",
};
const nameOf = (oid: string): string => NAMES[oid] ?? oid;

/** ISO 3166-1 alpha-2 codes (officially assigned) and the BR's "XX". */
const ISO3166 = new Set(
  (
    "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ " +
    "DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP " +
    "KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ " +
    "OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ " +
    "UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW XX"
  ).split(" "),
);

/** X.520 / RFC 5280 Appendix A upper bounds (characters), as zlint applies them. */
const MAX_LENGTH: Array<[string, number, string, string]> = [
  [OIDS.commonName, 64, "e_subject_common_name_max_length", "RFC 5280 Appendix A (ub-common-name)"],
  [OIDS.organizationName, 64, "e_subject_organization_name_max_length", "RFC 5280 Appendix A (ub-organization-name)"],
  [OIDS.organizationalUnitName, 64, "e_subject_organizational_unit_name_max_length", "RFC 5280 Appendix A (ub-organizational-unit-name)"],
  [OIDS.localityName, 128, "e_subject_locality_name_max_length", "RFC 5280 Appendix A (ub-locality-name)"],
  [OIDS.stateOrProvinceName, 128, "e_subject_state_name_max_length", "RFC 5280 Appendix A (ub-state-name)"],
  [OIDS.streetAddress, 128, "e_subject_street_address_max_length", "X.520 (ub-street-address)"],
  [OIDS.postalCode, 16, "e_subject_postal_code_max_length", "RFC 5280 Appendix A (ub-postal-code, as zlint reads it)"],
  [OIDS.serialNumber, 64, "e_subject_dn_serial_number_max_length", "RFC 5280 Appendix A (ub-serial-number)"],
  [OIDS.emailAddress, 255, "e_subject_email_max_length", "RFC 5280 Appendix A (ub-emailaddress-length)"],
  [OIDS.givenName, 32768, "e_subject_given_name_max_length", "RFC 5280 Appendix A (ub-name)"],
  [OIDS.surname, 32768, "e_subject_surname_max_length", "RFC 5280 Appendix A (ub-name)"],
];

const chars = (s: string | null): number => (s === null ? 0 : [...s].length);

/** Certificate policies asserted (OIDs), for the BR subject rules keyed on DV/OV/IV. */
function policies(ctx: CertContext): string[] {
  const e = ext(ctx, OIDS.certificatePolicies);
  const out: string[] = [];
  for (const pi of e?.value?.children ?? []) {
    const t = pi.children?.[0];
    if (t?.tag === TAG.OID) {
      const b = ctx.der.subarray(t.contentStart, t.end);
      out.push(oidText(b));
    }
  }
  return out;
}
function oidText(b: Uint8Array): string {
  const arcs: number[] = [];
  let v = 0;
  for (const x of b) {
    v = v * 128 + (x & 0x7f);
    if (!(x & 0x80)) {
      arcs.push(v);
      v = 0;
    }
  }
  const first = arcs.shift() ?? 0;
  const a = first < 80 ? Math.floor(first / 40) : 2;
  return [a, first - a * 40, ...arcs].join(".");
}

/** One BR policy-keyed subject rule: with policy `policy`, attribute `attr` must (not) be present. */
function policySubject(id: string, zlint: string, policy: string, label: string, test: (a: Attr[]) => string | null, effective: string, until?: string, citation = "CABF BR §7.1.2.7"): ReturnType<typeof certRule> {
  return certRule({
    id,
    targets: LEAF,
    severity: "error",
    profiles: BR,
    citation,
    zlint,
    effective: date(effective),
    description: `With the ${label} policy (${policy}), the subject follows BR §7.1.2.7${until ? ` (for certificates issued before ${until}; later ones fall under the BR 2.0 subject tables)` : ""}.`,
    check: (ctx) => {
      if (!policies(ctx).includes(policy) || (until && !before(ctx, until))) return ok;
      const why = test(subj(ctx));
      return why ? [{ message: `the certificate asserts the ${label} policy and ${why}`, location: loc(ctx, ctx.nodes.subject) }] : ok;
    },
  });
}
const has = (a: Attr[], oid: string) => a.some((x) => x.oid === oid);

/** Reserved IPv4/IPv6 ranges (IANA special-purpose registries) as the BR exclude them. */
export function reservedIp(bytes: Uint8Array): boolean {
  if (bytes.length === 4) {
    const [a, b] = [bytes[0] as number, bytes[1] as number];
    return a === 0 || a === 10 || a === 127 || (a === 100 && b >= 64 && b < 128) || (a === 169 && b === 254) || (a === 172 && b >= 16 && b < 32) || (a === 192 && b === 168) ||
      (a === 192 && b === 0 && (bytes[2] === 0 || bytes[2] === 2)) || (a === 198 && (b === 18 || b === 19)) || (a === 198 && b === 51 && bytes[2] === 100) || (a === 203 && b === 0 && bytes[2] === 113) || a >= 224;
  }
  if (bytes.length === 16) {
    const w0 = ((bytes[0] as number) << 8) | (bytes[1] as number);
    const allZeroTo = (n: number) => bytes.subarray(0, n).every((x) => x === 0);
    if (allZeroTo(15)) return true; // :: and ::1
    if (allZeroTo(10) && bytes[10] === 0xff && bytes[11] === 0xff) return reservedIp(bytes.subarray(12));
    return (w0 & 0xfe00) === 0xfc00 || (w0 & 0xffc0) === 0xfe80 || (w0 & 0xff00) === 0xff00 || w0 === 0x2001 && (bytes[2] === 0x0d && bytes[3] === 0xb8 || ((bytes[2] as number) < 0x02)) || (w0 & 0xe000) !== 0x2000;
  }
  return false;
}

/** The canonical text of an address: dotted quad, or RFC 5952 §4 for IPv6 (lower case, longest zero run as ::). */
export function canonicalIp(b: Uint8Array): string {
  if (b.length === 4) return [...b].join(".");
  if (b.length !== 16) return Buffer.from(b).toString("hex");
  const w = Array.from({ length: 8 }, (_, i) => (((b[2 * i] as number) << 8) | (b[2 * i + 1] as number)));
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (w[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && w[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = w.map((x) => x.toString(16));
  if (best < 0) return hex.join(":");
  return `${hex.slice(0, best).join(":")}::${hex.slice(best + bestLen).join(":")}`;
}

export function ipTextBytes(s: string): Uint8Array | null {
  if (isIpv4Text(s)) return Uint8Array.from(s.split(".").map(Number));
  if (!looksLikeIpv6(s)) return null;
  try {
    const u = new URL(`http://[${s}]/`);
    const h = u.hostname.slice(1, -1);
    const [head, tail] = h.split("::") as [string, string | undefined];
    const parts = (x: string | undefined) => (x ? x.split(":").filter(Boolean) : []);
    const hp = parts(head);
    const tp = parts(tail);
    const words = [...hp, ...Array(8 - hp.length - tp.length).fill("0"), ...tp].map((w) => parseInt(w, 16));
    if (words.length !== 8) return null;
    return Uint8Array.from(words.flatMap((w) => [w >> 8, w & 0xff]));
  } catch {
    return null;
  }
}

registerRules([
  certRule({
    id: "cert.issuer.empty",
    targets: ALL,
    severity: "error",
    profiles: EVERY,
    citation: "RFC 5280 §4.1.2.4",
    zlint: "e_issuer_field_empty",
    effective: date("1999-01-01"),
    description: "The issuer field is a non-empty distinguished name.",
    check: (ctx) => (!ctx.nodes.issuer?.children?.length ? [{ message: "the issuer field is empty; copy the issuing CA's subject into it", location: loc(ctx, ctx.nodes.issuer ?? ctx.nodes.tbs) }] : ok),
  }),
  certRule({
    id: "cert.subject.ca_empty",
    targets: CA,
    severity: "error",
    profiles: EVERY,
    citation: "RFC 5280 §4.1.2.6",
    zlint: "e_ca_subject_field_empty",
    effective: date("1999-01-01"),
    description: "A CA certificate's subject is a non-empty distinguished name.",
    check: (ctx) => (subjectEmpty(ctx) ? [{ message: "the CA certificate's subject is empty; give the CA a distinguished name (at least a commonName)", location: loc(ctx, ctx.nodes.subject) }] : ok),
  }),
  certRule({
    id: "cert.subject.empty_without_san",
    targets: ALL,
    severity: "error",
    profiles: EVERY,
    citation: "RFC 5280 §4.2.1.6",
    zlint: "e_subject_empty_without_san",
    effective: date("1999-01-01"),
    description: "A certificate with an empty subject carries a subjectAltName.",
    check: (ctx) => (subjectEmpty(ctx) && !ext(ctx, OIDS.subjectAltName) ? [{ message: "the subject is empty and there is no subjectAltName; add the names in a subjectAltName", location: loc(ctx, ctx.nodes.subject) }] : ok),
  }),
  certRule({
    id: "cert.subject.country_not_printable",
    targets: ALL,
    severity: "error",
    profiles: EVERY,
    citation: "RFC 5280 Appendix A (X520countryName)",
    zlint: "e_subject_dn_country_not_printable_string",
    description: "The subject's countryName is a PrintableString.",
    check: (ctx) => attrsOf(subj(ctx), OIDS.countryName).filter((a) => a.tag !== TAG.PRINTABLE).map((a) => ({ message: "subject countryName is not a PrintableString; encode it as PrintableString", location: loc(ctx, a.value) })),
  }),
  certRule({
    id: "cert.issuer.country_not_printable",
    targets: ALL,
    severity: "error",
    profiles: EVERY,
    citation: "RFC 5280 Appendix A (X520countryName)",
    zlint: "e_issuer_dn_country_not_printable_string",
    description: "The issuer's countryName is a PrintableString.",
    check: (ctx) => attrsOf(iss(ctx), OIDS.countryName).filter((a) => a.tag !== TAG.PRINTABLE).map((a) => ({ message: "issuer countryName is not a PrintableString; the issuing CA's subject must encode it as PrintableString", location: loc(ctx, a.value) })),
  }),
  certRule({
    id: "cert.subject.serial_number_not_printable",
    targets: ALL,
    severity: "error",
    profiles: EVERY,
    citation: "RFC 5280 Appendix A (X520SerialNumber)",
    zlint: "e_subject_dn_serial_number_not_printable_string",
    description: "The subject's serialNumber attribute is a PrintableString.",
    check: (ctx) => attrsOf(subj(ctx), OIDS.serialNumber).filter((a) => a.tag !== TAG.PRINTABLE).map((a) => ({ message: "subject serialNumber is not a PrintableString; encode it as PrintableString", location: loc(ctx, a.value) })),
  }),
  certRule({
    id: "cert.subject.printable_bad_alphabet",
    targets: ALL,
    severity: "error",
    profiles: EVERY,
    citation: "RFC 5280 Appendix B; X.680 §41.4",
    zlint: "e_subject_printable_string_badalpha",
    effective: date("1999-01-01"),
    description: "PrintableString values use only A–Z a–z 0–9 space ' ( ) + , - . / : = ?",
    check: (ctx) => subj(ctx).filter((a) => a.tag === TAG.PRINTABLE && !PRINTABLE.test(a.text ?? "")).map((a) => ({ message: `subject ${nameOf(a.oid)} ${q(a.text ?? "")} has characters PrintableString does not allow; use UTF8String`, location: loc(ctx, a.value) })),
  }),
  certRule({
    id: "cert.subject.control_characters",
    targets: ALL,
    severity: "error",
    profiles: EVERY,
    citation: "RFC 5280 Appendix A",
    zlint: "e_subject_dn_not_printable_characters",
    description: "Subject attribute values contain no control characters.",
    check: (ctx) => subj(ctx).filter((a) => a.text !== null && /[\u0000-\u001f\u007f-\u009f]/.test(a.text)).map((a) => ({ message: `subject ${nameOf(a.oid)} contains a control character; remove it`, location: loc(ctx, a.value) })),
  }),
  certRule({
    id: "cert.subject.invalid_string",
    targets: ALL,
    severity: "error",
    profiles: EVERY,
    citation: "RFC 5280 §4.1.2.6; X.690 §8.23",
    description: "Subject string values decode in their declared type (valid UTF-8, whole BMP/Universal characters).",
    check: (ctx) => subj(ctx).filter((a) => a.text === null && a.tag !== TAG.OCTET_STRING && !(a.value.tag & 0x20)).map((a) => ({ message: `subject ${nameOf(a.oid)} is not valid text in its string type; re-encode it as UTF8String`, location: loc(ctx, a.value) })),
  }),
  certRule({
    id: "cert.subject.directory_string_type",
    targets: ALL,
    severity: "warning",
    profiles: CASKIT,
    citation: "RFC 5280 §4.1.2.6",
    description: "DirectoryString attributes are PrintableString or UTF8String (TeletexString, BMPString and UniversalString are for older certificates).",
    check: (ctx) => subj(ctx).filter((a) => a.tag === TAG.T61 || a.tag === TAG.BMP || a.tag === TAG.UNIVERSAL).map((a) => ({ message: `subject ${nameOf(a.oid)} is a ${a.tag === TAG.T61 ? "TeletexString" : a.tag === TAG.BMP ? "BMPString" : "UniversalString"}; new certificates use PrintableString or UTF8String`, location: loc(ctx, a.value) })),
  }),
  ...MAX_LENGTH.map(([oid, max, zlint, citation]) =>
    certRule({
      id: `cert.subject.${nameOf(oid).replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}_too_long`,
      targets: ALL,
      severity: "error",
      profiles: EVERY,
      citation,
      zlint,
      description: `The subject's ${nameOf(oid)} is at most ${max} characters.`,
      check: (ctx) => attrsOf(subj(ctx), oid).filter((a) => chars(a.text) > max).map((a) => ({ message: `subject ${nameOf(oid)} is ${chars(a.text)} characters; the upper bound is ${max} — shorten it`, location: loc(ctx, a.value) })),
    }),
  ),
  ...([[OIDS.givenName, "w_subject_given_name_recommended_max_length"], [OIDS.surname, "w_subject_surname_recommended_max_length"]] as const).map(([oid, zlint]) =>
    certRule({
      id: `cert.subject.${nameOf(oid).replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}_over_64`,
      targets: ALL,
      severity: "warning",
      profiles: ["rfc5280", "cabf-br"],
      citation: "ITU-T X.411 (1988) Annex B (ub-common-name-length)",
      zlint,
      description: `The subject's ${nameOf(oid)} is at most 64 characters, as many systems expect.`,
      check: (ctx) => attrsOf(subj(ctx), oid).filter((a) => chars(a.text) > 64).map((a) => ({ message: `subject ${nameOf(oid)} is ${chars(a.text)} characters; keep it to 64`, location: loc(ctx, a.value) })),
    }),
  ),
  certRule({
    id: "cert.subject.email_not_in_san",
    targets: ALL,
    severity: "error",
    profiles: EVERY,
    citation: "RFC 5280 §4.1.2.6",
    zlint: "e_subj_email_not_in_san",
    effective: date("1999-01-01"),
    description: "An e-mail address in the subject also appears as an rfc822Name in the subjectAltName.",
    check: (ctx) => {
      const mails = new Set(sanNames(ctx).filter((g) => g.kind === "rfc822").map((g) => g.text.toLowerCase()));
      return attrsOf(subj(ctx), OIDS.emailAddress).filter((a) => !mails.has((a.text ?? "").toLowerCase())).map((a) => ({ message: `subject emailAddress ${q(a.text ?? "")} is not an rfc822Name in subjectAltName; add it there`, location: loc(ctx, a.value) }));
    },
  }),
  certRule({
    id: "cert.subject.duplicate_attribute",
    targets: ALL,
    severity: "error",
    profiles: BR,
    citation: "CABF BR §7.1.4.1",
    zlint: "e_duplicate_subject_attribs",
    effective: date("2023-09-15"),
    description: "No subject attribute type appears twice (except domainComponent and streetAddress).",
    check: (ctx) => {
      const seen = new Set<string>();
      const out: RuleResult[] = [];
      for (const a of subj(ctx)) {
        if (a.oid === OIDS.domainComponent || a.oid === OIDS.streetAddress) continue;
        if (seen.has(a.oid)) out.push({ message: `subject ${nameOf(a.oid)} appears more than once; keep one`, location: loc(ctx, a.tlv) });
        seen.add(a.oid);
      }
      return out;
    },
  }),
  certRule({
    id: "cert.subject.rdn_order",
    targets: LEAF,
    severity: "error",
    profiles: BR,
    citation: "CABF BR §7.1.4.2",
    zlint: "e_invalid_subject_rdn_order",
    effective: date("2023-09-15"),
    description: "Subject attributes appear in the BR order: DC, C, ST, L, postalCode, street, O, serialNumber, givenName/surname, OU, CN.",
    check: (ctx) => {
      const order = [OIDS.domainComponent, OIDS.countryName, OIDS.stateOrProvinceName, OIDS.localityName, OIDS.postalCode, OIDS.streetAddress, OIDS.organizationName, OIDS.surname, OIDS.givenName, OIDS.organizationalUnitName, OIDS.commonName] as string[];
      let last = -1;
      for (const a of subj(ctx)) {
        const i = order.indexOf(a.oid);
        if (i < 0) continue;
        if (i < last) return [{ message: `subject ${nameOf(a.oid)} comes after an attribute the BRs order later; encode C, ST, L, O, OU, CN in that order`, location: loc(ctx, a.tlv) }];
        last = i;
      }
      return ok;
    },
  }),
  certRule({
    id: "cert.subject.country_not_iso",
    targets: ALL,
    severity: "error",
    profiles: ["cabf-br", "cas", "private"],
    citation: "CABF BR §7.1.4.2.2; ISO 3166-1",
    zlint: "e_subject_country_not_iso",
    effective: date("2012-07-01"),
    description: "The subject's countryName is an ISO 3166-1 alpha-2 code (or XX).",
    check: (ctx) => attrsOf(subj(ctx), OIDS.countryName).filter((a) => !ISO3166.has(a.text ?? "")).map((a) => ({ message: `subject countryName ${q(a.text ?? "", 8)} is not an ISO 3166-1 two-letter code; use e.g. "CN" or "US" (upper case)`, location: loc(ctx, a.value) })),
  }),
  certRule({
    id: "cert.subject.non_informational",
    targets: LEAF,
    severity: "error",
    profiles: BR,
    citation: "CABF BR §7.1.4.2.2 (j)",
    zlint: "e_subject_contains_noninformational_value",
    effective: date("2012-07-01"),
    description: "No subject attribute is only metadata such as '.', '-' or ' '.",
    check: (ctx) => subj(ctx).filter((a) => a.text !== null && !/[A-Za-z0-9\u0080-\u{10ffff}]/u.test(a.text)).map((a) => ({ message: `subject ${nameOf(a.oid)} is ${q(a.text ?? "", 16)}, which says nothing; omit the attribute instead`, location: loc(ctx, a.value) })),
  }),
  certRule({
    id: "cert.subject.ou_prohibited",
    targets: LEAF,
    severity: "error",
    profiles: BR,
    citation: "CABF BR §7.1.4.2.2 (i)",
    zlint: "e_organizational_unit_name_prohibited",
    effective: date("2022-09-01"),
    description: "Subscriber certificates issued from 2022-09-01 have no organizationalUnitName.",
    check: (ctx) => attrsOf(subj(ctx), OIDS.organizationalUnitName).slice(0, 1).map((a) => ({ message: "subject organizationalUnitName is prohibited in publicly-trusted TLS certificates; remove it", location: loc(ctx, a.tlv) })),
  }),
  certRule({
    id: "cert.subject.ou_without_o",
    targets: LEAF,
    severity: "error",
    profiles: BR,
    citation: "CABF BR §7.1.4.2.2",
    zlint: "e_subject_contains_organizational_unit_name_and_no_organization_name",
    effective: date("2021-08-16"),
    description: "organizationalUnitName appears only with organizationName.",
    check: (ctx) => {
      const a = subj(ctx);
      return has(a, OIDS.organizationalUnitName) && !has(a, OIDS.organizationName) ? [{ message: "subject has organizationalUnitName without organizationName; add O or drop OU", location: loc(ctx, ctx.nodes.subject) }] : ok;
    },
  }),
  certRule({
    id: "cert.subject.state_control_characters",
    targets: ALL,
    severity: "error",
    profiles: BR,
    citation: "CABF BR §3.2.2.1",
    zlint: "e_state_or_province_name_must_not_contain_control_characters",
    effective: date("2012-07-01"),
    description: "stateOrProvinceName and localityName are plain place names: no control characters and none of = : { } ; \" | \\ [ ] (as zlint reads the rule).",
    check: (ctx) =>
      [...attrsOf(subj(ctx), OIDS.stateOrProvinceName), ...attrsOf(subj(ctx), OIDS.localityName)]
        .filter((a) => /[\u0000-\u001f\u007f=:{};"|\\[\]]/.test(a.text ?? ""))
        .map((a) => ({ message: `subject ${nameOf(a.oid)} ${q(a.text ?? "", 40)} has control characters or metacharacters (= : { } ; " | \\ [ ]); write the plain place name`, location: loc(ctx, a.value) })),
  }),
  certRule({
    id: "cert.subject.multiple_cn",
    targets: LEAF,
    severity: "warning",
    profiles: ["cabf-br", "cas", "private"],
    citation: "CABF BR §7.1.4.2.2 (a)",
    zlint: "w_extra_subject_common_names",
    effective: date("2012-07-01"),
    description: "A subscriber certificate has at most one commonName.",
    check: (ctx) => attrsOf(subj(ctx), OIDS.commonName).slice(1).map((a) => ({ message: "the subject has more than one commonName; keep one (put other names in subjectAltName)", location: loc(ctx, a.tlv) })),
  }),
  certRule({
    id: "cert.subject.cn_not_in_san",
    targets: ["server"],
    severity: "error",
    severities: { cas: "warning", private: "warning" },
    profiles: ["cabf-br", "cas", "private"],
    citation: "CABF BR §7.1.4.2.2 (a)",
    zlint: "e_subject_common_name_not_exactly_from_san",
    effective: date("2021-08-25"),
    description: "A server certificate's commonName is, exactly, one of its subjectAltName DNS names, or one of its IP addresses in canonical text (dotted quad; RFC 5952 for IPv6).",
    check: (ctx) => {
      const names = sanNames(ctx);
      const dns = new Set(names.filter((g) => g.kind === "dns").map((g) => g.text));
      const ips = new Set(names.filter((g) => g.kind === "ip").map((g) => canonicalIp(g.bytes)));
      return attrsOf(subj(ctx), OIDS.commonName)
        .filter((a) => !dns.has(a.text ?? "") && !ips.has(a.text ?? ""))
        .map((a) => {
          const ip = ipTextBytes(a.text ?? "");
          const hint = ip && ips.has(canonicalIp(ip)) ? `; write the address as ${canonicalIp(ip)} (RFC 5952 text)` : "; add it to the SAN or drop the CN";
          return { message: `subject commonName ${q(a.text ?? "")} is not one of the subjectAltName entries exactly${hint}`, location: loc(ctx, a.value) };
        });
    },
  }),
  certRule({
    id: "cert.subject.cn_not_from_san",
    targets: ["server"],
    severity: "error",
    profiles: BR,
    citation: "CABF BR §7.1.4.2.2 (a)",
    zlint: "e_subject_common_name_not_from_san",
    effective: date("2012-07-01"),
    description: "A server certificate's commonName is one of its subjectAltName entries (case-insensitively; from 2021-08-25 exactly: cert.subject.cn_not_in_san).",
    check: (ctx) => {
      if (!before(ctx, "2021-08-25")) return ok;
      const names = sanNames(ctx);
      const dns = new Set(names.filter((g) => g.kind === "dns").map((g) => g.text.toLowerCase()));
      const ips = names.filter((g) => g.kind === "ip").map((g) => Buffer.from(g.bytes).toString("hex"));
      return attrsOf(subj(ctx), OIDS.commonName)
        .filter((a) => {
          const t = (a.text ?? "").toLowerCase();
          const ip = ipTextBytes(t);
          return !dns.has(t) && !(ip && ips.includes(Buffer.from(ip).toString("hex")));
        })
        .map((a) => ({ message: `subject commonName ${q(a.text ?? "")} is not in subjectAltName; add it there`, location: loc(ctx, a.value) }));
    },
  }),
  certRule({
    id: "cert.subject.cn_deprecated",
    targets: LEAF,
    severity: "notice",
    profiles: BR,
    citation: "CABF BR §7.1.2.7.1",
    zlint: "n_subject_common_name_included",
    effective: date("2012-07-01"),
    description: "Subscriber certificates need no commonName (deprecated; the SAN carries the names).",
    check: (ctx) =>
      !before(ctx, "2023-09-15") ? [] : attrsOf(subj(ctx), OIDS.commonName).slice(0, 1).map((a) => ({ message: "subject commonName is deprecated in subscriber certificates", location: loc(ctx, a.tlv) })),
  }),
  certRule({
    id: "cert.subject.cn_not_recommended",
    targets: LEAF,
    severity: "warning",
    profiles: BR,
    citation: "CABF BR §7.1.2.7.2",
    zlint: "w_subject_common_name_included",
    effective: date("2023-09-15"),
    description: "Subscriber certificates issued from 2023-09-15 have no commonName (NOT RECOMMENDED).",
    check: (ctx) => attrsOf(subj(ctx), OIDS.commonName).slice(0, 1).map((a) => ({ message: "subject commonName is NOT RECOMMENDED in TLS subscriber certificates; the SAN carries the names", location: loc(ctx, a.tlv) })),
  }),
  certRule({
    id: "cert.subject.reserved_ip_cn",
    targets: LEAF,
    severity: "error",
    profiles: BR,
    citation: "CABF BR §7.1.4.2.1",
    zlint: "e_subject_contains_reserved_ip",
    effective: date("2012-07-01"),
    description: "The commonName is not a reserved IP address.",
    check: (ctx) => attrsOf(subj(ctx), OIDS.commonName).filter((a) => {
      const b = ipTextBytes(a.text ?? "");
      return b !== null && reservedIp(b);
    }).map((a) => ({ message: `subject commonName ${q(a.text ?? "")} is a reserved IP address, which publicly-trusted certificates may not name`, location: loc(ctx, a.value) })),
  }),
  // ---- CA naming (BR §7.1.2.10.2)
  certRule({
    id: "cert.ca.cn_missing",
    targets: CA,
    severity: "error",
    profiles: ["cabf-br", "cas", "private"],
    citation: "CABF BR §7.1.2.10.2; CAS CreateRootCACertificate",
    zlint: "e_ca_common_name_missing",
    effective: date("2017-06-08"),
    description: "A CA certificate's subject has a commonName.",
    check: (ctx) => (has(subj(ctx), OIDS.commonName) ? ok : [{ message: "the CA certificate's subject has no commonName; add one", location: loc(ctx, ctx.nodes.subject) }]),
  }),
  certRule({
    id: "cert.ca.country_missing",
    targets: CA,
    severity: "error",
    profiles: BR,
    citation: "CABF BR §7.1.2.10.2",
    zlint: "e_ca_country_name_missing",
    effective: date("2012-07-01"),
    description: "A CA certificate's subject has a countryName.",
    check: (ctx) => (has(subj(ctx), OIDS.countryName) ? ok : [{ message: "the CA certificate's subject has no countryName; add the two-letter code", location: loc(ctx, ctx.nodes.subject) }]),
  }),
  certRule({
    id: "cert.ca.country_invalid",
    targets: CA,
    severity: "error",
    profiles: BR,
    citation: "CABF BR §7.1.2.10.2",
    zlint: "e_ca_country_name_invalid",
    effective: date("2012-07-01"),
    description: "A CA certificate's countryName is an ISO 3166-1 code.",
    check: (ctx) => attrsOf(subj(ctx), OIDS.countryName).filter((a) => !ISO3166.has(a.text ?? "") || a.text === "XX").map((a) => ({ message: `the CA's countryName ${q(a.text ?? "", 8)} is not an ISO 3166-1 code`, location: loc(ctx, a.value) })),
  }),
  certRule({
    id: "cert.ca.organization_missing",
    targets: CA,
    severity: "error",
    profiles: BR,
    citation: "CABF BR §7.1.2.10.2",
    zlint: "e_ca_organization_name_missing",
    effective: date("2012-07-01"),
    description: "A CA certificate's subject has an organizationName.",
    check: (ctx) => (has(subj(ctx), OIDS.organizationName) ? ok : [{ message: "the CA certificate's subject has no organizationName; add it", location: loc(ctx, ctx.nodes.subject) }]),
  }),
  certRule({
    id: "cert.ca.organizational_unit",
    targets: CA,
    severity: "error",
    profiles: BR,
    citation: "CABF BR §7.1.2.10.2",
    zlint: "e_subj_orgunit_in_ca_cert",
    effective: date("2023-09-15"),
    description: "Root and TLS subordinate CA certificates have no organizationalUnitName.",
    check: (ctx) => attrsOf(subj(ctx), OIDS.organizationalUnitName).slice(0, 1).map((a) => ({ message: "the CA certificate's subject has organizationalUnitName; remove it", location: loc(ctx, a.tlv) })),
  }),
  // ---- subjects keyed on the BR policy OIDs
  policySubject("cert.subject.dv_organization", "e_cab_dv_conflicts_with_org", OIDS.cabfDv, "domain-validated", (a) => (has(a, OIDS.organizationName) ? "the subject has organizationName; remove it" : null), "2012-07-01", "2023-09-15"),
  policySubject("cert.subject.dv_locality", "e_cab_dv_conflicts_with_locality", OIDS.cabfDv, "domain-validated", (a) => (has(a, OIDS.localityName) ? "the subject has localityName; remove it" : null), "2012-07-01", "2023-09-15"),
  policySubject("cert.subject.dv_province", "e_cab_dv_conflicts_with_province", OIDS.cabfDv, "domain-validated", (a) => (has(a, OIDS.stateOrProvinceName) ? "the subject has stateOrProvinceName; remove it" : null), "2012-07-01", "2023-09-15"),
  policySubject("cert.subject.dv_postal", "e_cab_dv_conflicts_with_postal", OIDS.cabfDv, "domain-validated", (a) => (has(a, OIDS.postalCode) ? "the subject has postalCode; remove it" : null), "2012-07-01", "2023-09-15"),
  policySubject("cert.subject.dv_street", "e_cab_dv_conflicts_with_street", OIDS.cabfDv, "domain-validated", (a) => (has(a, OIDS.streetAddress) ? "the subject has streetAddress; remove it" : null), "2012-07-01", "2023-09-15"),
  policySubject("cert.subject.dv_only_c_cn", "e_cab_dv_subject_invalid_values", OIDS.cabfDv, "domain-validated", (a) => (a.some((x) => x.oid !== OIDS.countryName && x.oid !== OIDS.commonName) ? "the subject has attributes other than countryName and commonName; remove them" : null), "2023-09-15"),
  policySubject("cert.subject.ov_organization", "e_cab_ov_requires_org", OIDS.cabfOv, "organization-validated", (a) => (has(a, OIDS.organizationName) ? null : "the subject lacks organizationName; add it"), "2012-07-01"),
  policySubject("cert.subject.ov_country", "e_cert_policy_ov_requires_country", OIDS.cabfOv, "organization-validated", (a) => (has(a, OIDS.countryName) ? null : "the subject lacks countryName; add it"), "2012-07-01"),
  policySubject("cert.subject.ov_locality_or_province", "e_cert_policy_ov_requires_province_or_locality", OIDS.cabfOv, "organization-validated", (a) => (has(a, OIDS.localityName) || has(a, OIDS.stateOrProvinceName) ? null : "the subject lacks both localityName and stateOrProvinceName; add one"), "2012-07-01"),
  policySubject("cert.subject.iv_country", "e_cert_policy_iv_requires_country", OIDS.cabfIv, "individual-validated", (a) => (has(a, OIDS.countryName) ? null : "the subject lacks countryName; add it"), "2015-09-28"),
  policySubject("cert.subject.iv_locality_or_province", "e_cert_policy_iv_requires_province_or_locality", OIDS.cabfIv, "individual-validated", (a) => (has(a, OIDS.localityName) || has(a, OIDS.stateOrProvinceName) ? null : "the subject lacks both localityName and stateOrProvinceName; add one"), "2015-09-28"),
  policySubject("cert.subject.iv_personal_name", "e_cab_iv_requires_personal_name", OIDS.cabfIv, "individual-validated", (a) => (has(a, OIDS.organizationName) || (has(a, OIDS.givenName) && has(a, OIDS.surname)) ? null : "the subject has neither organizationName nor givenName and surname; add them"), "2015-09-28", "2023-09-15"),
]);


