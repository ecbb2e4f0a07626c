/**
 * Partitioned CRLs through the doors users take: the built CLI (every command a fresh process) and the
 * built `caskit serve` over HTTP, on a SQLite file and on a PostgreSQL schema of this run's own, for RSA,
 * P-256 and SM2. OpenSSL judges: `openssl verify -crl_check` with a shard (RSA, P-256); SM2 CRL
 * signatures on the raw TBS with SM3 and the default ID, as test/matrix/families.test.ts does (OpenSSL
 * 3.0 checks a CRL's SM2 signature with the empty ID, so `verify -crl_check` cannot), with the IDP and
 * the entries read by `openssl crl -text`.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toPem } from "../../src/internal/pem.js";
import { assertBuilt } from "../helpers/cli.js";
import { SM2_SIGOPT } from "../helpers/fixtures.js";
import { tempDir } from "../helpers/openssl.js";
import { type Run, caskit, openssl, opensslOrThrow, pgQuery, urlWithSchema, verifySm2CrlSignature } from "../matrix/support.js";
import { type Served, startServe } from "./serve-helper.js";

/** startServe's --crl-base-url: certificates' CDPs and the shards' IDPs name it. */
const BASE = "http://127.0.0.1:1";
const TIMEOUT = 170_000;
const tmp = tempDir("caskit-shards-e2e-");
const schema = `caskit_shards_${process.pid}_${Date.now()}`;
type StoreName = "SQLite" | "PostgreSQL";
const STORES: StoreName[] = process.env.CASKIT_SKIP_PG === "1" ? ["SQLite"] : ["SQLite", "PostgreSQL"];
const FAMILIES = [
  { spec: "RSA_2048", csrKey: ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"], sm2: false },
  { spec: "ECC_256", csrKey: ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"], sm2: false },
  { spec: "SM2_256", csrKey: ["-algorithm", "SM2"], sm2: true },
];
const stores = {} as Record<StoreName, { env: Record<string, string>; served: Served }>;

async function ok(p: Promise<Run>): Promise<Run> {
  const r = await p;
  if (!r.ok) throw new Error(`command failed:\n${r.text}`);
  return r;
}

beforeAll(async () => {
  assertBuilt();
  if (STORES.includes("PostgreSQL")) await pgQuery(`CREATE SCHEMA ${schema}`);
  for (const name of STORES) {
    const env = { CASKIT_DATA: name === "SQLite" ? tmp.path("shards.db") : urlWithSchema(schema), CASKIT_MASTER_PASSPHRASE: "shard tests", CASKIT_CRL_BASE_URL: BASE };
    await ok(caskit(["init"], env));
    // --crl-interval 0: every shard below is built on demand, by the CLI or by a GET.
    stores[name] = { env, served: await startServe(env, ["--throttle", "0", "--quiet", "--workers", "1", "--crl-interval", "0"]) };
  }
}, 60_000);
afterAll(async () => {
  await Promise.all(Object.values(stores).map((s) => s.served.stop()));
  if (STORES.includes("PostgreSQL")) await pgQuery(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  tmp.remove();
});

interface Leaf {
  id: string;
  file: string;
  serial: string;
  cdp: string;
}

const cdpOf = async (certFile: string) => [...(await opensslOrThrow(["x509", "-in", certFile, "-noout", "-ext", "crlDistributionPoints"])).matchAll(/URI:(\S+)/g)].map((m) => m[1] as string);
const shardUrl = (ca: string, k: number) => `${BASE}/crl/${ca}/${k}.crl`;
const shardOfUrl = (url: string) => Number(/\/(\d+)\.crl$/.exec(url)?.[1] ?? Number.NaN);
/** Serial numbers a CRL lists (uppercase hex as OpenSSL prints them) and its text. */
async function crlText(pem: string, dir: string, tag: string) {
  const f = join(dir, `${tag}.text.pem`);
  writeFileSync(f, pem);
  const text = await opensslOrThrow(["crl", "-in", f, "-noout", "-text"]);
  return { text, serials: [...text.matchAll(/Serial Number: ([0-9A-F]+)/g)].map((m) => m[1] as string) };
}

for (const f of FAMILIES) {
  for (const store of STORES) {
    it(`${f.spec} on ${store}: CLI and serve — shard CDPs, IDP, revoked/good/other-shard verdicts, full CRL, changing N`, async () => {
      const { env, served } = stores[store];
      const dir = tmp.path(`${f.spec}-${store}`);
      mkdirSync(dir, { recursive: true });
      const path = (n: string) => join(dir, n);

      // The hierarchy and four shards, each step its own process.
      const root = (await ok(caskit(["--json", "ca", "create-root", "--cn", `Shard Root ${f.spec}`, "--years", "10", "--algorithm", f.spec], env))).json();
      writeFileSync(path("root.pem"), root.Certificate);
      const sub = (await ok(caskit(["--json", "ca", "create-sub", "--parent", root.Identifier, "--cn", `Shard Sub ${f.spec}`, "--years", "5", "--algorithm", f.spec, "--enable-crl"], env))).json();
      const subId: string = sub.Identifier;
      writeFileSync(path("sub.pem"), sub.Certificate);
      expect((await ok(caskit(["--json", "crl", "shards", "--ca", subId, "--count", "4"], env))).json()).toEqual({ ca: subId, shards: 4, shardsPublished: 4, changed: true });
      const refused = await caskit(["--json", "crl", "shards", "--ca", root.Identifier, "--count", "4"], env);
      expect(refused.status, refused.text).toBe(1);

      // Leaves from one CSR (no key generation per leaf): each names shard serial mod 4.
      await opensslOrThrow(["genpkey", ...f.csrKey, "-out", path("csr.key")]);
      await opensslOrThrow(["req", "-new", "-key", path("csr.key"), "-subj", `/CN=shard.${f.spec.toLowerCase().replace("_", "-")}.example.com`, "-out", path("leaf.csr"), ...(f.sm2 ? SM2_SIGOPT : [])]);
      const leaves: Leaf[] = [];
      for (let i = 0; i < 8; i++) {
        const r = (await ok(caskit(["--json", "issue", "server", "--ca", subId, "--csr", path("leaf.csr"), "--days", "30", "--enable-crl", "--out", path("out")], env))).json();
        const file: string = r.files.certificate;
        const serial = (await opensslOrThrow(["x509", "-in", file, "-noout", "-serial"])).trim().replace(/^serial=/, "");
        const cdp = await cdpOf(file);
        expect(cdp).toEqual([shardUrl(subId, Number(BigInt(`0x${serial}`) % 4n))]);
        leaves.push({ id: r.Identifier, file, serial, cdp: cdp[0] as string });
      }
      const victim = leaves[0] as Leaf;
      const kV = shardOfUrl(victim.cdp);
      const sibling = leaves.find((l) => l !== victim && l.cdp === victim.cdp);
      const other = leaves.find((l) => l.cdp !== victim.cdp) as Leaf; // 8 random serials in one shard of 4: odds 4⁻⁷
      const kO = shardOfUrl(other.cdp);
      await ok(caskit(["cert", "revoke", victim.id, "--reason", "keyCompromise"], env));

      // The CLI: the victim's shard, another shard, the full CRL.
      const cliCrl = async (args: string[], tag: string) => {
        const r = (await ok(caskit(["--json", "crl", "--ca", subId, ...args, "--out", path(`${tag}.pem`)], env))).json();
        return { number: BigInt(r.crlNumber), pem: await (await import("node:fs/promises")).readFile(path(`${tag}.pem`), "utf8") };
      };
      const own = await cliCrl(["--shard", String(kV)], "cli-own");
      const oth = await cliCrl(["--shard", String(kO)], "cli-other");
      const full = await cliCrl([], "cli-full");
      expect(new Set([own.number, oth.number, full.number]).size).toBe(3); // one sequence: never the same number twice

      const ownText = await crlText(own.pem, dir, "own");
      expect(ownText.text).toContain("X509v3 Issuing Distribution Point: critical");
      expect(ownText.text).toContain(`URI:${victim.cdp}`);
      expect(ownText.text).toContain("Only User Certificates");
      expect(ownText.serials).toEqual([victim.serial]);
      expect(ownText.text).toContain("Key Compromise");
      const othText = await crlText(oth.pem, dir, "oth");
      expect(othText.text).toContain(`URI:${other.cdp}`);
      expect(othText.serials).not.toContain(victim.serial);
      const fullText = await crlText(full.pem, dir, "full");
      expect(fullText.text).not.toContain("Issuing Distribution Point");
      expect(fullText.serials).toContain(victim.serial);

      /** OpenSSL's verdict on `leaf` with `crlPem` (RSA, P-256). */
      const verdict = async (leaf: Leaf, crlPem: string, tag: string) => {
        writeFileSync(path(`${tag}.crls.pem`), crlPem);
        const r = await openssl(["verify", "-crl_check", "-CAfile", path("root.pem"), "-untrusted", path("sub.pem"), "-CRLfile", path(`${tag}.crls.pem`), leaf.file]);
        return { ok: r.ok, out: r.stdout + r.stderr };
      };
      const judge = async (label: string, pems: { own: string; other: string; full: string }) => {
        if (f.sm2) {
          for (const [tag, pem] of Object.entries(pems)) {
            const der = new Uint8Array(Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ""), "base64"));
            const v = await verifySm2CrlSignature(der, path("sub.pem"), path, `${label}-${tag}`);
            expect(v.ok, v.text).toBe(true);
          }
          return;
        }
        const revoked = await verdict(victim, pems.own, `${label}-own`);
        expect(revoked.ok).toBe(false);
        expect(revoked.out).toContain("certificate revoked");
        if (sibling) expect((await verdict(sibling, pems.own, `${label}-sibling`)).ok).toBe(true);
        expect((await verdict(other, pems.other, `${label}-good`)).ok).toBe(true);
        const scope = await verdict(victim, pems.other, `${label}-scope`);
        expect(scope.ok).toBe(false);
        expect(scope.out).toContain("different CRL scope");
        expect((await verdict(victim, pems.full, `${label}-full`)).out).toContain("certificate revoked");
      };
      await judge("cli", { own: own.pem, other: oth.pem, full: full.pem });

      // serve over HTTP: the URLs the certificates carry, on this server's port.
      const get = (url: string) => fetch(url.replace(BASE, `http://127.0.0.1:${served.port}`));
      const overHttp = async (url: string) => {
        const res = await get(url);
        expect(res.status).toBe(200);
        expect(res.headers.get("content-type")).toBe("application/pkix-crl");
        return new Uint8Array(await res.arrayBuffer());
      };
      const httpOwn = await overHttp(victim.cdp);
      const httpOther = await overHttp(other.cdp);
      const httpFull = await overHttp(`${BASE}/crl/${subId}.crl`);
      expect(toPem("X509 CRL", httpOwn)).toBe(own.pem); // fresh: the same CRL the CLI wrote
      await judge("http", { own: toPem("X509 CRL", httpOwn), other: toPem("X509 CRL", httpOther), full: toPem("X509 CRL", httpFull) });
      expect((await get(shardUrl(subId, 4))).status).toBe(404);
      expect((await get(shardUrl(root.Identifier, 0))).status).toBe(404);

      // A revocation in another shard (by another process): that shard is re-signed, the victim's is not.
      await ok(caskit(["cert", "revoke", other.id], env));
      const otherAfter = await overHttp(other.cdp);
      expect((await crlText(toPem("X509 CRL", otherAfter), dir, "other-after")).serials).toContain(other.serial);
      expect(Buffer.from(await overHttp(victim.cdp)).equals(Buffer.from(httpOwn))).toBe(true);
      expect((await crlText(toPem("X509 CRL", await overHttp(`${BASE}/crl/${subId}.crl`)), dir, "full-after")).serials).toEqual(expect.arrayContaining([victim.serial, other.serial]));

      // N from 4 to 2: new certificates name shard serial mod 2; the older ones keep shards 2 and 3, still served.
      expect((await ok(caskit(["--json", "crl", "shards", "--ca", subId, "--count", "2"], env))).json()).toMatchObject({ shards: 2, shardsPublished: 4 });
      const fresh = (await ok(caskit(["--json", "issue", "server", "--ca", subId, "--csr", path("leaf.csr"), "--days", "30", "--enable-crl", "--out", path("out2")], env))).json();
      const freshSerial = (await opensslOrThrow(["x509", "-in", fresh.files.certificate, "-noout", "-serial"])).trim().replace(/^serial=/, "");
      expect(await cdpOf(fresh.files.certificate)).toEqual([shardUrl(subId, Number(BigInt(`0x${freshSerial}`) % 2n))]);
      for (const k of [2, 3]) expect((await get(shardUrl(subId, k))).status).toBe(200);
    }, TIMEOUT);
  }
}

describe("CLI usage", () => {
  it("crl shards without --ca is a usage error (exit 2); crl --shard beyond the CA's shards is refused (exit 1)", async () => {
    const { env } = stores[STORES[0] as StoreName];
    const r = await caskit(["crl", "shards", "--count", "2"], env);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("required option '--ca <id>'");
    const root = (await ok(caskit(["--json", "ca", "create-root", "--cn", "Usage Root", "--years", "2", "--algorithm", "ECC_256"], env))).json();
    const sub = (await ok(caskit(["--json", "ca", "create-sub", "--parent", root.Identifier, "--cn", "Usage Sub", "--years", "1", "--algorithm", "ECC_256", "--enable-crl"], env))).json();
    const none = await caskit(["--json", "crl", "--ca", sub.Identifier, "--shard", "0"], env);
    expect(none.status, none.text).toBe(1);
    expect(none.stderr).toContain("no CRL shards");
    const bad = await caskit(["crl", "shards", "--ca", sub.Identifier, "--count", "257"], env);
    expect(bad.status).toBe(2);
  }, TIMEOUT);
});
