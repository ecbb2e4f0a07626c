/**
 * `caskit ocsp`: a certificate's OCSP status (docs/ocsp.md).
 *
 * - From the store: `--ca ID --serial HEX`, or `--cert FILE` (its CA found by issuer name, or `--ca`).
 *   The request is built with the core and answered by the same service the responder runs
 *   (`answerOcsp`), then read back: exactly what `caskit serve` would answer.
 * - From a responder, like `openssl ocsp`: `--url URL --issuer FILE (--cert FILE | --serial HEX)`; a
 *   16-octet nonce unless `--no-nonce`, POST unless `--get`. The answer must be signed by the issuer's
 *   key, echo the nonce and name the certificate asked about.
 * Prints good / revoked (time, reason) / unknown; exit 0 for any of them, 1 for an error response.
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
import { notFound } from "../../service/errors.js";
import { answerOcsp } from "../../service/ocsp.js";
import { CliError, EXIT, type Out, makeOut } from "../output.js";
import { withSession } from "./shared.js";

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
  program
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
  if (!verifyOcspResponse(info, issuer.spki)) throw new CliError("OcspError.Signature", "the response is not signed by the issuer's key (delegated responders are not supported)", EXIT.refused);
  if (nonce && !(info.basic?.nonce && Buffer.from(info.basic.nonce).equals(Buffer.from(nonce)))) throw new CliError("OcspError.Nonce", "the response does not echo the nonce sent", EXIT.refused);
  print(out, serialHex, s, { Verified: true, Nonce: nonce ? "echoed" : "none" });
}
