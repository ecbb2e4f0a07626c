/**
 * Certificate rules: the standard extensions one by one (RFC 5280 §4.2.1–4.2.2) — basicConstraints,
 * keyUsage (encoding and bits), extKeyUsage, key identifiers (and their match with the issuer),
 * authorityInfoAccess, cRLDistributionPoints, certificatePolicies, name constraints, policy
 * extensions — with the criticality each requires.
 */
import { type CertContext, certRule, registerRules, type RuleResult } from "../registry.js";
import { ALL, CA, EVERY, LEAF, before, date } from "./cert-encoding.js";
import { certFields } from "./cert-signatures.js";
import { type Ext, OIDS, TAG, akiKeyId, basicConstraints, bytesOf, ekus, ext, generalNames, hexOf, keyUsage, loc, oidOf, readExt, sameBytes, selfIssued, skiOf, textOf } from "./cert-util.js";

const ok: RuleResult[] = [];

/** Non-critical / critical requirement on one extension. */
function criticality(id: string, oid: string, label: string, want: "critical" | "non-critical", severity: "error" | "warning", citation: string, zlint: string | undefined, effective: string, targets = ALL, profiles = EVERY) {
  return certRule({
    id,
    targets,
    severity,
    profiles,
    citation,
    zlint,
    effective: date(effective),
    description: `${label} is ${want}.`,
    check: (ctx) => {
      const e = ext(ctx, oid);
      if (!e || e.critical === (want === "critical")) return ok;
      return [{ message: `${label} is ${e.critical ? "critical" : "not critical"}; mark it ${want}`, location: loc(ctx, e.tlv) }];
    },
  });
}

/** Policy information: OIDs with their qualifiers. */
interface Policy {
  oid: string;
  tlv: NonNullable<Ext["value"]>;
  qualifiers: Array<{ oid: string; value: NonNullable<Ext["value"]> | undefined; tlv: NonNullable<Ext["value"]> }>;
}
function policies(ctx: CertContext): Policy[] {
  const e = ext(ctx, OIDS.certificatePolicies);
  const out: Policy[] = [];
  for (const pi of e?.value?.children ?? []) {
    const [o, quals] = pi.children ?? [];
    const id = oidOf(ctx.der, o);
    if (!id) continue;
    out.push({ oid: id, tlv: pi, qualifiers: (quals?.children ?? []).map((qi) => ({ oid: oidOf(ctx.der, qi.children?.[0]) ?? "?", value: qi.children?.[1], tlv: qi })) });
  }
  return out;
}

/** explicitText values of user notices: [tlv, text]. */
function explicitTexts(ctx: CertContext) {
  const out: Array<{ tlv: NonNullable<Ext["value"]>; text: string | null }> = [];
  for (const p of policies(ctx)) {
    for (const qu of p.qualifiers) {
      if (qu.oid !== OIDS.qtUnotice || !qu.value?.children) continue;
      for (const c of qu.value.children) if (c.tag !== TAG.SEQUENCE) out.push({ tlv: c, text: textOf(ctx.der, c) });
    }
  }
  return out;
}

/** AccessDescriptions of AIA: method OID and GeneralName. */
function aia(ctx: CertContext) {
  const e = ext(ctx, OIDS.authorityInfoAccess);
  return (e?.value?.children ?? []).map((ad) => {
    const [m, loc_] = ad.children ?? [];
    const gn = loc_ ? generalNames(ctx.der, { ...ad, children: [loc_] })[0] : undefined;
    return { method: oidOf(ctx.der, m), name: gn, tlv: ad };
  });
}

/** Every distribution point of a CDP extension: its fullName names, reasons, cRLIssuer. */
function distributionPoints(ctx: CertContext, oid = OIDS.crlDistributionPoints) {
  const e = ext(ctx, oid);
  return (e?.value?.children ?? []).map((dp) => {
    const f = (tag: number) => dp.children?.find((c) => c.tag === tag);
    const dpn = f(0xa0);
    const full = dpn?.children?.find((c) => c.tag === 0xa0);
    return { tlv: dp, dpn, names: full ? generalNames(ctx.der, { ...full, tag: TAG.SEQUENCE }) : [], reasons: f(0x81), crlIssuer: f(0xa2) };
  });
}

const isHttp = (s: string) => /^http:\/\//i.test(s);
/**
 * EKU → the exact keyUsage sets consistent with it (RFC 5280 §4.2.1.12 with RFC 5246/8446 for TLS,
 * RFC 8551 for S/MIME, RFC 3161 and RFC 6960; the same table zlint applies).
 */
const KU_EKU: Record<string, string[][]> = {
  [OIDS.ekuServerAuth]: [["digitalSignature"], ["keyEncipherment"], ["keyAgreement"], ["digitalSignature", "keyEncipherment"], ["digitalSignature", "keyAgreement"]],
  [OIDS.ekuClientAuth]: [["digitalSignature"], ["keyAgreement"], ["digitalSignature", "keyAgreement"]],
  [OIDS.ekuCodeSigning]: [["digitalSignature"]],
  [OIDS.ekuEmailProtection]: [
    ["digitalSignature"], ["nonRepudiation"], ["keyEncipherment"], ["keyAgreement"],
    ["digitalSignature", "nonRepudiation"], ["digitalSignature", "keyEncipherment"], ["digitalSignature", "keyAgreement"],
    ["digitalSignature", "nonRepudiation", "keyEncipherment"], ["digitalSignature", "nonRepudiation", "keyAgreement"],
    ["nonRepudiation", "keyEncipherment"], ["nonRepudiation", "keyAgreement"],
  ],
  [OIDS.ekuTimeStamping]: [["digitalSignature"], ["nonRepudiation"], ["digitalSignature", "nonRepudiation"]],
  [OIDS.ekuOcspSigning]: [["digitalSignature"], ["nonRepudiation"], ["digitalSignature", "nonRepudiation"]],
};
const sameSet = (a: Set<string>, b: string[]): boolean => a.size === b.length && b.every((x) => a.has(x));

