/**
 * v2 CRLs (RFC 5280 §5), encoded directly into one buffer: entries are written once, in order, with
 * their lengths known up front — linear time, and memory of about the CRL's own size. (The @peculiar/x509
 * generator is quadratic in entries and labels PEM "BEGIN CRL", which OpenSSL cannot read.)
 */
import type { Signer } from "../crypto/signer.js";
import { RevokeError } from "../errors.js";
import { bitString, concat, encodeLength, fromHex, implicitPrimitive, octetString, oid, sequence, time, tlv, unsignedInteger } from "../internal/der.js";
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

/** Bytes appended into 1 MiB chunks: no doubling copies, no unused capacity, one copy at the end. */
class ByteSink {
  static readonly CHUNK = 1 << 20;
  readonly chunks: Uint8Array[] = [];
  cur = new Uint8Array(ByteSink.CHUNK);
  pos = 0;
  len = 0;
  push(b: Uint8Array): void {
    if (this.pos + b.length <= this.cur.length) {
      this.cur.set(b, this.pos);
      this.pos += b.length;
      this.len += b.length;
      return;
    }
    let i = 0;
    while (i < b.length) {
      if (this.pos === this.cur.length) this.#next();
      const n = Math.min(b.length - i, this.cur.length - this.pos);
      this.cur.set(b.subarray(i, i + n), this.pos);
      this.pos += n;
      i += n;
    }
    this.len += b.length;
  }
  byte(v: number): void {
    if (this.pos === this.cur.length) this.#next();
    this.cur[this.pos++] = v;
    this.len++;
  }
  #next(): void {
    this.chunks.push(this.cur);
    this.cur = new Uint8Array(ByteSink.CHUNK);
    this.pos = 0;
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
    if (bodyLen < 0x80) sink.byte(bodyLen);
    else sink.push(encodeLength(bodyLen));
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
