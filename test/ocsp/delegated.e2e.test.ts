/**
 * Delegated OCSP responders and pre-signed answers through the built CLI and `caskit serve`, on SQLite
 * and on PostgreSQL: every setting is written by one `caskit` process and used by another (the server,
 * or a later CLI run), so everything is read back from the store.
 *
 * - `openssl ocsp -url` accepts the delegated responder (EKU id-kp-OCSPSigning, issued by the CA) for
 *   RSA and P-256 CAs: good, revoked with its reason, unknown, with and without a nonce; SM2 answers
 *   and the SM2 responder certificate are checked with `openssl pkeyutl -digest sm3` (OpenSSL 3.0
 *   cannot verify SM2 OCSP).
 * - Pre-signed (P-256, SM2): a request without a nonce gets the stored bytes (identical across requests
 *   a second apart — ECDSA signatures are randomized, so a fresh signature would differ — and equal to
 *   the row in the store); with a nonce, a fresh answer. A revocation shows at once and the stored
 *   answer is re-signed within the refresh interval.
 * - SHA-256 CertIDs (P-256, `--presign-hashes sha1,sha256`): `openssl ocsp -sha256 -no_nonce` gets the
 *   stored SHA-256 answer (verified; identical a second apart; equal to the store's row); the export
 *   writes the SHA-256 request's file too.
 * - `caskit ocsp export` files served by a plain node static server answer `openssl ocsp -url`.
 * - Sub-CAs made with --ocsp-base-url carry the root's OCSP URL in AIA.
 */
import { execFile, spawnSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { type Server, createServer } from "node:http";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importPrivateKey } from "../../src/crypto/keys.js";
import { fromPemAll, toPem } from "../../src/internal/pem.js";
import { certificateIssuerAndSerial, certificateSubjectAndSpki, parseOcspResponse, verifyOcspResponse } from "../../src/revoke/index.js";
import { readDer } from "../../src/csr/der-reader.js";
import { subjectPublicKeyBits } from "../../src/revoke/ocsp.js";
import { openStore } from "../../src/store/open.js";
import { assertBuilt, caskit, caskitOk } from "../helpers/cli.js";
import { cliPki, idOfFile, unstoredLeaf } from "../helpers/ocsp-pki.js";
import { openssl, opensslOrThrow, tempDir } from "../helpers/openssl.js";
import { type Served, startServe } from "../http/serve-helper.js";
import { PG_URL, dropTestSchema } from "../helpers/pg.js";

const OCSP_BASE = "http://ocsp.example.test";
const SPECS = ["RSA_2048", "ECC_256", "SM2_256"] as const;
type Spec = (typeof SPECS)[number];

interface Pki {
  root: string;
  sub: string;
  rootPem: string;
  subPem: string;
  /** root + sub: what a relying party holds (the sub-CA arrives in the TLS chain). */
  chainPem: string;
  good: string;
  revoked: string;
  unknown: string;
  later: string;
}

const der = (pem: string) => fromPemAll("CERTIFICATE", pem)[0] as Uint8Array;
const serialOf = (file: string) => certificateIssuerAndSerial(der(readFileSync(file, "utf8"))).serialHex as string;

