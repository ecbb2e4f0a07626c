import { readFileSync, writeFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { KEY_SPECS, keySpec } from "../../src/crypto/algorithms.js";
import {
  EXPORT_PBKDF2_ITERATIONS,
  exportPrivateKeyPem,
  exportPrivateKeyPemAsync,
  exportPublicKeyPem,
  generateKeyPair,
  importPrivateKey,
} from "../../src/crypto/keys.js";
import { KeyError } from "../../src/errors.js";
import { openssl, opensslOrThrow, tempDir } from "../helpers/openssl.js";

const tmp = tempDir("caskit-keys-");
afterAll(() => tmp.remove());

describe("keySpec", () => {
  it.each(Object.keys(KEY_SPECS).filter((n) => n !== "RSA_1024"))("resolves %s", (name) => {
    expect(keySpec(name).name).toBe(name);
  });
  it("refuses RSA_1024 unless allowLegacy is passed", () => {
    expect(() => keySpec("RSA_1024")).toThrow(expect.objectContaining({ code: "unsupported_algorithm" }));
    expect(keySpec("RSA_1024", { allowLegacy: true }).bits).toBe(1024);
  });
  it("refuses unknown names with unsupported_algorithm", () => {
    expect(() => keySpec("ED25519")).toThrow(KeyError);
  });
  it("signs with the hash that follows the key (docs/architecture.md)", () => {
    expect(keySpec("RSA_4096").signature.name).toBe("sha256WithRSAEncryption");
    expect(keySpec("ECC_256").signature.name).toBe("ecdsa-with-SHA256");
    expect(keySpec("ECC_384").signature.name).toBe("ecdsa-with-SHA384");
    expect(keySpec("ECC_512").signature.name).toBe("ecdsa-with-SHA512");
    expect(keySpec("SM2_256").signature.name).toBe("SM3withSM2");
  });
});

describe("generateKeyPair / exportPrivateKeyPem", () => {
  it.each(["RSA_2048", "ECC_256", "ECC_384", "ECC_512", "SM2_256"])("makes a %s key that OpenSSL reads encrypted and plain", async (name) => {
    const key = await generateKeyPair(name);
    expect(key.spec.name).toBe(name);
    const enc = exportPrivateKeyPem(key, { passphrase: "s3cret pass" });
    expect(enc).toContain("BEGIN ENCRYPTED PRIVATE KEY");
    writeFileSync(tmp.path(`${name}.enc.pem`), enc);
    // OpenSSL opens it with the passphrase and derives the same public key.
    const pub = opensslOrThrow(["pkey", "-in", tmp.path(`${name}.enc.pem`), "-passin", "pass:s3cret pass", "-pubout"]);
    expect(pub).toBe(exportPublicKeyPem(key));
    // ... and not without it.
    expect(openssl(["pkey", "-in", tmp.path(`${name}.enc.pem`), "-passin", "pass:wrong", "-noout"]).ok).toBe(false);
    expect(exportPrivateKeyPem(key)).toContain("BEGIN PRIVATE KEY");
  });
  it("refuses an empty passphrase", async () => {
    const key = await generateKeyPair("ECC_256");
    expect(() => exportPrivateKeyPem(key, { passphrase: "" })).toThrow(expect.objectContaining({ code: "bad_passphrase" }));
  });
});

describe("encrypted export: a real passphrase and a modern KDF (issue 14 #9)", () => {
  it.each(["x", "1234567"])("refuses the passphrase %j (under 8 characters), sync and async", async (p) => {
    const key = await generateKeyPair("ECC_256");
    expect(() => exportPrivateKeyPem(key, { passphrase: p })).toThrow(expect.objectContaining({ code: "bad_passphrase" }));
    await expect(exportPrivateKeyPemAsync(key, { passphrase: p })).rejects.toMatchObject({ code: "bad_passphrase" });
  });
  it.each([
    ["sync", exportPrivateKeyPem],
    ["async", exportPrivateKeyPemAsync],
  ] as const)("%s: PBES2 with PBKDF2-HMAC-SHA256 × 600,000 and AES-256-CBC, as OpenSSL reads it", async (_n, exportPem) => {
    expect(EXPORT_PBKDF2_ITERATIONS).toBe(600_000);
    const key = await generateKeyPair("ECC_256");
    const pem = await exportPem(key, { passphrase: "12345678" });
    const file = tmp.path(`kdf-${_n}.pem`);
    writeFileSync(file, pem);
    // The independent judge: OpenSSL opens it with the passphrase (and not without), same public key.
    expect(opensslOrThrow(["pkey", "-in", file, "-passin", "pass:12345678", "-pubout"])).toBe(exportPublicKeyPem(key));
    expect(openssl(["pkey", "-in", file, "-passin", "pass:12345679", "-noout"]).ok).toBe(false);
    // …and says what it is: PBES2, PBKDF2, 600,000 iterations, hmacWithSHA256, AES-256-CBC.
    const asn1 = opensslOrThrow(["asn1parse", "-in", file]);
    expect(asn1).toMatch(/:PBES2/);
    expect(asn1).toMatch(/:PBKDF2/);
    expect(asn1).toMatch(/INTEGER\s+:0927C0/); // 600,000
    expect(asn1).toMatch(/:hmacWithSHA256/);
    expect(asn1).toMatch(/:aes-256-cbc/);
    // Two exports differ (fresh salt and IV) and Node reads them back.
    expect(await exportPem(key, { passphrase: "12345678" })).not.toBe(pem);
    expect(Buffer.from(importPrivateKey(pem, { passphrase: "12345678" }).spki).equals(Buffer.from(key.spki))).toBe(true);
  });
  it("SM2 and RSA keys export the same way", async () => {
    for (const spec of ["SM2_256", "RSA_2048"]) {
      const key = await generateKeyPair(spec);
      const file = tmp.path(`kdf-${spec}.pem`);
      writeFileSync(file, await exportPrivateKeyPemAsync(key, { passphrase: "pa55,word#" }));
      expect(opensslOrThrow(["pkey", "-in", file, "-passin", "pass:pa55,word#", "-pubout"])).toBe(exportPublicKeyPem(key));
    }
  });
});

describe("importPrivateKey", () => {
  it.each([
    ["RSA_2048", ["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"]],
    ["ECC_256", ["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"]],
    ["ECC_384", ["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384"]],
    ["ECC_512", ["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-521"]],
    ["SM2_256", ["genpkey", "-algorithm", "SM2"]],
  ])("reads an OpenSSL-made %s key, plain and encrypted", (name, args) => {
    const file = tmp.path(`ossl-${name}.pem`);
    opensslOrThrow([...args, "-out", file]);
    const plain = importPrivateKey(readFileSync(file, "utf8"));
    expect(plain.spec.name).toBe(name);
    opensslOrThrow(["pkcs8", "-topk8", "-in", file, "-passout", "pass:pw", "-out", `${file}.enc`]);
    expect(importPrivateKey(readFileSync(`${file}.enc`), { passphrase: "pw" }).spec.name).toBe(name);
    expect(() => importPrivateKey(readFileSync(`${file}.enc`), { passphrase: "nope" })).toThrow(expect.objectContaining({ code: "bad_passphrase" }));
  });
  it("refuses an RSA-1024 key unless allowLegacy", () => {
    const file = tmp.path("rsa1024.pem");
    opensslOrThrow(["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:1024", "-out", file]);
    expect(() => importPrivateKey(readFileSync(file, "utf8"))).toThrow(expect.objectContaining({ code: "unsupported_algorithm" }));
    expect(importPrivateKey(readFileSync(file, "utf8"), { allowLegacy: true }).spec.bits).toBe(1024);
  });
  it.each([
    ["garbage text", "not a key"],
    ["a certificate label", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"],
  ])("refuses %s with bad_key, without echoing the input", (_n, input) => {
    try {
      importPrivateKey(input);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(KeyError);
      expect((e as KeyError).code).toBe("bad_key");
      expect((e as Error).message).not.toContain(input);
    }
  });
  it("refuses an Ed25519 key as unsupported", () => {
    const file = tmp.path("ed.pem");
    opensslOrThrow(["genpkey", "-algorithm", "ED25519", "-out", file]);
    expect(() => importPrivateKey(readFileSync(file, "utf8"))).toThrow(expect.objectContaining({ code: "unsupported_algorithm" }));
  });
});
