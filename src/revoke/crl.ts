/**
 * v2 CRLs (RFC 5280 §5), encoded directly into one buffer: entries are written once, in order, with
 * their lengths known up front — linear time, and memory of about the CRL's own size. (The @peculiar/x509
 * generator is quadratic in entries and labels PEM "BEGIN CRL", which OpenSSL cannot read.)
 */
import { AsnConvert } from "@peculiar/asn1-schema";
import { DistributionPointName, GeneralName, IssuingDistributionPoint } from "@peculiar/asn1-x509";
import type { Signer } from "../crypto/signer.js";
import { RevokeError } from "../errors.js";
import { TRUE, bitString, concat, encodeLength, fromHex, implicitPrimitive, octetString, oid, sequence, time, tlv, unsignedInteger } from "../internal/der.js";
import { toPem } from "../internal/pem.js";
import { CRL_REASONS, type CrlReason } from "./reasons.js";

export interface RevokedEntry {
  /** Unsigned big-endian bytes, or lowercase/uppercase hex. */
  serial: Uint8Array | string;
  revokedAt: Date;
  /** Omitted from the CRL when unspecified (RFC 5280 §5.3.1). */
  reason?: CrlReason;
}

export interface CrlIssuer {
  /** The CA certificate's subject Name DER, exactly. */
  nameDer: Uint8Array;
  /** The CA's subject key identifier (for the AKI extension). */
  keyIdentifier: Uint8Array;
  signer: Signer;
}

export interface BuildCrlParams {
  issuer: CrlIssuer;
  entries: Iterable<RevokedEntry>;
  /** CRLNumber (RFC 5280 §5.2.3): non-negative, at most 20 octets; strictly increasing per CA. */
  crlNumber: bigint | number;
  thisUpdate: Date;
  nextUpdate: Date;
  /**
   * Makes this a CRL of limited scope (a shard of a partitioned CRL, RFC 5280 §5.2.5): a critical
   * issuingDistributionPoint whose distributionPoint fullName is this one URI — exactly the CRL
   * distribution point of the certificates it covers — and, with `onlyContainsUserCerts`, no CA
   * certificates. Absent: a complete CRL with no IDP, which covers everything the issuer signed.
   */
  issuingDistributionPoint?: { fullName: string; onlyContainsUserCerts?: boolean };
}

export interface CrlResult {
  der: Uint8Array;
  /** PEM labelled "X509 CRL" (RFC 7468 §5), which OpenSSL reads; computed on first access. */
  readonly pem: string;
  crlNumber: bigint;
  entryCount: number;
  thisUpdate: Date;
  nextUpdate: Date;
}

const OID_CRL_NUMBER = oid("2.5.29.20");
const OID_AKI = oid("2.5.29.35");
const OID_REASON = oid("2.5.29.21");
const OID_IDP = oid("2.5.29.28");
const V2 = Uint8Array.of(0x02, 0x01, 0x01);
/** Times a DER time can carry (years 0000–9999). */
const MIN_SEC = -62_167_219_200;
const MAX_SEC = 253_402_300_799;

/**
 * The reasonCode entry extension, pre-encoded per reason: SEQUENCE OF one Extension. removeFromCRL has
 * none: it means "no longer revoked" and belongs only in delta CRLs (RFC 5280 §5.3.1), which caskit
 * does not build; in a full CRL relying parties would read the entry as not revoked.
 */
const REASON_EXTENSIONS = new Map<CrlReason, Uint8Array>(
  (Object.keys(CRL_REASONS) as CrlReason[])
    .filter((r) => r !== "unspecified" && r !== "removeFromCRL")
    .map((r) => [r, sequence(sequence(OID_REASON, octetString(Uint8Array.of(0x0a, 0x01, CRL_REASONS[r]))))]),
);

function serialBytes(s: Uint8Array | string, index: number): Uint8Array {
  let b: Uint8Array;
  if (typeof s === "string") {
    if (!/^[0-9a-fA-F]+$/.test(s)) throw new RevokeError("invalid_entry", `entry ${index}: serial is not hex`, { field: "serial" });
    b = fromHex(s.length % 2 ? `0${s}` : s);
  } else b = s;
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  b = b.subarray(i);
  if (b.length === 0 || (b.length === 1 && b[0] === 0)) throw new RevokeError("invalid_entry", `entry ${index}: serial must be positive`, { field: "serial" });
  const octets = (b[0] as number) & 0x80 ? b.length + 1 : b.length;
  if (octets > 20) throw new RevokeError("invalid_entry", `entry ${index}: serial is longer than 20 octets (RFC 5280 §4.1.2.2)`, { field: "serial" });
  return b;
}

/**
 * Bytes appended into 1 MiB chunks: no doubling copies, one copy at the end. A writer asks for room
 * first (`room`), then writes straight into `cur` at `pos` — an entry costs no allocation.
 */
