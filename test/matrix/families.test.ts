/**
 * Regression matrix: every key family × both stores, with every CA key read back from the store by a
 * process that did not create it (the SM2 defect fixed in cd903e2 hid because no test did that).
 *
 * For RSA_2048, RSA_3072, RSA_4096, ECC_256, ECC_384, ECC_512 (P-521) and SM2_256, on a SQLite file and on
 * a PostgreSQL schema of this run's own:
 *  (a) the built CLI, each command a fresh process: `init`, `ca create-root`; then, the store reopened,
 *      `ca create-sub --enable-crl`, `issue server --csr` (OpenSSL-made CSR), `issue server` (generated
 *      key), `issue client --csr`, `issue client` (generated), `cert revoke --reason keyCompromise`,
 *      `crl --ca <sub>` and `crl --ca <root>`;
 *  (b) `caskit serve` and the official SDK (@alicloud/openapi-core callApi): CreateSubCACertificate under
 *      the root the CLI made (so serve reloads its key), CreateServerCertificate[WithCsr],
 *      CreateClientCertificate[WithCsr], CreateRevokeClientCertificate, then GET /crl/<sub>.crl.
 * OpenSSL 3 judges everything (see support.ts; SM2 link by link with the default ID).
 *
 * Cost on a shared 2-core machine: one root per family and store, CSR keys made once per family and used
 * in both stores, generated RSA leaf keys at 2048 bits (the family rule is about the family, not the size),
 * and never more than two CLI/OpenSSL processes at once besides the two `serve`s (support.ts).
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assertBuilt } from "../helpers/cli.js";
import { SM2_SIGOPT } from "../helpers/fixtures.js";
import { tempDir } from "../helpers/openssl.js";
import { type Served, startServe } from "../http/serve-helper.js";
import {
  type AccessKey,
  PG_URL,
  type Purpose,
  type Run,
  callApi,
  caskit,
  crlFacts,
  keyMatches,
  openssl,
  opensslOrThrow,
  pemBlocks,
  pemOfDer,
  pgQuery,
  serialOf,
  subjectOf,
  urlWithSchema,
  verifyChain,
  verifyCrlSignature,
  verifySm2CrlSignature,
  verifySm2Link,
  verifySm2Root,
} from "./support.js";

interface Family {
  spec: string;
  /** `openssl genpkey` arguments of the CSR key (same family and size as the CAs). */
  csrKey: string[];
  /** Key spec of generated leaves: the CA's, but 2048 bits for the slow RSA sizes. */
  leaf: string;
  /** What `openssl x509 -text` shows for a key of this spec, and for a signature made by one. */
  keyText: string;
  sigText: string;
  sm2?: boolean;
}

const rsa = (bits: number): Pick<Family, "csrKey" | "keyText" | "sigText"> => ({
  csrKey: ["-algorithm", "RSA", "-pkeyopt", `rsa_keygen_bits:${bits}`],
  keyText: `Public-Key: (${bits} bit)`,
  sigText: "Signature Algorithm: sha256WithRSAEncryption",
});
const ec = (curve: string, hash: number): Pick<Family, "csrKey" | "keyText" | "sigText"> => ({
  csrKey: ["-algorithm", "EC", "-pkeyopt", `ec_paramgen_curve:${curve}`],
  keyText: `NIST CURVE: ${curve}`,
  sigText: `Signature Algorithm: ecdsa-with-SHA${hash}`,
});

const FAMILIES: Family[] = [
  { spec: "RSA_2048", leaf: "RSA_2048", ...rsa(2048) },
  { spec: "RSA_3072", leaf: "RSA_2048", ...rsa(3072) },
  { spec: "RSA_4096", leaf: "RSA_2048", ...rsa(4096) },
  { spec: "ECC_256", leaf: "ECC_256", ...ec("P-256", 256) },
  { spec: "ECC_384", leaf: "ECC_384", ...ec("P-384", 384) },
  { spec: "ECC_512", leaf: "ECC_512", ...ec("P-521", 512) },
  { spec: "SM2_256", leaf: "SM2_256", csrKey: ["-algorithm", "SM2"], keyText: "ASN1 OID: SM2", sigText: "Signature Algorithm: SM2-with-SM3", sm2: true },
];

