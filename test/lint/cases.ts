/** One hand-made bad CSR per CSR rule: the rule it must trip, and the profile to lint it with. */
import { generateKeyPairSync } from "node:crypto";
import { OID } from "../../src/crypto/algorithms.js";
import { NULL, TRUE, bitString, ia5String, octetString, oid, sequence, set, smallInteger, tlv, utf8String } from "../../src/internal/der.js";
import type { ProfileName } from "../../src/lint/index.js";
import * as B from "../helpers/csr-builder.js";
import { ecSpki, pem, request, rsa, sm2 } from "./helpers.js";

export interface Case {
  rule: string;
  input: string | Uint8Array;
  profile?: ProfileName;
  note: string;
}

const rsaJwk = rsa.publicKey.export({ format: "jwk" });
const unsigned = (b64u: string): Uint8Array => {
  const b = new Uint8Array(Buffer.from(b64u, "base64url"));
  return (b[0] as number) & 0x80 ? Uint8Array.from([0, ...b]) : b;
};
const realN = unsigned(rsaJwk.n as string);
const realE = unsigned(rsaJwk.e as string);
const rsaSpkiWith = (n: Uint8Array, e: Uint8Array, params: Uint8Array | null = NULL): Uint8Array =>
  sequence(params ? sequence(oid(OID.rsaEncryption), params) : sequence(oid(OID.rsaEncryption)), bitString(sequence(tlv(0x02, n), tlv(0x02, e))));
const ecSpkiWith = (params: Uint8Array, point: Uint8Array): Uint8Array => sequence(sequence(oid(OID.ecPublicKey), params), bitString(point));
const P256 = oid("1.2.840.10045.3.1.7");
const ecPoint = ecSpki.subarray(ecSpki.length - 65);
const sm2Point = sm2.spki.subarray(sm2.spki.length - 65);
const flipped = (point: Uint8Array): Uint8Array => {
  const p = Uint8Array.from(point);
  p[64] = (p[64] as number) ^ 1;
  return p;
};
const spki = (k: ReturnType<typeof generateKeyPairSync>["publicKey"]) => new Uint8Array(k.export({ format: "der", type: "spki" }));

export const good = request();
export const goodPem = pem(good);

/** `der` with its outer length re-encoded with a needless extra octet (BER, not DER). */
export function nonMinimalOuter(der: Uint8Array): Uint8Array {
  const first = der[1] as number;
  const n = first < 0x80 ? 0 : first & 0x7f;
  const lenBytes = n === 0 ? [first] : Array.from(der.subarray(2, 2 + n));
  return Uint8Array.from([0x30, 0x80 | (lenBytes.length + 1), 0, ...lenBytes, ...der.subarray(2 + n)]);
}

const ext = (id: string, value: Uint8Array, critical = false) => (critical ? sequence(oid(id), TRUE, octetString(value)) : sequence(oid(id), octetString(value)));

