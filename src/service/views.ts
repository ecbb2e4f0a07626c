/**
 * Store records → CAS response shapes, with the JSON types the official SDK casts to (docs/cas-api.md,
 * §5.4, §6.10–6.17): numbers as numbers, dates in ms, `Sans` as a JSON string.
 */
import { createHash } from "node:crypto";
import { subjectDn } from "../issue/index.js";
import { fromPemAll } from "../internal/pem.js";
import type { CaRecord, CertificateRecord } from "../store/port.js";
import type { ServiceConfig } from "./context.js";
import { crlUrl } from "../issue/urls.js";

const FAMILY: Record<string, string> = { RSA: "RSA", ECC: "ECC", SM2: "SM2" };
/** CAS SAN types: 1 e-mail, 2 DNS, 6 URI, 7 IP. */
const SAN_TYPE = { email: 1, dns: 2, uri: 6, ip: 7 } as const;

const sha2 = (pem: string) => {
  const [der] = fromPemAll("CERTIFICATE", pem);
  return createHash("sha256").update(der ?? new Uint8Array()).digest("hex");
};
const familyOfSpec = (spec: string) => FAMILY[spec.split("_")[0] as string] ?? spec;

/** `yyyy-MM-ddT00:00Z`, the date form ListRevokeCertificate uses. */
export const casDay = (d: Date) => `${d.toISOString().slice(0, 10)}T00:00Z`;

/** The subject fields every CAS certificate view repeats. */
function subjectView(subject: CaRecord["subject"]) {
  return {
    SubjectDN: subjectDn(subject),
    CommonName: subject.commonName ?? "",
    OrganizationUnit: subject.organizationalUnit ?? "",
    Organization: subject.organization ?? "",
    Locality: subject.locality ?? "",
    State: subject.state ?? "",
    CountryCode: subject.country ?? "",
  };
}

export function caView(ca: CaRecord, counts: { CertIssuedCount: number; CertTotalCount: number; CertRemainingCount: number }, config: ServiceConfig) {
  return {
    CertificateType: ca.kind,
    X509Certificate: ca.certificatePem,
    Identifier: ca.id,
    SerialNumber: ca.serialNumber,
    ...subjectView(ca.subject),
    Sans: "1",
    Status: ca.status,
    Algorithm: familyOfSpec(ca.algorithm),
    KeySize: ca.keySize,
    SignAlgorithm: ca.signAlgorithm,
    BeforeDate: ca.notBefore.getTime(),
    AfterDate: ca.notAfter.getTime(),
    ParentIdentifier: ca.parentId ?? "",
    Sha2: sha2(ca.certificatePem),
    Md5: ca.id, // the identifier is the MD5 of the DER
    CrlStatus: ca.crlEnabled && config.crlBaseUrl ? "ACTIVE" : "INACTIVE",
    CrlUrl: ca.crlEnabled && config.crlBaseUrl ? crlUrl(config.crlBaseUrl.replace(/\/+$/, ""), ca.id) : "",
    CrlDay: ca.crlDays,
    ...counts,
    CaCertChain: ca.certificatePem + ca.chainPem,
    Years: ca.years,
    FullAlgorithm: ca.algorithm,
    IssuerType: "local",
  };
}

export function certView(c: CertificateRecord) {
  return {
    X509Certificate: c.certificatePem,
    Identifier: c.id,
    SerialNumber: c.serialNumber,
    ...subjectView(c.subject),
    Sans: JSON.stringify(c.sans.map((s) => ({ Type: SAN_TYPE[s.type], Value: s.value }))),
    Status: c.status,
    BeforeDate: c.notBefore.getTime(),
    AfterDate: c.notAfter.getTime(),
    Algorithm: c.algorithm,
    KeySize: c.keySize,
    SignAlgorithm: c.signAlgorithm,
    CertificateType: c.certificateType,
    ParentIdentifier: c.issuerId,
    Sha2: c.sha256,
    Md5: c.id,
    Days: Math.round((c.notAfter.getTime() - c.notBefore.getTime()) / 86_400_000),
  };
}
