/**
 * Java's PKIX validator as the relying party of caskit's OCSP responder (issue 13): the built `caskit serve`
 * (SQLite) runs with `--ocsp-base-url` pointing at itself on loopback, so the leaves it issues carry its
 * own `/ocsp/<ca>` URL in authorityInfoAccess; then `java test/ocsp/java/OcspCheck.java` validates
 * [leaf, sub-CA] up to the root with a PKIXRevocationChecker set to OCSP only (ONLY_END_ENTITY +
 * NO_FALLBACK: no CRL is consulted) and no responder override — Java finds the responder in the leaf's AIA.
 * A revoked leaf must fail with BasicReason.REVOKED and its revocation reason, a good one must validate,
 * and serve's request log must show the OCSP requests Java sent.
 *
 * RSA and P-256 only: Java has no SM2 (neither the key type nor SM3withSM2 in any JDK provider).
 * Skipped, saying why, when `java` (JDK 11+, which runs a single source file without javac) is not installed.
 */
import { spawn, spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateKeyPair } from "../../src/crypto/keys.js";
import { createCsr } from "../../src/csr/index.js";
import { servedStore } from "../helpers/sdk.js";

const JAVA_SRC = join(import.meta.dirname, "java", "OcspCheck.java");
const javaVersion = spawnSync("java", ["-version"], { encoding: "utf8" });
const hasJava = javaVersion.status === 0;
const WHY_SKIPPED = "java is not installed (apt-get install -y default-jdk-headless; .ci/run does it)";
if (!hasJava) console.warn(`test/ocsp/java.e2e.test.ts skipped: ${WHY_SKIPPED}`);

const SUBJECT = { Organization: "caskit", OrganizationUnit: "java e2e", Locality: "Hangzhou", State: "Zhejiang", CountryCode: "CN" };
const ALGORITHMS = ["RSA_2048", "ECC_256"] as const;
type Algorithm = (typeof ALGORITHMS)[number];

interface Pki {
  sub: string;
  rootPem: string;
  subPem: string;
  good: string;
  revoked: string;
}

let srv: Awaited<ReturnType<typeof servedStore>> | undefined;
const pki: Partial<Record<Algorithm, Pki>> = {};

/** A TCP port free a moment ago: serve must know its own port before it starts, to write it into AIA. */
const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const a = s.address();
      s.close(() => resolve(typeof a === "object" && a ? a.port : 0));
    });
  });

/** Runs `java OcspCheck.java root sub leaf…` (asynchronously: the event loop keeps reading serve's log). */
function javaCheck(p: Pki, leaves: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("java", [JAVA_SRC, p.rootPem, p.subPem, ...leaves], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), 25_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** serve's log lines (pino JSON) of OCSP requests answered successfully for CA `ca`. */
function ocspLines(ca: string): Array<{ method: string; path: string; outcome: string }> {
  return (srv?.logs() ?? "")
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => {
      try {
        return JSON.parse(l) as { action?: string; method: string; path: string; outcome: string };
      } catch {
        return undefined;
      }
    })
    .filter((l): l is { action: string; method: string; path: string; outcome: string } => l?.action === "OCSP" && l.path.startsWith(`/ocsp/${ca}`) && l.outcome === "ok");
}

beforeAll(async () => {
  if (!hasJava) return;
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  // The last --port wins over servedStore's "--port 0"; the OCSP base URL is serve itself.
  srv = await servedStore(["--port", String(port), "--ocsp-base-url", base, "--workers", "1", "--throttle", "0", "--crl-interval", "0", "--dcv-interval", "0"]);
  for (const alg of ALGORITHMS) {
    const root = await srv.call("CreateRootCACertificate", { ...SUBJECT, CommonName: `Java OCSP Root ${alg}`, Algorithm: alg, Years: 5 });
    const sub = await srv.call("CreateSubCACertificate", { ...SUBJECT, CommonName: `Java OCSP Sub ${alg}`, ParentIdentifier: root.Identifier, Algorithm: alg, Years: 2 });
    const pem = async (id: string) => (await srv!.call("DescribeCACertificate", { Identifier: id })).Certificate.X509Certificate as string;
    const leaf = async (name: string) => {
      const csr = createCsr({ key: await generateKeyPair(alg), subject: { commonName: `${name}.java.example.com` } }).pem;
      const r = await srv!.call("CreateServerCertificateWithCsr", { ParentIdentifier: sub.Identifier, Csr: csr, Days: 30, Immediately: 1 });
      const file = srv!.tmp.path(`${alg}-${name}.pem`);
      writeFileSync(file, r.X509Certificate);
      return { id: r.Identifier as string, file };
    };
    const file = (name: string, text: string) => (writeFileSync(srv!.tmp.path(name), text), srv!.tmp.path(name));
    const good = await leaf("good");
    const revoked = await leaf("revoked");
    await srv.call("CreateRevokeClientCertificate", { Identifier: revoked.id, Reason: "keyCompromise" });
    pki[alg] = { sub: sub.Identifier, rootPem: file(`${alg}-root.pem`, await pem(root.Identifier)), subPem: file(`${alg}-sub.pem`, await pem(sub.Identifier)), good: good.file, revoked: revoked.file };
  }
}, 90_000);
afterAll(async () => {
  await srv?.stop();
});

describe.each(ALGORITHMS)("Java PKIX (OCSP only, URL from AIA) against caskit serve, %s", (alg) => {
  it.skipIf(!hasJava)(`good leaf → valid; revoked leaf → CertPathValidatorException REVOKED (keyCompromise); the requests reached serve${hasJava ? "" : ` [skipped: ${WHY_SKIPPED}]`}`, async () => {
    const p = pki[alg] as Pki;
    const aia = spawnSync("openssl", ["x509", "-in", p.good, "-noout", "-ocsp_uri"], { encoding: "utf8" });
    expect(aia.stdout.trim()).toBe(`http://127.0.0.1:${srv?.port}/ocsp/${p.sub}`);
    const before = ocspLines(p.sub).length;
    const r = await javaCheck(p, [p.good, p.revoked]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe(`RESULT ${p.good} VALID`);
    expect(lines[1]).toMatch(new RegExp(`^RESULT ${p.revoked.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} INVALID reason=REVOKED revocationReason=KEY_COMPROMISE index=0 `));
    expect(lines[1]).toMatch(/message=Certificate has been revoked, reason: KEY_COMPROMISE/);
    // One OCSP request per leaf reached serve (Java asks by GET for a request this small), both answered.
    await new Promise((res) => setTimeout(res, 200)); // the log line is written after the answer
    const seen = ocspLines(p.sub).slice(before);
    expect(seen.length).toBeGreaterThanOrEqual(2);
    expect(seen.every((l) => l.method === "GET" || l.method === "POST")).toBe(true);
  });
});
