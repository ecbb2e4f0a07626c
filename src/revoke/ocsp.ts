/**
 * OCSP (RFC 6960) in the lightweight profile of RFC 5019: requests read, responses built and signed,
 * all pure — bytes, times and a Signer in, bytes out (the caller gives `producedAt` and the times; no
 * clock, no RNG here). See docs/ocsp.md for the decisions.
 *
 * Requests are untrusted: at most {@link OCSP_MAX_REQUEST_BYTES}, strict DER (the CSR reader's rules:
 * definite minimal lengths, children filling their parent, bounded depth), then the schema of
 * @peculiar/asn1-ocsp. Anything else is `malformedRequest` — returned, never thrown, so a caller always
 * has an answer to send. Responses are written with caskit's DER writer, as CRLs are: a BasicOCSPResponse
 * signed by the CA key itself (responderID byKey), the CertIDs echoed byte for byte, times in
 * GeneralizedTime, the nonce echoed (RFC 8954).
 */
import { createHash } from "node:crypto";
import { BasicOCSPResponse, OCSPRequest, OCSPResponse, id_pkix_ocsp_basic, id_pkix_ocsp_nonce } from "@peculiar/asn1-ocsp";
import { AsnConvert } from "@peculiar/asn1-schema";
import { SIGNATURE_ALGORITHMS_BY_OID } from "../crypto/algorithms.js";
import type { Signer } from "../crypto/signer.js";
import { verifySignature } from "../crypto/verify.js";
import { type Tlv, contents, readDer } from "../csr/der-reader.js";
import { NULL, bitString, concat, explicit, implicitPrimitive, octetString, oid, sequence, tlv, unsignedInteger } from "../internal/der.js";
import { CRL_REASONS, type CrlReason } from "./reasons.js";

/** Largest request read (RFC 5019 requests are a few hundred bytes; a signed one with certs a few KiB). */
export const OCSP_MAX_REQUEST_BYTES = 64 * 1024;
/** Most CertIDs answered in one request (RFC 5019 §2.1.1 clients send one). */
export const OCSP_MAX_CERT_IDS = 16;
/** RFC 8954 §2.1: Nonce ::= OCTET STRING (SIZE(1..32)). */
export const OCSP_MAX_NONCE_BYTES = 32;

export type OcspHashName = "sha1" | "sha256";
const HASHES: ReadonlyMap<string, { name: OcspHashName; size: number }> = new Map([
  ["1.3.14.3.2.26", { name: "sha1", size: 20 }],
  ["2.16.840.1.101.3.4.2.1", { name: "sha256", size: 32 }],
]);
const HASH_OID: Record<OcspHashName, string> = { sha1: "1.3.14.3.2.26", sha256: "2.16.840.1.101.3.4.2.1" };

/** OCSPResponseStatus (RFC 6960 §4.2.1) other than successful: sent as a bare OCSPResponse. */
export type OcspErrorStatus = "malformedRequest" | "internalError" | "tryLater" | "sigRequired" | "unauthorized";
export type OcspResponseStatus = "successful" | OcspErrorStatus;
const STATUS_CODE: Record<OcspResponseStatus, number> = { successful: 0, malformedRequest: 1, internalError: 2, tryLater: 3, sigRequired: 5, unauthorized: 6 };
const STATUS_BY_CODE = new Map<number, OcspResponseStatus>(Object.entries(STATUS_CODE).map(([k, v]) => [v, k as OcspResponseStatus]));

/** One CertID of a request. */
export interface OcspCertId {
  hash: OcspHashName;
  issuerNameHash: Uint8Array;
  issuerKeyHash: Uint8Array;
  /** The serial's INTEGER contents as received. */
  serial: Uint8Array;
  /**
   * The serial as caskit stores serials (lowercase hex of the unsigned, minimal octets); null for zero
   * or a negative serial, which no CA issues (answered unknown).
   */
  serialHex: string | null;
  /** The CertID's DER exactly as received: the response echoes it (RFC 6960 §4.2.1). */
  der: Uint8Array;
}

