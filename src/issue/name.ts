/**
 * Distinguished names that caskit writes: RDN order C, ST, L, O, OU, CN, one attribute per RDN.
 *
 * One encoding rule, no guessing per value: countryName is PrintableString (X.520 defines it so),
 * every other attribute UTF8String — even when the value would fit PrintableString. RFC 5280
 * §4.1.2.4: "CAs conforming to this profile MUST use either the PrintableString or UTF8String
 * encoding of DirectoryString"; §4.1.2.6 applies the same to the subject. Chaining never depends on
 * this choice: an issued certificate's issuer field is the CA's subject DER copied byte for byte.
 */
import { oid, printableString, sequence, set, utf8String } from "../internal/der.js";
import { directoryStringLength, forbiddenCharacter } from "../csr/names.js";
import { ProfileError } from "../errors.js";
import type { SubjectParams } from "../types.js";

const ORDER: Array<{ key: keyof SubjectParams; oid: string; max: number; label: string }> = [
  { key: "country", oid: "2.5.4.6", max: 2, label: "country" },
  { key: "state", oid: "2.5.4.8", max: 128, label: "state" },
  { key: "locality", oid: "2.5.4.7", max: 128, label: "locality" },
  { key: "organization", oid: "2.5.4.10", max: 64, label: "organization" },
  { key: "organizationalUnit", oid: "2.5.4.11", max: 64, label: "organizationalUnit" },
  { key: "commonName", oid: "2.5.4.3", max: 64, label: "commonName" },
];

const isAsciiLetter = (c: number): boolean => (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);

/**
 * Drops empty fields and checks X.520 upper bounds (ub-common-name 64, ub-organization-name 64,
 * ub-organizational-unit-name 64, ub-locality-name 128, ub-state-name 128; countryName exactly two
 * letters, upper-cased) and the text rule of `directoryStringLength` (csr/names.ts: no controls, DEL,
 * C1, unpaired surrogates or bidi marks) → ProfileError `invalid_subject` naming the field.
 * @example
 * normalizeSubject({ commonName: "api", country: "cn", organization: "" }); // → { country: "CN", commonName: "api" }
 */
export function normalizeSubject(subject: SubjectParams): SubjectParams {
  const out: SubjectParams = {};
  for (const f of ORDER) {
    const v = subject[f.key];
    if (v === undefined || v === null || v === "") continue;
    if (typeof v !== "string") throw new ProfileError("invalid_subject", `${f.label} must be a string`, { field: f.label });
    if (f.key === "country") {
      if (v.length !== 2 || !isAsciiLetter(v.charCodeAt(0)) || !isAsciiLetter(v.charCodeAt(1))) throw new ProfileError("invalid_subject", "country must be exactly two letters (ISO 3166)", { field: f.label });
      out.country = v.toUpperCase();
      continue;
    }
    const length = directoryStringLength(v);
    if (length < 0) throw new ProfileError("invalid_subject", `${f.label} contains ${forbiddenCharacter(v)}`, { field: f.label });
    if (length > f.max) throw new ProfileError("invalid_subject", `${f.label} is longer than ${f.max} characters (X.520)`, { field: f.label });
    out[f.key] = v;
  }
  return out;
}

/**
 * Name DER of a normalized subject, RDN order C, ST, L, O, OU, CN.
 * @example
 * const nameDer = encodeName(normalizeSubject({ commonName: "Issuing CA", organization: "Example" }));
 */
export function encodeName(subject: SubjectParams): Uint8Array {
  const rdns: Uint8Array[] = [];
  for (const f of ORDER) {
    const v = subject[f.key];
    if (v === undefined) continue;
    rdns.push(set(sequence(oid(f.oid), f.key === "country" ? printableString(v) : utf8String(v))));
  }
  return sequence(...rdns);
}

/**
 * "C=..,ST=..,L=..,O=..,OU=..,CN=.." as CAS's SubjectDN shows it (docs/cas-api.md).
 * @example
 * subjectDn({ commonName: "api", country: "CN" }); // "C=CN,CN=api"
 */
export function subjectDn(subject: SubjectParams): string {
  const short: Record<keyof SubjectParams, string> = { country: "C", state: "ST", locality: "L", organization: "O", organizationalUnit: "OU", commonName: "CN" };
  return ORDER.filter((f) => subject[f.key] !== undefined)
    .map((f) => `${short[f.key]}=${subject[f.key]}`)
    .join(",");
}
