/**
 * The CAS validity rules (CAS-API.md §4.3, DESIGN.md): Days wins over Months over Years; otherwise
 * BeforeTime and AfterTime (Unix seconds, both or neither); none at all is an error; never past the
 * issuer's notAfter (an error, never silent clamping).
 */
import { ValidityError } from "../errors.js";
import type { ValidityParams } from "../types.js";

export interface ResolvedValidity {
  notBefore: Date;
  notAfter: Date;
}

function positiveInt(v: unknown, field: string): number {
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 1) throw new ValidityError("invalid_validity", `${field} must be a positive whole number`, { field });
  return v;
}

/** Adds calendar months in UTC, clamping to the month's last day (Jan 31 + 1 month = Feb 28/29). */
export function addMonths(d: Date, months: number): Date {
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth() + months;
  const target = new Date(Date.UTC(y, m, 1, d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds()));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(d.getUTCDate(), lastDay));
  return target;
}

/** Resolves the validity period; `now` is truncated to whole seconds (DER times carry no fractions). */
export function resolveValidity(params: ValidityParams, context: { now: Date; issuerNotAfter: Date }): ResolvedValidity {
  const now = new Date(Math.floor(context.now.getTime() / 1000) * 1000);
  let notBefore = now;
  let notAfter: Date;
  if (params.days !== undefined) {
    notAfter = new Date(now.getTime() + positiveInt(params.days, "days") * 86_400_000);
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
    notBefore = new Date(params.beforeTime * 1000);
    notAfter = new Date(params.afterTime * 1000);
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
  return { notBefore, notAfter };
}
