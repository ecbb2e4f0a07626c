/**
 * Rebuilds a CertificateAuthority from stored parts (certificate PEM/DER, its key, the chain above it).
 * Stored certificates are our own or an operator's; they are parsed with @peculiar/asn1-x509, off the hot path.
 */
import { AsnConvert } from "@peculiar/asn1-schema";
import { BasicConstraints, Certificate, SubjectKeyIdentifier, id_ce_basicConstraints, id_ce_subjectKeyIdentifier } from "@peculiar/asn1-x509";
import type { KeyPair } from "../crypto/keys.js";
import { createSigner } from "../crypto/signer.js";
import { IssueError } from "../errors.js";
import { fromPemAll } from "../internal/pem.js";
import { hex } from "../internal/der.js";
import { certificatePem, md5Hex } from "../issue/certificate.js";
import { keyIdentifier } from "../issue/extensions.js";
import type { SubjectParams } from "../types.js";
import { FIELD_OF } from "../csr/subject.js";
import type { CertificateAuthority } from "./types.js";


function toDer(input: string | Uint8Array): Uint8Array {
  if (typeof input !== "string") return input;
  const [der] = fromPemAll("CERTIFICATE", input);
  if (!der) throw new IssueError("not_a_ca", "no CERTIFICATE PEM block found");
  return der;
}

const eq = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);

/** Stored parts of a CA. Give the certificate as `certificate` (PEM or DER) or `certificatePem`. */
export interface LoadCaParams {
  certificate?: string | Uint8Array;
  /** Same as `certificate`, for callers holding PEM text. */
  certificatePem?: string;
  key: KeyPair;
  /** The issuer certificates above this CA, parent first (PEM concatenation or DER list). */
  chain?: string | Uint8Array[];
  /** Same as `chain`, as concatenated PEM. */
  chainPem?: string;
}

/**
 * Rebuilds a CA from stored parts: checks that the key is the certificate's (IssueError
 * `issuer_key_mismatch`) and that the certificate is a CA (basicConstraints cA TRUE, else `not_a_ca`).
 * A self-issued certificate with no chain is a root; anything else a subordinate.
 * @example
 * const ca = loadCa({ certificatePem: stored.pem, key: importPrivateKey(stored.pkcs8), chainPem: stored.chainPem });
 * const issuer = Issuer.prepare(ca);
 */
export function loadCa(params: LoadCaParams): CertificateAuthority {
  const input = params.certificate ?? params.certificatePem;
  if (input === undefined) throw new TypeError("loadCa needs certificate or certificatePem");
  const der = toDer(input);
  const cert = AsnConvert.parse(der, Certificate);
  const tbs = cert.tbsCertificate;
  const spki = new Uint8Array(AsnConvert.serialize(tbs.subjectPublicKeyInfo));
  if (!eq(spki, params.key.spki)) throw new IssueError("issuer_key_mismatch", "the key does not belong to this CA certificate");
  const exts = tbs.extensions ?? [];
  const bcExt = exts.find((e) => e.extnID === id_ce_basicConstraints);
  const bc = bcExt ? AsnConvert.parse(bcExt.extnValue, BasicConstraints) : undefined;
  if (!bc?.cA) throw new IssueError("not_a_ca", "the certificate is not a CA certificate (basicConstraints cA is not TRUE)");
  const skiExt = exts.find((e) => e.extnID === id_ce_subjectKeyIdentifier);
  const ski = skiExt ? new Uint8Array(AsnConvert.parse(skiExt.extnValue, SubjectKeyIdentifier).buffer) : keyIdentifier(spki);
  const subjectDer = new Uint8Array(AsnConvert.serialize(tbs.subject));
  const issuerDer = new Uint8Array(AsnConvert.serialize(tbs.issuer));
  const subject: SubjectParams = {};
  for (const rdn of tbs.subject) {
    for (const atv of rdn) {
      const k = FIELD_OF[atv.type];
      if (k && subject[k] === undefined) subject[k] = atv.value.toString();
    }
  }
  const chain = params.chain ?? params.chainPem;
  const chainDer = chain === undefined ? [] : typeof chain === "string" ? fromPemAll("CERTIFICATE", chain) : chain;
  return Object.freeze({
    kind: eq(subjectDer, issuerDer) && chainDer.length === 0 ? "root" : "sub",
    certificateDer: der,
    certificatePem: certificatePem(der),
    key: params.key,
    signer: createSigner(params.key),
    spec: params.key.spec,
    subjectDer,
    subject,
    keyIdentifier: ski,
    notBefore: tbs.validity.notBefore.getTime(),
    notAfter: tbs.validity.notAfter.getTime(),
    pathLen: bc.pathLenConstraint ?? null,
    chainDer,
    identifier: md5Hex(der),
    serialNumber: hex(new Uint8Array(tbs.serialNumber)).replace(/^(00)+(?=.)/, ""),
  });
}
