/**
 * SM2 on OpenSSL through Node's streaming Sign/Verify with our own Z_A: the edges where a shortcut
 * could silently verify the wrong thing — plain ECDSA on the SM2 curve, forged scalars, non-DER
 * signatures, points off the curve — and Z_A itself against OpenSSL's.
 */
import { createPrivateKey, createSign, generateKeyPairSync } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { SM2_DEFAULT_ID, sm2PublicKeyObject, sm2Signer, sm2Verify, sm2Z } from "../../src/crypto/sm2.js";
import { opensslOrThrow, tempDir } from "../helpers/openssl.js";

const tmp = tempDir("caskit-sm2-");
afterAll(() => tmp.remove());
const data = new TextEncoder().encode("a TBSCertificate, say\n");
const N = BigInt("0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123");

function newKey() {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "SM2" });
  const spki = publicKey.export({ type: "spki", format: "der" });
  return { privateKey, point: new Uint8Array(spki.subarray(spki.length - 65)) };
}

/** DER ECDSA-Sig-Value from two non-negative integers (minimal encoding). */
function sigOf(r: bigint, s: bigint): Uint8Array {
  const int = (v: bigint) => {
    let h = v.toString(16);
    if (h.length % 2) h = `0${h}`;
    let b = Buffer.from(h, "hex");
    if ((b[0] as number) & 0x80) b = Buffer.concat([Buffer.from([0]), b]);
    return Buffer.concat([Buffer.from([0x02, b.length]), b]);
  };
  const body = Buffer.concat([int(r), int(s)]);
  return Buffer.concat([Buffer.from([0x30, body.length]), body]);
}

function scalars(sig: Uint8Array): [bigint, bigint] {
  const b = Buffer.from(sig);
  const rLen = b[3] as number;
  const r = BigInt(`0x${b.subarray(4, 4 + rLen).toString("hex")}`);
  const s = BigInt(`0x${b.subarray(6 + rLen).toString("hex")}`);
  return [r, s];
}

