/** CSR public-key rules (docs/csr-policy.md "Public key"): parseCsr's weak_key and unsupported_key, one rule per fault. */
import { createPublicKey } from "node:crypto";
import { CURVES_BY_OID, OID } from "../../crypto/algorithms.js";
import { modulusBits } from "../../crypto/keys.js";
import { oidExcerpt } from "../../csr/der-reader.js";
import type { CsrKey } from "../csr-analysis.js";
import { type CsrContext, type RuleResult, csrRule, registerRules } from "../registry.js";
import { ALL, CSR_POLICY, POLICY, at } from "./csr-common.js";

const spanOfKey = (k: CsrKey) => k.keyLocation;
const algSpan = (ctx: CsrContext, k: CsrKey) => {
  const alg = k.spki.children?.[0];
  return alg ? { offset: alg.start, length: Math.min(alg.end, ctx.der.length) - alg.start } : undefined;
};

/** RSA key facts, when the key is an RSA key that could be read. */
function rsa(ctx: CsrContext): { k: CsrKey; n: Uint8Array; e: Uint8Array } | null {
  const k = ctx.csr.key;
  if (!k || k.algorithm !== OID.rsaEncryption || !k.rsa) return null;
  return { k, n: k.rsa.n, e: k.rsa.e };
}
const positive = (v: Uint8Array) => v.length > 0 && ((v[0] as number) & 0x80) === 0;

/** EC key facts: the key is id-ecPublicKey. */
function ec(ctx: CsrContext): CsrKey | null {
  const k = ctx.csr.key;
  return k && k.algorithm === OID.ecPublicKey ? k : null;
}

function whenRsa(ctx: CsrContext, f: (x: NonNullable<ReturnType<typeof rsa>>) => RuleResult[]): RuleResult[] {
  const x = rsa(ctx);
  return x ? f(x) : [];
}

