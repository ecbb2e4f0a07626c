import { createPrivateKey, createPublicKey, generateKeyPairSync } from "node:crypto";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseCsr } from "../../src/csr/index.js";
import { CsrError, type CsrErrorCode } from "../../src/errors.js";
import { NULL, bitString, concat, octetString, oid, sequence, smallInteger, tlv, unsignedInteger, utf8String } from "../../src/internal/der.js";
import * as B from "../helpers/csr-builder.js";
import { SM2_SIGOPT, opensslCsr, opensslKey } from "../helpers/fixtures.js";
import { openssl, tempDir } from "../helpers/openssl.js";

const tmp = tempDir("caskit-csr-");
const keys: Record<string, string> = {};
beforeAll(() => {
  for (const kind of ["RSA-2048", "RSA-3072", "RSA-1024", "P-256", "P-384", "P-521", "secp256k1", "SM2", "Ed25519"]) {
    keys[kind] = opensslKey(kind, tmp.path(`${kind}.key`));
  }
}, 120_000);
afterAll(() => tmp.remove());

let n = 0;
const csr = (spec: Omit<Parameters<typeof opensslCsr>[1], "key"> & { key: string }) => opensslCsr(tmp.path(`r${n++}.csr`), { ...spec, key: keys[spec.key] as string });

function refusal(input: string | Uint8Array): CsrError {
  try {
    parseCsr(input);
  } catch (e) {
    if (e instanceof CsrError) return e;
    throw e;
  }
  throw new Error("the request was accepted");
}

describe("parseCsr — OpenSSL-made requests that must be accepted", () => {
  it.each([
    ["RSA-2048", "sha256", "RSA", 2048, null, "sha256WithRSAEncryption"],
    ["RSA-3072", "sha384", "RSA", 3072, null, "sha384WithRSAEncryption"],
    ["RSA-2048", "sha512", "RSA", 2048, null, "sha512WithRSAEncryption"],
    ["P-256", "sha256", "EC", 256, "P-256", "ecdsa-with-SHA256"],
    ["P-384", "sha384", "EC", 384, "P-384", "ecdsa-with-SHA384"],
    ["P-521", "sha512", "EC", 521, "P-521", "ecdsa-with-SHA512"],
    ["P-256", "sha512", "EC", 256, "P-256", "ecdsa-with-SHA512"],
  ])("%s signed with %s", (key, digest, keyAlgorithm, keySize, curve, sigName) => {
    const pem = csr({ key, digest, subj: "/C=CN/ST=Zhejiang/L=Hangzhou/O=Acme/OU=Ops/CN=api.example.com", san: "DNS:api.example.com,DNS:*.api.example.com,IP:10.0.0.7,IP:2001:DB8:0:0:0:0:0:1" });
    const facts = parseCsr(pem);
    expect(facts).toMatchObject({ keyAlgorithm, keySize, curve, cn: "api.example.com" });
    expect(facts.signatureAlgorithm.name).toBe(sigName);
    expect(facts.sans).toEqual([
      { type: "dns", value: "api.example.com" },
      { type: "dns", value: "*.api.example.com" },
      { type: "ip", value: "10.0.0.7" },
      { type: "ip", value: "2001:db8::1" },
    ]);
    expect(facts.subject.map((a) => `${a.type}=${a.value}`)).toEqual(["C=CN", "ST=Zhejiang", "L=Hangzhou", "O=Acme", "OU=Ops", "CN=api.example.com"]);
    expect(facts.subjectFields).toEqual({ country: "CN", state: "Zhejiang", locality: "Hangzhou", organization: "Acme", organizationalUnit: "Ops", commonName: "api.example.com" });
    // OpenSSL agrees the self-signature is good.
    expect(openssl(["req", "-verify", "-noout", "-in", tmp.path(`r${n - 1}.csr`)]).ok).toBe(true);
    // The SPKI handed to issuance is the request's own.
    const pub = createPublicKey(createPrivateKey(readFileSync(keys[key] as string))).export({ format: "der", type: "spki" });
    expect(Buffer.from(facts.spki).equals(pub)).toBe(true);
  });

  it("an SM2 request signed with the default ID (SM3withSM2)", () => {
    const facts = parseCsr(csr({ key: "SM2", subj: "/CN=sm2.example.com", extra: SM2_SIGOPT }));
    expect(facts).toMatchObject({ keyAlgorithm: "SM2", keyFamily: "SM2", keySize: 256, curve: "SM2", cn: "sm2.example.com" });
    expect(facts.signatureAlgorithm).toEqual({ name: "SM3withSM2", oid: "1.2.156.10197.1.501" });
  });

  it("DER input, and PEM read leniently around the block", () => {
    const pem = Buffer.from(csr({ key: "P-256", subj: "/CN=lenient.example.com" })).toString("utf8");
    const der = Buffer.from(pem.replace(/-----[^-]+-----/g, "").replace(/\s+/g, ""), "base64");
    expect(parseCsr(new Uint8Array(der)).cn).toBe("lenient.example.com");
    const variants = [
      pem.replace(/\n/g, "\r\n"),
      `\ufeff${pem}`,
      `\n\n  ${pem}\n\n`,
      pem.trimEnd(),
      `Certificate Request:\n    Data: ...\n${pem}`,
      pem.replace(/CERTIFICATE REQUEST/g, "NEW CERTIFICATE REQUEST"),
      pem.replace(/\n(?!-)/g, "").replace(/-----BEGIN CERTIFICATE REQUEST-----/, "-----BEGIN CERTIFICATE REQUEST-----\n").replace(/-----END/, "\n-----END"),
    ];
    for (const v of variants) expect(parseCsr(v).cn).toBe("lenient.example.com");
    expect(parseCsr(new Uint8Array(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(pem)]))).cn).toBe("lenient.example.com");
  });

  it("a request with no CN but a DNS SAN reports cn null", () => {
    const facts = parseCsr(csr({ key: "P-256", subj: "/O=Acme", san: "DNS:nocn.example.com" }));
    expect(facts.cn).toBeNull();
    expect(facts.sans).toEqual([{ type: "dns", value: "nocn.example.com" }]);
  });

  it("a CN grouped with O in one multi-valued RDN is fine; other attributes and extensions are ignored", () => {
    const facts = parseCsr(
      csr({ key: "P-256", subj: "/CN=multi.example.com+O=Acme", extra: ["-addext", "basicConstraints=critical,CA:TRUE", "-addext", "1.2.3.4=critical,DER:0500"] }),
    );
    expect(facts.cn).toBe("multi.example.com");
    expect(facts.subjectFields.organization).toBe("Acme");
  });
});