/** What a request asks. */
export interface OcspRequestInfo {
  certIds: OcspCertId[];
  /** The nonce's octets (RFC 8954), when the request carries one; echoed in the response. */
  nonce?: Uint8Array;
  /** Whether the request carried a signature (never checked: docs/ocsp.md). */
  signed: boolean;
}

export type OcspParseResult = { ok: true; request: OcspRequestInfo } | { ok: false; status: "malformedRequest"; reason: string };

const malformed = (reason: string): OcspParseResult => ({ ok: false, status: "malformedRequest", reason });

/** Hex of the unsigned minimal octets of an INTEGER's contents, or null for zero/negative. */
function serialHexOf(c: Uint8Array): string | null {
  if ((c[0] as number) & 0x80) return null;
  let i = 0;
  while (i < c.length && c[i] === 0) i++;
  if (i === c.length) return null;
  return Buffer.from(c.subarray(i)).toString("hex");
}

const isNullOrAbsent = (params: ArrayBuffer | null | undefined): boolean =>
  params === undefined || params === null || (params.byteLength === 2 && new Uint8Array(params)[0] === 0x05 && new Uint8Array(params)[1] === 0);

/**
 * Reads an OCSPRequest (DER). Never throws: a request that is too large, not strict DER, not an
 * OCSPRequest, not v1, with a hash other than SHA-1/SHA-256 (or a hash of the wrong length), with an
 * unsupported critical extension, a repeated extension, a nonce outside 1–32 octets (RFC 8954), no
 * CertID or more than {@link OCSP_MAX_CERT_IDS} is `{ ok: false, status: "malformedRequest", reason }`.
 * @example
 * const r = parseOcspRequest(body);
 * if (!r.ok) reply(ocspErrorResponse(r.status));
 */