describe.each([
  ["sqlite", false],
  ["postgres", process.env.CASKIT_SKIP_PG === "1"],
] as const)("delegated and pre-signed OCSP on %s", (kind, skip) => {
  const tmp = tempDir(`caskit-ocsp-deleg-${kind}-`);
  const schema = `caskit_ocsp_deleg_${process.pid}_${Date.now()}`;
  const env = {
    CASKIT_DATA: kind === "sqlite" ? tmp.path("ca.db") : `${PG_URL}?schema=${schema}`,
    CASKIT_MASTER_PASSPHRASE: "delegated ocsp",
    CASKIT_KEY_PASSPHRASE: "leaf keys",
  };
  const pki = {} as Record<Spec, Pki>;
  let srv: Served;
  const url = (path: string) => `http://127.0.0.1:${srv.port}${path}`;
  const cli = (args: string[]) => caskitOk(args, env);
  const withStore = async <T>(fn: (s: Awaited<ReturnType<typeof openStore>>) => Promise<T>): Promise<T> => {
    const store = await openStore(env.CASKIT_DATA, { passphrase: env.CASKIT_MASTER_PASSPHRASE, create: false });
    try {
      return await fn(store);
    } finally {
      await store.close();
    }
  };

  function makePki(spec: Spec): Pki {
    const { root, sub, rootPem, subPem, leaves } = cliPki(cli, tmp.dir, spec, { label: "Deleg", ocspBase: OCSP_BASE, subOcspBase: true, leaves: ["good", "revoked", "later"] });
    const { good, revoked, later } = leaves as Record<"good" | "revoked" | "later", string>;
    const chainPem = join(tmp.dir, `${spec}-chain.pem`);
    writeFileSync(chainPem, readFileSync(rootPem, "utf8") + readFileSync(subPem, "utf8"));
    cli(["cert", "revoke", idOfFile(revoked), "--reason", "keyCompromise"]);
    return { root, sub, rootPem, subPem, chainPem, good, revoked, later, unknown: "" };
  }

  /** A certificate signed by the sub-CA's real key but never stored: unknown. */
  const unstored = (p: Pki, spec: Spec): Promise<string> => withStore((store) => unstoredLeaf(store, p.sub, spec, join(tmp.dir, `${spec}-unstored.pem`)));

  beforeAll(async () => {
    if (skip) return;
    assertBuilt();
    cli(["init"]);
    for (const spec of SPECS) {
      pki[spec] = makePki(spec);
      pki[spec].unknown = await unstored(pki[spec], spec);
    }
    // RSA: delegated, signed on demand. P-256 and SM2: delegated and pre-signed. Each a separate process.
    cli(["ocsp", "configure", "--ca", pki.RSA_2048.sub, "--signer", "delegated"]);
    cli(["ocsp", "configure", "--ca", pki.ECC_256.sub, "--signer", "delegated", "--presign", "--presign-hashes", "sha1,sha256", "--responder-days", "3", "--response-hours", "12"]);
    cli(["ocsp", "configure", "--ca", pki.SM2_256.sub, "--signer", "delegated", "--presign"]);
    srv = await startServe(env, ["--workers", "1", "--crl-interval", "0", "--dcv-interval", "0", "--ocsp-interval", "2"]);
  }, 240_000);
  afterAll(async () => {
    await srv?.stop();
    tmp.remove();
    if (kind === "postgres" && !skip) {
      await dropTestSchema(schema).catch(() => undefined);
    }
  });

  const ask = (p: Pki, cert: string, extra: string[] = []) => {
    const r = openssl(["ocsp", "-issuer", p.subPem, "-cert", cert, "-CAfile", p.chainPem, "-url", url(`/ocsp/${p.sub}`), "-resp_text", ...extra]);
    return r.stdout + r.stderr;
  };
  /** POSTs the request `openssl ocsp` writes for `cert`, returns the answer's bytes. */
  const fetchAnswer = async (p: Pki, cert: string, nonce: boolean): Promise<Uint8Array> => {
    const reqPath = tmp.path(`req-${Math.random().toString(16).slice(2)}.der`);
    opensslOrThrow(["ocsp", "-issuer", p.subPem, "-cert", cert, ...(nonce ? [] : ["-no_nonce"]), "-reqout", reqPath]);
    const res = await fetch(url(`/ocsp/${p.sub}`), { method: "POST", headers: { "content-type": "application/ocsp-request" }, body: readFileSync(reqPath) });
    expect(res.status).toBe(200);
    return new Uint8Array(await res.arrayBuffer());
  };
  const subSpki = (p: Pki) => certificateSubjectAndSpki(der(readFileSync(p.subPem, "utf8"))).spki;

  describe.skipIf(skip).each(["RSA_2048", "ECC_256"] as const)("openssl ocsp -url with the delegated responder, %s", (spec) => {
    const p = () => pki[spec];

    it.each([
      ["with a nonce", []],
      ["without a nonce", ["-no_nonce"]],
    ])("good, revoked (keyCompromise), unknown — %s — verified by OpenSSL", (_n, extra) => {
      const good = ask(p(), p().good, extra);
      expect(good).toMatch(/Response verify OK/);
      expect(good).toContain(`${p().good}: good`);
      // The responder certificate travels in the answer: OCSP signing only, no-check, issued by the sub-CA.
      expect(good).toMatch(/X509v3 Extended Key Usage: *\n\s*OCSP Signing\s*\n/);
      expect(good).toMatch(/OCSP No Check/);
      expect(good).toMatch(new RegExp(`Issuer: CN ?= ?Deleg Sub ${spec}`));
      if (extra.length) expect(good).not.toMatch(/OCSP Nonce/);
      else expect(good).toMatch(/OCSP Nonce:\s+0410[0-9A-F]{32}/);
      const revoked = ask(p(), p().revoked, extra);
      expect(revoked).toMatch(/Response verify OK/);
      expect(revoked).toContain(`${p().revoked}: revoked`);
      expect(revoked).toMatch(/Reason: keyCompromise/);
      const unknown = ask(p(), p().unknown, extra);
      expect(unknown).toMatch(/Response verify OK/);
      expect(unknown).toContain(`${p().unknown}: unknown`);
    });

    it("is signed by the responder, not the CA: responderID byKey of the responder, its certificate in certs", async () => {
      const info = parseOcspResponse(await fetchAnswer(p(), p().good, true));
      expect(info.basic?.certs).toHaveLength(1);
      const responderDer = info.basic?.certs[0] as Uint8Array;
      const { spki } = certificateSubjectAndSpki(responderDer);
      expect(verifyOcspResponse(info, spki)).toBe(true);
      expect(verifyOcspResponse(info, subSpki(p()))).toBe(false);
      const rpem = tmp.path(`${spec}-responder.pem`);
      writeFileSync(rpem, toPem("CERTIFICATE", responderDer));
      // The responder certificate: a leaf with keyUsage digitalSignature only, id-kp-OCSPSigning only, the CA's key family.
      const text = opensslOrThrow(["x509", "-in", rpem, "-noout", "-text"]);
      expect(text).toMatch(/CA:FALSE/);
      expect(text).toMatch(/X509v3 Key Usage: critical\s*\n\s*Digital Signature\s*\n/);
      expect(text).toMatch(/X509v3 Extended Key Usage: *\n\s*OCSP Signing\s*\n/);
      expect(text).toMatch(spec === "RSA_2048" ? /rsaEncryption/ : /id-ecPublicKey/);
      // `openssl verify` accepts it under the root and the sub-CA, for OCSP signing.
      expect(opensslOrThrow(["verify", "-CAfile", p().chainPem, "-purpose", "ocsphelper", rpem])).toMatch(/OK/);
      // The responderID is byKey: the SHA-1 of the responder's key, not the CA's.
      const pubDer = opensslDer(["x509", "-in", rpem, "-noout", "-pubkey"]);
      expect(Buffer.from(info.basic?.responderKeyHash as Uint8Array).toString("hex")).toBe(keyHashOfSpkiPem(pubDer));
    });

    it("caskit ocsp --url accepts the delegated responder (a fresh process)", () => {
      const r = caskit(["--json", "ocsp", "--url", url(`/ocsp/${p().sub}`), "--issuer", p().subPem, "--cert", p().revoked], {});
      expect(r.stderr).toBe("");
      expect(r.json()).toMatchObject({ Status: "revoked", Reason: "keyCompromise", Verified: true, Signer: "delegated", Nonce: "echoed" });
      // An issuer that did not issue the responder: refused.
      const other = pki[spec === "RSA_2048" ? "ECC_256" : "RSA_2048"];
      const wrong = caskit(["ocsp", "--url", url(`/ocsp/${p().sub}`), "--issuer", other.subPem, "--cert", p().good], {});
      expect(wrong.status).toBe(1);
    });
  });

  describe.skipIf(skip)("the responder's key and certificate in the store", () => {
    it("the key is sealed (no plaintext PKCS#8 in the row), opens to the certificate's key; the certificate is the one served", async () => {
      const { responder, served } = await withStore(async (store) => ({
        responder: await store.read((tx) => tx.ocsp.getResponder(pki.ECC_256.sub)),
        served: parseOcspResponse(await fetchAnswer(pki.ECC_256, pki.ECC_256.good, true)),
      }));
      expect(responder).not.toBeNull();
      expect(Buffer.from(served.basic?.certs[0] as Uint8Array).equals(Buffer.from(responder?.certificateDer as Uint8Array))).toBe(true);
      const key = importPrivateKey(Buffer.from(responder?.keyPkcs8 as Uint8Array));
      expect(Buffer.from(key.spki).equals(Buffer.from(certificateSubjectAndSpki(responder?.certificateDer as Uint8Array).spki))).toBe(true);
      // 3-day responder for this CA (configured), backdated at most an hour.
      const days = ((responder?.notAfter.getTime() as number) - (responder?.notBefore.getTime() as number)) / 86_400_000;
      expect(days).toBeGreaterThan(3 - 0.001);
      expect(days).toBeLessThanOrEqual(3 + 1 / 24 + 0.001);
      if (kind === "sqlite") {
        const raw = spawnSync("sqlite3", [env.CASKIT_DATA, `SELECT hex(key_enc) FROM ocsp_responders WHERE ca_id = '${pki.ECC_256.sub}'`], { encoding: "utf8" });
        if (raw.status === 0) {
          expect(raw.stdout.trim().length).toBeGreaterThan(64);
          expect(raw.stdout.toLowerCase()).not.toContain(Buffer.from(responder?.keyPkcs8 as Uint8Array).subarray(-32).toString("hex"));
        }
      }
    });
  });

  describe.skipIf(skip)("SM2", () => {
    it("answers are signed SM3withSM2 by the SM2 responder, whose certificate the SM2 sub-CA signed", async () => {
      const p = pki.SM2_256;
      for (const [cert, status] of [[p.good, "good"], [p.revoked, "revoked"], [p.unknown, "unknown"]] as const) {
        for (const nonce of [true, false]) {
          const info = parseOcspResponse(await fetchAnswer(p, cert, nonce));
          expect(info.basic?.signatureAlgorithm).toBe("1.2.156.10197.1.501");
          expect(info.basic?.responses[0]?.status).toBe(status);
          expect(info.basic?.certs).toHaveLength(1);
          const responderDer = info.basic?.certs[0] as Uint8Array;
          const rpem = tmp.path("sm2-responder.pem");
          writeFileSync(rpem, toPem("CERTIFICATE", responderDer));
          expect(opensslOrThrow(["x509", "-in", rpem, "-noout", "-text"])).toMatch(/OCSP Signing/);
          // The answer: signed by the responder's key.
          expect(sm2Verify(rpem, info.basic?.tbs as Uint8Array, info.basic?.signature as Uint8Array)).toBe(true);
          expect(sm2Verify(p.subPem, info.basic?.tbs as Uint8Array, info.basic?.signature as Uint8Array)).toBe(false);
          // The responder certificate: signed by the sub-CA's key.
          const parts = certParts(responderDer);
          expect(sm2Verify(p.subPem, parts.tbs, parts.signature)).toBe(true);
        }
      }
    });
  });

  /** Verifies an SM2 signature with the public key of the certificate `pem` (SM3, the default ID). */
  function sm2Verify(pem: string, data: Uint8Array, sig: Uint8Array): boolean {
    opensslOrThrow(["x509", "-in", pem, "-pubkey", "-noout", "-out", tmp.path("sm2v-pub.pem")]);
    writeFileSync(tmp.path("sm2v-data"), data);
    writeFileSync(tmp.path("sm2v-sig"), sig);
    const v = openssl(["pkeyutl", "-verify", "-rawin", "-digest", "sm3", "-pkeyopt", "distid:1234567812345678", "-pubin", "-inkey", tmp.path("sm2v-pub.pem"), "-in", tmp.path("sm2v-data"), "-sigfile", tmp.path("sm2v-sig")]);
    return /Signature Verified Successfully/.test(v.stdout + v.stderr);
  }

  describe.skipIf(skip)("pre-signed answers (P-256 sub-CA, delegated)", () => {
    const p = () => pki.ECC_256;

    it("without a nonce: the stored bytes, identical a second apart and equal to the store's row; with a nonce: signed now", async () => {
      const a = await fetchAnswer(p(), p().good, false);
      await new Promise((r) => setTimeout(r, 1100));
      const b = await fetchAnswer(p(), p().good, false);
      expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
      const stored = await withStore((s) => s.read((tx) => tx.ocsp.getResponse(p().sub, serialOf(p().good))));
      expect(stored?.status).toBe("good");
      expect(Buffer.from(stored?.der as Uint8Array).equals(Buffer.from(a))).toBe(true);
      const info = parseOcspResponse(a);
      expect(info.basic?.producedAt.getTime()).toBe(stored?.thisUpdate.getTime());
      expect(info.basic?.nonce).toBeUndefined();
      // 12-hour pre-signed answers, as configured.
      expect((info.basic?.responses[0]?.nextUpdate?.getTime() as number) - info.basic!.responses[0]!.thisUpdate.getTime()).toBe(12 * 3600_000);
      // With a nonce: a new signature, produced now, the nonce echoed.
      const n = parseOcspResponse(await fetchAnswer(p(), p().good, true));
      expect(n.basic?.nonce?.length).toBe(16);
      expect(n.basic?.producedAt.getTime()).toBeGreaterThan(info.basic?.producedAt.getTime() as number);
      // And OpenSSL verifies the stored answer all the same.
      const out = ask(p(), p().good, ["-no_nonce"]);
      expect(out).toMatch(/Response verify OK/);
      expect(out).toContain(`${p().good}: good`);
    });

    it("a revocation shows at once; the stored answer is re-signed within the refresh interval (2 s here)", async () => {
      const serial = serialOf(p().later);
      const before = await withStore((s) => s.read((tx) => tx.ocsp.getResponse(p().sub, serial)));
      expect(before?.status).toBe("good");
      cli(["cert", "revoke", p().later.split("/").pop()?.replace(/\.pem$/, "") as string, "--reason", "superseded"]);
      const revokedAt = Date.now();
      // At once: the stored "good" is not served any more.
      const now = ask(p(), p().later, ["-no_nonce"]);
      expect(now).toMatch(/Response verify OK/);
      expect(now).toContain(`${p().later}: revoked`);
      expect(now).toMatch(/Reason: superseded/);
      // Within the bound: the stored answer says revoked, and it is what is served (identical bytes).
      let after = before;
      while (Date.now() - revokedAt < 15_000) {
        after = await withStore((s) => s.read((tx) => tx.ocsp.getResponse(p().sub, serial)));
        if (after?.status === "revoked") break;
        await new Promise((r) => setTimeout(r, 250));
      }
      expect(after?.status).toBe("revoked");
      expect(after?.reason).toBe("superseded");
      expect((after?.thisUpdate.getTime() as number) - revokedAt).toBeLessThan(2_000 + 3_000);
      const x = await fetchAnswer(p(), p().later, false);
      const y = await fetchAnswer(p(), p().later, false);
      expect(Buffer.from(x).equals(Buffer.from(y))).toBe(true);
      expect(Buffer.from(x).equals(Buffer.from(after?.der as Uint8Array))).toBe(true);
    });
  });

  describe.skipIf(skip)("pre-signed SHA-256 CertIDs (P-256 sub-CA, --presign-hashes sha1,sha256)", () => {
    const p = () => pki.ECC_256;
    /** `openssl ocsp -sha256 -no_nonce` against serve (the digest option must precede -cert); the answer's text and bytes. */
    const ask256 = (cert: string) => {
      const resp = tmp.path(`resp256-${Math.random().toString(16).slice(2)}.der`);
      const r = openssl(["ocsp", "-issuer", p().subPem, "-CAfile", p().chainPem, "-url", url(`/ocsp/${p().sub}`), "-sha256", "-no_nonce", "-cert", cert, "-respout", resp, "-resp_text"]);
      return { text: r.stdout + r.stderr, der: readFileSync(resp) };
    };

    it("good and revoked, verified by OpenSSL; the stored SHA-256 bytes, identical a second apart", async () => {
      for (const [cert, word] of [[p().good, "good"], [p().revoked, "revoked"]] as const) {
        const a = ask256(cert);
        expect(a.text).toMatch(/Response verify OK/);
        expect(a.text).toContain(`${cert}: ${word}`);
        expect(a.text).toMatch(/Hash Algorithm: sha256/);
        if (word === "revoked") expect(a.text).toMatch(/Reason: keyCompromise/);
        await new Promise((r) => setTimeout(r, 1100));
        const b = ask256(cert);
        expect(b.text).toMatch(/Response verify OK/);
        // ECDSA signatures are randomized: equal bytes a second apart were signed once, ahead of time.
        expect(a.der.equals(b.der)).toBe(true);
        const stored = await withStore((s) => s.read((tx) => tx.ocsp.getResponse(p().sub, serialOf(cert), "sha256")));
        expect(stored?.status).toBe(word);
        expect(a.der.equals(Buffer.from(stored?.der as Uint8Array))).toBe(true);
        expect(parseOcspResponse(a.der).basic?.responses[0]).toMatchObject({ hash: "sha256", serialHex: serialOf(cert) });
      }
    });
  });

  describe.skipIf(skip)("caskit ocsp export, served by a plain static server", () => {
    let web: Server;
    let webPort = 0;
    const out = () => tmp.path("export");

    beforeAll(async () => {
      // Every CA of the tenant (roots answer for their sub-CAs), each by its own settings.
      cli(["ocsp", "export", "--out", out()]);
      // GET: the raw request path is the file name. POST (openssl ocsp only POSTs): the GET path of the
      // body, as RFC 6960 A.1 defines it — the only thing this server computes.
      web = createServer((req, res) => {
        const send = (path: string) => {
          const file = join(out(), path);
          if (!path.startsWith("ocsp/") || path.includes("..") || !existsSync(file)) {
            res.writeHead(404).end();
            return;
          }
          res.writeHead(200, { "content-type": "application/ocsp-response" }).end(readFileSync(file));
        };
        if (req.method === "GET") return send((req.url ?? "").replace(/^\/+/, ""));
        const chunks: Buffer[] = [];
        req.on("data", (c: Buffer) => chunks.push(c));
        req.on("end", () => send(`${(req.url ?? "").replace(/^\/+|\/+$/g, "")}/${encodeURIComponent(Buffer.concat(chunks).toString("base64"))}`));
      });
      await new Promise<void>((r) => web.listen(0, "127.0.0.1", r));
      webPort = (web.address() as { port: number }).port;
    }, 60_000);
    afterAll(() => new Promise<void>((r) => (web ? web.close(() => r()) : r())));

    it("writes ocsp/<ca>/<url-encoded base64 request>, serial/<ca>/<serial>.der and index.json", () => {
      const index = JSON.parse(readFileSync(join(out(), "index.json"), "utf8"));
      const p = pki.ECC_256;
      const good = index.responses.find((e: { ca: string; serial: string }) => e.ca === p.sub && e.serial === serialOf(p.good));
      expect(good).toMatchObject({ status: "good", signer: expect.stringMatching(/^responder:/) });
      // The file name is the GET path of the request openssl writes (no nonce, SHA-1).
      const reqPath = tmp.path("export-req.der");
      opensslOrThrow(["ocsp", "-issuer", p.subPem, "-cert", p.good, "-no_nonce", "-reqout", reqPath]);
      expect(good.path).toBe(`ocsp/${p.sub}/${encodeURIComponent(readFileSync(reqPath).toString("base64"))}`);
      expect(readFileSync(join(out(), good.path)).equals(readFileSync(join(out(), good.bySerial)))).toBe(true);
      const revoked = index.responses.find((e: { ca: string; serial: string }) => e.ca === p.sub && e.serial === serialOf(p.revoked));
      expect(revoked).toMatchObject({ status: "revoked", reason: "keyCompromise" });
      // Every CA: the RSA sub-CA by its delegated responder, the P-256 root (direct, no settings) for its sub-CA.
      expect(index.responses.find((e: { ca: string; serial: string }) => e.ca === pki.RSA_2048.sub && e.serial === serialOf(pki.RSA_2048.good))?.signer).toMatch(/^responder:/);
      expect(index.responses.find((e: { ca: string; serial: string }) => e.ca === p.root && e.serial === serialOf(p.subPem))).toMatchObject({ status: "good", signer: "ca" });
      expect(readdirSync(join(out(), "ocsp"))).toEqual(expect.arrayContaining([pki.ECC_256.sub, pki.RSA_2048.sub, p.root]));
    });

    it.each(["ECC_256", "RSA_2048"] as const)("openssl ocsp -url against the static server: good and revoked (reason), verified; %s", async (spec) => {
      const p = pki[spec];
      for (const [cert, word] of [[p.good, "good"], [p.revoked, "revoked"]] as const) {
        // Asynchronously: the static server runs in this process and must answer meanwhile.
        const r = await run("openssl", ["ocsp", "-issuer", p.subPem, "-cert", cert, "-CAfile", p.chainPem, "-url", `http://127.0.0.1:${webPort}/ocsp/${p.sub}`, "-no_nonce", "-resp_text"]);
        const text = r.stdout + r.stderr;
        expect(text).toMatch(/Response verify OK/);
        expect(text).toContain(`${cert}: ${word}`);
        if (word === "revoked") expect(text).toMatch(/Reason: keyCompromise/);
      }
    });

    it("a CA pre-signing SHA-256 gets the SHA-256 request's file too (pathSha256); openssl ocsp -sha256 against the static server verifies", async () => {
      const index = JSON.parse(readFileSync(join(out(), "index.json"), "utf8"));
      const p = pki.ECC_256;
      const good = index.responses.find((e: { ca: string; serial: string }) => e.ca === p.sub && e.serial === serialOf(p.good));
      const reqPath = tmp.path("export-req256.der");
      opensslOrThrow(["ocsp", "-issuer", p.subPem, "-sha256", "-cert", p.good, "-no_nonce", "-reqout", reqPath]);
      expect(good.pathSha256).toBe(`ocsp/${p.sub}/${encodeURIComponent(readFileSync(reqPath).toString("base64"))}`);
      expect(parseOcspResponse(readFileSync(join(out(), good.pathSha256))).basic?.responses[0]).toMatchObject({ hash: "sha256", status: "good" });
      // A CA pre-signing SHA-1 only: no SHA-256 file.
      expect(index.responses.filter((e: { ca: string }) => e.ca === pki.RSA_2048.sub).some((e: { pathSha256?: string }) => e.pathSha256)).toBe(false);
      for (const [cert, word] of [[p.good, "good"], [p.revoked, "revoked"]] as const) {
        const r = await run("openssl", ["ocsp", "-issuer", p.subPem, "-CAfile", p.chainPem, "-url", `http://127.0.0.1:${webPort}/ocsp/${p.sub}`, "-sha256", "-no_nonce", "-cert", cert, "-resp_text"]);
        const text = r.stdout + r.stderr;
        expect(text).toMatch(/Response verify OK/);
        expect(text).toContain(`${cert}: ${word}`);
      }
    });

    it("a GET for the exported path answers the same bytes; a serial never issued is 404 (no file)", async () => {
      const p = pki.ECC_256;
      const reqPath = tmp.path("export-get-req.der");
      opensslOrThrow(["ocsp", "-issuer", p.subPem, "-cert", p.revoked, "-no_nonce", "-reqout", reqPath]);
      const res = await fetch(`http://127.0.0.1:${webPort}/ocsp/${p.sub}/${encodeURIComponent(readFileSync(reqPath).toString("base64"))}`);
      expect(res.status).toBe(200);
      const body = Buffer.from(await res.arrayBuffer());
      expect(parseOcspResponse(body).basic?.responses[0]?.status).toBe("revoked");
      opensslOrThrow(["ocsp", "-issuer", p.subPem, "-cert", p.unknown, "-no_nonce", "-reqout", reqPath]);
      const none = await fetch(`http://127.0.0.1:${webPort}/ocsp/${p.sub}/${encodeURIComponent(readFileSync(reqPath).toString("base64"))}`);
      expect(none.status).toBe(404);
    });
  });

  describe.skipIf(skip)("AIA OCSP on sub-CAs", () => {
    it("a sub-CA made with --ocsp-base-url carries its parent's responder URL, before caIssuers", () => {
      for (const spec of SPECS) {
        const p = pki[spec];
        expect(opensslOrThrow(["x509", "-in", p.subPem, "-noout", "-ocsp_uri"]).trim()).toBe(`${OCSP_BASE}/ocsp/${p.root}`);
      }
    });
  });
});

