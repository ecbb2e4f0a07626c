/**
 * The request's attributes: only extensionRequest (PKCS#9) is read, and in it only the SAN extension
 * (docs/csr-policy.md "Ignored": everything else is the CA profile's business).
 */
import { CsrError } from "../errors.js";
import { type Tlv, contents, expectConstructed, readDer, readOid } from "./der-reader.js";

const EXTENSION_REQUEST = "1.2.840.113549.1.9.14";
const SAN = "2.5.29.17";

/** A GeneralName as requested: its context tag number and raw content bytes. */
export interface RequestedName {
  /** GeneralName CHOICE number: 1 rfc822Name, 2 dNSName, 6 URI, 7 iPAddress, 4 directoryName, 0 otherName … */
  kind: number;
  value: Uint8Array;
}

/** Reads the `[0] attributes` field; returns the requested SAN entries (empty when none). */
export function readRequestedNames(buf: Uint8Array, attrs: Tlv): RequestedName[] {
  let extRequests = 0;
  let sans: RequestedName[] = [];
  let sanCount = 0;
  for (const attr of attrs.children ?? []) {
    const [type, values, ...extra] = expectConstructed(attr, 0x30, "a request attribute");
    if (!values || values.tag !== 0x31 || extra.length) throw new CsrError("parse_error", "a request attribute must be a type and a SET of values");
    if (readOid(buf, type, "an attribute type") !== EXTENSION_REQUEST) continue;
    if (++extRequests > 1) throw new CsrError("parse_error", "more than one extensionRequest attribute");
    const [exts, ...more] = values.children ?? [];
    if (!exts || more.length) throw new CsrError("parse_error", "extensionRequest must hold exactly one Extensions value");
    for (const ext of expectConstructed(exts, 0x30, "the requested Extensions")) {
      const parts = expectConstructed(ext, 0x30, "a requested extension");
      const id = readOid(buf, parts[0], "an extension id");
      const valueTlv = parts[parts.length - 1];
      if (parts.length < 2 || parts.length > 3 || !valueTlv || valueTlv.tag !== 0x04) throw new CsrError("parse_error", "a malformed requested extension");
      if (parts.length === 3 && parts[1]?.tag !== 0x01) throw new CsrError("parse_error", "a requested extension's critical flag is not a BOOLEAN");
      if (id !== SAN) continue;
      if (++sanCount > 1) throw new CsrError("parse_error", "two subjectAltName extensions in one request");
      sans = readGeneralNames(contents(buf, valueTlv));
    }
  }
  return sans;
}

function readGeneralNames(der: Uint8Array): RequestedName[] {
  const seq = readDer(der);
  if (seq.end !== der.length) throw new CsrError("parse_error", "trailing bytes inside the subjectAltName extension");
  const names = expectConstructed(seq, 0x30, "subjectAltName");
  if (names.length === 0) throw new CsrError("parse_error", "an empty subjectAltName extension");
  return names.map((n) => {
    if ((n.tag & 0xc0) !== 0x80) throw new CsrError("parse_error", "a subjectAltName entry is not a GeneralName");
    return { kind: n.tag & 0x1f, value: contents(der, n) };
  });
}
