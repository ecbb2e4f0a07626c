/**
 * The issuing hot path (issue 5 target 1): one leaf certificate written in two passes — sizes first,
 * then bytes — into a reused scratch buffer, signed once, and copied once into its exact-size DER.
 *
 * Why not compose `tlv()` calls as the CA path does: every nested TLV there is its own allocation and
 * copy, and measured beside the signature the garbage costs about twice its own run time (it evicts
 * the signer's tables from the CPU caches). Here a certificate costs three allocations: the SKI
 * digest, the signature and the output. The bytes are the same as the straightforward encoding —
 * test/issue/tbs-identical.test.ts proves it against @peculiar/asn1-x509 for every profile and key type.
 *
 * What is constant per issuer and profile (signature AlgorithmIdentifier, issuer Name, the
 * basicConstraints/keyUsage/EKU extensions, AKI, CDP, AIA) arrives pre-encoded in a {@link LeafTemplate};
 * per certificate only the serial, validity, subject, SPKI, SKI and SANs are written.
 * Nothing here parses its own output.
 */
import { hash } from "node:crypto";
import type { Signer } from "../crypto/signer.js";
import { concat } from "../internal/der.js";
import type { SubjectParams } from "../types.js";

/** Per-issuer, per-profile constant parts, each already DER. */
export interface LeafTemplateParts {
  /** The issuer's signature AlgorithmIdentifier (in the TBS and again around the signature). */
  readonly signatureAlgorithm: Uint8Array;
  /** The issuer's subject Name, byte for byte as in its certificate (RFC 5280 §4.1.2.4). */
  readonly issuerName: Uint8Array;
  /** Extensions written before the SKI: basicConstraints, keyUsage, extKeyUsage. */
  readonly prefix: Uint8Array;
  /** The authorityKeyIdentifier extension (RFC 5280 §4.2.1.1), written after the SKI. */
  readonly aki: Uint8Array;
  /** Extensions written after the SAN: CRL distribution point and/or AIA, or nothing. */
  readonly tail: Uint8Array;
}

/** The parts plus the runs of them that are always adjacent, joined once so each is one copy. */
export interface LeafTemplate extends LeafTemplateParts {
  /** signatureAlgorithm ‖ issuerName: everything between the serial and the validity. */
  readonly afterSerial: Uint8Array;
  /** prefix ‖ the SKI extension's bytes up to its digest. */
  readonly beforeSkiDigest: Uint8Array;
}

/** A GeneralName for the SAN: the context tag and its contents (ASCII text or raw octets). */
export interface GeneralNameBytes {
  /** 0x81 rfc822Name, 0x82 dNSName, 0x86 URI, 0x87 iPAddress (RFC 5280 §4.2.1.6, IMPLICIT tags). */
  readonly tag: number;
  /** IA5String contents (already checked to be ASCII), or … */
  readonly text?: string;
  /** … the 4 or 16 address octets. */
  readonly bytes?: Uint8Array;
}

/** What changes from one leaf to the next. */
export interface LeafFields {
  /** Serial magnitude, big-endian, positive; a 0x00 is prepended when the top bit is set. */
  readonly serial: Uint8Array;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** A normalized subject (name.ts `normalizeSubject`): only set fields, checked bounds. */
  readonly subject: SubjectParams;
  /** SubjectPublicKeyInfo DER, copied as is from the CSR or the generated key. */
  readonly spki: Uint8Array;
  readonly sans: readonly GeneralNameBytes[];
  /** RFC 5280 §4.2.1.6: critical when the subject is empty. */
  readonly sanCritical: boolean;
}

// RDN order C, ST, L, O, OU, CN (name.ts documents the rule); the attribute type is 2.5.4.<last>.
const NAME_ORDER: ReadonlyArray<readonly [keyof SubjectParams, number]> = [
  ["country", 6],
  ["state", 8],
  ["locality", 7],
  ["organization", 10],
  ["organizationalUnit", 11],
  ["commonName", 3],
];