export function parseOcspRequest(der: Uint8Array): OcspParseResult {
  if (!(der instanceof Uint8Array) || der.length === 0) return malformed("empty request");
  if (der.length > OCSP_MAX_REQUEST_BYTES) return malformed(`request larger than ${OCSP_MAX_REQUEST_BYTES} bytes`);
  let top: Tlv;
  try {
    top = readDer(der);
  } catch (e) {
    return malformed((e as Error).message.slice(0, 120));
  }
  if (top.end !== der.length) return malformed("trailing bytes after the request");
  // The tree: OCSPRequest { TBSRequest { [0] version?, [1] requestorName?, requestList, [2] extensions? }, [0] signature? }.
  const tbsNode = top.tag === 0x30 ? top.children?.[0] : undefined;
  if (!tbsNode || tbsNode.tag !== 0x30 || !tbsNode.children || (top.children?.length ?? 0) > 2) return malformed("not an OCSPRequest");
  if (top.children?.[1] && top.children[1].tag !== 0xa0) return malformed("not an OCSPRequest");
  const order = [0xa0, 0xa1, 0x30, 0xa2];
  let last = -1;
  for (const c of tbsNode.children) {
    const at = order.indexOf(c.tag);
    if (at <= last) return malformed("TBSRequest fields out of order, repeated or unknown");
    last = at;
  }
  const listNode = tbsNode.children.find((c) => c.tag === 0x30);
  if (!listNode?.children) return malformed("no requestList");
  let parsed: OCSPRequest;
  try {
    parsed = AsnConvert.parse(der, OCSPRequest);
  } catch {
    return malformed("not an OCSPRequest");
  }
  const tbs = parsed.tbsRequest;
  if (tbs.version !== 0) return malformed("version is not v1");
  const list = tbs.requestList ?? [];
  if (list.length === 0) return malformed("no CertID");
  if (list.length > OCSP_MAX_CERT_IDS) return malformed(`more than ${OCSP_MAX_CERT_IDS} CertIDs`);
  if (list.length !== listNode.children.length) return malformed("requestList does not parse");

  const certIds: OcspCertId[] = [];
  for (let i = 0; i < list.length; i++) {
    const req = list[i] as OCSPRequest["tbsRequest"]["requestList"][number];
    const reqNode = listNode.children[i] as Tlv;
    const idNode = reqNode.children?.[0];
    if (!idNode || idNode.tag !== 0x30 || idNode.children?.length !== 4 || (reqNode.children?.length ?? 0) > 2) return malformed(`CertID ${i} is not a CertID`);
    const serialNode = idNode.children[3] as Tlv;
    if (serialNode.tag !== 0x02) return malformed(`CertID ${i}: serialNumber is not an INTEGER`);
    const serial = contents(der, serialNode);
    if (serial.length === 0) return malformed(`CertID ${i}: empty serialNumber`);
    if (serial.length > 1 && ((serial[0] === 0 && !((serial[1] as number) & 0x80)) || (serial[0] === 0xff && (serial[1] as number) & 0x80))) {
      return malformed(`CertID ${i}: serialNumber is not minimal DER`);
    }
    const alg = req.reqCert.hashAlgorithm;
    const hash = HASHES.get(alg.algorithm);
    if (!hash) return malformed(`CertID ${i}: hash algorithm ${alg.algorithm.slice(0, 64)} is not SHA-1 or SHA-256`);
    if (!isNullOrAbsent(alg.parameters)) return malformed(`CertID ${i}: hash algorithm parameters must be NULL or absent`);
    const issuerNameHash = new Uint8Array(req.reqCert.issuerNameHash.buffer);
    const issuerKeyHash = new Uint8Array(req.reqCert.issuerKeyHash.buffer);
    if (issuerNameHash.length !== hash.size || issuerKeyHash.length !== hash.size) return malformed(`CertID ${i}: hashes are not ${hash.size} octets`);
    for (const ext of req.singleRequestExtensions ?? []) {
      if (ext.critical) return malformed(`CertID ${i}: unsupported critical extension ${ext.extnID.slice(0, 64)}`);
    }
    certIds.push({ hash: hash.name, issuerNameHash, issuerKeyHash, serial, serialHex: serialHexOf(serial), der: der.slice(idNode.start, idNode.end) });
  }

  let nonce: Uint8Array | undefined;
  const seen = new Set<string>();
  for (const ext of tbs.requestExtensions ?? []) {
    if (seen.has(ext.extnID)) return malformed(`extension ${ext.extnID.slice(0, 64)} appears twice`);
    seen.add(ext.extnID);
    if (ext.extnID === id_pkix_ocsp_nonce) {
      // RFC 8954 §2.1: the extnValue holds a DER OCTET STRING of 1–32 octets.
      const v = new Uint8Array(ext.extnValue.buffer);
      let n: Tlv;
      try {
        n = readDer(v);
      } catch {
        return malformed("the nonce is not an OCTET STRING");
      }
      if (n.tag !== 0x04 || n.end !== v.length) return malformed("the nonce is not an OCTET STRING");
      const octets = contents(v, n);
      if (octets.length < 1 || octets.length > OCSP_MAX_NONCE_BYTES) return malformed(`the nonce is ${octets.length} octets; RFC 8954 allows 1–${OCSP_MAX_NONCE_BYTES}`);
      nonce = octets.slice();
    } else if (ext.critical) return malformed(`unsupported critical extension ${ext.extnID.slice(0, 64)}`);
  }
  return { ok: true, request: { certIds, nonce, signed: !!parsed.optionalSignature } };
}

/** The BIT STRING contents (without the unused-bits octet) of a SubjectPublicKeyInfo's key. */
export function subjectPublicKeyBits(spki: Uint8Array): Uint8Array {
  const t = readDer(spki);
  const bits = t.children?.[1];
  if (!bits || bits.tag !== 0x03 || bits.end - bits.contentStart < 2) throw new TypeError("not a SubjectPublicKeyInfo");
  return spki.subarray(bits.contentStart + 1, bits.end);
}

const digest = (h: OcspHashName, b: Uint8Array): Uint8Array => new Uint8Array(createHash(h).update(b).digest());

/** A CA as CertIDs name it: hashes of its subject Name DER and of its public key, per hash algorithm. */
export type OcspIssuerHashes = Record<OcspHashName, { nameHash: Uint8Array; keyHash: Uint8Array }>;