class ByteSink {
  static readonly CHUNK = 1 << 20;
  readonly chunks: Uint8Array[] = [];
  cur = new Uint8Array(ByteSink.CHUNK);
  pos = 0;
  len = 0;
  /** Makes sure `n` (≤ CHUNK) bytes fit in `cur` from `pos`, starting a new chunk if not. */
  room(n: number): void {
    if (this.pos + n > this.cur.length) {
      this.chunks.push(this.cur.subarray(0, this.pos));
      this.cur = new Uint8Array(ByteSink.CHUNK);
      this.pos = 0;
    }
  }
  /** Copies everything written into `out` at `offset`. */
  copyTo(out: Uint8Array, offset: number): void {
    let off = offset;
    for (const c of this.chunks) {
      out.set(c, off);
      off += c.length;
    }
    out.set(this.cur.subarray(0, this.pos), off);
  }
}

/** The critical issuingDistributionPoint extension (RFC 5280 §5.2.5: "this extension MUST be critical"). */
function idpExtension(idp: NonNullable<BuildCrlParams["issuingDistributionPoint"]>): Uint8Array {
  if (typeof idp.fullName !== "string" || !/^[\x21-\x7e]+$/.test(idp.fullName)) {
    throw new RevokeError("invalid_crl_params", "issuingDistributionPoint.fullName must be an ASCII URI", { field: "issuingDistributionPoint" });
  }
  const value = new IssuingDistributionPoint({
    distributionPoint: new DistributionPointName({ fullName: [new GeneralName({ uniformResourceIdentifier: idp.fullName })] }),
    onlyContainsUserCerts: !!idp.onlyContainsUserCerts,
  });
  return sequence(OID_IDP, TRUE, octetString(new Uint8Array(AsnConvert.serialize(value))));
}

/** Largest entry: SEQUENCE header 2 + INTEGER 2+21 + GeneralizedTime 17 + a reasonCode extension. */
const MAX_ENTRY = 2 + 23 + 17 + Math.max(0, ...[...REASON_EXTENSIONS.values()].map((e) => e.length));

/** Two ASCII digits of `v` (0–99) at `p`; returns the next position. */
function two(buf: Uint8Array, p: number, v: number): number {
  const tens = (v / 10) | 0;
  buf[p] = 0x30 + tens;
  buf[p + 1] = 0x30 + v - tens * 10;
  return p + 2;
}

/**
 * Writes the DER time of `sec` (seconds since the epoch) at `buf[pos]` and returns its length: UTCTime
 * for 1950–2049, GeneralizedTime otherwise (RFC 5280 §4.1.2.5, as `time()` in internal/der.ts, which a
 * test holds it to). Civil date from day number by H. Hinnant's algorithm: no Date, no string per entry.
 */
export function writeTime(buf: Uint8Array, pos: number, sec: number): number {
  const days = Math.floor(sec / 86_400);
  let rem = sec - days * 86_400;
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  const hour = Math.floor(rem / 3600);
  rem -= hour * 3600;
  const minute = Math.floor(rem / 60);
  const second = rem - minute * 60;
  let p = pos;
  if (year >= 1950 && year < 2050) {
    buf[p++] = 0x17;
    buf[p++] = 13;
    p = two(buf, p, year % 100);
  } else {
    buf[p++] = 0x18;
    buf[p++] = 15;
    p = two(buf, p, Math.floor(year / 100));
    p = two(buf, p, year % 100);
  }
  p = two(buf, p, month);
  p = two(buf, p, day);
  p = two(buf, p, hour);
  p = two(buf, p, minute);
  p = two(buf, p, second);
  buf[p++] = 0x5a; // "Z"
  return p - pos;
}

/**
 * Builds and signs a CRL. Runs in time linear in the entries.
 * @example
 * const crl = buildCrl({ issuer: issuer.crlSigner, entries: [{ serial: "4f…", revokedAt, reason: "keyCompromise" }],
 *   crlNumber: 7n, thisUpdate: now, nextUpdate: new Date(now.getTime() + 7 * 86_400_000) });
 */