/** `[0] EXPLICIT Version v3`. */
const VERSION_V3 = Uint8Array.of(0xa0, 0x03, 0x02, 0x01, 0x02);
/** `Extension { extnID subjectKeyIdentifier, extnValue OCTET STRING { OCTET STRING (20) } }` up to the digest. */
const SKI_HEAD = Uint8Array.of(0x30, 0x1d, 0x06, 0x03, 0x55, 0x1d, 0x0e, 0x04, 0x16, 0x04, 0x14);
/** `extnID subjectAltName` and, when critical, `critical TRUE`. */
const SAN_ID = Uint8Array.of(0x06, 0x03, 0x55, 0x1d, 0x11);
const CRITICAL = Uint8Array.of(0x01, 0x01, 0xff);

/** Prepares a template (once per issuer and profile). */
export function leafTemplate(parts: LeafTemplateParts): LeafTemplate {
  return Object.freeze({
    ...parts,
    afterSerial: concat([parts.signatureAlgorithm, parts.issuerName]),
    beforeSkiDigest: concat([parts.prefix, SKI_HEAD]),
  });
}

/** Octets of the length field for `n` content octets (DER definite form). */
const lenSize = (n: number): number => (n < 0x80 ? 1 : n < 0x100 ? 2 : n < 0x10000 ? 3 : n < 0x1000000 ? 4 : 5);
/** Octets of a whole TLV with `n` content octets (single-octet tags only). */
const tlvSize = (n: number): number => 1 + lenSize(n) + n;

/** UTF-8 length of a JS string (lone surrogates count as U+FFFD, as TextEncoder writes them). */
function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/** Length of the serial INTEGER's contents (leading zero octets dropped, one 0x00 added for a set top bit). */
function serialContentLength(m: Uint8Array): number {
  let start = 0;
  while (start < m.length - 1 && m[start] === 0) start++;
  const len = m.length - start;
  if (len === 0) return 1;
  return ((m[start] as number) & 0x80 ? 1 : 0) + len;
}

/** RFC 5280 §4.1.2.5: UTCTime through 2049 (13 octets), GeneralizedTime from 2050 (15 octets). */
const timeContentLength = (d: Date): number => {
  const y = d.getUTCFullYear();
  return y >= 1950 && y < 2050 ? 13 : 15;
};

/** The BIT STRING contents of an SPKI minus the unused-bits octet: the SKI input (RFC 5280 §4.2.1.2 (1)). */
function subjectPublicKeyBits(spki: Uint8Array): Uint8Array {
  // SubjectPublicKeyInfo ::= SEQUENCE { algorithm AlgorithmIdentifier, subjectPublicKey BIT STRING }
  let p = headerEnd(spki, 0, 0x30);
  p = tlvEnd(spki, p, 0x30);
  const bits = headerEnd(spki, p, 0x03);
  return spki.subarray(bits + 1, tlvEnd(spki, p, 0x03));
}

/** Offset just past the tag and length octets of the TLV at `p` (which must carry `tag`). */
function headerEnd(b: Uint8Array, p: number, tag: number): number {
  if (b[p] !== tag) throw new TypeError("not a SubjectPublicKeyInfo");
  const first = b[p + 1] as number;
  if (first < 0x80) return p + 2;
  return p + 2 + (first & 0x7f);
}

/** Offset just past the whole TLV at `p`. */
function tlvEnd(b: Uint8Array, p: number, tag: number): number {
  const start = headerEnd(b, p, tag);
  const first = b[p + 1] as number;
  let len = first;
  if (first >= 0x80) {
    len = 0;
    for (let i = p + 2; i < start; i++) len = len * 256 + (b[i] as number);
  }
  const end = start + len;
  if (end > b.length) throw new TypeError("not a SubjectPublicKeyInfo");
  return end;
}

/** The SKI of a key (RFC 5280 §4.2.1.2 method 1: SHA-1 of the subjectPublicKey BIT STRING contents). */
export function keyIdOfSpki(spki: Uint8Array): Uint8Array {
  return new Uint8Array(hash("sha1", subjectPublicKeyBits(spki), "buffer"));
}

