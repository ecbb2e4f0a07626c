/**
 * SM2 rules: an SM2 key (id-ecPublicKey on the SM2 curve, GM/T 0003) signs with SM3withSM2
 * (1.2.156.10197.1.501, no parameters) and nothing else — not ECDSA over the SM2 curve — and its point lies
 * on the curve. The default distinguishing ID is checked by csr.signature.verify.
 */
import { CURVES, OID } from "../../crypto/algorithms.js";
import { sm2PublicKeyObject } from "../../crypto/sm2.js";
import { oidExcerpt } from "../../csr/der-reader.js";
import type { CsrContext } from "../registry.js";
import { csrRule, registerRules } from "../registry.js";
import { CASKIT, at } from "./csr-common.js";

const isSm2Key = (ctx: CsrContext): boolean => ctx.csr.key?.algorithm === OID.ecPublicKey && ctx.csr.key.curveOid === OID.sm2Curve;
const SM3_WITH_SM2 = "1.2.156.10197.1.501";

registerRules([
  csrRule({
    id: "csr.sm2.signature_algorithm",
    severity: "error",
    profiles: CASKIT,
    citation: "GM/T 0009-2012 §7; GB/T 35276-2017; RFC 8998 §3.2",
    csrCode: "unsupported_signature",
    description: "An SM2 key signs with SM3withSM2 (1.2.156.10197.1.501); ECDSA over the SM2 curve, or any other algorithm, is refused.",
    check: (ctx) => {
      const s = ctx.csr.signature;
      if (!isSm2Key(ctx) || !s?.oid || s.oid === SM3_WITH_SM2) return [];
      const name = s.known?.name ?? s.refusedName ?? oidExcerpt(s.oid);
      const ecdsa = s.known?.family === "ECC" || /ecdsa/i.test(name);
      return [
        at(
          ecdsa
            ? `an SM2 key must sign with SM3withSM2, not ${name}: ECDSA over the SM2 curve is not SM2 (OpenSSL: sign with -sm3, and -sigopt distid:1234567812345678)`
            : `an SM2 key must sign with SM3withSM2, not ${name}`,
          s.algIdLocation,
        ),
      ];
    },
  }),
  csrRule({
    id: "csr.sm2.signature_params",
    severity: "error",
    profiles: CASKIT,
    citation: "GM/T 0006-2012; RFC 5758 §3.2 (by analogy with ECDSA)",
    csrCode: "unsupported_signature",
    description: "The SM3withSM2 AlgorithmIdentifier has no parameters.",
    check: (ctx) => {
      const s = ctx.csr.signature;
      if (s?.oid !== SM3_WITH_SM2 || !s.params) return [];
      return [at("the SM3withSM2 AlgorithmIdentifier carries parameters; it must have none", { offset: s.params.start, length: s.params.end - s.params.start })];
    },
  }),
  csrRule({
    id: "csr.sm2.point_off_curve",
    severity: "error",
    profiles: CASKIT,
    citation: "GM/T 0003.1-2012 §6.1; GB/T 32918.1-2016",
    csrCode: "unsupported_key",
    description: "The SM2 public point lies on the SM2 curve.",
    check: (ctx) => {
      const k = ctx.csr.key;
      const point = k?.facts?.curve?.name === "SM2" ? k.facts.point : null;
      if (!k || !point || point.length !== CURVES.SM2.pointLength) return [];
      try {
        sm2PublicKeyObject(point);
        return [];
      } catch {
        return [at("the SM2 public point is not on the SM2 curve", k.keyLocation)];
      }
    },
  }),
]);
