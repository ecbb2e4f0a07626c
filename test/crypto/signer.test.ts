import { readFileSync, writeFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { exportPublicKeyPem, generateKeyPair } from "../../src/crypto/keys.js";
import { createSigner } from "../../src/crypto/signer.js";
import { SM2_DEFAULT_ID, sm2Verify } from "../../src/crypto/sm2.js";
import { verifySignature } from "../../src/crypto/verify.js";
import { openssl, opensslOrThrow, tempDir } from "../helpers/openssl.js";

const tmp = tempDir("caskit-signer-");
afterAll(() => tmp.remove());
const data = new TextEncoder().encode("the TBS bytes of something worth signing\n");

/** OpenSSL's verdict on a raw signature over `data`. */
function opensslVerifies(pubPem: string, sig: Uint8Array, digest: string, extra: string[] = []): boolean {
  writeFileSync(tmp.path("pub.pem"), pubPem);
  writeFileSync(tmp.path("data"), data);
  writeFileSync(tmp.path("sig"), sig);
  return openssl(["pkeyutl", "-verify", "-pubin", "-inkey", tmp.path("pub.pem"), "-rawin", "-digest", digest, "-in", tmp.path("data"), "-sigfile", tmp.path("sig"), ...extra]).ok;
}

describe("createSigner", () => {
  it.each([
    ["RSA_2048", "sha256"],
    ["ECC_256", "sha256"],
    ["ECC_384", "sha384"],
    ["ECC_512", "sha512"],
  ])("%s signatures verify with OpenSSL (%s)", async (name, digest) => {
    const key = await generateKeyPair(name);
    const signer = createSigner(key);
    const sig = signer.sign(data);
    expect(opensslVerifies(exportPublicKeyPem(key), sig, digest)).toBe(true);
    const tampered = Uint8Array.from(data);
    tampered[0] = (tampered[0] as number) ^ 1;
    expect(verifySignature(signer.signatureAlgorithm, key.spki, tampered, sig)).toBe(false);
    expect(verifySignature(signer.signatureAlgorithm, key.spki, data, sig)).toBe(true);
  });

  it("SM2 signatures are SM3withSM2 with the default ID, as OpenSSL checks them", async () => {
    const key = await generateKeyPair("SM2_256");
    const sig = createSigner(key).sign(data);
    const pub = exportPublicKeyPem(key);
    expect(opensslVerifies(pub, sig, "sm3", ["-pkeyopt", `distid:${SM2_DEFAULT_ID}`])).toBe(true);
    // OpenSSL 3.0's default is the empty ID: a different Z, so the same signature must fail there.
    expect(opensslVerifies(pub, sig, "sm3")).toBe(false);
  });

  it("verifies an OpenSSL-made SM2 signature and refuses one made with the empty ID", () => {
    opensslOrThrow(["genpkey", "-algorithm", "SM2", "-out", tmp.path("sm2.pem")]);
    writeFileSync(tmp.path("msg"), data);
    opensslOrThrow(["pkey", "-in", tmp.path("sm2.pem"), "-pubout", "-outform", "DER", "-out", tmp.path("pub.der")]);
    const spki = new Uint8Array(readFileSync(tmp.path("pub.der")));
    const point = spki.subarray(spki.length - 65);
    const signWith = (id: string[]) => {
      opensslOrThrow(["pkeyutl", "-sign", "-inkey", tmp.path("sm2.pem"), "-rawin", "-digest", "sm3", "-in", tmp.path("msg"), "-out", tmp.path("s"), ...id]);
      return new Uint8Array(readFileSync(tmp.path("s")));
    };
    expect(sm2Verify(data, signWith(["-pkeyopt", `distid:${SM2_DEFAULT_ID}`]), point)).toBe(true);
    expect(sm2Verify(data, signWith([]), point)).toBe(false);
  });
});