registerRules([
  csrRule({
    id: "csr.key.algorithm",
    severity: "error",
    profiles: POLICY,
    citation: `${CSR_POLICY} "Public key"; CABF BR §6.1.5`,
    csrCode: "unsupported_key",
    description: "The key is RSA (rsaEncryption) or EC (id-ecPublicKey); RSASSA-PSS, Ed25519, Ed448, X25519, X448, DSA, GOST and others are refused.",
    check: (ctx) => {
      const k = ctx.csr.key;
      if (!k?.algorithm || k.algorithm === OID.rsaEncryption || k.algorithm === OID.ecPublicKey) return [];
      const why = k.error?.code === "unsupported_key" ? k.error.message : `public key algorithm ${oidExcerpt(k.algorithm)} is not supported; use RSA, ECDSA (P-256/384/521) or SM2`;
      return [at(why, algSpan(ctx, k))];
    },
  }),
  csrRule({
    id: "csr.key.rsa_params",
    severity: "error",
    profiles: ALL,
    citation: "RFC 3279 §2.3.1",
    zlint: "e_spki_rsa_encryption_parameter_not_null",
    csrCode: "unsupported_key",
    description: "rsaEncryption key parameters are NULL (caskit also takes them absent).",
    check: (ctx) => {
      const k = ctx.csr.key;
      if (!k || k.algorithm !== OID.rsaEncryption || !k.params) return [];
      const p = k.params;
      return p.tag === 0x05 && p.end === p.contentStart ? [] : [at("rsaEncryption key parameters must be NULL", { offset: p.start, length: p.end - p.start })];
    },
  }),
  csrRule({
    id: "csr.key.rsa_not_positive",
    severity: "error",
    profiles: ALL,
    citation: "RFC 8017 §3.1",
    csrCode: "weak_key",
    description: "The RSA modulus and public exponent are positive INTEGERs.",
    check: (ctx) =>
      whenRsa(ctx, ({ k, n, e }) =>
        [
          [n, "modulus"],
          [e, "exponent"],
        ]
          .filter(([v]) => !positive(v as Uint8Array))
          .map(([, name]) => at(`RSA ${name as string} is not positive`, spanOfKey(k))),
      ),
  }),
  csrRule({
    id: "csr.key.rsa_too_small",
    severity: "error",
    profiles: POLICY,
    citation: "CABF BR §6.1.5; NIST SP 800-131A",
    zlint: "e_rsa_mod_less_than_2048_bits",
    csrCode: "weak_key",
    description: "The RSA modulus is at least 2048 bits.",
    check: (ctx) =>
      whenRsa(ctx, ({ k, n }) => {
        if (!positive(n)) return [];
        const bits = modulusBits(n);
        return bits < 2048 ? [at(`RSA key is ${bits} bits; the minimum is 2048 (generate RSA-2048 or larger, or P-256)`, spanOfKey(k))] : [];
      }),
  }),
  csrRule({
    id: "csr.key.rsa_exponent_even",
    severity: "error",
    profiles: POLICY,
    citation: "CABF BR §6.1.6; RFC 8017 §3.1",
    zlint: "e_rsa_public_exponent_not_odd",
    csrCode: "weak_key",
    description: "The RSA public exponent is odd.",
    check: (ctx) => whenRsa(ctx, ({ k, e }) => (positive(e) && ((e[e.length - 1] as number) & 1) === 0 ? [at("RSA public exponent is even; use 65537", spanOfKey(k))] : [])),
  }),
  csrRule({
    id: "csr.key.rsa_exponent_too_small",
    severity: "error",
    profiles: POLICY,
    citation: "CABF BR §6.1.6; RFC 8017 §3.1",
    zlint: "e_rsa_public_exponent_too_small",
    csrCode: "weak_key",
    description: "The RSA public exponent is at least 3 (an exponent of 1 lets anyone make a valid signature).",
    check: (ctx) =>
      whenRsa(ctx, ({ k, e }) => {
        const last = e[e.length - 1] as number;
        const small = e.length === 1 || (e.length === 2 && e[0] === 0);
        return positive(e) && small && (last & 1) === 1 && last < 3 ? [at("RSA public exponent is 1; it must be odd and at least 3 (use 65537)", spanOfKey(k))] : [];
      }),
  }),
  csrRule({
    id: "csr.key.ec_curve_params",
    severity: "error",
    profiles: ALL,
    citation: "RFC 5480 §2.1.1",
    csrCode: "unsupported_key",
    description: "An EC key names its curve (namedCurve OID); explicit or implicit curve parameters are refused, even when they equal a named curve's (CVE-2020-0601).",
    check: (ctx) => {
      const k = ec(ctx);
      if (!k || k.params?.tag === 0x06) return [];
      return [at("EC keys must name their curve; explicit or implicit curve parameters are refused (RFC 5480)", k.params ? { offset: k.params.start, length: k.params.end - k.params.start } : algSpan(ctx, k))];
    },
  }),
  csrRule({
    id: "csr.key.ec_curve",
    severity: "error",
    profiles: POLICY,
    citation: `CABF BR §6.1.5; ${CSR_POLICY} "Public key"`,
    zlint: "e_ec_improper_curves",
    csrCode: "unsupported_key",
    description: "The EC curve is P-256, P-384, P-521 or SM2 (secp256k1, brainpool and others are refused).",
    check: (ctx) => {
      const k = ec(ctx);
      if (!k?.curveOid || CURVES_BY_OID.has(k.curveOid)) return [];
      return [at(`EC curve ${oidExcerpt(k.curveOid)} is not supported; use P-256, P-384, P-521 or SM2`, k.params ? { offset: k.params.start, length: k.params.end - k.params.start } : undefined)];
    },
  }),
  csrRule({
    id: "csr.key.sm2_not_public",
    severity: "error",
    profiles: ["cabf-br"],
    citation: "CABF BR §6.1.5",
    zlint: "e_ec_improper_curves",
    description: "A publicly-trusted certificate's EC key is on P-256, P-384 or P-521; SM2 keys are for private (and Chinese national) PKIs.",
    check: (ctx) => {
      const k = ec(ctx);
      return k?.curveOid === OID.sm2Curve ? [at("an SM2 key cannot be certified under the Baseline Requirements; use P-256, P-384, P-521 or RSA", algSpan(ctx, k))] : [];
    },
  }),
  csrRule({
    id: "csr.key.ec_point_compressed",
    severity: "error",
    profiles: POLICY,
    citation: `RFC 5480 §2.2; ${CSR_POLICY} "Public key"`,
    csrCode: "unsupported_key",
    description: "The EC public point is uncompressed (04 || X || Y).",
    check: (ctx) => {
      const k = ec(ctx);
      if (!k?.curveOid || !CURVES_BY_OID.has(k.curveOid) || !k.keyBytes || k.keyBytes[0] === 0x04) return [];
      return [at("compressed EC points are refused; send the uncompressed point", spanOfKey(k))];
    },
  }),
  csrRule({
    id: "csr.key.ec_point_length",
    severity: "error",
    profiles: ALL,
    citation: "SEC 1 §2.3.3; RFC 5480 §2.2",
    csrCode: "unsupported_key",
    description: "The uncompressed EC point has its curve's length (65, 97 or 133 bytes).",
    check: (ctx) => {
      const k = ec(ctx);
      const curve = k?.curveOid ? CURVES_BY_OID.get(k.curveOid) : undefined;
      if (!k || !curve || !k.keyBytes || k.keyBytes[0] !== 0x04 || k.keyBytes.length === curve.pointLength) return [];
      return [at(`the ${curve.name} public point is ${k.keyBytes.length} bytes; it must be ${curve.pointLength}`, spanOfKey(k))];
    },
  }),
  csrRule({
    id: "csr.key.ec_point_off_curve",
    severity: "error",
    profiles: ALL,
    citation: "SEC 1 §3.2.2.1; RFC 5480 §2.2",
    csrCode: "unsupported_key",
    description: "The NIST EC public point lies on its curve (such a request's signature cannot verify either).",
    check: (ctx) => {
      const k = ctx.csr.key;
      const jwk = k?.facts?.jwk;
      if (!k || !jwk) return [];
      try {
        createPublicKey({ key: jwk, format: "jwk" });
        return [];
      } catch {
        return [at(`the public point is not on ${String(jwk.crv)}`, spanOfKey(k))];
      }
    },
  }),
]);
