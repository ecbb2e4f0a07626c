/**
 * Lint profiles: which rules run and at what severity.
 *
 * Built-in profiles are memberships declared by the rules themselves (`Rule.profiles`, and
 * `Rule.severities` for a different grade in one profile):
 * - `rfc5280`: the structure and encoding rules of RFC 5280 / RFC 2986 / RFC 5480 — what any X.509
 *   consumer expects, without a CA policy;
 * - `cabf-br`: the CA/Browser Forum Baseline Requirements for publicly-trusted TLS (public names only,
 *   RSA ≥ 2048 or P-256/384/521, no SHA-1 …), effective dates honoured;
 * - `cas`: what caskit's CAS API accepts (for CSRs: exactly docs/csr-policy.md, plus warnings for the
 *   certificate-order actions' narrower rules) — the CSR default;
 * - `private`: a private CA's sensible rules — the CAS errors, but internal names, private addresses,
 *   long validity and SM2 are fine — the default for certificates and CRLs.
 *
 * A user profile (LintProfile, e.g. from a JSON file) starts from `extends` (default: the target's
 * default profile) and applies `enable`, `disable` and `severity`, whose keys are rule ids or prefixes
 * ending in `*`. When several patterns name one rule the most specific wins (an exact id over a prefix,
 * a longer prefix over a shorter one); between `enable` and `disable` of equal specificity, `disable`
 * wins. `severity` re-grades rules that run, and does not turn any on.
 */
import { z } from "zod";
import { PROFILE_NAMES, type Rule, allRules, severityIn } from "./registry.js";
import type { LintProfile, LintTarget, ProfileName, Severity } from "./types.js";

export const SEVERITIES: readonly Severity[] = ["error", "warning", "notice"];
export const SEVERITY_RANK: Record<Severity, number> = { error: 0, warning: 1, notice: 2 };

/** The profile used when none is given. */
export const defaultProfileFor = (target: LintTarget | "unknown"): ProfileName => (target === "csr" ? "cas" : "private");

export interface ResolvedProfile {
  name: string;
  base: ProfileName;
  /** The severity this profile gives the rule, or null when it does not run it. */
  severityOf(rule: Rule): Severity | null;
}

/** A user profile that does not validate; `issues` says what is wrong, one line each. */
export class LintProfileError extends Error {
  readonly issues: string[];
  constructor(issues: string[]) {
    super(`invalid lint profile: ${issues.join("; ")}`);
    this.name = "LintProfileError";
    this.issues = issues;
  }
}

const PATTERN = /^[a-z0-9_.]+\*?$|^\*$/;
const patternSchema = z.string().max(200).regex(PATTERN, 'a rule id, or a prefix ending in "*" (e.g. "csr.san.*")');
const profileSchema = z
  .object({
    name: z.string().min(1).max(100),
    extends: z.enum(PROFILE_NAMES as [ProfileName, ...ProfileName[]]).optional(),
    disable: z.array(patternSchema).max(1000).optional(),
    enable: z.array(patternSchema).max(1000).optional(),
    severity: z.record(patternSchema, z.enum(SEVERITIES as [Severity, ...Severity[]])).optional(),
  })
  .strict();

/**
 * Validates a user profile (already JSON-parsed). Every pattern must name at least one registered rule
 * (a typo would otherwise silently do nothing).
 * @throws LintProfileError listing every problem.
 */
export function parseLintProfile(value: unknown): LintProfile {
  const r = profileSchema.safeParse(value);
  if (!r.success) {
    throw new LintProfileError(r.error.issues.map((i) => `${i.path.length ? i.path.join(".") : "profile"}: ${i.message}`));
  }
  const p = r.data as LintProfile;
  const ids = allRules().map((x) => x.id);
  const unknown: string[] = [];
  const check = (where: string, pat: string) => {
    if (!ids.some((id) => matches(pat, id))) unknown.push(`${where}: ${JSON.stringify(pat)} names no rule`);
  };
  for (const x of p.disable ?? []) check("disable", x);
  for (const x of p.enable ?? []) check("enable", x);
  for (const x of Object.keys(p.severity ?? {})) check("severity", x);
  if (unknown.length) throw new LintProfileError(unknown);
  return p;
}

function matches(pattern: string, id: string): boolean {
  return pattern.endsWith("*") ? id.startsWith(pattern.slice(0, -1)) : pattern === id;
}

/** Specificity of a matching pattern: exact ids beat every prefix; longer prefixes beat shorter. -1: no match. */
function specificity(pattern: string, id: string): number {
  if (!matches(pattern, id)) return -1;
  return pattern.endsWith("*") ? pattern.length - 1 : Number.MAX_SAFE_INTEGER;
}

function best(patterns: readonly string[] | undefined, id: string): number {
  let s = -1;
  for (const p of patterns ?? []) s = Math.max(s, specificity(p, id));
  return s;
}

/** Resolves a built-in name or a user profile for a target. @throws LintProfileError (user profile) or TypeError (unknown name). */
export function resolveProfile(profile: ProfileName | LintProfile | undefined, target: LintTarget | "unknown"): ResolvedProfile {
  if (profile === undefined || typeof profile === "string") {
    const base = profile ?? defaultProfileFor(target);
    if (!PROFILE_NAMES.includes(base)) throw new TypeError(`unknown lint profile ${JSON.stringify(base)}; built-in: ${PROFILE_NAMES.join(", ")}`);
    return { name: base, base, severityOf: (rule) => (rule.profiles.includes(base) ? severityIn(rule, base) : null) };
  }
  const p = parseLintProfile(profile);
  const base = p.extends ?? defaultProfileFor(target);
  return {
    name: p.name,
    base,
    severityOf(rule) {
      const on = rule.profiles.includes(base);
      const en = best(p.enable, rule.id);
      const dis = best(p.disable, rule.id);
      const runs = dis >= 0 && dis >= en ? false : en >= 0 ? true : on;
      if (!runs) return null;
      let sev = severityIn(rule, base);
      let s = -1;
      for (const [pat, v] of Object.entries(p.severity ?? {})) {
        const k = specificity(pat, rule.id);
        if (k > s) {
          s = k;
          sev = v;
        }
      }
      return sev;
    },
  };
}
