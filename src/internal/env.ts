/**
 * The ONLY place in src/ that reads the wall clock or the system random source. Core functions take
 * `now` and `random` as options; public entry points fill the defaults from here, so tests can pin both.
 */
import { randomBytes } from "node:crypto";

/** A source of random bytes, e.g. for serial numbers. */
export type RandomSource = (n: number) => Uint8Array;

/** The system CSPRNG, drawn from a refilled 4 KiB pool: one syscall per ~250 serials, not one each. */
let pool = randomBytes(4096);
let used = 0;
export const systemRandom: RandomSource = (n) => {
  if (n > 1024) return new Uint8Array(randomBytes(n));
  if (used + n > pool.length) {
    pool = randomBytes(4096);
    used = 0;
  }
  // A copy, so no caller shares or can observe pool bytes handed to another.
  const out = Uint8Array.from(pool.subarray(used, used + n));
  pool.fill(0, used, used + n);
  used += n;
  return out;
};

export function systemNow(): Date {
  return new Date();
}

/** A monotonic clock in milliseconds, for work budgets (the linter's time bound), never for dates. */
export function monotonicMs(): number {
  return performance.now();
}
