/**
 * CRL rules, one deliberately bad CRL each (./cert-builder.ts): it must raise its rule and nothing
 * else beyond notices; the clean baseline raises nothing. The issuing CA is given, so the signature,
 * issuer name and AKI checks run.
 */
import { describe, expect, it } from "vitest";
import { NULL, octetString, oid, sequence, tlv } from "../../src/internal/der.js";
import { type ProfileName, lintCrl, ruleById } from "../../src/lint/index.js";
import * as B from "./cert-builder.js";

const NOW = new Date("2026-06-02T00:00:00Z");
function found(der: Uint8Array, profile: ProfileName = "private"): string[] {
  const r = lintCrl(der, { profile, issuer: B.caPem, now: NOW });
  return [...new Set(r.findings.filter((f) => f.severity !== "notice").map((f) => f.rule))].sort();
}
const notices = (der: Uint8Array): string[] => lintCrl(der, { profile: "private", issuer: B.caPem, now: NOW }).findings.filter((f) => f.severity === "notice").map((f) => f.rule);

describe("CRL rules: the clean baseline", () => {
  it.each(["private", "cas", "rfc5280", "cabf-br"] as const)("raises nothing under %s", (p: ProfileName) => {
    expect(found(B.crl(), p)).toEqual([]);
    expect(found(B.crl({ entries: null }), p)).toEqual([]);
  });
});

type Case = [string, () => Uint8Array, string[], ProfileName?];
const CASES: Case[] = [
  ["v1 (no version)", () => B.crl({ version: null }), ["crl.version.not_v2"]],
  ["outer algorithm differs", () => B.crl({ outerSigAlg: sequence(oid("1.2.840.10045.4.3.3")) }), ["crl.signature.algorithm_mismatch", "crl.signature.invalid"]],
  ["ECDSA with NULL parameters", () => B.crl({ sigAlg: sequence(oid("1.2.840.10045.4.3.2"), NULL) }), ["crl.signature.params_present"]],
  ["issuer name differs", () => B.crl({ issuer: B.name(B.cn("Another CA")) }), ["crl.issuer.name_mismatch"]],
  ["empty issuer", () => B.crl({ issuer: sequence() }), ["crl.issuer.empty", "crl.issuer.name_mismatch"]],
  ["no nextUpdate", () => B.crl({ nextUpdate: null }), ["crl.next_update.missing"]],
  ["nextUpdate before thisUpdate", () => B.crl({ nextUpdate: B.utc("260501000000Z") }), ["crl.next_update.not_after_this_update"]],
  ["thisUpdate without seconds", () => B.crl({ thisUpdate: B.utc("2606010000Z") }), ["crl.time.utc_no_seconds"]],
  ["thisUpdate as GeneralizedTime", () => B.crl({ thisUpdate: B.gen("20260601000000Z") }), ["crl.time.wrong_type"]],
  ["no cRLNumber", () => B.crl({ extensions: [B.crlAki] }), ["crl.number.missing"]],
  ["critical cRLNumber", () => B.crl({ extensions: [B.crlAki, B.crlNumber([7], true)] }), ["crl.number.critical"]],
  ["negative cRLNumber", () => B.crl({ extensions: [B.crlAki, B.crlNumber([0xff])] }), ["crl.number.range"]],
  ["cRLNumber of 2^160", () => B.crl({ extensions: [B.crlAki, B.crlNumber([0x01, ...Array(20).fill(0)])] }), ["crl.number.range"]],
  ["no AKI", () => B.crl({ extensions: [B.crlNumber([7])] }), ["crl.aki.missing"]],
  ["AKI not the CA's SKI", () => B.crl({ extensions: [B.aki(Uint8Array.of(9, 9, 9)), B.crlNumber([7])] }), ["crl.aki.issuer_mismatch"]],
  ["duplicate extension", () => B.crl({ extensions: [B.crlAki, B.crlNumber([7]), B.crlNumber([8])] }), ["crl.extension.duplicate"]],
  ["critical FALSE encoded", () => B.crl({ extensions: [B.crlAki, sequence(oid("2.5.29.20"), tlv(0x01, Uint8Array.of(0)), octetString(B.int([7])))] }), ["crl.extension.critical_false_encoded"]],
  ["unknown critical extension", () => B.crl({ extensions: [B.crlAki, B.crlNumber([7]), B.ext("1.3.6.1.4.1.99999.2", NULL, true)] }), ["crl.extension.unknown_critical"]],
  ["empty revokedCertificates", () => B.crl({ entries: [] }), ["crl.revoked.empty_list"]],
  ["revoked after thisUpdate", () => B.crl({ entries: [B.entry([0x11], "260605000000Z")] }), ["crl.revoked.after_this_update"]],
  ["negative serial", () => B.crl({ entries: [B.entry([0x80, 1])] }), ["crl.revoked.serial_invalid"]],
  ["21-octet serial", () => B.crl({ entries: [B.entry([0x40, ...Array(20).fill(1)])] }), ["crl.revoked.serial_invalid"]],
  ["duplicate serial", () => B.crl({ entries: [B.entry([0x11]), B.entry([0x11])] }), ["crl.revoked.duplicate_serial"]],
  ["reason 7", () => B.crl({ entries: [B.entry([0x11], "260520000000Z", B.reason(7))] }), ["crl.entry.reason_invalid"]],
  ["reason unspecified written", () => B.crl({ entries: [B.entry([0x11], "260520000000Z", B.reason(0))] }), ["crl.entry.reason_unspecified"]],
  ["removeFromCRL in a base CRL", () => B.crl({ entries: [B.entry([0x11], "260520000000Z", B.reason(8))] }), ["crl.entry.remove_from_crl"]],
  ["certificateHold", () => B.crl({ entries: [B.entry([0x11], "260520000000Z", B.reason(6))] }), ["crl.entry.certificate_hold"]],
  ["critical reasonCode", () => B.crl({ entries: [B.entry([0x11], "260520000000Z", B.reason(1, true))] }), ["crl.entry.reason_critical"]],
  ["entry with a repeated extension", () => B.crl({ entries: [B.entry([0x11], "260520000000Z", B.reason(1), B.reason(4))] }), ["crl.entry.duplicate_extension"]],
  ["revocation date without seconds", () => B.crl({ entries: [B.entry([0x11], "2605200000Z")] }), ["crl.time.utc_no_seconds"]],
  ["BR: nextUpdate 30 days out", () => B.crl({ nextUpdate: B.utc("260701000000Z") }), ["crl.next_update.br_max"], "cabf-br"],
  ["BR: reason cACompromise", () => B.crl({ entries: [B.entry([0x11], "260520000000Z", B.reason(2))] }), ["crl.entry.br_reason"], "cabf-br"],
  ["BR: AKI with an issuer name", () => B.crl({ extensions: [B.ext("2.5.29.35", sequence(tlv(0x80, B.keyId(B.caSpki)), tlv(0xa1, tlv(0xa4, B.CA_NAME)), tlv(0x82, Uint8Array.of(1)))), B.crlNumber([7])] }), ["crl.aki.only_key_id"], "cabf-br"],
  ["BR: an extra extension", () => B.crl({ extensions: [B.crlAki, B.crlNumber([7]), B.ext("2.5.29.46", sequence())] }), ["crl.extension.br_not_recommended"], "cabf-br"],
];

