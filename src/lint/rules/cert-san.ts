/**
 * Certificate rules: subjectAltName and issuerAltName (RFC 5280 §4.2.1.6–7) and DNS name syntax
 * (RFC 1035, RFC 5890, CABF BR §7.1.4.2): present where needed, critical exactly when the subject is
 * empty, no empty entries, dNSName/URI/rfc822Name well-formed IA5 text, iPAddress 4 or 16 octets, no
 * address written as a dNSName, wildcards only as a whole left-most label, and the BR's name types.
 */
import { domainToUnicode } from "node:url";
import { type CertContext, certRule, registerRules, type RuleResult } from "../registry.js";
import { ALL, BR, CASKIT, EVERY, LEAF, date } from "./cert-encoding.js";
import { reservedIp } from "./cert-names.js";
import { type GeneralName, type GnKind, OIDS, ext, generalNames, isAscii, isIpv4Text, labels, loc, looksLikeIpv6, q } from "./cert-util.js";

const ok: RuleResult[] = [];

type Which = { oid: string; label: string; short: "san" | "ian" };
const SAN: Which = { oid: OIDS.subjectAltName, label: "subjectAltName", short: "san" };
const IAN: Which = { oid: OIDS.issuerAltName, label: "issuerAltName", short: "ian" };

const names = (ctx: CertContext, w: Which): GeneralName[] => {
  const e = ext(ctx, w.oid);
  return e ? generalNames(ctx.der, e.value) : [];
};
const dnsNames = (ctx: CertContext): GeneralName[] => names(ctx, SAN).filter((g) => g.kind === "dns");
const subjectEmpty = (ctx: CertContext): boolean => !ctx.nodes.subject?.children?.length;

