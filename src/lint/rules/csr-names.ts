/**
 * CSR name rules (docs/csr-policy.md "Names"): presence (missing_cn) and syntax (bad_name) of the CN
 * and each SAN entry, plus the Baseline Requirements' public-name rules (cabf-br only: a private CA
 * may certify internal names and private addresses).
 */
import { formatIpAddress, hostNameProblem, parseIpAddress, quoteExcerpt, serverNameProblem } from "../../csr/names.js";
import { decodeString } from "../../csr/subject.js";
import type { RequestedNameAt, Span } from "../csr-analysis.js";
import { type CsrContext, csrRule, registerRules } from "../registry.js";
import { ALL, CSR_POLICY, POLICY, at } from "./csr-common.js";

const CN = "2.5.4.3";
const GENERAL_NAME: Record<number, string> = { 0: "otherName", 1: "rfc822Name (e-mail)", 3: "x400Address", 4: "directoryName", 5: "ediPartyName", 6: "URI", 8: "registeredID" };

/** The CN as parseCsr sees it: the decoded text when non-empty, with where it is. */
export function cnOf(ctx: CsrContext): { text: string | null; present: boolean; location?: Span } {
  let out: { text: string | null; present: boolean; location?: Span } = { text: null, present: false };
  for (const a of ctx.csr.subject ?? []) {
    if (a.oid !== CN) continue;
    const v = decodeString(a.tag, a.raw);
    if (v !== null && v.length > 0) out = { text: v, present: true, location: a.location };
    else if (v === null && a.raw.length > 0 && !out.present) out = { text: null, present: true, location: a.location };
  }
  return out;
}

const names = (ctx: CsrContext): RequestedNameAt[] => ctx.csr.names ?? [];
const latin1 = (b: Uint8Array): string => Buffer.from(b.subarray(0, 80)).toString("latin1");
function ascii(b: Uint8Array): string | null {
  for (const c of b) if (c < 0x21 || c > 0x7e) return null;
  return Buffer.from(b).toString("latin1");
}

/** Top-level domains that are not delegated in the public DNS (RFC 2606, RFC 6761, RFC 6762, RFC 8375, ICANN's .internal) and common private ones. */
const NON_PUBLIC_TLDS = new Set(["local", "localhost", "internal", "test", "example", "invalid", "lan", "home", "corp", "intranet", "private", "localdomain", "onion", "alt"]);

function internalDomain(name: string): boolean {
  const n = name.toLowerCase().replace(/^\*\./, "");
  if (n.endsWith(".home.arpa")) return true;
  const labels = n.split(".");
  return labels.length < 2 || NON_PUBLIC_TLDS.has(labels[labels.length - 1] as string);
}

