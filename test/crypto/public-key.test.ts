/**
 * Every import path gives OpenSSL the same key: a signature verifies through each, a tampered one
 * through none — whichever path this runtime's OpenSSL makes the default.
 */
import { generateKeyPairSync, sign } from "node:crypto";
import { describe, expect, it } from "vitest";
import { checkPublicKey } from "../../src/csr/key.js";
import { readDer } from "../../src/csr/der-reader.js";
import { type ImportMethod, importMethod, importPublicKey } from "../../src/crypto/public-key.js";
import { verify } from "node:crypto";

const data = new TextEncoder().encode("tbs");
const METHODS: ImportMethod[] = ["spki-pem", "spki-der", "jwk", "pkcs1"];

describe("importPublicKey", () => {
  it.each([
    ["rsa", { modulusLength: 2048 }, "sha256"],
    ["ec", { namedCurve: "P-256" }, "sha256"],
    ["ec", { namedCurve: "P-384" }, "sha384"],
  ] as const)("%s %o: every method yields a key that verifies (and refuses a tampered message)", (type, opts, hash) => {
    const { publicKey, privateKey } = generateKeyPairSync(type as "rsa", opts as { modulusLength: number });
    const spki = new Uint8Array(publicKey.export({ type: "spki", format: "der" }));
    const facts = checkPublicKey(spki, readDer(spki));
    const hints = { jwk: facts.jwk ?? undefined, pkcs1: facts.pkcs1 ?? undefined };
    const sig = sign(hash, data, privateKey);
    for (const m of METHODS) {
      const key = importPublicKey(spki, m, hints);
      expect(key.export({ type: "spki", format: "der" }).equals(Buffer.from(spki))).toBe(true);
      expect(verify(hash, data, key, sig)).toBe(true);
      expect(verify(hash, Uint8Array.of(1), key, sig)).toBe(false);
    }
    expect(METHODS).toContain(importMethod(type === "rsa" ? "RSA" : "EC"));
  });
});
