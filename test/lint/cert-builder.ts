/**
 * Deliberately bad certificates and CRLs for the certificate and CRL rule tests: a TBS assembled from
 * DER parts, every field replaceable, signed with a real key (so only the fault under test shows).
 */
import { type KeyObject, generateKeyPairSync, sign } from "node:crypto";
import { keyIdentifier } from "../../src/issue/extensions.js";
import { NULL, TRUE, bitString, concat, implicitPrimitive, octetString, oid, printableString, sequence, set, smallInteger, tlv, utf8String } from "../../src/internal/der.js";
import { toPem } from "../../src/internal/pem.js";

export const ecKey = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
export const caKey = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
export const rsaKey = generateKeyPairSync("rsa", { modulusLength: 2048 });
export const spkiOf = (k: KeyObject): Uint8Array => new Uint8Array(k.export({ format: "der", type: "spki" }));

export const ECDSA_SHA256 = sequence(oid("1.2.840.10045.4.3.2"));
export const RSA_SHA256 = sequence(oid("1.2.840.113549.1.1.11"), NULL);
const ascii = new TextEncoder();

export const utc = (s: string): Uint8Array => tlv(0x17, ascii.encode(s));
export const gen = (s: string): Uint8Array => tlv(0x18, ascii.encode(s));
export const ia5 = (s: string): Uint8Array => tlv(0x16, ascii.encode(s));
export const int = (bytes: number[]): Uint8Array => tlv(0x02, Uint8Array.from(bytes));

/** A Name from [oid, value-TLV] pairs, one attribute per RDN. */
export const name = (...attrs: Array<[string, Uint8Array]>): Uint8Array => sequence(...attrs.map(([o, v]) => set(sequence(oid(o), v))));
export const cn = (s: string): [string, Uint8Array] => ["2.5.4.3", utf8String(s)];
export const c = (s: string): [string, Uint8Array] => ["2.5.4.6", printableString(s)];
export const o = (s: string): [string, Uint8Array] => ["2.5.4.10", utf8String(s)];

export const ext = (id: string, value: Uint8Array, critical = false): Uint8Array => (critical ? sequence(oid(id), TRUE, octetString(value)) : sequence(oid(id), octetString(value)));
export const dns = (s: string): Uint8Array => implicitPrimitive(2, ascii.encode(s));
export const ipName = (b: number[]): Uint8Array => implicitPrimitive(7, Uint8Array.from(b));
export const uri = (s: string): Uint8Array => implicitPrimitive(6, ascii.encode(s));
export const email = (s: string): Uint8Array => implicitPrimitive(1, ascii.encode(s));
export const san = (...names: Uint8Array[]): Uint8Array => ext("2.5.29.17", sequence(...names));
/** keyUsage from bit numbers (0 = digitalSignature … 6 = cRLSign), DER-minimal. */
export function ku(bits: number[], critical = true): Uint8Array {
  let v = 0;
  for (const b of bits) v |= 0x8000 >> b;
  const bytes = v & 0xff ? [v >> 8, v & 0xff] : [v >> 8];
  const last = bytes[bytes.length - 1] as number;
  let unused = 0;
  while (unused < 8 && last && !(last & (1 << unused))) unused++;
  return ext("2.5.29.15", bitString(Uint8Array.from(bytes), last ? unused : 0), critical);
}
export const eku = (...oids: string[]): Uint8Array => ext("2.5.29.37", sequence(...oids.map(oid)));
export const bcLeaf = ext("2.5.29.19", sequence(), true);
export const bcCa = (pathLen?: number): Uint8Array => ext("2.5.29.19", pathLen === undefined ? sequence(TRUE) : sequence(TRUE, smallInteger(pathLen)), true);
/** RFC 5280 §4.2.1.2 method 1, as caskit computes it. */
export const keyId = (spki: Uint8Array): Uint8Array => keyIdentifier(spki);
export const ski = (id: Uint8Array): Uint8Array => ext("2.5.29.14", octetString(id));
export const aki = (id: Uint8Array): Uint8Array => ext("2.5.29.35", sequence(implicitPrimitive(0, id)));

export const SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
export const CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";

export interface CertParts {
  version?: Uint8Array | null;
  serial?: Uint8Array;
  sigAlg?: Uint8Array;
  outerSigAlg?: Uint8Array;
  issuer?: Uint8Array;
  validity?: Uint8Array;
  subject?: Uint8Array;
  spki?: Uint8Array;
  extensions?: Uint8Array[] | null;
  /** Raw bytes inserted after the SPKI (unique identifiers). */
  afterSpki?: Uint8Array;
  signWith?: KeyObject;
  hash?: string;
}

const V3 = tlv(0xa0, smallInteger(2));
export const CA_NAME = name(c("CN"), o("Example"), cn("Test Issuing CA"));
export const caSpki = spkiOf(caKey.publicKey);
export const leafSpki = spkiOf(ecKey.publicKey);
const CA_ID = keyId(caSpki);

