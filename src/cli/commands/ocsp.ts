/**
 * `caskit ocsp`: a certificate's OCSP status (docs/ocsp.md).
 *
 * - From the store: `--ca ID --serial HEX`, or `--cert FILE` (its CA found by issuer name, or `--ca`).
 *   The request is built with the core and answered by the same service the responder runs
 *   (`answerOcsp`), then read back: exactly what `caskit serve` would answer.
 * - From a responder, like `openssl ocsp`: `--url URL --issuer FILE (--cert FILE | --serial HEX)`; a
 *   16-octet nonce unless `--no-nonce`, POST unless `--get`. The answer must be signed by the issuer's
 *   key, echo the nonce and name the certificate asked about.
 *   A delegated responder is accepted when its certificate (in the answer) is issued by the issuer, has
 *   the id-kp-OCSPSigning EKU and is valid now.
 * Prints good / revoked (time, reason) / unknown; exit 0 for any of them, 1 for an error response.
 *
 * `caskit ocsp configure --ca ID [--signer delegated|direct] [--responder-days N] [--presign|--no-presign]
 * [--response-hours N] [--presign-hashes sha1|sha1,sha256]`: the CA's OCSP settings (docs/ocsp.md),
 * applied at once (responder made, answers pre-signed — for SHA-256 CertIDs too with sha1,sha256).
 * `caskit ocsp refresh [--ca ID]`: one refresh pass, as serve runs it.
 * `caskit ocsp export --out DIR [--ca ID]`: pre-signed answers as files for a plain web server or CDN.
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { fromPemAll } from "../../internal/pem.js";
import {
  type OcspResponseInfo,
  type OcspSingleInfo,
  buildOcspRequest,
  certIdMatches,
  certificateIssuerAndSerial,
  certificateSubjectAndSpki,
  ocspIssuerHashes,
  parseOcspResponse,
  verifyOcspResponse,
} from "../../revoke/index.js";
import { AsnConvert } from "@peculiar/asn1-schema";
import { Certificate, ExtendedKeyUsage, id_ce_extKeyUsage } from "@peculiar/asn1-x509";
import { Option } from "commander";
import { SIGNATURE_ALGORITHMS_BY_OID } from "../../crypto/algorithms.js";
import { verifySignature } from "../../crypto/verify.js";
import { readDer } from "../../csr/der-reader.js";
import { toPem } from "../../internal/pem.js";
import { subjectPublicKeyBits } from "../../revoke/ocsp.js";
import { notFound } from "../../service/errors.js";
import { answerOcsp } from "../../service/ocsp.js";
import { exportOcsp, refreshOcsp } from "../../service/ocsp-presign.js";
import { DEFAULT_PRESIGNED_HOURS, DEFAULT_RESPONDER_DAYS, defaultOcspConfig, presignHashesOf } from "../../service/ocsp-responder.js";
import { CliError, EXIT, type Out, makeOut } from "../output.js";
import { positiveInt, withSession } from "./shared.js";

/** A certificate file, PEM or DER. */
function readCert(file: string, what: string): Uint8Array {
  let raw: Buffer;
  try {
    raw = readFileSync(file);
  } catch (e) {
    throw new CliError("InvalidFile", `cannot read ${what} ${file}: ${(e as Error).message}`, EXIT.refused);
  }
  const text = raw.subarray(0, 64).toString("latin1");
  if (text.includes("-----BEGIN")) {
    const [der] = fromPemAll("CERTIFICATE", raw.toString("utf8"));
    if (!der) throw new CliError("InvalidFile", `${what} ${file} holds no CERTIFICATE`, EXIT.refused);
    return der;
  }
  return new Uint8Array(raw);
}

