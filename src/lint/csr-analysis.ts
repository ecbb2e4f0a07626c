/**
 * The CSR parser's checks in "collect everything" mode. `parseCsr` (src/csr/parse.ts) stops at the first
 * failure; the linter runs the same stage functions (unarmor, readDer, readName, readRequestedNames,
 * checkPublicKey, bitStringBytes, readOid, verifySignature) one by one, each in its own try, keeps what
 * each could read, and records the structural problems with their byte ranges. The rules in
 * src/lint/rules/csr-*.ts then judge these facts. Nothing here throws.
 */
import { type SignatureAlgorithm, REFUSED_SIGNATURE_ALGORITHMS, SIGNATURE_ALGORITHMS_BY_OID } from "../crypto/algorithms.js";
import { sm2Verify } from "../crypto/sm2.js";
import { verifySignature } from "../crypto/verify.js";
import { MAX_CSR_BYTES, unarmor } from "../csr/armor.js";
import { contents, encoding, readDer, readOid, readSmallInt } from "../csr/der-reader.js";
import { type RequestedName, readRequestedNames } from "../csr/extensions.js";
import { type KeyFacts, bitStringBytes, checkPublicKey } from "../csr/key.js";
import { readName } from "../csr/subject.js";
import { CsrError } from "../errors.js";
import { DerFault, type DerIssue, type Tlv, readTolerant, spanOf } from "./der.js";

export type Span = { offset: number; length: number };

/** A problem found while reading: which rule reports it, the message, where. */
export interface CsrProblem {
  rule: string;
  message: string;
  location?: Span;
}

export interface SubjectAttribute {
  oid: string;
  tag: number;
  raw: Uint8Array;
  /** Index of its RDN in the subject. */
  rdn: number;
  /** The RDN's bytes in the DER. */
  location?: Span;
}

export interface RequestedNameAt extends RequestedName {
  location?: Span;
}

export interface CsrKey {
  spki: Tlv;
  /** The algorithm OID (null when it could not be read). */
  algorithm: string | null;
  params?: Tlv;
  /** The BIT STRING's key bytes (null when the BIT STRING is malformed). */
  keyBytes: Uint8Array | null;
  keyLocation?: Span;
  /** RSA: modulus and exponent contents as encoded (null when RSAPublicKey cannot be read). */
  rsa: { n: Uint8Array; e: Uint8Array } | null;
  /** EC: the parameters' curve OID (null when not a named curve). */
  curveOid: string | null;
  /** What checkPublicKey says: the facts, or its refusal. */
  facts: KeyFacts | null;
  error: CsrError | null;
}

export interface CsrSignature {
  /** The algorithm OID (null when it could not be read). */
  oid: string | null;
  params?: Tlv;
  algIdLocation?: Span;
  known: SignatureAlgorithm | null;
  refusedName: string | null;
  /** The signature bytes (null when the BIT STRING is malformed). */
  value: Uint8Array | null;
  /** "ok"; "bad"; "empty-id" (SM2 verifies with the empty ID only); "unchecked" (key or algorithm unusable). */
  verified: "ok" | "bad" | "empty-id" | "unchecked";
}

export interface CsrAnalysis {
  /** Input size in bytes (a string measured as UTF-8). */
  size: number;
  maxBytes: number;
  format: "pem" | "der" | null;
  /** Problems of the input, armour, DER and structure stages (rule ids csr.input.*, csr.der.*, csr.structure.* …). */
  problems: CsrProblem[];
  /** The request's DER could be framed: the fields below are filled as far as they could be read. */
  readable: boolean;
  versionValue: number | null;
  versionLocation?: Span;
  subject: SubjectAttribute[] | null;
  subjectLocation?: Span;
  /** The requested SAN entries (empty: none), null when the attributes could not be read. */
  names: RequestedNameAt[] | null;
  /** OIDs of requested extensions other than the SAN (ignored by caskit), with locations. */
  otherExtensions: Array<{ oid: string; critical: boolean; location?: Span }>;
  attributesLocation?: Span;
  key: CsrKey | null;
  signature: CsrSignature | null;
}

const latin1 = new TextDecoder("latin1");

