/**
 * `parseCsr`: bytes in, facts or a `CsrError` out, exactly per docs/csr-policy.md and in its check
 * order — size → armour and DER → public key → signature algorithm → signature → subject → presence of a
 * name → name syntax. The first failure names the error. Nothing but a `CsrError` escapes for any input.
 */
import { REFUSED_SIGNATURE_ALGORITHMS, SIGNATURE_ALGORITHMS_BY_OID } from "../crypto/algorithms.js";
import { SM2_DEFAULT_ID, sm2Verify } from "../crypto/sm2.js";
import { verifySignature } from "../crypto/verify.js";
import { CsrError } from "../errors.js";
import type { CsrFacts } from "../types.js";
import { MAX_CSR_BYTES, unarmor } from "./armor.js";
import { type Tlv, encoding, expectConstructed, oidExcerpt, readDer, readOid, readSmallInt } from "./der-reader.js";
import { readRequestedNames } from "./extensions.js";
import { bitStringBytes, checkPublicKey } from "./key.js";
import { formatIpAddress, hostNameProblem, quoteExcerpt, serverNameProblem } from "./names.js";
import { checkSubject, readName } from "./subject.js";

export interface ParseCsrOptions {
  /** Input size limit in bytes, checked before anything is parsed. Defaults to 65,536. */
  maxBytes?: number;
  /**
   * `"server"` (default): docs/csr-policy.md exactly — a CN or a DNS/IP SAN must be present, and the CN must
   * be a host name, wildcard or IP address. `"client"`: a client certificate names a person or a
   * device, so the CN is any text that passes the subject rules (`Alice Smith`), and a request with no
   * name at all is left to issuance (the request parameters may give one). Every other check is the same.
   */
  profile?: "server" | "client";
}

/**
 * Parses and validates a PKCS#10 request (PEM or DER) for a server certificate (or, with
 * `profile: "client"`, for a client certificate).
 * @throws CsrError with one of the policy's ten codes.
 * @example
 * const facts = parseCsr(readFileSync("server.csr"));
 * facts.cn;   // "api.example.com"
 * facts.sans; // [{ type: "dns", value: "api.example.com" }, { type: "ip", value: "10.0.0.7" }]
 */
export function parseCsr(input: string | Uint8Array, options: ParseCsrOptions = {}): CsrFacts {
  if (typeof input !== "string" && !(input instanceof Uint8Array)) throw new TypeError("parseCsr takes a string or a Uint8Array");
  const profile = profileOf(options.profile);
  try {
    return parse(input, options.maxBytes ?? MAX_CSR_BYTES, profile);
  } catch (e) {
    if (e instanceof CsrError) throw e;
    // A library or engine failure on hostile bytes is still a refusal, never another exception.
    throw new CsrError("parse_error", "the request could not be parsed", { cause: e });
  }
}

function profileOf(p: unknown): "server" | "client" {
  if (p === undefined || p === "server") return "server";
  if (p === "client") return "client";
  throw new TypeError('parseCsr: profile is "server" or "client"');
}

