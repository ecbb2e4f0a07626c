/**
 * Making a PKCS#10 request (RFC 2986) for a key caskit holds: handy for tests, the quickstart and
 * for SM2, where OpenSSL 3.0 signs with an empty ID unless told otherwise. The request carries the
 * subject and, when names are given, one extensionRequest with subjectAltName.
 */
import type { KeyPair } from "../crypto/keys.js";
import { createSigner } from "../crypto/signer.js";
import { ProfileError } from "../errors.js";
import { bitString, oid, sequence, set, smallInteger, tlv } from "../internal/der.js";
import { toPem } from "../internal/pem.js";
import { extension, generalName } from "../issue/extensions.js";
import { encodeName, normalizeSubject } from "../issue/name.js";
import type { SubjectParams } from "../types.js";
import { hostNameProblem, parseIpAddress, quoteExcerpt } from "./names.js";

export interface CreateCsrParams {
  key: KeyPair;
  subject: SubjectParams;
  /** DNS names and IP addresses for the subjectAltName extension request. */
  sans?: string[];
}

export interface CsrResult {
  der: Uint8Array;
  pem: string;
}

/**
 * Builds and signs a CSR with `key` (SM2: SM3withSM2 with the default ID).
 * @example
 * const key = await generateKeyPair("SM2_256");
 * const { pem } = createCsr({ key, subject: { commonName: "sm2.example.com" }, sans: ["sm2.example.com"] });
 */
export function createCsr(params: CreateCsrParams): CsrResult {
  const subject = normalizeSubject(params.subject);
  const names = (params.sans ?? []).map((s) => {
    const ip = parseIpAddress(s);
    if (ip) return generalName({ type: "ip", bytes: ip.bytes });
    const problem = hostNameProblem(s);
    if (problem) throw new ProfileError("invalid_name", `${quoteExcerpt(s)} is not a valid DNS name or IP address: ${problem}`, { field: "sans" });
    return generalName({ type: "dns", value: s });
  });
  const attributes = names.length
    ? tlv(0xa0, sequence(oid("1.2.840.113549.1.9.14"), set(sequence(extension("2.5.29.17", false, sequence(...names))))))
    : tlv(0xa0, new Uint8Array(0));
  const info = sequence(smallInteger(0), encodeName(subject), params.key.spki, attributes);
  const signer = createSigner(params.key);
  const der = sequence(info, signer.signatureAlgorithm.algorithmIdentifier, bitString(signer.sign(info)));
  return { der, pem: toPem("CERTIFICATE REQUEST", der) };
}
