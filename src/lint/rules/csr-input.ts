/**
 * CSR input, armour, DER and structure rules (docs/csr-policy.md "Input"): what parseCsr refuses as
 * too_large, parse_error and trailing_data, one rule per kind of fault.
 */
import { oidExcerpt } from "../../csr/der-reader.js";
import { csrRule, registerRules } from "../registry.js";
import { ALL, CASKIT, CSR_POLICY, at, problems } from "./csr-common.js";

const EXTENSION_NAMES: Record<string, string> = {
  "2.5.29.19": "basicConstraints",
  "2.5.29.15": "keyUsage",
  "2.5.29.37": "extendedKeyUsage",
  "2.5.29.14": "subjectKeyIdentifier",
  "2.5.29.32": "certificatePolicies",
  "1.3.6.1.5.5.7.1.24": "TLS feature (OCSP must-staple)",
};

registerRules([
  csrRule({
    id: "csr.input.too_large",
    severity: "error",
    profiles: ALL,
    citation: `${CSR_POLICY} "Input" (65,536 bytes)`,
    csrCode: "too_large",
    description: "The input is at most 65,536 bytes (measured before anything is parsed).",
    check: (ctx) => problems(ctx, "csr.input.too_large"),
  }),
  csrRule({
    id: "csr.input.pem",
    severity: "error",
    profiles: ALL,
    citation: "RFC 7468 §2, §7",
    csrCode: "parse_error",
    description: "The input is DER, or one PEM block labelled CERTIFICATE REQUEST (or NEW CERTIFICATE REQUEST) with canonical base64 and no headers.",
    check: (ctx) => problems(ctx, "csr.input.pem"),
  }),
  csrRule({
    id: "csr.input.trailing_data",
    severity: "error",
    severities: { rfc5280: "warning" },
    profiles: ALL,
    citation: `${CSR_POLICY} "Input" (exactly one request)`,
    csrCode: "trailing_data",
    description: "Nothing follows the one request: no second PEM block, no text after END, no bytes after the DER.",
    check: (ctx) => problems(ctx, "csr.input.trailing_data"),
  }),
  csrRule({
    id: "csr.der.malformed",
    severity: "error",
    profiles: ALL,
    citation: "ITU-T X.690 §8.1",
    csrCode: "parse_error",
    description: "The request can be framed as ASN.1 at all: no truncation, no value running past its container, nesting at most 24 deep.",
    check: (ctx) => problems(ctx, "csr.der.malformed"),
  }),
  csrRule({
    id: "csr.der.strict",
    severity: "error",
    profiles: ALL,
    citation: "ITU-T X.690 §10 (DER); RFC 2986 §4",
    csrCode: "parse_error",
    description: "The request is strict DER: definite, minimal lengths of at most four octets (BER is readable, but encodes one request two ways).",
    check: (ctx) => problems(ctx, "csr.der.strict"),
  }),
  csrRule({
    id: "csr.structure.malformed",
    severity: "error",
    profiles: ALL,
    citation: "RFC 2986 §4",
    csrCode: "parse_error",
    description: "The request is a CertificationRequest: info, signature AlgorithmIdentifier and signature BIT STRING (no unused bits), with no extra fields and minimal OIDs and INTEGERs.",
    check: (ctx) => problems(ctx, "csr.structure.malformed"),
  }),
  csrRule({
    id: "csr.version",
    severity: "error",
    profiles: ALL,
    citation: "RFC 2986 §4.1",
    csrCode: "parse_error",
    description: "The request's version is 0 (v1).",
    check: (ctx) =>
      ctx.csr.versionValue !== null && ctx.csr.versionValue !== 0
        ? [at(`the request version is ${ctx.csr.versionValue}; it must be 0 (v1)`, ctx.csr.versionLocation)]
        : [],
  }),
  csrRule({
    id: "csr.attributes.missing",
    severity: "error",
    profiles: ALL,
    citation: "RFC 2986 §4.1",
    csrCode: "parse_error",
    description: "The [0] attributes field is present (it may be empty) and is the last field of the request info.",
    check: (ctx) => problems(ctx, "csr.attributes.missing"),
  }),
  csrRule({
    id: "csr.attributes.malformed",
    severity: "error",
    profiles: ALL,
    citation: "RFC 2986 §4.1; RFC 2985 §5.4.2; RFC 5280 §4.2.1.6",
    csrCode: "parse_error",
    description: "Each attribute is a type and a SET of values; at most one extensionRequest, holding one well-formed Extensions; at most one SAN extension, not empty, of GeneralNames.",
    check: (ctx) => problems(ctx, "csr.attributes.malformed"),
  }),
  csrRule({
    id: "csr.subject.malformed",
    severity: "error",
    profiles: ALL,
    citation: "RFC 5280 §4.1.2.4",
    csrCode: "parse_error",
    description: "The subject is a Name: RDNs that are non-empty SETs of (type, value) pairs.",
    check: (ctx) => problems(ctx, "csr.subject.malformed"),
  }),
  csrRule({
    id: "csr.key.malformed",
    severity: "error",
    profiles: ALL,
    citation: "RFC 5280 §4.1.2.7; RFC 8017 §A.1.1",
    csrCode: "parse_error",
    description: "The SubjectPublicKeyInfo is well formed: an AlgorithmIdentifier, a BIT STRING with no unused bits, and for RSA a strict-DER RSAPublicKey of two minimal INTEGERs.",
    check: (ctx) => problems(ctx, "csr.key.malformed"),
  }),
  csrRule({
    id: "csr.attributes.ignored_extension",
    severity: "notice",
    profiles: CASKIT,
    citation: `${CSR_POLICY} "Ignored"`,
    description: "Requested extensions other than subjectAltName are ignored: the certificate's extensions come from caskit's profile.",
    check: (ctx) =>
      ctx.csr.otherExtensions.map((x) =>
        at(
          `the requested extension ${EXTENSION_NAMES[x.oid] ?? oidExcerpt(x.oid)}${x.critical ? " (critical)" : ""} is ignored; the certificate's extensions come from the CA's profile`,
          x.location,
        ),
      ),
  }),
]);