describe("SM2 through OpenSSL", () => {
  it("signs with a fresh k each time; both signatures verify, here and in openssl pkeyutl", () => {
    const k = newKey();
    const sign = sm2Signer(k.privateKey, k.point);
    const a = sign(data);
    const b = sign(data);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(false);
    expect(sm2Verify(data, a, k.point)).toBe(true);
    expect(sm2Verify(data, b, k.point)).toBe(true);
    writeFileSync(tmp.path("k.pem"), k.privateKey.export({ type: "pkcs8", format: "pem" }));
    writeFileSync(tmp.path("d"), data);
    writeFileSync(tmp.path("s"), a);
    const out = opensslOrThrow(["pkeyutl", "-verify", "-inkey", tmp.path("k.pem"), "-rawin", "-digest", "sm3", "-pkeyopt", `distid:${SM2_DEFAULT_ID}`, "-in", tmp.path("d"), "-sigfile", tmp.path("s")]);
    expect(out).toMatch(/Signature Verified Successfully/);
  });

  it("computes Z_A as OpenSSL does: a signature over SM3(Z_A||M) made by openssl with distid verifies for other IDs only when they match", () => {
    opensslOrThrow(["genpkey", "-algorithm", "SM2", "-out", tmp.path("o.pem")]);
    opensslOrThrow(["pkey", "-in", tmp.path("o.pem"), "-pubout", "-outform", "DER", "-out", tmp.path("o.der")]);
    const spki = new Uint8Array(readFileSync(tmp.path("o.der")));
    const point = spki.subarray(spki.length - 65);
    writeFileSync(tmp.path("m"), data);
    for (const id of ["alice@example.com", SM2_DEFAULT_ID]) {
      opensslOrThrow(["pkeyutl", "-sign", "-inkey", tmp.path("o.pem"), "-rawin", "-digest", "sm3", "-pkeyopt", `distid:${id}`, "-in", tmp.path("m"), "-out", tmp.path("os")]);
      const sig = new Uint8Array(readFileSync(tmp.path("os")));
      expect(sm2Verify(data, sig, point, id)).toBe(true);
      expect(sm2Verify(data, sig, point, id === SM2_DEFAULT_ID ? "alice@example.com" : SM2_DEFAULT_ID)).toBe(false);
    }
    expect(sm2Z(point).length).toBe(32);
  });

  it("signs with a key read back from PKCS#8 (how every stored or imported SM2 key arrives), and refuses a P-256 key", () => {
    const k = newKey();
    const reread = createPrivateKey({ key: k.privateKey.export({ type: "pkcs8", format: "der" }), format: "der", type: "pkcs8" });
    expect(reread.asymmetricKeyType).not.toBe("ec"); // Node 20 reports it as undefined: the case that broke stored CAs
    const sig = sm2Signer(reread, k.point)(data);
    expect(sm2Verify(data, sig, k.point)).toBe(true);
    writeFileSync(tmp.path("r.pem"), reread.export({ type: "pkcs8", format: "pem" }));
    writeFileSync(tmp.path("rd"), data);
    writeFileSync(tmp.path("rs"), sig);
    const out = opensslOrThrow(["pkeyutl", "-verify", "-inkey", tmp.path("r.pem"), "-rawin", "-digest", "sm3", "-pkeyopt", `distid:${SM2_DEFAULT_ID}`, "-in", tmp.path("rd"), "-sigfile", tmp.path("rs")]);
    expect(out).toMatch(/Signature Verified Successfully/);
    const p256 = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey;
    expect(() => sm2Signer(p256, k.point)).toThrow(/SM2 private key is required/);
  });

  it("refuses plain ECDSA made with the same key on the SM2 curve", () => {
    const k = newKey();
    // A key Node generated is an OpenSSL EC key: Sign with it is ECDSA over SM3(M), no Z_A.
    const s = createSign("sm3");
    s.update(data);
    const ecdsa = new Uint8Array(s.sign(k.privateKey));
    expect(sm2Verify(data, ecdsa, k.point)).toBe(false);
  });

  it("refuses r or s out of [1, n-1], and (r, s+n) forms of a good signature", () => {
    const k = newKey();
    const [r, s] = scalars(sm2Signer(k.privateKey, k.point)(data));
    expect(sm2Verify(data, sigOf(r, s), k.point)).toBe(true);
    for (const [rr, ss] of [
      [0n, s],
      [r, 0n],
      [r + N, s],
      [r, s + N],
      [N, s],
    ] as Array<[bigint, bigint]>) {
      expect(sm2Verify(data, sigOf(rr, ss), k.point)).toBe(false);
    }
  });

  it("refuses a signature that is not canonical DER (long-form length, trailing byte)", () => {
    const k = newKey();
    const good = Buffer.from(sm2Signer(k.privateKey, k.point)(data));
    const longForm = Buffer.concat([Buffer.from([0x30, 0x81, good[1] as number]), good.subarray(2)]);
    const trailing = Buffer.concat([good, Buffer.from([0])]);
    expect(sm2Verify(data, longForm, k.point)).toBe(false);
    expect(sm2Verify(data, trailing, k.point)).toBe(false);
  });

  it("refuses a point that is not on the curve, or of the wrong shape, as false (never a throw)", () => {
    const k = newKey();
    const sig = sm2Signer(k.privateKey, k.point)(data);
    const off = Uint8Array.from(k.point);
    off[64] = (off[64] as number) ^ 1;
    expect(() => sm2PublicKeyObject(off)).toThrow();
    expect(sm2Verify(data, sig, off)).toBe(false);
    expect(sm2Verify(data, sig, k.point.subarray(0, 33))).toBe(false);
    expect(sm2Verify(data, sig, "zz")).toBe(false);
  });
});
