/**
 * X.509 v3 extension encoders (RFC 5280 §4.2), writing finished DER with the internal writer so the
 * issuing hot path can pre-encode whatever is constant per issuer and profile.
 */
import { bitString, implicitPrimitive, octetString, oid, sequence, smallInteger, tlv, TRUE } from "../internal/der.js";
import { keyIdOfSpki } from "./leaf-writer.js";

export const EXT = {
  subjectKeyIdentifier: "2.5.29.14",
  keyUsage: "2.5.29.15",
  subjectAltName: "2.5.29.17",
  basicConstraints: "2.5.29.19",
  crlDistributionPoints: "2.5.29.31",
  authorityKeyIdentifier: "2.5.29.35",
  extKeyUsage: "2.5.29.37",
  authorityInfoAccess: "1.3.6.1.5.5.7.1.1",
} as const;

/** CAS ExtendedKeyUsages names (docs/cas-api.md) → OIDs (RFC 5280 §4.2.1.12). */
export const EKU_OIDS: Readonly<Record<string, string>> = {
  any: "2.5.29.37.0",
  serverAuth: "1.3.6.1.5.5.7.3.1",
  clientAuth: "1.3.6.1.5.5.7.3.2",
  codeSigning: "1.3.6.1.5.5.7.3.3",
  emailProtection: "1.3.6.1.5.5.7.3.4",
  timeStamping: "1.3.6.1.5.5.7.3.8",
  OCSPSigning: "1.3.6.1.5.5.7.3.9",
};

/** Extension ::= SEQUENCE { extnID, critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING }. */
export function extension(id: string, critical: boolean, value: Uint8Array): Uint8Array {
  return critical ? sequence(oid(id), TRUE, octetString(value)) : sequence(oid(id), octetString(value));
}

/** basicConstraints (critical, RFC 5280 §4.2.1.9). A leaf's is the empty SEQUENCE (cA DEFAULT FALSE). */
export function basicConstraints(bc: { ca: false } | { ca: true; pathLen?: number }): Uint8Array {
  const body = bc.ca ? (bc.pathLen === undefined ? sequence(TRUE) : sequence(TRUE, smallInteger(bc.pathLen))) : sequence();
  return extension(EXT.basicConstraints, true, body);
}

export type KeyUsageBit = "digitalSignature" | "nonRepudiation" | "keyEncipherment" | "dataEncipherment" | "keyAgreement" | "keyCertSign" | "cRLSign";
const KU_BIT: Record<KeyUsageBit, number> = {
  digitalSignature: 0,
  nonRepudiation: 1,
  keyEncipherment: 2,
  dataEncipherment: 3,
  keyAgreement: 4,
  keyCertSign: 5,
  cRLSign: 6,
};

/** keyUsage (critical): a DER named BIT STRING, trailing zero bits dropped (X.690 §11.2.2). */
export function keyUsage(bits: KeyUsageBit[]): Uint8Array {
  let v = 0;
  for (const b of bits) v |= 0x80 >> KU_BIT[b];
  let unused = 0;
  while (unused < 8 && !(v & (1 << unused))) unused++;
  return extension(EXT.keyUsage, true, bitString(Uint8Array.of(v), unused));
}

export function extKeyUsage(oids: string[]): Uint8Array {
  return extension(EXT.extKeyUsage, false, sequence(...oids.map(oid)));
}

/**
 * RFC 5280 §4.2.1.2 method (1): "the 160-bit SHA-1 hash of the value of the BIT STRING
 * subjectPublicKey (excluding the tag, length, and number of unused bits)".
 * @example
 * const ski = keyIdentifier(keyPair.spki); // 20 octets
 */
export const keyIdentifier = (spki: Uint8Array): Uint8Array => keyIdOfSpki(spki);

export const subjectKeyIdentifier = (keyId: Uint8Array): Uint8Array => extension(EXT.subjectKeyIdentifier, false, octetString(keyId));
/** AuthorityKeyIdentifier with keyIdentifier only ([0] IMPLICIT). */
export const authorityKeyIdentifier = (keyId: Uint8Array): Uint8Array => extension(EXT.authorityKeyIdentifier, false, sequence(implicitPrimitive(0, keyId)));

/** A GeneralName for a SAN: [1] rfc822Name, [2] dNSName, [6] URI (IA5String contents), [7] iPAddress (octets). */
export function generalName(entry: { type: "dns" | "email" | "uri"; value: string } | { type: "ip"; bytes: Uint8Array }): Uint8Array {
  if (entry.type === "ip") return implicitPrimitive(7, entry.bytes);
  return implicitPrimitive(GENERAL_NAME_TAG[entry.type], ascii.encode(entry.value));
}

const GENERAL_NAME_TAG = { email: 1, dns: 2, uri: 6 } as const;
const ascii = new TextEncoder();

/** subjectAltName; critical only when the subject is empty (RFC 5280 §4.2.1.6). */
export function subjectAltName(names: Uint8Array[], critical: boolean): Uint8Array {
  return extension(EXT.subjectAltName, critical, sequence(...names));
}

/** cRLDistributionPoints with one fullName URI (RFC 5280 §4.2.1.13). */
export function crlDistributionPoint(url: string): Uint8Array {
  const uri = implicitPrimitive(6, new TextEncoder().encode(url));
  return extension(EXT.crlDistributionPoints, false, sequence(sequence(tlv(0xa0, tlv(0xa0, uri)))));
}

/** authorityInfoAccess with one caIssuers URI (RFC 5280 §4.2.2.1). */
export function authorityInfoAccess(caIssuersUrl: string): Uint8Array {
  return authorityInfoAccessOf({ caIssuers: caIssuersUrl });
}

/**
 * authorityInfoAccess with an OCSP URI and/or a caIssuers URI (RFC 5280 §4.2.2.1), OCSP first (as
 * public CAs write it); with caIssuers alone, the same bytes as {@link authorityInfoAccess}.
 */
export function authorityInfoAccessOf(urls: { ocsp?: string; caIssuers?: string }): Uint8Array {
  const uri = (u: string) => implicitPrimitive(6, new TextEncoder().encode(u));
  const ads: Uint8Array[] = [];
  if (urls.ocsp) ads.push(sequence(oid("1.3.6.1.5.5.7.48.1"), uri(urls.ocsp)));
  if (urls.caIssuers) ads.push(sequence(oid("1.3.6.1.5.5.7.48.2"), uri(urls.caIssuers)));
  if (!ads.length) throw new TypeError("authorityInfoAccess needs a URL");
  return extension(EXT.authorityInfoAccess, false, sequence(...ads));
}

/** `[3] EXPLICIT Extensions` from already-encoded extensions. */
export function extensionsField(exts: Uint8Array[]): Uint8Array {
  return tlv(0xa3, sequence(...exts));
}
