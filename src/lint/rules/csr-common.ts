/** Helpers shared by the CSR rule families (src/lint/rules/csr-*.ts). */
import type { ProfileName } from "../types.js";
import type { CsrContext, RuleResult } from "../registry.js";

/** Every built-in profile. */
export const ALL: ProfileName[] = ["rfc5280", "cabf-br", "cas", "private"];
/** The CA policies (not the bare RFC profile). */
export const POLICY: ProfileName[] = ["cabf-br", "cas", "private"];
/** caskit's own CSR policy: the CAS profile and the private profile. */
export const CASKIT: ProfileName[] = ["cas", "private"];

export const CSR_POLICY = "caskit docs/csr-policy.md";

/** The problems the analysis recorded for `rule`. */
export const problems = (ctx: CsrContext, rule: string): RuleResult[] =>
  ctx.csr.problems.filter((p) => p.rule === rule).map((p) => (p.location ? { message: p.message, location: p.location } : { message: p.message }));

/** A rule result with a location when there is one. */
export const at = (message: string, location?: { offset: number; length: number }): RuleResult => (location ? { message, location } : { message });
