/**
 * Certificate rules: the profiles of certificate kinds — CA certificates (AIA, name constraints, EKU
 * technical constraint, reserved policies, old RSA sizes, key family under the issuer), OCSP responder
 * certificates, precertificates, and the BR subscriber profile's remaining pieces (subject attributes
 * required or forbidden together, OCSP and CRL pointers, reserved DNS labels, the 2018–2019 underscore
 * window).
 */
import { type CertContext, type CertTarget, certRule, registerRules, type RuleResult } from "../registry.js";
import { ALL, BR, CA, CASKIT, EVERY, LEAF, before, date } from "./cert-encoding.js";
import { certFields } from "./cert-signatures.js";
import { OIDS, TAG, ekus, ext, generalNames, keyUsage, labels, loc, nameAttrs, oidOf, publicKey, sanNames, validity, validitySeconds } from "./cert-util.js";

const ok: RuleResult[] = [];
const subj = (ctx: CertContext) => nameAttrs(ctx.der, ctx.nodes.subject);
const has = (ctx: CertContext, oid: string) => subj(ctx).some((a) => a.oid === oid);
const SUB: CertTarget[] = ["intermediate"];

function aia(ctx: CertContext) {
  const e = ext(ctx, OIDS.authorityInfoAccess);
  return (e?.value?.children ?? []).map((ad) => ({ method: oidOf(ctx.der, ad.children?.[0]), name: generalNames(ctx.der, { ...ad, children: ad.children?.slice(1) })[0], tlv: ad }));
}
const isHttpUri = (g: { kind: string; text: string } | undefined) => g?.kind === "uri" && /^http:\/\//i.test(g.text);

function policyOids(ctx: CertContext): string[] {
  const e = ext(ctx, OIDS.certificatePolicies);
  return (e?.value?.children ?? []).map((pi) => oidOf(ctx.der, pi.children?.[0]) ?? "?");
}

/** Name-constraint subtrees: each GeneralSubtree's base, with whether it is permitted or excluded. */
function subtrees(ctx: CertContext) {
  const e = ext(ctx, OIDS.nameConstraints);
  const out: Array<{ base: NonNullable<ReturnType<typeof generalNames>[number]>; tlv: NonNullable<typeof e>["tlv"] }> = [];
  for (const trees of e?.value?.children ?? []) {
    for (const st of trees.children ?? []) {
      const base = st.children?.[0] ? generalNames(ctx.der, { ...st, children: [st.children[0]] })[0] : undefined;
      if (base) out.push({ base, tlv: st });
    }
  }
  return out;
}

const isOcspResponder = (ctx: CertContext) => (ekus(ctx) ?? []).includes(OIDS.ekuOcspSigning);
const rsaBits = (ctx: CertContext) => publicKey(ctx.der, ctx.nodes.spki)?.rsa?.bits;

/** Presence rules of BR §7.1.4.2.2 (v1.x): with O, givenName or surname, some attributes must appear; without any, others must not. */
function subjectPresence(id: string, zlint: string, attr: string, label: string, must: boolean, unlessPresent?: string) {
  return certRule({
    id,
    targets: LEAF,
    severity: "error",
    profiles: BR,
    citation: "CABF BR §7.1.4.2.2 (v1.4–1.8)",
    zlint,
    effective: date("2016-09-07"),
    description: must
      ? `With organizationName, givenName or surname, the subject has ${label}${unlessPresent ? " (or the alternative place attribute)" : ""}.`
      : `Without organizationName, givenName and surname, the subject has no ${label}.`,
    check: (ctx) => {
      const named = has(ctx, OIDS.organizationName) || has(ctx, OIDS.givenName) || has(ctx, OIDS.surname);
      if (must) return named && !has(ctx, attr) && !(unlessPresent && has(ctx, unlessPresent)) ? [{ message: `the subject names an organization or person but has no ${label}; add it`, location: loc(ctx, ctx.nodes.subject) }] : ok;
      return !named && has(ctx, attr) ? [{ message: `the subject has ${label} but no organizationName, givenName or surname; remove ${label}`, location: loc(ctx, ctx.nodes.subject) }] : ok;
    },
  });
}