/**
 * The issuerNameHash and issuerKeyHash a CertID carries for certificates this CA issued (RFC 6960 §4.1.1).
 * @example
 * const h = ocspIssuerHashes(ca.subjectDer, ca.key.spki); // h.sha1.nameHash, h.sha256.keyHash …
 */
export function ocspIssuerHashes(subjectDer: Uint8Array, spki: Uint8Array): OcspIssuerHashes {
  const key = subjectPublicKeyBits(spki);
  return {
    sha1: { nameHash: digest("sha1", subjectDer), keyHash: digest("sha1", key) },
    sha256: { nameHash: digest("sha256", subjectDer), keyHash: digest("sha256", key) },
  };
}

/**
 * The subject Name DER and SubjectPublicKeyInfo DER of a certificate (DER), as CertIDs hash them.
 * Throws (CsrError parse_error, TypeError) when it is not a certificate.
 */
export function certificateSubjectAndSpki(certDer: Uint8Array): { subjectDer: Uint8Array; spki: Uint8Array } {
  const tbs = readDer(certDer).children?.[0];
  const f = tbs?.children ?? [];
  // TBSCertificate: [0] version?, serial, signature, issuer, validity, subject, spki, …
  const at = f[0]?.tag === 0xa0 ? 1 : 0;
  const subject = f[at + 4];
  const spki = f[at + 5];
  if (!subject || subject.tag !== 0x30 || !spki || spki.tag !== 0x30) throw new TypeError("not a certificate");
  return { subjectDer: certDer.slice(subject.start, subject.end), spki: certDer.slice(spki.start, spki.end) };
}

/** A certificate's issuer Name DER and serial (lowercase hex, as caskit stores it; null for zero/negative). */
export function certificateIssuerAndSerial(certDer: Uint8Array): { issuerDer: Uint8Array; serialHex: string | null } {
  const f = readDer(certDer).children?.[0]?.children ?? [];
  const at = f[0]?.tag === 0xa0 ? 1 : 0;
  const serial = f[at];
  const issuer = f[at + 2];
  if (!serial || serial.tag !== 0x02 || serial.end === serial.contentStart || !issuer || issuer.tag !== 0x30) throw new TypeError("not a certificate");
  return { issuerDer: certDer.slice(issuer.start, issuer.end), serialHex: serialHexOf(contents(certDer, serial)) };
}

/** {@link ocspIssuerHashes} of a CA certificate (DER). */
export function ocspIssuerHashesOf(caCertDer: Uint8Array): OcspIssuerHashes {
  const { subjectDer, spki } = certificateSubjectAndSpki(caCertDer);
  return ocspIssuerHashes(subjectDer, spki);
}

const equal = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((v, i) => v === b[i]);

/** Whether `id` names certificates of the CA with these hashes. */
export const certIdMatches = (id: Pick<OcspCertId, "hash" | "issuerNameHash" | "issuerKeyHash">, h: OcspIssuerHashes): boolean =>
  equal(id.issuerNameHash, h[id.hash].nameHash) && equal(id.issuerKeyHash, h[id.hash].keyHash);

/** Parameters of {@link buildOcspRequest}. */
export interface BuildOcspRequestParams {
  certIds: Array<{ hash?: OcspHashName; issuerNameDer: Uint8Array; issuerSpki: Uint8Array; serial: Uint8Array | string }>;
  /** 1–32 octets (RFC 8954); the caller draws them. */
  nonce?: Uint8Array;
}

const NONCE_OID = oid(id_pkix_ocsp_nonce);

/**
 * An unsigned OCSPRequest, as `openssl ocsp` sends it (SHA-1 CertIDs by default).
 * @example
 * const der = buildOcspRequest({ certIds: [{ issuerNameDer: ca.subjectDer, issuerSpki: ca.key.spki, serial: "4f0a…" }], nonce });
 */