describe("CRL rules: each bad CRL raises its rule and nothing unexpected", () => {
  it.each(CASES)("%s", (name, make, expected, profile) => {
    for (const id of expected) expect(ruleById(id), id).toBeDefined();
    expect(found(make(), profile ?? "private")).toEqual([...expected].sort());
  });

  it("entries out of serial order are a notice only", () => {
    const der = B.crl({ entries: [B.entry([0x22]), B.entry([0x11])] });
    expect(found(der)).toEqual([]);
    expect(notices(der)).toContain("crl.revoked.unsorted");
  });

  it("a delta CRL may carry removeFromCRL", () => {
    const der = B.crl({ entries: [B.entry([0x11], "260520000000Z", B.reason(8))], extensions: [B.crlAki, B.crlNumber([7]), B.ext("2.5.29.27", B.int([6]), true)] });
    expect(found(der)).toEqual([]);
  });

  it("without the issuer, the issuer-dependent rules stay silent", () => {
    const r = lintCrl(B.crl({ issuer: B.name(B.cn("Another CA")) }), { profile: "private", now: NOW });
    expect(r.findings.filter((f) => f.severity !== "notice")).toEqual([]);
  });

  it("an RSA CRL whose algorithm lacks NULL parameters", () => {
    const der = B.crl({ sigAlg: sequence(oid("1.2.840.113549.1.1.11")) });
    expect(found(der)).toContain("crl.signature.rsa_params_not_null");
  });
});
