/**
 * Key usage of leaves, read back by OpenSSL: an RSA server certificate may also encipher (TLS RSA key
 * exchange); a client certificate only signs — keyEncipherment beside clientAuth is the KU/EKU
 * inconsistency zlint and caskit lint flag. EC and SM2 leaves only sign.
 */
import { describe, expect, it } from "vitest";
import { Issuer } from "../../src/issue/index.js";
import { hierarchy } from "../helpers/fixtures.js";
import { openssl } from "../helpers/openssl.js";

const usage = (pem: string) => openssl(["x509", "-noout", "-ext", "keyUsage"], { input: pem }).stdout.split("\n")[1]?.trim();

describe("leaf key usage", () => {
  it.each([
    ["RSA_2048", "Digital Signature, Key Encipherment", "Digital Signature"],
    ["ECC_256", "Digital Signature", "Digital Signature"],
  ])("%s: server %s; client %s", async (alg, server, client) => {
    const { sub } = await hierarchy(alg);
    const issuer = Issuer.prepare(sub);
    expect(usage((await issuer.server({ commonName: "ku.example.com", algorithm: alg, days: 5 })).certificatePem)).toBe(server);
    expect(usage((await issuer.client({ commonName: "ku client", algorithm: alg, days: 5 })).certificatePem)).toBe(client);
  });
});