type StoreName = "SQLite" | "PostgreSQL";
const STORES: StoreName[] = ["SQLite", "PostgreSQL"];

interface StoreCtx {
  env: Record<string, string>;
  ak: AccessKey;
  served: Served;
}

/** Generous: a flow waits its turn for one of two process slots behind the other families. */
const TIMEOUT = 170_000;
const tmp = tempDir("caskit-matrix-");
const schema = `caskit_matrix_${process.pid}_${Date.now()}`;
const stores = {} as Record<StoreName, StoreCtx>;

async function ok(p: Promise<Run>): Promise<Run> {
  const r = await p;
  if (!r.ok) throw new Error(`command failed:\n${r.text}`);
  return r;
}

async function openStore(name: StoreName): Promise<StoreCtx> {
  const data = name === "SQLite" ? tmp.path("matrix.db") : urlWithSchema(schema);
  const env = { CASKIT_DATA: data, CASKIT_MASTER_PASSPHRASE: "matrix tests", CASKIT_CRL_BASE_URL: "http://127.0.0.1:1" };
  const init = await ok(caskit(["--json", "init"], env));
  expect(init.json()).toMatchObject({ kind: name === "SQLite" ? "sqlite" : "postgres" });
  const created = (await ok(caskit(["--json", "accesskey", "create"], env))).json();
  // --throttle 0: fourteen flows share one access key; throttling is tested elsewhere.
  const served = await startServe(env, ["--throttle", "0", "--quiet"]);
  return { env, ak: { id: created.AccessKeyId, secret: created.AccessKeySecret }, served };
}

beforeAll(async () => {
  assertBuilt();
  await pgQuery(`CREATE SCHEMA ${schema}`);
  // Settled, so a serve already started is recorded (and stopped in afterAll) even if the other store fails.
  const opened = await Promise.allSettled(STORES.map(openStore));
  opened.forEach((o, i) => {
    if (o.status === "fulfilled") stores[STORES[i] as StoreName] = o.value;
  });
  for (const o of opened) if (o.status === "rejected") throw o.reason;
});

