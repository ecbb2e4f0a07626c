/**
 * Regenerates vectors/csr/: a corpus of good and bad CSRs from several independent producers
 * (OpenSSL 3, Java keytool, GnuTLS certtool) plus hand-made malformed variants, and index.json with
 * the verdict CSR-POLICY.md expects for each. Run: `npm run vectors` (needs openssl, keytool, certtool;
 * `apt-get install -y gnutls-bin default-jdk-headless` on Debian).
 */
import { execFileSync } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as B from "../test/helpers/csr-builder.js";
import { concat, smallInteger } from "../src/internal/der.js";

type Expect = "ok" | { code: string };
interface Entry {
  file: string;
  expect: Expect;
  note: string;
  source: string;
}

const OUT = join(dirname(fileURLToPath(import.meta.url)), "csr");
const work = mkdtempSync(join(tmpdir(), "caskit-vectors-"));
const entries: Entry[] = [];
const run = (cmd: string, args: string[], input?: string) => execFileSync(cmd, args, { cwd: work, input, stdio: ["pipe", "pipe", "pipe"] }).toString();
const version = (cmd: string, args: string[]) => {
  try {
    return execFileSync(cmd, args, { stdio: ["ignore", "pipe", "pipe"] }).toString().split("\n")[0]?.trim() ?? cmd;
  } catch (e) {
    return ((e as { stderr?: Buffer }).stderr?.toString().split("\n")[0] ?? cmd).trim();
  }
};

function add(file: string, content: string | Uint8Array, expect: Expect, note: string, source: string): void {
  writeFileSync(join(OUT, file), content);
  entries.push({ file, expect, note, source });
}

rmSync(OUT, { recursive: true, force: true });
mkdirSync(OUT, { recursive: true });

