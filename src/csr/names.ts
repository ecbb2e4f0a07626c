/**
 * Name rules shared by the CSR policy and by issuance (docs/csr-policy.md "Names"): host names, wildcards
 * and IP addresses. Pure functions, no I/O.
 */
import { isIPv4, isIPv6 } from "node:net";

const LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

/** The rules {@link hostNameProblem} names, as messages quote them. */
export const HOST_NAME_RULES = {
  wildcard: "one wildcard label, leftmost only: `*.` followed by at least two labels",
  noWildcard: "no wildcard is allowed here",
  twoLabels: "at least two labels (a bare name such as `localhost` or `*.com` is not a host name)",
  length: "at most 253 characters",
  emptyLabel: "no empty label (a leading, trailing or doubled dot)",
  labelLength: "labels of at most 63 characters",
  ascii: "ASCII only: write an internationalized name as its A-label (`xn--…`)",
  ldh: "letters, digits and hyphens only (no spaces, underscores or other characters)",
  hyphen: "no label starting or ending with a hyphen",
  numericTld: "a last label that is not all digits (and not an IP address either)",
} as const;

/**
 * Why `name` is not a host name (docs/csr-policy.md "Names"), or null when it is one: LDH labels of 1–63
 * characters, at least two labels, at most 253 characters, no trailing dot, no leading/trailing
 * hyphen, last label not all-numeric; ASCII only (A-labels such as `xn--…` pass, U-labels do not).
 * With `allowWildcard` (default true), also `*.` followed by at least two such labels — `*.com`,
 * `w*.example.com`, `*.*.example.com` and `a.*.example.com` are refused. The answer is one of
 * {@link HOST_NAME_RULES}: the rule broken, for a message.
 * @example
 * hostNameProblem("*.*.example.com"); // "one wildcard label, leftmost only: `*.` followed by at least two labels"
 */
export function hostNameProblem(name: string, options: { allowWildcard?: boolean } = {}): string | null {
  const allowWildcard = options.allowWildcard ?? true;
  let rest = name;
  if (rest.startsWith("*.")) {
    if (!allowWildcard) return HOST_NAME_RULES.noWildcard;
    rest = rest.slice(2);
  }
  if (name.length > 253) return HOST_NAME_RULES.length;
  if (rest.includes("*") || name === "*") return allowWildcard ? HOST_NAME_RULES.wildcard : HOST_NAME_RULES.noWildcard;
  if (rest.length === 0) return HOST_NAME_RULES.twoLabels;
  const labels = rest.split(".");
  for (const label of labels) {
    if (LABEL.test(label)) continue;
    return labelProblem(label);
  }
  if (labels.length < 2) return HOST_NAME_RULES.twoLabels;
  return /^[0-9]+$/.test(labels[labels.length - 1] as string) ? HOST_NAME_RULES.numericTld : null;
}

/** The rule a label that failed LABEL breaks (the slow path: only for refusals). */
function labelProblem(label: string): string {
  if (label.length === 0) return HOST_NAME_RULES.emptyLabel;
  if (/[^\x00-\x7f]/.test(label)) return HOST_NAME_RULES.ascii;
  if (/[^A-Za-z0-9-]/.test(label)) return HOST_NAME_RULES.ldh;
  if (label.length > 63) return HOST_NAME_RULES.labelLength;
  return HOST_NAME_RULES.hyphen;
}

/**
 * A host name: {@link hostNameProblem} finds nothing wrong with it.
 * @example
 * isValidHostName("*.example.com"); // true
 * isValidHostName("a.*.example.com"); // false
 */
export function isValidHostName(name: string, options: { allowWildcard?: boolean } = {}): boolean {
  return hostNameProblem(name, options) === null;
}

/**
 * The server-profile name rule, for a CN and every name a server certificate carries (docs/csr-policy.md
 * "Names"): a host name, a wildcard or an IPv4/IPv6 address. Returns the rule broken, or null.
 * Client certificates name people and devices; this rule is not theirs.
 * @example
 * serverNameProblem("10.0.0.7"); // null
 * serverNameProblem("Alice Smith"); // "letters, digits and hyphens only …"
 */
export function serverNameProblem(name: string): string | null {
  if (parseIpAddress(name)) return null;
  return hostNameProblem(name);
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

/**
 * The one rule for the text of a subject attribute (CSR subjects as parsed, request parameters as
 * issued, CA subjects): no C0 control, no DEL, no C1 control (U+0080–U+009F), no unpaired surrogate
 * (a UniversalString or JavaScript string can carry one; UTF-8 cannot, so the certificate would say
 * U+FFFD where the store says something else), and no Unicode Bidi_Control character (U+061C,
 * U+200E/F, U+202A–202E, U+2066–2069: they reorder how a name is displayed, so `moc.elpmaxe` can read as
 * something else). Returns the length in code points (what X.520 bounds count), or -1 — one pass, no
 * allocation (it runs on every issuance).
 * @example
 * directoryStringLength("Ünïcode ✓"); // 9
 * directoryStringLength("evil\u202Etxt"); // -1
 */
export function directoryStringLength(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) return -1;
    if (c < 0x61c) continue;
    if (c >= 0xd800 && c <= 0xdfff) {
      if (c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
        n--;
        i++;
        continue;
      }
      return -1;
    }
    if (c === 0x61c || c === 0x200e || c === 0x200f || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069)) return -1;
  }
  return n;
}

/**
 * What {@link directoryStringLength} refused, for a message: "U+202E (a bidi control)". Names the code
 * point only, never the text around it. Null when the text is fine.
 */
export function forbiddenCharacter(s: string): string | null {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const u = `U+${c.toString(16).toUpperCase().padStart(4, "0")}`;
    if (c < 0x20 || c === 0x7f) return `${u} (a control character)`;
    if (c >= 0x80 && c <= 0x9f) return `${u} (a C1 control character)`;
    if (c >= 0xd800 && c <= 0xdfff) {
      if (c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
        i++;
        continue;
      }
      return `${u} (an unpaired surrogate)`;
    }
    if (c === 0x61c || c === 0x200e || c === 0x200f || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069)) return `${u} (a bidi control)`;
  }
  return null;
}

/**
 * A bounded, sanitised excerpt of untrusted text for an error message: at most `max` code points,
 * printable ASCII kept, everything else (controls, bidi marks, non-ASCII, quotes, backslashes)
 * written as `\u{…}`; double-quoted; `…` when cut.
 * @example
 * quoteExcerpt("*.*.example.com"); // "\"*.*.example.com\""
 */
export function quoteExcerpt(raw: string, max = 64): string {
  let out = "";
  let n = 0;
  for (const ch of raw) {
    if (n++ >= max) {
      out += "…";
      break;
    }
    const c = ch.codePointAt(0) as number;
    out += c >= 0x20 && c < 0x7f && ch !== '"' && ch !== "\\" ? ch : `\\u{${c.toString(16)}}`;
  }
  return `"${out}"`;
}
