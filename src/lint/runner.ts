/**
 * Runs a profile's rules on a context and builds the report: every finding at once, worst first (then
 * by position in the DER), with a location only when it lies within the DER. A rule that throws becomes
 * a `lint.rule_failed` finding; a run that exceeds its time budget stops with `lint.time_budget`.
 */
import { monotonicMs } from "../internal/env.js";
import type { ResolvedProfile } from "./profiles.js";
import { SEVERITY_RANK } from "./profiles.js";
import type { LintContext, Rule } from "./registry.js";
import { allRules } from "./registry.js";
import type { Finding, LintReport, LintTarget, Severity } from "./types.js";

/** Wall time one lint run may take before the remaining rules are skipped (signature checks dominate). */
export const LINT_TIME_BUDGET_MS = 10_000;

/** Findings raised by the framework itself rather than a registered rule. */
export const FRAMEWORK_CITATION = "caskit";

export function report(target: LintTarget | "unknown", profile: string, findings: Finding[], derLength: number): LintReport {
  const sorted = findings
    .map((f, i) => ({ f, i }))
    .sort(
      (a, b) =>
        SEVERITY_RANK[a.f.severity] - SEVERITY_RANK[b.f.severity] ||
        (a.f.location?.offset ?? Number.MAX_SAFE_INTEGER) - (b.f.location?.offset ?? Number.MAX_SAFE_INTEGER) ||
        a.i - b.i,
    )
    .map((x) => x.f);
  const counts: Record<Severity, number> = { error: 0, warning: 0, notice: 0 };
  for (const f of sorted) counts[f.severity]++;
  return { target, profile, findings: sorted, counts, derLength };
}

/** A finding of a registered rule (when it is not run by the profile, null). */
export function findingOf(rule: Rule, severity: Severity, message: string, location: { offset: number; length: number } | undefined, derLength: number): Finding {
  const f: Finding = { rule: rule.id, severity, message, citation: rule.citation };
  if (rule.zlint) f.zlint = rule.zlint;
  if (location && Number.isInteger(location.offset) && Number.isInteger(location.length) && location.offset >= 0 && location.length >= 0 && location.offset + location.length <= derLength) {
    f.location = { offset: location.offset, length: location.length };
  }
  return f;
}

/** Runs every rule of `profile` that applies to `ctx.target` and is in effect on `ctx.date`. */
export function runRules(ctx: LintContext, profile: ResolvedProfile, budgetMs = LINT_TIME_BUDGET_MS): Finding[] {
  const findings: Finding[] = [];
  const start = monotonicMs();
  for (const rule of allRules()) {
    if (!rule.targets.includes(ctx.target)) continue;
    const severity = profile.severityOf(rule);
    if (!severity) continue;
    if (rule.effective && ctx.date.getTime() < rule.effective.getTime()) continue;
    if (monotonicMs() - start > budgetMs) {
      findings.push({ rule: "lint.time_budget", severity: "error", message: `linting stopped after ${budgetMs} ms; rules from ${rule.id} on were not run`, citation: FRAMEWORK_CITATION });
      break;
    }
    let results: ReturnType<Rule["check"]>;
    try {
      results = rule.check(ctx);
    } catch {
      findings.push({ rule: "lint.rule_failed", severity: "error", message: `the rule ${rule.id} could not be evaluated on this input`, citation: FRAMEWORK_CITATION });
      continue;
    }
    for (const r of results.slice(0, 100)) findings.push(findingOf(rule, severity, r.message, r.location, ctx.der.length));
  }
  return findings;
}
