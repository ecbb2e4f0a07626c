/**
 * `npm run quickstart [DIR]`: the main job from nothing — a root CA, a subordinate CA, a server key
 * and CSR, a server certificate issued from that CSR, the chain and an empty CRL — written to DIR
 * (default ./caskit-quickstart), then checked with OpenSSL when it is installed.
 *
 * CA keys are written only encrypted, with the passphrase in CASKIT_MASTER_PASSPHRASE; without it they
 * stay in memory and are discarded (the durable store arrives with the `caskit` CLI).
 */
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { Issuer, buildCrl, createCsr, createRootCa, createSubCa, exportPrivateKeyPem, generateKeyPair, parseCsr } from "../src/index.js";

const dir = resolve(process.argv[2] ?? "caskit-quickstart");
mkdirSync(dir, { recursive: true });
const put = (name: string, content: string, secret = false) => {
  const p = join(dir, name);
  writeFileSync(p, content, { mode: secret ? 0o600 : 0o644 });
  if (secret) chmodSync(p, 0o600);
  return p;
};

const root = await createRootCa({ subject: { commonName: "caskit Quickstart Root", organization: "caskit", country: "CN" }, algorithm: "ECC_384", years: 10 });
const sub = await createSubCa(root, { subject: { commonName: "caskit Quickstart Issuing CA", organization: "caskit", country: "CN" }, algorithm: "ECC_256", years: 5 });

// What a server's owner does: make a key and a CSR.
const serverKey = await generateKeyPair("ECC_256");
const csrPem = createCsr({ key: serverKey, subject: { commonName: "app.quickstart.test" } }).pem;

// What the CA does: parse and check the CSR, then issue (CreateServerCertificateWithCsr).
const issuer = Issuer.prepare(sub, { crlBaseUrl: "http://127.0.0.1:8080" });
const leaf = issuer.serverFromCsr(parseCsr(csrPem), { domain: "www.quickstart.test,127.0.0.1", days: 90, enableCrl: true });
const now = new Date(leaf.notBefore);
const crl = buildCrl({ issuer: issuer.crlSigner, entries: [], crlNumber: 1, thisUpdate: now, nextUpdate: new Date(now.getTime() + 7 * 86_400_000) });

const files = {
  root: put("root.pem", root.certificatePem),
  sub: put("sub.pem", sub.certificatePem),
  key: put("server.key", exportPrivateKeyPem(serverKey), true),
  csr: put("server.csr", csrPem),
  cert: put("server.pem", leaf.certificatePem),
  chain: put("chain.pem", leaf.chainPem),
  crl: put("sub.crl.pem", crl.pem),
};
const passphrase = process.env.CASKIT_MASTER_PASSPHRASE;
if (passphrase) {
  put("root.key.enc.pem", exportPrivateKeyPem(root.key, { passphrase }), true);
  put("sub.key.enc.pem", exportPrivateKeyPem(sub.key, { passphrase }), true);
}

console.log(`caskit quickstart — files in ${dir}`);
console.log(`  root CA        ${files.root}  (${root.spec.name}, ${root.identifier})`);
console.log(`  issuing CA     ${files.sub}  (${sub.spec.name}, ${sub.identifier})`);
console.log(`  server key     ${files.key}  (0600)`);
console.log(`  server CSR     ${files.csr}`);
console.log(`  server cert    ${files.cert}  serial ${leaf.serialNumber}, ${leaf.sans.map((s) => s.value).join(", ")}, until ${leaf.notAfter.toISOString()}`);
console.log(`  chain          ${files.chain}`);
console.log(`  CRL            ${files.crl}`);
console.log(passphrase ? "  CA keys        written encrypted with CASKIT_MASTER_PASSPHRASE" : "  CA keys        not written (set CASKIT_MASTER_PASSPHRASE to keep them, encrypted)");

const check = spawnSync("openssl", ["verify", "-x509_strict", "-purpose", "sslserver", "-CAfile", files.root, "-untrusted", files.chain, files.cert], { encoding: "utf8" });
if (check.error) console.log("openssl not found: skipped the independent check");
else {
  console.log(`openssl verify: ${(check.stdout + check.stderr).trim()}`);
  if (check.status !== 0) process.exit(1);
}
