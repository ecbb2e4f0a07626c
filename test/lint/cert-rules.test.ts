/**
 * Certificate rules, one deliberately bad certificate each: it must raise its rule — and nothing else
 * beyond notices (the clean baseline raises nothing at all). Families: encoding, signatures, keys,
 * validity, names, SAN, extensions. Built by ./cert-builder.ts, signed by a real CA key.
 */
import { generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { NULL, TRUE, bitString, octetString, oid, printableString, sequence, smallInteger, tlv, utf8String } from "../../src/internal/der.js";
import { type ProfileName, lintCertificate, ruleById } from "../../src/lint/index.js";
import * as B from "./cert-builder.js";

const NOW = new Date("2026-07-01T00:00:00Z");
/** Rule ids of the errors and warnings, sorted and unique. */
function found(der: Uint8Array, profile: ProfileName = "private", issuer: string | null = B.caPem): string[] {
  const r = lintCertificate(der, { profile, issuer: issuer ?? undefined, now: NOW });
  return [...new Set(r.findings.filter((f) => f.severity !== "notice").map((f) => f.rule))].sort();
}

const rsa1024 = generateKeyPairSync("rsa", { modulusLength: 1024 });
const rsa3 = generateKeyPairSync("rsa", { modulusLength: 2048, publicExponent: 3 });
const sm2Spki = (() => {
  // An SM2 key: id-ecPublicKey with the SM2 curve (GM/T 0015), point from Node's SM2 support.
  const k = generateKeyPairSync("ec", { namedCurve: "SM2" });
  return B.spkiOf(k.publicKey);
})();

describe("certificate rules: the clean baseline", () => {
  it.each(["private", "cas", "rfc5280"] as const)("raises nothing under %s", (p: ProfileName) => {
    expect(found(B.leaf(), p)).toEqual([]);
    expect(found(B.caDer, p, null)).toEqual([]);
  });
});

type Case = [string, () => Uint8Array, string[], ProfileName?];
const offCurve = (() => {
  const s = B.leafSpki.slice();
  s[s.length - 1] = (s[s.length - 1] as number) ^ 1;
  return s;
})();
const CASES: Case[] = [
  // encoding
  ["v1 certificate with extensions", () => B.leaf({ version: null }), ["cert.version.extensions_not_v3", "cert.version.not_v3"]],
  ["negative serial", () => B.leaf({ serial: B.int([0x80, 1, 2, 3, 4, 5, 6, 7, 8]) }), ["cert.serial.not_positive"]],
  ["zero serial", () => B.leaf({ serial: B.int([0]) }), ["cert.serial.low_entropy", "cert.serial.not_positive"]],
  ["21-octet serial", () => B.leaf({ serial: B.int([0x40, ...Array(20).fill(1)]) }), ["cert.serial.too_long"]],
  ["short serial", () => B.leaf({ serial: B.int([0x01, 0x02]) }), ["cert.serial.low_entropy"]],
  ["non-minimal serial", () => B.leaf({ serial: B.int([0, 0x11, 1, 2, 3, 4, 5, 6, 7]) }), ["cert.serial.not_minimal"]],
  ["unique identifier", () => B.leaf({ afterSpki: tlv(0x82, Uint8Array.of(0, 1)) }), ["cert.unique_id.present"]],
  ["duplicate extension", () => B.leaf({ extensions: B.exts({}, B.san(B.dns("x.example.internal"))) }), ["cert.extension.duplicate"]],
  ["critical FALSE encoded", () => B.leaf({ extensions: B.exts({ ski: sequence(oid("2.5.29.14"), tlv(0x01, Uint8Array.of(0)), octetString(octetString(B.keyId(B.leafSpki)))) }) }), ["cert.extension.critical_false_encoded"]],
  ["empty EKU sequence", () => B.leaf({ extensions: B.exts({ eku: B.ext("2.5.29.37", sequence()) }) }), ["cert.extension.empty_sequence"]],
  ["unknown critical extension", () => B.leaf({ extensions: B.exts({}, B.ext("1.3.6.1.4.1.99999.1", NULL, true)) }), ["cert.extension.unknown_critical"]],
  ["extension value with trailing bytes", () => B.leaf({ extensions: B.exts({ ski: sequence(oid("2.5.29.14"), octetString(Uint8Array.of(4, 1, 9, 0))) }) }), ["cert.extension.malformed"]],
  // signatures
  ["outer algorithm differs", () => B.leaf({ outerSigAlg: sequence(oid("1.2.840.10045.4.3.3")) }), ["cert.signature.algorithm_mismatch", "cert.signature.invalid"]],
  ["ECDSA with NULL parameters", () => B.leaf({ sigAlg: sequence(oid("1.2.840.10045.4.3.2"), NULL) }), ["cert.signature.outer_params", "cert.signature.params_present"]],
  ["ECDSA-SHA1", () => B.leaf({ sigAlg: sequence(oid("1.2.840.10045.4.1")), hash: "sha1" }), ["cert.signature.sha1", "cert.signature.unknown_algorithm"]],
  ["RSA algorithm by an EC issuer", () => B.leaf({ sigAlg: B.RSA_SHA256 }), ["cert.signature.family_mismatch"]],
  ["signed by another key", () => B.leaf({ signWith: B.ecKey.privateKey }), ["cert.signature.invalid"]],
  ["issuer name differs", () => B.leaf({ issuer: B.name(B.cn("Someone Else")) }), ["cert.signature.issuer_name_mismatch"]],
  ["SM2 key OID as signature algorithm", () => B.leaf({ sigAlg: sequence(oid("1.2.156.10197.1.301.1")) }), ["cert.signature.sm2_oid", "cert.signature.unknown_algorithm"]],
  // keys
  ["RSA 1024", () => B.leaf({ spki: B.spkiOf(rsa1024.publicKey), extensions: B.exts({ ski: B.ski(B.keyId(B.spkiOf(rsa1024.publicKey))) }) }), ["cert.ca.key_family_mismatch", "cert.key.rsa_too_small"]],
  ["RSA exponent 3", () => B.leaf({ spki: B.spkiOf(rsa3.publicKey), extensions: B.exts({ ski: B.ski(B.keyId(B.spkiOf(rsa3.publicKey))) }) }), ["cert.ca.key_family_mismatch", "cert.key.rsa_exponent_range"]],
  ["RSA key without NULL parameters", () => {
    const s = B.spkiOf(B.rsaKey.publicKey);
    const bits = s.subarray(4 + 15); // after the SEQUENCE header and AlgorithmIdentifier { rsaEncryption, NULL }
    const spki = sequence(sequence(oid("1.2.840.113549.1.1.1")), bits);
    return B.leaf({ spki, extensions: B.exts({ ski: B.ski(B.keyId(spki)) }) });
  }, ["cert.ca.key_family_mismatch", "cert.key.rsa_params_not_null"]],
  ["EC point not on the curve", () => B.leaf({ spki: offCurve, extensions: B.exts({ ski: B.ski(B.keyId(offCurve)) }) }), ["cert.key.ec_point_invalid"]],
  ["secp256k1 key", () => {
    const spki = B.spkiOf(generateKeyPairSync("ec", { namedCurve: "secp256k1" }).publicKey);
    return B.leaf({ spki, extensions: B.exts({ ski: B.ski(B.keyId(spki)) }) });
  }, ["cert.key.curve_unsupported"]],
  ["Ed25519 key", () => {
    const spki = B.spkiOf(generateKeyPairSync("ed25519").publicKey);
    return B.leaf({ spki, extensions: B.exts({ ski: B.ski(B.keyId(spki)) }) });
  }, ["cert.key.unsupported_algorithm"]],
  ["ECDSA key with keyEncipherment", () => B.leaf({ extensions: B.exts({ ku: B.ku([0, 2]) }) }), ["cert.key.ecdsa_encipherment"]],
  ["RSA leaf with keyAgreement", () => {
    const spki = B.spkiOf(B.rsaKey.publicKey);
    return B.leaf({ spki, extensions: B.exts({ ku: B.ku([0, 4]), ski: B.ski(B.keyId(spki)) }) });
  }, ["cert.ca.key_family_mismatch", "cert.key.rsa_ku_ee"]],
  ["SM2 key signing and enciphering", () => B.leaf({ spki: sm2Spki, extensions: B.exts({ ku: B.ku([0, 2]), ski: B.ski(B.keyId(sm2Spki)) }) }), ["cert.ca.key_family_mismatch", "cert.key.sm2_ku"]],
  // validity
  ["UTCTime without seconds", () => B.leaf({ validity: sequence(B.utc("2606010000Z"), B.utc("260830000000Z")) }), ["cert.validity.utc_no_seconds"]],
  ["UTCTime with an offset", () => B.leaf({ validity: sequence(B.utc("260601000000+0800"), B.utc("260830000000Z")) }), ["cert.validity.utc_not_zulu"]],
  ["GeneralizedTime before 2050", () => B.leaf({ validity: sequence(B.gen("20260601000000Z"), B.utc("260830000000Z")) }), ["cert.validity.wrong_time_type"]],
  ["GeneralizedTime with a fraction", () => B.leaf({ validity: sequence(B.utc("260601000000Z"), B.gen("20500101000000.5Z")) }), ["cert.validity.generalized_fraction", "cert.validity.beyond_issuer"]],
  ["notAfter before notBefore", () => B.leaf({ validity: sequence(B.utc("260830000000Z"), B.utc("260601000000Z")) }), ["cert.validity.not_after_before_not_before"]],
  ["outlives its issuer", () => B.leaf({ validity: sequence(B.utc("260601000000Z"), B.utc("400101000000Z")) }), ["cert.validity.beyond_issuer"]],
  ["BR: 398 days is over 200 (issued 2026-06)", () => B.leaf({ validity: sequence(B.utc("260601000000Z"), B.utc("270704000000Z")) }), ["cert.validity.br_199_days", "cert.validity.br_200_days", "cert.validity.br_398_days"], "cabf-br"],
  // names
  ["empty issuer", () => B.leaf({ issuer: sequence() }), ["cert.issuer.empty", "cert.signature.issuer_name_mismatch"]],
  ["country as UTF8String", () => B.leaf({ subject: B.name(["2.5.4.6", utf8String("CN")], B.cn("www.example.internal")) }), ["cert.subject.country_not_printable"]],
  ["country not ISO", () => B.leaf({ subject: B.name(B.c("ZZ"), B.cn("www.example.internal")) }), ["cert.subject.country_not_iso"]],
  ["PrintableString with @", () => B.leaf({ subject: B.name(["2.5.4.3", printableString("a@b.example")]) }), ["cert.subject.cn_not_in_san", "cert.subject.printable_bad_alphabet"]],
  ["CN of 65 characters", () => B.leaf({ subject: B.name(B.cn(`${"a".repeat(53)}.example.com`)) }), ["cert.subject.cn_not_in_san", "cert.subject.common_name_too_long"]],
  ["control character in O", () => B.leaf({ subject: B.name(B.o("Ex\u0001ample"), B.cn("www.example.internal")) }), ["cert.subject.control_characters"]],
  ["BMPString attribute", () => B.leaf({ subject: B.name(["2.5.4.10", tlv(0x1e, Uint8Array.of(0, 0x41))], B.cn("www.example.internal")) }), ["cert.subject.directory_string_type"]],
  ["e-mail in subject only", () => B.leaf({ subject: B.name(B.cn("www.example.internal"), ["1.2.840.113549.1.9.1", B.ia5("a@example.com")]) }), ["cert.subject.email_not_in_san"]],
  ["CN not in the SAN", () => B.leaf({ subject: B.name(B.cn("other.example.internal")) }), ["cert.subject.cn_not_in_san"]],
  ["IPv6 CN not in RFC 5952 text", () => B.leaf({ subject: B.name(B.cn("fd00:0:0::1")), extensions: B.exts({ san: B.san(B.dns("www.example.internal"), B.ipName([0xfd, 0, ...Array(13).fill(0), 1])) }) }), ["cert.subject.cn_not_in_san"]],
  ["IPv6 CN in RFC 5952 text", () => B.leaf({ subject: B.name(B.cn("fd00::1")), extensions: B.exts({ san: B.san(B.dns("www.example.internal"), B.ipName([0xfd, 0, ...Array(13).fill(0), 1])) }) }), []],
  ["two CNs", () => B.leaf({ subject: B.name(B.cn("www.example.internal"), B.cn("www.example.internal")) }), ["cert.subject.multiple_cn"]],
  ["empty subject, SAN not critical", () => B.leaf({ subject: sequence() }), ["cert.san.not_critical_without_subject"]],
  // SAN
  ["server without SAN", () => B.leaf({ extensions: B.exts({ san: null }) }), ["cert.san.missing", "cert.subject.cn_not_in_san"]],
  ["SAN with no entries", () => B.leaf({ extensions: B.exts({ san: B.ext("2.5.29.17", sequence()) }) }), ["cert.extension.empty_sequence", "cert.san.no_entries", "cert.subject.cn_not_in_san"]],
  ["empty dNSName", () => B.leaf({ extensions: B.exts({ san: B.san(B.dns("www.example.internal"), B.dns("")) }) }), ["cert.san.empty_name"]],
  ["IP address as dNSName", () => B.leaf({ extensions: B.exts({ san: B.san(B.dns("www.example.internal"), B.dns("10.0.0.1")) }) }), ["cert.san.ip_in_dns_name"]],
  ["wildcard not left-most", () => B.leaf({ extensions: B.exts({ san: B.san(B.dns("www.example.internal"), B.dns("www.*.example.com")) }) }), ["cert.san.dns_bad_character", "cert.san.wildcard_not_left"]],
  ["partial wildcard", () => B.leaf({ extensions: B.exts({ san: B.san(B.dns("www.example.internal"), B.dns("w*.example.com")) }) }), ["cert.san.dns_bad_character", "cert.san.wildcard_partial"]],
  ["wildcard on a TLD", () => B.leaf({ extensions: B.exts({ san: B.san(B.dns("www.example.internal"), B.dns("*.com")) }) }), ["cert.san.wildcard_on_tld"]],
  ["empty label", () => B.leaf({ extensions: B.exts({ san: B.san(B.dns("www.example.internal"), B.dns("a..example.com")) }) }), ["cert.san.dns_empty_label"]],
  ["label of 64 characters", () => B.leaf({ extensions: B.exts({ san: B.san(B.dns("www.example.internal"), B.dns(`${"a".repeat(64)}.example.com`)) }) }), ["cert.san.dns_label_too_long"]],
  ["hyphen at a label's edge", () => B.leaf({ extensions: B.exts({ san: B.san(B.dns("www.example.internal"), B.dns("-a.example.com")) }) }), ["cert.san.dns_hyphen_label"]],
  ["non-ASCII dNSName", () => B.leaf({ extensions: B.exts({ san: B.san(B.dns("www.example.internal"), tlv(0x82, Uint8Array.of(0xc3, 0xa9, 0x2e, 0x63, 0x6e))) }) }), ["cert.san.dns_not_ia5"]],
  ["bad punycode", () => B.leaf({ extensions: B.exts({ san: B.san(B.dns("www.example.internal"), B.dns("xn--a-ecp.example.com")) }) }), ["cert.san.idn_not_unicode"]],
  ["5-octet iPAddress", () => B.leaf({ extensions: B.exts({ san: B.san(B.dns("www.example.internal"), B.ipName([10, 0, 0, 1, 1])) }) }), ["cert.san.ip_length"]],
  ["relative URI", () => B.leaf({ extensions: B.exts({ san: B.san(B.dns("www.example.internal"), B.uri("/path")) }) }), ["cert.san.uri_format", "cert.san.uri_relative"]],
  ["mailbox with a display name", () => B.leaf({ extensions: B.exts({ san: B.san(B.dns("www.example.internal"), B.email("Alice <alice@example.com>")) }) }), ["cert.san.rfc822_format"]],
  ["SAN critical with a subject", () => B.leaf({ extensions: B.exts({ san: B.ext("2.5.29.17", sequence(B.dns("www.example.internal")), true) }) }), ["cert.san.critical_with_subject"]],
  ["BR: private IP and URI", () => B.leaf({ extensions: B.exts({ san: B.san(B.dns("www.example.internal"), B.ipName([10, 0, 0, 1]), B.uri("https://x.example.com/")) }) }), ["cert.san.br_uri", "cert.san.reserved_ip"], "cabf-br"],
  // extensions
  ["leaf basicConstraints not critical", () => B.leaf({ extensions: B.exts({ bc: B.ext("2.5.29.19", sequence()) }) }), ["cert.bc.leaf_not_critical"]],
  ["cA FALSE encoded", () => B.leaf({ extensions: B.exts({ bc: B.ext("2.5.29.19", sequence(tlv(0x01, Uint8Array.of(0))), true) }) }), ["cert.bc.ca_false_encoded"]],
  ["pathLen on a leaf", () => B.leaf({ extensions: B.exts({ bc: B.ext("2.5.29.19", sequence(smallInteger(0)), true) }) }), ["cert.bc.path_len_without_ca"]],
  ["keyCertSign on a leaf", () => B.leaf({ extensions: B.exts({ ku: B.ku([0, 5]) }) }), ["cert.ku.cert_sign_without_ca", "cert.ku.leaf_cert_sign", "cert.eku.ku_inconsistent"]],
  ["cRLSign on a leaf", () => B.leaf({ extensions: B.exts({ ku: B.ku([0, 6]) }) }), ["cert.eku.ku_inconsistent", "cert.ku.leaf_crl_sign"]],
  ["keyUsage not critical", () => B.leaf({ extensions: B.exts({ ku: B.ku([0], false) }) }), ["cert.ku.not_critical"]],
  ["keyUsage with no bits", () => B.leaf({ extensions: B.exts({ ku: B.ext("2.5.29.15", bitString(Uint8Array.of(0), 7), true) }) }), ["cert.eku.ku_inconsistent", "cert.ku.no_bits", "cert.ku.server_usage", "cert.ku.trailing_zero_byte"]],
  ["keyUsage with a trailing zero octet", () => B.leaf({ extensions: B.exts({ ku: B.ext("2.5.29.15", bitString(Uint8Array.of(0x80, 0), 0), true) }) }), ["cert.ku.too_long", "cert.ku.trailing_zero_byte"]],
  ["keyUsage unused bits wrong", () => B.leaf({ extensions: B.exts({ ku: B.ext("2.5.29.15", bitString(Uint8Array.of(0x80), 0), true) }) }), ["cert.ku.unused_bits"]],
  ["clientAuth with keyEncipherment", () => B.leaf({ extensions: B.exts({ ku: B.ku([0, 2]), eku: B.eku(B.CLIENT_AUTH) }) }), ["cert.eku.ku_inconsistent", "cert.key.ecdsa_encipherment"]],
  ["OCSPSigning on a leaf", () => B.leaf({ extensions: B.exts({ eku: B.eku(B.SERVER_AUTH, "1.3.6.1.5.5.7.3.9") }) }), ["cert.eku.leaf_forbidden", "cert.ocsp.no_check"]],
  ["critical EKU with anyExtendedKeyUsage", () => B.leaf({ extensions: B.exts({ eku: B.ext("2.5.29.37", sequence(oid(B.SERVER_AUTH), oid("2.5.29.37.0")), true) }) }), ["cert.eku.critical_with_any", "cert.eku.leaf_forbidden"]],
  ["no AKI", () => B.leaf({ extensions: B.exts({ aki: null }) }), ["cert.aki.missing"]],
  ["AKI critical", () => B.leaf({ extensions: B.exts({ aki: B.ext("2.5.29.35", sequence(tlv(0x80, B.keyId(B.caSpki))), true) }) }), ["cert.aki.critical"]],
  ["AKI without keyIdentifier", () => B.leaf({ extensions: B.exts({ aki: B.ext("2.5.29.35", sequence(tlv(0x82, Uint8Array.of(1)))) }) }), ["cert.aki.no_key_identifier"]],
  ["AKI not the issuer's SKI", () => B.leaf({ extensions: B.exts({ aki: B.aki(Uint8Array.of(1, 2, 3)) }) }), ["cert.aki.issuer_mismatch"]],
  ["no SKI on a leaf", () => B.leaf({ extensions: B.exts({ ski: null }) }), ["cert.ski.missing_leaf"]],
  ["SKI critical", () => B.leaf({ extensions: B.exts({ ski: B.ext("2.5.29.14", octetString(B.keyId(B.leafSpki)), true) }) }), ["cert.ski.critical"]],
  ["AIA critical, caIssuers not a URL", () => B.leaf({ extensions: B.exts({}, B.ext("1.3.6.1.5.5.7.1.1", sequence(sequence(oid("1.3.6.1.5.5.7.48.2"), B.dns("x.example.com"))), true)) }), ["cert.aia.ca_issuers_no_uri", "cert.aia.critical"]],
  ["CRL DP with only reasons", () => B.leaf({ extensions: B.exts({}, B.ext("2.5.29.31", sequence(sequence(tlv(0x81, Uint8Array.of(6, 0x40)))))) }), ["cert.cdp.incomplete"]],
  ["CRL DP critical, no URI", () => B.leaf({ extensions: B.exts({}, B.ext("2.5.29.31", sequence(sequence(tlv(0xa0, tlv(0xa0, B.dns("x.example.com"))))), true)) }), ["cert.cdp.critical", "cert.cdp.no_uri"]],
  ["duplicate policy", () => B.leaf({ extensions: B.exts({}, B.ext("2.5.29.32", sequence(sequence(oid("1.2.3.4")), sequence(oid("1.2.3.4"))))) }), ["cert.policy.duplicate"]],
  ["IA5String explicitText", () => B.leaf({ extensions: B.exts({}, B.ext("2.5.29.32", sequence(sequence(oid("1.2.3.4"), sequence(sequence(oid("1.3.6.1.5.5.7.2.2"), sequence(B.ia5("hello")))))))) }), ["cert.policy.explicit_text_ia5"]],
  ["nameConstraints on a leaf, not critical", () => B.leaf({ extensions: B.exts({}, B.ext("2.5.29.30", sequence(tlv(0xa0, sequence(B.dns("example.com")))))) }), ["cert.nc.not_critical", "cert.nc.not_in_ca"]],
  // kinds' profiles (cert-ca-profile.ts)
  ["precertificate with SCTs", () => B.leaf({ extensions: B.exts({}, B.ext("1.3.6.1.4.1.11129.2.4.3", NULL, true), B.ext("1.3.6.1.4.1.11129.2.4.2", octetString(Uint8Array.of(0, 2, 0, 0)))) }), ["cert.ct.precert_with_scts"]],
  ["reserved label", () => B.leaf({ extensions: B.exts({ san: B.san(B.dns("www.example.internal"), B.dns("ab--cd.example.com")) }) }), ["cert.san.reserved_label"]],
  ["URI name constraint that is one label", () => B.leaf({ extensions: B.exts({}, B.ext("2.5.29.30", sequence(tlv(0xa0, sequence(B.uri("example")))), true)) }), ["cert.nc.not_in_ca", "cert.nc.uri_not_fqdn"]],
  ["x400 name constraint", () => B.leaf({ extensions: B.exts({}, B.ext("2.5.29.30", sequence(tlv(0xa0, sequence(tlv(0xa3, sequence())))), true)) }), ["cert.nc.not_in_ca", "cert.nc.x400_constraint"]],
  ["BR: nameConstraints on reserved addresses", () => B.leaf({ extensions: B.exts({}, B.ext("2.5.29.30", sequence(tlv(0xa0, sequence(B.ipName([192, 0, 0, 0, 255, 255, 0, 0])))), true)) }), ["cert.ca.nc_reserved_ip", "cert.nc.not_in_ca"], "cabf-br"],
  ["BR: O without locality or province", () => B.leaf({ subject: B.name(B.c("US"), B.o("Example"), B.cn("www.example.internal")) }), ["cert.subject.br_locality_required", "cert.subject.br_province_required"], "cabf-br"],
  ["BR: OCSP responder with CDP", () => B.leaf({ extensions: B.exts({ eku: B.eku("1.3.6.1.5.5.7.3.9") }, B.ext("1.3.6.1.5.5.7.48.1.5", NULL), B.ext("2.5.29.31", sequence(sequence(tlv(0xa0, tlv(0xa0, B.uri("http://crl.example.com/a.crl"))))))) }), ["cert.eku.br_values", "cert.ocsp.cdp_forbidden"], "cabf-br"],
  ["BR: serverAuth with an unknown EKU", () => B.leaf({ extensions: B.exts({ eku: B.eku(B.SERVER_AUTH, "1.2.3.4.5") }) }), ["cert.eku.br_other_values"], "cabf-br"],
  ["empty SCT list", () => B.leaf({ extensions: B.exts({}, B.ext("1.3.6.1.4.1.11129.2.4.2", octetString(Uint8Array.of(0, 0)))) }), ["cert.ct.empty_sct_list"]],
  ["BR: a private-CA leaf lacks policies, AIA; CN not recommended", () => B.leaf(), ["cert.aia.br_sub_ca_issuers", "cert.aia.br_sub_missing", "cert.cdp.br_missing", "cert.policy.br_sub_missing", "cert.subject.cn_not_recommended"], "cabf-br"],
];

describe("certificate rules: each bad certificate raises its rule and nothing unexpected", () => {
  it.each(CASES)("%s", (_name, make, expected, profile) => {
    for (const id of expected) expect(ruleById(id), id).toBeDefined();
    const p = profile ?? "private";
    // Under cabf-br the baseline itself is not a public TLS certificate: the case's findings are what it adds.
    const base = p === "cabf-br" && !_name.startsWith("BR: a private-CA leaf") ? new Set(found(B.leaf(), p)) : new Set<string>();
    expect(found(make(), p).filter((x) => !base.has(x))).toEqual([...expected].sort());
  });
});

describe("certificate rules: CA certificates", () => {
  const caTbs = (exts: Uint8Array[], subject = B.CA_NAME) =>
    B.signed(sequence(tlv(0xa0, smallInteger(2)), B.int([0x4b, 1, 2, 3, 4, 5, 6, 7, 8]), B.ECDSA_SHA256, subject, sequence(B.utc("260101000000Z"), B.utc("360101000000Z")), subject, B.caSpki, tlv(0xa3, sequence(...exts))), B.ECDSA_SHA256, B.caKey.privateKey);
  const id = B.keyId(B.caSpki);
  it.each<[string, Uint8Array[], string[], Uint8Array?]>([
    ["basicConstraints not critical", [B.ext("2.5.29.19", sequence(TRUE)), B.ku([5, 6]), B.ski(id)], ["cert.bc.not_critical"]],
    ["no keyUsage", [B.bcCa(), B.ski(id)], ["cert.ku.ca_missing"]],
    ["keyUsage without cRLSign", [B.bcCa(), B.ku([5]), B.ski(id)], ["cert.ku.ca_crl_sign"]],
    ["keyUsage not critical", [B.bcCa(), B.ku([5, 6], false), B.ski(id)], ["cert.ku.ca_not_critical", "cert.ku.not_critical"]],
    ["no SKI", [B.bcCa(), B.ku([5, 6])], ["cert.ski.missing_ca"]],
    ["negative pathLen", [B.ext("2.5.29.19", sequence(TRUE, tlv(0x02, Uint8Array.of(0xff))), true), B.ku([5, 6]), B.ski(id)], ["cert.bc.path_len_negative"]],
    ["subordinate without pathLen (notice only)", [B.bcCa(), B.ku([5, 6]), B.ski(id)], []],
    ["empty subject", [B.bcCa(), B.ku([5, 6]), B.ski(id)], ["cert.ca.cn_missing", "cert.issuer.empty", "cert.subject.ca_empty", "cert.subject.empty_without_san"], sequence()],
  ])("%s", (_n, exts, expected, subject) => {
    expect(found(caTbs(exts, subject), "private", null)).toEqual([...expected].sort());
  });
  it("BR CA naming: country and organization", () => {
    const der = caTbs([B.bcCa(), B.ku([0, 5, 6]), B.ski(id)], B.name(B.cn("Only A CN")));
    expect(found(der, "cabf-br", null)).toEqual(["cert.ca.country_missing", "cert.ca.organization_missing"]);
  });
});

describe("certificate rules: findings carry what the contract promises", () => {
  it("rule id, severity, citation, zlint name and an in-range location", () => {
    const der = B.leaf({ serial: B.int([0x80, 1, 2, 3, 4, 5, 6, 7, 8]) });
    const r = lintCertificate(der, { profile: "private", issuer: B.caPem, now: NOW });
    const f = r.findings.find((x) => x.rule === "cert.serial.not_positive");
    expect(f).toMatchObject({ severity: "error", citation: "RFC 5280 §4.1.2.2", zlint: "e_serial_number_not_positive" });
    expect(f?.location).toBeDefined();
    expect((f?.location?.offset ?? 0) + (f?.location?.length ?? 0)).toBeLessThanOrEqual(der.length);
    expect(der[f?.location?.offset ?? -1]).toBe(0x02);
  });
  it("a message echoes at most a bounded excerpt of a long name", () => {
    const long = `${"a".repeat(5000)}.example.com`;
    const r = lintCertificate(B.leaf({ subject: B.name(B.cn(long)) }), { profile: "private", issuer: B.caPem, now: NOW });
    for (const f of r.findings) expect(f.message.length, f.rule).toBeLessThan(400);
  });
});
