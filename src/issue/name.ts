/**
 * Distinguished names that caskit writes: RDN order C, ST, L, O, OU, CN, one attribute per RDN;
 * countryName as PrintableString (X.520 requires it), everything else UTF8String (RFC 5280
 * §4.1.2.6: "CAs conforming to this profile MUST use either the PrintableString or UTF8String").
 */
import { oid, printableString, sequence, set, utf8String } from "../internal/der.js";
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

/** Drops empty fields and checks X.520 upper bounds (ub-common-name 64, ub-state-name 128, …). */
export function normalizeSubject(subject: SubjectParams): SubjectParams {
  const out: SubjectParams = {};
  for (const f of ORDER) {
    const v = subject[f.key];
    if (v === undefined || v === null || v === "") continue;
    if (typeof v !== "string") throw new ProfileError("invalid_subject", `${f.label} must be a string`, { field: f.label });
    if (f.key === "country") {
      if (!/^[A-Za-z]{2}$/.test(v)) throw new ProfileError("invalid_subject", "country must be exactly two letters (ISO 3166)", { field: f.label });
      out.country = v.toUpperCase();
      continue;
    }
    if ([...v].length > f.max) throw new ProfileError("invalid_subject", `${f.label} is longer than ${f.max} characters (X.520)`, { field: f.label });
    if (/[\u0000-\u001f]/.test(v)) throw new ProfileError("invalid_subject", `${f.label} contains control characters`, { field: f.label });
    out[f.key] = v;
  }
  return out;
}

/** Name DER of a normalized subject. */
export function encodeName(subject: SubjectParams): Uint8Array {
  const rdns: Uint8Array[] = [];
  for (const f of ORDER) {
    const v = subject[f.key];
    if (v === undefined) continue;
    rdns.push(set(sequence(oid(f.oid), f.key === "country" ? printableString(v) : utf8String(v))));
  }
  return sequence(...rdns);
}

/** "C=..,ST=..,L=..,O=..,OU=..,CN=.." as CAS's SubjectDN shows it (CAS-API.md §4.1). */
export function subjectDn(subject: SubjectParams): string {
  const short: Record<keyof SubjectParams, string> = { country: "C", state: "ST", locality: "L", organization: "O", organizationalUnit: "OU", commonName: "CN" };
  return ORDER.filter((f) => subject[f.key] !== undefined)
    .map((f) => `${short[f.key]}=${subject[f.key]}`)
    .join(",");
}