export function buildOcspRequest(p: BuildOcspRequestParams): Uint8Array {
  if (!p.certIds.length) throw new TypeError("at least one CertID");
  const requests = p.certIds.map((c) => {
    const h = c.hash ?? "sha1";
    const serial = typeof c.serial === "string" ? Uint8Array.from(Buffer.from(c.serial.length % 2 ? `0${c.serial}` : c.serial, "hex")) : c.serial;
    let i = 0;
    while (i < serial.length - 1 && serial[i] === 0) i++;
    const certId = sequence(
      sequence(oid(HASH_OID[h]), NULL),
      octetString(digest(h, c.issuerNameDer)),
      octetString(digest(h, subjectPublicKeyBits(c.issuerSpki))),
      unsignedInteger(serial.subarray(i)),
    );
    return sequence(certId);
  });
  const parts = [sequence(...requests)];
  if (p.nonce) {
    if (p.nonce.length < 1 || p.nonce.length > OCSP_MAX_NONCE_BYTES) throw new TypeError("a nonce is 1–32 octets (RFC 8954)");
    parts.push(explicit(2, sequence(sequence(NONCE_OID, octetString(octetString(p.nonce))))));
  }
  return sequence(sequence(...parts));
}

/** A certificate's status as one SingleResponse says it. */
export type OcspCertStatus = { status: "good" } | { status: "revoked"; revokedAt: Date; reason?: CrlReason } | { status: "unknown" };

/** Who signs responses: the CA itself (its Signer), or a delegated responder whose certificate goes in `certs`. */
export interface OcspResponder {
  signer: Signer;
  /** SHA-1 of the signer's public key BIT STRING (ResponderID byKey, RFC 6960 §4.2.2.3). */
  keyHash: Uint8Array;
  /** Certificates sent with the response (DER): a delegated responder's certificate; none when the CA signs. */
  certs?: Uint8Array[];
}

/**
 * A responder signing with `signer` (the CA key, or a delegated responder's key with its certificate).
 * @example
 * const responder = ocspResponder(ca.signer);
 */
export function ocspResponder(signer: Signer, certs?: Uint8Array[]): OcspResponder {
  return Object.freeze({ signer, keyHash: digest("sha1", subjectPublicKeyBits(signer.spki)), certs });
}

/** One SingleResponse. */
export interface OcspSingleResponse {
  /** The request's CertID (echoed as received), or its DER. */
  certId: OcspCertId | Uint8Array;
  cert: OcspCertStatus;
  thisUpdate: Date;
  nextUpdate?: Date;
}

/** Parameters of {@link buildOcspResponse}. */
export interface BuildOcspResponseParams {
  responder: OcspResponder;
  producedAt: Date;
  responses: OcspSingleResponse[];
  /** The request's nonce, echoed (RFC 8954 §2.1). */
  nonce?: Uint8Array;
}

/** GeneralizedTime YYYYMMDDHHMMSSZ, seconds truncated (OCSP times are always GeneralizedTime). */
export function generalizedTime(d: Date, field = "time"): Uint8Array {
  const t = d instanceof Date ? d.getTime() : Number.NaN;
  if (Number.isNaN(t)) throw new TypeError(`${field} is not a date`);
  const y = d.getUTCFullYear();
  if (y < 0 || y > 9999) throw new TypeError(`${field} is outside years 0–9999`);
  const p2 = (n: number) => String(n).padStart(2, "0");
  const s = `${String(y).padStart(4, "0")}${p2(d.getUTCMonth() + 1)}${p2(d.getUTCDate())}${p2(d.getUTCHours())}${p2(d.getUTCMinutes())}${p2(d.getUTCSeconds())}Z`;
  return tlv(0x18, new TextEncoder().encode(s));
}

function certStatus(s: OcspCertStatus): Uint8Array {
  if (s.status === "good") return Uint8Array.of(0x80, 0x00);
  if (s.status === "unknown") return Uint8Array.of(0x82, 0x00);
  if (s.status !== "revoked") throw new TypeError("status must be good, revoked or unknown");
  const parts = [generalizedTime(s.revokedAt, "revokedAt")];
  // Omitted when unspecified, as on the CRL (RFC 5280 §5.3.1); removeFromCRL never means revoked-for-a-reason.
  const reason = s.reason && s.reason !== "unspecified" && s.reason !== "removeFromCRL" ? CRL_REASONS[s.reason] : undefined;
  if (s.reason !== undefined && !Object.hasOwn(CRL_REASONS, s.reason)) throw new TypeError("unknown revocation reason");
  if (reason !== undefined) parts.push(explicit(0, Uint8Array.of(0x0a, 0x01, reason)));
  return tlv(0xa1, ...parts);
}

