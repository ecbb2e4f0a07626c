/**
 * THE lint rule registry. Every rule caskit lints with is one entry here, registered by the module of
 * its family: src/lint/rules/csr-*.ts (CSRs), src/lint/rules/cert-*.ts (certificates),
 * src/lint/rules/crl-*.ts (CRLs). Profiles (src/lint/profiles.ts) pick rules and re-grade them; the runner
 * (src/lint/runner.ts) runs them and turns what they return into `Finding`s (src/lint/types.ts).
 *
 * ## Adding a rule
 *
 * 1. In your family's module, call `registerRules([...])` once at module level with `csrRule(…)`,
 *    `certRule(…)` or `crlRule(…)` entries (they type `check`'s context for you):
 *
 *    ```ts
 *    registerRules([
 *      certRule({
 *        id: "cert.san.missing",                 // "<family>.<area>.<what>", lower case, stable forever
 *        targets: ["server"],                    // certRule only: root | intermediate | server | client
 *        severity: "error",                      // default severity …
 *        severities: { rfc5280: "warning" },     // … optionally different in some built-in profiles
 *        profiles: ["rfc5280", "cabf-br", "cas", "private"], // built-in profiles that run it by default
 *        citation: "CABF BR §7.1.2.7.12",
 *        zlint: "e_sub_cert_aia_missing",        // only when zlint has the same rule
 *        effective: new Date("2023-09-15T00:00:00Z"), // optional: only for certificates issued on/after
 *        description: "A server certificate carries a subjectAltName extension.",
 *        check: (ctx) => ctx.extensions.has(OID_SAN) ? [] : [{ message: "no subjectAltName extension; add the DNS names", location: spanOf(ctx.nodes.tbs, ctx.der.length) }],
 *      }),
 *    ]);
 *    ```
 * 2. New module? Add one `import "./<module>.js";` line to src/lint/rules/index.ts. (Rule modules are
 *    imported for their side effect, registration: package.json's `sideEffects` lists dist/lint/rules/*.js so
 *    that bundlers keep them.)
 * 3. `check` returns one `{ message, location? }` per problem (empty array: fine). It must not throw on
 *    any input it can be given (a throw becomes a `lint.rule_failed` finding, so one broken rule never
 *    hides the others), must stay linear in the input, and must never read the clock (use `ctx.now`,
 *    `ctx.date`). Messages name the field and the fix and echo at most a bounded, escaped excerpt of the
 *    input (`quoteExcerpt` from src/csr/names.ts, `oidExcerpt` from src/csr/der-reader.ts).
 *    `location` is a byte range in `ctx.der` (use `spanOf(tlv, ctx.der.length)` from src/lint/der.ts);
 *    the runner drops locations that fall outside it.
 * 4. Add a test with a bad input (test/lint/<family>-*.test.ts) and a row in docs/lint.md.
 *    test/lint/registry.test.ts checks every rule's shape (id syntax, unique ids, citation, profiles).
 *
 * ## The context each target gets
 *
 * Every context has `target`, `now` (LintOptions.now or the clock), `date` (what `effective` is compared
 * with: a certificate's notBefore, a CRL's thisUpdate, `now` for a CSR), `der` (the DER linted: the
 * decoded body of a PEM input, the input itself for DER; every `location` indexes it), `tree` (the whole
 * DER as a TLV tree with byte offsets, read tolerantly: BER is readable) and `derIssues` (every departure
 * from strict DER found while reading it, with byte ranges).
 *
 * - `CsrContext` (target "csr"): `csr`, a `CsrAnalysis` (src/lint/csr-analysis.ts) — what the strict
 *   parser's checks found when run in "collect everything" mode: armour and structure problems, the key,
 *   the signature algorithm and verification result, subject attributes and requested names. Fields are
 *   null when the request could not be read that far. CSR rules also run on undecodable input (`der`
 *   may then be empty and `tree` null): the input rules report why.
 * - `CertContext` (targets root | intermediate | server | client): `cert` (@peculiar/asn1-x509
 *   `Certificate`), `nodes` (TLVs of the fields: tbs, version, serial, signature, issuer, validity,
 *   subject, spki, issuerUniqueId, subjectUniqueId, extensions, signatureAlgorithm, signatureValue),
 *   `extensions` (OID → every occurrence: the parsed `Extension` and its TLV, in order; a repeated OID
 *   has two entries), `issuer?` (`{ der, cert }` when CertificateLintOptions.issuer was given and
 *   decodes). Rules run only when the certificate decodes; otherwise the report holds `input.decode`.
 *   Decoding and the kind (`certKind`: a CA is root when self-issued, else intermediate; a leaf is client
 *   when its EKU has clientAuth without serverAuth, else server) are in src/lint/x509.ts.
 * - `CrlContext` (target "crl"): `crl` (@peculiar/asn1-x509 `CertificateList`), `nodes` (tbs, version,
 *   signature, issuer, thisUpdate, nextUpdate, revokedCertificates — each entry's TLV in `revoked` —,
 *   crlExtensions, signatureAlgorithm, signatureValue), `extensions` (as for certificates, the CRL's own),
 *   `issuer?`.
 *
 * ## Fields beyond the contract in src/lint/types.ts (for the other rule families)
 *
 * - `Rule.severities`: per-built-in-profile severity, over `severity`.
 * - `Rule.csrCode`: for CSR rules, the `CsrError` code `parseCsr` refuses with for the same fault. The
 *   parity test (test/lint/csr-parity.test.ts) holds `lintCsr(x, { profile: "cas" })` to "an error exactly
 *   when parseCsr throws, and one of the same code". Certificate and CRL rules leave it out.
 * - `LintReport.derLength` (types.ts): the length of the DER that locations index, so a caller can check them.
 * - `LintOptions.csrUse` (types.ts): "server" (default) or "client", parseCsr's profile; CSR rules read it as `ctx.use`.
 */
