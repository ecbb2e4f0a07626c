/**
 * Every locked package must run on the Node versions caskit declares (package.json engines): `npm ci`
 * on the floor version then installs without EBADENGINE warnings, and nothing we ship assumes a newer
 * runtime. (cookie@2, pulled by fastify's light-my-request, wanted Node ≥ 22: pinned by an override.)
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..");
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const lock = JSON.parse(readFileSync(join(root, "package-lock.json"), "utf8"));

/** The lowest major.minor a `>=X.Y` range admits (caskit's own engines are of that form). */
const floorOf = (range: string): [number, number] => {
  const m = /^>=\s*(\d+)(?:\.(\d+))?/.exec(range.trim());
  if (!m) throw new Error(`caskit's engines.node must be ">=X.Y", not ${range}`);
  return [Number(m[1]), Number(m[2] ?? 0)];
};

/** Whether a package's engines.node range admits Node `major.minor` (the forms found in lockfiles). */
function admits(range: string, [major, minor]: [number, number]): boolean {
  return range.split("||").some((alt) =>
    alt
      .trim()
      .split(/\s+(?=[<>=^~])/)
      .every((c) => {
        const m = /^(>=|>|<=|<|\^|~|=)?\s*v?(\d+|\*|x)(?:\.(\d+|\*|x))?/.exec(c.trim());
        if (!m || m[2] === "*" || m[2] === "x") return true;
        const a = Number(m[2]);
        const b = m[3] === undefined || m[3] === "*" || m[3] === "x" ? 0 : Number(m[3]);
        const cmp = major !== a ? major - a : minor - b;
        switch (m[1]) {
          case ">=":
            return cmp >= 0;
          case ">":
            return cmp > 0;
          case "<":
            return cmp < 0;
          case "<=":
            return cmp <= 0;
          default: // ^, ~, = or bare: the same major
            return major === a && cmp >= 0;
        }
      }),
  );
}

describe("locked dependencies", () => {
  it("every package in package-lock.json runs on caskit's lowest supported Node", () => {
    const floor = floorOf(pkg.engines.node);
    const refused = Object.entries(lock.packages as Record<string, { version?: string; engines?: { node?: string } | string[] }>)
      .filter(([name, p]) => name && p.engines && !Array.isArray(p.engines) && p.engines.node && !admits(p.engines.node, floor))
      .map(([name, p]) => `${name}@${p.version} wants node ${(p.engines as { node: string }).node}`);
    expect(refused).toEqual([]);
  });
  it("the range check itself tells a newer-only package from one that fits", () => {
    expect(admits(">=22", [20, 12])).toBe(false);
    expect(admits(">=18", [20, 12])).toBe(true);
    expect(admits("^18 || ^20 || >=22", [20, 12])).toBe(true);
    expect(admits(">= 20.19", [20, 12])).toBe(false);
  });
});