// ---- OpenSSL ------------------------------------------------------------------------------
const OSSL = version("openssl", ["version"]);
const key = (name: string, args: string[]) => {
  run("openssl", ["genpkey", ...args, "-out", `${name}.key`]);
  return `${name}.key`;
};
const req = (k: string, subj: string, extra: string[] = []) => run("openssl", ["req", "-new", "-key", k, "-subj", subj, ...extra]);
const rsa = key("rsa2048", ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"]);
const p256 = key("p256", ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"]);
const p384 = key("p384", ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384"]);
const p521 = key("p521", ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-521"]);
const sm2 = key("sm2", ["-algorithm", "SM2"]);
const rsa1024 = key("rsa1024", ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:1024"]);
const k1 = key("k1", ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:secp256k1"]);
const bp = key("bp", ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:brainpoolP256r1"]);
const ed = key("ed", ["-algorithm", "ED25519"]);
const san = (s: string) => ["-addext", `subjectAltName=${s}`];

const goodPem = req(p256, "/CN=www.example.com", san("DNS:www.example.com,IP:192.0.2.10"));
add("openssl-p256.pem", goodPem, "ok", "P-256, ecdsa-with-SHA256, DNS and IP SANs", OSSL);
add("openssl-rsa2048.pem", req(rsa, "/C=CN/O=Example/CN=rsa.example.com"), "ok", "RSA-2048, sha256WithRSAEncryption", OSSL);
add("openssl-rsa2048-sha512.pem", req(rsa, "/CN=rsa.example.com", ["-sha512"]), "ok", "RSA-2048, sha512WithRSAEncryption", OSSL);
add("openssl-p384.pem", req(p384, "/CN=p384.example.com", ["-sha384"]), "ok", "P-384, ecdsa-with-SHA384", OSSL);
add("openssl-p521.pem", req(p521, "/CN=p521.example.com", ["-sha512"]), "ok", "P-521, ecdsa-with-SHA512", OSSL);
add("openssl-p256-sha384.pem", req(p256, "/CN=mix.example.com", ["-sha384"]), "ok", "hash and curve need not match", OSSL);
add("openssl-sm2.pem", req(sm2, "/CN=sm2.example.com", ["-sm3", "-sigopt", "distid:1234567812345678"]), "ok", "SM2 with the default ID", OSSL);
add("openssl-wildcard.pem", req(p256, "/CN=*.example.com"), "ok", "wildcard CN", OSSL);
add("openssl-ip-cn.pem", req(p256, "/CN=192.0.2.1"), "ok", "IPv4 CN", OSSL);
add("openssl-nocn-san.pem", req(p256, "/O=Example", san("DNS:nocn.example.com")), "ok", "no CN, DNS SAN", OSSL);
add("openssl-p256.der", new Uint8Array(Buffer.from(goodPem.replace(/-----[^-]+-----|\s/g, ""), "base64")), "ok", "DER form", OSSL);
add("openssl-sm2-empty-id.pem", req(sm2, "/CN=sm2.example.com", ["-sm3"]), { code: "bad_signature" }, "SM2 signed with OpenSSL 3.0's empty default ID", OSSL);
add("openssl-rsa1024.pem", req(rsa1024, "/CN=weak.example.com"), { code: "weak_key" }, "RSA-1024", OSSL);
add("openssl-secp256k1.pem", req(k1, "/CN=k1.example.com"), { code: "unsupported_key" }, "secp256k1", OSSL);
add("openssl-brainpool.pem", req(bp, "/CN=bp.example.com"), { code: "unsupported_key" }, "brainpoolP256r1", OSSL);
add("openssl-ed25519.pem", req(ed, "/CN=ed.example.com"), { code: "unsupported_key" }, "Ed25519", OSSL);
add("openssl-sha1.pem", req(rsa, "/CN=sha1.example.com", ["-sha1"]), { code: "unsupported_signature" }, "sha1WithRSAEncryption", OSSL);
add("openssl-pss.pem", req(rsa, "/CN=pss.example.com", ["-sigopt", "rsa_padding_mode:pss"]), { code: "unsupported_signature" }, "RSASSA-PSS signature", OSSL);
add("openssl-email-san.pem", req(p256, "/CN=a.example.com", san("email:a@example.com")), { code: "bad_name" }, "e-mail SAN", OSSL);
add("openssl-two-cn.pem", req(p256, "/CN=a.example.com/CN=b.example.com"), { code: "bad_subject" }, "two CNs", OSSL);
add("openssl-no-name.pem", req(p256, "/O=Example"), { code: "missing_cn" }, "no CN and no SAN", OSSL);
add("openssl-underscore.pem", req(p256, "/CN=a_b.example.com"), { code: "bad_name" }, "underscore in CN", OSSL);
add("openssl-ulabel.pem", req(p256, "/CN=bücher.example", ["-utf8"]), { code: "bad_name" }, "U-label CN", OSSL);

// ---- hand-made armour and DER variants of the good OpenSSL request -------------------------
const HAND = "hand-made from openssl-p256.pem (vectors/generate.ts)";
const der = new Uint8Array(Buffer.from(goodPem.replace(/-----[^-]+-----|\s/g, ""), "base64"));
const b64 = Buffer.from(der).toString("base64");
add("armor-crlf-bom-text.pem", `\ufeffSubject: CN=www.example.com\r\n\r\n${goodPem.replace(/\n/g, "\r\n")}`, "ok", "BOM, CRLF, explanatory text before BEGIN", HAND);
add("armor-one-line.pem", `-----BEGIN CERTIFICATE REQUEST-----\n${b64}\n-----END CERTIFICATE REQUEST-----`, "ok", "one long base64 line, no final newline", HAND);
add("armor-legacy-label.pem", goodPem.replace(/CERTIFICATE REQUEST/g, "NEW CERTIFICATE REQUEST"), "ok", "legacy NEW CERTIFICATE REQUEST label", HAND);
add("armor-bare-base64.txt", b64, { code: "parse_error" }, "bare base64", HAND);
add("armor-label-mismatch.pem", goodPem.replace("END CERTIFICATE REQUEST", "END NEW CERTIFICATE REQUEST"), { code: "parse_error" }, "BEGIN/END labels differ", HAND);
add("armor-wrong-label.pem", goodPem.replace(/CERTIFICATE REQUEST/g, "CERTIFICATE"), { code: "parse_error" }, "CERTIFICATE label", HAND);
add("armor-no-end.pem", goodPem.replace(/-----END[^\n]*\n/, ""), { code: "parse_error" }, "END line missing", HAND);
add("armor-bad-base64.pem", goodPem.replace(/\n(.)/, "\n*$1"), { code: "parse_error" }, "character outside base64", HAND);
add("armor-empty.pem", "-----BEGIN CERTIFICATE REQUEST-----\n-----END CERTIFICATE REQUEST-----\n", { code: "parse_error" }, "empty body", HAND);
add("armor-two-blocks.pem", goodPem + goodPem, { code: "trailing_data" }, "two PEM blocks", HAND);
add("der-trailing.der", concat([der, Uint8Array.of(0x00, 0x00)]), { code: "trailing_data" }, "bytes after the DER", HAND);
add("der-truncated.der", der.subarray(0, der.length - 7), { code: "parse_error" }, "truncated DER", HAND);
const longLen = der[1] === 0x81 ? concat([Uint8Array.of(0x30, 0x82, 0x00), der.subarray(2)]) : concat([Uint8Array.of(0x30, 0x83, 0x00), der.subarray(2)]);
add("der-nonminimal-length.der", longLen, { code: "parse_error" }, "non-minimal outer length", HAND);
const header = der[1] === 0x81 ? 3 : der[1] === 0x82 ? 4 : 2;
add("der-indefinite.der", concat([Uint8Array.of(0x30, 0x80), der.subarray(header), Uint8Array.of(0, 0)]), { code: "parse_error" }, "indefinite length", HAND);
add("oversize.pem", `${goodPem}${"\n".repeat(70_000)}`, { code: "too_large" }, "over 64 KiB", HAND);

// Re-signed requests that break a structural rule while the signature stays valid.
const ec = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
const spki = new Uint8Array(ec.publicKey.export({ format: "der", type: "spki" }));
const subject = B.name(B.cn("built.example.com"));
const signed = (p: Partial<B.RequestParts>) => B.csrPem(B.signRequest(B.requestInfo({ subject, spki, ...p }), ec.privateKey));
const BUILT = "built and signed by vectors/generate.ts (Node crypto)";
add("built-version1.pem", signed({ version: smallInteger(1) }), { code: "parse_error" }, "version 1 (v2)", BUILT);
add("built-no-attributes.pem", signed({ attributes: null }), { code: "parse_error" }, "[0] attributes absent", BUILT);
add("built-two-san.pem", signed({ attributes: B.attributes(B.sanExtension(B.dns("a.example.com")), B.sanExtension(B.dns("b.example.com"))) }), { code: "parse_error" }, "two SAN extensions", BUILT);
add("built-ipv6-san.pem", signed({ attributes: B.attributes(B.sanExtension(B.ip([0x20, 0x01, 0x0d, 0xb8, ...new Array(11).fill(0), 1]))) }), "ok", "IPv6 SAN", BUILT);

// ---- Java keytool ---------------------------------------------------------------------------
try {
  const KT = `keytool (${version("java", ["-version"])})`;
  const kt = (alias: string, alg: string[], sig: string, dname: string, ext: string[] = []) => {
    run("keytool", ["-genkeypair", "-keystore", "ks.p12", "-storetype", "PKCS12", "-storepass", "changeit", "-alias", alias, ...alg, "-dname", dname, "-validity", "30"]);
    run("keytool", ["-certreq", "-keystore", "ks.p12", "-storepass", "changeit", "-alias", alias, "-sigalg", sig, "-file", `${alias}.csr`, ...ext]);
    return readFileSync(join(work, `${alias}.csr`), "utf8");
  };
  add("keytool-rsa2048.pem", kt("r", ["-keyalg", "RSA", "-keysize", "2048"], "SHA256withRSA", "CN=keytool.example.com, O=Example", ["-ext", "SAN=dns:keytool.example.com,ip:192.0.2.5"]), "ok", "RSA-2048 with SANs, NEW CERTIFICATE REQUEST label", KT);
  add("keytool-p256.pem", kt("e", ["-keyalg", "EC", "-groupname", "secp256r1"], "SHA256withECDSA", "CN=ec.keytool.example.com"), "ok", "P-256", KT);
  add("keytool-p384.pem", kt("e3", ["-keyalg", "EC", "-groupname", "secp384r1"], "SHA384withECDSA", "CN=ec3.keytool.example.com"), "ok", "P-384", KT);
  add("keytool-sha1.pem", kt("s", ["-keyalg", "RSA", "-keysize", "2048"], "SHA1withRSA", "CN=sha1.keytool.example.com"), { code: "unsupported_signature" }, "SHA1withRSA", KT);
  add("keytool-rsa1024.pem", kt("w", ["-keyalg", "RSA", "-keysize", "1024"], "SHA256withRSA", "CN=weak.keytool.example.com"), { code: "weak_key" }, "RSA-1024", KT);
} catch (e) {
  console.error(`keytool vectors skipped: ${(e as Error).message.split("\n")[0]}`);
}

// ---- GnuTLS certtool ------------------------------------------------------------------------
try {
  const CT = version("certtool", ["--version"]);
  const ct = (name: string, keyArgs: string[], template: string) => {
    run("certtool", ["--generate-privkey", ...keyArgs, "--outfile", `${name}.key`]);
    writeFileSync(join(work, `${name}.tmpl`), template);
    return run("certtool", ["--generate-request", "--load-privkey", `${name}.key`, "--template", `${name}.tmpl`]);
  };
  add("certtool-rsa2048.pem", ct("ctr", ["--key-type", "rsa", "--bits", "2048"], 'cn = "certtool.example.com"\ndns_name = "certtool.example.com"\nip_address = "192.0.2.7"\n'), "ok", "RSA-2048, text before the PEM block", CT);
  add("certtool-p256.pem", ct("cte", ["--key-type", "ecdsa", "--curve", "secp256r1"], 'cn = "ec.certtool.example.com"\n'), "ok", "P-256", CT);
  add("certtool-email.pem", ct("ctm", ["--key-type", "ecdsa", "--curve", "secp256r1"], 'cn = "m.certtool.example.com"\nemail = "m@example.com"\n'), { code: "bad_name" }, "e-mail SAN", CT);
} catch (e) {
  console.error(`certtool vectors skipped: ${(e as Error).message.split("\n")[0]}`);
}

writeFileSync(join(OUT, "index.json"), `${JSON.stringify(entries, null, 2)}\n`);
rmSync(work, { recursive: true, force: true });
console.log(`${entries.length} vectors in ${OUT} (${readdirSync(OUT).length - 1} files)`);