/**
 * One scratch buffer for every TBS this process writes: signing is synchronous and nothing keeps a
 * view of the scratch after {@link writeLeaf} returns, so no two certificates ever share it.
 */
let scratch: Buffer = Buffer.allocUnsafeSlow(4096);

/**
 * Writes and signs one leaf certificate from a template and its per-certificate fields; returns the
 * DER (a fresh, exact-size array). Sizes are computed first, so every header is written once.
 */
export function writeLeaf(t: LeafTemplate, f: LeafFields, signer: Signer): Uint8Array {
  // Pass 1: sizes, innermost first.
  const serialC = serialContentLength(f.serial);
  const validityC = tlvSize(timeContentLength(f.notBefore)) + tlvSize(timeContentLength(f.notAfter));
  let nameC = 0;
  for (const [key] of NAME_ORDER) {
    const v = f.subject[key];
    if (v === undefined) continue;
    nameC += tlvSize(tlvSize(5 + tlvSize(utf8Length(v))));
  }
  let sanNamesC = 0;
  for (const g of f.sans) sanNamesC += tlvSize(g.bytes ? g.bytes.length : (g.text as string).length);
  const sanValueC = tlvSize(sanNamesC);
  const sanExtC = f.sans.length ? SAN_ID.length + (f.sanCritical ? CRITICAL.length : 0) + tlvSize(sanValueC) : 0;
  const extsC = t.beforeSkiDigest.length + 20 + t.aki.length + (f.sans.length ? tlvSize(sanExtC) : 0) + t.tail.length;
  const tbsC =
    VERSION_V3.length +
    tlvSize(serialC) +
    t.afterSerial.length +
    tlvSize(validityC) +
    tlvSize(nameC) +
    f.spki.length +
    tlvSize(tlvSize(extsC));
  const tbsSize = tlvSize(tbsC);

  // Pass 2: bytes.
  if (scratch.length < tbsSize) scratch = Buffer.allocUnsafeSlow(tbsSize * 2);
  const b = scratch;
  let p = 0;
  p = header(b, p, 0x30, tbsC);
  b.set(VERSION_V3, p);
  p += VERSION_V3.length;
  p = header(b, p, 0x02, serialC);
  p = writeSerial(b, p, f.serial, serialC);
  b.set(t.afterSerial, p);
  p += t.afterSerial.length;
  p = header(b, p, 0x30, validityC);
  p = writeTime(b, p, f.notBefore);
  p = writeTime(b, p, f.notAfter);
  p = header(b, p, 0x30, nameC);
  for (const [key, arc] of NAME_ORDER) {
    const v = f.subject[key];
    if (v === undefined) continue;
    const vLen = utf8Length(v);
    const atvC = 5 + tlvSize(vLen);
    p = header(b, p, 0x31, tlvSize(atvC));
    p = header(b, p, 0x30, atvC);
    b[p++] = 0x06;
    b[p++] = 0x03;
    b[p++] = 0x55;
    b[p++] = 0x04;
    b[p++] = arc;
    // countryName is PrintableString (X.520), everything else UTF8String (name.ts).
    p = header(b, p, key === "country" ? 0x13 : 0x0c, vLen);
    p = writeText(b, p, v, vLen);
  }
  b.set(f.spki, p);
  p += f.spki.length;
  p = header(b, p, 0xa3, tlvSize(extsC));
  p = header(b, p, 0x30, extsC);
  b.set(t.beforeSkiDigest, p);
  p += t.beforeSkiDigest.length;
  // "binary" (latin1) maps each digest octet to one char code: the 20 octets land in the TBS without a
  // native Buffer allocated for them.
  const digest = hash("sha1", subjectPublicKeyBits(f.spki), "binary");
  for (let i = 0; i < 20; i++) b[p + i] = digest.charCodeAt(i);
  p += 20;
  b.set(t.aki, p);
  p += t.aki.length;
  if (f.sans.length) {
    p = header(b, p, 0x30, sanExtC);
    b.set(SAN_ID, p);
    p += SAN_ID.length;
    if (f.sanCritical) {
      b.set(CRITICAL, p);
      p += CRITICAL.length;
    }
    p = header(b, p, 0x04, sanValueC);
    p = header(b, p, 0x30, sanNamesC);
    for (const g of f.sans) {
      if (g.bytes) {
        p = header(b, p, g.tag, g.bytes.length);
        b.set(g.bytes, p);
        p += g.bytes.length;
      } else {
        const text = g.text as string;
        p = header(b, p, g.tag, text.length);
        p = writeText(b, p, text, text.length);
      }
    }
  }
  b.set(t.tail, p);
  p += t.tail.length;
  if (p !== tbsSize) throw new Error(`leaf writer size mismatch: wrote ${p}, planned ${tbsSize}`);

  // Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue BIT STRING }.
  const tbs = b.subarray(0, tbsSize);
  const sig = signer.sign(tbs);
  const certC = tbsSize + t.signatureAlgorithm.length + tlvSize(sig.length + 1);
  const out = new Uint8Array(tlvSize(certC));
  let q = header(out, 0, 0x30, certC);
  out.set(tbs, q);
  q += tbsSize;
  out.set(t.signatureAlgorithm, q);
  q += t.signatureAlgorithm.length;
  q = header(out, q, 0x03, sig.length + 1);
  out[q++] = 0;
  out.set(sig, q);
  return out;
}

