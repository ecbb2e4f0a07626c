/**
 * Serial numbers: 16 random octets, the first forced into 0x40–0x7f so the INTEGER is always exactly
 * 16 octets, positive and non-zero — 126 bits of entropy (RFC 5280 §4.1.2.2 allows up to 20 octets;
 * CA/B BR §7.1 asks for ≥64 random bits). Uniqueness per issuer is the store's job (a UNIQUE index).
 */
import type { RandomSource } from "../internal/env.js";

export const SERIAL_OCTETS = 16;

export function newSerial(random: RandomSource): Uint8Array {
  // A copy: the caller's bytes are not ours to modify.
  const b = random(SERIAL_OCTETS).slice();
  if (b.length !== SERIAL_OCTETS) throw new TypeError(`random source returned ${b.length} bytes, expected ${SERIAL_OCTETS}`);
  b[0] = ((b[0] as number) & 0x7f) | 0x40;
  return b;
}
