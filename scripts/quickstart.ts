/**
 * `npm run quickstart [DIR]`: the main job from nothing, on the embedded default — a SQLite store at
 * DIR/caskit.db (default DIR ./caskit-quickstart), a root CA, a subordinate CA, and a server certificate
 * issued from a CSR through the same service actions the `caskit` CLI and server use; then the files
 * are written and checked with OpenSSL when it is installed.
 *
 * Keys in the store are encrypted with CASKIT_MASTER_PASSPHRASE; without it the quickstart falls back to
 * the loudly named development key (never do that for a real CA).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { openSession, shellQuote } from "../src/cli/session.js";
import { exportPrivateKeyPem, generateKeyPair } from "../src/crypto/keys.js";
import { createCsr } from "../src/csr/index.js";
import { toPem } from "../src/internal/pem.js";
import { currentCrl } from "../src/service/index.js";

const dir = resolve(process.argv[2] ?? "caskit-quickstart");
mkdirSync(dir, { recursive: true });
// Without a master passphrase the quickstart uses the public development key — and says so, with the
// variable every later command on this store then needs (the CLI refuses the store without it).
const devKey = !process.env.CASKIT_MASTER_PASSPHRASE && !process.env.CASKIT_MASTER_PASSPHRASE_FILE;
if (devKey) {
  process.env.CASKIT_DEV_INSECURE_NO_PASSPHRASE = "1";
  console.error(
    "caskit quickstart: CASKIT_MASTER_PASSPHRASE is not set, so this throwaway store's keys are encrypted with the PUBLIC development key;\n" +
      "  commands on it need CASKIT_DEV_INSECURE_NO_PASSPHRASE=1 (as printed below). For a real CA set CASKIT_MASTER_PASSPHRASE (or _FILE) first.",
  );
}
const put = (name: string, content: string | Uint8Array, secret = false) => {
  const p = join(dir, name);
  writeFileSync(p, content, { mode: secret ? 0o600 : 0o644 });
  return p;
};

const data = join(dir, "caskit.db");

/**
 * A command that works as printed, from any directory: the built CLI by absolute path (with the build
 * first when dist/ is missing), and the development-key variable when the store was made with it. With a
 * real passphrase the user's environment already holds it (never printed).
 */
function nextCommand(store: string): string {
  const repo = resolve(import.meta.dirname, "..");
  const bin = join(repo, "dist", "cli", "main.js");
  const build = existsSync(bin) ? "" : `(cd ${shellQuote(repo)} && npm run build) && `;
  const env = devKey ? "CASKIT_DEV_INSECURE_NO_PASSPHRASE=1 " : "";
  const same = devKey ? "" : "   (with the same CASKIT_MASTER_PASSPHRASE / CASKIT_MASTER_PASSPHRASE_FILE in the environment)";
  return `${build}${env}node ${shellQuote(bin)} --data ${shellQuote(store)} cert list${same}`;
}
const s = await openSession({ data, crlBaseUrl: "http://127.0.0.1:8080" });
try {
  const root = await s.call("CreateRootCACertificate", { CommonName: "caskit Quickstart Root", Organization: "caskit", CountryCode: "CN", Algorithm: "ECC_384", Years: 10 });
  const sub = await s.call("CreateSubCACertificate", { ParentIdentifier: root.Identifier, CommonName: "caskit Quickstart Issuing CA", Organization: "caskit", Algorithm: "ECC_256", Years: 5, EnableCrl: 1 });

  // What a server's owner does: make a key and a CSR.
  const serverKey = await generateKeyPair("ECC_256");
  const csrPem = createCsr({ key: serverKey, subject: { commonName: "app.quickstart.test" } }).pem;

  // What the CA does (CreateServerCertificateWithCsr): check the CSR, issue, commit, return the chain.
  const leaf = await s.call("CreateServerCertificateWithCsr", { ParentIdentifier: sub.Identifier, Csr: csrPem, Domain: "www.quickstart.test,127.0.0.1", Days: 90, Immediately: 2 });
  const crl = await s.store.transaction(async (tx) => currentCrl(s.ctx, tx, (await tx.cas.get(s.ctx.tenantId, sub.Identifier))!));

  const files = {
    root: put("root.pem", root.Certificate),
    sub: put("sub.pem", sub.Certificate),
    key: put("server.key", exportPrivateKeyPem(serverKey), true),
    csr: put("server.csr", csrPem),
    cert: put("server.pem", leaf.X509Certificate),
    chain: put("chain.pem", leaf.CertificateChain),
    crl: put("sub.crl.pem", toPem("X509 CRL", crl.der)),
  };
  console.log(`caskit quickstart — store and files in ${dir}`);
  console.log(`  store (SQLite)  ${data}  (CA keys inside, encrypted)`);
  console.log(`  root CA         ${files.root}  ${root.Identifier}`);
  console.log(`  issuing CA      ${files.sub}  ${sub.Identifier}`);
  console.log(`  server key      ${files.key}  (0600)`);
  console.log(`  server CSR      ${files.csr}`);
  console.log(`  server cert     ${files.cert}  ${leaf.Identifier}, serial ${leaf.SerialNumber}`);
  console.log(`  chain           ${files.chain}`);
  console.log(`  CRL             ${files.crl}`);
  console.log(`next: ${nextCommand(data)}`);
  const check = spawnSync("openssl", ["verify", "-x509_strict", "-purpose", "sslserver", "-CAfile", files.root, "-untrusted", files.chain, files.cert], { encoding: "utf8" });
  if (check.error) console.log("openssl not found: skipped the independent check");
  else {
    console.log(`openssl verify: ${(check.stdout + check.stderr).trim()}`);
    if (check.status !== 0) process.exitCode = 1;
  }
} finally {
  await s.close();
}
