/**
 * Certificate rules: the signature — the TBS and outer AlgorithmIdentifiers agree, their parameters
 * are what the algorithm's RFC says (RSA NULL, ECDSA and SM3withSM2 absent), the algorithm is one a
 * profile accepts, the signature family is the issuer key's, and (with the issuer, or for a
 * self-signed certificate) the signature verifies.
 */
import { SIGNATURE_ALGORITHMS_BY_OID } from "../../crypto/algorithms.js";
import { verifySignature } from "../../crypto/verify.js";
import { type Tlv, readTolerant } from "../der.js";
import { type CertContext, certRule, registerRules, type RuleResult } from "../registry.js";
import { ALL, BR, CASKIT, EVERY, date } from "./cert-encoding.js";
import { OIDS, SIG_ALGS, TAG, algId, bytesOf, loc, publicKey, sameBytes, selfIssued } from "./cert-util.js";

const ok: RuleResult[] = [];

/** The TBS fields of a certificate DER (for the issuer's key and names), or null. */
export function certFields(der: Uint8Array): { tbs: Tlv; subject?: Tlv; spki?: Tlv; issuer?: Tlv; extensions?: Tlv; signatureAlgorithm?: Tlv; signatureValue?: Tlv } | null {
  try {
    const root = readTolerant(der).root;
    const [tbs, sa, sv] = root.children ?? [];
    if (!tbs?.children) return null;
    const f = tbs.children;
    const i = f[0]?.tag === 0xa0 ? 1 : 0;
    return { tbs, issuer: f[i + 2], subject: f[i + 4], spki: f[i + 5], extensions: f.find((t) => t.tag === 0xa3), signatureAlgorithm: sa, signatureValue: sv };
  } catch {
    return null;
  }
}

/** The key that signed this certificate: the issuer's, or its own when self-signed. */
export function signerKey(ctx: CertContext): { der: Uint8Array; spki: Tlv } | null {
  if (ctx.issuer) {
    const f = certFields(ctx.issuer.der);
    return f?.spki ? { der: ctx.issuer.der, spki: f.spki } : null;
  }
  if (selfIssued(ctx) && ctx.nodes.spki) return { der: ctx.der, spki: ctx.nodes.spki };
  return null;
}

const familyOfKey = (der: Uint8Array, spki: Tlv): "RSA" | "EC" | "SM2" | "DSA" | "other" => {
  const pk = publicKey(der, spki);
  if (!pk) return "other";
  if (pk.alg.oid === OIDS.rsaEncryption) return "RSA";
  if (pk.alg.oid === OIDS.dsa) return "DSA";
  if (pk.alg.oid === OIDS.ecPublicKey) return pk.curve === OIDS.sm2Curve ? "SM2" : "EC";
  return "other";
};

function paramsProblem(ctx: CertContext, t: Tlv | undefined, where: string): RuleResult[] {
  const a = algId(ctx.der, t);
  if (!a?.oid) return ok;
  const known = SIG_ALGS[a.oid];
  if (!known) return ok;
  if (known.nullParams && !(a.params?.tag === TAG.NULL && a.params.end === a.params.contentStart)) {
    return [{ message: `${where} ${known.name} has ${a.params ? "parameters other than NULL" : "no parameters"}; RSA PKCS #1 v1.5 signature algorithms carry NULL parameters`, location: loc(ctx, t) }];
  }
  if ((known.family === "EC" || known.family === "SM2" || known.family === "EdDSA") && a.params) {
    return [{ message: `${where} ${known.name} has parameters; omit them (${known.family === "SM2" ? "GM/T 0015-2012 §7" : "RFC 5758 §3.2"})`, location: loc(ctx, t) }];
  }
  return ok;
}