export function signed(tbs: Uint8Array, outer: Uint8Array, key: KeyObject, hash = "sha256"): Uint8Array {
  const sig = new Uint8Array(sign(hash, tbs, key.asymmetricKeyType === "ec" ? { key, dsaEncoding: "der" } : key));
  return sequence(tbs, outer, bitString(sig));
}

/** The issuing CA (self-signed, P-256) the leaves below chain to. */
export const caDer = signed(
  sequence(V3, int([0x4a, 1, 2, 3, 4, 5, 6, 7, 8, 9]), ECDSA_SHA256, CA_NAME, sequence(utc("260101000000Z"), utc("360101000000Z")), CA_NAME, caSpki, tlv(0xa3, sequence(bcCa(0), ku([0, 5, 6]), ski(CA_ID), aki(CA_ID)))),
  ECDSA_SHA256,
  caKey.privateKey,
);
export const caPem = toPem("CERTIFICATE", caDer);

/** A clean server certificate (under `private`), every part replaceable. */
export function leaf(p: CertParts = {}): Uint8Array {
  const extensions = p.extensions === undefined ? [bcLeaf, ku([0]), eku(SERVER_AUTH), ski(keyId(p.spki ?? leafSpki)), aki(CA_ID), san(dns("www.example.internal"))] : p.extensions;
  const parts = [
    ...(p.version === null ? [] : [p.version ?? V3]),
    p.serial ?? int([0x5b, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]),
    p.sigAlg ?? ECDSA_SHA256,
    p.issuer ?? CA_NAME,
    p.validity ?? sequence(utc("260601000000Z"), utc("260830000000Z")),
    p.subject ?? name(c("CN"), cn("www.example.internal")),
    p.spki ?? leafSpki,
    ...(p.afterSpki ? [p.afterSpki] : []),
    ...(extensions === null ? [] : [tlv(0xa3, sequence(...extensions))]),
  ];
  return signed(sequence(...parts), p.outerSigAlg ?? p.sigAlg ?? ECDSA_SHA256, p.signWith ?? caKey.privateKey, p.hash);
}
export const std = {
  bc: bcLeaf,
  ku: ku([0]),
  eku: eku(SERVER_AUTH),
  ski: ski(keyId(leafSpki)),
  aki: aki(CA_ID),
  san: san(dns("www.example.internal")),
};
/** The standard extensions with some replaced or dropped (by key of `std`). */
export function exts(replace: Partial<Record<keyof typeof std, Uint8Array | null>>, ...extra: Uint8Array[]): Uint8Array[] {
  return [...(Object.keys(std) as Array<keyof typeof std>).map((k) => (k in replace ? replace[k] : std[k])).filter((x): x is Uint8Array => x != null), ...extra];
}

// ---------------------------------------------------------------------------------------------- CRLs

export interface CrlParts {
  version?: Uint8Array | null;
  sigAlg?: Uint8Array;
  outerSigAlg?: Uint8Array;
  issuer?: Uint8Array;
  thisUpdate?: Uint8Array;
  nextUpdate?: Uint8Array | null;
  /** revokedCertificates entries (each a SEQUENCE), or null to omit the field; [] writes an empty SEQUENCE. */
  entries?: Uint8Array[] | null;
  extensions?: Uint8Array[] | null;
}
export const crlNumber = (n: number[], critical = false): Uint8Array => ext("2.5.29.20", int(n), critical);
export const crlAki = aki(CA_ID);
export const reason = (code: number, critical = false): Uint8Array => ext("2.5.29.21", tlv(0x0a, Uint8Array.of(code)), critical);
export const entry = (serial: number[], at = "260520000000Z", ...entryExts: Uint8Array[]): Uint8Array => sequence(int(serial), utc(at), ...(entryExts.length ? [sequence(...entryExts)] : []));

export function crl(p: CrlParts = {}): Uint8Array {
  const entries = p.entries === undefined ? [entry([0x11]), entry([0x22], "260521000000Z", reason(1))] : p.entries;
  const extensions = p.extensions === undefined ? [crlAki, crlNumber([7])] : p.extensions;
  const tbs = sequence(
    ...(p.version === null ? [] : [p.version ?? smallInteger(1)]),
    p.sigAlg ?? ECDSA_SHA256,
    p.issuer ?? CA_NAME,
    p.thisUpdate ?? utc("260601000000Z"),
    ...(p.nextUpdate === null ? [] : [p.nextUpdate ?? utc("260608000000Z")]),
    ...(entries === null ? [] : [sequence(...entries)]),
    ...(extensions === null ? [] : [tlv(0xa0, sequence(...extensions))]),
  );
  return signed(tbs, p.outerSigAlg ?? p.sigAlg ?? ECDSA_SHA256, caKey.privateKey);
}
export { concat };
