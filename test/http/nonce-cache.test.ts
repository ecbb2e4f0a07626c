import { describe, expect, it } from "vitest";
import { NonceCache } from "../../src/http/rpc/auth.js";

describe("NonceCache", () => {
  it("refuses a nonce seen within its lifetime and takes it again after", () => {
    const c = new NonceCache(1_000);
    expect(c.take("a", 0)).toBe(true);
    expect(c.take("a", 999)).toBe(false);
    expect(c.take("a", 1_000)).toBe(false);
    expect(c.take("a", 1_001)).toBe(true);
    expect(c.take("a", 2_000)).toBe(false); // the re-take recorded a new lifetime
  });

  it("forgets expired nonces as it goes, however many are live (no full scans, no growth)", () => {
    const c = new NonceCache(1_000);
    for (let i = 0; i < 200_000; i++) expect(c.take(`n${i}`, i % 500)).toBe(true);
    expect(c.size).toBe(200_000);
    expect(c.take("n5", 600)).toBe(false); // still live
    expect(c.take("later", 1_250)).toBe(true); // entries with expiry < 1250 (taken at t < 250) are gone
    expect(c.size).toBeLessThan(200_000);
    expect(c.take("late", 2_000)).toBe(true);
    expect(c.size).toBe(2); // "later" (expires 2250) and "late"
  });
});
