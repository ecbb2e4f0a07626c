/**
 * Certificate rules: the subject public key — algorithm and its parameters, RSA size and exponent,
 * EC named curves and points on them (P-256/384/521 and the SM2 curve of GM/T 0003-2012), and the key
 * usages each key type allows (RFC 3279, RFC 5480, RFC 8813, CABF BR §7.1.2.7.11).
 */
import { type CertContext, certRule, registerRules, type RuleResult } from "../registry.js";
import { ALL, BR, CA, CASKIT, EVERY, LEAF, date } from "./cert-encoding.js";
import { CURVE_PARAMS, type KuName, OIDS, TAG, bigOf, keyUsage, loc, pointProblem, publicKey } from "./cert-util.js";

const ok: RuleResult[] = [];
const pk = (ctx: CertContext) => publicKey(ctx.der, ctx.nodes.spki);
const isRsa = (ctx: CertContext) => pk(ctx)?.alg.oid === OIDS.rsaEncryption;
const ecCurve = (ctx: CertContext) => {
  const k = pk(ctx);
  return k?.alg.oid === OIDS.ecPublicKey ? (k.curve ?? null) : undefined;
};
const isEcdsa = (ctx: CertContext) => {
  const c = ecCurve(ctx);
  return c !== undefined && c !== OIDS.sm2Curve;
};

const SMALL_PRIMES: bigint[] = (() => {
  const out: bigint[] = [];
  for (let n = 3; n < 752; n += 2) {
    let prime = true;
    for (let d = 3; d * d <= n; d += 2) if (n % d === 0) prime = false;
    if (prime) out.push(BigInt(n));
  }
  return out;
})();

/** Key usage bits outside `allowed`, as a message, or no result. */
function kuOutside(ctx: CertContext, allowed: KuName[], what: string, fix: string): RuleResult[] {
  const ku = keyUsage(ctx);
  if (!ku) return ok;
  const bad = [...ku].filter((b) => !allowed.includes(b));
  return bad.length ? [{ message: `keyUsage has ${bad.join(", ")}, which ${what}; ${fix}`, location: loc(ctx, ctx.nodes.extensions) }] : ok;
}

const BR_SPKI_ENCODINGS = new Set([
  "300d06092a864886f70d0101010500",
  "301306072a8648ce3d020106082a8648ce3d030107",
  "301006072a8648ce3d020106052b81040022",
  "301006072a8648ce3d020106052b81040023",
]);

