/**
 * Shared readers for the certificate and CRL rule families (src/lint/rules/cert-*.ts, crl-*.ts).
 * Everything reads the tolerant TLV tree of `ctx.der` (src/lint/der.ts), so a rule sees exactly the
 * bytes that were signed — never a re-encoding — and every location is a byte range of `ctx.der`.
 * Nothing here throws: a structure that is not what X.509 says reads as `null` / empty, and the
 * rule that cares reports it.
 */
import { quoteExcerpt } from "../../csr/names.js";
import { type Tlv, readTolerant, spanOf } from "../der.js";
import type { CertContext, CrlContext, ExtensionEntry } from "../registry.js";

export const OIDS = {
  subjectDirectoryAttributes: "2.5.29.9",
  subjectKeyIdentifier: "2.5.29.14",
  keyUsage: "2.5.29.15",
  subjectAltName: "2.5.29.17",
  issuerAltName: "2.5.29.18",
  basicConstraints: "2.5.29.19",
  crlNumber: "2.5.29.20",
  reasonCode: "2.5.29.21",
  invalidityDate: "2.5.29.24",
  deltaCrlIndicator: "2.5.29.27",
  issuingDistributionPoint: "2.5.29.28",
  certificateIssuer: "2.5.29.29",
  nameConstraints: "2.5.29.30",
  crlDistributionPoints: "2.5.29.31",
  certificatePolicies: "2.5.29.32",
  policyMappings: "2.5.29.33",
  authorityKeyIdentifier: "2.5.29.35",
  policyConstraints: "2.5.29.36",
  extKeyUsage: "2.5.29.37",
  freshestCrl: "2.5.29.46",
  inhibitAnyPolicy: "2.5.29.54",
  authorityInfoAccess: "1.3.6.1.5.5.7.1.1",
  subjectInfoAccess: "1.3.6.1.5.5.7.1.11",
  ctPoison: "1.3.6.1.4.1.11129.2.4.3",
  sctList: "1.3.6.1.4.1.11129.2.4.2",
  ocspNoCheck: "1.3.6.1.5.5.7.48.1.5",
  adOcsp: "1.3.6.1.5.5.7.48.1",
  adCaIssuers: "1.3.6.1.5.5.7.48.2",
  anyPolicy: "2.5.29.32.0",
  qtCps: "1.3.6.1.5.5.7.2.1",
  qtUnotice: "1.3.6.1.5.5.7.2.2",
  ekuAny: "2.5.29.37.0",
  ekuServerAuth: "1.3.6.1.5.5.7.3.1",
  ekuClientAuth: "1.3.6.1.5.5.7.3.2",
  ekuCodeSigning: "1.3.6.1.5.5.7.3.3",
  ekuEmailProtection: "1.3.6.1.5.5.7.3.4",
  ekuTimeStamping: "1.3.6.1.5.5.7.3.8",
  ekuOcspSigning: "1.3.6.1.5.5.7.3.9",
  rsaEncryption: "1.2.840.113549.1.1.1",
  rsassaPss: "1.2.840.113549.1.1.10",
  ecPublicKey: "1.2.840.10045.2.1",
  dsa: "1.2.840.10040.4.1",
  sm2Curve: "1.2.156.10197.1.301",
  sm3WithSm2: "1.2.156.10197.1.501",
  p256: "1.2.840.10045.3.1.7",
  p384: "1.3.132.0.34",
  p521: "1.3.132.0.35",
  // Subject attributes.
  commonName: "2.5.4.3",
  surname: "2.5.4.4",
  serialNumber: "2.5.4.5",
  countryName: "2.5.4.6",
  localityName: "2.5.4.7",
  stateOrProvinceName: "2.5.4.8",
  streetAddress: "2.5.4.9",
  organizationName: "2.5.4.10",
  organizationalUnitName: "2.5.4.11",
  postalCode: "2.5.4.17",
  givenName: "2.5.4.42",
  emailAddress: "1.2.840.113549.1.9.1",
  domainComponent: "0.9.2342.19200300.100.1.25",
  // CA/B Forum reserved policy identifiers.
  cabfDv: "2.23.140.1.2.1",
  cabfOv: "2.23.140.1.2.2",
  cabfIv: "2.23.140.1.2.3",
  cabfEv: "2.23.140.1.1",
} as const;