function parse(input: string | Uint8Array, maxBytes: number, profile: "server" | "client"): CsrFacts {
  // 1. size, armour, strict DER
  const der = unarmor(input, maxBytes);
  const top = readDer(der);
  if (top.tag !== 0x30) throw new CsrError("parse_error", "the input is not a CertificationRequest (no outer SEQUENCE)");
  if (top.end !== der.length) throw new CsrError("trailing_data", `${der.length - top.end} bytes follow the request's DER`);
  const [cri, sigAlgId, sigBits, ...extra] = expectConstructed(top, 0x30, "CertificationRequest");
  if (extra.length) throw new CsrError("parse_error", "extra fields after the request's signature");
  const [version, subject, spki, attrs, ...criExtra] = expectConstructed(cri, 0x30, "CertificationRequestInfo");
  if (readSmallInt(der, version, "version") !== 0) throw new CsrError("parse_error", "the request version must be 0 (v1)");
  if (!spki || !subject) throw new CsrError("parse_error", "the request lacks a subject or public key");
  if (!attrs || attrs.tag !== 0xa0 || criExtra.length) throw new CsrError("parse_error", "the [0] attributes field is missing or malformed");
  const rawSubject = readName(der, subject);
  const requested = readRequestedNames(der, attrs);
  const [sigOidTlv, sigParams, ...sigExtra] = expectConstructed(sigAlgId, 0x30, "the signature AlgorithmIdentifier");
  const sigOid = readOid(der, sigOidTlv, "the signature algorithm");
  if (sigExtra.length) throw new CsrError("parse_error", "extra fields in the signature AlgorithmIdentifier");
  const signature = bitStringBytes(der, sigBits, "the signature");

  // 2. public key
  const key = checkPublicKey(der, spki);

  // 3. signature algorithm
  const refused = REFUSED_SIGNATURE_ALGORITHMS.get(sigOid);
  if (refused) throw new CsrError("unsupported_signature", refusedSignatureAdvice(sigOid, refused));
  const alg = SIGNATURE_ALGORITHMS_BY_OID.get(sigOid);
  if (!alg) throw new CsrError("unsupported_signature", `signature algorithm ${oidExcerpt(sigOid)} is not supported`);
  checkSignatureParams(alg.family, sigParams);
  const keyFamily = key.keyAlgorithm === "EC" ? "ECC" : key.keyAlgorithm;
  if (key.keyAlgorithm === "SM2" && alg.family !== "SM2") {
    throw new CsrError("unsupported_signature", `an SM2 key must sign with SM3withSM2, not ${alg.name}`);
  }
  if (alg.family !== keyFamily) throw new CsrError("bad_signature", `${alg.name} cannot have been made by a ${key.keyAlgorithm} key`);

  // 4. signature
  const tbs = encoding(der, cri as Tlv);
  const spkiDer = encoding(der, spki);
  if (!verifySignature(alg, spkiDer, tbs, signature, key.point ?? undefined, { jwk: key.jwk ?? undefined, pkcs1: key.pkcs1 ?? undefined })) {
    if (alg.family === "SM2" && key.point && sm2Verify(tbs, signature, key.point, "")) {
      throw new CsrError(
        "bad_signature",
        `the SM2 signature was made with an empty user ID; SM2 requests must use the default ID ${SM2_DEFAULT_ID} (OpenSSL: add -sigopt distid:${SM2_DEFAULT_ID})`,
      );
    }
    throw new CsrError("bad_signature", "the request's self-signature does not verify");
  }

  // 5. subject
  const subjectFacts = checkSubject(rawSubject);

  // 6. presence of a name (server profile: a client's name may come from the request parameters)
  const sans: CsrFacts["sans"] = [];
  const server = profile === "server";
  const hasHostSan = requested.some((n) => n.kind === 2 || n.kind === 7);
  if (server && subjectFacts.cn === null && !hasHostSan) throw new CsrError("missing_cn", "the request has no CN and no DNS or IP subjectAltName");

  // 7. name syntax: the CN is a host name, wildcard or IP for a server certificate only
  if (server && subjectFacts.cn !== null) {
    const problem = serverNameProblem(subjectFacts.cn);
    if (problem) throw new CsrError("bad_name", `the CN ${quoteExcerpt(subjectFacts.cn)} is not a host name, wildcard or IP address: ${problem}`);
  }
  for (const n of requested) {
    if (n.kind === 2) {
      const name = ascii(n.value);
      const problem = name === null ? "ASCII letters, digits, hyphens and dots only" : hostNameProblem(name);
      if (problem) throw new CsrError("bad_name", `the subjectAltName dNSName ${quoteExcerpt(latin1(n.value))} is not a host name or wildcard: ${problem}`);
      sans.push({ type: "dns", value: name as string });
    } else if (n.kind === 7) {
      if (n.value.length !== 4 && n.value.length !== 16) throw new CsrError("bad_name", "a subjectAltName iPAddress is not 4 or 16 bytes");
      sans.push({ type: "ip", value: formatIpAddress(n.value) });
    } else {
      throw new CsrError(
        "bad_name",
        server
          ? `subjectAltName entries of type ${GENERAL_NAME[n.kind] ?? n.kind} are refused; a server certificate carries only DNS names and IP addresses`
          : `subjectAltName entries of type ${GENERAL_NAME[n.kind] ?? n.kind} are refused in the request; a client certificate's e-mail and URI names come from SanType and SanValue`,
      );
    }
  }

  return {
    keyAlgorithm: key.keyAlgorithm,
    keyFamily,
    keySize: key.keySize,
    curve: key.curve?.name ?? null,
    cn: subjectFacts.cn,
    sans,
    signatureAlgorithm: { name: alg.name, oid: alg.oid },
    subject: subjectFacts.attributes,
    subjectFields: subjectFacts.fields,
    spki: spkiDer.slice(),
    der: der.slice(),
  };
}

/** RFC 4055 §5: RSA parameters NULL or absent; RFC 5758 §3.2: ECDSA (and SM2) parameters absent. */
function checkSignatureParams(family: string, params: Tlv | undefined): void {
  if (!params) return;
  if (family === "RSA" && params.tag === 0x05 && params.end === params.contentStart) return;
  throw new CsrError("unsupported_signature", "the signature AlgorithmIdentifier carries parameters it must not have");
}

const GENERAL_NAME: Record<number, string> = { 0: "otherName", 1: "rfc822Name (e-mail)", 3: "x400Address", 4: "directoryName", 5: "ediPartyName", 6: "URI", 8: "registeredID" };

const RSASSA_PSS = "1.2.840.113549.1.1.10";

/** The advice for a refused signature algorithm: what to sign with instead. */
function refusedSignatureAdvice(oid: string, name: string): string {
  if (oid === RSASSA_PSS) {
    return "RSASSA-PSS signatures are refused; sign with PKCS#1 v1.5 and SHA-256 or stronger — sha256WithRSAEncryption (OpenSSL: drop -sigopt rsa_padding_mode:pss)";
  }
  return `${name} signatures are refused; sign with SHA-256 or stronger (or SM3withSM2)`;
}

/** At most 80 bytes as text, for {@link quoteExcerpt} (which escapes what is not printable ASCII). */
const latin1 = (b: Uint8Array): string => Buffer.from(b.subarray(0, 80)).toString("latin1");

function ascii(b: Uint8Array): string | null {
  for (const c of b) if (c < 0x21 || c > 0x7e) return null;
  return Buffer.from(b).toString("latin1");
}
