/**
 * Decoding certificates and CRLs into rule contexts (src/lint/registry.ts): PEM or DER in, the parsed
 * object (@peculiar/asn1-x509), the tolerant TLV tree with byte offsets, the field nodes and the
 * extensions by OID out — or the reason it could not be decoded. Nothing here throws.
 */
import { AsnConvert } from "@peculiar/asn1-schema";
import { BasicConstraints, Certificate, CertificateList, ExtendedKeyUsage, Extension, id_ce_basicConstraints, id_ce_extKeyUsage, id_kp_clientAuth, id_kp_serverAuth } from "@peculiar/asn1-x509";
import type { CertContext, CertNodes, CertTarget, CrlContext, CrlNodes, ExtensionEntry } from "./registry.js";
import { DerFault, type Tlv, readTolerant } from "./der.js";
import { readTime } from "./rules/cert-util.js";

/** Certificates and CRLs above this size are not read (a large CRL is a few MB). */
export const MAX_X509_BYTES = 8 * 1024 * 1024;

export type Decoded<T> = { ok: true; value: T } | { ok: false; rule: "input.too_large" | "input.decode"; message: string; derLength: number };

const latin1 = new TextDecoder("latin1");
const BEGIN = /-----BEGIN ([A-Z0-9 ]{1,64})-----/;

/**
 * The first PEM block's label and body, or null when the input has no BEGIN line. Linear in the input:
 * only the first BEGIN line is considered, and its END line is found with indexOf (a lazy regex over
 * many BEGIN lines would be quadratic). A block without its END line, or with a body outside base64,
 * has an empty body.
 */
export function pemBlock(input: string | Uint8Array): { label: string; der: Uint8Array } | null {
  const text = typeof input === "string" ? input : input.length && input[0] === 0x30 ? "" : latin1.decode(input.subarray(0, Math.min(input.length, MAX_X509_BYTES)));
  const m = BEGIN.exec(text);
  if (!m) return null;
  const label = m[1] as string;
  const bodyStart = m.index + m[0].length;
  const end = text.indexOf(`-----END ${label}-----`, bodyStart);
  if (end < 0) return { label, der: new Uint8Array(0) };
  const body = text.slice(bodyStart, end).replace(/\s+/g, "");
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(body)) return { label, der: new Uint8Array(0) };
  return { label, der: new Uint8Array(Buffer.from(body, "base64")) };
}

/** The DER of a certificate or CRL input: a PEM block with one of `labels`, or bytes starting with a SEQUENCE tag. */
export function x509Der(input: string | Uint8Array, labels: readonly string[], what: string): Decoded<Uint8Array> {
  const size = typeof input === "string" ? Buffer.byteLength(input, "utf8") : input.length;
  if (size > MAX_X509_BYTES) return { ok: false, rule: "input.too_large", message: `the input is ${size} bytes; the limit for a ${what} is ${MAX_X509_BYTES}`, derLength: 0 };
  if (size === 0) return { ok: false, rule: "input.decode", message: "the input is empty", derLength: 0 };
  if (typeof input !== "string" && input[0] === 0x30) return { ok: true, value: input };
  const block = pemBlock(input);
  if (!block) return { ok: false, rule: "input.decode", message: `not a PEM ${what} and not DER`, derLength: 0 };
  if (!labels.includes(block.label)) {
    return { ok: false, rule: "input.decode", message: `the PEM label ${JSON.stringify(block.label.slice(0, 40))} is not ${labels.map((l) => JSON.stringify(l)).join(" or ")}`, derLength: 0 };
  }
  if (!block.der.length) return { ok: false, rule: "input.decode", message: "the PEM body is empty or not base64", derLength: 0 };
  return { ok: true, value: block.der };
}

function tree(der: Uint8Array, what: string): Decoded<ReturnType<typeof readTolerant>> {
  try {
    return { ok: true, value: readTolerant(der) };
  } catch (e) {
    return { ok: false, rule: "input.decode", message: `the ${what} cannot be read as DER: ${e instanceof DerFault ? e.message : "malformed"}`, derLength: der.length };
  }
}

function extensionMap(list: readonly Extension[] | undefined, holder: Tlv | undefined): Map<string, ExtensionEntry[]> {
  const map = new Map<string, ExtensionEntry[]>();
  // holder: [3] EXPLICIT (certificates) or [0] EXPLICIT (CRLs) around SEQUENCE OF Extension
  const tlvs = holder?.children?.[0]?.children ?? [];
  (list ?? []).forEach((ext, i) => {
    const tlv = tlvs[i];
    if (!tlv) return;
    const entries = map.get(ext.extnID) ?? [];
    entries.push({ ext, tlv });
    map.set(ext.extnID, entries);
  });
  return map;
}

const same = (a: ArrayBuffer | Uint8Array, b: ArrayBuffer | Uint8Array): boolean => Buffer.from(a as ArrayBuffer).equals(Buffer.from(b as ArrayBuffer));

/** The certificate kind: a CA (self-issued → root), else by extended key usage (clientAuth only → client), else server. */
export function certKind(cert: Certificate): CertTarget {
  const exts = cert.tbsCertificate.extensions ?? [];
  const bcExt = exts.find((e) => e.extnID === id_ce_basicConstraints);
  let ca = false;
  try {
    if (bcExt) ca = AsnConvert.parse(bcExt.extnValue, BasicConstraints).cA;
  } catch {
    // malformed: the rules say so
  }
  if (ca) return same(AsnConvert.serialize(cert.tbsCertificate.subject), AsnConvert.serialize(cert.tbsCertificate.issuer)) ? "root" : "intermediate";
  const ekuExt = exts.find((e) => e.extnID === id_ce_extKeyUsage);
  try {
    if (ekuExt) {
      const eku = AsnConvert.parse(ekuExt.extnValue, ExtendedKeyUsage) as unknown as string[];
      if (eku.includes(id_kp_clientAuth) && !eku.includes(id_kp_serverAuth)) return "client";
    }
  } catch {
    // malformed
  }
  return "server";
}

