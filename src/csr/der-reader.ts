/**
 * A strict, bounded DER reader for untrusted input. asn1js and the schema libraries accept BER
 * (indefinite and non-minimal lengths), so a request that "verifies" could still be encoded two ways;
 * docs/csr-policy.md wants strict DER everywhere, so every TLV is read here first.
 *
 * Rules enforced: single-byte tags (no high-tag-number form: X.509 never uses it), definite lengths
 * only, minimal length octets, children exactly filling their parent, depth ≤ MAX_DEPTH. Work is linear
 * in the input size, so it cannot hang.
 */
import { CsrError } from "../errors.js";

export const MAX_DEPTH = 24;

export interface Tlv {
  tag: number;
  /** Offset of the tag byte in the whole input. */
  start: number;
  /** Offset of the first content byte. */
  contentStart: number;
  /** Offset one past the last content byte. */
  end: number;
  /** Children when the tag is constructed. */
  children?: Tlv[];
}

const fail = (msg: string): never => {
  throw new CsrError("parse_error", `not strict DER: ${msg}`);
};

/**
 * Reads one TLV starting at `offset`, recursing into constructed values. Primitive contents (e.g. an
 * OCTET STRING holding an extension) are not entered: call `readDer` again on them when needed.
 */
export function readTlv(buf: Uint8Array, offset: number, limit: number, depth = 0): Tlv {
  if (depth > MAX_DEPTH) fail(`nesting deeper than ${MAX_DEPTH}`);
  if (offset + 2 > limit) fail("truncated header");
  const tag = buf[offset] as number;
  if ((tag & 0x1f) === 0x1f) fail("high-tag-number form");
  let lenByte = buf[offset + 1] as number;
  let pos = offset + 2;
  let length: number;
  if (lenByte < 0x80) length = lenByte;
  else if (lenByte === 0x80) return fail("indefinite length");
  else {
    const n = lenByte & 0x7f;
    if (n > 4) fail("length field longer than 4 octets");
    if (pos + n > limit) fail("truncated length");
    if (buf[pos] === 0) fail("non-minimal length (leading zero)");
    length = 0;
    for (let i = 0; i < n; i++) length = length * 256 + (buf[pos + i] as number);
    if (length < 0x80) fail("non-minimal length (long form for a short length)");
    pos += n;
    lenByte = 0;
  }
  const end = pos + length;
  if (end > limit) fail("value runs past its container");
  const node: Tlv = { tag, start: offset, contentStart: pos, end };
  if (tag & 0x20) {
    const children: Tlv[] = [];
    let p = pos;
    while (p < end) {
      const child = readTlv(buf, p, end, depth + 1);
      children.push(child);
      p = child.end;
    }
    node.children = children;
  }
  return node;
}

/** Reads exactly one TLV spanning all of `buf` (trailing bytes are reported by the caller's rules). */
export function readDer(buf: Uint8Array): Tlv {
  return readTlv(buf, 0, buf.length, 0);
}

/** The content bytes of a TLV. */
export const contents = (buf: Uint8Array, t: Tlv): Uint8Array => buf.subarray(t.contentStart, t.end);
/** The whole encoding of a TLV. */
export const encoding = (buf: Uint8Array, t: Tlv): Uint8Array => buf.subarray(t.start, t.end);

/** Children of a constructed TLV with the expected tag, or a parse_error naming `what`. */
export function expectConstructed(t: Tlv | undefined, tag: number, what: string): Tlv[] {
  if (!t || t.tag !== tag || !t.children) return fail(`${what} is missing or has the wrong type`);
  return t.children;
}

/** Dotted OID text from an OBJECT IDENTIFIER TLV, with DER's minimal-arc rule checked. */
export function readOid(buf: Uint8Array, t: Tlv | undefined, what: string): string {
  if (!t || t.tag !== 0x06 || t.end === t.contentStart) return fail(`${what} is not an OBJECT IDENTIFIER`);
  const arcs: number[] = [];
  let v = 0;
  let fresh = true;
  for (let i = t.contentStart; i < t.end; i++) {
    const b = buf[i] as number;
    if (fresh && b === 0x80) fail(`${what}: non-minimal OID arc`);
    v = v * 128 + (b & 0x7f);
    if (v > Number.MAX_SAFE_INTEGER / 256) fail(`${what}: OID arc too large`);
    fresh = !(b & 0x80);
    if (fresh) {
      arcs.push(v);
      v = 0;
    }
  }
  if (!fresh) fail(`${what}: truncated OID`);
  const first = arcs.shift() as number;
  const a = first < 80 ? Math.floor(first / 40) : 2;
  return [a, first - a * 40, ...arcs].join(".");
}

/**
 * An OID as a message may show it: digits and dots only (readOid made it), cut to 64 characters — a
 * request can hold an OID of thousands of arcs, and messages echo only bounded excerpts.
 */
export const oidExcerpt = (oid: string): string => (oid.length <= 64 ? oid : `${oid.slice(0, 64)}…`);

/** A non-negative small INTEGER's value (for version fields). */
export function readSmallInt(buf: Uint8Array, t: Tlv | undefined, what: string): number {
  if (!t || t.tag !== 0x02 || t.end === t.contentStart || t.end - t.contentStart > 4) return fail(`${what} is not a small INTEGER`);
  const c = contents(buf, t);
  if (c.length > 1 && c[0] === 0 && !((c[1] as number) & 0x80)) fail(`${what}: non-minimal INTEGER`);
  if ((c[0] as number) & 0x80) fail(`${what} is negative`);
  let v = 0;
  for (const b of c) v = v * 256 + b;
  return v;
}