/** A URI's scheme and what follows (RFC 3986 §3); null when there is no scheme. */
function uriParts(s: string): { scheme: string; rest: string; host: string | null } | null {
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):(.*)$/s.exec(s);
  if (!m) return null;
  const rest = m[2] as string;
  let host: string | null = null;
  if (rest.startsWith("//")) {
    const auth = rest.slice(2).split(/[/?#]/)[0] as string;
    host = auth.replace(/^.*@/, "").replace(/:\d*$/, "");
  }
  return { scheme: m[1] as string, rest, host };
}

const isFqdnOrIp = (h: string): boolean => isIpv4Text(h) || (h.startsWith("[") && h.endsWith("]")) || /^([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z0-9-]{1,63}\.?$/.test(h);

/** RFC 3492 punycode decoding of one label's part after "xn--"; null when it is not valid punycode. */
export function punycodeDecode(input: string): string | null {
  const base = 36, tMin = 1, tMax = 26, skew = 38, damp = 700;
  let n = 128, i = 0, bias = 72;
  const d = input.lastIndexOf("-");
  const out: number[] = [];
  for (const ch of d > 0 ? input.slice(0, d) : "") {
    if (ch.charCodeAt(0) >= 0x80) return null;
    out.push(ch.charCodeAt(0));
  }
  let p = d > 0 ? d + 1 : 0;
  const digit = (c: number) => (c - 48 < 10 ? c - 22 : c - 65 < 26 ? c - 65 : c - 97 < 26 ? c - 97 : base);
  while (p < input.length) {
    const oldi = i;
    let w = 1;
    for (let k = base; ; k += base) {
      if (p >= input.length) return null;
      const dg = digit(input.charCodeAt(p++));
      if (dg >= base) return null;
      i += dg * w;
      if (i > 0x10ffff * 64) return null;
      const t = k <= bias ? tMin : k >= bias + tMax ? tMax : k - bias;
      if (dg < t) break;
      w *= base - t;
    }
    const len = out.length + 1;
    let delta = i - oldi;
    delta = oldi === 0 ? Math.floor(delta / damp) : delta >> 1;
    delta += Math.floor(delta / len);
    let k = 0;
    while (delta > ((base - tMin) * tMax) >> 1) {
      delta = Math.floor(delta / (base - tMin));
      k += base;
    }
    bias = k + Math.floor(((base - tMin + 1) * delta) / (delta + skew));
    n += Math.floor(i / len);
    i %= len;
    if (n > 0x10ffff) return null;
    out.splice(i++, 0, n);
  }
  return String.fromCodePoint(...out);
}

/** rfc822Name: local@domain, no angle brackets or comments, no display name. */
const mailboxProblem = (s: string): string | null => {
  if (/[<>()]/.test(s) || /\s/.test(s)) return "has a display name, angle brackets, a comment or spaces";
  const at = s.lastIndexOf("@");
  if (at <= 0 || at === s.length - 1) return "is not local-part@domain";
  return null;
};

/** The rules of one GeneralNames extension (SAN or IAN), with zlint's names for each. */
function generalNameRules(w: Which, zl: Partial<Record<string, string>>, profiles = EVERY) {
  const base = { targets: ALL, severity: "error" as const, profiles };
  const cite = w.short === "san" ? "RFC 5280 §4.2.1.6" : "RFC 5280 §4.2.1.7";
  return [
    certRule({
      ...base,
      id: `cert.${w.short}.no_entries`,
      citation: cite,
      zlint: zl.noEntries,
      effective: date("1999-01-01"),
      description: `${w.label}, when present, has at least one entry.`,
      check: (ctx) => {
        const e = ext(ctx, w.oid);
        return e?.value && !e.value.children?.length ? [{ message: `${w.label} has no entries; add names or omit the extension`, location: loc(ctx, e.tlv) }] : ok;
      },
    }),
    certRule({
      ...base,
      id: `cert.${w.short}.empty_name`,
      citation: cite,
      zlint: zl.emptyName,
      effective: date("1999-01-01"),
      description: `No ${w.label} entry is empty.`,
      check: (ctx) => names(ctx, w).filter((g) => g.tlv.end === g.tlv.contentStart).map((g) => ({ message: `a ${w.label} ${g.kind} entry is empty; remove it`, location: loc(ctx, g.tlv) })),
    }),
    certRule({
      ...base,
      id: `cert.${w.short}.dns_not_ia5`,
      citation: cite,
      zlint: zl.dnsNotIa5,
      effective: date("1999-01-01"),
      description: `${w.label} dNSName entries are IA5 (ASCII) text; internationalised names are written as A-labels (xn--).`,
      check: (ctx) => names(ctx, w).filter((g) => g.kind === "dns" && !isAscii(g.bytes)).map((g) => ({ message: `${w.label} dNSName ${q(g.text)} is not ASCII; write internationalised names as A-labels (punycode, xn--)`, location: loc(ctx, g.tlv) })),
    }),
    certRule({
      ...base,
      id: `cert.${w.short}.dns_space`,
      citation: "RFC 5280 §4.2.1.6",
      zlint: zl.space,
      effective: date("1999-01-01"),
      description: `No ${w.label} dNSName is " " (a single space).`,
      check: (ctx) => names(ctx, w).filter((g) => g.kind === "dns" && g.text === " ").map((g) => ({ message: `${w.label} has the dNSName " "; remove it`, location: loc(ctx, g.tlv) })),
    }),
    certRule({
      ...base,
      id: `cert.${w.short}.uri_not_ia5`,
      citation: cite,
      zlint: zl.uriNotIa5,
      effective: date("2008-05-01"),
      description: `${w.label} URIs are IA5 (ASCII) text.`,
      check: (ctx) => names(ctx, w).filter((g) => g.kind === "uri" && !isAscii(g.bytes)).map((g) => ({ message: `${w.label} URI ${q(g.text)} is not ASCII; percent-encode it (RFC 3987 §3.1)`, location: loc(ctx, g.tlv) })),
    }),
    certRule({
      ...base,
      id: `cert.${w.short}.uri_relative`,
      citation: cite,
      zlint: zl.uriRelative,
      effective: date("2008-05-01"),
      description: `${w.label} URIs are absolute (have a scheme).`,
      check: (ctx) => names(ctx, w).filter((g) => g.kind === "uri" && g.text !== "" && !uriParts(g.text)).map((g) => ({ message: `${w.label} URI ${q(g.text)} is relative; write an absolute URI with its scheme`, location: loc(ctx, g.tlv) })),
    }),
    certRule({
      ...base,
      id: `cert.${w.short}.uri_format`,
      citation: cite,
      zlint: zl.uriFormat,
      effective: date("2008-05-01"),
      description: `${w.label} URIs have a scheme and a scheme-specific part.`,
      check: (ctx) => names(ctx, w).filter((g) => g.kind === "uri" && /^(\/\/)?$/.test(uriParts(g.text)?.rest ?? "")).map((g) => ({ message: `${w.label} URI ${q(g.text)} has no scheme or nothing after it; write scheme:part (e.g. https://host/path)`, location: loc(ctx, g.tlv) })),
    }),
    certRule({
      ...base,
      id: `cert.${w.short}.uri_host`,
      citation: "RFC 5280 §4.2.1.6",
      zlint: zl.uriHost,
      effective: date("2008-05-01"),
      description: `A ${w.label} URI with an authority names a fully-qualified domain name or an IP address.`,
      check: (ctx) =>
        names(ctx, w)
          .filter((g) => {
            const p = g.kind === "uri" ? uriParts(g.text) : null;
            return p?.host !== null && p?.host !== undefined && !isFqdnOrIp(p.host);
          })
          .map((g) => ({ message: `${w.label} URI ${q(g.text)} has a host that is not a fully-qualified domain name or IP address`, location: loc(ctx, g.tlv) })),
    }),
    certRule({
      ...base,
      id: `cert.${w.short}.rfc822_format`,
      citation: cite,
      zlint: zl.rfc822,
      effective: date("1999-01-01"),
      description: `${w.label} rfc822Name entries are bare mailboxes (local@domain), no display name or comments.`,
      check: (ctx) =>
        names(ctx, w)
          .filter((g) => g.kind === "rfc822" && g.text !== "" && mailboxProblem(g.text))
          .map((g) => ({ message: `${w.label} rfc822Name ${q(g.text)} ${mailboxProblem(g.text)}; write only local-part@domain`, location: loc(ctx, g.tlv) })),
    }),
    certRule({
      ...base,
      id: `cert.${w.short}.ip_length`,
      citation: "RFC 5280 §4.2.1.6",
      description: `${w.label} iPAddress entries are 4 (IPv4) or 16 (IPv6) octets.`,
      check: (ctx) => names(ctx, w).filter((g) => g.kind === "ip" && g.bytes.length !== 4 && g.bytes.length !== 16).map((g) => ({ message: `${w.label} iPAddress is ${g.bytes.length} octets; write 4 (IPv4) or 16 (IPv6)`, location: loc(ctx, g.tlv) })),
    }),
  ];
}

/** One DNS-label rule over the SAN's dNSNames (RFC or BR variant). */
function dnsRule(id: string, zlint: string | undefined, profiles: typeof EVERY, severity: "error" | "warning", citation: string, effective: string, description: string, problem: (name: string) => string | null) {
  return certRule({
    id,
    targets: ALL,
    severity,
    profiles,
    citation,
    zlint,
    effective: date(effective),
    description,
    check: (ctx) =>
      dnsNames(ctx)
        .filter((g) => g.text !== "" && isAscii(g.bytes))
        .flatMap((g) => {
          const p = problem(g.text);
          return p ? [{ message: `subjectAltName dNSName ${q(g.text)} ${p}`, location: loc(ctx, g.tlv) }] : [];
        }),
  });
}

/** Labels without a leading wildcard and a trailing root dot. */
const hostLabels = (n: string): string[] => {
  const l = labels(n.endsWith(".") ? n.slice(0, -1) : n);
  return l[0] === "*" ? l.slice(1) : l;
};
/**
 * How many labels the public suffix has. No public suffix list ships with caskit: a two-letter
 * country TLD under a common second-level registry (co.uk, com.cn, gov.us, …) counts as two labels.
 */
const suffixLabels = (l: string[]): number => (l.length >= 3 && /^[a-z]{2}$/i.test(l[l.length - 1] as string) && /^(co|com|net|org|gov|edu|ac|or|ne|go|mil|ltd|plc|sch|nic|gob|gen|biz|info)$/i.test(l[l.length - 2] as string) ? 2 : 1);
/** The registrable domain's own label (the "second-level" label above the public suffix). */
const sld = (n: string): string | undefined => {
  const l = hostLabels(n);
  const k = suffixLabels(l);
  return l.length > k ? l[l.length - 1 - k] : undefined;
};
const trd = (n: string): string[] => {
  const l = hostLabels(n);
  return l.slice(0, Math.max(0, l.length - 1 - suffixLabels(l)));
};

const BR_ONLY_KINDS: Array<[GnKind, string, string]> = [
  ["otherName", "e_ext_san_other_name_present", "otherName"],
  ["rfc822", "e_ext_san_rfc822_name_present", "rfc822Name"],
  ["uri", "e_ext_san_uniform_resource_identifier_present", "uniformResourceIdentifier"],
  ["directory", "e_ext_san_directory_name_present", "directoryName"],
  ["edi", "e_ext_san_edi_party_name_present", "ediPartyName"],
  ["registeredId", "e_ext_san_registered_id_present", "registeredID"],
];

registerRules([
  ...generalNameRules(SAN, {
    noEntries: "e_ext_san_no_entries",
    emptyName: "e_ext_san_empty_name",
    dnsNotIa5: "e_ext_san_dns_not_ia5_string",
    space: "e_ext_san_space_dns_name",
    uriNotIa5: "e_ext_san_uri_not_ia5",
    uriRelative: "e_ext_san_uri_relative",
    uriFormat: "e_ext_san_uri_format_invalid",
    uriHost: "e_ext_san_uri_host_not_fqdn_or_ip",
    rfc822: "e_ext_san_rfc822_format_invalid",
  }),
  ...generalNameRules(IAN, {
    noEntries: "e_ext_ian_no_entries",
    emptyName: "e_ext_ian_empty_name",
    dnsNotIa5: "e_ext_ian_dns_not_ia5_string",
    space: "e_ext_ian_space_dns_name",
    uriNotIa5: "e_ext_ian_uri_not_ia5",
    uriRelative: "e_ext_ian_uri_relative",
    uriFormat: "e_ext_ian_uri_format_invalid",
    uriHost: "e_ext_ian_uri_host_not_fqdn_or_ip",
    rfc822: "e_ext_ian_rfc822_format_invalid",
  }),
  certRule({
    id: "cert.ian.critical",
    targets: ALL,
    severity: "warning",
    profiles: EVERY,
    citation: "RFC 5280 §4.2.1.7",
    zlint: "w_ext_ian_critical",
    effective: date("1999-01-01"),
    description: "issuerAltName is non-critical.",
    check: (ctx) => {
      const e = ext(ctx, OIDS.issuerAltName);
      return e?.critical ? [{ message: "issuerAltName is critical; mark it non-critical", location: loc(ctx, e.tlv) }] : ok;
    },
  }),
  certRule({
    id: "cert.san.missing",
    targets: ["server"],
    severity: "error",
    profiles: ["cabf-br", "cas", "private"],
    citation: "CABF BR §7.1.2.7.12; RFC 6125 §6.4.4",
    zlint: "e_ext_san_missing",
    effective: date("2012-07-01"),
    description: "A server certificate carries a subjectAltName with its DNS names or IP addresses (clients ignore the CN).",
    check: (ctx) => (ext(ctx, OIDS.subjectAltName) ? ok : [{ message: "there is no subjectAltName extension; add the server's DNS names and IP addresses to a subjectAltName", location: loc(ctx, ctx.nodes.extensions ?? ctx.nodes.tbs) }]),
  }),
  certRule({
    id: "cert.san.not_critical_without_subject",
    targets: ALL,
    severity: "error",
    profiles: EVERY,
    citation: "RFC 5280 §4.2.1.6",
    zlint: "e_ext_san_not_critical_without_subject",
    effective: date("1999-01-01"),
    description: "With an empty subject, the subjectAltName is critical.",
    check: (ctx) => {
      const e = ext(ctx, OIDS.subjectAltName);
      return e && subjectEmpty(ctx) && !e.critical ? [{ message: "the subject is empty but subjectAltName is not critical; mark it critical", location: loc(ctx, e.tlv) }] : ok;
    },
  }),
  certRule({
    id: "cert.san.critical_with_subject",
    targets: ALL,
    severity: "warning",
    profiles: EVERY,
    citation: "RFC 5280 §4.2.1.6",
    zlint: "w_ext_san_critical_with_subject_dn",
    effective: date("2008-05-01"),
    description: "With a non-empty subject, the subjectAltName is non-critical.",
    check: (ctx) => {
      const e = ext(ctx, OIDS.subjectAltName);
      return e?.critical && !subjectEmpty(ctx) ? [{ message: "subjectAltName is critical although the subject is not empty; mark it non-critical", location: loc(ctx, e.tlv) }] : ok;
    },
  }),
  certRule({
    id: "cert.san.ip_in_dns_name",
    targets: ALL,
    severity: "error",
    profiles: ["cabf-br", "cas", "private"],
    citation: "RFC 5280 §4.2.1.6; CABF BR §7.1.4.2.1",
    description: "IP addresses are iPAddress entries, never dNSName.",
    check: (ctx) => dnsNames(ctx).filter((g) => isIpv4Text(g.text) || looksLikeIpv6(g.text)).map((g) => ({ message: `subjectAltName dNSName ${q(g.text)} is an IP address; put it in an iPAddress entry`, location: loc(ctx, g.tlv) })),
  }),
  certRule({
    id: "cert.san.dns_too_long",
    targets: ALL,
    severity: "error",
    profiles: EVERY,
    citation: "RFC 1035 §2.3.4; RFC 5280 §4.2.1.6",
    zlint: "e_ext_san_dns_name_too_long",
    effective: date("2008-05-01"),
    description: "A dNSName is at most 253 characters.",
    check: (ctx) => dnsNames(ctx).filter((g) => g.bytes.length > 253).map((g) => ({ message: `subjectAltName dNSName is ${g.bytes.length} characters; a DNS name is at most 253`, location: loc(ctx, g.tlv) })),
  }),
  dnsRule("cert.san.dns_label_too_long", "e_rfc_dnsname_label_too_long", EVERY, "error", "RFC 5280 §4.2.1.6; RFC 1035 §2.3.4", "2008-05-01", "Each dNSName label is at most 63 characters.", (n) => (labels(n).some((l) => l.length > 63) ? "has a label longer than 63 characters; shorten it" : null)),
  dnsRule("cert.san.dns_empty_label", "e_rfc_dnsname_empty_label", EVERY, "error", "RFC 5280 §4.2.1.6; RFC 1034 §3.5", "2008-05-01", "No dNSName has an empty label (leading, doubled or — except the root — trailing dots).", (n) => (labels(n).some((l) => l === "") ? "has an empty label (a leading, doubled or trailing dot); remove it" : null)),
  dnsRule("cert.san.dns_hyphen_sld", "e_rfc_dnsname_hyphen_in_sld", EVERY, "error", "RFC 5280 §4.2.1.6; RFC 1034 §3.5", "2008-05-01", "The second-level label does not begin or end with a hyphen.", (n) => {
    const s = sld(n);
    return s && (s.startsWith("-") || s.endsWith("-")) ? "has a second-level label that begins or ends with a hyphen" : null;
  }),
  dnsRule("cert.san.dns_underscore_sld", "e_rfc_dnsname_underscore_in_sld", EVERY, "error", "RFC 5280 §4.2.1.6; RFC 1034 §3.5", "2008-05-01", "The second-level label has no underscore.", (n) => (sld(n)?.includes("_") ? "has an underscore in its second-level label; host names use letters, digits and hyphens" : null)),
  dnsRule("cert.san.dns_underscore_trd", "w_rfc_dnsname_underscore_in_trd", ["rfc5280"], "warning", "RFC 5280 §4.2.1.6; RFC 1034 §3.5", "2008-05-01", "Labels below the second level have no underscore.", (n) => (trd(n).some((l) => l.includes("_")) ? "has an underscore in a label; host names use letters, digits and hyphens" : null)),
  dnsRule("cert.san.dns_bad_character", "e_dnsname_bad_character_in_label", ["cabf-br", "cas", "private"], "error", "CABF BR §7.1.4.2.1; RFC 5890 §2.3.1 (LDH)", "2012-07-01", "dNSName labels hold only letters, digits, hyphens (a whole left-most '*' allowed).", (n) => {
    const l = labels(n.endsWith(".") ? n.slice(0, -1) : n);
    const bad = l.find((x, i) => !(i === 0 && x === "*") && x !== "" && !/^[A-Za-z0-9_-]+$/.test(x));
    return bad !== undefined ? `has the label ${q(bad, 40)} with characters other than letters, digits and hyphens` : null;
  }),
  dnsRule("cert.san.wildcard_not_left", "e_dnsname_wildcard_only_in_left_label", ["cabf-br", "cas", "private"], "error", "CABF BR §1.6.1 (Wildcard Domain Name); RFC 6125 §6.4.3", "2012-07-01", "A wildcard appears only in the left-most label.", (n) => (labels(n).slice(1).some((l) => l.includes("*")) ? "has a wildcard outside the left-most label; only *.example.com is valid" : null)),
  dnsRule("cert.san.wildcard_partial", "e_dnsname_left_label_wildcard_correct", ["cabf-br", "cas", "private"], "error", "CABF BR §1.6.1 (Wildcard Domain Name)", "2012-07-01", "A wildcard label is exactly '*' (no partial wildcards like 'w*.example.com').", (n) => {
    const l = labels(n)[0] ?? "";
    return l.includes("*") && l !== "*" ? "has a partial wildcard; use the whole label '*'" : null;
  }),
  dnsRule("cert.san.bare_wildcard", "e_san_bare_wildcard", ["cabf-br", "cas", "private"], "error", "CABF BR §1.6.1 (Wildcard Domain Name)", "2012-07-01", "A wildcard names a domain below it ('*' alone or '*.' is not a name).", (n) => (n === "*" || n === "*." ? "is a bare wildcard; write *.example.com" : null)),
  dnsRule("cert.san.wildcard_on_tld", undefined, ["cabf-br", "cas", "private"], "error", "CABF BR §3.2.2.6", "2012-07-01", "A wildcard is not directly above a top-level domain (*.com).", (n) => {
    const l = labels(n.endsWith(".") ? n.slice(0, -1) : n);
    return l[0] === "*" && l.length === 2 ? "puts a wildcard directly on a top-level domain; name the registrable domain (*.example.com)" : null;
  }),
  dnsRule("cert.san.dns_hyphen_label", undefined, ["cas", "private"], "error", "RFC 1034 §3.5; RFC 5890 §2.3.1", "2008-05-01", "No label begins or ends with a hyphen.", (n) => (labels(n).some((l) => l.startsWith("-") || l.endsWith("-")) ? "has a label that begins or ends with a hyphen" : null)),
  dnsRule("cert.san.dns_underscore", "e_underscore_not_permissible_in_dnsname", ["cabf-br"], "error", "CABF BR §7.1.4.2.1 (Ballot SC-12)", "2019-04-01", "No dNSName label has an underscore.", (n) => (labels(n).some((l) => l.includes("_")) ? "has an underscore; publicly-trusted names may not" : null)),
  dnsRule("cert.san.idn_not_unicode", "e_international_dns_name_not_unicode", EVERY, "error", "RFC 5890 §2.3.2.1; RFC 3490", "2003-03-01", "Every xn-- label decodes (punycode) to Unicode.", (n) =>
    labels(n).some((l) => /^xn--/i.test(l) && domainToUnicode(l) === "") ? "has an xn-- label that is not valid punycode; encode the name with IDNA" : null,
  ),
  dnsRule("cert.san.idn_not_nfc", "e_international_dns_name_not_nfc", EVERY, "error", "RFC 8399 §2.1; RFC 5891", "2018-05-01", "Every xn-- label decodes to Unicode in normalization form C.", (n) =>
    labels(n).some((l) => {
      if (!/^xn--/i.test(l)) return false;
      const u = punycodeDecode(l.slice(4));
      return u !== null && u.normalize("NFC") !== u;
    }) ? "has an xn-- label that is not NFC-normalized; normalize before IDNA encoding" : null,
  ),
  dnsRule("cert.san.arpa", "e_arpa_domain_not_allowed", ["cabf-br"], "error", "CABF BR §4.2.2 (Ballot SC-086)", "2026-03-15", "No dNSName ends in an IP reverse zone (in-addr.arpa, ip6.arpa).", (n) => (/(^|\.)(in-addr|ip6)\.arpa\.?$/i.test(n) ? "is in an IP reverse zone (.arpa), which publicly-trusted certificates may not name" : null)),
  certRule({
    id: "cert.san.reserved_ip",
    targets: LEAF,
    severity: "error",
    profiles: BR,
    citation: "CABF BR §7.1.4.2.1",
    zlint: "e_ext_san_contains_reserved_ip",
    effective: date("2012-07-01"),
    description: "No iPAddress is in a reserved or private range (publicly-trusted certificates).",
    check: (ctx) => names(ctx, SAN).filter((g) => g.kind === "ip" && reservedIp(g.bytes)).map((g) => ({ message: "subjectAltName has a reserved or private IP address, which publicly-trusted certificates may not name", location: loc(ctx, g.tlv) })),
  }),
  ...BR_ONLY_KINDS.map(([kind, zlint, label]) =>
    certRule({
      id: `cert.san.br_${kind.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}`,
      targets: LEAF,
      severity: "error",
      profiles: BR,
      citation: "CABF BR §7.1.2.7.12",
      zlint,
      effective: date("2012-07-01"),
      description: `A subscriber certificate's subjectAltName has no ${label} (only dNSName and iPAddress).`,
      check: (ctx) => names(ctx, SAN).filter((g) => g.kind === kind).slice(0, 1).map((g) => ({ message: `subjectAltName has a ${label}; publicly-trusted TLS certificates carry only dNSName and iPAddress`, location: loc(ctx, g.tlv) })),
    }),
  ),
  certRule({
    id: "cert.san.duplicate",
    targets: ALL,
    severity: "notice",
    profiles: CASKIT,
    citation: "caskit",
    zlint: "n_san_dns_name_duplicate",
    description: "No subjectAltName entry is repeated.",
    check: (ctx) => {
      const seen = new Set<string>();
      const out: RuleResult[] = [];
      for (const g of names(ctx, SAN)) {
        const k = `${g.kind}:${g.kind === "dns" ? g.text.toLowerCase() : Buffer.from(g.bytes).toString("hex")}`;
        if (seen.has(k)) out.push({ message: `subjectAltName repeats ${g.kind} ${q(g.kind === "ip" ? "(address)" : g.text)}; list each name once`, location: loc(ctx, g.tlv) });
        seen.add(k);
      }
      return out;
    },
  }),
]);