/** Writes tag and length at `p`; returns the offset of the contents. */
function header(b: Uint8Array, p: number, tag: number, n: number): number {
  b[p++] = tag;
  if (n < 0x80) {
    b[p++] = n;
    return p;
  }
  const k = lenSize(n) - 1;
  b[p++] = 0x80 | k;
  for (let i = k - 1; i >= 0; i--) b[p++] = Math.floor(n / 2 ** (8 * i)) & 0xff;
  return p;
}

function writeSerial(b: Uint8Array, p: number, m: Uint8Array, contentLength: number): number {
  let start = 0;
  while (start < m.length - 1 && m[start] === 0) start++;
  const len = m.length - start;
  if (len === 0) {
    b[p] = 0;
    return p + 1;
  }
  if (contentLength > len) b[p++] = 0;
  b.set(m.subarray(start), p);
  return p + len;
}

/** ASCII in a loop; anything else through Buffer's UTF-8 encoder (same bytes as TextEncoder). */
function writeText(b: Buffer, p: number, s: string, byteLength: number): number {
  if (byteLength === s.length) {
    for (let i = 0; i < s.length; i++) b[p + i] = s.charCodeAt(i);
    return p + byteLength;
  }
  b.write(s, p, byteLength, "utf8");
  return p + byteLength;
}

function two(b: Uint8Array, p: number, n: number): number {
  b[p] = 0x30 + ((n / 10) | 0);
  b[p + 1] = 0x30 + (n % 10);
  return p + 2;
}

/** The same bytes as der.ts `time()`: UTCTime YYMMDDHHMMSSZ, or GeneralizedTime YYYYMMDDHHMMSSZ. */
function writeTime(b: Uint8Array, p: number, d: Date): number {
  const y = d.getUTCFullYear();
  const utc = y >= 1950 && y < 2050;
  b[p++] = utc ? 0x17 : 0x18;
  b[p++] = utc ? 13 : 15;
  if (utc) p = two(b, p, y % 100);
  else {
    p = two(b, p, Math.floor(y / 100) % 100);
    p = two(b, p, y % 100);
  }
  p = two(b, p, d.getUTCMonth() + 1);
  p = two(b, p, d.getUTCDate());
  p = two(b, p, d.getUTCHours());
  p = two(b, p, d.getUTCMinutes());
  p = two(b, p, d.getUTCSeconds());
  b[p++] = 0x5a; // "Z"
  return p;
}
