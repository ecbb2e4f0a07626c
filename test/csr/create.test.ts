import { writeFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { generateKeyPair } from "../../src/crypto/keys.js";
import { createCsr, parseCsr } from "../../src/csr/index.js";
import { openssl, tempDir } from "../helpers/openssl.js";

const tmp = tempDir("caskit-createcsr-");
afterAll(() => tmp.remove());

describe("createCsr", () => {
  it.each(["RSA_2048", "ECC_256", "ECC_384", "ECC_512", "SM2_256"])("makes a %s request that OpenSSL verifies and the policy accepts", async (spec) => {
    const key = await generateKeyPair(spec);
    const csr = createCsr({ key, subject: { commonName: "made.example.com", organization: "caskit", country: "CN" }, sans: ["made.example.com", "10.9.8.7", "2001:db8::9"] });
    const f = tmp.path(`${spec}.csr`);
    writeFileSync(f, csr.pem);
    const args = ["req", "-verify", "-noout", "-in", f];
    // OpenSSL 3.0 checks SM2 request signatures with the empty ID unless told the default one.
    expect(openssl(spec === "SM2_256" ? [...args, "-vfyopt", "distid:1234567812345678"] : args).ok).toBe(true);
    const facts = parseCsr(csr.pem);
    expect(facts.cn).toBe("made.example.com");
    expect(facts.sans.map((s) => s.value)).toEqual(["made.example.com", "10.9.8.7", "2001:db8::9"]);
    expect(Buffer.from(facts.spki).equals(Buffer.from(key.spki))).toBe(true);
  });
  it("refuses a bad name", async () => {
    const key = await generateKeyPair("ECC_256");
    expect(() => createCsr({ key, subject: { commonName: "x.example.com" }, sans: ["bad_name"] })).toThrow(expect.objectContaining({ code: "invalid_name" }));
  });
});