/** Analyses a CSR input. `der` is what locations index (the decoded PEM body, or the input bytes). */
export function analyzeCsr(input: string | Uint8Array, maxBytes = MAX_CSR_BYTES): { analysis: CsrAnalysis; der: Uint8Array; tree: Tlv | null; derIssues: DerIssue[] } {
  const size = typeof input === "string" ? Buffer.byteLength(input, "utf8") : input.length;
  const a: CsrAnalysis = {
    size,
    maxBytes,
    format: null,
    problems: [],
    readable: false,
    versionValue: null,
    subject: null,
    names: null,
    otherExtensions: [],
    key: null,
    signature: null,
  };
  const empty = { analysis: a, der: new Uint8Array(0), tree: null, derIssues: [] };
  const problem = (rule: string, message: string, location?: Span) => a.problems.push(location ? { rule, message, location } : { rule, message });

  // 1. size, armour
  if (size > maxBytes) {
    problem("csr.input.too_large", `the request is ${size} bytes; the limit is ${maxBytes}`);
    return empty;
  }
  let der: Uint8Array;
  try {
    der = unarmor(input, maxBytes);
  } catch (e) {
    const err = e instanceof CsrError ? e : new CsrError("parse_error", "the input could not be read");
    if (err.code === "trailing_data") {
      problem("csr.input.trailing_data", err.message);
      const cut = firstBlock(input);
      try {
        der = cut ? unarmor(cut, maxBytes) : new Uint8Array(0);
      } catch (e2) {
        problem("csr.input.pem", e2 instanceof CsrError ? e2.message : "the PEM block could not be read");
        return empty;
      }
      if (!cut) return empty;
    } else {
      problem(err.code === "too_large" ? "csr.input.too_large" : "csr.input.pem", err.message);
      return empty;
    }
  }
  a.format = typeof input !== "string" && input === der ? "der" : "pem";

  // 2. DER: strict first (its message), tolerant for the structure
  let strictMessage: string | null = null;
  try {
    readDer(der);
  } catch (e) {
    strictMessage = e instanceof CsrError ? e.message : "not strict DER";
  }
  let top: Tlv;
  let derIssues: DerIssue[];
  try {
    const t = readTolerant(der);
    top = t.root;
    derIssues = t.issues;
  } catch (e) {
    const at = e instanceof DerFault ? Math.min(e.offset, der.length - 1) : 0;
    problem("csr.der.malformed", `the request cannot be read as DER: ${e instanceof Error ? e.message : "malformed"}`, der.length ? { offset: Math.max(0, at), length: 1 } : undefined);
    return { analysis: a, der, tree: null, derIssues: [] };
  }
  if (strictMessage !== null) {
    const first = derIssues[0];
    problem("csr.der.strict", `${strictMessage}; re-encode the request as DER`, first ? { offset: first.offset, length: first.length } : spanOf(top, der.length));
  }
  const result = { analysis: a, der, tree: top, derIssues };
  if (top.tag !== 0x30 || !top.children) {
    problem("csr.structure.malformed", "the input is not a CertificationRequest (no outer SEQUENCE)", spanOf(top, der.length));
    return result;
  }
  if (top.end !== der.length) problem("csr.input.trailing_data", `${der.length - top.end} bytes follow the request's DER`, { offset: top.end, length: der.length - top.end });
  a.readable = true;

  // 3. CertificationRequest ::= SEQUENCE { certificationRequestInfo, signatureAlgorithm, signature }
  const [cri, sigAlgId, sigBits, ...extra] = top.children;
  if (extra.length) problem("csr.structure.malformed", "extra fields after the request's signature", spanOf(extra[0], der.length));
  const criParts = cri && cri.tag === 0x30 && cri.children ? cri.children : null;
  if (!criParts) problem("csr.structure.malformed", "not strict DER: CertificationRequestInfo is missing or has the wrong type", spanOf(cri ?? top, der.length));
  const [version, subject, spki, attrs, ...criExtra] = criParts ?? [];

  if (criParts) {
    try {
      a.versionValue = readSmallInt(der, version, "version");
    } catch (e) {
      problem("csr.structure.malformed", messageOf(e), spanOf(version ?? cri, der.length));
    }
    a.versionLocation = spanOf(version, der.length);
    if (!spki || !subject) problem("csr.structure.malformed", "the request lacks a subject or public key", spanOf(cri, der.length));
    if (!attrs || attrs.tag !== 0xa0 || criExtra.length) {
      problem(
        "csr.attributes.missing",
        attrs && attrs.tag === 0xa0 ? "extra fields after the [0] attributes field" : "the [0] attributes field is missing or malformed (RFC 2986 requires it, even empty)",
        spanOf(criExtra[0] ?? attrs ?? cri, der.length),
      );
    }
  }

  // subject
  if (subject) {
    a.subjectLocation = spanOf(subject, der.length);
    try {
      a.subject = readName(der, subject).map((x) => ({ ...x, location: spanOf(subject.children?.[x.rdn], der.length) }));
    } catch (e) {
      problem("csr.subject.malformed", messageOf(e), spanOf(subject, der.length));
    }
  }

  // attributes: the requested names, and the extensions caskit ignores
  if (attrs && attrs.tag === 0xa0) {
    a.attributesLocation = spanOf(attrs, der.length);
    try {
      a.names = readRequestedNames(der, attrs).map((n) => ({ ...n, location: valueSpan(der, n.value) }));
    } catch (e) {
      problem("csr.attributes.malformed", messageOf(e), spanOf(attrs, der.length));
    }
    a.otherExtensions = otherExtensions(der, attrs);
  }

  // signature AlgorithmIdentifier and value
  const sig: CsrSignature = { oid: null, known: null, refusedName: null, value: null, verified: "unchecked", algIdLocation: spanOf(sigAlgId, der.length) };
  a.signature = sig;
  if (!sigAlgId || sigAlgId.tag !== 0x30 || !sigAlgId.children) {
    problem("csr.structure.malformed", "not strict DER: the signature AlgorithmIdentifier is missing or has the wrong type", spanOf(sigAlgId ?? top, der.length));
  } else {
    const [oidTlv, params, ...sigExtra] = sigAlgId.children;
    try {
      sig.oid = readOid(der, oidTlv, "the signature algorithm");
    } catch (e) {
      problem("csr.structure.malformed", messageOf(e), spanOf(oidTlv ?? sigAlgId, der.length));
    }
    sig.params = params;
    if (sigExtra.length) problem("csr.structure.malformed", "extra fields in the signature AlgorithmIdentifier", spanOf(sigExtra[0], der.length));
    if (sig.oid) {
      sig.known = SIGNATURE_ALGORITHMS_BY_OID.get(sig.oid) ?? null;
      sig.refusedName = REFUSED_SIGNATURE_ALGORITHMS.get(sig.oid) ?? null;
    }
  }
  try {
    sig.value = bitStringBytes(der, sigBits, "the signature");
  } catch (e) {
    problem("csr.structure.malformed", messageOf(e), spanOf(sigBits ?? top, der.length));
  }

  // public key
  if (spki) a.key = analyzeKey(der, spki, problem);

  // the self-signature, when the key and the algorithm allow checking it
  const facts = a.key?.facts;
  if (facts && sig.known && sig.value && cri) {
    const family = facts.keyAlgorithm === "EC" ? "ECC" : facts.keyAlgorithm;
    if (sig.known.family === family) {
      const tbs = encoding(der, cri);
      const spkiDer = encoding(der, spki as Tlv);
      try {
        if (verifySignature(sig.known, spkiDer, tbs, sig.value, facts.point ?? undefined, { jwk: facts.jwk ?? undefined, pkcs1: facts.pkcs1 ?? undefined })) sig.verified = "ok";
        else if (family === "SM2" && facts.point && sm2Verify(tbs, sig.value, facts.point, "")) sig.verified = "empty-id";
        else sig.verified = "bad";
      } catch {
        sig.verified = "bad";
      }
    }
  }
  return result;
}