export const TAG = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  ENUMERATED: 0x0a,
  UTF8: 0x0c,
  NUMERIC: 0x12,
  PRINTABLE: 0x13,
  T61: 0x14,
  IA5: 0x16,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  VISIBLE: 0x1a,
  UNIVERSAL: 0x1c,
  BMP: 0x1e,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const;

export type Ctx = CertContext | CrlContext;
export type Loc = { offset: number; length: number } | undefined;

export const loc = (ctx: { der: Uint8Array }, t: Tlv | undefined): Loc => spanOf(t, ctx.der.length);
export const bytesOf = (der: Uint8Array, t: Tlv): Uint8Array => der.subarray(t.contentStart, t.end);
export const q = (s: string, max = 64): string => quoteExcerpt(s, max);

/** Dotted OID text, or null when the TLV is not a well-formed OBJECT IDENTIFIER. */
export function oidOf(der: Uint8Array, t: Tlv | undefined): string | null {
  if (!t || t.tag !== TAG.OID || t.end === t.contentStart || t.end - t.contentStart > 128) return null;
  const arcs: number[] = [];
  let v = 0;
  let fresh = true;
  for (let i = t.contentStart; i < t.end; i++) {
    const b = der[i] as number;
    v = v * 128 + (b & 0x7f);
    if (v > Number.MAX_SAFE_INTEGER / 256) return null;
    fresh = !(b & 0x80);
    if (fresh) {
      arcs.push(v);
      v = 0;
    }
  }
  if (!fresh || !arcs.length) return null;
  const first = arcs.shift() as number;
  const a = first < 80 ? Math.floor(first / 40) : 2;
  return [a, first - a * 40, ...arcs].join(".");
}

/** Parses DER/BER at `offset` of `der` (the contents of an OCTET STRING), or null. The node must end by `end`. */
export function parseAt(der: Uint8Array, offset: number, end: number): Tlv | null {
  if (offset >= end) return null;
  try {
    const t = readTolerant(der.subarray(0, end), offset).root;
    return t.end <= end ? t : null;
  } catch {
    return null;
  }
}

/** An extension as the rules read it. */
export interface Ext {
  oid: string;
  tlv: Tlv;
  /** The critical flag as encoded (absent = false). */
  critical: boolean;
  /** True when `critical FALSE` is written out (DER forbids encoding the default). */
  explicitFalse: boolean;
  /** The OCTET STRING holding the value. */
  octet: Tlv | null;
  /** The value parsed (tolerantly), or null when it is not one whole TLV. */
  value: Tlv | null;
  /** The value has bytes after its one TLV. */
  trailing: boolean;
}

export function readExt(der: Uint8Array, t: Tlv): Ext | null {
  const ch = t.children;
  if (t.tag !== TAG.SEQUENCE || !ch || ch.length < 2 || ch.length > 3) return null;
  const id = oidOf(der, ch[0]);
  if (!id) return null;
  let critical = false;
  let explicitFalse = false;
  let octet: Tlv | undefined;
  if (ch.length === 3) {
    const b = ch[1] as Tlv;
    if (b.tag !== TAG.BOOLEAN || b.end - b.contentStart !== 1) return null;
    critical = der[b.contentStart] !== 0;
    explicitFalse = !critical;
    octet = ch[2];
  } else octet = ch[1];
  if (!octet || octet.tag !== TAG.OCTET_STRING || octet.children) return { oid: id, tlv: t, critical, explicitFalse, octet: null, value: null, trailing: false };
  const value = parseAt(der, octet.contentStart, octet.end);
  return { oid: id, tlv: t, critical, explicitFalse, octet, value, trailing: value !== null && value.end !== octet.end };
}

const extCache = new WeakMap<object, Ext[]>();