/**
 * A signed, successful OCSPResponse carrying a BasicOCSPResponse: responderID by key hash, producedAt,
 * one SingleResponse per entry in order, the nonce echoed, signed by `responder.signer` (its algorithm:
 * RSA, ECDSA or SM3withSM2), `certs` when the responder is delegated.
 * @example
 * const der = buildOcspResponse({ responder, producedAt: now, nonce: req.nonce,
 *   responses: req.certIds.map((certId) => ({ certId, cert: { status: "good" }, thisUpdate: now, nextUpdate })) });
 */
export function buildOcspResponse(p: BuildOcspResponseParams): Uint8Array {
  if (!p.responses.length) throw new TypeError("at least one SingleResponse");
  const singles = p.responses.map((r) => {
    const id = r.certId instanceof Uint8Array ? r.certId : r.certId.der;
    const parts = [id, certStatus(r.cert), generalizedTime(r.thisUpdate, "thisUpdate")];
    if (r.nextUpdate) {
      if (!(r.nextUpdate.getTime() > r.thisUpdate.getTime())) throw new TypeError("nextUpdate must be later than thisUpdate");
      parts.push(explicit(0, generalizedTime(r.nextUpdate, "nextUpdate")));
    }
    return sequence(...parts);
  });
  const data = [explicit(2, octetString(p.responder.keyHash)), generalizedTime(p.producedAt, "producedAt"), sequence(...singles)];
  if (p.nonce) data.push(explicit(1, sequence(sequence(NONCE_OID, octetString(octetString(p.nonce))))));
  const tbs = sequence(...data);
  const signer = p.responder.signer;
  const basicParts = [tbs, signer.signatureAlgorithm.algorithmIdentifier, bitString(signer.sign(tbs))];
  if (p.responder.certs?.length) basicParts.push(explicit(0, sequence(...p.responder.certs)));
  const basic = sequence(...basicParts);
  return sequence(Uint8Array.of(0x0a, 0x01, 0x00), explicit(0, sequence(oid(id_pkix_ocsp_basic), octetString(basic))));
}

/**
 * A bare OCSPResponse with an error status and no body (RFC 6960 §4.2.1: unsigned).
 * @example
 * ocspErrorResponse("malformedRequest"); // 30 03 0a 01 01
 */
export function ocspErrorResponse(status: OcspErrorStatus): Uint8Array {
  const code = STATUS_CODE[status];
  if (code === undefined || code === 0) throw new TypeError("not an error status");
  return Uint8Array.of(0x30, 0x03, 0x0a, 0x01, code);
}

/** One SingleResponse as read back. */
export interface OcspSingleInfo {
  hash: OcspHashName | string;
  issuerNameHash: Uint8Array;
  issuerKeyHash: Uint8Array;
  serialHex: string | null;
  status: "good" | "revoked" | "unknown";
  revokedAt?: Date;
  reason?: CrlReason;
  thisUpdate: Date;
  nextUpdate?: Date;
}

/** An OCSPResponse as read back (a client's view: `caskit ocsp --url`, tests). */
export interface OcspResponseInfo {
  status: OcspResponseStatus;
  basic?: {
    /** The signed ResponseData DER. */
    tbs: Uint8Array;
    signatureAlgorithm: string;
    signature: Uint8Array;
    responderKeyHash?: Uint8Array;
    producedAt: Date;
    responses: OcspSingleInfo[];
    nonce?: Uint8Array;
    certs: Uint8Array[];
  };
}

const REASON_BY_CODE = new Map<number, CrlReason>(Object.entries(CRL_REASONS).map(([k, v]) => [v, k as CrlReason]));

/**
 * Reads an OCSPResponse (DER, at most 1 MiB). Throws TypeError when it is not one; does not verify the
 * signature (see {@link verifyOcspResponse}).
 */