const SERIAL = /^(?:0x)?[0-9a-fA-F]{1,40}$/;
function serialOf(o: { serial?: string; cert?: string }): { serialHex: string; issuerDer?: Uint8Array } {
  if (o.serial !== undefined) {
    if (!SERIAL.test(o.serial.replace(/:/g, ""))) throw new CliError("InvalidSerial", "--serial must be hex (at most 20 octets)", EXIT.usage);
    const h = o.serial.replace(/:/g, "").replace(/^0x/i, "").toLowerCase().replace(/^0+(?=.)/, "");
    return { serialHex: h.length % 2 ? `0${h}` : h };
  }
  if (!o.cert) throw new CliError("MissingCertificate", "give --serial HEX or --cert FILE", EXIT.usage);
  let parts: ReturnType<typeof certificateIssuerAndSerial>;
  try {
    parts = certificateIssuerAndSerial(readCert(o.cert, "certificate"));
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw new CliError("InvalidCertificate", `${o.cert} is not a certificate`, EXIT.refused);
  }
  if (!parts.serialHex) throw new CliError("InvalidCertificate", `${o.cert} has a zero or negative serial`, EXIT.refused);
  return { serialHex: parts.serialHex, issuerDer: parts.issuerDer };
}

/** The one SingleResponse about `serialHex`, after the response's own checks. */
function single(info: OcspResponseInfo, serialHex: string): OcspSingleInfo {
  if (info.status !== "successful") throw new CliError(`OcspError.${info.status}`, `the responder answered ${info.status}`, EXIT.refused);
  const s = info.basic?.responses.find((r) => r.serialHex === serialHex);
  if (!s) throw new CliError("OcspError.NoAnswer", `the response says nothing about serial ${serialHex}`, EXIT.refused);
  return s;
}

function print(out: Out, serialHex: string, s: OcspSingleInfo, extra: Record<string, unknown> = {}): void {
  const data = {
    SerialNumber: serialHex,
    Status: s.status,
    ...(s.status === "revoked" ? { RevokedAt: s.revokedAt?.toISOString(), Reason: s.reason ?? "unspecified" } : {}),
    ThisUpdate: s.thisUpdate.toISOString(),
    NextUpdate: s.nextUpdate?.toISOString() ?? null,
    ...extra,
  };
  out.result(data, () => {
    const head = s.status === "revoked" ? `${serialHex}: revoked at ${data.RevokedAt} (${data.Reason})` : `${serialHex}: ${s.status}`;
    return `${head}\n  This Update: ${data.ThisUpdate}\n  Next Update: ${data.NextUpdate ?? "-"}`;
  });
}

export function register(program: Command): void {
  const ocsp = program
    .command("ocsp")
    .description("a certificate's OCSP status: from the store (--ca/--serial or --cert), or from a responder (--url, like openssl ocsp)")
    .option("--ca <id>", "identifier of the issuing CA (store mode; found from --cert's issuer when omitted)")
    .option("--serial <hex>", "serial number of the certificate, hex")
    .option("--cert <file>", "the certificate (PEM or DER)")
    .option("--url <url>", "ask this OCSP responder over HTTP instead of the store (e.g. http://127.0.0.1:8080/ocsp/<ca>)")
    .option("--issuer <file>", "the issuing CA's certificate (PEM or DER; with --url)")
    .option("--no-nonce", "send no nonce (with --url)")
    .option("--get", "use GET <url>/<base64 request> instead of POST (with --url)")
    .option("--hash <name>", "CertID hash: sha1 (RFC 5019) or sha256", "sha1")
    .action(async (_o, cmd: Command) => {
      const o = cmd.optsWithGlobals();
      if (o.hash !== "sha1" && o.hash !== "sha256") throw new CliError("InvalidHash", "--hash must be sha1 or sha256", EXIT.usage);
      if (o.url) return queryResponder(o);
      return withSession(cmd, async (s, out) => {
        const { serialHex, issuerDer } = serialOf(o);
        let caId: string | undefined = o.ca;
        const ca = await s.store.read(async (tx) => {
          if (caId) return tx.cas.get(s.ctx.tenantId, caId);
          const all = await tx.cas.list(s.ctx.tenantId, { offset: 0, limit: 10_000 });
          const same = all.filter((c) => {
            const [der] = fromPemAll("CERTIFICATE", c.certificatePem);
            return der && issuerDer && Buffer.from(certificateSubjectAndSpki(der).subjectDer).equals(Buffer.from(issuerDer));
          });
          if (same.length > 1) throw new CliError("AmbiguousIssuer", `${same.length} CAs have this certificate's issuer name: give --ca`, EXIT.refused);
          return same[0] ?? null;
        });
        if (!ca) throw caId ? notFound("CACertificate", caId) : new CliError("UnknownIssuer", "no CA in the store has this certificate's issuer name: give --ca", EXIT.refused);
        caId = ca.id;
        const [caDer] = fromPemAll("CERTIFICATE", ca.certificatePem);
        const { subjectDer, spki } = certificateSubjectAndSpki(caDer as Uint8Array);
        const request = buildOcspRequest({ certIds: [{ hash: o.hash, issuerNameDer: subjectDer, issuerSpki: spki, serial: serialHex }] });
        const answer = await answerOcsp({ store: s.store, config: s.ctx.config, now: s.ctx.now }, request, caId);
        const info = parseOcspResponse(answer.der);
        print(out, serialHex, single(info, serialHex), { Ca: caId });
      });
    });
  registerAdmin(ocsp);
}