/** Every extension of the certificate (or the CRL's own), in order; repeated OIDs appear repeatedly. */
export function exts(ctx: Ctx): Ext[] {
  const hit = extCache.get(ctx);
  if (hit) return hit;
  const out: Ext[] = [];
  const list: ExtensionEntry[] = [];
  for (const entries of ctx.extensions.values()) list.push(...entries);
  list.sort((a, b) => a.tlv.start - b.tlv.start);
  for (const e of list) {
    const x = readExt(ctx.der, e.tlv);
    if (x) out.push(x);
  }
  extCache.set(ctx, out);
  return out;
}

/** The first extension with this OID, or undefined. */
export const ext = (ctx: Ctx, oid: string): Ext | undefined => exts(ctx).find((e) => e.oid === oid);

/** The extensions of a CRL entry (the [0]-less SEQUENCE that follows revocationDate), read like the others. */
export function entryExts(der: Uint8Array, entry: Tlv): Ext[] {
  const list = entry.children?.[2];
  if (!list || list.tag !== TAG.SEQUENCE || !list.children) return [];
  const out: Ext[] = [];
  for (const t of list.children) {
    const x = readExt(der, t);
    if (x) out.push(x);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------- text

const latin1 = new TextDecoder("latin1");
const utf8 = new TextDecoder("utf-8", { fatal: true });

/** The text of a string TLV (best effort: invalid UTF-8 / BMP decode as null). */
export function textOf(der: Uint8Array, t: Tlv): string | null {
  const b = bytesOf(der, t);
  try {
    switch (t.tag) {
      case TAG.UTF8:
        return utf8.decode(b);
      case TAG.BMP: {
        if (b.length % 2) return null;
        let s = "";
        for (let i = 0; i < b.length; i += 2) s += String.fromCharCode(((b[i] as number) << 8) | (b[i + 1] as number));
        return s;
      }
      case TAG.UNIVERSAL: {
        if (b.length % 4) return null;
        let s = "";
        for (let i = 0; i < b.length; i += 4) s += String.fromCodePoint((((b[i] as number) << 24) | ((b[i + 1] as number) << 16) | ((b[i + 2] as number) << 8) | (b[i + 3] as number)) >>> 0);
        return s;
      }
      default:
        return latin1.decode(b);
    }
  } catch {
    return null;
  }
}

export const PRINTABLE = /^[A-Za-z0-9 '()+,\-./:=?]*$/;
export const isAscii = (b: Uint8Array): boolean => b.every((c) => c < 0x80);

// ---------------------------------------------------------------------------------------------- names

export interface Attr {
  oid: string;
  tag: number;
  value: Tlv;
  text: string | null;
  /** The AttributeTypeAndValue SEQUENCE. */
  tlv: Tlv;
  rdn: number;
}

/** The attributes of a Name, in order (RDN index kept), skipping what is not AttributeTypeAndValue. */
export function nameAttrs(der: Uint8Array, name: Tlv | undefined): Attr[] {
  const out: Attr[] = [];
  if (!name?.children) return out;
  name.children.forEach((rdn, i) => {
    for (const atv of rdn.children ?? []) {
      const [t, v] = atv.children ?? [];
      const id = oidOf(der, t);
      if (!id || !v) continue;
      out.push({ oid: id, tag: v.tag, value: v, text: textOf(der, v), tlv: atv, rdn: i });
    }
  });
  return out;
}

export const attrsOf = (attrs: Attr[], oid: string): Attr[] => attrs.filter((a) => a.oid === oid);

// ---------------------------------------------------------------------------------------------- GeneralNames

export type GnKind = "otherName" | "rfc822" | "dns" | "x400" | "directory" | "edi" | "uri" | "ip" | "registeredId";
const GN_KINDS: GnKind[] = ["otherName", "rfc822", "dns", "x400", "directory", "edi", "uri", "ip", "registeredId"];

export interface GeneralName {
  kind: GnKind;
  tlv: Tlv;
  /** Contents as text for rfc822 / dns / uri (latin1: every byte one character), else "". */
  text: string;
  bytes: Uint8Array;
}

export function generalName(der: Uint8Array, t: Tlv): GeneralName | null {
  if ((t.tag & 0xc0) !== 0x80) return null;
  const kind = GN_KINDS[t.tag & 0x1f];
  if (!kind) return null;
  const bytes = bytesOf(der, t);
  const text = kind === "rfc822" || kind === "dns" || kind === "uri" ? latin1.decode(bytes) : "";
  return { kind, tlv: t, text, bytes };
}

/** GeneralNames ::= SEQUENCE OF GeneralName. */
export function generalNames(der: Uint8Array, seq: Tlv | null | undefined): GeneralName[] {
  if (!seq || seq.tag !== TAG.SEQUENCE || !seq.children) return [];
  const out: GeneralName[] = [];
  for (const c of seq.children) {
    const g = generalName(der, c);
    if (g) out.push(g);
  }
  return out;
}

export function sanNames(ctx: CertContext): GeneralName[] {
  const e = ext(ctx, OIDS.subjectAltName);
  return e ? generalNames(ctx.der, e.value) : [];
}

// ---------------------------------------------------------------------------------------------- key usage, EKU, BC

export const KU_NAMES = ["digitalSignature", "nonRepudiation", "keyEncipherment", "dataEncipherment", "keyAgreement", "keyCertSign", "cRLSign", "encipherOnly", "decipherOnly"] as const;
export type KuName = (typeof KU_NAMES)[number];

/** keyUsage bits set, or null when there is no keyUsage extension (or it is not a BIT STRING). */
export function keyUsage(ctx: CertContext): Set<KuName> | null {
  const e = ext(ctx, OIDS.keyUsage);
  if (!e?.value || e.value.tag !== TAG.BIT_STRING || e.value.end === e.value.contentStart) return null;
  const b = bytesOf(ctx.der, e.value).subarray(1);
  const set = new Set<KuName>();
  KU_NAMES.forEach((n, i) => {
    const byte = b[i >> 3];
    if (byte !== undefined && byte & (0x80 >> (i & 7))) set.add(n);
  });
  return set;
}

/** EKU OIDs, or null without the extension. */
export function ekus(ctx: CertContext): string[] | null {
  const e = ext(ctx, OIDS.extKeyUsage);
  if (!e) return null;
  return (e.value?.children ?? []).map((c) => oidOf(ctx.der, c) ?? "?");
}

export interface BasicConstraints {
  ext: Ext;
  ca: boolean;
  /** An explicit `cA FALSE` (DER forbids encoding the default). */
  caExplicitFalse: boolean;
  pathLen: bigint | null;
  pathLenTlv: Tlv | null;
}

export function basicConstraints(ctx: CertContext): BasicConstraints | null {
  const e = ext(ctx, OIDS.basicConstraints);
  if (!e) return null;
  let ca = false;
  let caExplicitFalse = false;
  let pathLen: bigint | null = null;
  let pathLenTlv: Tlv | null = null;
  for (const c of e.value?.children ?? []) {
    if (c.tag === TAG.BOOLEAN) {
      ca = ctx.der[c.contentStart] !== 0;
      caExplicitFalse = !ca;
    } else if (c.tag === TAG.INTEGER) {
      pathLen = intOf(ctx.der, c);
      pathLenTlv = c;
    }
  }
  return { ext: e, ca, caExplicitFalse, pathLen, pathLenTlv };
}

/** A (signed, two's complement) INTEGER's value. */
export function intOf(der: Uint8Array, t: Tlv): bigint {
  const b = bytesOf(der, t);
  if (!b.length) return 0n;
  let v = 0n;
  for (const x of b) v = (v << 8n) | BigInt(x);
  if ((b[0] as number) & 0x80) v -= 1n << BigInt(8 * b.length);
  return v;
}

/** The key identifier octets of an AKI's [0] field, or null. */
export function akiKeyId(der: Uint8Array, e: Ext | undefined): Uint8Array | null {
  const f = e?.value?.children?.find((c) => c.tag === 0x80);
  return f ? bytesOf(der, f) : null;
}

export function skiOf(der: Uint8Array, e: Ext | undefined): Uint8Array | null {
  return e?.value && e.value.tag === TAG.OCTET_STRING ? bytesOf(der, e.value) : null;
}

export const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((x, i) => x === b[i]);
export const hexOf = (b: Uint8Array, max = 32): string => Buffer.from(b.subarray(0, max)).toString("hex") + (b.length > max ? "…" : "");

// ---------------------------------------------------------------------------------------------- times

/** A parsed Time: its instant (null when the text is not a valid time of its type) and format problems. */
export interface TimeValue {
  tlv: Tlv;
  kind: "utc" | "generalized" | "other";
  raw: string;
  date: Date | null;
  problems: string[];
}

export function readTime(der: Uint8Array, t: Tlv | undefined): TimeValue | null {
  if (!t) return null;
  const raw = latin1.decode(bytesOf(der, t));
  const problems: string[] = [];
  if (t.tag === TAG.UTC_TIME) {
    const m = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?(Z|[+-]\d{4})?$/.exec(raw);
    if (!m) return { tlv: t, kind: "utc", raw, date: null, problems: ["not YYMMDDHHMMSSZ"] };
    if (m[6] === undefined) problems.push("no seconds");
    if (m[7] !== "Z") problems.push("not in Zulu (UTC, ending in Z)");
    const yy = Number(m[1]);
    const year = yy >= 50 ? 1900 + yy : 2000 + yy;
    return { tlv: t, kind: "utc", raw, date: civil(year, m[2], m[3], m[4], m[5], m[6] ?? "00", m[7]), problems };
  }
  if (t.tag === TAG.GENERALIZED_TIME) {
    const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})?(\d{2})?([.,]\d+)?(Z|[+-]\d{4})?$/.exec(raw);
    if (!m) return { tlv: t, kind: "generalized", raw, date: null, problems: ["not YYYYMMDDHHMMSSZ"] };
    if (m[5] === undefined || m[6] === undefined) problems.push("no seconds");
    if (m[7] !== undefined) problems.push("fractional seconds");
    if (m[8] !== "Z") problems.push("not in Zulu (UTC, ending in Z)");
    return { tlv: t, kind: "generalized", raw, date: civil(Number(m[1]), m[2], m[3], m[4], m[5] ?? "00", m[6] ?? "00", m[8]), problems };
  }
  return { tlv: t, kind: "other", raw: "", date: null, problems: ["not a UTCTime or GeneralizedTime"] };
}

function civil(year: number, mo?: string, d?: string, h?: string, mi?: string, s?: string, zone?: string): Date | null {
  const [M, D, H, Mi, S] = [mo, d, h, mi, s].map(Number) as [number, number, number, number, number];
  if (M < 1 || M > 12 || D < 1 || D > 31 || H > 23 || Mi > 59 || S > 59) return null;
  let ms = Date.UTC(year, M - 1, D, H, Mi, S);
  if (year < 100) ms = new Date(ms).setUTCFullYear(year);
  if (new Date(ms).getUTCDate() !== D) return null;
  if (zone && zone !== "Z") {
    const sign = zone[0] === "-" ? -1 : 1;
    ms -= sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(3, 5))) * 60_000;
  }
  return new Date(ms);
}

