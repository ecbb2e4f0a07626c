/**
 * The ONLY place in src/ that reads the wall clock or the system random source. Core functions take
 * `now` and `random` as options; public entry points fill the defaults from here, so tests can pin both.
 */
import { randomBytes } from "node:crypto";

/** A source of random bytes, e.g. for serial numbers. */
export type RandomSource = (n: number) => Uint8Array;

export const systemRandom: RandomSource = (n) => randomBytes(n);

export function systemNow(): Date {
  return new Date();
}