import type { Certificate, CertificateList, Extension } from "@peculiar/asn1-x509";
import type { CsrErrorCode } from "../errors.js";
import type { CsrAnalysis } from "./csr-analysis.js";
import type { DerIssue, Tlv } from "./der.js";
import type { LintTarget, ProfileName, Severity } from "./types.js";

export const PROFILE_NAMES: readonly ProfileName[] = ["rfc5280", "cabf-br", "cas", "private"];
export const CERT_TARGETS = ["root", "intermediate", "server", "client"] as const;
export type CertTarget = (typeof CERT_TARGETS)[number];

/** What a rule returns per problem; the runner adds the rule's id, severity, citation and zlint name. */
export interface RuleResult {
  message: string;
  location?: { offset: number; length: number };
}

interface BaseContext {
  now: Date;
  /** Compared with `Rule.effective`: a certificate's notBefore, a CRL's thisUpdate, `now` for a CSR. */
  date: Date;
  /** The DER linted (a PEM input's decoded body); every location indexes it. */
  der: Uint8Array;
  derIssues: DerIssue[];
}

export interface CsrContext extends BaseContext {
  target: "csr";
  /** LintOptions.csrUse: "server" (default) or "client". */
  use: "server" | "client";
  tree: Tlv | null;
  csr: CsrAnalysis;
}

/** A parsed extension and where it is. */
export interface ExtensionEntry {
  ext: Extension;
  tlv: Tlv;
}

export interface CertNodes {
  tbs: Tlv;
  version?: Tlv;
  serial?: Tlv;
  signature?: Tlv;
  issuer?: Tlv;
  validity?: Tlv;
  subject?: Tlv;
  spki?: Tlv;
  issuerUniqueId?: Tlv;
  subjectUniqueId?: Tlv;
  extensions?: Tlv;
  signatureAlgorithm?: Tlv;
  signatureValue?: Tlv;
}

export interface CertContext extends BaseContext {
  target: CertTarget;
  tree: Tlv;
  cert: Certificate;
  nodes: CertNodes;
  extensions: Map<string, ExtensionEntry[]>;
  issuer?: { der: Uint8Array; cert: Certificate };
}

