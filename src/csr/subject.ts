/** Subject rules of docs/csr-policy.md "Subject", and reading a Name into attributes. */
import { CsrError } from "../errors.js";
import type { NameAttribute, SubjectParams } from "../types.js";
import { type Tlv, contents, expectConstructed, oidExcerpt, readOid } from "./der-reader.js";
import { directoryStringLength, forbiddenCharacter } from "./names.js";

export const ATTRIBUTE_NAMES: Readonly<Record<string, string>> = {
  "2.5.4.3": "CN",
  "2.5.4.6": "C",
  "2.5.4.7": "L",
  "2.5.4.8": "ST",
  "2.5.4.10": "O",
  "2.5.4.11": "OU",
  "2.5.4.5": "serialNumber",
  "2.5.4.9": "street",
  "2.5.4.17": "postalCode",
  "2.5.4.4": "SN",
  "2.5.4.42": "GN",
  "2.5.4.12": "title",
  "0.9.2342.19200300.100.1.25": "DC",
  "0.9.2342.19200300.100.1.1": "UID",
  "1.2.840.113549.1.9.1": "emailAddress",
};
const CN = "2.5.4.3";
const C = "2.5.4.6";

const utf8 = new TextDecoder("utf-8", { fatal: true });
const latin1 = new TextDecoder("latin1");
const utf16be = new TextDecoder("utf-16be", { fatal: true });

/** String tags allowed for a CN (policy: UTF8String, PrintableString, TeletexString with ASCII, BMPString). */
export const CN_TAGS: ReadonlySet<number> = new Set([0x0c, 0x13, 0x14, 0x1e]);

/** Decodes a directory string; null when the bytes do not fit the declared type (also used by src/lint). */
export function decodeString(tag: number, b: Uint8Array): string | null {
  try {
    switch (tag) {
      case 0x0c: // UTF8String
        return utf8.decode(b);
      case 0x13: // PrintableString (X.680 §41.4); '*' tolerated (wildcard CNs in the wild)
      case 0x16: // IA5String
      case 0x1a: // VisibleString
      case 0x14: // TeletexString: only its ASCII subset is read
        for (const c of b) if (c > 0x7e || c < 0x20) return null;
        return latin1.decode(b);
      case 0x1e: // BMPString
        return b.length % 2 === 0 ? utf16be.decode(b) : null;
      case 0x1c: // UniversalString (UTF-32BE)
        if (b.length % 4 !== 0) return null;
        return Array.from({ length: b.length / 4 }, (_, i) => String.fromCodePoint(new DataView(b.buffer, b.byteOffset + i * 4, 4).getUint32(0))).join("");
      default:
        return null;
    }
  } catch {
    return null;
  }
}

export interface SubjectFacts {
  attributes: NameAttribute[];
  fields: SubjectParams;
  cn: string | null;
}

/** Reads a Name (structure only; rules are applied by `checkSubject`). */
export function readName(buf: Uint8Array, name: Tlv): Array<{ oid: string; tag: number; raw: Uint8Array; rdn: number }> {
  const out: Array<{ oid: string; tag: number; raw: Uint8Array; rdn: number }> = [];
  expectConstructed(name, 0x30, "the subject").forEach((rdn, i) => {
    const atvs = expectConstructed(rdn, 0x31, "a subject RDN");
    if (atvs.length === 0) throw new CsrError("parse_error", "an empty RDN in the subject");
    for (const atv of atvs) {
      const [type, value, ...extra] = expectConstructed(atv, 0x30, "a subject attribute");
      if (!value || extra.length) throw new CsrError("parse_error", "a subject attribute must be a type and one value");
      out.push({ oid: readOid(buf, type, "a subject attribute type"), tag: value.tag, raw: contents(buf, value), rdn: i });
    }
  });
  return out;
}

/** Applies the subject rules; returns the attributes in RDN order and the CN. */
export function checkSubject(raw: ReturnType<typeof readName>): SubjectFacts {
  const cns = raw.filter((a) => a.oid === CN);
  if (cns.length > 1) {
    throw new CsrError("bad_subject", "the subject has more than one CN; libraries disagree on which counts, so it is refused");
  }
  const attributes: NameAttribute[] = [];
  const fields: SubjectParams = {};
  let cn: string | null = null;
  for (const a of raw) {
    const type = ATTRIBUTE_NAMES[a.oid] ?? a.oid;
    const value = decodeString(a.tag, a.raw);
    // One text rule for every attribute read (names.ts): no controls, unpaired surrogates or bidi marks.
    if (value !== null && directoryStringLength(value) < 0) throw new CsrError("bad_subject", `the subject's ${oidExcerpt(type)} contains ${forbiddenCharacter(value)}`);
    if (a.oid === CN) {
      if (!CN_TAGS.has(a.tag) || value === null) throw new CsrError("bad_subject", "the CN is not a UTF8String, PrintableString, ASCII TeletexString or BMPString");
      if ([...value].length > 64) throw new CsrError("bad_subject", "the CN is longer than 64 characters (X.520 ub-common-name)");
      if (value.length > 0) cn = value;
    } else if (a.oid === C) {
      if (value === null || !/^[A-Za-z]{2}$/.test(value)) throw new CsrError("bad_subject", "countryName must be exactly two letters (ISO 3166)");
    }
    const text = value ?? Buffer.from(a.raw).toString("hex");
    attributes.push({ oid: a.oid, type, value: text });
    const key = FIELD_OF[a.oid];
    if (key && fields[key] === undefined && value !== null && value.length > 0) fields[key] = value;
  }
  return { attributes, fields, cn };
}

/** Attribute OID → the SubjectParams field it fills (the first of each wins). */
export const FIELD_OF: Readonly<Record<string, keyof SubjectParams>> = {
  "2.5.4.3": "commonName",
  "2.5.4.10": "organization",
  "2.5.4.11": "organizationalUnit",
  "2.5.4.6": "country",
  "2.5.4.8": "state",
  "2.5.4.7": "locality",
};