const OCSP_SIGNING = "1.3.6.1.5.5.7.3.9";

/**
 * The delegated responder certificate of `info` that signed it, when it is issued by the issuer (name
 * and signature), carries id-kp-OCSPSigning and is valid at `now` (RFC 6960 §4.2.2.2); else null.
 */
function delegatedSigner(info: OcspResponseInfo, issuer: { subjectDer: Uint8Array; spki: Uint8Array }, now: number): Uint8Array | null {
  for (const der of info.basic?.certs ?? []) {
    try {
      const cert = AsnConvert.parse(der, Certificate);
      const tbsNode = readDer(der).children?.[0];
      if (!tbsNode) continue;
      const tbsDer = der.slice(tbsNode.start, tbsNode.end);
      const t = cert.tbsCertificate;
      if (!Buffer.from(AsnConvert.serialize(t.issuer)).equals(Buffer.from(issuer.subjectDer))) continue;
      const alg = SIGNATURE_ALGORITHMS_BY_OID.get(cert.signatureAlgorithm.algorithm);
      const issuerPoint = alg?.family === "SM2" ? subjectPublicKeyBits(issuer.spki) : undefined;
      if (!alg || !verifySignature(alg, issuer.spki, tbsDer, new Uint8Array(cert.signatureValue), issuerPoint)) continue;
      const ekuExt = t.extensions?.find((e) => e.extnID === id_ce_extKeyUsage);
      const ekus = ekuExt ? AsnConvert.parse(ekuExt.extnValue, ExtendedKeyUsage) : [];
      if (!ekus.includes(OCSP_SIGNING)) continue;
      if (now < t.validity.notBefore.getTime().getTime() || now > t.validity.notAfter.getTime().getTime()) continue;
      const spki = new Uint8Array(AsnConvert.serialize(t.subjectPublicKeyInfo));
      if (verifyOcspResponse(info, spki)) return der;
    } catch {
      // not a certificate caskit can read: not the signer
    }
  }
  return null;
}

const SIGNERS = ["delegated", "direct"] as const;

/**
 * `--presign-hashes`: `sha1` or `sha1,sha256` (any order) → whether SHA-256 CertIDs are pre-signed too.
 * SHA-1 is always pre-signed (RFC 5019 clients send it); anything else is a usage error.
 */
function parsePresignHashes(v: string): boolean {
  const names = v.split(",").map((x) => x.trim().toLowerCase());
  const set = new Set(names);
  if (set.size !== names.length || !set.has("sha1") || [...set].some((n) => n !== "sha1" && n !== "sha256")) {
    throw new CliError("InvalidPresignHashes", `--presign-hashes must be sha1 or sha1,sha256 (got ${JSON.stringify(v.slice(0, 40))})`, EXIT.usage);
  }
  return set.has("sha256");
}