/** IANA special-purpose IPv4 blocks (RFC 6890 and successors) as [address, prefix]. */
const RESERVED_V4: Array<[number[], number]> = [
  [[0, 0, 0, 0], 8], [[10, 0, 0, 0], 8], [[100, 64, 0, 0], 10], [[127, 0, 0, 0], 8], [[169, 254, 0, 0], 16], [[172, 16, 0, 0], 12],
  [[192, 0, 0, 0], 24], [[192, 0, 2, 0], 24], [[192, 88, 99, 0], 24], [[192, 168, 0, 0], 16], [[198, 18, 0, 0], 15],
  [[198, 51, 100, 0], 24], [[203, 0, 113, 0], 24], [[224, 0, 0, 0], 4], [[240, 0, 0, 0], 4],
];
/** IPv6: unspecified/loopback/mapped (::/80 region), documentation, ULA, link-local, multicast, and outside 2000::/3. */
const RESERVED_V6: Array<[number[], number]> = [[[0, 0], 8], [[0x20, 0x01, 0x0d, 0xb8], 32], [[0x20, 0x01, 0, 0], 23], [[0xfc, 0], 7], [[0xfe, 0x80], 10], [[0xff, 0], 8]];

/** Do addr/prefixA and net/prefixB share an address (one contains the other)? */
function overlaps(a: Uint8Array, pa: number, net: number[], pb: number): boolean {
  const bits = Math.min(pa, pb);
  for (let i = 0; i < bits; i++) {
    const byte = i >> 3;
    const m = 0x80 >> (i & 7);
    if (((a[byte] as number) & m) !== (((net[byte] ?? 0) as number) & m)) return false;
  }
  return true;
}

/** Does an iPAddress name constraint (address ‖ mask) meet reserved address space? */
function ncIntersectsReserved(b: Uint8Array): boolean {
  const half = b.length / 2;
  const addr = b.subarray(0, half);
  const prefix = [...b.subarray(half)].reduce((n, m) => n + (m.toString(2).match(/1/g)?.length ?? 0), 0);
  if (half === 4) return RESERVED_V4.some(([net, p]) => overlaps(addr, prefix, net, p));
  if (half === 16) {
    if (prefix < 3 || !overlaps(addr, prefix, [0x20], 3)) return true;
    return RESERVED_V6.some(([net, p]) => overlaps(addr, prefix, net, p));
  }
  return false;
}