registerRules([
  // ---------------------------------------------------------------- basicConstraints
  criticality("cert.bc.not_critical", OIDS.basicConstraints, "basicConstraints of a CA certificate", "critical", "error", "RFC 5280 §4.2.1.9", "e_basic_constraints_not_critical", "1999-01-01", CA),
  criticality("cert.bc.leaf_not_critical", OIDS.basicConstraints, "basicConstraints of a subscriber certificate", "critical", "error", "CABF BR §7.1.2.7.8", "e_sub_cert_basic_constraints_not_critical", "2023-09-15", LEAF, ["cabf-br", "cas", "private"]),
  certRule({
    id: "cert.bc.missing_ca",
    targets: ALL,
    severity: "error",
    profiles: EVERY,
    citation: "RFC 5280 §4.2.1.9; §4.2.1.3",
    description: "A certificate that can sign certificates (keyCertSign) has basicConstraints with cA TRUE.",
    check: (ctx) => (keyUsage(ctx)?.has("keyCertSign") && !basicConstraints(ctx) ? [{ message: "keyCertSign is set but there is no basicConstraints extension; add basicConstraints critical, cA TRUE", location: loc(ctx, ctx.nodes.extensions) }] : ok),
  }),
  certRule({
    id: "cert.bc.ca_false_encoded",
    targets: ALL,
    severity: "error",
    profiles: EVERY,
    citation: "RFC 5280 §4.2.1.9; X.690 §11.5",
    zlint: "e_basic_constr_invalid_der",
    effective: date("1999-01-01"),
    description: "basicConstraints does not encode cA FALSE (the DEFAULT is omitted in DER).",
    check: (ctx) => {
      const bc = basicConstraints(ctx);
      return bc?.caExplicitFalse ? [{ message: "basicConstraints encodes cA FALSE; omit the field (an end entity's value is the empty SEQUENCE)", location: loc(ctx, bc.ext.tlv) }] : ok;
    },
  }),
  certRule({
    id: "cert.bc.path_len_negative",
    targets: ALL,
    severity: "error",
    profiles: EVERY,
    citation: "RFC 5280 §4.2.1.9",
    zlint: "e_path_len_constraint_zero_or_less",
    effective: date("1999-01-01"),
    description: "pathLenConstraint, where it appears, is zero or more.",
    check: (ctx) => {
      const bc = basicConstraints(ctx);
      return bc?.pathLen !== null && bc?.pathLen !== undefined && bc.pathLen < 0n ? [{ message: `pathLenConstraint is ${bc.pathLen}; it must be 0 or more`, location: loc(ctx, bc.pathLenTlv ?? bc.ext.tlv) }] : ok;
    },
  }),
  certRule({
    id: "cert.bc.path_len_without_ca",
    targets: ALL,
    severity: "error",
    profiles: EVERY,
    citation: "RFC 5280 §4.2.1.9",
    zlint: "e_path_len_constraint_improperly_included",
    effective: date("2002-04-01"),
    description: "pathLenConstraint appears only with cA TRUE and keyCertSign.",
    check: (ctx) => {
      const bc = basicConstraints(ctx);
      if (!bc || bc.pathLen === null) return ok;
      return bc.ca && keyUsage(ctx)?.has("keyCertSign") !== false ? ok : [{ message: "pathLenConstraint is present but the certificate is not a CA with keyCertSign; remove pathLenConstraint", location: loc(ctx, bc.pathLenTlv ?? bc.ext.tlv) }];
    },
  }),
  certRule({
    id: "cert.bc.leaf_is_ca",
    targets: LEAF,
    severity: "error",
    profiles: EVERY,
    citation: "CABF BR §7.1.2.7.8; RFC 5280 §4.2.1.9",
    zlint: "e_sub_cert_not_is_ca",
    effective: date("2012-07-01"),
    description: "A server or client certificate is not a CA (cA is not TRUE).",
    check: (ctx) => {
      const bc = basicConstraints(ctx);
      return bc?.ca ? [{ message: "basicConstraints cA is TRUE on an end-entity certificate; set cA FALSE (omit it)", location: loc(ctx, bc.ext.tlv) }] : ok;
    },
  }),
  certRule({
    id: "cert.bc.path_len_vs_issuer",
    targets: ["intermediate"],
    severity: "error",
    profiles: EVERY,
    citation: "RFC 5280 §6.1.4 (l)–(m)",
    description: "A subordinate CA's pathLenConstraint is smaller than its issuer's (checked when the issuer is given).",
    check: (ctx) => {
      const bc = basicConstraints(ctx);
      if (!ctx.issuer || !bc?.ca || !ctx.issuer.cert) return ok;
      const f = certFields(ctx.issuer.der);
      const ie = (f?.extensions?.children?.[0]?.children ?? []).map((t) => readExt(ctx.issuer!.der, t)).find((e) => e?.oid === OIDS.basicConstraints);
      const ipl = ie?.value?.children?.find((c) => c.tag === TAG.INTEGER);
      if (!ipl) return ok;
      const issuerLen = BigInt(`0x${Buffer.from(bytesOf(ctx.issuer.der, ipl)).toString("hex") || "0"}`);
      if (issuerLen === 0n) return [{ message: "the issuer's pathLenConstraint is 0, so it may not certify a subordinate CA", location: loc(ctx, bc.ext.tlv) }];
      return bc.pathLen === null || bc.pathLen >= issuerLen ? [{ message: `pathLenConstraint ${bc.pathLen ?? "(absent, unlimited)"} does not fit under the issuer's ${issuerLen}; set at most ${issuerLen - 1n}`, location: loc(ctx, bc.ext.tlv) }] : ok;
    },
  }),
  // ---------------------------------------------------------------- keyUsage
  criticality("cert.ku.not_critical", OIDS.keyUsage, "keyUsage", "critical", "warning", "RFC 5280 §4.2.1.3", "w_ext_key_usage_not_critical", "1999-01-01"),
  certRule({
    id: "cert.ku.no_bits",
    targets: ALL,
    severity: "error",
    profiles: EVERY,
    citation: "RFC 5280 §4.2.1.3",
    zlint: "e_ext_key_usage_without_bits",
    effective: date("2008-05-01"),
    description: "keyUsage, when present, has at least one bit set.",
    check: (ctx) => {
      const ku = keyUsage(ctx);
      const e = ext(ctx, OIDS.keyUsage);
      return e && ku && ku.size === 0 ? [{ message: "keyUsage has no bit set; set the usages the key is for, or omit the extension", location: loc(ctx, e.tlv) }] : ok;
    },
  }),
  certRule({
    id: "cert.ku.too_long",
    targets: ALL,
    severity: "error",
    profiles: EVERY,
    citation: "RFC 5280 §4.2.1.3",
    zlint: "e_key_usage_incorrect_length",
    effective: date("2008-05-01"),
    description: "keyUsage is a BIT STRING of at most nine bits.",
    check: (ctx) => {
      const e = ext(ctx, OIDS.keyUsage);
      if (!e?.value || e.value.tag !== TAG.BIT_STRING) return e && e.value ? [{ message: "keyUsage is not a BIT STRING", location: loc(ctx, e.tlv) }] : ok;
      const n = e.value.end - e.value.contentStart - 1;
      const unused = ctx.der[e.value.contentStart] as number;
      return n > 2 || (n === 2 && unused < 7) ? [{ message: "keyUsage has more than nine bits; only digitalSignature … decipherOnly exist", location: loc(ctx, e.tlv) }] : ok;
    },
  }),
  certRule({
    id: "cert.ku.trailing_zero_byte",
    targets: ALL,
    severity: "error",
    profiles: EVERY,
    citation: "X.690 §11.2.2; RFC 5280 §4.2.1.3",
    zlint: "e_superfluous_ku_encoding",
    description: "The keyUsage BIT STRING has no superfluous trailing zero octet.",
    check: (ctx) => {
      const e = ext(ctx, OIDS.keyUsage);
      const v = e?.value;
      if (!v || v.tag !== TAG.BIT_STRING || v.end - v.contentStart < 2) return ok;
      return ctx.der[v.end - 1] === 0 ? [{ message: "keyUsage ends in a zero octet; drop trailing zero bits (named BIT STRING, DER)", location: loc(ctx, e.tlv) }] : ok;
    },
  }),
  certRule({
    id: "cert.ku.unused_bits",
    targets: ALL,
    severity: "error",
    profiles: EVERY,
    citation: "X.690 §11.2.2; RFC 5280 §4.2.1.3",
    zlint: "e_incorrect_ku_encoding",
    description: "The keyUsage BIT STRING's unused-bits count drops exactly the trailing zero bits.",
    check: (ctx) => {
      const e = ext(ctx, OIDS.keyUsage);
      const v = e?.value;
      if (!v || v.tag !== TAG.BIT_STRING || v.end - v.contentStart < 2) return ok;
      const declared = ctx.der[v.contentStart] as number;
      const last = ctx.der[v.end - 1] as number;
      if (last === 0) return ok;
      let actual = 0;
      while (actual < 8 && !(last & (1 << actual))) actual++;
      return declared === actual ? ok : [{ message: `keyUsage declares ${declared} unused bits but its last octet has ${actual} trailing zero bits; encode the named BIT STRING minimally`, location: loc(ctx, e.tlv) }];
    },
  }),
  certRule({
    id: "cert.ku.cert_sign_without_ca",
    targets: ALL,
    severity: "error",
    profiles: EVERY,
    citation: "RFC 5280 §4.2.1.3, §4.2.1.9",
    zlint: "e_ext_key_usage_cert_sign_without_ca",
    effective: date("2002-04-01"),
    description: "keyCertSign is set only when basicConstraints cA is TRUE.",
    check: (ctx) => (keyUsage(ctx)?.has("keyCertSign") && !basicConstraints(ctx)?.ca ? [{ message: "keyCertSign is set but basicConstraints cA is not TRUE; drop keyCertSign or make the certificate a CA", location: loc(ctx, ext(ctx, OIDS.keyUsage)?.tlv) }] : ok),
  }),
  certRule({
    id: "cert.ku.leaf_cert_sign",
    targets: LEAF,
    severity: "error",
    profiles: ["cabf-br", "cas", "private"],
    citation: "CABF BR §7.1.2.7.11",
    zlint: "e_sub_cert_key_usage_cert_sign_bit_set",
    effective: date("2012-07-01"),
    description: "A subscriber certificate's keyUsage has no keyCertSign.",
    check: (ctx) => (keyUsage(ctx)?.has("keyCertSign") ? [{ message: "keyCertSign is set on an end-entity certificate; remove it", location: loc(ctx, ext(ctx, OIDS.keyUsage)?.tlv) }] : ok),
  }),
  certRule({
    id: "cert.ku.leaf_crl_sign",
    targets: LEAF,
    severity: "error",
    profiles: ["cabf-br", "cas", "private"],
    citation: "CABF BR §7.1.2.7.11",
    zlint: "e_sub_cert_key_usage_crl_sign_bit_set",
    effective: date("2012-07-01"),
    description: "A subscriber certificate's keyUsage has no cRLSign.",
    check: (ctx) => (keyUsage(ctx)?.has("cRLSign") ? [{ message: "cRLSign is set on an end-entity certificate; remove it", location: loc(ctx, ext(ctx, OIDS.keyUsage)?.tlv) }] : ok),
  }),
  certRule({
    id: "cert.ku.ca_missing",
    targets: CA,
    severity: "error",
    profiles: EVERY,
    citation: "RFC 5280 §4.2.1.3; CABF BR §7.1.2.10.7",
    zlint: "e_ca_key_usage_missing",
    effective: date("1999-01-01"),
    description: "A CA certificate has a keyUsage extension.",
    check: (ctx) => (ext(ctx, OIDS.keyUsage) ? ok : [{ message: "the CA certificate has no keyUsage; add keyUsage critical keyCertSign, cRLSign", location: loc(ctx, ctx.nodes.extensions ?? ctx.nodes.tbs) }]),
  }),
  criticality("cert.ku.ca_not_critical", OIDS.keyUsage, "a CA certificate's keyUsage", "critical", "error", "CABF BR §7.1.2.10.7", "e_ca_key_usage_not_critical", "2012-07-01", CA, ["cabf-br", "cas", "private"]),
  certRule({
    id: "cert.ku.ca_cert_sign",
    targets: CA,
    severity: "error",
    profiles: EVERY,
    citation: "RFC 5280 §4.2.1.3; CABF BR §7.1.2.10.7",
    zlint: "e_ca_key_cert_sign_not_set",
    effective: date("2012-07-01"),
    description: "A CA certificate's keyUsage has keyCertSign.",
    check: (ctx) => {
      const ku = keyUsage(ctx);
      return ku && !ku.has("keyCertSign") ? [{ message: "the CA certificate's keyUsage lacks keyCertSign; add it", location: loc(ctx, ext(ctx, OIDS.keyUsage)?.tlv) }] : ok;
    },
  }),
  certRule({
    id: "cert.ku.ca_crl_sign",
    targets: CA,
    severity: "error",
    profiles: ["cabf-br", "cas", "private"],
    citation: "CABF BR §7.1.2.10.7",
    zlint: "e_ca_crl_sign_not_set",
    effective: date("2012-07-01"),
    description: "A CA certificate's keyUsage has cRLSign.",
    check: (ctx) => {
      const ku = keyUsage(ctx);
      return ku && !ku.has("cRLSign") ? [{ message: "the CA certificate's keyUsage lacks cRLSign, so it cannot sign its CRLs; add it", location: loc(ctx, ext(ctx, OIDS.keyUsage)?.tlv) }] : ok;
    },
  }),
  certRule({
    id: "cert.ku.ca_digital_signature",
    targets: CA,
    severity: "notice",
    profiles: ["cabf-br"],
    citation: "CABF BR §7.1.2.10.7",
    zlint: "n_ca_digital_signature_not_set",
    effective: date("2012-07-01"),
    description: "A CA that signs OCSP responses itself has digitalSignature.",
    check: (ctx) => {
      const ku = keyUsage(ctx);
      return ku && !ku.has("digitalSignature") ? [{ message: "the CA's keyUsage lacks digitalSignature; it cannot sign OCSP responses directly", location: loc(ctx, ext(ctx, OIDS.keyUsage)?.tlv) }] : ok;
    },
  }),
  certRule({
    id: "cert.ku.server_usage",
    targets: ["server"],
    severity: "error",
    profiles: ["cas", "private"],
    citation: "RFC 5246 §7.4.2; RFC 8446 §4.4.2.2",
    description: "A server certificate's keyUsage has digitalSignature (and for RSA keys may add keyEncipherment).",
    check: (ctx) => {
      const ku = keyUsage(ctx);
      return ku && !ku.has("digitalSignature") && !ku.has("keyEncipherment") && !ku.has("keyAgreement") ? [{ message: "the server certificate's keyUsage allows no TLS key exchange or signature; set digitalSignature", location: loc(ctx, ext(ctx, OIDS.keyUsage)?.tlv) }] : ok;
    },
  }),
  // ---------------------------------------------------------------- extKeyUsage
  certRule({
    id: "cert.eku.critical_with_any",
    targets: ALL,
    severity: "warning",
    profiles: EVERY,
    citation: "RFC 5280 §4.2.1.12",
    zlint: "w_eku_critical_improperly",
    effective: date("2002-04-01"),
    description: "extKeyUsage with anyExtendedKeyUsage is non-critical.",
    check: (ctx) => {
      const e = ext(ctx, OIDS.extKeyUsage);
      return e?.critical && ekus(ctx)?.includes(OIDS.ekuAny) ? [{ message: "extKeyUsage holds anyExtendedKeyUsage and is critical; mark it non-critical", location: loc(ctx, e.tlv) }] : ok;
    },
  }),
  criticality("cert.eku.critical", OIDS.extKeyUsage, "a subscriber certificate's extKeyUsage", "non-critical", "error", "CABF BR §7.1.2.7.10", "e_eku_critical", "2023-09-15", LEAF, ["cabf-br"]),
  certRule({
    id: "cert.eku.ku_inconsistent",
    targets: LEAF,
    severity: "error",
    profiles: EVERY,
    citation: "RFC 5280 §4.2.1.12",
    zlint: "e_key_usage_and_extended_key_usage_inconsistent",
    effective: date("2008-05-01"),
    description: "Each extended key usage is possible with the key usages set.",
    check: (ctx) => {
      const ku = keyUsage(ctx);
      const e = ekus(ctx);
      if (!ku || !e) return ok;
      const bits = new Set<string>(ku);
      const fix = "set exactly the key usages the purposes need (TLS client: digitalSignature; TLS server: digitalSignature, plus keyEncipherment for RSA)";
      if (e.length > 1) {
        // Several purposes: every bit must serve at least one of them (a purpose zlint does not know lets anything through).
        if (e.some((o) => !KU_EKU[o])) return ok;
        const allowed = new Set(e.flatMap((o) => KU_EKU[o]!.flat()));
        const extra = [...bits].filter((b) => !allowed.has(b));
        return extra.length ? [{ message: `keyUsage ${extra.join(", ")} serves none of the extended key usages ${e.join(", ")}; ${fix}`, location: loc(ctx, ext(ctx, OIDS.keyUsage)?.tlv) }] : ok;
      }
      const bad = e.filter((o) => KU_EKU[o] && !KU_EKU[o]!.some((set) => sameSet(bits, set)));
      return bad.length ? [{ message: `keyUsage ${[...bits].join(", ") || "(none)"} is not consistent with extKeyUsage ${bad.join(", ")}; ${fix}`, location: loc(ctx, ext(ctx, OIDS.keyUsage)?.tlv) }] : ok;
    },
  }),
  certRule({
    id: "cert.eku.server_missing",
    targets: ["server"],
    severity: "error",
    profiles: ["cabf-br"],
    citation: "CABF BR §7.1.2.7.10",
    zlint: "e_sub_cert_eku_missing",
    effective: date("2012-07-01"),
    description: "A subscriber certificate has an extKeyUsage extension.",
    check: (ctx) => (ext(ctx, OIDS.extKeyUsage) ? ok : [{ message: "there is no extKeyUsage; add extKeyUsage serverAuth", location: loc(ctx, ctx.nodes.extensions ?? ctx.nodes.tbs) }]),
  }),
  certRule({
    id: "cert.eku.server_auth_missing",
    targets: LEAF,
    severity: "error",
    profiles: ["cabf-br"],
    citation: "CABF BR §7.1.2.7.10",
    zlint: "e_sub_cert_eku_server_auth_client_auth_missing",
    effective: date("2012-07-01"),
    description: "A subscriber certificate's extKeyUsage has serverAuth or clientAuth.",
    check: (ctx) => {
      const e = ekus(ctx);
      return before(ctx, "2023-09-15") && e && !e.includes(OIDS.ekuServerAuth) && !e.includes(OIDS.ekuClientAuth) ? [{ message: "extKeyUsage has neither serverAuth nor clientAuth; add serverAuth", location: loc(ctx, ext(ctx, OIDS.extKeyUsage)?.tlv) }] : ok;
    },
  }),
  certRule({
    id: "cert.eku.br_values",
    targets: LEAF,
    severity: "error",
    profiles: ["cabf-br"],
    citation: "CABF BR §7.1.2.7.10",
    zlint: "e_sub_cert_eku_check",
    effective: date("2023-09-15"),
    description: "A TLS subscriber certificate's extKeyUsage has serverAuth, may have clientAuth, and has nothing else forbidden (anyEKU, codeSigning, emailProtection, timeStamping, OCSPSigning).",
    check: (ctx) => {
      const e = ekus(ctx);
      if (!e) return ok;
      if (!e.includes(OIDS.ekuServerAuth)) return [{ message: "extKeyUsage lacks serverAuth; a TLS subscriber certificate must assert it", location: loc(ctx, ext(ctx, OIDS.extKeyUsage)?.tlv) }];
      const bad = e.filter((o) => ([OIDS.ekuAny, OIDS.ekuCodeSigning, OIDS.ekuEmailProtection, OIDS.ekuTimeStamping, OIDS.ekuOcspSigning, "1.3.6.1.4.1.11129.2.4.4"] as string[]).includes(o));
      return bad.length ? [{ message: `extKeyUsage has ${bad.join(", ")}, which TLS subscriber certificates may not; remove them`, location: loc(ctx, ext(ctx, OIDS.extKeyUsage)?.tlv) }] : ok;
    },
  }),
  certRule({
    id: "cert.eku.br_other_values",
    targets: LEAF,
    severity: "warning",
    profiles: ["cabf-br"],
    citation: "CABF BR §7.1.2.7.10",
    zlint: "e_sub_cert_eku_check",
    effective: date("2023-09-15"),
    description: "A TLS subscriber certificate's extKeyUsage has no value besides serverAuth and clientAuth (any other is NOT RECOMMENDED).",
    check: (ctx) => {
      const e = ekus(ctx);
      const forbidden = [OIDS.ekuAny, OIDS.ekuCodeSigning, OIDS.ekuEmailProtection, OIDS.ekuTimeStamping, OIDS.ekuOcspSigning, "1.3.6.1.4.1.11129.2.4.4"] as string[];
      const other = (e ?? []).filter((o) => o !== OIDS.ekuServerAuth && o !== OIDS.ekuClientAuth && !forbidden.includes(o));
      return e?.includes(OIDS.ekuServerAuth) && other.length ? [{ message: `extKeyUsage has ${other.join(", ")}; the BRs do not recommend values besides serverAuth and clientAuth — remove them`, location: loc(ctx, ext(ctx, OIDS.extKeyUsage)?.tlv) }] : ok;
    },
  }),
  certRule({
    id: "cert.eku.br_extra_values",
    targets: LEAF,
    severity: "warning",
    profiles: ["cabf-br"],
    citation: "CABF BR §7.1.2.3 (v1.x)",
    zlint: "w_sub_cert_eku_extra_values",
    effective: date("2012-07-01"),
    description: "A subscriber certificate's extKeyUsage has only serverAuth, clientAuth or emailProtection.",
    check: (ctx) => {
      const e = ekus(ctx);
      const bad = (e ?? []).filter((o) => o !== OIDS.ekuServerAuth && o !== OIDS.ekuClientAuth && o !== OIDS.ekuEmailProtection);
      return bad.length && before(ctx, "2023-09-15") ? [{ message: `extKeyUsage has ${bad.join(", ")}; subscriber certificates should carry only serverAuth, clientAuth (emailProtection)`, location: loc(ctx, ext(ctx, OIDS.extKeyUsage)?.tlv) }] : ok;
    },
  }),
  certRule({
    id: "cert.eku.leaf_forbidden",
    targets: LEAF,
    severity: "error",
    profiles: ["cas", "private"],
    citation: "caskit (docs/cas-api.md CreateCustomCertificate); RFC 6960 §4.2.2.2",
    description: "An end-entity certificate has neither OCSPSigning (a delegated responder for its CA) nor anyExtendedKeyUsage.",
    check: (ctx) => {
      const bad = (ekus(ctx) ?? []).filter((o) => o === OIDS.ekuOcspSigning || o === OIDS.ekuAny);
      return bad.length ? [{ message: `extKeyUsage has ${bad.map((o) => (o === OIDS.ekuAny ? "anyExtendedKeyUsage" : "OCSPSigning")).join(", ")}; issue a dedicated responder certificate instead`, location: loc(ctx, ext(ctx, OIDS.extKeyUsage)?.tlv) }] : ok;
    },
  }),
  certRule({
    id: "cert.eku.root_present",
    targets: ["root"],
    severity: "error",
    profiles: ["cabf-br"],
    citation: "CABF BR §7.1.2.1.2",
    zlint: "e_root_ca_extended_key_usage_present",
    effective: date("2012-07-01"),
    description: "A root CA certificate has no extKeyUsage.",
    check: (ctx) => (ext(ctx, OIDS.extKeyUsage) ? [{ message: "the root CA certificate has extKeyUsage; remove it", location: loc(ctx, ext(ctx, OIDS.extKeyUsage)?.tlv) }] : ok),
  }),
  certRule({
    id: "cert.eku.sub_ca_invalid",
    targets: ["intermediate"],
    severity: "error",
    profiles: ["cabf-br"],
    citation: "CABF BR §7.1.2.10.6",
    zlint: "e_ca_invalid_eku",
    effective: date("2020-08-20"),
    description: "A subordinate CA's extKeyUsage has no anyExtendedKeyUsage and does not mix serverAuth with emailProtection, codeSigning or timeStamping.",
    check: (ctx) => {
      const e = ekus(ctx);
      if (!e) return ok;
      if (e.includes(OIDS.ekuAny)) return [{ message: "the subordinate CA's extKeyUsage has anyExtendedKeyUsage; list the purposes", location: loc(ctx, ext(ctx, OIDS.extKeyUsage)?.tlv) }];
      const mix = e.includes(OIDS.ekuServerAuth) && e.some((o) => o === OIDS.ekuEmailProtection || o === OIDS.ekuCodeSigning || o === OIDS.ekuTimeStamping);
      return mix ? [{ message: "the subordinate CA's extKeyUsage mixes serverAuth with emailProtection, codeSigning or timeStamping; separate the CAs", location: loc(ctx, ext(ctx, OIDS.extKeyUsage)?.tlv) }] : ok;
    },
  }),
  criticality("cert.eku.sub_ca_critical", OIDS.extKeyUsage, "a subordinate CA's extKeyUsage", "non-critical", "warning", "CABF BR §7.1.2.10.6", "w_sub_ca_eku_critical", "2013-07-29", ["intermediate"], ["cabf-br"]),
  // ---------------------------------------------------------------- key identifiers
  criticality("cert.aki.critical", OIDS.authorityKeyIdentifier, "authorityKeyIdentifier", "non-critical", "error", "RFC 5280 §4.2.1.1", "e_ext_authority_key_identifier_critical", "1999-01-01"),
  criticality("cert.ski.critical", OIDS.subjectKeyIdentifier, "subjectKeyIdentifier", "non-critical", "error", "RFC 5280 §4.2.1.2", "e_ext_subject_key_identifier_critical", "1999-01-01"),
  certRule({
    id: "cert.aki.missing",
    targets: ALL,
    severity: "error",
    profiles: EVERY,
    citation: "RFC 5280 §4.2.1.1",
    description: "Every certificate but a self-signed root has an authorityKeyIdentifier.",
    check: (ctx) => (ext(ctx, OIDS.authorityKeyIdentifier) || selfIssued(ctx) ? ok : [{ message: "there is no authorityKeyIdentifier; add one with the issuer's subject key identifier", location: loc(ctx, ctx.nodes.extensions ?? ctx.nodes.tbs) }]),
  }),
  certRule({
    id: "cert.aki.no_key_identifier",
    targets: ALL,
    severity: "error",
    profiles: EVERY,
    citation: "RFC 5280 §4.2.1.1",
    zlint: "e_ext_authority_key_identifier_no_key_identifier",
    effective: date("1999-01-01"),
    description: "The authorityKeyIdentifier of a certificate that is not self-issued has the keyIdentifier field.",
    check: (ctx) => {
      const e = ext(ctx, OIDS.authorityKeyIdentifier);
      return e && !selfIssued(ctx) && !akiKeyId(ctx.der, e) ? [{ message: "authorityKeyIdentifier has no keyIdentifier; write the issuer's subject key identifier in [0]", location: loc(ctx, e.tlv) }] : ok;
    },
  }),
  certRule({
    id: "cert.aki.issuer_mismatch",
    targets: ALL,
    severity: "error",
    profiles: EVERY,
    citation: "RFC 5280 §4.2.1.1",
    description: "authorityKeyIdentifier.keyIdentifier is the issuer's subjectKeyIdentifier (checked when the issuer is given; a self-signed certificate's is its own).",
    check: (ctx) => {
      const e = ext(ctx, OIDS.authorityKeyIdentifier);
      const aki = akiKeyId(ctx.der, e);
      if (!e || !aki) return ok;
      let ski: Uint8Array | null = null;
      if (ctx.issuer) {
        const f = certFields(ctx.issuer.der);
        const ie = (f?.extensions?.children?.[0]?.children ?? []).map((t) => readExt(ctx.issuer!.der, t)).find((x) => x?.oid === OIDS.subjectKeyIdentifier);
        ski = skiOf(ctx.issuer.der, ie ?? undefined);
      } else if (selfIssued(ctx)) ski = skiOf(ctx.der, ext(ctx, OIDS.subjectKeyIdentifier));
      if (!ski || sameBytes(aki, ski)) return ok;
      return [{ message: `authorityKeyIdentifier ${hexOf(aki)} is not the issuer's subjectKeyIdentifier ${hexOf(ski)}; copy the issuer's SKI`, location: loc(ctx, e.tlv) }];
    },
  }),
  certRule({
    id: "cert.ski.missing_ca",
    targets: CA,
    severity: "error",
    profiles: EVERY,
    citation: "RFC 5280 §4.2.1.2",
    zlint: "e_ext_subject_key_identifier_missing_ca",
    effective: date("1999-01-01"),
    description: "A CA certificate has a subjectKeyIdentifier.",
    check: (ctx) => (ext(ctx, OIDS.subjectKeyIdentifier) ? ok : [{ message: "the CA certificate has no subjectKeyIdentifier; add one (SHA-1 of the public key, RFC 5280 §4.2.1.2)", location: loc(ctx, ctx.nodes.extensions ?? ctx.nodes.tbs) }]),
  }),
  certRule({
    id: "cert.ski.missing_leaf",
    targets: LEAF,
    severity: "warning",
    profiles: ["rfc5280", "cas", "private"],
    citation: "RFC 5280 §4.2.1.2",
    zlint: "w_ext_subject_key_identifier_missing_sub_cert",
    effective: date("1999-01-01"),
    description: "An end-entity certificate has a subjectKeyIdentifier.",
    check: (ctx) => (ext(ctx, OIDS.subjectKeyIdentifier) ? ok : [{ message: "there is no subjectKeyIdentifier; add one", location: loc(ctx, ctx.nodes.extensions ?? ctx.nodes.tbs) }]),
  }),
  certRule({
    id: "cert.ski.br_not_recommended",
    targets: LEAF,
    severity: "notice",
    profiles: ["cabf-br"],
    citation: "CABF BR §7.1.2.7.6",
    zlint: "w_ext_subject_key_identifier_not_recommended_subscriber",
    effective: date("2023-09-15"),
    description: "Subscriber certificates need no subjectKeyIdentifier (NOT RECOMMENDED by the BRs).",
    check: (ctx) => (ext(ctx, OIDS.subjectKeyIdentifier) ? [{ message: "subjectKeyIdentifier is NOT RECOMMENDED in TLS subscriber certificates", location: loc(ctx, ext(ctx, OIDS.subjectKeyIdentifier)?.tlv) }] : ok),
  }),
  // ---------------------------------------------------------------- AIA and CDP
  criticality("cert.aia.critical", OIDS.authorityInfoAccess, "authorityInfoAccess", "non-critical", "error", "RFC 5280 §4.2.2.1", "e_ext_aia_marked_critical", "1999-01-01"),
  criticality("cert.sia.critical", OIDS.subjectInfoAccess, "subjectInfoAccess", "non-critical", "error", "RFC 5280 §4.2.2.2", "e_subject_info_access_marked_critical", "2002-04-01"),
  criticality("cert.cdp.critical", OIDS.crlDistributionPoints, "cRLDistributionPoints", "non-critical", "warning", "RFC 5280 §4.2.1.13", "w_ext_crl_distribution_marked_critical", "1999-01-01"),
  criticality("cert.freshest_crl.critical", OIDS.freshestCrl, "freshestCRL", "non-critical", "error", "RFC 5280 §4.2.1.15", "e_ext_freshest_crl_marked_critical", "2002-04-01"),
  criticality("cert.sda.critical", OIDS.subjectDirectoryAttributes, "subjectDirectoryAttributes", "non-critical", "error", "RFC 5280 §4.2.1.8", "e_ext_subject_directory_attr_critical", "1999-01-01"),
  certRule({
    id: "cert.aia.ca_issuers_no_uri",
    targets: ALL,
    severity: "warning",
    profiles: EVERY,
    citation: "RFC 5280 §4.2.2.1",
    zlint: "w_ext_aia_access_location_missing",
    effective: date("2008-05-01"),
    description: "An id-ad-caIssuers access description names an HTTP or LDAP URI.",
    check: (ctx) => aia(ctx).filter((a) => a.method === OIDS.adCaIssuers && !(a.name?.kind === "uri" && /^(https?|ldap):/i.test(a.name.text))).map((a) => ({ message: "an id-ad-caIssuers accessLocation is not an HTTP or LDAP URI; point it at the issuer's certificate by URL", location: loc(ctx, a.tlv) })),
  }),
  certRule({
    id: "cert.aia.br_http_only",
    targets: ALL,
    severity: "error",
    profiles: ["cabf-br"],
    citation: "CABF BR §7.1.2.7.7",
    zlint: "e_aia_ca_issuers_must_have_http_only",
    effective: date("2023-09-15"),
    description: "id-ad-caIssuers locations are http:// URLs.",
    check: (ctx) => aia(ctx).filter((a) => a.method === OIDS.adCaIssuers && !(a.name?.kind === "uri" && isHttp(a.name.text))).map((a) => ({ message: "an id-ad-caIssuers accessLocation is not an http:// URL", location: loc(ctx, a.tlv) })),
  }),
  certRule({
    id: "cert.aia.br_ocsp_http_only",
    targets: ALL,
    severity: "error",
    profiles: ["cabf-br"],
    citation: "CABF BR §7.1.2.7.7",
    zlint: "e_aia_ocsp_must_have_http_only",
    effective: date("2023-09-15"),
    description: "id-ad-ocsp locations are http:// URLs.",
    check: (ctx) => aia(ctx).filter((a) => a.method === OIDS.adOcsp && !(a.name?.kind === "uri" && isHttp(a.name.text))).map((a) => ({ message: "an id-ad-ocsp accessLocation is not an http:// URL", location: loc(ctx, a.tlv) })),
  }),
  certRule({
    id: "cert.aia.br_methods",
    targets: ALL,
    severity: "error",
    profiles: ["cabf-br"],
    citation: "CABF BR §7.1.2.7.7",
    zlint: "e_aia_must_contain_permitted_access_method",
    effective: date("2023-09-15"),
    description: "AIA holds only id-ad-ocsp and id-ad-caIssuers, each a URI.",
    check: (ctx) => aia(ctx).filter((a) => (a.method !== OIDS.adOcsp && a.method !== OIDS.adCaIssuers) || a.name?.kind !== "uri").map((a) => ({ message: `an AIA access description is ${a.method ?? "unreadable"} or not a URI; only id-ad-ocsp and id-ad-caIssuers URIs are allowed`, location: loc(ctx, a.tlv) })),
  }),
  certRule({
    id: "cert.aia.br_unique_locations",
    targets: ALL,
    severity: "error",
    profiles: ["cabf-br"],
    citation: "CABF BR §7.1.2.7.7",
    zlint: "e_aia_unique_access_locations",
    effective: date("2023-09-15"),
    description: "AIA access locations of the same method are distinct.",
    check: (ctx) => {
      const seen = new Set<string>();
      const out: RuleResult[] = [];
      for (const a of aia(ctx)) {
        const k = `${a.method}|${a.name?.text.toLowerCase()}`;
        if (seen.has(k)) out.push({ message: "an AIA access location is repeated; list each once", location: loc(ctx, a.tlv) });
        seen.add(k);
      }
      return out;
    },
  }),
  certRule({
    id: "cert.aia.br_sub_missing",
    targets: LEAF,
    severity: "error",
    profiles: ["cabf-br"],
    citation: "CABF BR §7.1.2.7.7",
    zlint: "e_sub_cert_aia_missing",
    effective: date("2012-07-01"),
    description: "A subscriber certificate has authorityInfoAccess.",
    check: (ctx) => (ext(ctx, OIDS.authorityInfoAccess) ? ok : [{ message: "there is no authorityInfoAccess; add id-ad-caIssuers (and id-ad-ocsp when an OCSP responder exists)", location: loc(ctx, ctx.nodes.extensions ?? ctx.nodes.tbs) }]),
  }),
  certRule({
    id: "cert.aia.br_sub_ca_issuers",
    targets: LEAF,
    severity: "warning",
    profiles: ["cabf-br", "cas", "private"],
    severities: { cas: "notice", private: "notice" },
    citation: "CABF BR §7.1.2.7.7; RFC 5280 §4.2.2.1",
    zlint: "w_sub_cert_aia_does_not_contain_issuing_ca_url",
    effective: date("2012-07-01"),
    description: "A subscriber certificate's AIA has an http:// id-ad-caIssuers URL (so clients can fetch a missing intermediate).",
    check: (ctx) => (aia(ctx).some((a) => a.method === OIDS.adCaIssuers && a.name?.kind === "uri" && isHttp(a.name.text)) ? ok : [{ message: "no http:// id-ad-caIssuers URL; publish the issuing CA's certificate and point to it (caskit: aiaBaseUrl)", location: loc(ctx, ext(ctx, OIDS.authorityInfoAccess)?.tlv ?? ctx.nodes.extensions) }]),
  }),
  certRule({
    id: "cert.aia.br_sub_ca_missing",
    targets: ["intermediate"],
    severity: "warning",
    profiles: ["cabf-br"],
    citation: "CABF BR §7.1.2.10.3",
    zlint: "w_sub_ca_aia_missing",
    effective: date("2012-07-01"),
    description: "A subordinate CA certificate has authorityInfoAccess.",
    check: (ctx) => (ext(ctx, OIDS.authorityInfoAccess) ? ok : [{ message: "the subordinate CA certificate has no authorityInfoAccess; add id-ad-caIssuers", location: loc(ctx, ctx.nodes.extensions ?? ctx.nodes.tbs) }]),
  }),
  certRule({
    id: "cert.cdp.incomplete",
    targets: ALL,
    severity: "error",
    profiles: EVERY,
    citation: "RFC 5280 §4.2.1.13",
    zlint: "e_distribution_point_incomplete",
    effective: date("2002-04-01"),
    description: "A DistributionPoint has a distributionPoint or a cRLIssuer, not only reasons.",
    check: (ctx) => distributionPoints(ctx).filter((d) => !d.dpn && !d.crlIssuer).map((d) => ({ message: "a CRL distribution point has neither distributionPoint nor cRLIssuer; give the CRL's URL", location: loc(ctx, d.tlv) })),
  }),
  certRule({
    id: "cert.cdp.no_uri",
    targets: ALL,
    severity: "warning",
    profiles: EVERY,
    citation: "RFC 5280 §4.2.1.13",
    zlint: "w_distribution_point_missing_ldap_or_uri",
    effective: date("2008-05-01"),
    description: "A distributionPoint fullName includes an HTTP or LDAP URI.",
    check: (ctx) => distributionPoints(ctx).filter((d) => d.dpn && !d.names.some((g) => g.kind === "uri" && /^(https?|ldap):/i.test(g.text))).map((d) => ({ message: "a CRL distribution point names no HTTP or LDAP URI; give the CRL's http:// URL", location: loc(ctx, d.tlv) })),
  }),
  certRule({
    id: "cert.cdp.br_http",
    targets: ALL,
    severity: "error",
    profiles: ["cabf-br"],
    citation: "CABF BR §7.1.2.11.2",
    zlint: "e_crl_distrib_points_not_http",
    effective: date("2023-09-15"),
    description: "Every CRL distribution point URI is http://.",
    check: (ctx) => distributionPoints(ctx).flatMap((d) => d.names).filter((g) => g.kind === "uri" && !isHttp(g.text)).map((g) => ({ message: "a CRL distribution point URI is not http:// (BRs require plain HTTP)", location: loc(ctx, g.tlv) })),
  }),
  certRule({
    id: "cert.cdp.br_crl_issuer",
    targets: ALL,
    severity: "error",
    profiles: ["cabf-br"],
    citation: "CABF BR §7.1.2.11.2",
    zlint: "e_crlissuer_must_not_be_present_in_cdp",
    effective: date("2023-09-15"),
    description: "CRL distribution points have no cRLIssuer and no reasons.",
    check: (ctx) => distributionPoints(ctx).filter((d) => d.crlIssuer || d.reasons).map((d) => ({ message: "a CRL distribution point has cRLIssuer or reasons; remove them", location: loc(ctx, d.tlv) })),
  }),
  certRule({
    id: "cert.cdp.br_sub_ca_missing",
    targets: ["intermediate"],
    severity: "error",
    profiles: ["cabf-br"],
    citation: "CABF BR §7.1.2.10.5",
    zlint: "e_sub_ca_crl_distribution_points_missing",
    effective: date("2012-07-01"),
    description: "A subordinate CA certificate has cRLDistributionPoints.",
    check: (ctx) => (ext(ctx, OIDS.crlDistributionPoints) ? ok : [{ message: "the subordinate CA certificate has no cRLDistributionPoints; add the URL of its parent's CRL (caskit: crlDistributionUrl)", location: loc(ctx, ctx.nodes.extensions ?? ctx.nodes.tbs) }]),
  }),
  certRule({
    id: "cert.cdp.br_sub_ca_http",
    targets: ["intermediate"],
    severity: "error",
    profiles: ["cabf-br"],
    citation: "CABF BR §7.1.2.10.5",
    zlint: "e_sub_ca_crl_distribution_points_does_not_contain_url",
    effective: date("2012-07-01"),
    description: "A subordinate CA's cRLDistributionPoints has an http URL.",
    check: (ctx) => {
      const e = ext(ctx, OIDS.crlDistributionPoints);
      return e && !distributionPoints(ctx).some((d) => d.names.some((g) => g.kind === "uri" && /^https?:\/\//i.test(g.text))) ? [{ message: "the subordinate CA's cRLDistributionPoints has no HTTP URL; add one", location: loc(ctx, e.tlv) }] : ok;
    },
  }),
  certRule({
    id: "cert.cdp.br_sub_http",
    targets: LEAF,
    severity: "error",
    profiles: ["cabf-br"],
    citation: "CABF BR §7.1.2.11.2",
    zlint: "e_sub_cert_crl_distribution_points_does_not_contain_url",
    effective: date("2012-07-01"),
    description: "A subscriber certificate's cRLDistributionPoints has an http URL.",
    check: (ctx) => {
      const e = ext(ctx, OIDS.crlDistributionPoints);
      return e && !distributionPoints(ctx).some((d) => d.names.some((g) => g.kind === "uri" && /^https?:\/\//i.test(g.text))) ? [{ message: "cRLDistributionPoints has no HTTP URL; add one", location: loc(ctx, e.tlv) }] : ok;
    },
  }),
  criticality("cert.cdp.br_sub_critical", OIDS.crlDistributionPoints, "a subscriber certificate's cRLDistributionPoints", "non-critical", "error", "CABF BR §7.1.2.11.2", "e_sub_cert_crl_distribution_points_marked_critical", "2012-07-01", LEAF, ["cabf-br"]),
  criticality("cert.cdp.br_sub_ca_critical", OIDS.crlDistributionPoints, "a subordinate CA's cRLDistributionPoints", "non-critical", "error", "CABF BR §7.1.2.11.2", "e_sub_ca_crl_distribution_points_marked_critical", "2012-07-01", ["intermediate"], ["cabf-br"]),
  criticality("cert.aia.br_sub_critical", OIDS.authorityInfoAccess, "a subscriber certificate's authorityInfoAccess", "non-critical", "error", "CABF BR §7.1.2.7.7", "e_sub_cert_aia_marked_critical", "2012-07-01", LEAF, ["cabf-br"]),
  criticality("cert.aia.br_sub_ca_critical", OIDS.authorityInfoAccess, "a subordinate CA's authorityInfoAccess", "non-critical", "error", "CABF BR §7.1.2.10.3", "e_sub_ca_aia_marked_critical", "1950-01-01", ["intermediate"], ["cabf-br"]),
  // ---------------------------------------------------------------- certificatePolicies
  certRule({
    id: "cert.policy.duplicate",
    targets: ALL,
    severity: "error",
    profiles: EVERY,
    citation: "RFC 5280 §4.2.1.4",
    zlint: "e_ext_cert_policy_duplicate",
    effective: date("2008-05-01"),
    description: "No policy OID appears twice in certificatePolicies.",
    check: (ctx) => {
      const seen = new Set<string>();
      const out: RuleResult[] = [];
      for (const p of policies(ctx)) {
        if (seen.has(p.oid)) out.push({ message: `policy ${p.oid} appears more than once; list it once`, location: loc(ctx, p.tlv) });
        seen.add(p.oid);
      }
      return out;
    },
  }),
  certRule({
    id: "cert.policy.any_policy_qualifiers",
    targets: ALL,
    severity: "error",
    profiles: EVERY,
    citation: "RFC 5280 §4.2.1.4",
    zlint: "e_ext_cert_policy_disallowed_any_policy_qualifier",
    effective: date("2002-04-01"),
    description: "anyPolicy carries only CPS and user-notice qualifiers.",
    check: (ctx) => policies(ctx).filter((p) => p.oid === OIDS.anyPolicy).flatMap((p) => p.qualifiers).filter((qu) => qu.oid !== OIDS.qtCps && qu.oid !== OIDS.qtUnotice).map((qu) => ({ message: "anyPolicy has a qualifier other than id-qt-cps or id-qt-unotice; remove it", location: loc(ctx, qu.tlv) })),
  }),
  certRule({
    id: "cert.policy.explicit_text_ia5",
    targets: ALL,
    severity: "error",
    profiles: EVERY,
    citation: "RFC 6818 §3",
    zlint: "e_ext_cert_policy_explicit_text_ia5_string",
    effective: date("2013-01-01"),
    description: "A user notice's explicitText is not an IA5String.",
    check: (ctx) => explicitTexts(ctx).filter((t) => t.tlv.tag === TAG.IA5).map((t) => ({ message: "explicitText is an IA5String; use UTF8String", location: loc(ctx, t.tlv) })),
  }),
  certRule({
    id: "cert.policy.explicit_text_not_utf8",
    targets: ALL,
    severity: "warning",
    profiles: EVERY,
    citation: "RFC 6818 §3",
    zlint: "w_ext_cert_policy_explicit_text_not_utf8",
    effective: date("2013-01-01"),
    description: "A user notice's explicitText is a UTF8String.",
    check: (ctx) => explicitTexts(ctx).filter((t) => t.tlv.tag !== TAG.UTF8 && t.tlv.tag !== TAG.IA5).map((t) => ({ message: "explicitText is not a UTF8String; use UTF8String", location: loc(ctx, t.tlv) })),
  }),
  certRule({
    id: "cert.policy.explicit_text_too_long",
    targets: ALL,
    severity: "error",
    profiles: EVERY,
    citation: "RFC 6818 §3; RFC 5280 §4.2.1.4",
    zlint: "e_ext_cert_policy_explicit_text_too_long",
    effective: date("2013-01-01"),
    description: "A user notice's explicitText is at most 200 characters.",
    check: (ctx) => explicitTexts(ctx).filter((t) => [...(t.text ?? "")].length > 200).map((t) => ({ message: `explicitText is ${[...(t.text ?? "")].length} characters; the maximum is 200`, location: loc(ctx, t.tlv) })),
  }),
  certRule({
    id: "cert.policy.explicit_text_control",
    targets: ALL,
    severity: "warning",
    profiles: EVERY,
    citation: "RFC 6818 §3",
    zlint: "w_ext_cert_policy_explicit_text_includes_control",
    effective: date("2013-01-01"),
    description: "A user notice's explicitText has no control characters.",
    check: (ctx) => explicitTexts(ctx).filter((t) => /[\u0000-\u001f\u007f-\u009f]/.test(t.text ?? "")).map((t) => ({ message: "explicitText contains control characters; remove them", location: loc(ctx, t.tlv) })),
  }),
  certRule({
    id: "cert.policy.explicit_text_not_nfc",
    targets: ALL,
    severity: "warning",
    profiles: EVERY,
    citation: "RFC 6818 §3",
    zlint: "w_ext_cert_policy_explicit_text_not_nfc",
    effective: date("2013-01-01"),
    description: "A UTF8String or BMPString explicitText is NFC-normalized.",
    check: (ctx) => explicitTexts(ctx).filter((t) => (t.tlv.tag === TAG.UTF8 || t.tlv.tag === TAG.BMP) && t.text !== null && t.text.normalize("NFC") !== t.text).map((t) => ({ message: "explicitText is not in Unicode normalization form C; normalize it", location: loc(ctx, t.tlv) })),
  }),
  certRule({
    id: "cert.policy.notice_ref",
    targets: ALL,
    severity: "warning",
    profiles: EVERY,
    citation: "RFC 5280 §4.2.1.4",
    zlint: "w_ext_cert_policy_contains_noticeref",
    effective: date("2008-05-01"),
    description: "User notices do not use noticeRef.",
    check: (ctx) => policies(ctx).flatMap((p) => p.qualifiers).filter((qu) => qu.oid === OIDS.qtUnotice && qu.value?.children?.some((c) => c.tag === TAG.SEQUENCE)).map((qu) => ({ message: "a user notice uses noticeRef; conforming CAs SHOULD NOT — use explicitText", location: loc(ctx, qu.tlv) })),
  }),
  certRule({
    id: "cert.policy.br_qualifiers",
    targets: ALL,
    severity: "error",
    profiles: ["cabf-br"],
    citation: "CABF BR §7.1.2.7.9",
    zlint: "e_policy_qualifiers_other_than_cps_not_permitted",
    effective: date("2023-09-15"),
    description: "Policy qualifiers are only id-qt-cps (subscriber §7.1.2.7.9 and CA §7.1.2.10.5 certificates alike).",
    check: (ctx) => policies(ctx).flatMap((p) => p.qualifiers).filter((qu) => qu.oid !== OIDS.qtCps).map((qu) => ({ message: "a policy qualifier other than id-qt-cps is present; remove it", location: loc(ctx, qu.tlv) })),
  }),
  certRule({
    id: "cert.policy.br_cps_uri",
    targets: ALL,
    severity: "error",
    profiles: ["cabf-br"],
    citation: "CABF BR §7.1.2.7.9",
    zlint: "e_invalid_cps_uri",
    effective: date("2023-09-15"),
    description: "A CPS URI qualifier is an http or https URL.",
    check: (ctx) => policies(ctx).flatMap((p) => p.qualifiers).filter((qu) => qu.oid === OIDS.qtCps && !(qu.value?.tag === TAG.IA5 && /^https?:\/\//i.test(textOf(ctx.der, qu.value) ?? ""))).map((qu) => ({ message: "a CPS URI qualifier is not an http(s) URL", location: loc(ctx, qu.tlv) })),
  }),
  certRule({
    id: "cert.policy.br_sub_missing",
    targets: LEAF,
    severity: "error",
    profiles: ["cabf-br"],
    citation: "CABF BR §7.1.2.7.9",
    zlint: "e_sub_cert_certificate_policies_missing",
    effective: date("2012-07-01"),
    description: "A subscriber certificate has certificatePolicies.",
    check: (ctx) => (ext(ctx, OIDS.certificatePolicies) ? ok : [{ message: "there is no certificatePolicies extension; assert the CA/B Forum reserved policy (e.g. 2.23.140.1.2.1)", location: loc(ctx, ctx.nodes.extensions ?? ctx.nodes.tbs) }]),
  }),
  certRule({
    id: "cert.policy.br_sub_no_cabf",
    targets: LEAF,
    severity: "error",
    profiles: ["cabf-br"],
    citation: "CABF BR §7.1.2.7.9",
    effective: date("2012-07-01"),
    description: "A subscriber certificate's certificatePolicies asserts a CA/B Forum reserved policy.",
    check: (ctx) => {
      const e = ext(ctx, OIDS.certificatePolicies);
      return e && !policies(ctx).some((p) => p.oid.startsWith("2.23.140.1.")) ? [{ message: "certificatePolicies has no CA/B Forum reserved policy identifier; add 2.23.140.1.2.1 (DV), .2 (OV) or .3 (IV)", location: loc(ctx, e.tlv) }] : ok;
    },
  }),
  criticality("cert.policy.br_sub_critical", OIDS.certificatePolicies, "a subscriber certificate's certificatePolicies", "non-critical", "warning", "CABF BR §7.1.2.7.9", "w_sub_cert_certificate_policies_marked_critical", "2012-07-01", LEAF, ["cabf-br"]),
  criticality("cert.policy.br_sub_ca_critical", OIDS.certificatePolicies, "a subordinate CA's certificatePolicies", "non-critical", "warning", "CABF BR §7.1.2.10.5", "w_sub_ca_certificate_policies_marked_critical", "2012-07-01", ["intermediate"], ["cabf-br"]),
  certRule({
    id: "cert.policy.br_sub_ca_missing",
    targets: ["intermediate"],
    severity: "error",
    profiles: ["cabf-br"],
    citation: "CABF BR §7.1.2.10.5",
    zlint: "e_sub_ca_certificate_policies_missing",
    effective: date("2012-07-01"),
    description: "A subordinate CA certificate has certificatePolicies.",
    check: (ctx) => (ext(ctx, OIDS.certificatePolicies) ? ok : [{ message: "the subordinate CA certificate has no certificatePolicies; add the policies it issues under", location: loc(ctx, ctx.nodes.extensions ?? ctx.nodes.tbs) }]),
  }),
  certRule({
    id: "cert.policy.br_root_present",
    targets: ["root"],
    severity: "warning",
    profiles: ["cabf-br"],
    citation: "CABF BR §7.1.2.1",
    zlint: "w_root_ca_contains_cert_policy",
    effective: date("2012-07-01"),
    description: "A root CA certificate has no certificatePolicies.",
    check: (ctx) => (ext(ctx, OIDS.certificatePolicies) ? [{ message: "the root CA certificate has certificatePolicies; roots SHOULD NOT", location: loc(ctx, ext(ctx, OIDS.certificatePolicies)?.tlv) }] : ok),
  }),
  // ---------------------------------------------------------------- root CA (BR)
  certRule({
    id: "cert.ca.br_root_path_len",
    targets: ["root"],
    severity: "warning",
    profiles: ["cabf-br"],
    citation: "CABF BR §7.1.2.1",
    zlint: "w_root_ca_basic_constraints_path_len_constraint_field_present",
    effective: date("2012-07-01"),
    description: "A root CA's basicConstraints has no pathLenConstraint.",
    check: (ctx) => {
      const bc = basicConstraints(ctx);
      return bc?.pathLen !== null && bc?.pathLen !== undefined ? [{ message: "the root CA's basicConstraints has pathLenConstraint; roots SHOULD NOT constrain the path", location: loc(ctx, bc.pathLenTlv ?? bc.ext.tlv) }] : ok;
    },
  }),
  certRule({
    id: "cert.ca.br_is_ca",
    targets: ALL,
    severity: "error",
    profiles: ["cabf-br"],
    citation: "CABF BR §7.1.2.1.4, §7.1.2.10.4",
    zlint: "e_ca_is_ca",
    effective: date("2012-07-01"),
    description: "A CA certificate's basicConstraints has cA TRUE.",
    check: (ctx) => {
      const bc = basicConstraints(ctx);
      return keyUsage(ctx)?.has("keyCertSign") && bc && !bc.ca ? [{ message: "keyCertSign is set but basicConstraints cA is not TRUE", location: loc(ctx, bc?.ext.tlv ?? ctx.nodes.extensions) }] : ok;
    },
  }),
  // ---------------------------------------------------------------- name constraints and policy extensions
  criticality("cert.nc.not_critical", OIDS.nameConstraints, "nameConstraints", "critical", "error", "RFC 5280 §4.2.1.10", "e_ext_name_constraints_not_critical", "1999-01-01"),
  certRule({
    id: "cert.nc.not_in_ca",
    targets: LEAF,
    severity: "error",
    profiles: EVERY,
    citation: "RFC 5280 §4.2.1.10",
    zlint: "e_ext_name_constraints_not_in_ca",
    effective: date("1999-01-01"),
    description: "nameConstraints appears only in CA certificates.",
    check: (ctx) => (ext(ctx, OIDS.nameConstraints) ? [{ message: "nameConstraints is in an end-entity certificate; it belongs in CA certificates", location: loc(ctx, ext(ctx, OIDS.nameConstraints)?.tlv) }] : ok),
  }),
  certRule({
    id: "cert.nc.empty",
    targets: ALL,
    severity: "error",
    profiles: EVERY,
    citation: "RFC 5280 §4.2.1.10",
    zlint: "e_name_constraint_empty",
    effective: date("2008-05-01"),
    description: "nameConstraints has permittedSubtrees or excludedSubtrees.",
    check: (ctx) => {
      const e = ext(ctx, OIDS.nameConstraints);
      return e?.value && !e.value.children?.some((c) => c.children?.length) ? [{ message: "nameConstraints is empty; give permittedSubtrees or excludedSubtrees", location: loc(ctx, e.tlv) }] : ok;
    },
  }),
  certRule({
    id: "cert.nc.minimum_maximum",
    targets: ALL,
    severity: "error",
    profiles: EVERY,
    citation: "RFC 5280 §4.2.1.10",
    zlint: "e_name_constraint_minimum_non_zero",
    effective: date("1999-01-01"),
    description: "GeneralSubtree minimum is 0 (absent) and maximum is absent.",
    check: (ctx) => {
      const e = ext(ctx, OIDS.nameConstraints);
      const out: RuleResult[] = [];
      for (const trees of e?.value?.children ?? []) {
        for (const st of trees.children ?? []) {
          const min = st.children?.find((c) => c.tag === 0x80);
          if (min && bytesOf(ctx.der, min).some((b) => b !== 0)) out.push({ message: "a name constraint has a non-zero minimum; omit it", location: loc(ctx, st) });
        }
      }
      return out;
    },
  }),
  certRule({
    id: "cert.nc.maximum",
    targets: ALL,
    severity: "error",
    profiles: EVERY,
    citation: "RFC 5280 §4.2.1.10",
    zlint: "e_name_constraint_maximum_not_absent",
    effective: date("1999-01-01"),
    description: "GeneralSubtree maximum is absent.",
    check: (ctx) => {
      const e = ext(ctx, OIDS.nameConstraints);
      const out: RuleResult[] = [];
      for (const trees of e?.value?.children ?? []) for (const st of trees.children ?? []) if (st.children?.some((c) => c.tag === 0x81)) out.push({ message: "a name constraint has a maximum; omit it", location: loc(ctx, st) });
      return out;
    },
  }),
  criticality("cert.policy_constraints.not_critical", OIDS.policyConstraints, "policyConstraints", "critical", "error", "RFC 5280 §4.2.1.11", "e_ext_policy_constraints_not_critical", "2008-05-01"),
  certRule({
    id: "cert.policy_constraints.empty",
    targets: ALL,
    severity: "error",
    profiles: EVERY,
    citation: "RFC 5280 §4.2.1.11",
    zlint: "e_ext_policy_constraints_empty",
    effective: date("1999-01-01"),
    description: "policyConstraints has requireExplicitPolicy or inhibitPolicyMapping.",
    check: (ctx) => {
      const e = ext(ctx, OIDS.policyConstraints);
      return e?.value && !e.value.children?.length ? [{ message: "policyConstraints is an empty SEQUENCE; give requireExplicitPolicy or inhibitPolicyMapping", location: loc(ctx, e.tlv) }] : ok;
    },
  }),
  criticality("cert.policy_mappings.not_critical", OIDS.policyMappings, "policyMappings", "critical", "warning", "RFC 5280 §4.2.1.5", "w_ext_policy_map_not_critical", "1999-01-01"),
  certRule({
    id: "cert.policy_mappings.any_policy",
    targets: ALL,
    severity: "error",
    profiles: EVERY,
    citation: "RFC 5280 §4.2.1.5",
    zlint: "e_ext_policy_map_any_policy",
    effective: date("2002-04-01"),
    description: "No policy is mapped to or from anyPolicy.",
    check: (ctx) => {
      const e = ext(ctx, OIDS.policyMappings);
      return (e?.value?.children ?? []).filter((m) => (m.children ?? []).some((o) => oidOf(ctx.der, o) === OIDS.anyPolicy)).map((m) => ({ message: "a policy mapping involves anyPolicy; remove it", location: loc(ctx, m) }));
    },
  }),
  criticality("cert.inhibit_any_policy.not_critical", OIDS.inhibitAnyPolicy, "inhibitAnyPolicy", "critical", "error", "RFC 5280 §4.2.1.14", "e_inhibit_any_policy_not_critical", "2002-04-01"),
  certRule({
    id: "cert.ct.empty_sct_list",
    targets: ALL,
    severity: "error",
    profiles: EVERY,
    citation: "RFC 6962 §3.3",
    zlint: "e_empty_sct_list",
    effective: date("2013-06-01"),
    description: "An embedded SCT list holds at least one SCT.",
    check: (ctx) => {
      const e = ext(ctx, OIDS.sctList);
      if (!e?.value || e.value.tag !== TAG.OCTET_STRING) return ok;
      const b = bytesOf(ctx.der, e.value);
      return b.length < 2 || ((b[0] as number) << 8 | (b[1] as number)) === 0 ? [{ message: "the SignedCertificateTimestampList is empty; embed at least one SCT or omit the extension", location: loc(ctx, e.tlv) }] : ok;
    },
  }),
]);