export interface CrlNodes {
  tbs: Tlv;
  version?: Tlv;
  signature?: Tlv;
  issuer?: Tlv;
  thisUpdate?: Tlv;
  nextUpdate?: Tlv;
  revokedCertificates?: Tlv;
  /** Each revokedCertificates entry, in order. */
  revoked: Tlv[];
  crlExtensions?: Tlv;
  signatureAlgorithm?: Tlv;
  signatureValue?: Tlv;
}

export interface CrlContext extends BaseContext {
  target: "crl";
  tree: Tlv;
  crl: CertificateList;
  nodes: CrlNodes;
  extensions: Map<string, ExtensionEntry[]>;
  issuer?: { der: Uint8Array; cert: Certificate };
}

export type LintContext = CsrContext | CertContext | CrlContext;

export interface Rule {
  /** "<family>.<area>.<what>": lower case letters, digits, `_` and dots. Stable: profiles name it. */
  id: string;
  targets: LintTarget[];
  /** Default severity (in every built-in profile that runs the rule, unless `severities` says otherwise). */
  severity: Severity;
  severities?: Partial<Record<ProfileName, Severity>>;
  /** "RFC 5280 §4.2.1.6", "CABF BR §7.1.2.7.12", "CAS CreateServerCertificateWithCsr", "GM/T 0003-2012", "caskit". */
  citation: string;
  zlint?: string;
  /** The rule applies to what was issued on or after this date (ctx.date), as zlint's effective dates. */
  effective?: Date;
  /** The built-in profiles that run it by default. */
  profiles: ProfileName[];
  /** One sentence: what a conforming input does. */
  description: string;
  /** CSR rules: parseCsr's refusal code for the same fault (see the header). */
  csrCode?: CsrErrorCode;
  check(ctx: LintContext): RuleResult[];
}

type RuleSpec<C> = Omit<Rule, "targets" | "check"> & { check(ctx: C): RuleResult[] };

/** A CSR rule (target "csr"). */
export function csrRule(spec: RuleSpec<CsrContext>): Rule {
  return { ...spec, targets: ["csr"], check: (ctx) => (ctx.target === "csr" ? spec.check(ctx) : []) };
}

/** A certificate rule for the given certificate kinds. */
export function certRule(spec: RuleSpec<CertContext> & { targets: CertTarget[] }): Rule {
  return { ...spec, targets: [...spec.targets], check: (ctx) => (ctx.target !== "csr" && ctx.target !== "crl" ? spec.check(ctx) : []) };
}

/** A CRL rule (target "crl"). */
export function crlRule(spec: RuleSpec<CrlContext>): Rule {
  return { ...spec, targets: ["crl"], check: (ctx) => (ctx.target === "crl" ? spec.check(ctx) : []) };
}

const RULES = new Map<string, Rule>();
const ID = /^[a-z0-9_]+(\.[a-z0-9_]+)+$/;

/**
 * Adds rules to the registry. @throws TypeError on a duplicate id, a malformed id, or no targets
 * (programming mistakes, caught by the first test that imports the module).
 */
export function registerRules(rules: readonly Rule[]): readonly Rule[] {
  for (const r of rules) {
    if (!ID.test(r.id)) throw new TypeError(`lint rule id ${JSON.stringify(r.id)} is not <family>.<area>.<what>`);
    if (RULES.has(r.id)) throw new TypeError(`lint rule ${r.id} is registered twice`);
    if (!r.targets.length) throw new TypeError(`lint rule ${r.id} has no targets`);
    RULES.set(r.id, r);
  }
  return rules;
}

/** Every registered rule, in registration order. */
export function allRules(): Rule[] {
  return [...RULES.values()];
}

export function ruleById(id: string): Rule | undefined {
  return RULES.get(id);
}

/** The rules a built-in profile runs by default on a target (user profiles: see resolveProfile). */
export function rulesFor(target: LintTarget, profile: ProfileName): Rule[] {
  return allRules().filter((r) => r.targets.includes(target) && r.profiles.includes(profile));
}

/** A rule's severity in a built-in profile. */
export function severityIn(rule: Rule, profile: ProfileName): Severity {
  return rule.severities?.[profile] ?? rule.severity;
}