describe("parseCsr — OpenSSL-made requests that must be refused", () => {
  const cases: Array<[string, () => Uint8Array, CsrErrorCode, RegExp?]> = [
    ["RSA-1024", () => csr({ key: "RSA-1024", subj: "/CN=a.example.com" }), "weak_key", /1024 bits; the minimum is 2048/],
    ["secp256k1", () => csr({ key: "secp256k1", subj: "/CN=a.example.com" }), "unsupported_key"],
    ["Ed25519", () => csr({ key: "Ed25519", subj: "/CN=a.example.com" }), "unsupported_key", /Ed25519/],
    ["SHA-1 signature", () => csr({ key: "RSA-2048", digest: "sha1", subj: "/CN=a.example.com" }), "unsupported_signature", /sha1/],
    ["ecdsa-with-SHA1", () => csr({ key: "P-256", digest: "sha1", subj: "/CN=a.example.com" }), "unsupported_signature"],
    ["RSASSA-PSS signature", () => csr({ key: "RSA-2048", subj: "/CN=a.example.com", extra: ["-sigopt", "rsa_padding_mode:pss"] }), "unsupported_signature", /PSS/],
    ["SM2 signed with the empty ID", () => csr({ key: "SM2", subj: "/CN=a.example.com", extra: ["-sm3"] }), "bad_signature", /distid:1234567812345678/],
    ["e-mail SAN", () => csr({ key: "P-256", subj: "/CN=a.example.com", san: "email:a@example.com" }), "bad_name", /rfc822Name/],
    ["URI SAN", () => csr({ key: "P-256", subj: "/CN=a.example.com", san: "URI:https://a.example.com/" }), "bad_name"],
    ["two CNs", () => csr({ key: "P-256", subj: "/CN=a.example.com/CN=b.example.com" }), "bad_subject", /more than one CN/],
    ["two CNs in one RDN", () => csr({ key: "P-256", subj: "/CN=a.example.com+CN=b.example.com" }), "bad_subject"],
    ["no CN and no SAN", () => csr({ key: "P-256", subj: "/O=Acme" }), "missing_cn"],
    ["empty CN and no SAN", () => csr({ key: "P-256", subj: "/CN=/O=Acme" }), "missing_cn"],
    ["underscore in CN", () => csr({ key: "P-256", subj: "/CN=a_b.example.com" }), "bad_name"],
    ["space in CN", () => csr({ key: "P-256", subj: "/CN=a b.example.com" }), "bad_name"],
    ["bare TLD", () => csr({ key: "P-256", subj: "/CN=com" }), "bad_name"],
    ["256.1.1.1", () => csr({ key: "P-256", subj: "/CN=256.1.1.1" }), "bad_name"],
    ["wildcard in the middle", () => csr({ key: "P-256", subj: "/CN=a.*.example.com" }), "bad_name"],
    ["U-label", () => csr({ key: "P-256", subj: "/CN=bücher.example", extra: ["-utf8"] }), "bad_name"],
    ["bad SAN DNS name", () => csr({ key: "P-256", subj: "/CN=a.example.com", san: "DNS:*.com" }), "bad_name"],
  ];
  it.each(cases)("%s", (_name, make, code, message) => {
    const e = refusal(make());
    expect(e.code).toBe(code);
    if (message) expect(e.message).toMatch(message);
  });
  it("OpenSSL itself accepts the empty-ID SM2 request that caskit refuses", () => {
    const file = tmp.path("sm2-empty.csr");
    opensslCsr(file, { key: keys.SM2 as string, subj: "/CN=a.example.com", extra: ["-sm3"] });
    expect(openssl(["req", "-verify", "-noout", "-in", file]).ok).toBe(true);
    expect(refusal(readFileSync(file)).code).toBe("bad_signature");
  });
});

