/**
 * The CAS validity rules (docs/cas-api.md, docs/architecture.md): Days wins over Months over Years; otherwise
 * BeforeTime and AfterTime (Unix seconds, both or neither); none at all is an error; always inside the
 * issuer's own validity — issuer.notBefore ≤ notBefore < notAfter ≤ issuer.notAfter (an error, never
 * silent clamping) — and only while the issuer itself is valid.
 */
import { IssueError, ValidityError } from "../errors.js";
import type { ValidityParams } from "../types.js";

export interface ResolvedValidity {
  notBefore: Date;
  notAfter: Date;
}

function positiveInt(v: unknown, field: string): number {
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 1) throw new ValidityError("invalid_validity", `${field} must be a positive whole number`, { field });
  return v;
}

/**
 * The Date at `ms` milliseconds since the epoch. Pure: every instant here is computed from the
 * caller's `now` or from request parameters; only src/internal/env.ts reads the clock. The one
 * Date construction in ca/ and issue/ lives here so that stays easy to check.
 */
export function dateAt(ms: number): Date {
  return new Date(ms);
}

/** Truncates to whole seconds: DER times carry no fractions (RFC 5280 §4.1.2.5.1/§4.1.2.5.2). */
export const wholeSeconds = (d: Date): Date => dateAt(Math.floor(d.getTime() / 1000) * 1000);

const isLeap = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Adds calendar months in UTC, clamping to the month's last day (Jan 31 + 1 month = Feb 28/29) and
 * keeping the time of day.
 * @example
 * addMonths(dateAt(Date.UTC(2024, 0, 31)), 1).toISOString(); // "2024-02-29T00:00:00.000Z"
 */
export function addMonths(d: Date, months: number): Date {
  const total = d.getUTCMonth() + months;
  const y = d.getUTCFullYear() + Math.floor(total / 12);
  const m = ((total % 12) + 12) % 12;
  const last = m === 1 && isLeap(y) ? 29 : (DAYS_IN_MONTH[m] as number);
  return dateAt(Date.UTC(y, m, Math.min(d.getUTCDate(), last), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds()));
}

/** The issuer's validity and the clock: what {@link resolveValidity} and {@link checkIssuerCurrent} compare. */
export interface ValidityContext {
  now: Date;
  issuerNotBefore: Date;
  issuerNotAfter: Date;
}

/**
 * Refuses to sign with a CA outside its own validity (issue 14 #6): IssueError `issuer_expired` after
 * its notAfter, `issuer_not_yet_valid` before its notBefore. Everything it signed then would chain to
 * a certificate no verifier accepts at that moment — and an expired CA's key must not keep minting
 * certificates, backdated or not.
 * @example
 * checkIssuerCurrent({ now, issuerNotBefore: ca.notBefore, issuerNotAfter: ca.notAfter });
 */
export function checkIssuerCurrent(context: ValidityContext, what = "the issuing CA"): void {
  const t = context.now.getTime();
  if (t > context.issuerNotAfter.getTime()) {
    throw new IssueError("issuer_expired", `${what} expired ${context.issuerNotAfter.toISOString()}; it no longer signs certificates`, { field: "parentIdentifier" });
  }
  if (t < context.issuerNotBefore.getTime()) {
    throw new IssueError("issuer_not_yet_valid", `${what} is not valid before ${context.issuerNotBefore.toISOString()}; it cannot sign certificates yet`, { field: "parentIdentifier" });
  }
}

/**
 * Resolves a leaf's validity period (docs/cas-api.md): `days` wins over `months` over `years`; else
 * `beforeTime` + `afterTime` (Unix seconds, both or neither, before < after); none is ValidityError
 * `missing_validity`; non-positive or fractional values `invalid_validity`; a notAfter past the
 * issuer's `beyond_issuer`; a notBefore before the issuer's `before_issuer` (BeforeTime=0 would say
 * 1970). notBefore is `now` truncated to whole seconds (or `beforeTime`). First of all the issuer must
 * be valid now ({@link checkIssuerCurrent}).
 * @example
 * const { notBefore, notAfter } = resolveValidity({ days: 90 }, { now, issuerNotBefore: ca.notBefore, issuerNotAfter: ca.notAfter });
 */
export function resolveValidity(params: ValidityParams, context: ValidityContext): ResolvedValidity {
  checkIssuerCurrent(context);
  const now = wholeSeconds(context.now);
  let notBefore = now;
  let notAfter: Date;
  if (params.days !== undefined) {
    notAfter = dateAt(now.getTime() + positiveInt(params.days, "days") * 86_400_000);
  } else if (params.months !== undefined) {
    notAfter = addMonths(now, positiveInt(params.months, "months"));
  } else if (params.years !== undefined) {
    notAfter = addMonths(now, 12 * positiveInt(params.years, "years"));
  } else if (params.beforeTime !== undefined || params.afterTime !== undefined) {
    if (params.beforeTime === undefined || params.afterTime === undefined) {
      const missing = params.beforeTime === undefined ? "beforeTime" : "afterTime";
      throw new ValidityError("invalid_validity", "beforeTime and afterTime must be given together", { field: missing });
    }
    for (const [v, f] of [[params.beforeTime, "beforeTime"], [params.afterTime, "afterTime"]] as const) {
      if (!Number.isSafeInteger(v) || v < 0) throw new ValidityError("invalid_validity", `${f} must be Unix seconds`, { field: f });
    }
    notBefore = dateAt(params.beforeTime * 1000);
    notAfter = dateAt(params.afterTime * 1000);
    if (notAfter.getTime() <= notBefore.getTime()) throw new ValidityError("invalid_validity", "afterTime must be later than beforeTime", { field: "afterTime" });
  } else {
    throw new ValidityError("missing_validity", "give days, months, years, or beforeTime and afterTime", { field: "days" });
  }
  if (notAfter.getTime() > context.issuerNotAfter.getTime()) {
    throw new ValidityError(
      "beyond_issuer",
      `the certificate would expire ${notAfter.toISOString()}, after its issuer (${context.issuerNotAfter.toISOString()})`,
      { field: "validity" },
    );
  }
  if (notBefore.getTime() < context.issuerNotBefore.getTime()) {
    throw new ValidityError(
      "before_issuer",
      `the certificate would be valid from ${notBefore.toISOString()}, before its issuer (${context.issuerNotBefore.toISOString()})`,
      { field: "beforeTime" },
    );
  }
  return { notBefore, notAfter };
}
