/**
 * caskit lint: compliance linting of CSRs, certificates and CRLs. Every finding at once, each with a
 * severity, the rule id, a citation and (where zlint has the same rule) zlint's name. None of these
 * functions throws on bad data: undecodable input is itself a finding (`input.decode`, or the CSR input
 * rules), and input size and run time are bounded. See docs/lint.md.
 * @module caskit/lint
 */
import { systemNow } from "../internal/env.js";
import { analyzeCsr } from "./csr-analysis.js";
import { type ResolvedProfile, resolveProfile } from "./profiles.js";
import type { CertContext, CrlContext, CsrContext } from "./registry.js";
import "./rules/index.js";
import { FRAMEWORK_CITATION, report, runRules } from "./runner.js";
import type { CertificateLintOptions, Finding, LintOptions, LintReport, LintTarget } from "./types.js";
import { type Decoded, MAX_X509_BYTES, decodeCertificate, decodeCrl, pemBlock, sniffDer, x509Der } from "./x509.js";

export type * from "./types.js";
export { LintProfileError, parseLintProfile, resolveProfile, defaultProfileFor } from "./profiles.js";
export { allRules, ruleById, rulesFor, type Rule } from "./registry.js";
export { MAX_X509_BYTES } from "./x509.js";

const CSR_LABELS = ["CERTIFICATE REQUEST", "NEW CERTIFICATE REQUEST"];
const CERT_LABELS = ["CERTIFICATE", "X509 CERTIFICATE", "TRUSTED CERTIFICATE"];
const CRL_LABELS = ["X509 CRL"];

function checkInput(input: unknown, fn: string): asserts input is string | Uint8Array {
  if (typeof input !== "string" && !(input instanceof Uint8Array)) throw new TypeError(`${fn} takes a string or a Uint8Array`);
}

function decodeFailure(target: LintTarget | "unknown", profile: ResolvedProfile, d: Extract<Decoded<unknown>, { ok: false }>): LintReport {
  const f: Finding = { rule: d.rule, severity: "error", message: d.message, citation: FRAMEWORK_CITATION };
  return report(target, profile.name, [f], d.derLength);
}

/**
 * Lints a PKCS#10 request (PEM or DER) with every CSR rule of the profile (default `cas`: exactly the
 * acceptance policy of docs/csr-policy.md, as errors, plus warnings).
 * @throws TypeError for an input that is neither a string nor bytes, or an unknown profile name;
 * LintProfileError for an invalid profile object. Never for bad data.
 */
export function lintCsr(input: string | Uint8Array, options: LintOptions = {}): LintReport {
  checkInput(input, "lintCsr");
  const profile = resolveProfile(options.profile, "csr");
  const now = options.now ?? systemNow();
  const { analysis, der, tree, derIssues } = analyzeCsr(input);
  const use = options.csrUse ?? "server";
  if (use !== "server" && use !== "client") throw new TypeError('lintCsr: csrUse is "server" or "client"');
  const ctx: CsrContext = { target: "csr", use, now, date: now, der, derIssues, tree, csr: analysis };
  return report("csr", profile.name, runRules(ctx, profile), der.length);
}

/** Lints an X.509 certificate (PEM or DER); `issuer` enables the rules that need the issuing CA. */
export function lintCertificate(input: string | Uint8Array, options: CertificateLintOptions = {}): LintReport {
  checkInput(input, "lintCertificate");
  const now = options.now ?? systemNow();
  const der = x509Der(input, CERT_LABELS, "certificate");
  if (!der.ok) return decodeFailure("unknown", resolveProfile(options.profile, "server"), der);
  const d = decodeCertificate(der.value, now);
  if (!d.ok) return decodeFailure("unknown", resolveProfile(options.profile, "server"), d);
  const ctx: CertContext = { ...d.value, issuer: issuerOf(options.issuer, now) };
  const profile = resolveProfile(options.profile, ctx.target);
  return report(ctx.target, profile.name, runRules(ctx, profile), ctx.der.length);
}

/** Lints an X.509 CRL (PEM or DER); `issuer` enables the rules that need the issuing CA. */
export function lintCrl(input: string | Uint8Array, options: CertificateLintOptions = {}): LintReport {
  checkInput(input, "lintCrl");
  const now = options.now ?? systemNow();
  const profile = resolveProfile(options.profile, "crl");
  const der = x509Der(input, CRL_LABELS, "CRL");
  if (!der.ok) return decodeFailure("crl", profile, der);
  const d = decodeCrl(der.value, now);
  if (!d.ok) return decodeFailure("crl", profile, d);
  const ctx: CrlContext = { ...d.value, issuer: issuerOf(options.issuer, now) };
  return report("crl", profile.name, runRules(ctx, profile), ctx.der.length);
}

function issuerOf(issuer: string | Uint8Array | undefined, now: Date): CertContext["issuer"] {
  if (issuer === undefined) return undefined;
  if (typeof issuer !== "string" && !(issuer instanceof Uint8Array)) throw new TypeError("the issuer is a string or a Uint8Array");
  const der = x509Der(issuer, CERT_LABELS, "certificate");
  if (!der.ok) return undefined;
  const d = decodeCertificate(der.value, now);
  return d.ok ? { der: d.value.der, cert: d.value.cert } : undefined;
}

/** What an input is: from its PEM label, else from its DER shape. */
export function detectKind(input: string | Uint8Array): "csr" | "certificate" | "crl" | null {
  checkInput(input, "detectKind");
  if (typeof input !== "string" && input.length && input[0] === 0x30) return input.length > MAX_X509_BYTES ? null : sniffDer(input);
  const block = pemBlock(input);
  if (!block) return null;
  if (CSR_LABELS.includes(block.label)) return "csr";
  if (CERT_LABELS.includes(block.label)) return "certificate";
  if (CRL_LABELS.includes(block.label)) return "crl";
  return null;
}

/**
 * Lints a CSR, certificate or CRL, told apart by the PEM label or, for DER, by the structure.
 * Input that is none of them is one `input.decode` error (target "unknown").
 */
export function lint(input: string | Uint8Array, options: CertificateLintOptions = {}): LintReport {
  checkInput(input, "lint");
  const kind = detectKind(input);
  if (kind === "csr") return lintCsr(input, options);
  if (kind === "certificate") return lintCertificate(input, options);
  if (kind === "crl") return lintCrl(input, options);
  const profile = resolveProfile(options.profile, "unknown");
  const size = typeof input === "string" ? Buffer.byteLength(input, "utf8") : input.length;
  const message =
    size > MAX_X509_BYTES
      ? `the input is ${size} bytes; the limit is ${MAX_X509_BYTES}`
      : "the input is not a PEM or DER certificate signing request, certificate or CRL";
  return decodeFailure("unknown", profile, { ok: false, rule: size > MAX_X509_BYTES ? "input.too_large" : "input.decode", message, derLength: 0 });
}