/** RFC 6890 special-purpose ranges a publicly-trusted certificate may not name. */
function reservedIp(b: Uint8Array): boolean {
  if (b.length === 4) {
    const [a, c] = [b[0] as number, b[1] as number];
    return a === 0 || a === 10 || a === 127 || (a === 100 && c >= 64 && c < 128) || (a === 169 && c === 254) || (a === 172 && c >= 16 && c < 32) || (a === 192 && c === 168) || (a === 192 && c === 0 && b[2] === 0) || (a === 198 && (c === 18 || c === 19)) || a >= 224;
  }
  if (b.length === 16) {
    const first = b[0] as number;
    const zeroUpTo15 = b.subarray(0, 15).every((x) => x === 0);
    if (zeroUpTo15 && (b[15] === 0 || b[15] === 1)) return true; // :: and ::1
    if (b.subarray(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff) return reservedIp(b.subarray(12));
    return (first & 0xfe) === 0xfc || (first === 0xfe && ((b[1] as number) & 0xc0) === 0x80) || first === 0xff || (first === 0x20 && b[1] === 0x01 && b[2] === 0x0d && b[3] === 0xb8);
  }
  return false;
}

registerRules([
  csrRule({
    id: "csr.name.missing",
    severity: "error",
    profiles: POLICY,
    citation: "CAS CreateServerCertificateWithCsr (MissingCommonName); CABF BR §7.1.2.7.12",
    csrCode: "missing_cn",
    description: "The request names something: a CN, or a dNSName or iPAddress SAN (server requests; a client request's name may come at issuance).",
    check: (ctx) => {
      if (ctx.use === "client" || ctx.csr.names === null || !ctx.csr.subject) return [];
      if (cnOf(ctx).present || names(ctx).some((n) => n.kind === 2 || n.kind === 7)) return [];
      return [at("the request has no CN and no DNS or IP subjectAltName; add the host name as the CN or a dNSName", ctx.csr.subjectLocation)];
    },
  }),
  csrRule({
    id: "csr.name.cn_syntax",
    severity: "error",
    profiles: POLICY,
    citation: `${CSR_POLICY} "Names"; CABF BR §7.1.4.3`,
    csrCode: "bad_name",
    description: "A server request's CN is a host name (LDH labels, at least two, ASCII), a leftmost wildcard, or an IPv4/IPv6 address.",
    check: (ctx) => {
      const cn = cnOf(ctx);
      const problem = cn.text === null || ctx.use === "client" ? null : serverNameProblem(cn.text);
      return problem ? [at(`the CN ${quoteExcerpt(cn.text as string)} is not a host name, wildcard or IP address: ${problem}`, cn.location)] : [];
    },
  }),
  csrRule({
    id: "csr.san.dns_syntax",
    severity: "error",
    profiles: ALL,
    citation: "RFC 5280 §4.2.1.6; RFC 1034 §3.5; CABF BR §7.1.2.7.12",
    csrCode: "bad_name",
    description: "Each dNSName is a host name or leftmost wildcard in ASCII (A-labels for internationalized names): LDH labels of 1–63 characters, at least two, at most 253 characters.",
    check: (ctx) =>
      names(ctx)
        .filter((n) => n.kind === 2)
        .flatMap((n) => {
          const name = ascii(n.value);
          const problem = name === null ? "ASCII letters, digits, hyphens and dots only" : hostNameProblem(name);
          return problem ? [at(`the subjectAltName dNSName ${quoteExcerpt(latin1(n.value))} is not a host name or wildcard: ${problem}`, n.location)] : [];
        }),
  }),
  csrRule({
    id: "csr.san.ip_length",
    severity: "error",
    profiles: ALL,
    citation: "RFC 5280 §4.2.1.6",
    csrCode: "bad_name",
    description: "Each iPAddress SAN is 4 (IPv4) or 16 (IPv6) bytes.",
    check: (ctx) =>
      names(ctx)
        .filter((n) => n.kind === 7 && n.value.length !== 4 && n.value.length !== 16)
        .map((n) => at(`a subjectAltName iPAddress is ${n.value.length} bytes; it must be 4 or 16`, n.location)),
  }),
  csrRule({
    id: "csr.san.type",
    severity: "error",
    profiles: POLICY,
    citation: `${CSR_POLICY} "Names"; CABF BR §7.1.2.7.12`,
    csrCode: "bad_name",
    description: "The request's SANs are dNSName and iPAddress entries only (e-mail, URI, directoryName, otherName … are refused, not dropped).",
    check: (ctx) =>
      names(ctx)
        .filter((n) => n.kind !== 2 && n.kind !== 7)
        .map((n) =>
          at(
            ctx.use === "server"
              ? `subjectAltName entries of type ${GENERAL_NAME[n.kind] ?? n.kind} are refused; a server certificate carries only DNS names and IP addresses`
              : `subjectAltName entries of type ${GENERAL_NAME[n.kind] ?? n.kind} are refused in the request; a client certificate's e-mail and URI names come from SanType and SanValue`,
            n.location,
          ),
        ),
  }),
  csrRule({
    id: "csr.name.internal_domain",
    severity: "error",
    profiles: ["cabf-br"],
    citation: "CABF BR §7.1.2.7.12, §4.2.2 (Internal Names)",
    zlint: "e_dnsname_not_valid_tld",
    description: "Publicly-trusted names end in a public top-level domain (not .local, .internal, .lan, .corp, .home.arpa, a single label …). A private CA may certify them.",
    check: (ctx) => {
      const out = [];
      const cn = cnOf(ctx);
      if (cn.text && !parseIpAddress(cn.text) && !serverNameProblem(cn.text) && internalDomain(cn.text)) out.push(at(`the CN ${quoteExcerpt(cn.text)} is an internal name`, cn.location));
      for (const n of names(ctx)) {
        const v = n.kind === 2 ? ascii(n.value) : null;
        if (v && !hostNameProblem(v) && internalDomain(v)) out.push(at(`the dNSName ${quoteExcerpt(v)} is an internal name`, n.location));
      }
      return out;
    },
  }),
  csrRule({
    id: "csr.name.reserved_ip",
    severity: "error",
    profiles: ["cabf-br"],
    citation: "CABF BR §7.1.2.7.12; RFC 6890",
    zlint: "e_ext_san_contains_reserved_ip",
    description: "Publicly-trusted IP addresses are not private, loopback, link-local or otherwise reserved (RFC 1918, RFC 4193 …). A private CA may certify them.",
    check: (ctx) => {
      const out = [];
      const cn = cnOf(ctx);
      const cnIp = cn.text ? parseIpAddress(cn.text) : null;
      if (cnIp && reservedIp(cnIp.bytes)) out.push(at(`the CN ${cnIp.text} is a reserved IP address`, cn.location));
      for (const n of names(ctx)) {
        if (n.kind === 7 && (n.value.length === 4 || n.value.length === 16) && reservedIp(n.value)) out.push(at(`the iPAddress ${formatIpAddress(n.value)} is reserved`, n.location));
      }
      return out;
    },
  }),
  csrRule({
    id: "csr.name.cn_not_in_san",
    severity: "warning",
    profiles: ["cabf-br"],
    citation: "CABF BR §7.1.4.3",
    zlint: "e_subject_common_name_not_exactly_from_san",
    description: "A CN repeats one of the request's SANs (the certificate's CN must be one of its SANs).",
    check: (ctx) => {
      const cn = cnOf(ctx);
      const list = names(ctx);
      if (!cn.text || !list.length) return [];
      const ip = parseIpAddress(cn.text);
      const found = list.some((n) =>
        ip ? n.kind === 7 && (n.value.length === 4 || n.value.length === 16) && formatIpAddress(n.value) === ip.text : n.kind === 2 && ascii(n.value) === cn.text,
      );
      return found ? [] : [at(`the CN ${quoteExcerpt(cn.text)} is not among the subjectAltNames; repeat it there`, cn.location)];
    },
  }),
]);