afterAll(async () => {
  await Promise.all(Object.values(stores).map((s) => s.served.stop()));
  await pgQuery(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  tmp.remove();
});

// ---------------------------------------------------------------------------------------------------
// Shared steps, each made once whichever test asks first

/** CAs each store should hold, counted as the flows create them. */
const created: Record<StoreName, number> = { SQLite: 0, PostgreSQL: 0 };

const once = new Map<string, Promise<unknown>>();
function memo<T>(key: string, make: () => Promise<T>): Promise<T> {
  let p = once.get(key) as Promise<T> | undefined;
  if (!p) {
    p = make();
    once.set(key, p);
  }
  return p;
}

const hostOf = (f: Family) => `${f.spec.toLowerCase().replace("_", "-")}.matrix.example.com`;

/** One OpenSSL key and CSR per family, used under both stores (SM2: signed with the default ID). */
function csrFor(f: Family): Promise<{ key: string; file: string; pem: string }> {
  return memo(`csr/${f.spec}`, async () => {
    const key = tmp.path(`${f.spec}.csr.key`);
    const file = tmp.path(`${f.spec}.csr`);
    await opensslOrThrow(["genpkey", ...f.csrKey, "-out", key]);
    await opensslOrThrow(["req", "-new", "-key", key, "-subj", `/CN=csr.${hostOf(f)}/O=caskit matrix`, "-out", file, ...(f.sm2 ? SM2_SIGOPT : [])]);
    return { key, file, pem: readFileSync(file, "utf8") };
  });
}

interface Root {
  id: string;
  file: string;
}

/** `ca create-root` through the CLI, in its own process; later steps only find it in the store. */
function rootFor(f: Family, store: StoreName): Promise<Root> {
  return memo(`root/${f.spec}/${store}`, async () => {
    const r = await ok(caskit(["--json", "ca", "create-root", "--cn", `Matrix Root ${f.spec}`, "--org", "caskit matrix", "--years", "10", "--algorithm", f.spec], stores[store].env));
    const dir = tmp.path(`${f.spec}-${store}`);
    mkdirSync(dir, { recursive: true });
    const file = join(dir, "root.pem");
    writeFileSync(file, r.json().Certificate);
    const text = await opensslOrThrow(["x509", "-in", file, "-noout", "-text"]);
    expect(text, "root key").toContain(f.keyText);
    expect(text, "root self-signature").toContain(f.sigText);
    created[store]++;
    return { id: r.json().Identifier, file };
  });
}

// ---------------------------------------------------------------------------------------------------
// Judgements

interface Leaf {
  file: string;
  purpose: Purpose;
  name: string;
}

/** Every leaf chains to the root through the sub-CA: whole chains for RSA/ECC, link by link for SM2. */
async function judgeHierarchy(f: Family, root: string, sub: string, leaves: Leaf[]): Promise<void> {
  const subText = await opensslOrThrow(["x509", "-in", sub, "-noout", "-text"]);
  expect(subText, "sub-CA key").toContain(f.keyText);
  expect(subText, "sub-CA signed by the root's key").toContain(f.sigText);
  if (f.sm2) {
    const self = await verifySm2Root(root);
    expect(self.ok, self.text).toBe(true);
    const link = await verifySm2Link(root, sub);
    expect(link.ok, link.text).toBe(true);
    for (const l of leaves) {
      const r = await verifySm2Link(sub, l.file, l.purpose);
      expect(r.ok, `${l.name}: ${r.text}`).toBe(true);
    }
    // The judge is not lenient: without the default ID OpenSSL 3.0 computes another Z and refuses.
    const leaf = leaves[0] as Leaf;
    expect((await openssl(["verify", "-partial_chain", "-CAfile", sub, leaf.file])).ok).toBe(false);
    return;
  }
  const results = await Promise.all(leaves.map((l) => verifyChain(root, sub, l.file, l.purpose)));
  leaves.forEach((l, i) => {
    const r = results[i] as Run;
    expect(r.ok, `${l.name}: ${r.text}`).toBe(true);
    expect(r.stdout).toContain(": OK");
  });
}

/** The CRL is signed by `issuer` (and not by `other`), and names `issuer` as its issuer. */
async function judgeCrlSignature(f: Family, crlFile: string, issuer: string, other: string, tag: string): Promise<void> {
  if (f.sm2) {
    const der = crlFile.endsWith(".pem") ? derOfCrlPem(crlFile) : readFileSync(crlFile);
    const good = await verifySm2CrlSignature(der, issuer, tmp.path, `${tag}-good`);
    expect(good.ok, good.text).toBe(true);
    expect(good.stdout).toContain("Signature Verified Successfully");
    expect((await verifySm2CrlSignature(der, other, tmp.path, `${tag}-other`)).ok).toBe(false);
  } else {
    const good = await verifyCrlSignature(crlFile, issuer);
    expect(good.ok, good.text).toBe(true);
    expect(good.stderr).toContain("verify OK");
    const bad = await verifyCrlSignature(crlFile, other);
    expect(bad.ok || bad.stderr.includes("verify OK"), bad.text).toBe(false);
  }
  const facts = await crlFacts(crlFile);
  expect(facts.issuer).toBe(await subjectOf(issuer));
}

function derOfCrlPem(file: string): Buffer {
  const pem = readFileSync(file, "utf8");
  return Buffer.from(pem.replace(/-----(BEGIN|END) X509 CRL-----/g, "").replace(/\s+/g, ""), "base64");
}

/**
 * The sub-CA's CRL lists the revoked leaf with reason keyCompromise and not the other one; for RSA/ECC,
 * `verify -crl_check` fails the revoked leaf with "certificate revoked" and passes the other. (OpenSSL 3.0
 * checks an SM2 CRL's signature with the empty ID, so for SM2 the signature is judged on the raw TBS by
 * judgeCrlSignature and the listing here.)
 */
async function judgeRevocation(f: Family, o: { root: string; sub: string; crlPem: string; revoked: Leaf; good: Leaf }): Promise<void> {
  const facts = await crlFacts(o.crlPem);
  const [revokedSerial, goodSerial] = await Promise.all([serialOf(o.revoked.file), serialOf(o.good.file)]);
  expect(facts.serials).toEqual([revokedSerial]);
  expect(facts.serials).not.toContain(goodSerial);
  expect(facts.text).toContain("Key Compromise");
  if (f.sm2) return;
  const [bad, good] = await Promise.all([
    verifyChain(o.root, o.sub, o.revoked.file, o.revoked.purpose, ["-crl_check", "-CRLfile", o.crlPem]),
    verifyChain(o.root, o.sub, o.good.file, o.good.purpose, ["-crl_check", "-CRLfile", o.crlPem]),
  ]);
  expect(bad.ok, bad.text).toBe(false);
  expect(bad.stdout + bad.stderr).toContain("certificate revoked");
  expect(good.ok, good.text).toBe(true);
}

/** The leaf made from the CSR carries the CSR's key (the request was accepted as it was). */
async function judgeCsrLeaf(f: Family, csrFile: string, leaf: string): Promise<void> {
  const [fromCsr, fromCert, text] = await Promise.all([
    opensslOrThrow(["req", "-in", csrFile, "-noout", "-pubkey"]),
    opensslOrThrow(["x509", "-in", leaf, "-noout", "-pubkey"]),
    opensslOrThrow(["x509", "-in", leaf, "-noout", "-text"]),
  ]);
  expect(fromCert).toBe(fromCsr);
  expect(text).toContain(f.keyText);
  expect(text).toContain(f.sigText);
  expect(text).toContain(`DNS:csr.${hostOf(f)}`);
}

// ---------------------------------------------------------------------------------------------------

describe.concurrent("every key family, both stores, CA keys reloaded from the store", () => {
  for (const f of FAMILIES) {
    describe(f.spec, () => {
      if (f.sm2) {
        it("OpenSSL-made SM2 CSRs: signed with the default ID (-sigopt distid:…) accepted, with OpenSSL 3.0's empty ID refused", async () => {
          const csr = await csrFor(f);
          const emptyId = tmp.path("SM2_256.empty-id.csr");
          await opensslOrThrow(["req", "-new", "-key", csr.key, "-subj", `/CN=csr.${hostOf(f)}`, "-sm3", "-out", emptyId]);
          const r = await caskit(["--json", "csr", "check", csr.file, emptyId], {});
          expect(r.status, r.text).toBe(1);
          expect(r.json()).toEqual([
            expect.objectContaining({ ok: true, cn: `csr.${hostOf(f)}`, key: "SM2", signature: "SM3withSM2" }),
            expect.objectContaining({ ok: false, code: "bad_signature", message: expect.stringContaining("-sigopt distid:1234567812345678") }),
          ]);
        }, TIMEOUT);
      }

      for (const store of STORES) {
        it(`CLI (${store}): root, then in new processes sub-CA, four leaves, revoke, sub and root CRLs — OpenSSL verifies`, async () => {
          const { env } = stores[store];
          const dir = tmp.path(`${f.spec}-${store}/cli`);
          mkdirSync(dir, { recursive: true });
          const [root, csr] = await Promise.all([rootFor(f, store), csrFor(f)]);
          const host = hostOf(f);

          const subRun = await ok(caskit(["--json", "ca", "create-sub", "--parent", root.id, "--cn", `Matrix CLI Sub ${f.spec}`, "--org", "caskit matrix", "--years", "5", "--algorithm", f.spec, "--enable-crl"], env));
          const subId: string = subRun.json().Identifier;
          created[store]++;
          const sub = join(dir, "sub.pem");
          writeFileSync(sub, subRun.json().Certificate);

          const out = join(dir, "out");
          const issue = (kind: "server" | "client", how: string[]) => ok(caskit(["--json", "issue", kind, "--ca", subId, ...how, "--days", "30", "--out", out], env));
          const [sCsr, sGen, cCsr, cGen] = (
            await Promise.all([
              issue("server", ["--csr", csr.file, "--domain", `www.${host},10.9.8.7`]),
              issue("server", ["--algorithm", f.leaf, "--cn", `gen-server.${host}`]),
              issue("client", ["--csr", csr.file]),
              issue("client", ["--algorithm", f.leaf, "--cn", `gen-client.${host}`]),
            ])
          ).map((r) => r.json() as { Identifier: string; files: { certificate: string; chain?: string; key?: string } });
          if (!sCsr || !sGen || !cCsr || !cGen) throw new Error("four results expected");

          // CSR leaves carry no key file; generated ones a key the CLI read back from the store.
          expect(sCsr.files.key).toBeUndefined();
          expect(cCsr.files.key).toBeUndefined();
          for (const g of [sGen, cGen]) {
            expect(g.files.key, "generated key written").toBeTruthy();
            const m = await keyMatches(g.files.key as string, g.files.certificate);
            expect(m.ok, m.detail).toBe(true);
          }
          // The chain file the CLI wrote starts with this sub-CA.
          expect(pemBlocks(readFileSync(sCsr.files.chain as string, "utf8"))[0]).toBe(pemBlocks(readFileSync(sub, "utf8"))[0]);

          await judgeCsrLeaf(f, csr.file, sCsr.files.certificate);
          await judgeHierarchy(f, root.file, sub, [
            { name: "server from CSR", file: sCsr.files.certificate, purpose: "sslserver" },
            { name: "server, generated key", file: sGen.files.certificate, purpose: "sslserver" },
            { name: "client from CSR", file: cCsr.files.certificate, purpose: "sslclient" },
            { name: "client, generated key", file: cGen.files.certificate, purpose: "sslclient" },
          ]);

          await ok(caskit(["cert", "revoke", sCsr.Identifier, "--reason", "keyCompromise"], env));
          const subCrlDer = join(dir, "sub.crl");
          const rootCrl = join(dir, "root.crl.pem");
          await ok(caskit(["--json", "crl", "--ca", subId, "--out", subCrlDer], env));
          await ok(caskit(["--json", "crl", "--ca", root.id, "--out", rootCrl], env));
          const subCrl = join(dir, "sub.crl.pem");
          writeFileSync(subCrl, pemOfDer("X509 CRL", readFileSync(subCrlDer)));

          await judgeCrlSignature(f, subCrlDer, sub, root.file, `${f.spec}-${store}-cli-sub`);
          await judgeCrlSignature(f, rootCrl, root.file, sub, `${f.spec}-${store}-cli-root`);
          expect((await crlFacts(rootCrl)).serials, "the root has revoked nothing").toEqual([]);
          await judgeRevocation(f, {
            root: root.file,
            sub,
            crlPem: subCrl,
            revoked: { name: "revoked server", file: sCsr.files.certificate, purpose: "sslserver" },
            good: { name: "server, generated key", file: sGen.files.certificate, purpose: "sslserver" },
          });
          if (!f.sm2) {
            // Both CRLs at once: the sub-CA is checked against the root's CRL, the leaf against the sub's.
            const both = join(dir, "both.crl.pem");
            writeFileSync(both, readFileSync(subCrl, "utf8") + readFileSync(rootCrl, "utf8"));
            const all = await verifyChain(root.file, sub, sGen.files.certificate, "sslserver", ["-crl_check_all", "-CRLfile", both]);
            expect(all.ok, all.text).toBe(true);
          }
        }, TIMEOUT);
      }

      for (const store of STORES) {
        it(`serve + official SDK (${store}): sub-CA under the CLI's root, four leaves, revoke, CRL over HTTP — OpenSSL verifies`, async () => {
          const { served, ak } = stores[store];
          const dir = tmp.path(`${f.spec}-${store}/http`);
          mkdirSync(dir, { recursive: true });
          const [root, csr] = await Promise.all([rootFor(f, store), csrFor(f)]);
          const host = hostOf(f);
          const call = (action: string, q: Record<string, unknown>) => callApi(served.port, ak, action, q);

          const subRes = await call("CreateSubCACertificate", { ParentIdentifier: root.id, CommonName: `Matrix SDK Sub ${f.spec}`, Organization: "caskit matrix", Years: 5, Algorithm: f.spec, EnableCrl: true });
          const subId: string = subRes.Identifier;
          created[store]++;
          const sub = join(dir, "sub.pem");
          writeFileSync(sub, subRes.Certificate);

          const base = { ParentIdentifier: subId, Days: 30, Immediately: 2 };
          const results = await Promise.all([
            call("CreateServerCertificateWithCsr", { ...base, Csr: csr.pem, Domain: `www.${host},10.9.8.7` }),
            call("CreateServerCertificate", { ...base, CommonName: `gen-server.${host}`, Algorithm: f.leaf }),
            call("CreateClientCertificateWithCsr", { ...base, Csr: csr.pem }),
            call("CreateClientCertificate", { ...base, CommonName: `gen-client.${host}`, Algorithm: f.leaf }),
          ]);
          const names = ["server-csr", "server-gen", "client-csr", "client-gen"];
          const files = results.map((r, i) => {
            const file = join(dir, `${names[i]}.pem`);
            writeFileSync(file, r.X509Certificate);
            expect(pemBlocks(r.CertificateChain)[0], "chain starts with the sub-CA").toBe(pemBlocks(subRes.Certificate)[0]);
            return file;
          });
          const [sCsr, sGen, cCsr, cGen] = files as [string, string, string, string];

          await judgeCsrLeaf(f, csr.file, sCsr);
          await judgeHierarchy(f, root.file, sub, [
            { name: "server from CSR", file: sCsr, purpose: "sslserver" },
            { name: "server, generated key", file: sGen, purpose: "sslserver" },
            { name: "client from CSR", file: cCsr, purpose: "sslclient" },
            { name: "client, generated key", file: cGen, purpose: "sslclient" },
          ]);
          // The leaves point at the CRL this test fetches.
          expect(await opensslOrThrow(["x509", "-in", cGen, "-noout", "-ext", "crlDistributionPoints"])).toContain(`/crl/${subId}.crl`);

          const revokedId = (results[2] as Record<string, any>).Identifier;
          await call("CreateRevokeClientCertificate", { Identifier: revokedId, Reason: "keyCompromise" });

          const res = await fetch(`http://127.0.0.1:${served.port}/crl/${subId}.crl`);
          expect(res.status).toBe(200);
          expect(res.headers.get("content-type")).toBe("application/pkix-crl");
          const der = Buffer.from(await res.arrayBuffer());
          const crlDer = join(dir, "sub.crl");
          const crlPem = join(dir, "sub.crl.pem");
          writeFileSync(crlDer, der);
          writeFileSync(crlPem, pemOfDer("X509 CRL", der));

          await judgeCrlSignature(f, crlDer, sub, root.file, `${f.spec}-${store}-http-sub`);
          await judgeRevocation(f, {
            root: root.file,
            sub,
            crlPem,
            revoked: { name: "revoked client", file: cCsr, purpose: "sslclient" },
            good: { name: "client, generated key", file: cGen, purpose: "sslclient" },
          });
        }, TIMEOUT);
      }
    });
  }
});

describe("the PostgreSQL flows used this run's schema", () => {
  it("every CA the PostgreSQL flows created is in it", async () => {
    const c = new pg.Client({ connectionString: PG_URL });
    await c.connect();
    try {
      const n = Number((await c.query(`SELECT count(*) AS n FROM ${schema}.cas`)).rows[0].n);
      expect(n).toBe(created.PostgreSQL);
    } finally {
      await c.end();
    }
  });
});
