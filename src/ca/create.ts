/**
 * Root and subordinate CA certificates (RFC 5280 §4.2.1.9/§4.2.1.3): basicConstraints critical with
 * CA:TRUE (a pathLen on subordinates; roots are unconstrained), keyUsage critical keyCertSign + cRLSign +
 * digitalSignature, SKI and AKI. A child never outlives its parent and shares its key family.
 */
import { type KeyPair, generateKeyPair } from "../crypto/keys.js";
import { createSigner } from "../crypto/signer.js";
import { hex } from "../internal/der.js";
import { systemNow, systemRandom } from "../internal/env.js";
import { KeyError, ProfileError, ValidityError } from "../errors.js";
import { certificatePem, encodeTbs, md5Hex, signTbs } from "../issue/certificate.js";
import {
  EKU_OIDS,
  authorityInfoAccessOf,
  authorityKeyIdentifier,
  basicConstraints,
  crlDistributionPoint,
  extKeyUsage,
  keyIdentifier,
  keyUsage,
  subjectKeyIdentifier,
} from "../issue/extensions.js";
import { encodeName, normalizeSubject } from "../issue/name.js";
import { newSerial } from "../issue/serial.js";
import { checkBaseUrl } from "../issue/urls.js";
import { addMonths, checkIssuerCurrent, wholeSeconds } from "../issue/validity.js";
import type { CertificateAuthority, CreateCaParams, CreateSubCaParams } from "./types.js";

const CA_KEY_USAGE = keyUsage(["digitalSignature", "keyCertSign", "cRLSign"]);
const MAX_PATH_LEN = 16;

async function keyFor(params: CreateCaParams): Promise<KeyPair> {
  if (params.key) return params.key;
  if (!params.algorithm) throw new KeyError("unsupported_algorithm", "give an algorithm or a key", { field: "algorithm" });
  return generateKeyPair(params.algorithm, { allowLegacy: params.allowLegacy });
}

function checkSubject(params: CreateCaParams) {
  const subject = normalizeSubject(params.subject ?? {});
  if (!subject.commonName) throw new ProfileError("invalid_subject", "a CA needs a commonName", { field: "commonName" });
  return subject;
}

function checkYears(years: unknown): number {
  if (typeof years !== "number" || !Number.isSafeInteger(years) || years < 1 || years > 100) {
    throw new ValidityError("invalid_validity", "years must be a whole number from 1 to 100", { field: "years" });
  }
  return years;
}

/** The finished CA: what both creators return, derived from the signed DER and its parts. */
function authority(
  der: Uint8Array,
  parts: Pick<CertificateAuthority, "kind" | "key" | "signer" | "subject" | "subjectDer" | "keyIdentifier" | "notBefore" | "notAfter" | "pathLen" | "chainDer">,
  serial: Uint8Array,
): CertificateAuthority {
  return Object.freeze({ ...parts, certificateDer: der, certificatePem: certificatePem(der), spec: parts.key.spec, identifier: md5Hex(der), serialNumber: hex(serial) });
}

/**
 * Maps CAS ExtendedKeyUsages names (`any`, `serverAuth`, `clientAuth`, `codeSigning`,
 * `emailProtection`, `timeStamping`, `OCSPSigning`) or dotted OIDs to OIDs; anything else is
 * ProfileError `invalid_extension` (docs/cas-api.md).
 * @example
 * resolveEkus(["serverAuth", "1.3.6.1.4.1.311.10.3.12"]); // ["1.3.6.1.5.5.7.3.1", "1.3.6.1.4.1.311.10.3.12"]
 */
export function resolveEkus(names: readonly string[]): string[] {
  return names.map((n) => {
    const known = EKU_OIDS[n];
    if (known) return known;
    if (/^[0-2](\.(0|[1-9][0-9]*)){2,}$/.test(n)) return n;
    throw new ProfileError("invalid_extension", `unknown extended key usage "${n}"`, { field: "extendedKeyUsages" });
  });
}

/**
 * Creates a self-signed root CA (CAS CreateRootCACertificate, docs/cas-api.md): basicConstraints
 * critical CA:TRUE without a pathLen (a root is the trust anchor, which RFC 5280 §6.1 keeps out of
 * the certification path it validates, so its own pathLen would constrain nothing there; depth is
 * set on each subordinate instead), keyUsage critical keyCertSign + cRLSign +
 * digitalSignature, SKI (method 1) and AKI = SKI. notBefore is `now` in whole seconds; notAfter
 * `years` calendar years later.
 * @example
 * const root = await createRootCa({ subject: { commonName: "Example Root", organization: "Example" }, algorithm: "ECC_384", years: 20 });
 */