describe("parseCsr — armour and DER", () => {
  let pem = "";
  let der = new Uint8Array();
  beforeAll(() => {
    pem = Buffer.from(csr({ key: "P-256", subj: "/CN=armour.example.com" })).toString();
    der = new Uint8Array(Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ""), "base64"));
  });
  const body = () => pem.replace(/-----[^-]+-----|\s/g, "");
  it.each<[string, () => string | Uint8Array, CsrErrorCode]>([
    ["over 64 KiB", () => `${pem}${" ".repeat(70_000)}`, "too_large"],
    ["empty input", () => "", "parse_error"],
    ["bare base64", () => body(), "parse_error"],
    ["a CERTIFICATE label", () => pem.replace(/CERTIFICATE REQUEST/g, "CERTIFICATE"), "parse_error"],
    ["a private key label", () => pem.replace(/CERTIFICATE REQUEST/g, "PRIVATE KEY"), "parse_error"],
    ["mismatched labels", () => pem.replace("END CERTIFICATE REQUEST", "END NEW CERTIFICATE REQUEST"), "parse_error"],
    ["no END line", () => pem.replace(/-----END[^\n]*\n?/, ""), "parse_error"],
    ["characters outside base64", () => pem.replace(/\n([A-Za-z])/, "\n!$1"), "parse_error"],
    ["an empty body", () => "-----BEGIN CERTIFICATE REQUEST-----\n-----END CERTIFICATE REQUEST-----\n", "parse_error"],
    ["a second PEM block", () => pem + pem, "trailing_data"],
    ["text after END", () => `${pem}garbage\n`, "trailing_data"],
    ["bytes after the DER", () => concat([der, Uint8Array.of(0)]), "trailing_data"],
    ["bytes after the DER inside the base64", () => `-----BEGIN CERTIFICATE REQUEST-----\n${Buffer.concat([Buffer.from(der), Buffer.from([5, 0])]).toString("base64")}\n-----END CERTIFICATE REQUEST-----\n`, "trailing_data"],
    ["truncated DER", () => der.subarray(0, der.length - 10), "parse_error"],
    ["random bytes", () => Uint8Array.from([0x30, 0x82, 0xff, 0xff, 1, 2, 3]), "parse_error"],
  ])("%s", (_name, make, code) => {
    expect(refusal(make()).code).toBe(code);
  });
});