export function parseOcspResponse(der: Uint8Array): OcspResponseInfo {
  if (der.length > 1 << 20) throw new TypeError("OCSP response larger than 1 MiB");
  let top: Tlv;
  let resp: OCSPResponse;
  try {
    top = readDer(der);
    resp = AsnConvert.parse(der, OCSPResponse);
  } catch (e) {
    throw new TypeError(`not an OCSPResponse: ${(e as Error).message.slice(0, 120)}`);
  }
  if (top.end !== der.length) throw new TypeError("not an OCSPResponse: trailing bytes");
  const status = STATUS_BY_CODE.get(resp.responseStatus);
  if (!status) throw new TypeError(`unknown OCSP response status ${resp.responseStatus}`);
  if (status !== "successful") return { status };
  if (!resp.responseBytes || resp.responseBytes.responseType !== id_pkix_ocsp_basic) throw new TypeError("a successful OCSP response without a BasicOCSPResponse");
  const basicDer = new Uint8Array(resp.responseBytes.response.buffer);
  let basic: BasicOCSPResponse;
  let basicTree: Tlv;
  try {
    basicTree = readDer(basicDer);
    basic = AsnConvert.parse(basicDer, BasicOCSPResponse);
  } catch (e) {
    throw new TypeError(`not a BasicOCSPResponse: ${(e as Error).message.slice(0, 120)}`);
  }
  const tbsNode = basicTree.children?.[0];
  if (!tbsNode) throw new TypeError("not a BasicOCSPResponse");
  const data = basic.tbsResponseData;
  const responses: OcspSingleInfo[] = data.responses.map((r) => {
    const s = r.certStatus;
    const single: OcspSingleInfo = {
      hash: HASHES.get(r.certID.hashAlgorithm.algorithm)?.name ?? r.certID.hashAlgorithm.algorithm,
      issuerNameHash: new Uint8Array(r.certID.issuerNameHash.buffer),
      issuerKeyHash: new Uint8Array(r.certID.issuerKeyHash.buffer),
      serialHex: serialHexOf(new Uint8Array(r.certID.serialNumber)),
      status: s.revoked ? "revoked" : s.good !== undefined ? "good" : "unknown",
      thisUpdate: r.thisUpdate,
      nextUpdate: r.nextUpdate,
    };
    if (s.revoked) {
      single.revokedAt = s.revoked.revocationTime;
      if (s.revoked.revocationReason !== undefined) single.reason = REASON_BY_CODE.get(Number(s.revoked.revocationReason.reason));
    }
    return single;
  });
  const nonceExt = data.responseExtensions?.find((e) => e.extnID === id_pkix_ocsp_nonce);
  let nonce: Uint8Array | undefined;
  if (nonceExt) {
    const v = new Uint8Array(nonceExt.extnValue.buffer);
    const n = readDer(v);
    nonce = n.tag === 0x04 ? contents(v, n).slice() : v.slice();
  }
  return {
    status,
    basic: {
      tbs: basicDer.slice(tbsNode.start, tbsNode.end),
      signatureAlgorithm: basic.signatureAlgorithm.algorithm,
      signature: new Uint8Array(basic.signature),
      responderKeyHash: data.responderID.byKey ? new Uint8Array(data.responderID.byKey.buffer) : undefined,
      producedAt: data.producedAt,
      responses,
      nonce,
      certs: (basic.certs ?? []).map((c) => new Uint8Array(AsnConvert.serialize(c))),
    },
  };
}

/**
 * Whether the BasicOCSPResponse is signed by the key `spki` (the CA's, when the CA signs its own
 * responses) with an algorithm caskit knows.
 */
export function verifyOcspResponse(info: OcspResponseInfo, spki: Uint8Array): boolean {
  const b = info.basic;
  if (!b) return false;
  const alg = SIGNATURE_ALGORITHMS_BY_OID.get(b.signatureAlgorithm);
  if (!alg) return false;
  const point = alg.family === "SM2" ? subjectPublicKeyBits(spki) : undefined;
  return verifySignature(alg, spki, b.tbs, b.signature, point);
}