export function validity(ctx: CertContext): { notBefore: TimeValue | null; notAfter: TimeValue | null } {
  const v = ctx.nodes.validity?.children;
  return { notBefore: readTime(ctx.der, v?.[0]), notAfter: readTime(ctx.der, v?.[1]) };
}

/** Whole validity period in seconds, inclusive of the last second as RFC 5280 §4.1.2.5 counts it. */
export function validitySeconds(ctx: CertContext): number | null {
  const { notBefore, notAfter } = validity(ctx);
  if (!notBefore?.date || !notAfter?.date) return null;
  return (notAfter.date.getTime() - notBefore.date.getTime()) / 1000 + 1;
}

// ---------------------------------------------------------------------------------------------- keys and algorithms

export interface AlgId {
  tlv: Tlv;
  oid: string | null;
  params: Tlv | undefined;
  extra: number;
}

export function algId(der: Uint8Array, t: Tlv | undefined): AlgId | null {
  if (!t || t.tag !== TAG.SEQUENCE || !t.children) return null;
  const [o, p, ...rest] = t.children;
  return { tlv: t, oid: oidOf(der, o), params: p, extra: rest.length };
}

export interface PublicKey {
  alg: AlgId;
  /** The subjectPublicKey BIT STRING contents after the unused-bits octet. */
  key: Uint8Array;
  keyTlv: Tlv;
  rsa?: { n: Uint8Array; e: Uint8Array; nTlv: Tlv; eTlv: Tlv; bits: number };
  /** Named curve OID for EC keys. */
  curve?: string | null;
}