/** `ocsp configure`, `ocsp refresh`, `ocsp export`. */
function registerAdmin(ocsp: Command): void {
  ocsp
    .command("configure")
    .description("a CA's OCSP settings: who signs (the CA key, or a delegated responder certificate the CA issues and rotates), and whether answers are pre-signed; applied at once")
    // `--ca` is parsed by `ocsp` itself (commander reads a parent's options after a subcommand) and
    // reaches here through optsWithGlobals; listed for --help.
    .option("--ca <id>", "identifier of the CA (required)")
    .addOption(new Option("--signer <who>", "direct: the CA key signs every answer; delegated: a responder certificate (id-kp-OCSPSigning, ocsp-nocheck) issued by the CA signs").choices([...SIGNERS]))
    .option("--responder-days <n>", `validity of each delegated responder certificate, days (rotated when a third is left; default ${DEFAULT_RESPONDER_DAYS})`, positiveInt)
    .option("--presign", "sign answers for the CA's certificates ahead of time; requests without a nonce are answered from the store")
    .option("--no-presign", "sign every answer on demand (the default)")
    .option("--response-hours <n>", `validity (nextUpdate) of a pre-signed answer, hours (re-signed when a third is left; default ${DEFAULT_PRESIGNED_HOURS})`, positiveInt)
    .option(
      "--presign-hashes <list>",
      "CertID hashes answers are pre-signed for: sha1 (RFC 5019 clients; the default) or sha1,sha256 (also SHA-256 CertIDs, as `openssl ocsp -sha256` sends); other requests are signed on demand",
    )
    .action((_o, cmd: Command) =>
      withSession(cmd, async (s, out, o) => {
        if (!o.ca) throw new CliError("MissingCa", "give --ca ID", EXIT.usage);
        const sha256 = o.presignHashes === undefined ? undefined : parsePresignHashes(String(o.presignHashes));
        const at = s.ctx.now();
        const current = await s.store.read(async (tx) => {
          const ca = await tx.cas.get(s.ctx.tenantId, o.ca);
          if (!ca) throw notFound("CACertificate", o.ca);
          return (await tx.ocsp.getConfig(ca.id)) ?? defaultOcspConfig(ca.id, at);
        });
        const next = {
          ...current,
          delegated: o.signer === undefined ? current.delegated : o.signer === "delegated",
          responderDays: o.responderDays ?? current.responderDays,
          presign: o.presign === undefined ? current.presign : !!o.presign,
          responseHours: o.responseHours ?? current.responseHours,
          presignSha256: sha256 ?? !!current.presignSha256,
          updatedAt: at,
        };
        if (next.responderDays > 366) throw new CliError("InvalidResponderDays", "--responder-days is at most 366", EXIT.usage);
        if (next.responseHours > 24 * 31) throw new CliError("InvalidResponseHours", "--response-hours is at most 744 (31 days)", EXIT.usage);
        if (next.delegated && next.presign && next.responseHours > next.responderDays * 8) {
          throw new CliError("InvalidResponseHours", `a pre-signed answer may not outlast its responder: --response-hours is at most a third of the responder's validity (${next.responderDays * 8} h)`, EXIT.usage);
        }
        await s.store.transaction(async (tx) => {
          await tx.ocsp.setConfig(next);
          await tx.audit.append({ at, actor: "cli", tenantId: s.ctx.tenantId, action: "ConfigureOcsp", target: next.caId, outcome: "ok", detail: `${next.delegated ? "delegated" : "direct"}${next.presign ? ", presign" : ""} ${presignHashesOf(next).join(",")}` });
        });
        const [r] = await refreshOcsp(s.store, s.ctx.config, s.ctx.now, { caIds: [next.caId] });
        const responder = next.delegated ? await s.store.read((tx) => tx.ocsp.getResponder(next.caId)) : null;
        const data = {
          Ca: next.caId,
          Signer: next.delegated ? "delegated" : "direct",
          ResponderDays: next.responderDays,
          Presign: next.presign,
          PresignHashes: presignHashesOf(next),
          ResponseHours: next.responseHours,
          Signed: r?.signed ?? 0,
          ...(responder
            ? { Responder: { SerialNumber: responder.serialNumber, NotBefore: responder.notBefore.toISOString(), NotAfter: responder.notAfter.toISOString(), Certificate: toPem("CERTIFICATE", responder.certificateDer) } }
            : {}),
        };
        out.result(data, () =>
          [
            `${data.Ca}: ${data.Signer}${data.Presign ? `, pre-signed for ${data.PresignHashes.join(" and ")} CertIDs (${data.ResponseHours} h answers; ${data.Signed} signed now)` : ", signed on demand"}`,
            ...(responder ? [`  responder ${responder.serialNumber} valid ${responder.notBefore.toISOString()} – ${responder.notAfter.toISOString()} (${data.ResponderDays}-day certificates)`] : []),
          ].join("\n"),
        );
      }),
    );

  ocsp
    .command("refresh")
    .description("one OCSP refresh pass now, as caskit serve runs every --ocsp-interval: rotate delegated responders, re-sign stale or revoked pre-signed answers, delete those of expired certificates")
    .option("--ca <id>", "only this CA (default: every CA with OCSP settings)")
    .action((_o, cmd: Command) =>
      withSession(cmd, async (s, out, o) => {
        if (o.ca && !(await s.store.read((tx) => tx.cas.get(s.ctx.tenantId, o.ca)))) throw notFound("CACertificate", o.ca);
        const done = await refreshOcsp(s.store, s.ctx.config, s.ctx.now, o.ca ? { caIds: [o.ca] } : {});
        const rows = done.map((r) => ({
          Ca: r.caId,
          Signer: r.delegated ? "delegated" : "direct",
          Responder: r.responder?.serialNumber ?? null,
          Presigned: r.presigned,
          PresignHashes: r.hashes,
          Signed: r.signed,
          Kept: r.kept,
          Purged: r.purged,
        }));
        out.result(
          rows,
          () =>
            rows.map((r) => `${r.Ca}  ${r.Signer}${r.Responder ? ` (responder ${r.Responder})` : ""}${r.Presigned ? ` ${r.PresignHashes.join(",")}` : ""}  signed ${r.Signed}, kept ${r.Kept}, purged ${r.Purged}`).join("\n") ||
            "no CA has OCSP settings",
        );
      }),
    );

  ocsp
    .command("export")
    .description("write pre-signed OCSP answers for a plain web server or CDN: DIR/ocsp/<ca>/<url-encoded base64 GET request> (the file name is the GET URL's last segment as sent), DIR/serial/<ca>/<serial>.der, DIR/index.json")
    .requiredOption("--out <dir>", "directory to write (created if missing; existing files are overwritten, and files of the exported CAs it no longer holds are removed)")
    .option("--ca <id>", "only this CA (default: every CA of the tenant)")
    .addHelpText(
      "after",
      `
Answers are (re-)signed first where missing, stale (less than a third of their validity left), revoked
since, or signed by another signer — by the CA's own settings (caskit ocsp configure), pre-signing on.
One answer per serial the CA has used and that has not expired (certificates, deleted ones included,
and sub-CAs), with a SHA-1 CertID and no nonce (RFC 5019) — and a second one for the SHA-256 CertID
when the CA pre-signs SHA-256 too (configure --presign-hashes sha1,sha256). Serials never issued have no file: the
web server answers 404, not "unknown". Run it again (cron) well within --response-hours: a revocation
reaches the files at the next export, and the files of certificates expired since are removed (the
exported CAs' files only).

Layout:
  DIR/ocsp/<ca>/<encodeURIComponent(base64(OCSPRequest DER))>   GET <ocsp-base-url>/ocsp/<ca>/… (RFC 6960 A.1), SHA-1 CertID;
                                                                 also the SHA-256 CertID's request when the CA pre-signs it
  DIR/serial/<ca>/<serial>.der                                   the SHA-1 answer by serial (stapling)
  DIR/index.json                                                 every serial: ca, serial, status, times, signer, path, sha256
                                                                 (and pathSha256, sha256OfPathSha256 for SHA-256)
Serve DIR with a server that maps the raw (not percent-decoded) request path to the file name, with
Content-Type: application/ocsp-response.`,
    )
    .action((_o, cmd: Command) =>
      withSession(cmd, async (s, out, o) => {
        let ids: string[];
        if (o.ca) {
          if (!(await s.store.read((tx) => tx.cas.get(s.ctx.tenantId, o.ca)))) throw notFound("CACertificate", o.ca);
          ids = [o.ca];
        } else {
          ids = (await s.store.read((tx) => tx.cas.list(s.ctx.tenantId, { offset: 0, limit: 100_000 }))).map((c) => c.id);
        }
        const { entries, refreshed, removed } = await exportOcsp(s.store, s.ctx.config, s.ctx.now, o.out, ids);
        const signed = refreshed.reduce((n, r) => n + r.signed, 0);
        const data = { Directory: o.out, Cas: ids.length, Responses: entries.length, Signed: signed, Removed: removed, Index: "index.json" };
        out.result(data, () => `${entries.length} answers for ${ids.length} CA(s) in ${o.out} (${signed} signed now, ${removed} old files removed); index.json lists them`);
      }),
    );
}

