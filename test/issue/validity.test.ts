import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { IssueError, ValidityError } from "../../src/errors.js";
import { addMonths, resolveValidity } from "../../src/issue/validity.js";

const now = new Date("2026-01-31T10:20:30.456Z");
const issuerNotBefore = new Date("2025-01-01T00:00:00Z");
const issuerNotAfter = new Date("2031-01-01T00:00:00Z");
const ctx = { now, issuerNotBefore, issuerNotAfter };
const nowSec = new Date("2026-01-31T10:20:30Z");

describe("resolveValidity", () => {
  it.each([
    ["days", { days: 90 }, new Date(nowSec.getTime() + 90 * 86_400_000)],
    ["months (clamped to the month's end)", { months: 1 }, new Date("2026-02-28T10:20:30Z")],
    ["years", { years: 2 }, new Date("2028-01-31T10:20:30Z")],
    ["days wins over months and years", { days: 1, months: 5, years: 3 }, new Date(nowSec.getTime() + 86_400_000)],
    ["months wins over years", { months: 2, years: 3 }, new Date("2026-03-31T10:20:30Z")],
    ["days wins over before/after time", { days: 2, beforeTime: 0, afterTime: 10 }, new Date(nowSec.getTime() + 2 * 86_400_000)],
  ])("%s", (_n, params, notAfter) => {
    const v = resolveValidity(params, ctx);
    expect(v.notBefore).toEqual(nowSec);
    expect(v.notAfter).toEqual(notAfter);
  });
  it("uses BeforeTime/AfterTime (Unix seconds) when no duration is given", () => {
    const v = resolveValidity({ beforeTime: 1_800_000_000, afterTime: 1_900_000_000 }, ctx);
    expect(v.notBefore.getTime()).toBe(1_800_000_000_000);
    expect(v.notAfter.getTime()).toBe(1_900_000_000_000);
  });
  it.each<[string, object, string, string]>([
    ["nothing", {}, "missing_validity", "days"],
    ["beforeTime alone", { beforeTime: 1_800_000_000 }, "invalid_validity", "afterTime"],
    ["afterTime alone", { afterTime: 1_800_000_000 }, "invalid_validity", "beforeTime"],
    ["after before before", { beforeTime: 1_900_000_000, afterTime: 1_800_000_000 }, "invalid_validity", "afterTime"],
    ["zero days", { days: 0 }, "invalid_validity", "days"],
    ["fractional months", { months: 1.5 }, "invalid_validity", "months"],
    ["negative years", { years: -1 }, "invalid_validity", "years"],
    ["past the issuer", { years: 6 }, "beyond_issuer", "validity"],
    ["past the issuer by absolute time", { beforeTime: 1_800_000_000, afterTime: 2_000_000_000 }, "beyond_issuer", "validity"],
  ])("refuses %s", (_n, params, code, field) => {
    try {
      resolveValidity(params, ctx);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ValidityError);
      expect((e as ValidityError).code).toBe(code);
      expect((e as ValidityError).field).toBe(field);
    }
  });
  it("property: never past the issuer; days > months > years precedence", () => {
    const opt = (max: number) => fc.option(fc.integer({ min: 1, max }), { nil: undefined });
    fc.assert(
      fc.property(opt(4000), opt(120), opt(10), fc.date({ min: new Date("2020-01-01"), max: new Date("2030-01-01"), noInvalidDate: true }), (days, months, years, at) => {
        const c = { now: at, issuerNotBefore: new Date("2019-01-01T00:00:00Z"), issuerNotAfter };
        let r: ReturnType<typeof resolveValidity> | undefined;
        try {
          r = resolveValidity({ days, months, years }, c);
        } catch (e) {
          expect(e).toBeInstanceOf(ValidityError);
          const code = (e as ValidityError).code;
          expect(code === "missing_validity" ? days === undefined && months === undefined && years === undefined : code === "beyond_issuer").toBe(true);
          return;
        }
        expect(r.notAfter.getTime()).toBeLessThanOrEqual(issuerNotAfter.getTime());
        const base = new Date(Math.floor(at.getTime() / 1000) * 1000);
        const expected =
          days !== undefined ? new Date(base.getTime() + days * 86_400_000) : months !== undefined ? addMonths(base, months) : addMonths(base, 12 * (years as number));
        expect(r.notAfter).toEqual(expected);
      }),
      { numRuns: 500 },
    );
  });
});