function analyzeKey(der: Uint8Array, spki: Tlv, problem: (rule: string, message: string, location?: Span) => void): CsrKey {
  const key: CsrKey = { spki, algorithm: null, keyBytes: null, rsa: null, curveOid: null, facts: null, error: null };
  try {
    key.facts = checkPublicKey(der, spki);
  } catch (e) {
    key.error = e instanceof CsrError ? e : new CsrError("parse_error", "the public key could not be read");
  }
  const malformed = (message: string, t?: Tlv) => problem("csr.key.malformed", message, spanOf(t ?? spki, der.length));
  const [algId, bits, ...spkiExtra] = spki.tag === 0x30 && spki.children ? spki.children : [];
  if (!algId || !bits || spkiExtra.length || algId.tag !== 0x30 || !algId.children) {
    malformed("not strict DER: SubjectPublicKeyInfo is missing parts or has the wrong type");
    return key;
  }
  const [algOid, params, ...algExtra] = algId.children;
  try {
    key.algorithm = readOid(der, algOid, "the public key algorithm");
  } catch (e) {
    malformed(messageOf(e), algOid ?? algId);
  }
  if (algExtra.length) malformed("extra fields in the public key AlgorithmIdentifier", algExtra[0]);
  key.params = params;
  try {
    key.keyBytes = bitStringBytes(der, bits, "the public key");
    key.keyLocation = spanOf(bits, der.length);
  } catch (e) {
    malformed(messageOf(e), bits);
  }
  if (key.algorithm === "1.2.840.113549.1.1.1" && key.keyBytes) {
    // RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }, strict DER inside the BIT STRING
    try {
      const rsa = readDer(key.keyBytes);
      const [n, e, ...more] = rsa.tag === 0x30 && rsa.children ? rsa.children : [];
      if (rsa.end !== key.keyBytes.length) malformed("trailing bytes after the RSA public key", bits);
      else if (!n || !e || n.tag !== 0x02 || e.tag !== 0x02 || more.length) malformed("RSAPublicKey must be two INTEGERs", bits);
      else {
        key.rsa = { n: contents(key.keyBytes, n), e: contents(key.keyBytes, e) };
        for (const [v, name] of [[key.rsa.n, "modulus"], [key.rsa.e, "exponent"]] as const) {
          if (v.length > 1 && v[0] === 0 && !((v[1] as number) & 0x80)) malformed(`RSA ${name} is not minimally encoded`, bits);
        }
      }
    } catch (e) {
      malformed(messageOf(e), bits);
    }
  }
  if (key.algorithm === "1.2.840.10045.2.1" && params?.tag === 0x06) {
    try {
      key.curveOid = readOid(der, params, "the EC curve");
    } catch (e) {
      malformed(messageOf(e), params);
    }
  }
  return key;
}