describe("parseCsr — hand-built requests with valid signatures", () => {
  const ec = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  const spki = new Uint8Array(ec.publicKey.export({ format: "der", type: "spki" }));
  const good = B.name(B.cn("built.example.com"));
  const build = (p: Partial<B.RequestParts>) => B.signRequest(B.requestInfo({ subject: good, spki, ...p }), ec.privateKey);

  it("accepts the baseline", () => {
    expect(parseCsr(build({})).cn).toBe("built.example.com");
    expect(parseCsr(B.csrPem(build({ attributes: B.attributes(B.sanExtension(B.dns("x.example.com"), B.ip([10, 0, 0, 1]))) }))).sans).toEqual([
      { type: "dns", value: "x.example.com" },
      { type: "ip", value: "10.0.0.1" },
    ]);
  });
  it.each<[string, Partial<B.RequestParts>, CsrErrorCode]>([
    ["version 1", { version: smallInteger(1) }, "parse_error"],
    ["no [0] attributes field", { attributes: null }, "parse_error"],
    ["two SAN extensions", { attributes: B.attributes(B.sanExtension(B.dns("a.example.com")), B.sanExtension(B.dns("b.example.com"))) }, "parse_error"],
    ["a malformed extensionRequest", { attributes: tlv(0xa0, sequence(oid("1.2.840.113549.1.9.14"), tlv(0x31, octetString(Uint8Array.of(1))))) }, "parse_error"],
    ["an iPAddress of 5 bytes", { attributes: B.attributes(B.sanExtension(B.ip([1, 2, 3, 4, 5]))) }, "bad_name"],
    ["a non-string CN", { subject: B.name(B.rdn(B.attr("2.5.4.3", smallInteger(5)))) }, "bad_subject"],
    ["a CN over 64 characters", { subject: B.name(B.cn(`${"a".repeat(61)}.example.com`)) }, "bad_subject"],
    ["a three-letter country", { subject: B.name(B.country("CHN"), B.cn("a.example.com")) }, "bad_subject"],
    ["no CN, e-mail SAN only", { subject: B.name(), attributes: B.attributes(B.sanExtension(B.email("a@example.com"))) }, "missing_cn"],
  ])("%s", (_n, parts, code) => {
    expect(refusal(build(parts)).code).toBe(code);
  });
  it("refuses a non-minimal length inside the signed part, even though the signature verifies", () => {
    // CN value with a long-form length for a short string: 0c 81 11 … (DER says 0c 11 …).
    const value = new TextEncoder().encode("built.example.com");
    const nonMinimal = concat([Uint8Array.of(0x0c, 0x81, value.length), value]);
    const subject = B.name(B.rdn(sequence(oid("2.5.4.3"), nonMinimal)));
    expect(refusal(build({ subject })).code).toBe("parse_error");
  });
  it("refuses an indefinite length", () => {
    const d = build({});
    const indefinite = concat([Uint8Array.of(0x30, 0x80), d.subarray(d[1] === 0x82 ? 4 : d[1] === 0x81 ? 3 : 2), Uint8Array.of(0, 0)]);
    expect(refusal(indefinite).code).toBe("parse_error");
  });
  it("refuses RSA keys with e = 1 (weak_key) before looking at the signature", () => {
    const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const jwk = rsa.publicKey.export({ format: "jwk" });
    const n = new Uint8Array(Buffer.from(jwk.n as string, "base64url"));
    const rsaPub = sequence(unsignedInteger(n), smallInteger(1));
    const weakSpki = sequence(sequence(oid("1.2.840.113549.1.1.1"), NULL), bitString(rsaPub));
    expect(refusal(build({ spki: weakSpki })).code).toBe("weak_key");
  });
  it("refuses explicit curve parameters and compressed points (unsupported_key)", () => {
    const point = spki.subarray(spki.length - 65);
    const explicit = sequence(sequence(oid("1.2.840.10045.2.1"), sequence(smallInteger(1))), bitString(point));
    expect(refusal(build({ spki: explicit })).code).toBe("unsupported_key");
    const compressed = concat([Uint8Array.of(0x02 + ((point[64] as number) & 1)), point.subarray(1, 33)]);
    const cspki = sequence(sequence(oid("1.2.840.10045.2.1"), oid("1.2.840.10045.3.1.7")), bitString(compressed));
    expect(refusal(build({ spki: cspki })).code).toBe("unsupported_key");
  });
  it("refuses a signature that does not match (bad_signature) and never echoes the input", () => {
    const d = build({});
    d[d.length - 5] = (d[d.length - 5] as number) ^ 0xff;
    const e = refusal(d);
    expect(e.code).toBe("bad_signature");
    expect(e.message.length).toBeLessThan(200);
  });
  it("accepts a BMPString CN", () => {
    const bmp = (s: string) => tlv(0x1e, new Uint8Array(Buffer.from(s, "utf16le").swap16()));
    expect(parseCsr(build({ subject: B.name(B.cn("bmp.example.com", bmp)) })).cn).toBe("bmp.example.com");
    expect(parseCsr(build({ subject: B.name(B.cn("utf8.example.com", utf8String)) })).cn).toBe("utf8.example.com");
  });
});