describe("resolveValidity inside the issuer's validity (issue 14 #6)", () => {
  const code = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      return `${(e as Error).name}.${(e as ValidityError).code}`;
    }
    return "ok";
  };
  const sec = (d: Date) => Math.floor(d.getTime() / 1000);
  it.each<[string, object, string]>([
    ["BeforeTime=0 (1970)", { beforeTime: 0, afterTime: sec(now) + 86_400 }, "ValidityError.before_issuer"],
    ["a notBefore one second before the issuer's", { beforeTime: sec(issuerNotBefore) - 1, afterTime: sec(now) }, "ValidityError.before_issuer"],
    ["a notBefore equal to the issuer's", { beforeTime: sec(issuerNotBefore), afterTime: sec(now) }, "ok"],
    ["a notAfter equal to the issuer's", { beforeTime: sec(now), afterTime: sec(issuerNotAfter) }, "ok"],
    ["a notAfter one second past the issuer's", { beforeTime: sec(issuerNotBefore), afterTime: sec(issuerNotAfter) + 1 }, "ValidityError.beyond_issuer"],
  ])("%s → %s", (_n, params, expected) => {
    expect(code(() => resolveValidity(params, ctx))).toBe(expected);
  });
  it.each<[string, Date, string]>([
    ["an expired issuer signs nothing, even backdated", new Date("2031-01-01T00:00:01Z"), "IssueError.issuer_expired"],
    ["an issuer not yet valid signs nothing", new Date("2024-12-31T23:59:59Z"), "IssueError.issuer_not_yet_valid"],
    ["the issuer's first second", issuerNotBefore, "ok"],
    ["the issuer's last second", issuerNotAfter, "ok"],
  ])("%s", (_n, at, expected) => {
    // A backdated window wholly inside the issuer's validity: only the clock can refuse it.
    expect(code(() => resolveValidity({ beforeTime: sec(issuerNotBefore), afterTime: sec(issuerNotBefore) + 86_400 }, { ...ctx, now: at }))).toBe(expected);
  });
  it("the refusal is an IssueError naming the date", () => {
    try {
      resolveValidity({ days: 1 }, { ...ctx, now: new Date("2032-01-01T00:00:00Z") });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(IssueError);
      expect((e as Error).message).toContain("2031-01-01T00:00:00.000Z");
    }
  });
  it("property: every resolved period lies inside the issuer's, and the issuer is valid now", () => {
    const secs = fc.integer({ min: 0, max: 2_100_000_000 });
    fc.assert(
      fc.property(secs, secs, fc.date({ min: new Date("2020-01-01"), max: new Date("2035-01-01"), noInvalidDate: true }), (b, a, at) => {
        let r: ReturnType<typeof resolveValidity>;
        try {
          r = resolveValidity({ beforeTime: b, afterTime: a }, { ...ctx, now: at });
        } catch (e) {
          expect(e instanceof ValidityError || e instanceof IssueError).toBe(true);
          return;
        }
        expect(at.getTime()).toBeGreaterThanOrEqual(issuerNotBefore.getTime());
        expect(at.getTime()).toBeLessThanOrEqual(issuerNotAfter.getTime());
        expect(r.notBefore.getTime()).toBeGreaterThanOrEqual(issuerNotBefore.getTime());
        expect(r.notAfter.getTime()).toBeLessThanOrEqual(issuerNotAfter.getTime());
        expect(r.notBefore.getTime()).toBeLessThan(r.notAfter.getTime());
      }),
      { numRuns: 500 },
    );
  });
});

describe("addMonths", () => {
  it.each([
    ["2024-01-31T00:00:00Z", 1, "2024-02-29T00:00:00Z"],
    ["2024-02-29T12:00:00Z", 12, "2025-02-28T12:00:00Z"],
    ["2025-10-15T00:00:00Z", 3, "2026-01-15T00:00:00Z"],
  ])("%s + %d months = %s", (from, m, to) => {
    expect(addMonths(new Date(from), m).toISOString()).toBe(new Date(to).toISOString());
  });
});
