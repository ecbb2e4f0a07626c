/**
 * Regression tests for issue 9 #8, issue 9 #19 and issue 14 #11 at the CSR door: the client profile
 * (a person's name as CN), the subject text rule (controls, DEL, C1, unpaired surrogates, bidi marks)
 * and refusal messages that quote the offending name with the rule it breaks — never more than a
 * bounded, sanitised excerpt.
 */
import { generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { directoryStringLength, parseCsr, quoteExcerpt } from "../../src/csr/index.js";
import { CsrError } from "../../src/errors.js";
import { bitString, oid, sequence, tlv, utf8String } from "../../src/internal/der.js";
import * as B from "../helpers/csr-builder.js";
import { opensslCsr, opensslKey } from "../helpers/fixtures.js";
import { tempDir } from "../helpers/openssl.js";

const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
const spki = new Uint8Array(publicKey.export({ format: "der", type: "spki" }));

/** A validly signed request with this subject and (optionally) these SAN entries. */
export function request(subject: Uint8Array, ...sans: Uint8Array[]): string {
  const attributes = sans.length ? B.attributes(B.sanExtension(...sans)) : B.attributes();
  return B.csrPem(B.signRequest(B.requestInfo({ subject, spki, attributes }), privateKey));
}
const O = (value: Uint8Array) => B.rdn(B.attr("2.5.4.10", value));
const OU = (value: Uint8Array) => B.rdn(B.attr("2.5.4.11", value));
/** UniversalString (UTF-32BE) of raw code units — a lone surrogate included. */
const universal = (...units: number[]) => {
  const b = new Uint8Array(units.length * 4);
  units.forEach((u, i) => new DataView(b.buffer).setUint32(i * 4, u));
  return tlv(0x1c, b);
};

function refusal(input: string, profile?: "server" | "client"): CsrError {
  try {
    parseCsr(input, profile ? { profile } : {});
  } catch (e) {
    if (e instanceof CsrError) return e;
    throw e;
  }
  throw new Error("the request was accepted");
}

describe("subject text rule (issue 14 #11)", () => {
  it.each([
    ["a UniversalString lone surrogate in O", O(universal(0x41, 0xd800, 0x42)), /U\+D800 \(an unpaired surrogate\)/],
    ["a UniversalString lone low surrogate in OU", OU(universal(0xdc00)), /U\+DC00/],
    ["DEL in O", O(utf8String("Acme\x7fCorp")), /U\+007F/],
    ["a C1 control (NEL) in O", O(utf8String("Acme\u0085Corp")), /U\+0085 \(a C1 control/],
    ["U+200E (LRM) in OU", OU(utf8String("Ops\u200e")), /U\+200E \(a bidi control\)/],
    ["U+200F (RLM) in O", O(utf8String("\u200fAcme")), /U\+200F/],
    ["U+202A (LRE) in O", O(utf8String("a\u202ab")), /U\+202A/],
    ["U+202E (RLO) in O", O(utf8String("Acme\u202egnp.exe")), /U\+202E/],
    ["U+2066 (LRI) in OU", OU(utf8String("x\u2066y")), /U\+2066/],
    ["U+2069 (PDI) in OU", OU(utf8String("x\u2069y")), /U\+2069/],
    ["U+061C (ALM) in O", O(utf8String("x\u061cy")), /U\+061C/],
    ["a bidi mark in the CN", B.rdn(B.attr("2.5.4.3", utf8String("api\u202e.example.com"))), /U\+202E/],
  ])("%s is bad_subject, naming the code point only", (_n, rdn, message) => {
    // A CN rdn stands alone (two CNs would be refused for another reason).
    const isCn = rdn[4] === 0x06 && rdn[6] === 0x55 && rdn[7] === 0x04 && rdn[8] === 0x03;
    const pem = request(isCn ? B.name(rdn) : B.name(rdn, B.cn("api.example.com")), B.dns("api.example.com"));
    const e = refusal(pem);
    expect(e.code).toBe("bad_subject");
    expect(e.message).toMatch(message);
    // The hostile text itself is not echoed.
    expect(e.message).not.toMatch(/[\u0080-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff\x7f]/);
  });

  it("the client profile applies the same text rule", () => {
    expect(refusal(request(B.name(O(universal(0xd800)), B.cn("Alice Smith"))), "client").code).toBe("bad_subject");
  });

  it("non-ASCII letters, paired surrogates (emoji) and ZWJ stay accepted", () => {
    const subject = B.name(O(universal(0x00dc, 0x1f600)), OU(utf8String("阿里巴巴 👩‍💻")), B.cn("api.example.com"));
    const facts = parseCsr(request(subject));
    expect(facts.subjectFields.organization).toBe("Ü😀");
    expect(facts.subjectFields.organizationalUnit).toBe("阿里巴巴 👩‍💻");
  });

  it("directoryStringLength counts code points and refuses exactly the listed characters", () => {
    expect(directoryStringLength("Ü😀")).toBe(2);
    expect(directoryStringLength("\u200d\u00a0\u2065\u206a")).toBe(4); // ZWJ, NBSP and the neighbours of the ranges pass
    for (const c of [0x00, 0x1f, 0x7f, 0x80, 0x9f, 0x61c, 0x200e, 0x200f, 0x202a, 0x202e, 0x2066, 0x2069, 0xd800, 0xdbff, 0xdc00, 0xdfff]) {
      expect(directoryStringLength(`a${String.fromCharCode(c)}b`), c.toString(16)).toBe(-1);
    }
    expect(directoryStringLength("\ud83d")).toBe(-1); // high surrogate at the end
  });
});

describe("client profile (issue 9 #8)", () => {
  const person = request(B.name(B.cn("Alice Smith")));
  it("the server profile (default, docs/csr-policy.md) still refuses a person's name as CN", () => {
    expect(refusal(person).code).toBe("bad_name");
  });
  it("the client profile accepts it and reports the CN", () => {
    expect(parseCsr(person, { profile: "client" }).cn).toBe("Alice Smith");
  });
  it("the client profile accepts a request with no name at all (the request parameters may give one)", () => {
    expect(refusal(request(B.name(O(utf8String("Acme"))))).code).toBe("missing_cn");
    expect(parseCsr(request(B.name(O(utf8String("Acme")))), { profile: "client" }).cn).toBeNull();
  });
  it("keeps the other checks: a bad dNSName SAN, two CNs, a bad signature", () => {
    expect(refusal(request(B.name(B.cn("Alice Smith")), B.dns("under_score.example.com")), "client").code).toBe("bad_name");
    expect(refusal(request(B.name(B.cn("Alice"), B.cn("Bob"))), "client").code).toBe("bad_subject");
    const good = request(B.name(B.cn("Alice Smith")));
    const der = Buffer.from(good.replace(/-----[^-]+-----|\s/g, ""), "base64");
    der.writeUInt8(der.readUInt8(der.length - 5) ^ 1, der.length - 5);
    expect(refusal(B.csrPem(new Uint8Array(der)), "client").code).toBe("bad_signature");
  });
  it("refuses an unknown profile", () => {
    expect(() => parseCsr(person, { profile: "ca" as "client" })).toThrow(TypeError);
  });
});

describe("refusal messages quote the name and the rule (issue 9 #19)", () => {
  it.each([
    ["*.*.example.com", /"\*\.\*\.example\.com".*one wildcard label, leftmost only/],
    ["a.*.example.com", /"a\.\*\.example\.com".*one wildcard label, leftmost only/],
    ["w*.example.com", /"w\*\.example\.com".*wildcard/],
    ["*.com", /"\*\.com".*at least two labels/],
    ["localhost", /"localhost".*at least two labels/],
    ["under_score.example.com", /"under_score\.example\.com".*letters, digits and hyphens/],
    ["-lead.example.com", /hyphen/],
    ["a..example.com", /empty label/],
    ["example.123", /last label/],
    ["Alice Smith", /"Alice Smith".*letters, digits and hyphens/],
  ])("CN %s", (cn, message) => {
    const e = refusal(request(B.name(B.cn(cn))));
    expect(e.code).toBe("bad_name");
    expect(e.message).toMatch(/CN/);
    expect(e.message).toMatch(message);
  });

  it("a dNSName SAN is quoted too, with its rule", () => {
    const e = refusal(request(B.name(B.cn("ok.example.com")), B.dns("*.*.example.com")));
    expect(e.code).toBe("bad_name");
    expect(e.message).toMatch(/subjectAltName dNSName "\*\.\*\.example\.com".*one wildcard label, leftmost only/);
  });

  it("a U-label is quoted escaped, with the A-label advice", () => {
    const e = refusal(request(B.name(B.cn("bücher.example.com"))));
    expect(e.message).toContain('"b\\u{fc}cher.example.com"');
    expect(e.message).toMatch(/A-label/);
  });

  it("echoes at most a bounded, sanitised excerpt of hostile input", () => {
    const hostile = `${"\u202e".repeat(8)}${"x".repeat(40)}\x1b[31m${"y".repeat(11)}`;
    const e = refusal(request(B.name(B.cn("ok.example.com")), B.dns(`${"a".repeat(300)}_.example.com`)));
    expect(e.message.length).toBeLessThan(300);
    expect(e.message).toContain("…");
    expect(quoteExcerpt(hostile)).not.toMatch(/[\u202e\x1b]/);
    expect(quoteExcerpt(hostile)).toContain("\\u{202e}");
    expect(quoteExcerpt("x".repeat(1_000_000)).length).toBeLessThan(80);
    // A dNSName of raw non-ASCII bytes is escaped byte by byte.
    const raw = B.csrPem(
      B.signRequest(B.requestInfo({ subject: B.name(B.cn("ok.example.com")), spki, attributes: B.attributes(B.sanExtension(tlv(0x82, Uint8Array.of(0x1b, 0x5b, 0xe2, 0x80, 0xae, 0x61)))) }), privateKey),
    );
    const m = refusal(raw).message;
    expect(m).not.toMatch(/[\x1b\u202e]/);
    expect(m).toContain("\\u{1b}");
  });

  it("OIDs and PEM labels from the request are echoed bounded too", () => {
    const longOid = `1.2.${"3.".repeat(3000)}4`;
    // A subject attribute of an unknown, 3,000-arc type holding a bidi mark.
    const attrMsg = refusal(request(B.name(B.rdn(B.attr(longOid, utf8String("x\u202e"))), B.cn("ok.example.com")))).message;
    expect(attrMsg).toMatch(/U\+202E/);
    expect(attrMsg.length).toBeLessThan(200);
    // A signature algorithm of 3,000 arcs.
    const cri = B.requestInfo({ subject: B.name(B.cn("ok.example.com")), spki });
    const sigMsg = refusal(B.csrPem(sequence(cri, sequence(oid(longOid)), bitString(Uint8Array.of(1, 2, 3))))).message;
    expect(sigMsg).toMatch(/is not supported/);
    expect(sigMsg.length).toBeLessThan(200);
    // A PEM label of 10,000 characters.
    const label = "X".repeat(10_000);
    const pemMsg = refusal(`-----BEGIN ${label}-----\nMIIB\n-----END ${label}-----\n`).message;
    expect(pemMsg.length).toBeLessThan(200);
  });

  it("an RSASSA-PSS signature gets PKCS#1 v1.5 advice, not 'SHA-256'", () => {
    const tmp = tempDir("caskit-pss-");
    try {
      const key = opensslKey("RSA-2048", tmp.path("k.pem"));
      const pem = opensslCsr(tmp.path("r.csr"), { key, subj: "/CN=a.example.com", extra: ["-sigopt", "rsa_padding_mode:pss"] });
      const e = (() => {
        try {
          parseCsr(pem);
        } catch (x) {
          return x as CsrError;
        }
        throw new Error("accepted");
      })();
      expect(e.code).toBe("unsupported_signature");
      expect(e.message).toMatch(/PKCS#1 v1\.5/);
      expect(e.message).toMatch(/sha256WithRSAEncryption/);
      expect(e.message).not.toMatch(/sign with SHA-256/);
    } finally {
      tmp.remove();
    }
  });
});