registerRules([
  // ---------------------------------------------------------------- CA certificates
  certRule({
    id: "cert.ca.aia_not_http",
    targets: CA,
    severity: "error",
    profiles: BR,
    citation: "CABF BR §7.1.2.10.3",
    zlint: "e_ca_aia_non_http_url",
    effective: date("2023-09-15"),
    description: "A CA certificate's AIA access locations are http:// URLs.",
    check: (ctx) => aia(ctx).filter((a) => !isHttpUri(a.name)).map((a) => ({ message: "a CA certificate's AIA accessLocation is not an http:// URL", location: loc(ctx, a.tlv) })),
  }),
  certRule({
    id: "cert.ca.sub_aia_ca_issuers",
    targets: SUB,
    severity: "warning",
    profiles: BR,
    citation: "CABF BR §7.1.2.2 (v1.x)",
    zlint: "w_sub_ca_aia_does_not_contain_issuing_ca_url",
    effective: date("2012-07-01"),
    description: "A subordinate CA's AIA has the http URL of its issuer's certificate (id-ad-caIssuers).",
    check: (ctx) => (before(ctx, "2023-09-15") && ext(ctx, OIDS.authorityInfoAccess) && !aia(ctx).some((a) => a.method === OIDS.adCaIssuers && isHttpUri(a.name)) ? [{ message: "the subordinate CA's AIA has no http:// id-ad-caIssuers URL; add the issuer certificate's URL", location: loc(ctx, ext(ctx, OIDS.authorityInfoAccess)?.tlv) }] : ok),
  }),
  certRule({
    id: "cert.ca.sub_name_constraints_critical",
    targets: SUB,
    severity: "warning",
    profiles: BR,
    citation: "CABF BR §7.1.2.10.8",
    zlint: "w_sub_ca_name_constraints_not_critical",
    effective: date("2012-06-08"),
    description: "A subordinate CA's nameConstraints is critical.",
    check: (ctx) => {
      const e = ext(ctx, OIDS.nameConstraints);
      return e && !e.critical ? [{ message: "nameConstraints is not critical; mark it critical", location: loc(ctx, e.tlv) }] : ok;
    },
  }),
  certRule({
    id: "cert.ca.sub_eku_missing",
    targets: SUB,
    severity: "notice",
    profiles: BR,
    citation: "CABF BR §7.1.5",
    zlint: "n_sub_ca_eku_missing",
    effective: date("2012-07-01"),
    description: "A subordinate CA has an extKeyUsage (needed to be technically constrained).",
    check: (ctx) => (ext(ctx, OIDS.extKeyUsage) ? ok : [{ message: "the subordinate CA has no extKeyUsage, so it is not technically constrained", location: loc(ctx, ctx.nodes.extensions) }]),
  }),
  certRule({
    id: "cert.ca.sub_eku_not_constrained",
    targets: SUB,
    severity: "notice",
    profiles: BR,
    citation: "CABF BR §7.1.2.10.6",
    zlint: "n_sub_ca_eku_not_technically_constrained",
    effective: date("2013-07-29"),
    description: "A subordinate CA's extKeyUsage names serverAuth or clientAuth (to be technically constrained).",
    check: (ctx) => {
      const e = ekus(ctx);
      return e && !e.includes(OIDS.ekuServerAuth) && !e.includes(OIDS.ekuClientAuth) ? [{ message: "the subordinate CA's extKeyUsage has neither serverAuth nor clientAuth", location: loc(ctx, ext(ctx, OIDS.extKeyUsage)?.tlv) }] : ok;
    },
  }),
  certRule({
    id: "cert.ca.multiple_reserved_policies",
    targets: SUB,
    severity: "error",
    profiles: BR,
    citation: "CABF BR §7.1.2.10.5",
    zlint: "e_ca_multiple_reserved_policy_oids",
    effective: date("2023-09-15"),
    description: "A policy-restricted subordinate CA has exactly one CA/B Forum reserved policy identifier.",
    check: (ctx) => {
      const p = policyOids(ctx);
      if (p.includes(OIDS.anyPolicy)) return ok;
      const reserved = p.filter((o) => ([OIDS.cabfDv, OIDS.cabfOv, OIDS.cabfIv, OIDS.cabfEv] as string[]).includes(o));
      return reserved.length > 1 ? [{ message: `the subordinate CA asserts ${reserved.length} reserved policy identifiers; keep exactly one`, location: loc(ctx, ext(ctx, OIDS.certificatePolicies)?.tlv) }] : ok;
    },
  }),
  certRule({
    id: "cert.ca.nc_reserved_ip",
    targets: ALL,
    severity: "error",
    profiles: BR,
    citation: "CABF BR §7.1.2.10.8",
    zlint: "e_ext_nc_intersects_reserved_ip",
    effective: date("2012-07-01"),
    description: "An iPAddress name constraint does not cover reserved address space.",
    check: (ctx) => subtrees(ctx).filter((s) => s.base.kind === "ip" && (s.base.bytes.length === 8 || s.base.bytes.length === 32) && ncIntersectsReserved(s.base.bytes)).map((s) => ({ message: "an iPAddress name constraint covers reserved address space", location: loc(ctx, s.tlv) })),
  }),
  ...([["edi", "w_name_constraint_on_edi_party_name", "ediPartyName"], ["registeredId", "w_name_constraint_on_registered_id", "registeredID"], ["x400", "w_name_constraint_on_x400", "x400Address"]] as const).map(([kind, zlint, label]) =>
    certRule({
      id: `cert.nc.${kind === "registeredId" ? "registered_id" : kind}_constraint`,
      targets: ALL,
      severity: "warning",
      profiles: EVERY,
      citation: "RFC 5280 §4.2.1.10",
      zlint,
      effective: date("2008-05-01"),
      description: `nameConstraints does not constrain ${label} (relying parties may not support it).`,
      check: (ctx) => subtrees(ctx).filter((s) => s.base.kind === kind).slice(0, 1).map((s) => ({ message: `a name constraint on ${label}; RFC 5280 says SHOULD NOT`, location: loc(ctx, s.tlv) })),
    }),
  ),
  certRule({
    id: "cert.nc.uri_not_fqdn",
    targets: ALL,
    severity: "error",
    profiles: EVERY,
    citation: "RFC 5280 §4.2.1.10",
    zlint: "e_name_constraint_not_fqdn",
    effective: date("2008-05-01"),
    description: "A URI name constraint is a host name or a domain starting with a period, not a URI.",
    check: (ctx) => subtrees(ctx).filter((s) => s.base.kind === "uri" && !/^\.?([A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?$/.test(s.base.text)).map((s) => ({ message: "a URI name constraint is not a host or .domain; write e.g. .example.com", location: loc(ctx, s.tlv) })),
  }),
  certRule({
    id: "cert.policy_mappings.not_asserted",
    targets: ALL,
    severity: "warning",
    profiles: EVERY,
    citation: "RFC 5280 §4.2.1.5",
    zlint: "w_ext_policy_map_not_in_cert_policy",
    effective: date("2002-04-01"),
    description: "Each issuerDomainPolicy of policyMappings is asserted in certificatePolicies.",
    check: (ctx) => {
      const e = ext(ctx, OIDS.policyMappings);
      const asserted = policyOids(ctx);
      return (e?.value?.children ?? []).filter((m) => !asserted.includes(oidOf(ctx.der, m.children?.[0]) ?? "")).slice(0, 1).map((m) => ({ message: "a mapped issuerDomainPolicy is not in certificatePolicies; assert it", location: loc(ctx, m) }));
    },
  }),
  certRule({
    id: "cert.ca.key_family_mismatch",
    targets: ["intermediate", "server", "client"],
    severity: "warning",
    profiles: CASKIT,
    citation: "caskit (docs/cas-api.md CreateSubCACertificate: a CA certifies keys of its own family)",
    description: "The certified key is of its issuer key's family (RSA under RSA, ECC under ECC, SM2 under SM2) — CAS issues no mixed chains (checked when the issuer is given).",
    check: (ctx) => {
      if (!ctx.issuer) return ok;
      const f = certFields(ctx.issuer.der);
      const fam = (der: Uint8Array, t: Parameters<typeof publicKey>[1]) => {
        const k = publicKey(der, t);
        return k?.alg.oid === OIDS.rsaEncryption ? "RSA" : k?.alg.oid === OIDS.ecPublicKey ? (k.curve === OIDS.sm2Curve ? "SM2" : "ECC") : null;
      };
      const [mine, theirs] = [fam(ctx.der, ctx.nodes.spki), f?.spki ? fam(ctx.issuer.der, f.spki) : null];
      return mine && theirs && mine !== theirs ? [{ message: `a ${mine} key certified by a ${theirs} CA; CAS keeps a chain in one key family`, location: loc(ctx, ctx.nodes.spki) }] : ok;
    },
  }),
  certRule({
    id: "cert.ca.sub_path_len_missing",
    targets: SUB,
    severity: "notice",
    profiles: CASKIT,
    citation: "RFC 5280 §4.2.1.9; caskit (sub-CAs get pathLen, default 0)",
    description: "A subordinate CA states how many CAs may follow it (pathLenConstraint).",
    check: (ctx) => {
      const e = ext(ctx, OIDS.basicConstraints);
      return e?.value && !e.value.children?.some((c) => c.tag === TAG.INTEGER) ? [{ message: "the subordinate CA has no pathLenConstraint, so any depth of CAs may follow it; set one (0 for an issuing CA)", location: loc(ctx, e.tlv) }] : ok;
    },
  }),
  certRule({
    id: "cert.key.old_root_rsa",
    targets: ["root"],
    severity: "error",
    profiles: BR,
    citation: "CABF BR §6.1.5 (v1.x)",
    zlint: "e_old_root_ca_rsa_mod_less_than_2048_bits",
    description: "A root whose validity began by 2010-12-31 has an RSA key of at least 2048 bits.",
    check: (ctx) => {
      const b = rsaBits(ctx);
      const nb = validity(ctx).notBefore?.date;
      return b && nb && nb <= date("2010-12-31") && b < 2048 ? [{ message: `the root's RSA key is ${b} bits`, location: loc(ctx, ctx.nodes.spki) }] : ok;
    },
  }),
  certRule({
    id: "cert.key.old_sub_ca_rsa",
    targets: ["intermediate"],
    severity: "error",
    profiles: BR,
    citation: "CABF BR §6.1.5 (v1.x)",
    zlint: "e_old_sub_ca_rsa_mod_less_than_1024_bits",
    description: "A subordinate CA valid from 2010 or earlier to 2013 or earlier has an RSA key of at least 1024 bits.",
    check: (ctx) => {
      const b = rsaBits(ctx);
      const { notBefore, notAfter } = validity(ctx);
      return b && notBefore?.date && notAfter?.date && notBefore.date <= date("2010-12-31") && notAfter.date <= date("2013-12-31") && b < 1024 ? [{ message: `the CA's RSA key is ${b} bits`, location: loc(ctx, ctx.nodes.spki) }] : ok;
    },
  }),
  certRule({
    id: "cert.key.old_leaf_rsa",
    targets: LEAF,
    severity: "error",
    profiles: BR,
    citation: "CABF BR §6.1.5 (v1.x)",
    zlint: "e_old_sub_cert_rsa_mod_less_than_1024_bits",
    description: "A subscriber certificate expiring by 2013-12-31 has an RSA key of at least 1024 bits.",
    check: (ctx) => {
      const b = rsaBits(ctx);
      const na = validity(ctx).notAfter?.date;
      return b && na && na <= date("2013-12-31") && b < 1024 ? [{ message: `the RSA key is ${b} bits`, location: loc(ctx, ctx.nodes.spki) }] : ok;
    },
  }),
  // ---------------------------------------------------------------- OCSP responders and precertificates
  ...([
    ["cert.ocsp.cdp_forbidden", "e_ocsp_cert_cdp_forbidden", OIDS.crlDistributionPoints, "cRLDistributionPoints"],
    ["cert.ocsp.cp_forbidden", "e_ocsp_cert_cp_forbidden", OIDS.certificatePolicies, "certificatePolicies"],
  ] as const).map(([id, zlint, oid, label]) =>
    certRule({
      id,
      targets: LEAF,
      severity: "error",
      profiles: BR,
      citation: "CABF BR §7.1.2.8.2",
      zlint,
      effective: date("2023-09-15"),
      description: `An OCSP responder certificate has no ${label}.`,
      check: (ctx) => (isOcspResponder(ctx) && ext(ctx, oid) ? [{ message: `the OCSP responder certificate has ${label}; remove it`, location: loc(ctx, ext(ctx, oid)?.tlv) }] : ok),
    }),
  ),
  certRule({
    id: "cert.ocsp.key_usage",
    targets: LEAF,
    severity: "error",
    profiles: BR,
    citation: "CABF BR §7.1.2.8.7",
    zlint: "e_ocsp_cert_invalid_ku",
    effective: date("2023-09-15"),
    description: "An OCSP responder certificate's keyUsage is digitalSignature only.",
    check: (ctx) => {
      const ku = keyUsage(ctx);
      return isOcspResponder(ctx) && ku && (ku.size !== 1 || !ku.has("digitalSignature")) ? [{ message: "the OCSP responder's keyUsage is not digitalSignature alone", location: loc(ctx, ext(ctx, OIDS.keyUsage)?.tlv) }] : ok;
    },
  }),
  certRule({
    id: "cert.ocsp.no_check",
    targets: LEAF,
    severity: "error",
    profiles: ["cabf-br", "cas", "private"],
    citation: "CABF BR §4.9.9; RFC 6960 §4.2.2.2.1",
    zlint: "e_ocsp_id_pkix_ocsp_nocheck_ext_not_included_server_auth",
    effective: date("2012-07-01"),
    description: "A delegated OCSP responder certificate carries id-pkix-ocsp-nocheck.",
    check: (ctx) => (isOcspResponder(ctx) && !ext(ctx, OIDS.ocspNoCheck) ? [{ message: "the OCSP responder certificate has no id-pkix-ocsp-nocheck; add it (or relying parties loop checking the responder)", location: loc(ctx, ext(ctx, OIDS.extKeyUsage)?.tlv) }] : ok),
  }),
  certRule({
    id: "cert.ct.precert_with_scts",
    targets: ALL,
    severity: "error",
    profiles: EVERY,
    citation: "RFC 6962 §3.3",
    zlint: "e_precert_with_sct_list",
    effective: date("2013-06-01"),
    description: "A precertificate (CT poison) has no embedded SCT list.",
    check: (ctx) => (ext(ctx, OIDS.ctPoison) && ext(ctx, OIDS.sctList) ? [{ message: "a precertificate carries an SCT list; SCTs go in the final certificate", location: loc(ctx, ext(ctx, OIDS.sctList)?.tlv) }] : ok),
  }),
  // ---------------------------------------------------------------- BR subscriber profile, continued
  certRule({
    id: "cert.aia.br_sub_ocsp",
    targets: LEAF,
    severity: "error",
    profiles: BR,
    citation: "CABF BR §7.1.2.3 (v1.x)",
    zlint: "e_sub_cert_aia_does_not_contain_ocsp_url",
    effective: date("2012-07-01"),
    description: "A subscriber certificate issued before BR 2.0 has an http OCSP URL in its AIA.",
    check: (ctx) => (before(ctx, "2023-09-15") && !aia(ctx).some((a) => a.method === OIDS.adOcsp && isHttpUri(a.name)) ? [{ message: "no http:// id-ad-ocsp URL in authorityInfoAccess", location: loc(ctx, ext(ctx, OIDS.authorityInfoAccess)?.tlv ?? ctx.nodes.extensions) }] : ok),
  }),
  certRule({
    id: "cert.cdp.br_missing",
    targets: LEAF,
    severity: "error",
    profiles: BR,
    citation: "CABF BR §7.1.2.11.2 (Ballot SC-063)",
    zlint: "e_missing_crl_distrib_point",
    effective: date("2024-03-15"),
    description: "A subscriber certificate that is not short-lived has a CRL distribution point unless its AIA names an OCSP responder.",
    check: (ctx) => {
      const s = validitySeconds(ctx);
      const short = s !== null && s - 1 <= (before(ctx, "2026-03-15") ? 864_000 : 604_800);
      if (short || ext(ctx, OIDS.crlDistributionPoints) || aia(ctx).some((a) => a.method === OIDS.adOcsp)) return ok;
      return [{ message: "there is neither a CRL distribution point nor an OCSP URL; add the CRL's http:// URL (caskit: enableCrl with crlBaseUrl)", location: loc(ctx, ctx.nodes.extensions ?? ctx.nodes.tbs) }];
    },
  }),
  subjectPresence("cert.subject.br_country_required", "e_sub_cert_country_name_must_appear", OIDS.countryName, "countryName", true),
  subjectPresence("cert.subject.br_locality_required", "e_sub_cert_locality_name_must_appear", OIDS.localityName, "localityName", true, OIDS.stateOrProvinceName),
  subjectPresence("cert.subject.br_province_required", "e_sub_cert_province_must_appear", OIDS.stateOrProvinceName, "stateOrProvinceName", true, OIDS.localityName),
  subjectPresence("cert.subject.br_locality_forbidden", "e_sub_cert_locality_name_must_not_appear", OIDS.localityName, "localityName", false),
  subjectPresence("cert.subject.br_province_forbidden", "e_sub_cert_province_must_not_appear", OIDS.stateOrProvinceName, "stateOrProvinceName", false),
  subjectPresence("cert.subject.br_postal_forbidden", "e_sub_cert_postal_code_must_not_appear", OIDS.postalCode, "postalCode", false),
  subjectPresence("cert.subject.br_street_forbidden", "e_sub_cert_street_address_should_not_exist", OIDS.streetAddress, "streetAddress", false),
  certRule({
    id: "cert.subject.br_personal_name_policy",
    targets: LEAF,
    severity: "error",
    profiles: BR,
    citation: "CABF BR §7.1.4.2.2",
    zlint: "e_sub_cert_given_name_surname_contains_correct_policy",
    effective: date("2016-09-07"),
    description: "A subscriber certificate with givenName or surname asserts the individual-validated (or EV) policy.",
    check: (ctx) => {
      if (!has(ctx, OIDS.givenName) && !has(ctx, OIDS.surname)) return ok;
      const p = policyOids(ctx);
      return p.includes(OIDS.cabfIv) || p.includes(OIDS.cabfEv) ? ok : [{ message: "givenName/surname appear without the individual-validated policy 2.23.140.1.2.3", location: loc(ctx, ctx.nodes.subject) }];
    },
  }),
  certRule({
    id: "cert.subject.br_iv_personal_name",
    targets: LEAF,
    severity: "error",
    profiles: BR,
    citation: "CABF BR §7.1.2.7.3",
    zlint: "e_cab_iv_requires_personal_name_strict",
    effective: date("2023-09-15"),
    description: "An individual-validated certificate's subject has givenName and surname.",
    check: (ctx) => (policyOids(ctx).includes(OIDS.cabfIv) && !(has(ctx, OIDS.givenName) && has(ctx, OIDS.surname)) ? [{ message: "the individual-validated policy is asserted but the subject lacks givenName or surname", location: loc(ctx, ctx.nodes.subject) }] : ok),
  }),
  certRule({
    id: "cert.subject.not_a_name",
    targets: ALL,
    severity: "error",
    profiles: EVERY,
    citation: "RFC 5280 §4.1.2.6",
    zlint: "e_subject_not_dn",
    effective: date("1999-01-01"),
    description: "The subject is an RDNSequence: SETs of (OID, value) pairs.",
    check: (ctx) => {
      const s = ctx.nodes.subject;
      const good = s?.tag === TAG.SEQUENCE && (s.children ?? []).every((rdn) => rdn.tag === TAG.SET && !!rdn.children?.length && rdn.children.every((atv) => atv.tag === TAG.SEQUENCE && atv.children?.length === 2 && atv.children[0]?.tag === TAG.OID));
      return good ? ok : [{ message: "the subject is not a distinguished name (SEQUENCE OF SET OF { type, value })", location: loc(ctx, s ?? ctx.nodes.tbs) }];
    },
  }),
  certRule({
    id: "cert.san.reserved_label",
    targets: LEAF,
    severity: "error",
    profiles: ["cabf-br", "cas", "private"],
    citation: "CABF BR §7.1.4.2.1; RFC 5890 §2.3.1",
    zlint: "e_dnsname_contains_prohibited_reserved_label",
    effective: date("2021-10-01"),
    description: "No dNSName label has '--' in positions 3–4 unless it is an A-label (xn--).",
    check: (ctx) => sanNames(ctx).filter((g) => g.kind === "dns" && labels(g.text).some((l) => /^..--/.test(l) && !/^xn--/i.test(l))).map((g) => ({ message: "a dNSName has a reserved label ('??--' that is not xn--)", location: loc(ctx, g.tlv) })),
  }),
  certRule({
    id: "cert.san.underscore_before_ballot",
    targets: LEAF,
    severity: "error",
    profiles: BR,
    citation: "CABF BR §7.1.4.2.1 (before v1.6.2)",
    zlint: "e_no_underscores_before_1_6_2",
    description: "Subscriber certificates issued before 2018-12-10 have no underscore in dNSNames.",
    check: (ctx) => (before(ctx, "2018-12-10") ? sanNames(ctx).filter((g) => g.kind === "dns" && g.text.includes("_")).slice(0, 1).map((g) => ({ message: "a dNSName has an underscore", location: loc(ctx, g.tlv) })) : ok),
  }),
  certRule({
    id: "cert.san.underscore_window_validity",
    targets: LEAF,
    severity: "error",
    profiles: BR,
    citation: "CABF BR §7.1.4.2.1 (Ballot SC-12)",
    zlint: "e_underscore_present_with_too_long_validity",
    effective: date("2018-12-10"),
    description: "From 2018-12-10 to 2019-04-01 a dNSName may hold an underscore only in a certificate valid less than 30 days.",
    check: (ctx) => {
      const s = validitySeconds(ctx);
      if (!before(ctx, "2019-04-01") || s === null || s - 1 < 30 * 86_400) return ok;
      return sanNames(ctx).filter((g) => g.kind === "dns" && g.text.includes("_")).slice(0, 1).map((g) => ({ message: "a dNSName has an underscore in a certificate valid 30 days or more", location: loc(ctx, g.tlv) }));
    },
  }),
  certRule({
    id: "cert.san.underscore_window_label",
    targets: LEAF,
    severity: "error",
    profiles: BR,
    citation: "CABF BR §7.1.4.2.1 (Ballot SC-12)",
    zlint: "e_underscore_permissible_in_dnsname_if_valid_when_replaced",
    effective: date("2018-12-10"),
    description: "From 2018-12-10 to 2019-04-01 an underscore is allowed only in a label that is a valid host label with '-' for '_'.",
    check: (ctx) => {
      if (!before(ctx, "2019-04-01")) return ok;
      return sanNames(ctx)
        .filter((g) => g.kind === "dns" && g.text.includes("_"))
        .filter((g) => {
          const l = labels(g.text);
          return l.some((x) => x.includes("_") && !/^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?$/.test(x.replace(/_/g, "-")));
        })
        .slice(0, 1)
        .map((g) => ({ message: "a dNSName's label with an underscore is not a valid host label even with '-' for '_'", location: loc(ctx, g.tlv) }));
    },
  }),
  certRule({
    id: "cert.signature.br_sha1_expiry",
    targets: LEAF,
    severity: "warning",
    profiles: BR,
    citation: "CABF BR §7.1.3 (v1.2.1)",
    zlint: "w_sub_cert_sha1_expiration_too_long",
    effective: date("2015-01-16"),
    description: "A SHA-1-signed subscriber certificate expires by 2017-01-01.",
    check: (ctx) => {
      const a = oidOf(ctx.der, ctx.nodes.signature?.children?.[0]);
      const na = validity(ctx).notAfter?.date;
      return (a === "1.2.840.113549.1.1.5" || a === "1.2.840.10045.4.1") && na && na > date("2017-01-01") ? [{ message: "a SHA-1 certificate is valid past 2017-01-01", location: loc(ctx, ctx.nodes.validity) }] : ok;
    },
  }),
]);