const EXTENSION_REQUEST = "1.2.840.113549.1.9.14";
const SAN = "2.5.29.17";

/** Requested extensions other than the SAN, read loosely (malformed ones are csr.attributes.malformed's business). */
function otherExtensions(der: Uint8Array, attrs: Tlv): CsrAnalysis["otherExtensions"] {
  const out: CsrAnalysis["otherExtensions"] = [];
  for (const attr of attrs.children ?? []) {
    try {
      const [type, values] = attr.children ?? [];
      if (readOid(der, type, "an attribute type") !== EXTENSION_REQUEST) continue;
      for (const exts of values?.children ?? []) {
        for (const ext of exts.children ?? []) {
          const [id, second] = ext.children ?? [];
          const oid = readOid(der, id, "an extension id");
          if (oid === SAN || out.length >= 64) continue;
          const critical = second?.tag === 0x01 && second.end > second.contentStart && der[second.contentStart] !== 0;
          out.push({ oid, critical, location: spanOf(ext, der.length) });
        }
      }
    } catch {
      // malformed: reported by the structure rules
    }
  }
  return out;
}

/** Where a subarray of `der` lies in it (the readers hand out subarrays, never copies). */
function valueSpan(der: Uint8Array, value: Uint8Array): Span | undefined {
  if (value.buffer !== der.buffer) return undefined;
  const offset = value.byteOffset - der.byteOffset;
  if (offset < 0 || offset + value.length > der.length) return undefined;
  return { offset, length: value.length };
}

function messageOf(e: unknown): string {
  return e instanceof CsrError ? e.message : "malformed";
}

/** The input up to the end of its first PEM END line (to read the first block after trailing data). */
function firstBlock(input: string | Uint8Array): string | Uint8Array | null {
  const text = typeof input === "string" ? input : latin1.decode(input);
  const m = /-----END [A-Z0-9 ]*-----/.exec(text);
  if (!m) return null;
  const cut = m.index + m[0].length;
  return typeof input === "string" ? text.slice(0, cut) : input.subarray(0, cut);
}
