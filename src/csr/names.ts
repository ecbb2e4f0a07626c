/**
 * Name rules shared by the CSR policy and by issuance (CSR-POLICY.md "Names"): host names, wildcards
 * and IP addresses. Pure functions, no I/O.
 */
import { isIPv4, isIPv6 } from "node:net";

const LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

/**
 * A host name: LDH labels of 1–63 characters, at least two labels, at most 253 characters, no
 * trailing dot, no leading/trailing hyphen, last label not all-numeric; ASCII only (A-labels such as
 * `xn--…` pass, U-labels do not). With `allowWildcard` (default true), also `*.` followed by at least
 * two such labels — `*.com`, `w*.example.com` and `a.*.example.com` are refused.
 */
export function isValidHostName(name: string, options: { allowWildcard?: boolean } = {}): boolean {
  const allowWildcard = options.allowWildcard ?? true;
  let rest = name;
  if (rest.startsWith("*.")) {
    if (!allowWildcard) return false;
    rest = rest.slice(2);
  }
  if (rest.length === 0 || rest.length > 253 || name.length > 253) return false;
  const labels = rest.split(".");
  if (labels.length < 2) return false;
  for (const label of labels) if (!LABEL.test(label)) return false;
  return !/^[0-9]+$/.test(labels[labels.length - 1] as string);
}

const MAYBE_IP = /^[0-9A-Fa-f:.%]+$/;

export interface IpAddress {
  version: 4 | 6;
  /** 4 or 16 bytes, network order (the iPAddress SAN encoding, RFC 5280 §4.2.1.6). */
  bytes: Uint8Array;
  /** Canonical text: dotted IPv4, RFC 5952 IPv6. */
  text: string;
}

/**
 * Parses an IPv4 dotted quad (each part 0–255, no leading zeros: `01.2.3.4` is ambiguous between
 * octal and decimal in the wild, so it is refused) or any RFC 4291 textual IPv6 (zone IDs refused).
 */
export function parseIpAddress(text: string): IpAddress | null {
  // Host names are the common case: skip the address grammars unless the text could be one.
  if (!MAYBE_IP.test(text)) return null;
  if (isIPv4(text)) {
    // isIPv4 refuses leading zeros, so the text is already canonical.
    return { version: 4, bytes: Uint8Array.from(text.split(".").map(Number)), text };
  }
  if (isIPv6(text) && !text.includes("%")) {
    const bytes = ipv6Bytes(text);
    return bytes ? { version: 6, bytes, text: formatIpAddress(bytes) } : null;
  }
  return null;
}

function ipv6Bytes(text: string): Uint8Array | null {
  let s = text;
  const tail: number[] = [];
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (v4) {
    if (!isIPv4(v4[1] as string)) return null;
    tail.push(...(v4[1] as string).split(".").map(Number));
    s = `${s.slice(0, -(v4[1] as string).length)}0:0`;
  }
  const halves = s.split("::");
  if (halves.length > 2) return null;
  const parse = (h: string) => (h === "" ? [] : h.split(":").map((g) => Number.parseInt(g, 16)));
  const head = parse(halves[0] as string);
  const back = halves.length === 2 ? parse(halves[1] as string) : [];
  const fill = 8 - head.length - back.length;
  if (halves.length === 1 ? fill !== 0 : fill < 1) return null;
  const groups = [...head, ...new Array<number>(halves.length === 2 ? fill : 0).fill(0), ...back];
  const out = new Uint8Array(16);
  groups.forEach((g, i) => {
    out[i * 2] = g >> 8;
    out[i * 2 + 1] = g & 0xff;
  });
  if (tail.length) out.set(tail, 12);
  return out;
}

/** 4 or 16 bytes → canonical text (RFC 5952 §4 for IPv6: lower case, longest zero run ≥2 as `::`). */
export function formatIpAddress(bytes: Uint8Array): string {
  if (bytes.length === 4) return Array.from(bytes).join(".");
  if (bytes.length !== 16) throw new TypeError(`an IP address has 4 or 16 bytes, not ${bytes.length}`);
  // RFC 5952 §5: an IPv4-mapped address keeps its dotted quad.
  if (bytes.subarray(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff) {
    return `::ffff:${Array.from(bytes.subarray(12)).join(".")}`;
  }
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i] as number) << 8) | (bytes[i + 1] as number));
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hexes = groups.map((g) => g.toString(16));
  if (bestLen < 2) return hexes.join(":");
  const left = hexes.slice(0, bestStart).join(":");
  const right = hexes.slice(bestStart + bestLen).join(":");
  return `${left}::${right}`;
}