async function queryResponder(o: Record<string, any>): Promise<void> {
  const out = makeOut(!!o.json);
  if (!o.issuer) throw new CliError("MissingIssuer", "--url needs --issuer FILE (the CA certificate that signs the answers)", EXIT.usage);
  let url: URL;
  try {
    url = new URL(o.url);
  } catch {
    throw new CliError("InvalidUrl", "--url is not a URL", EXIT.usage);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new CliError("InvalidUrl", "--url must be http or https", EXIT.usage);
  const { serialHex } = serialOf(o);
  let issuer: { subjectDer: Uint8Array; spki: Uint8Array };
  try {
    issuer = certificateSubjectAndSpki(readCert(o.issuer, "issuer"));
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw new CliError("InvalidCertificate", `${o.issuer} is not a certificate`, EXIT.refused);
  }
  const nonce = o.nonce === false ? undefined : new Uint8Array(randomBytes(16));
  const request = buildOcspRequest({ certIds: [{ hash: o.hash, issuerNameDer: issuer.subjectDer, issuerSpki: issuer.spki, serial: serialHex }], nonce });
  let res: Response;
  try {
    res = o.get
      ? await fetch(`${url.href.replace(/\/+$/, "")}/${encodeURIComponent(Buffer.from(request).toString("base64"))}`, { signal: AbortSignal.timeout(15_000) })
      : await fetch(url, { method: "POST", headers: { "content-type": "application/ocsp-request", accept: "application/ocsp-response" }, body: request, signal: AbortSignal.timeout(15_000) });
  } catch (e) {
    throw new CliError("OcspError.Unreachable", `cannot reach ${url.origin}: ${(e as Error).message}`, EXIT.refused);
  }
  if (!res.ok) throw new CliError("OcspError.Http", `the responder answered HTTP ${res.status}`, EXIT.refused);
  const body = new Uint8Array(await res.arrayBuffer());
  let info: OcspResponseInfo;
  try {
    info = parseOcspResponse(body);
  } catch (e) {
    throw new CliError("OcspError.Malformed", (e as Error).message, EXIT.refused);
  }
  const s = single(info, serialHex);
  if ((s.hash !== "sha1" && s.hash !== "sha256") || !certIdMatches({ ...s, hash: s.hash }, ocspIssuerHashes(issuer.subjectDer, issuer.spki))) {
    throw new CliError("OcspError.NoAnswer", "the response's CertID names another issuer", EXIT.refused);
  }
  const direct = verifyOcspResponse(info, issuer.spki);
  const delegate = direct ? null : delegatedSigner(info, issuer, Date.now());
  if (!direct && !delegate) throw new CliError("OcspError.Signature", "the response is signed neither by the issuer's key nor by a responder certificate the issuer issued for OCSP signing", EXIT.refused);
  if (nonce && !(info.basic?.nonce && Buffer.from(info.basic.nonce).equals(Buffer.from(nonce)))) throw new CliError("OcspError.Nonce", "the response does not echo the nonce sent", EXIT.refused);
  print(out, serialHex, s, { Verified: true, Signer: direct ? "issuer" : "delegated", Nonce: nonce ? "echoed" : "none" });
}
