/** CSR signature rules (docs/csr-policy.md "Signature"): unsupported_signature and bad_signature, one rule per fault. */
import { SM2_DEFAULT_ID } from "../../crypto/sm2.js";
import { oidExcerpt } from "../../csr/der-reader.js";
import { type CsrContext, csrRule, registerRules } from "../registry.js";
import { ALL, CASKIT, CSR_POLICY, POLICY, at } from "./csr-common.js";

const SHA1 = new Set(["1.2.840.113549.1.1.5", "1.2.840.10045.4.1", "1.2.840.10040.4.3"]);
const WEAK_HASH = new Set(["1.2.840.113549.1.1.4", "1.2.840.113549.1.1.2", "1.2.840.113549.1.1.14", "1.2.840.10045.4.3.1"]);
const RSASSA_PSS = "1.2.840.113549.1.1.10";

const sig = (ctx: CsrContext) => ctx.csr.signature;
const keyFamily = (ctx: CsrContext): "RSA" | "ECC" | "SM2" | null => {
  const f = ctx.csr.key?.facts;
  return f ? (f.keyAlgorithm === "EC" ? "ECC" : f.keyAlgorithm) : null;
};

registerRules([
  csrRule({
    id: "csr.signature.sha1",
    severity: "error",
    profiles: POLICY,
    citation: "CABF BR §7.1.3.2",
    zlint: "e_sub_cert_or_sub_ca_using_sha1",
    csrCode: "unsupported_signature",
    description: "The request is not signed with SHA-1 (sha1WithRSAEncryption, ecdsa-with-SHA1, dsa-with-SHA1).",
    check: (ctx) => {
      const s = sig(ctx);
      return s?.oid && SHA1.has(s.oid) ? [at(`${s.refusedName} signatures are refused; sign with SHA-256 or stronger (or SM3withSM2)`, s.algIdLocation)] : [];
    },
  }),
  csrRule({
    id: "csr.signature.weak_hash",
    severity: "error",
    profiles: POLICY,
    citation: "CABF BR §7.1.3.2",
    csrCode: "unsupported_signature",
    description: "The request is not signed with MD2, MD5 or SHA-224.",
    check: (ctx) => {
      const s = sig(ctx);
      return s?.oid && WEAK_HASH.has(s.oid) ? [at(`${s.refusedName} signatures are refused; sign with SHA-256 or stronger (or SM3withSM2)`, s.algIdLocation)] : [];
    },
  }),
  csrRule({
    id: "csr.signature.rsa_pss",
    severity: "error",
    profiles: CASKIT,
    citation: `${CSR_POLICY} "Signature"`,
    csrCode: "unsupported_signature",
    description: "RSA requests are signed with PKCS#1 v1.5 (sha256/384/512WithRSAEncryption), not RSASSA-PSS.",
    check: (ctx) => {
      const s = sig(ctx);
      return s?.oid === RSASSA_PSS
        ? [at("RSASSA-PSS signatures are refused; sign with PKCS#1 v1.5 and SHA-256 or stronger — sha256WithRSAEncryption (OpenSSL: drop -sigopt rsa_padding_mode:pss)", s.algIdLocation)]
        : [];
    },
  }),
  csrRule({
    id: "csr.signature.unsupported",
    severity: "error",
    profiles: POLICY,
    citation: `${CSR_POLICY} "Signature"; CABF BR §7.1.3.2`,
    csrCode: "unsupported_signature",
    description: "The signature algorithm is sha256/384/512WithRSAEncryption, ecdsa-with-SHA256/384/512 or SM3withSM2 (not DSA, Ed25519, Ed448 or an unknown OID).",
    check: (ctx) => {
      const s = sig(ctx);
      if (!s?.oid || s.known || SHA1.has(s.oid) || WEAK_HASH.has(s.oid) || s.oid === RSASSA_PSS) return [];
      return [at(s.refusedName ? `${s.refusedName} signatures are refused; sign with SHA-256 or stronger (or SM3withSM2)` : `signature algorithm ${oidExcerpt(s.oid)} is not supported`, s.algIdLocation)];
    },
  }),
  csrRule({
    id: "csr.signature.params",
    severity: "error",
    profiles: ALL,
    citation: "RFC 4055 §5; RFC 5758 §3.2",
    csrCode: "unsupported_signature",
    description: "RSA signature AlgorithmIdentifiers have NULL or absent parameters; ECDSA ones have none.",
    check: (ctx) => {
      const s = sig(ctx);
      const p = s?.params;
      if (!s?.known || !p || s.known.family === "SM2") return [];
      if (s.known.family === "RSA" && p.tag === 0x05 && p.end === p.contentStart) return [];
      return [at(`the ${s.known.name} AlgorithmIdentifier carries parameters it must not have`, { offset: p.start, length: p.end - p.start })];
    },
  }),
  csrRule({
    id: "csr.signature.key_mismatch",
    severity: "error",
    profiles: ALL,
    citation: "RFC 2986 §4.2; RFC 5280 §4.1.1.2",
    csrCode: "bad_signature",
    description: "The signature algorithm is one the request's key can make (an RSA key signs with RSA, an EC key with ECDSA).",
    check: (ctx) => {
      const s = sig(ctx);
      const family = keyFamily(ctx);
      if (!s?.known || !family || family === "SM2" || s.known.family === family) return [];
      return [at(`${s.known.name} cannot have been made by a${family === "RSA" ? "n RSA" : "n EC"} key`, s.algIdLocation)];
    },
  }),
  csrRule({
    id: "csr.signature.verify",
    severity: "error",
    profiles: ALL,
    citation: "RFC 2986 §3; GM/T 0009-2012 §5.1 (SM2 default ID)",
    csrCode: "bad_signature",
    description: "The self-signature verifies with the request's key (SM2: with the default ID 1234567812345678).",
    check: (ctx) => {
      const s = sig(ctx);
      if (s?.verified === "empty-id") {
        return [
          at(
            `the SM2 signature was made with an empty user ID; SM2 requests must use the default ID ${SM2_DEFAULT_ID} (OpenSSL: add -sigopt distid:${SM2_DEFAULT_ID})`,
            ctx.tree?.children?.[2] ? { offset: ctx.tree.children[2].start, length: ctx.tree.children[2].end - ctx.tree.children[2].start } : undefined,
          ),
        ];
      }
      if (s?.verified === "bad") {
        const bits = ctx.tree?.children?.[2];
        return [at("the request's self-signature does not verify", bits ? { offset: bits.start, length: bits.end - bits.start } : undefined)];
      }
      return [];
    },
  }),
]);
