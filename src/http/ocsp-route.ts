/**
 * The OCSP endpoints over HTTP (docs/ocsp.md): public and unauthenticated like /crl, every answer an
 * OCSPResponse with HTTP 200 (errors included).
 *
 * - `POST /ocsp` and `POST /ocsp/<ca>` with the DER request as the body;
 * - `GET /ocsp/<ca>/<url-encoding of base64 of the DER request>` (RFC 6960 appendix A.1), with RFC 5019
 *   caching headers.
 *
 * OCSP is the one route relying parties hit at volume, and a kept answer costs a few microseconds
 * (service/ocsp.ts) — fastify's request lifecycle (routing, hooks, content-type parsing, reply objects)
 * cost more than the answer itself. So {@link ocspFastPath} answers the plain cases straight from Node's
 * HTTP server, before fastify sees them: a POST with a Content-Type and a Content-Length within the body
 * limit, or a GET. Everything else (chunked or oversized bodies, HEAD, other methods) goes on to fastify's
 * routes in app.ts, which answer through the same functions here — one set of rules either way. Both
 * write the same one log line per request.
 */
import { createHash } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { ocspErrorResponse } from "../revoke/index.js";
import type { OcspAnswer } from "../service/ocsp.js";

/** Longest a GET answer may be cached (RFC 5019 §6.2 allows to nextUpdate; bounded so a revocation shows within minutes). */
const OCSP_MAX_AGE = 300;

/** The DER request and CA id of a GET URL's path (raw, not the router's decoding: base64 holds "/" and "+"). Empty DER: not base64 (answered malformedRequest). */
export function ocspGetRequest(rawUrl: string): { caId: string; der: Uint8Array } {
  const m = /^\/ocsp\/([^/]+)\/(.+)$/.exec(rawUrl.split("?")[0] ?? "");
  let der: Uint8Array = new Uint8Array(0);
  let caId = m?.[1] ?? "";
  try {
    caId = decodeURIComponent(caId);
    const b64 = decodeURIComponent(m?.[2] ?? "").replace(/-/g, "+").replace(/_/g, "/");
    if (/^[A-Za-z0-9+/]+={0,2}$/.test(b64) && b64.length <= 100_000) der = new Uint8Array(Buffer.from(b64, "base64"));
  } catch {
    // not percent-encoding: an empty request, answered malformedRequest
  }
  return { caId, der };
}

// Kept answers (service/ocsp.ts) are the same byte arrays again: their ETag is computed once.
const etags = new WeakMap<Uint8Array, string>();
const etagOf = (der: Uint8Array): string => {
  let e = etags.get(der);
  if (!e) etags.set(der, (e = `"${createHash("sha256").update(der).digest("hex").slice(0, 32)}"`));
  return e;
};

/** The response headers of an answer: cacheable for a GET that succeeded, else no-store. */
export function ocspHeaders(a: OcspAnswer, get: boolean, now: Date): Record<string, string> {
  const headers: Record<string, string> = { "content-type": "application/ocsp-response" };
  if (get && a.status === "successful" && a.thisUpdate && a.nextUpdate) {
    const t = now.getTime();
    const maxAge = Math.max(0, Math.min(OCSP_MAX_AGE, Math.floor((a.nextUpdate.getTime() - t) / 1000)));
    headers["cache-control"] = `public, max-age=${maxAge}, no-transform, must-revalidate`;
    headers.etag = etagOf(a.der);
    headers["last-modified"] = a.thisUpdate.toUTCString();
    headers.expires = new Date(t + maxAge * 1000).toUTCString();
  } else headers["cache-control"] = "no-store";
  return headers;
}

/** What the request's log line says of an answer (merged into the line's fields). */
export function ocspLogFacts(a: OcspAnswer): { action: string; outcome: string; err?: string } {
  return { action: "OCSP", outcome: a.status === "successful" ? "ok" : a.status, ...(a.reason && a.status !== "successful" ? { err: a.reason.slice(0, 300) } : {}) };
}

export interface OcspFastPathOptions {
  answer(der: Uint8Array, caId?: string): Promise<OcspAnswer>;
  now(): Date;
  /** Largest body taken here (larger ones go on to fastify, which refuses them in the CAS shape). */
  bodyLimit: number;
  /** Writes the request's log line from what the answer says of it; absent: no logging (serve --quiet). */
  log?(req: IncomingMessage, facts: ReturnType<typeof ocspLogFacts>, ms: number): void;
}

const POST_PATH = /^\/ocsp(?:\/([^/?]+))?(?:\?|$)/;
const GET_PATH = /^\/ocsp\/[^/]+\/./;

/**
 * A request listener for Node's HTTP server that answers the plain OCSP requests and returns true, or
 * returns false without touching the request (fastify takes it).
 */
export function ocspFastPath(o: OcspFastPathOptions): (req: IncomingMessage, res: ServerResponse) => boolean {
  const send = (req: IncomingMessage, res: ServerResponse, started: number, answered: Promise<OcspAnswer>, get: boolean) => {
    answered
      // answerOcsp answers every failure itself; this is the last resort.
      .catch((e: unknown): OcspAnswer => ({ der: ocspErrorResponse("internalError"), status: "internalError", reason: String((e as Error)?.message ?? e).slice(0, 300) }))
      .then((a) => {
        const body = Buffer.from(a.der.buffer, a.der.byteOffset, a.der.byteLength);
        res.writeHead(200, { ...ocspHeaders(a, get, o.now()), "content-length": String(body.length) });
        res.end(body);
        o.log?.(req, ocspLogFacts(a), Math.round(performance.now() - started));
      });
  };
  return (req, res) => {
    const url = req.url ?? "";
    if (!url.startsWith("/ocsp")) return false;
    const started = performance.now();
    if (req.method === "GET" && GET_PATH.test(url)) {
      const { caId, der } = ocspGetRequest(url);
      send(req, res, started, o.answer(der, caId), true);
      return true;
    }
    if (req.method !== "POST") return false;
    const m = POST_PATH.exec(url);
    const length = Number(req.headers["content-length"]);
    if (!m || !req.headers["content-type"] || req.headers["transfer-encoding"] || !Number.isInteger(length) || length < 0 || length > o.bodyLimit) return false;
    let caId: string | undefined;
    try {
      caId = m[1] === undefined ? undefined : decodeURIComponent(m[1]);
    } catch {
      return false; // fastify's router answers a path it cannot decode
    }
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("error", () => res.destroy());
    req.on("end", () => send(req, res, started, o.answer(new Uint8Array(Buffer.concat(chunks)), caId), false));
    return true;
  };
}