export function publicKey(der: Uint8Array, spki: Tlv | undefined): PublicKey | null {
  const [a, bits] = spki?.children ?? [];
  const alg = algId(der, a);
  if (!alg || !bits || bits.tag !== TAG.BIT_STRING || bits.end === bits.contentStart) return null;
  const key = der.subarray(bits.contentStart + 1, bits.end);
  const pk: PublicKey = { alg, key, keyTlv: bits };
  if (alg.oid === OIDS.rsaEncryption || alg.oid === OIDS.rsassaPss) {
    const seq = parseAt(der, bits.contentStart + 1, bits.end);
    const [n, e] = seq?.children ?? [];
    if (n?.tag === TAG.INTEGER && e?.tag === TAG.INTEGER) {
      const nb = stripZero(bytesOf(der, n));
      pk.rsa = { n: nb, e: stripZero(bytesOf(der, e)), nTlv: n, eTlv: e, bits: bitLength(nb) };
    }
  } else if (alg.oid === OIDS.ecPublicKey) {
    pk.curve = alg.params?.tag === TAG.OID ? oidOf(der, alg.params) : null;
  }
  return pk;
}

const stripZero = (b: Uint8Array): Uint8Array => {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  return b.subarray(i);
};

export function bitLength(b: Uint8Array): number {
  const s = stripZero(b);
  if (!s.length || (s.length === 1 && s[0] === 0)) return 0;
  return (s.length - 1) * 8 + (32 - Math.clz32(s[0] as number));
}