export function buildCrl(params: BuildCrlParams): CrlResult {
  const { issuer, thisUpdate, nextUpdate } = params;
  const crlNumber = BigInt(params.crlNumber);
  if (crlNumber < 0n) throw new RevokeError("invalid_crl_params", "crlNumber must be non-negative", { field: "crlNumber" });
  let numHex = crlNumber.toString(16);
  if (numHex.length % 2) numHex = `0${numHex}`;
  const numBytes = fromHex(numHex);
  if (numBytes.length > 20 || (numBytes.length === 20 && (numBytes[0] as number) & 0x80)) {
    throw new RevokeError("invalid_crl_params", "crlNumber is longer than 20 octets (RFC 5280 §5.2.3)", { field: "crlNumber" });
  }
  if (!(thisUpdate instanceof Date) || Number.isNaN(thisUpdate.getTime())) throw new RevokeError("invalid_crl_params", "thisUpdate is not a date", { field: "thisUpdate" });
  if (!(nextUpdate instanceof Date) || !(nextUpdate.getTime() > thisUpdate.getTime())) {
    throw new RevokeError("invalid_crl_params", "nextUpdate must be later than thisUpdate", { field: "nextUpdate" });
  }

  // revokedCertificates: each entry written straight into the sink.
  const sink = new ByteSink();
  let count = 0;
  for (const e of params.entries) {
    const serial = serialBytes(e.serial, count);
    const t = e.revokedAt?.getTime?.();
    if (t === undefined || Number.isNaN(t)) throw new RevokeError("invalid_entry", `entry ${count}: revokedAt is not a date`, { field: "revokedAt" });
    const sec = Math.floor(t / 1000);
    if (sec < MIN_SEC || sec > MAX_SEC) throw new RevokeError("invalid_entry", `entry ${count}: revokedAt is outside years 0–9999`, { field: "revokedAt" });
    const reason = e.reason ?? "unspecified";
    const ext = reason === "unspecified" ? undefined : REASON_EXTENSIONS.get(reason);
    if (reason !== "unspecified" && !ext) throw new RevokeError("invalid_entry", `entry ${count}: reason ${String(reason).slice(0, 40)} cannot stand in a full CRL`, { field: "reason" });
    // Written in place: header bytes are patched once the time's length is known.
    sink.room(MAX_ENTRY);
    const buf = sink.cur;
    const start = sink.pos;
    const pad = (serial[0] as number) & 0x80 ? 1 : 0;
    let p = start + 2;
    buf[p++] = 0x02;
    buf[p++] = serial.length + pad;
    if (pad) buf[p++] = 0;
    for (let i = 0; i < serial.length; i++) buf[p++] = serial[i] as number;
    p += writeTime(buf, p, sec);
    if (ext) for (let i = 0; i < ext.length; i++) buf[p++] = ext[i] as number;
    buf[start] = 0x30;
    buf[start + 1] = p - start - 2; // < 0x80: MAX_ENTRY bounds it
    sink.len += p - start;
    sink.pos = p;
    count++;
  }

  const extensions = tlv(
    0xa0,
    sequence(
      sequence(OID_AKI, octetString(sequence(implicitPrimitive(0, issuer.keyIdentifier)))),
      sequence(OID_CRL_NUMBER, octetString(unsignedInteger(numBytes))),
      ...(params.issuingDistributionPoint ? [idpExtension(params.issuingDistributionPoint)] : []),
    ),
  );
  const head = concat([V2, issuer.signer.signatureAlgorithm.algorithmIdentifier, issuer.nameDer, time(thisUpdate), time(nextUpdate)]);
  // RFC 5280 §5.1.2.6: with no revoked certificates the list is absent, not empty.
  const revokedLen = count ? sink.len : 0;
  const revokedHeader = count ? concat([Uint8Array.of(0x30), encodeLength(revokedLen)]) : new Uint8Array(0);
  const tbsBodyLen = head.length + revokedHeader.length + revokedLen + extensions.length;
  const tbsHeader = concat([Uint8Array.of(0x30), encodeLength(tbsBodyLen)]);
  const tbsLen = tbsHeader.length + tbsBodyLen;
  // One buffer for the whole CRL: the TBS is written once, after room for the outer header (at most 6
  // bytes), signed in place, and the signature appended — no copy of a million entries.
  const alg = issuer.signer.signatureAlgorithm.algorithmIdentifier;
  const MAX_SIG = 1024; // RSA-8192 signature + BIT STRING header; ECDSA/SM2 are far smaller
  const out = new Uint8Array(6 + tbsLen + alg.length + MAX_SIG);
  let off = 6;
  for (const part of [tbsHeader, head, revokedHeader]) {
    out.set(part, off);
    off += part.length;
  }
  if (count) sink.copyTo(out, off);
  off += revokedLen;
  out.set(extensions, off);
  off += extensions.length;
  const tbs = out.subarray(6, 6 + tbsLen);
  const sig = bitString(issuer.signer.sign(tbs));
  if (sig.length > MAX_SIG) throw new RevokeError("invalid_crl_params", "signature larger than expected", { field: "issuer" });
  out.set(alg, off);
  off += alg.length;
  out.set(sig, off);
  off += sig.length;
  const outerHeader = concat([Uint8Array.of(0x30), encodeLength(off - 6)]);
  const start = 6 - outerHeader.length;
  out.set(outerHeader, start);
  const der = out.subarray(start, off);
  // PEM of a million-entry CRL is ~47 MB of text: made only when asked for.
  let pem: string | undefined;
  return {
    der,
    get pem() {
      pem ??= toPem("X509 CRL", der);
      return pem;
    },
    crlNumber,
    entryCount: count,
    thisUpdate,
    nextUpdate,
  };
}