registerRules([
  certRule({
    id: "cert.signature.algorithm_mismatch",
    targets: ALL,
    severity: "error",
    profiles: EVERY,
    citation: "RFC 5280 §4.1.1.2",
    zlint: "e_cert_sig_alg_not_match_tbs_sig_alg",
    effective: date("2008-05-01"),
    description: "signatureAlgorithm is byte for byte the TBSCertificate's signature field.",
    check: (ctx) => {
      const [a, b] = [ctx.nodes.signature, ctx.nodes.signatureAlgorithm];
      if (!a || !b) return ok;
      return sameBytes(ctx.der.subarray(a.start, a.end), ctx.der.subarray(b.start, b.end)) ? ok : [{ message: "signatureAlgorithm differs from the TBSCertificate's signature field; sign with the algorithm the TBS names", location: loc(ctx, b) }];
    },
  }),
  certRule({
    id: "cert.signature.rsa_params_not_null",
    targets: ALL,
    severity: "error",
    profiles: EVERY,
    citation: "RFC 4055 §5",
    zlint: "e_tbs_signature_rsa_encryption_parameter_not_null",
    effective: date("2008-05-01"),
    description: "An RSA PKCS #1 v1.5 signature AlgorithmIdentifier carries NULL parameters.",
    check: (ctx) => {
      const a = algId(ctx.der, ctx.nodes.signature);
      return a?.oid && SIG_ALGS[a.oid]?.nullParams ? paramsProblem(ctx, ctx.nodes.signature, "the TBS signature algorithm") : ok;
    },
  }),
  certRule({
    id: "cert.signature.params_present",
    targets: ALL,
    severity: "error",
    profiles: EVERY,
    citation: "RFC 5758 §3.2; GM/T 0015-2012",
    description: "ECDSA, SM3withSM2 and EdDSA signature AlgorithmIdentifiers have no parameters.",
    check: (ctx) => {
      const a = algId(ctx.der, ctx.nodes.signature);
      return a?.oid && SIG_ALGS[a.oid] && !SIG_ALGS[a.oid]?.nullParams ? paramsProblem(ctx, ctx.nodes.signature, "the TBS signature algorithm") : ok;
    },
  }),
  certRule({
    id: "cert.signature.outer_params",
    targets: ALL,
    severity: "error",
    profiles: EVERY,
    citation: "RFC 4055 §5; RFC 5758 §3.2",
    description: "The outer signatureAlgorithm's parameters follow the algorithm's rule (RSA NULL; ECDSA/SM2 absent).",
    check: (ctx) => paramsProblem(ctx, ctx.nodes.signatureAlgorithm, "signatureAlgorithm"),
  }),
  certRule({
    id: "cert.signature.sha1",
    targets: ALL,
    severity: "error",
    profiles: ["cabf-br", "cas", "private"],
    citation: "CABF BR §7.1.3.2",
    zlint: "e_sub_cert_or_sub_ca_using_sha1",
    effective: date("2016-01-01"),
    description: "No certificate is signed with SHA-1 (collisions are practical).",
    check: (ctx) => {
      const a = algId(ctx.der, ctx.nodes.signature);
      const s = a?.oid ? SIG_ALGS[a.oid] : undefined;
      return s && (s.hash === "sha1" || s.hash === "md5") ? [{ message: `signed with ${s.name}; sign with SHA-256 or stronger`, location: loc(ctx, ctx.nodes.signature) }] : ok;
    },
  }),
  certRule({
    id: "cert.signature.algorithm_not_allowed",
    targets: ALL,
    severity: "error",
    profiles: BR,
    citation: "CABF BR §7.1.3.2",
    zlint: "e_signature_algorithm_not_supported",
    description: "The signature algorithm is RSASSA-PKCS1-v1_5 or RSASSA-PSS with SHA-256/384/512, or ECDSA with SHA-256/384/512.",
    check: (ctx) => {
      const a = algId(ctx.der, ctx.nodes.signatureAlgorithm);
      if (!a?.oid) return ok;
      const s = SIG_ALGS[a.oid];
      const allowed = s && (s.family === "PSS" || ((s.family === "RSA" || s.family === "EC") && /^sha(256|384|512)$/.test(s.hash)) || (s.family === "RSA" && s.hash === "sha1"));
      return allowed ? ok : [{ message: `signature algorithm ${s?.name ?? a.oid} is not allowed for publicly-trusted TLS; use sha256WithRSAEncryption or ecdsa-with-SHA256/384`, location: loc(ctx, a.tlv) }];
    },
  }),
  certRule({
    id: "cert.signature.unknown_algorithm",
    targets: ALL,
    severity: "error",
    profiles: CASKIT,
    citation: "caskit (docs/csr-policy.md \"Signature\")",
    description: "The signature algorithm is one caskit issues with: sha256/384/512WithRSAEncryption, ecdsa-with-SHA256/384/512 or SM3withSM2.",
    check: (ctx) => {
      const a = algId(ctx.der, ctx.nodes.signature);
      if (!a?.oid || SIGNATURE_ALGORITHMS_BY_OID.has(a.oid)) return ok;
      return [{ message: `signature algorithm ${SIG_ALGS[a.oid]?.name ?? a.oid} is not one relying parties of a caskit PKI verify; use SHA-256 or stronger with RSA, ECDSA or SM2`, location: loc(ctx, a.tlv) }];
    },
  }),
  certRule({
    id: "cert.signature.family_mismatch",
    targets: ALL,
    severity: "error",
    profiles: EVERY,
    citation: "RFC 5280 §4.1.1.2",
    description: "The signature algorithm belongs to the issuer key's family (RSA key → RSA signature, EC → ECDSA, SM2 → SM3withSM2).",
    check: (ctx) => {
      const key = signerKey(ctx);
      const a = algId(ctx.der, ctx.nodes.signature);
      if (!key || !a?.oid) return ok;
      const s = SIG_ALGS[a.oid];
      const fam = familyOfKey(key.der, key.spki);
      if (!s || fam === "other") return ok;
      const want = fam === "RSA" ? ["RSA", "PSS"] : fam === "EC" ? ["EC"] : fam === "SM2" ? ["SM2"] : ["DSA"];
      return want.includes(s.family) ? ok : [{ message: `signed with ${s.name} but the issuer's key is ${fam}; sign with the issuer key's own algorithm${fam === "SM2" ? " (SM3withSM2)" : ""}`, location: loc(ctx, a.tlv) }];
    },
  }),
  certRule({
    id: "cert.signature.invalid",
    targets: ALL,
    severity: "error",
    profiles: EVERY,
    citation: "RFC 5280 §6.1.3 (a)(1)",
    description: "The signature verifies with the issuer's public key (checked when the issuer is given, or the certificate is self-signed).",
    check: (ctx) => {
      const key = signerKey(ctx);
      const a = algId(ctx.der, ctx.nodes.signatureAlgorithm);
      const sv = ctx.nodes.signatureValue;
      if (!key || !a?.oid || !sv || sv.tag !== TAG.BIT_STRING || sv.end === sv.contentStart) return ok;
      const alg = SIGNATURE_ALGORITHMS_BY_OID.get(a.oid);
      if (!alg) return ok;
      // Self-signed but not self-issued by this key (cross-signed look-alike): nothing to verify with.
      const spki = key.der.subarray(key.spki.start, key.spki.end);
      const pk = publicKey(key.der, key.spki);
      const good = verifySignature(alg, spki, ctx.der.subarray(ctx.nodes.tbs.start, ctx.nodes.tbs.end), bytesOf(ctx.der, sv).subarray(1), pk?.curve === OIDS.sm2Curve ? pk.key : undefined);
      return good ? ok : [{ message: `the signature does not verify with the ${ctx.issuer ? "given issuer's" : "certificate's own (self-signed)"} public key; re-sign the TBSCertificate with the issuer's key`, location: loc(ctx, sv) }];
    },
  }),
  certRule({
    id: "cert.signature.issuer_name_mismatch",
    targets: ALL,
    severity: "error",
    profiles: EVERY,
    citation: "RFC 5280 §4.1.2.4, §6.1.3 (a)(4)",
    description: "The issuer field is the issuer certificate's subject, byte for byte (checked when the issuer is given).",
    check: (ctx) => {
      if (!ctx.issuer || !ctx.nodes.issuer) return ok;
      const f = certFields(ctx.issuer.der);
      if (!f?.subject) return ok;
      const mine = ctx.der.subarray(ctx.nodes.issuer.start, ctx.nodes.issuer.end);
      return sameBytes(mine, ctx.issuer.der.subarray(f.subject.start, f.subject.end)) ? ok : [{ message: "the issuer field is not the issuer certificate's subject byte for byte; copy the CA's subject DER into issuer", location: loc(ctx, ctx.nodes.issuer) }];
    },
  }),
  certRule({
    id: "cert.signature.sm2_oid",
    targets: ALL,
    severity: "error",
    profiles: EVERY,
    citation: "GM/T 0015-2012 §7; GM/T 0006-2012",
    description: "An SM2 issuer signs with SM3withSM2 (1.2.156.10197.1.501), not ecdsa-with-* or the bare SM2 OID.",
    check: (ctx) => {
      const a = algId(ctx.der, ctx.nodes.signature);
      if (!a?.oid) return ok;
      if (a.oid === "1.2.156.10197.1.301.1" || a.oid === "1.2.156.10197.1.301") return [{ message: `the signature algorithm is ${a.oid}, an SM2 key OID; certificates name SM3withSM2 (1.2.156.10197.1.501)`, location: loc(ctx, a.tlv) }];
      return ok;
    },
  }),
]);