export const CASES: Case[] = [
  { rule: "csr.input.too_large", input: "x".repeat(70_000), note: "70,000 bytes" },
  { rule: "csr.input.pem", input: "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", note: "a certificate's label" },
  { rule: "csr.input.trailing_data", input: goodPem + goodPem, note: "two PEM blocks" },
  { rule: "csr.input.trailing_data", input: Uint8Array.from([...good, 0, 0]), note: "bytes after the DER" },
  { rule: "csr.der.malformed", input: good.subarray(0, 60), note: "truncated" },
  { rule: "csr.der.strict", input: nonMinimalOuter(good), note: "non-minimal outer length" },
  { rule: "csr.structure.malformed", input: request({ extra: NULL }), note: "a fourth field" },
  { rule: "csr.version", input: request({ version: smallInteger(1) }), note: "version 1" },
  { rule: "csr.attributes.missing", input: request({ attributes: null }), note: "no [0] attributes" },
  { rule: "csr.attributes.malformed", input: request({ attributes: B.attributes(B.sanExtension(B.dns("a.example.com")), B.sanExtension(B.dns("b.example.com"))) }), note: "two SAN extensions" },
  { rule: "csr.subject.malformed", input: request({ subject: sequence(set()) }), note: "an empty RDN" },
  { rule: "csr.key.malformed", input: request({ spki: sequence(sequence(oid(OID.rsaEncryption), NULL), bitString(Uint8Array.of(1, 2, 3))), signer: "none" }), note: "RSAPublicKey garbage" },
  {
    rule: "csr.attributes.ignored_extension",
    input: request({ attributes: B.attributes(B.sanExtension(B.dns("www.example.com")), ext("2.5.29.19", sequence(TRUE), true)) }),
    note: "asks for CA:TRUE",
  },
  { rule: "csr.key.algorithm", input: request({ spki: spki(generateKeyPairSync("ed25519").publicKey), signer: "none" }), note: "Ed25519" },
  { rule: "csr.key.rsa_params", input: request({ spki: rsaSpkiWith(realN, realE, oid("1.2.3.4")), signer: "none" }), note: "RSA parameters an OID" },
  { rule: "csr.key.rsa_not_positive", input: request({ spki: rsaSpkiWith(Uint8Array.from([0x80, ...realN.subarray(1)]), realE), signer: "none" }), note: "negative modulus" },
  { rule: "csr.key.rsa_too_small", input: request({ spki: spki(generateKeyPairSync("rsa", { modulusLength: 1024 }).publicKey), signer: "none" }), note: "RSA-1024" },
  { rule: "csr.key.rsa_exponent_even", input: request({ spki: rsaSpkiWith(realN, Uint8Array.of(1, 0, 0)), signer: "none" }), note: "e = 65536" },
  { rule: "csr.key.rsa_exponent_too_small", input: request({ spki: rsaSpkiWith(realN, Uint8Array.of(1)), signer: "none" }), note: "e = 1" },
  { rule: "csr.key.ec_curve_params", input: request({ spki: ecSpkiWith(sequence(smallInteger(1)), ecPoint), signer: "none" }), note: "explicit parameters" },
  { rule: "csr.key.ec_curve", input: request({ spki: spki(generateKeyPairSync("ec", { namedCurve: "secp256k1" }).publicKey), signer: "none" }), note: "secp256k1" },
  { rule: "csr.key.sm2_not_public", input: request({ signer: "sm2" }), profile: "cabf-br", note: "SM2 under the BRs" },
  { rule: "csr.key.ec_point_compressed", input: request({ spki: ecSpkiWith(P256, Uint8Array.from([0x02, ...ecPoint.subarray(1, 33)])), signer: "none" }), note: "compressed point" },
  { rule: "csr.key.ec_point_length", input: request({ spki: ecSpkiWith(P256, ecPoint.subarray(0, 64)), signer: "none" }), note: "64-byte point" },
  { rule: "csr.key.ec_point_off_curve", input: request({ spki: ecSpkiWith(P256, flipped(ecPoint)) }), note: "P-256 point off the curve" },
  { rule: "csr.sm2.signature_algorithm", input: request({ spki: sm2.spki, signer: "none" }), note: "SM2 key, ECDSA signature" },
  { rule: "csr.sm2.signature_params", input: request({ signer: "sm2", algId: sequence(oid("1.2.156.10197.1.501"), NULL) }), note: "SM3withSM2 with NULL parameters" },
  { rule: "csr.sm2.point_off_curve", input: request({ spki: ecSpkiWith(oid(OID.sm2Curve), flipped(sm2Point)), signer: "sm2" }), note: "SM2 point off the curve" },
  { rule: "csr.signature.sha1", input: request({ algId: sequence(oid("1.2.840.10045.4.1")) }), note: "ecdsa-with-SHA1" },
  { rule: "csr.signature.weak_hash", input: request({ signer: "rsa", algId: sequence(oid("1.2.840.113549.1.1.4"), NULL) }), note: "md5WithRSAEncryption" },
  { rule: "csr.signature.rsa_pss", input: request({ signer: "rsa", algId: sequence(oid("1.2.840.113549.1.1.10"), sequence()) }), note: "RSASSA-PSS" },
  { rule: "csr.signature.unsupported", input: request({ algId: sequence(oid("1.2.3.4")) }), note: "an unknown OID" },
  { rule: "csr.signature.params", input: request({ algId: sequence(oid("1.2.840.10045.4.3.2"), NULL) }), note: "ECDSA with NULL parameters" },
  { rule: "csr.signature.key_mismatch", input: request({ algId: sequence(oid("1.2.840.113549.1.1.11"), NULL) }), note: "EC key, RSA algorithm" },
  { rule: "csr.signature.verify", input: request({ signature: request({ subject: B.name(B.cn("other.example.com")) }).subarray(-72) }), note: "someone else's signature" },
  { rule: "csr.subject.cn_multiple", input: request({ subject: B.name(B.cn("a.example.com"), B.cn("b.example.com")) }), note: "two CNs" },
  { rule: "csr.subject.cn_type", input: request({ subject: B.name(B.cn("www.example.com", ia5String)) }), note: "IA5String CN" },
  { rule: "csr.subject.cn_length", input: request({ subject: B.name(B.cn(`${"a".repeat(61)}.com`)) }), note: "65-character CN" },
  { rule: "csr.subject.country", input: request({ subject: B.name(B.country("USA"), B.cn("www.example.com")) }), note: "three-letter country" },
  { rule: "csr.subject.forbidden_character", input: request({ subject: B.name(B.rdn(B.attr("2.5.4.10", utf8String("evil\u202etxt"))), B.cn("www.example.com")) }), note: "bidi control in O" },
  { rule: "csr.name.missing", input: request({ subject: B.name(B.country("CN")), attributes: B.attributes() }), note: "no CN, no SAN" },
  { rule: "csr.name.cn_syntax", input: request({ subject: B.name(B.cn("Payments API")) }), note: "CN not a host name" },
  { rule: "csr.san.dns_syntax", input: request({ attributes: B.attributes(B.sanExtension(B.dns("bad_name.example.com"))) }), note: "underscore" },
  { rule: "csr.san.ip_length", input: request({ attributes: B.attributes(B.sanExtension(B.ip([1, 2, 3]))) }), note: "3-byte IP" },
  { rule: "csr.san.type", input: request({ attributes: B.attributes(B.sanExtension(B.email("a@example.com"))) }), note: "e-mail SAN" },
  {
    rule: "csr.name.internal_domain",
    input: request({ subject: B.name(B.cn("app.internal")), attributes: B.attributes(B.sanExtension(B.dns("app.internal"))) }),
    profile: "cabf-br",
    note: ".internal",
  },
  { rule: "csr.name.reserved_ip", input: good, profile: "cabf-br", note: "10.0.0.1" },
  { rule: "csr.name.cn_not_in_san", input: request({ attributes: B.attributes(B.sanExtension(B.dns("other.example.com"))) }), profile: "cabf-br", note: "CN not among the SANs" },
  { rule: "csr.cas.order_key", input: request({ signer: "sm2" }), note: "SM2 for an order" },
  { rule: "csr.cas.order_names", input: good, note: "an IP SAN for an order" },
];
