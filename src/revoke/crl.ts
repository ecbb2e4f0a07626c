/**
 * v2 CRLs (RFC 5280 §5), encoded directly into one buffer: entries are written once, in order, with
 * their lengths known up front — linear time, and memory of about the CRL's own size. (The @peculiar/x509
 * generator is quadratic in entries and labels PEM "BEGIN CRL", which OpenSSL cannot read.)
 */
import type { Signer } from "../crypto/signer.js";
import { RevokeError } from "../errors.js";
import { encodeLength, fromHex, implicitPrimitive, octetString, oid, sequence, time, tlv, unsignedInteger, bitString, concat } from "../internal/der.js";
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
}

export interface CrlResult {
  der: Uint8Array;
  /** PEM labelled "X509 CRL" (RFC 7468 §5), which OpenSSL reads. */
  pem: string;
  crlNumber: bigint;
  entryCount: number;
  thisUpdate: Date;
  nextUpdate: Date;
}

const OID_CRL_NUMBER = oid("2.5.29.20");
const OID_AKI = oid("2.5.29.35");
const OID_REASON = oid("2.5.29.21");
const V2 = Uint8Array.of(0x02, 0x01, 0x01);

/** The reasonCode entry extension, pre-encoded per reason: SEQUENCE OF one Extension. */
const REASON_EXTENSIONS = new Map<CrlReason, Uint8Array>(
  (Object.keys(CRL_REASONS) as CrlReason[])
    .filter((r) => r !== "unspecified")
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

/** A growable byte buffer: amortised O(1) appends, one copy at the end. */
class ByteSink {
  buf = new Uint8Array(1 << 16);
  len = 0;
  push(b: Uint8Array): void {
    if (this.len + b.length > this.buf.length) {
      let cap = this.buf.length * 2;
      while (cap < this.len + b.length) cap *= 2;
      const next = new Uint8Array(cap);
      next.set(this.buf.subarray(0, this.len));
      this.buf = next;
    }
    this.buf.set(b, this.len);
    this.len += b.length;
  }
  byte(v: number): void {
    if (this.len + 1 > this.buf.length) this.push(Uint8Array.of(v));
    else this.buf[this.len++] = v;
  }
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
  let lastTime = -1;
  let lastTimeDer: Uint8Array = new Uint8Array(0);
  for (const e of params.entries) {
    const serial = serialBytes(e.serial, count);
    const t = e.revokedAt?.getTime?.();
    if (t === undefined || Number.isNaN(t)) throw new RevokeError("invalid_entry", `entry ${count}: revokedAt is not a date`, { field: "revokedAt" });
    const reason = e.reason ?? "unspecified";
    const ext = reason === "unspecified" ? undefined : REASON_EXTENSIONS.get(reason);
    if (reason !== "unspecified" && !ext) throw new RevokeError("invalid_entry", `entry ${count}: unknown reason`, { field: "reason" });
    // Revocation times repeat a lot in batches: reuse the last encoding.
    const sec = Math.floor(t / 1000);
    if (sec !== lastTime) {
      lastTime = sec;
      lastTimeDer = time(new Date(sec * 1000));
    }
    const intLen = (serial[0] as number) & 0x80 ? serial.length + 1 : serial.length;
    const bodyLen = 2 + intLen + lastTimeDer.length + (ext ? ext.length : 0);
    sink.byte(0x30);
    sink.push(encodeLength(bodyLen));
    sink.byte(0x02);
    sink.byte(intLen);
    if (intLen > serial.length) sink.byte(0);
    sink.push(serial);
    sink.push(lastTimeDer);
    if (ext) sink.push(ext);
    count++;
  }

  const extensions = tlv(
    0xa0,
    sequence(
      sequence(OID_AKI, octetString(sequence(implicitPrimitive(0, issuer.keyIdentifier)))),
      sequence(OID_CRL_NUMBER, octetString(unsignedInteger(numBytes))),
    ),
  );
  const head = concat([V2, issuer.signer.signatureAlgorithm.algorithmIdentifier, issuer.nameDer, time(thisUpdate), time(nextUpdate)]);
  // RFC 5280 §5.1.2.6: with no revoked certificates the list is absent, not empty.
  const revoked = count ? sink.buf.subarray(0, sink.len) : undefined;
  const revokedHeader = revoked ? concat([Uint8Array.of(0x30), encodeLength(revoked.length)]) : new Uint8Array(0);
  const tbsBodyLen = head.length + revokedHeader.length + (revoked?.length ?? 0) + extensions.length;
  const tbsHeader = concat([Uint8Array.of(0x30), encodeLength(tbsBodyLen)]);
  const tbs = new Uint8Array(tbsHeader.length + tbsBodyLen);
  let off = 0;
  for (const part of [tbsHeader, head, revokedHeader, revoked ?? new Uint8Array(0), extensions]) {
    tbs.set(part, off);
    off += part.length;
  }
  const der = sequence(tbs, issuer.signer.signatureAlgorithm.algorithmIdentifier, bitString(issuer.signer.sign(tbs)));
  return { der, pem: toPem("X509 CRL", der), crlNumber, entryCount: count, thisUpdate, nextUpdate };
}