export async function createRootCa(params: CreateCaParams): Promise<CertificateAuthority> {
  const subject = checkSubject(params);
  const years = checkYears(params.years);
  const key = await keyFor(params);
  const now = wholeSeconds(params.now ?? systemNow());
  const serial = newSerial(params.random ?? systemRandom);
  const name = encodeName(subject);
  const ski = keyIdentifier(key.spki);
  const signer = createSigner(key);
  const notAfter = addMonths(now, 12 * years);
  const tbs = encodeTbs({
    serial,
    signatureAlgorithm: signer.signatureAlgorithm.algorithmIdentifier,
    issuerName: name,
    notBefore: now,
    notAfter,
    subjectName: name,
    spki: key.spki,
    extensions: [basicConstraints({ ca: true }), CA_KEY_USAGE, subjectKeyIdentifier(ski), authorityKeyIdentifier(ski)],
  });
  const der = signTbs(tbs, signer);
  return authority(der, { kind: "root", key, signer, subject, subjectDer: name, keyIdentifier: ski, notBefore: now, notAfter, pathLen: null, chainDer: [] }, serial);
}

/**
 * Creates a subordinate CA signed by `parent` (a root or another subordinate; CAS
 * CreateSubCACertificate, docs/cas-api.md). `pathLen` defaults to 0 and must fit under the parent's;
 * the key's family must be the parent's (KeyError `family_mismatch`); it never outlives its parent
 * (ValidityError `beyond_issuer` — an error, never a silent clamp), and a parent outside its own
 * validity signs nothing (IssueError `issuer_expired` / `issuer_not_yet_valid`).
 * @example
 * const sub = await createSubCa(root, { subject: { commonName: "Issuing CA" }, algorithm: "ECC_256", years: 10 });
 */
export async function createSubCa(parent: CertificateAuthority, params: CreateSubCaParams): Promise<CertificateAuthority> {
  const subject = checkSubject(params);
  const years = checkYears(params.years);
  const pathLen = params.pathLen ?? 0;
  if (!Number.isSafeInteger(pathLen) || pathLen < 0 || pathLen > MAX_PATH_LEN) {
    throw new ProfileError("invalid_extension", `pathLen must be a whole number from 0 to ${MAX_PATH_LEN}`, { field: "pathLen" });
  }
  if (parent.pathLen !== null && pathLen >= parent.pathLen) {
    throw new ProfileError("invalid_extension", `the parent allows ${parent.pathLen} CA(s) below it; pathLen ${pathLen} is too long`, { field: "pathLen" });
  }
  const ekus = params.extendedKeyUsages?.length ? resolveEkus(params.extendedKeyUsages) : [];
  const key = await keyFor(params);
  if (key.spec.family !== parent.spec.family) {
    throw new KeyError("family_mismatch", `a ${parent.spec.family} CA can only certify ${parent.spec.family} keys, not ${key.spec.family}`, { field: "algorithm" });
  }
  const at = params.now ?? systemNow();
  // issue 14 #6: parent.notBefore ≤ notBefore (= now) and notAfter ≤ parent.notAfter; an expired or
  // not-yet-valid parent signs nothing (IssueError issuer_expired / issuer_not_yet_valid).
  checkIssuerCurrent({ now: at, issuerNotBefore: parent.notBefore, issuerNotAfter: parent.notAfter }, "the parent CA");
  const now = wholeSeconds(at);
  const notAfter = addMonths(now, 12 * years);
  if (notAfter.getTime() > parent.notAfter.getTime()) {
    throw new ValidityError("beyond_issuer", `a ${years}-year CA would expire after its parent (${parent.notAfter.toISOString()})`, { field: "years" });
  }
  const serial = newSerial(params.random ?? systemRandom);
  const name = encodeName(subject);
  const ski = keyIdentifier(key.spki);
  const extensions = [basicConstraints({ ca: true, pathLen }), CA_KEY_USAGE];
  if (ekus.length) extensions.push(extKeyUsage(ekus));
  extensions.push(subjectKeyIdentifier(ski), authorityKeyIdentifier(parent.keyIdentifier));
  // Where to learn that this sub-CA was revoked (the parent's CRL), and where its issuer's certificate is.
  if (params.crlDistributionUrl) extensions.push(crlDistributionPoint(checkBaseUrl(params.crlDistributionUrl, "crlDistributionUrl")));
  // With the parent's OCSP responder too when given (OCSP first); caIssuers alone is the same bytes as before.
  if (params.caIssuersUrl || params.ocspUrl) {
    extensions.push(authorityInfoAccessOf({
      ocsp: params.ocspUrl ? checkBaseUrl(params.ocspUrl, "ocspUrl") : undefined,
      caIssuers: params.caIssuersUrl ? checkBaseUrl(params.caIssuersUrl, "caIssuersUrl") : undefined,
    }));
  }
  const tbs = encodeTbs({
    serial,
    signatureAlgorithm: parent.signer.signatureAlgorithm.algorithmIdentifier,
    issuerName: parent.subjectDer,
    notBefore: now,
    notAfter,
    subjectName: name,
    spki: key.spki,
    extensions,
  });
  const der = signTbs(tbs, parent.signer);
  const chainDer = [parent.certificateDer, ...parent.chainDer];
  return authority(der, { kind: "sub", key, signer: createSigner(key), subject, subjectDer: name, keyIdentifier: ski, notBefore: now, notAfter, pathLen, chainDer }, serial);
}