/** The DER of `openssl … -pubkey` output (a PEM public key). */
function opensslDer(args: string[]): Buffer {
  const pem = opensslOrThrow(args);
  return spawnSync("openssl", ["pkey", "-pubin", "-outform", "DER"], { input: pem }).stdout as Buffer;
}

/** SHA-1 of the subjectPublicKey BIT STRING contents of an SPKI (the ResponderID byKey), by openssl dgst. */
function keyHashOfSpkiPem(spki: Buffer): string {
  return (spawnSync("openssl", ["dgst", "-sha1", "-binary"], { input: Buffer.from(subjectPublicKeyBits(new Uint8Array(spki))) }).stdout as Buffer).toString("hex");
}

/** A certificate's TBS bytes and signature (for checking SM2 signatures with openssl pkeyutl). */
function certParts(certDer: Uint8Array): { tbs: Uint8Array; signature: Uint8Array } {
  const top = readDer(certDer);
  const tbs = top.children?.[0];
  const sig = top.children?.[2];
  if (!tbs || !sig) throw new Error("not a certificate");
  return { tbs: certDer.slice(tbs.start, tbs.end), signature: certDer.slice(sig.contentStart + 1, sig.end) };
}

/** A command run without blocking the event loop; its output whatever the exit code. */
function run(cmd: string, args: string[]): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: 30_000, encoding: "utf8" }, (_e, stdout, stderr) => resolve({ stdout, stderr }));
  });
}