export const bigOf = (b: Uint8Array): bigint => (b.length ? BigInt(`0x${Buffer.from(b).toString("hex")}`) : 0n);

/** Short-Weierstrass curves caskit knows, for the on-curve check: y² = x³ + ax + b (mod p). */
export const CURVE_PARAMS: Record<string, { name: string; p: bigint; a: bigint; b: bigint; bytes: number }> = {
  [OIDS.p256]: {
    name: "P-256",
    p: 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn,
    a: 0xffffffff00000001000000000000000000000000fffffffffffffffffffffffcn,
    b: 0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604bn,
    bytes: 32,
  },
  [OIDS.p384]: {
    name: "P-384",
    p: 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000ffffffffn,
    a: 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000fffffffcn,
    b: 0xb3312fa7e23ee7e4988e056be3f82d19181d9c6efe8141120314088f5013875ac656398d8a2ed19d2a85c8edd3ec2aefn,
    bytes: 48,
  },
  [OIDS.p521]: {
    name: "P-521",
    p: (1n << 521n) - 1n,
    a: (1n << 521n) - 4n,
    b: 0x0051953eb9618e1c9a1f929a21a0b68540eea2da725b99b315f3b8b489918ef109e156193951ec7e937b1652c0bd3bb1bf073573df883d2c34f1ef451fd46b503f00n,
    bytes: 66,
  },
  [OIDS.sm2Curve]: {
    name: "SM2",
    p: 0xfffffffeffffffffffffffffffffffffffffffff00000000ffffffffffffffffn,
    a: 0xfffffffeffffffffffffffffffffffffffffffff00000000fffffffffffffffcn,
    b: 0x28e9fa9e9d9f5e344d5a9e4bcf6509a7f39789f515ab8f92ddbcbd414d940e93n,
    bytes: 32,
  },
};