registerRules([
  certRule({
    id: "cert.key.rsa_params_not_null",
    targets: ALL,
    severity: "error",
    profiles: EVERY,
    citation: "RFC 3279 §2.3.1; RFC 4055 §1.2",
    zlint: "e_spki_rsa_encryption_parameter_not_null",
    effective: date("2008-05-01"),
    description: "An rsaEncryption public key AlgorithmIdentifier carries NULL parameters.",
    check: (ctx) => {
      const k = pk(ctx);
      if (k?.alg.oid !== OIDS.rsaEncryption) return ok;
      const p = k.alg.params;
      return p?.tag === TAG.NULL && p.end === p.contentStart ? ok : [{ message: "the rsaEncryption key algorithm parameters are not NULL; encode AlgorithmIdentifier { rsaEncryption, NULL }", location: loc(ctx, k.alg.tlv) }];
    },
  }),
  certRule({
    id: "cert.key.rsa_too_small",
    targets: ALL,
    severity: "error",
    profiles: ["cabf-br", "cas", "private"],
    citation: "CABF BR §6.1.5",
    zlint: "e_rsa_mod_less_than_2048_bits",
    description: "RSA moduli are at least 2048 bits.",
    check: (ctx) => {
      const r = pk(ctx)?.rsa;
      return r && r.bits < 2048 ? [{ message: `the RSA key is ${r.bits} bits; use at least 2048 (RSA_2048)`, location: loc(ctx, ctx.nodes.spki) }] : ok;
    },
  }),
  certRule({
    id: "cert.key.rsa_modulus_even",
    targets: ALL,
    severity: "warning",
    profiles: ["cabf-br", "cas", "private"],
    citation: "CABF BR §6.1.6",
    zlint: "w_rsa_mod_not_odd",
    effective: date("2013-02-21"),
    description: "The RSA modulus is odd.",
    check: (ctx) => {
      const r = pk(ctx)?.rsa;
      return r?.n.length && !((r.n[r.n.length - 1] as number) & 1) ? [{ message: "the RSA modulus is even, so it is not a product of two odd primes; generate a new key", location: loc(ctx, r.nTlv) }] : ok;
    },
  }),
  certRule({
    id: "cert.key.rsa_small_factors",
    targets: ALL,
    severity: "warning",
    profiles: ["cabf-br", "cas", "private"],
    citation: "CABF BR §6.1.6",
    zlint: "w_rsa_mod_factors_smaller_than_752",
    effective: date("2013-02-21"),
    description: "The RSA modulus has no factor smaller than 752.",
    check: (ctx) => {
      const r = pk(ctx)?.rsa;
      if (!r?.n.length) return ok;
      const n = bigOf(r.n);
      const f = SMALL_PRIMES.find((p) => n % p === 0n);
      return f ? [{ message: `the RSA modulus is divisible by ${f}; generate a new key`, location: loc(ctx, r.nTlv) }] : ok;
    },
  }),
  certRule({
    id: "cert.key.rsa_exponent_even",
    targets: ALL,
    severity: "error",
    profiles: ["cabf-br", "cas", "private"],
    citation: "CABF BR §6.1.6",
    zlint: "e_rsa_public_exponent_not_odd",
    effective: date("2013-02-21"),
    description: "The RSA public exponent is odd.",
    check: (ctx) => {
      const r = pk(ctx)?.rsa;
      return r?.e.length && !((r.e[r.e.length - 1] as number) & 1) ? [{ message: "the RSA public exponent is even; use 65537", location: loc(ctx, r.eTlv) }] : ok;
    },
  }),
  certRule({
    id: "cert.key.rsa_exponent_too_small",
    targets: ALL,
    severity: "error",
    profiles: ["cabf-br", "cas", "private"],
    citation: "CABF BR §6.1.6",
    zlint: "e_rsa_public_exponent_too_small",
    effective: date("2013-02-21"),
    description: "The RSA public exponent is at least 3.",
    check: (ctx) => {
      const r = pk(ctx)?.rsa;
      return r && bigOf(r.e) < 3n ? [{ message: `the RSA public exponent is ${bigOf(r.e)}; use 65537`, location: loc(ctx, r.eTlv) }] : ok;
    },
  }),
  certRule({
    id: "cert.key.rsa_exponent_range",
    targets: ALL,
    severity: "warning",
    profiles: ["cabf-br", "cas", "private"],
    citation: "CABF BR §6.1.6",
    zlint: "w_rsa_public_exponent_not_in_range",
    effective: date("2013-02-21"),
    description: "The RSA public exponent lies between 2^16+1 and 2^256-1.",
    check: (ctx) => {
      const r = pk(ctx)?.rsa;
      if (!r) return ok;
      const e = bigOf(r.e);
      return e < 65537n || e > (1n << 256n) - 1n ? [{ message: `the RSA public exponent ${e < 1n << 64n ? e.toString() : "(very large)"} is outside 2^16+1 … 2^256-1; use 65537`, location: loc(ctx, r.eTlv) }] : ok;
    },
  }),
  certRule({
    id: "cert.key.ec_named_curve",
    targets: ALL,
    severity: "error",
    profiles: EVERY,
    citation: "RFC 5480 §2.1.1",
    description: "An EC public key names its curve (namedCurve OID); implicit or explicit parameters are not used.",
    check: (ctx) => (ecCurve(ctx) === null ? [{ message: "the EC key does not name its curve; encode the curve as a namedCurve OID (RFC 5480 forbids implicitCurve and specifiedCurve)", location: loc(ctx, ctx.nodes.spki) }] : ok),
  }),
  certRule({
    id: "cert.key.ec_curve_not_allowed",
    targets: ALL,
    severity: "error",
    profiles: BR,
    citation: "CABF BR §6.1.5",
    zlint: "e_ec_improper_curves",
    description: "EC keys are on P-256, P-384 or P-521.",
    check: (ctx) => {
      const c = ecCurve(ctx);
      return c && c !== OIDS.p256 && c !== OIDS.p384 && c !== OIDS.p521 ? [{ message: `the EC key is on curve ${CURVE_PARAMS[c]?.name ?? c}; publicly-trusted TLS allows only P-256, P-384 and P-521`, location: loc(ctx, ctx.nodes.spki) }] : ok;
    },
  }),
  certRule({
    id: "cert.key.curve_unsupported",
    targets: ALL,
    severity: "error",
    profiles: CASKIT,
    citation: "caskit (docs/csr-policy.md \"Public key\"); GM/T 0003-2012",
    description: "EC keys are on P-256, P-384, P-521 or the SM2 curve.",
    check: (ctx) => {
      const c = ecCurve(ctx);
      return c && !CURVE_PARAMS[c] ? [{ message: `the EC curve ${c} is not one caskit's relying parties support; use P-256, P-384, P-521 or SM2`, location: loc(ctx, ctx.nodes.spki) }] : ok;
    },
  }),
  certRule({
    id: "cert.key.ec_point_invalid",
    targets: ALL,
    severity: "error",
    profiles: EVERY,
    citation: "RFC 5480 §2.2; SEC 1 §2.3.3; GM/T 0003-2012",
    description: "An EC or SM2 public key is an uncompressed point on its named curve.",
    check: (ctx) => {
      const k = pk(ctx);
      if (!k?.curve || ctx.der[k.keyTlv.contentStart] !== 0) return ok;
      const p = pointProblem(k.curve, k.key);
      return p ? [{ message: `the ${CURVE_PARAMS[k.curve]?.name} public key ${p}; certify a valid uncompressed point`, location: loc(ctx, k.keyTlv) }] : ok;
    },
  }),
  certRule({
    id: "cert.key.type_not_allowed",
    targets: ALL,
    severity: "error",
    profiles: BR,
    citation: "CABF BR §6.1.5",
    zlint: "e_public_key_type_not_allowed",
    effective: date("2012-07-01"),
    description: "The public key is RSA or ECDSA.",
    check: (ctx) => {
      const k = pk(ctx);
      if (!k) return [{ message: "the subjectPublicKeyInfo cannot be read", location: loc(ctx, ctx.nodes.spki) }];
      return k.alg.oid === OIDS.rsaEncryption || k.alg.oid === OIDS.ecPublicKey || k.alg.oid === OIDS.dsa ? ok : [{ message: `public key algorithm ${k.alg.oid ?? "(unreadable)"} is not allowed; use RSA or ECDSA`, location: loc(ctx, k.alg.tlv) }];
    },
  }),
  certRule({
    id: "cert.key.dsa",
    targets: ALL,
    severity: "error",
    profiles: ["cabf-br", "cas", "private"],
    citation: "CABF BR §6.1.5 (since v1.7.1)",
    zlint: "e_br_prohibit_dsa_usage",
    effective: date("2020-08-20"),
    description: "The public key is not DSA.",
    check: (ctx) => (pk(ctx)?.alg.oid === OIDS.dsa ? [{ message: "the public key is DSA, which is no longer allowed; use RSA, ECDSA or SM2", location: loc(ctx, ctx.nodes.spki) }] : ok),
  }),
  certRule({
    id: "cert.key.unsupported_algorithm",
    targets: ALL,
    severity: "error",
    profiles: CASKIT,
    citation: "caskit (docs/csr-policy.md \"Public key\")",
    description: "The public key is RSA, ECDSA (P-256/384/521) or SM2.",
    check: (ctx) => {
      const k = pk(ctx);
      if (!k) return [{ message: "the subjectPublicKeyInfo cannot be read; re-encode it", location: loc(ctx, ctx.nodes.spki) }];
      return k.alg.oid === OIDS.rsaEncryption || k.alg.oid === OIDS.ecPublicKey ? ok : [{ message: `public key algorithm ${k.alg.oid ?? "(unreadable)"} is not one caskit issues for; use RSA, ECDSA or SM2`, location: loc(ctx, k.alg.tlv) }];
    },
  }),
  certRule({
    id: "cert.key.spki_encoding",
    targets: ALL,
    severity: "error",
    profiles: BR,
    citation: "CABF BR §7.1.3.1",
    zlint: "e_algorithm_identifier_improper_encoding",
    effective: date("2020-08-20"),
    description: "The SubjectPublicKeyInfo AlgorithmIdentifier is one of the byte sequences the BRs list.",
    check: (ctx) => {
      const k = pk(ctx);
      if (!k) return ok;
      const hex = Buffer.from(ctx.der.subarray(k.alg.tlv.start, k.alg.tlv.end)).toString("hex");
      return BR_SPKI_ENCODINGS.has(hex) ? ok : [{ message: `the public key AlgorithmIdentifier (${hex.slice(0, 64)}) is not one of the encodings BR §7.1.3.1 allows`, location: loc(ctx, k.alg.tlv) }];
    },
  }),
  certRule({
    id: "cert.key.sm2_algorithm",
    targets: ALL,
    severity: "error",
    profiles: EVERY,
    citation: "GM/T 0015-2012 §7.2",
    description: "An SM2 public key is encoded as id-ecPublicKey with the SM2 curve OID (1.2.156.10197.1.301) as its parameter.",
    check: (ctx) => {
      const k = pk(ctx);
      if (k?.alg.oid === OIDS.sm2Curve || k?.alg.oid === "1.2.156.10197.1.301.1") {
        return [{ message: `the public key algorithm is ${k.alg.oid}; SM2 keys are id-ecPublicKey (1.2.840.10045.2.1) with parameters sm2 (1.2.156.10197.1.301)`, location: loc(ctx, k.alg.tlv) }];
      }
      return ok;
    },
  }),
  // ---- key usage by key type
  certRule({
    id: "cert.key.rsa_ku_ee",
    targets: LEAF,
    severity: "error",
    profiles: EVERY,
    citation: "RFC 3279 §2.3.1",
    zlint: "e_rsa_allowed_ku_ee",
    effective: date("2002-04-01"),
    description: "An end-entity RSA key's keyUsage is among digitalSignature, nonRepudiation, keyEncipherment and dataEncipherment.",
    check: (ctx) => (isRsa(ctx) ? kuOutside(ctx, ["digitalSignature", "nonRepudiation", "keyEncipherment", "dataEncipherment"], "an end-entity RSA key cannot use", "remove them") : ok),
  }),
  certRule({
    id: "cert.key.rsa_ku_ca",
    targets: CA,
    severity: "error",
    profiles: EVERY,
    citation: "RFC 3279 §2.3.1",
    zlint: "e_rsa_allowed_ku_ca",
    effective: date("2002-04-01"),
    description: "A CA RSA key's keyUsage is among digitalSignature, nonRepudiation, keyEncipherment, dataEncipherment, keyCertSign and cRLSign.",
    check: (ctx) => (isRsa(ctx) ? kuOutside(ctx, ["digitalSignature", "nonRepudiation", "keyEncipherment", "dataEncipherment", "keyCertSign", "cRLSign"], "an RSA key cannot use", "remove them") : ok),
  }),
  certRule({
    id: "cert.key.rsa_ku_ca_encipherment",
    targets: CA,
    severity: "error",
    profiles: EVERY,
    citation: "RFC 3279 §2.3.1",
    zlint: "e_rsa_allowed_ku_no_encipherment_ca",
    effective: date("2002-04-01"),
    description: "A CA RSA key with keyCertSign or cRLSign has neither keyEncipherment nor dataEncipherment.",
    check: (ctx) => {
      const ku = keyUsage(ctx);
      if (!isRsa(ctx) || !ku || !(ku.has("keyCertSign") || ku.has("cRLSign"))) return ok;
      return ku.has("keyEncipherment") || ku.has("dataEncipherment") ? [{ message: "a CA key that signs certificates or CRLs also has keyEncipherment/dataEncipherment; remove the encipherment bits", location: loc(ctx, ctx.nodes.extensions) }] : ok;
    },
  }),
  certRule({
    id: "cert.key.ecdsa_encipherment",
    targets: ALL,
    severity: "error",
    profiles: EVERY,
    citation: "RFC 8813 §3",
    zlint: "e_ecdsa_allowed_ku",
    effective: date("2020-08-01"),
    description: "An ECDSA key has neither keyEncipherment nor dataEncipherment.",
    check: (ctx) => {
      const ku = keyUsage(ctx);
      return isEcdsa(ctx) && ku && (ku.has("keyEncipherment") || ku.has("dataEncipherment")) ? [{ message: "an ECDSA key has keyEncipherment/dataEncipherment, which EC keys cannot do; use digitalSignature (and keyAgreement for ECDH)", location: loc(ctx, ctx.nodes.extensions) }] : ok;
    },
  }),
  certRule({
    id: "cert.key.ecdsa_ku_ee",
    targets: LEAF,
    severity: "notice",
    profiles: ["rfc5280", "cabf-br"],
    citation: "RFC 5480 §3",
    zlint: "n_ecdsa_ee_invalid_ku",
    effective: date("2012-07-01"),
    description: "An end-entity ECDSA key's keyUsage is among digitalSignature, nonRepudiation and keyAgreement.",
    check: (ctx) => (isEcdsa(ctx) ? kuOutside(ctx, ["digitalSignature", "nonRepudiation", "keyAgreement"], "RFC 5480 does not list for end-entity EC keys", "remove them") : ok),
  }),
  certRule({
    id: "cert.key.br_ecc_ku",
    targets: LEAF,
    severity: "error",
    profiles: BR,
    citation: "CABF BR §7.1.2.7.11",
    zlint: "e_cabf_ecc_allowed_key_usages",
    effective: date("2023-09-15"),
    description: "An ECC subscriber key has digitalSignature and nothing but keyAgreement besides.",
    check: (ctx) => {
      const ku = keyUsage(ctx);
      if (!isEcdsa(ctx) || !ku) return ok;
      const bad = [...ku].filter((b) => b !== "digitalSignature" && b !== "keyAgreement");
      if (!ku.has("digitalSignature")) return [{ message: "an ECC subscriber certificate lacks digitalSignature in keyUsage; add it", location: loc(ctx, ctx.nodes.extensions) }];
      return bad.length ? [{ message: `an ECC subscriber certificate has ${bad.join(", ")} in keyUsage; only digitalSignature and keyAgreement are allowed`, location: loc(ctx, ctx.nodes.extensions) }] : ok;
    },
  }),
  certRule({
    id: "cert.key.br_ecc_key_agreement",
    targets: LEAF,
    severity: "warning",
    profiles: BR,
    citation: "CABF BR §7.1.2.7.11",
    zlint: "w_cabf_ecc_ku_keyagreement_present",
    effective: date("2023-09-15"),
    description: "An ECC subscriber key does not assert keyAgreement (allowed, not recommended).",
    check: (ctx) => (isEcdsa(ctx) && keyUsage(ctx)?.has("keyAgreement") ? [{ message: "keyAgreement is set on an ECC subscriber certificate; it is NOT RECOMMENDED — drop it unless static ECDH is used", location: loc(ctx, ctx.nodes.extensions) }] : ok),
  }),
  certRule({
    id: "cert.key.sm2_ku",
    targets: ALL,
    severity: "warning",
    profiles: CASKIT,
    citation: "GM/T 0015-2012 §7.3",
    description: "An SM2 signing certificate's key does not also assert encipherment (GM/T separates signing and encryption certificates).",
    check: (ctx) => {
      const ku = keyUsage(ctx);
      if (ecCurve(ctx) !== OIDS.sm2Curve || !ku) return ok;
      return ku.has("digitalSignature") && (ku.has("keyEncipherment") || ku.has("dataEncipherment")) ? [{ message: "an SM2 certificate asserts both digitalSignature and encipherment; issue a separate SM2 encryption certificate", location: loc(ctx, ctx.nodes.extensions) }] : ok;
    },
  }),
]);


