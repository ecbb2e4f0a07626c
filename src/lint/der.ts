/**
 * A tolerant, bounded TLV reader for the linter. The strict reader (src/csr/der-reader.ts) stops at the
 * first non-DER encoding; a linter has to say "this is BER, here" and still read the rest. This one
 * accepts what BER allows (indefinite lengths, non-minimal length octets, long length fields) and records
 * each departure from DER as an issue with its byte range; it refuses only what cannot be framed at all
 * (truncation, high-tag-number tags, nesting deeper than MAX_DEPTH). Nodes have the same shape as the
 * strict reader's `Tlv`, so the src/csr helpers (readOid, readName, …) run on them unchanged.
 * Work is linear in the input; nothing here throws anything but `DerFault`.
 */
import { MAX_DEPTH, type Tlv } from "../csr/der-reader.js";

export type { Tlv };

/** A departure from DER that BER permits: the encoding is still readable. */
export interface DerIssue {
  message: string;
  offset: number;
  length: number;
}

/** The input cannot be framed at all; `offset` is where reading stopped. */
export class DerFault extends Error {
  readonly offset: number;
  constructor(message: string, offset: number) {
    super(message);
    this.offset = offset;
  }
}

export interface TolerantTree {
  root: Tlv;
  /** Every non-DER encoding found, in input order (bounded: at most 64 are kept). */
  issues: DerIssue[];
}

const MAX_ISSUES = 64;

/** Reads one TLV at offset 0 of `buf` (bytes after it are the caller's business). @throws DerFault */
export function readTolerant(buf: Uint8Array, offset = 0): TolerantTree {
  const issues: DerIssue[] = [];
  const note = (message: string, at: number, length: number) => {
    if (issues.length < MAX_ISSUES) issues.push({ message, offset: at, length: Math.max(1, Math.min(length, buf.length - at)) });
  };
  const root = read(buf, offset, buf.length, 0, note);
  return { root, issues };
}

function read(buf: Uint8Array, offset: number, limit: number, depth: number, note: (m: string, at: number, len: number) => void): Tlv {
  if (depth > MAX_DEPTH) throw new DerFault(`nesting deeper than ${MAX_DEPTH}`, offset);
  if (offset + 2 > limit) throw new DerFault("truncated header", offset);
  const tag = buf[offset] as number;
  if ((tag & 0x1f) === 0x1f) throw new DerFault("high-tag-number form", offset);
  const lenByte = buf[offset + 1] as number;
  let pos = offset + 2;
  if (lenByte === 0x80) {
    // BER indefinite length: constructed only, children up to an end-of-contents 00 00.
    if (!(tag & 0x20)) throw new DerFault("indefinite length on a primitive value", offset);
    note("indefinite length", offset, 2);
    const children: Tlv[] = [];
    let p = pos;
    for (;;) {
      if (p + 2 > limit) throw new DerFault("indefinite length without end-of-contents", offset);
      if (buf[p] === 0 && buf[p + 1] === 0) break;
      const child = read(buf, p, limit, depth + 1, note);
      children.push(child);
      p = child.end;
    }
    // `end` is past the end-of-contents octets; contents are [pos, p).
    return { tag, start: offset, contentStart: pos, end: p + 2, children };
  }
  let length: number;
  if (lenByte < 0x80) length = lenByte;
  else {
    const n = lenByte & 0x7f;
    if (n === 0x7f) throw new DerFault("reserved length octet 0xff", offset);
    if (pos + n > limit) throw new DerFault("truncated length", offset);
    length = 0;
    for (let i = 0; i < n; i++) {
      length = length * 256 + (buf[pos + i] as number);
      if (length > limit) throw new DerFault("value runs past its container", offset);
    }
    if (n > 4) note("length field longer than 4 octets", offset, 2 + n);
    else if (buf[pos] === 0) note("non-minimal length (leading zero)", offset, 2 + n);
    else if (length < 0x80) note("non-minimal length (long form for a short length)", offset, 2 + n);
    pos += n;
  }
  const end = pos + length;
  if (end > limit) throw new DerFault("value runs past its container", offset);
  const node: Tlv = { tag, start: offset, contentStart: pos, end };
  if (tag & 0x20) {
    const children: Tlv[] = [];
    let p = pos;
    while (p < end) {
      const child = read(buf, p, end, depth + 1, note);
      children.push(child);
      p = child.end;
    }
    node.children = children;
  }
  return node;
}

/** A location for a finding: the node's whole encoding, clamped to the buffer. */
export function spanOf(t: Tlv | undefined, bufLength: number): { offset: number; length: number } | undefined {
  if (!t || t.start >= bufLength) return undefined;
  return { offset: t.start, length: Math.max(1, Math.min(t.end, bufLength) - t.start) };
}