export function decodeCertificate(der: Uint8Array, now: Date): Decoded<Omit<CertContext, "issuer">> {
  const t = tree(der, "certificate");
  if (!t.ok) return t;
  let cert: Certificate;
  try {
    cert = AsnConvert.parse(der.subarray(0, t.value.root.end), Certificate);
  } catch {
    return { ok: false, rule: "input.decode", message: "the input is not an X.509 certificate", derLength: der.length };
  }
  const [tbs] = t.value.root.children ?? [];
  if (!tbs?.children) return { ok: false, rule: "input.decode", message: "the certificate has no TBSCertificate", derLength: der.length };
  const c = [...tbs.children];
  const nodes: CertNodes = { tbs, signatureAlgorithm: t.value.root.children?.[1], signatureValue: t.value.root.children?.[2] };
  if (c[0]?.tag === 0xa0) nodes.version = c.shift();
  [nodes.serial, nodes.signature, nodes.issuer, nodes.validity, nodes.subject, nodes.spki] = c.splice(0, 6);
  for (const x of c) {
    if (x.tag === 0x81 || x.tag === 0xa1) nodes.issuerUniqueId = x;
    else if (x.tag === 0x82 || x.tag === 0xa2) nodes.subjectUniqueId = x;
    else if (x.tag === 0xa3) nodes.extensions = x;
  }
  let date = now;
  try {
    date = cert.tbsCertificate.validity.notBefore.getTime();
  } catch {
    // keep now
  }
  // The time as RFC 5280 reads it (a UTCTime without seconds is still its date; the schema library reads 1899).
  date = readTime(der, nodes.validity?.children?.[0])?.date ?? date;
  return {
    ok: true,
    value: { target: certKind(cert), now, date, der, derIssues: t.value.issues, tree: t.value.root, cert, nodes, extensions: extensionMap(cert.tbsCertificate.extensions, nodes.extensions) },
  };
}

export function decodeCrl(der: Uint8Array, now: Date): Decoded<Omit<CrlContext, "issuer">> {
  const t = tree(der, "CRL");
  if (!t.ok) return t;
  let crl: CertificateList;
  try {
    // asn1js stops at 10,000 nodes by default (a CRL of ~2,500 entries); the tolerant read already bounded
    // the input, and every node takes at least two bytes, so the DER's length bounds the count linearly.
    crl = AsnConvert.parse(der.subarray(0, t.value.root.end), CertificateList, { berOptions: { maxNodes: Math.max(10_000, t.value.root.end) } });
  } catch {
    return { ok: false, rule: "input.decode", message: "the input is not an X.509 CRL", derLength: der.length };
  }
  const [tbs] = t.value.root.children ?? [];
  if (!tbs?.children) return { ok: false, rule: "input.decode", message: "the CRL has no TBSCertList", derLength: der.length };
  const c = [...tbs.children];
  const nodes: CrlNodes = { tbs, revoked: [], signatureAlgorithm: t.value.root.children?.[1], signatureValue: t.value.root.children?.[2] };
  if (c[0]?.tag === 0x02) nodes.version = c.shift();
  [nodes.signature, nodes.issuer, nodes.thisUpdate] = c.splice(0, 3);
  if (c[0] && (c[0].tag === 0x17 || c[0].tag === 0x18)) nodes.nextUpdate = c.shift();
  if (c[0]?.tag === 0x30) {
    nodes.revokedCertificates = c.shift();
    nodes.revoked = nodes.revokedCertificates?.children ?? [];
  }
  if (c[0]?.tag === 0xa0) nodes.crlExtensions = c.shift();
  let date = now;
  try {
    date = crl.tbsCertList.thisUpdate.getTime();
  } catch {
    // keep now
  }
  date = readTime(der, nodes.thisUpdate)?.date ?? date;
  return {
    ok: true,
    value: { target: "crl", now, date, der, derIssues: t.value.issues, tree: t.value.root, crl, nodes, extensions: extensionMap(crl.tbsCertList.crlExtensions, nodes.crlExtensions) },
  };
}

/** What a DER input is, from its shape: the fields of the signed part tell a CSR, a certificate and a CRL apart. */
export function sniffDer(der: Uint8Array): "csr" | "certificate" | "crl" | null {
  let root: Tlv;
  try {
    root = readTolerant(der).root;
  } catch {
    return null;
  }
  const tbs = root.tag === 0x30 ? root.children?.[0] : undefined;
  const c = tbs?.tag === 0x30 ? tbs.children : undefined;
  if (!c?.length) return null;
  if (c[0]?.tag === 0xa0) return "certificate";
  const i = c[0]?.tag === 0x02 ? 1 : 0;
  const algLike = c[i]?.tag === 0x30 && c[i]?.children?.[0]?.tag === 0x06;
  if (algLike) return c[i + 2]?.tag === 0x17 || c[i + 2]?.tag === 0x18 ? "crl" : "certificate";
  if (i === 1 && c[1]?.tag === 0x30 && c[2]?.tag === 0x30) return "csr";
  return null;
}
