/**
 * Serial numbers: 16 random octets, the first forced into 0x40–0x7f so the INTEGER is always exactly
 * 16 octets, positive and non-zero — 126 bits of entropy (RFC 5280 §4.1.2.2 allows up to 20 octets;
 * CA/B BR §7.1 asks for ≥64 random bits). Uniqueness per issuer is the store's job (a UNIQUE index).
 */
import type { RandomSource } from "../internal/env.js";

/** Octets in every serial caskit draws (RFC 5280 §4.1.2.2: at most 20). */
export const SERIAL_OCTETS = 16;

/**
 * A fresh serial: 16 octets from `random`, the first forced to `(b & 0x7f) | 0x40`.
 * @example
 * const serial = newSerial(systemRandom); // 16 octets, 0x40 ≤ serial[0] ≤ 0x7f
 */
export function newSerial(random: RandomSource): Uint8Array {
  // A copy: the caller's bytes are not ours to modify.
  const b = random(SERIAL_OCTETS).slice();
  if (b.length !== SERIAL_OCTETS) throw new TypeError(`random source returned ${b.length} bytes, expected ${SERIAL_OCTETS}`);
  b[0] = ((b[0] as number) & 0x7f) | 0x40;
  return b;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

/**
 * Lowercase hex of a serial's octets as CAS shows SerialNumber (docs/cas-api.md), in plain JS: a
 * native Buffer round trip per certificate costs more than the 16 lookups.
 * @example
 * serialHex(Uint8Array.of(0x4a, 0x0b)); // "4a0b"
 */
export function serialHex(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i++) s += HEX[bytes[i] as number];
  return s;
}