/** "ok", or why the point is not an uncompressed point on the curve. */
export function pointProblem(curveOid: string, point: Uint8Array): string | null {
  const c = CURVE_PARAMS[curveOid];
  if (!c) return null;
  if (point[0] !== 0x04) return point[0] === 0x02 || point[0] === 0x03 ? "is a compressed point" : "is not an EC point (first octet is not 04)";
  if (point.length !== 1 + 2 * c.bytes) return `has ${point.length} octets; an uncompressed ${c.name} point has ${1 + 2 * c.bytes}`;
  const x = bigOf(point.subarray(1, 1 + c.bytes));
  const y = bigOf(point.subarray(1 + c.bytes));
  if (x >= c.p || y >= c.p) return `has a coordinate outside the ${c.name} field`;
  const lhs = (y * y) % c.p;
  const rhs = (((x * x) % c.p) * x + c.a * x + c.b) % c.p;
  return lhs === rhs ? null : `is not on the ${c.name} curve`;
}

export const SIG_ALGS: Record<string, { name: string; family: "RSA" | "EC" | "SM2" | "DSA" | "PSS" | "EdDSA"; hash: string; nullParams: boolean }> = {
  "1.2.840.113549.1.1.4": { name: "md5WithRSAEncryption", family: "RSA", hash: "md5", nullParams: true },
  "1.2.840.113549.1.1.5": { name: "sha1WithRSAEncryption", family: "RSA", hash: "sha1", nullParams: true },
  "1.2.840.113549.1.1.14": { name: "sha224WithRSAEncryption", family: "RSA", hash: "sha224", nullParams: true },
  "1.2.840.113549.1.1.11": { name: "sha256WithRSAEncryption", family: "RSA", hash: "sha256", nullParams: true },
  "1.2.840.113549.1.1.12": { name: "sha384WithRSAEncryption", family: "RSA", hash: "sha384", nullParams: true },
  "1.2.840.113549.1.1.13": { name: "sha512WithRSAEncryption", family: "RSA", hash: "sha512", nullParams: true },
  "1.2.840.113549.1.1.10": { name: "RSASSA-PSS", family: "PSS", hash: "?", nullParams: false },
  "1.2.840.10045.4.1": { name: "ecdsa-with-SHA1", family: "EC", hash: "sha1", nullParams: false },
  "1.2.840.10045.4.3.1": { name: "ecdsa-with-SHA224", family: "EC", hash: "sha224", nullParams: false },
  "1.2.840.10045.4.3.2": { name: "ecdsa-with-SHA256", family: "EC", hash: "sha256", nullParams: false },
  "1.2.840.10045.4.3.3": { name: "ecdsa-with-SHA384", family: "EC", hash: "sha384", nullParams: false },
  "1.2.840.10045.4.3.4": { name: "ecdsa-with-SHA512", family: "EC", hash: "sha512", nullParams: false },
  "1.2.840.10040.4.3": { name: "dsa-with-SHA1", family: "DSA", hash: "sha1", nullParams: false },
  "2.16.840.1.101.3.4.3.2": { name: "dsa-with-SHA256", family: "DSA", hash: "sha256", nullParams: false },
  "1.3.101.112": { name: "Ed25519", family: "EdDSA", hash: "-", nullParams: false },
  "1.3.101.113": { name: "Ed448", family: "EdDSA", hash: "-", nullParams: false },
  [OIDS.sm3WithSm2]: { name: "SM3withSM2", family: "SM2", hash: "sm3", nullParams: false },
};

// ---------------------------------------------------------------------------------------------- DNS names

/** Labels of a DNS name (a trailing dot leaves an empty last label). */
export const labels = (name: string): string[] => name.split(".");

export const isIpv4Text = (s: string): boolean => /^\d{1,3}(\.\d{1,3}){3}$/.test(s) && s.split(".").every((p) => Number(p) <= 255);
export const looksLikeIpv6 = (s: string): boolean => s.includes(":") && /^[0-9A-Fa-f:.]+$/.test(s);

/** Is this certificate self-issued (issuer and subject the same bytes)? */
export function selfIssued(ctx: CertContext): boolean {
  const { issuer, subject } = ctx.nodes;
  return !!issuer && !!subject && sameBytes(ctx.der.subarray(issuer.start, issuer.end), ctx.der.subarray(subject.start, subject.end));
}

export const isCa = (ctx: CertContext): boolean => ctx.target === "root" || ctx.target === "intermediate";
