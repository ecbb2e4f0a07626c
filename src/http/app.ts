/**
 * `buildApp(deps)`: the CAS RPC endpoint and the public PKI routes on fastify, without listening
 * (server.ts listens). One route `/` for every action, GET and POST, parameters from the query and a
 * form body, routed on (Version, Action).
 *
 * Every answer that is not a success carries the CAS error shape (Code, Message, RequestId, HostId,
 * Recommend; XML on Format=XML) — fastify's own refusals (body too large, no route, a bad method,
 * headers too large) included. One log line per request, written when the answer is sent.
 */
import { randomUUID } from "node:crypto";
import { type IncomingMessage, STATUS_CODES, createServer } from "node:http";
import type { Socket } from "node:net";
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest, LogController } from "fastify";
import { toPem } from "../internal/pem.js";
import { fromPemAll } from "../internal/pem.js";
import { actionFor } from "../service/index.js";
import type { ServiceConfig, ServiceContext } from "../service/context.js";
import { crlIsFresh, currentCrl } from "../service/crl.js";
import { servedShardCrl } from "../service/crl-shards.js";
import { type ProtocolErrorCode, ServiceError, notFound, protocolError, toServiceError } from "../service/errors.js";
import { type OcspAnswer, answerOcsp } from "../service/ocsp.js";
import { runAction } from "../service/run.js";
import type { Store } from "../store/port.js";
import { AccessKeyCache, NonceCache, ThrottledError, authenticate } from "./rpc/auth.js";
import { ocspFastPath, ocspGetRequest, ocspHeaders, ocspLogFacts } from "./ocsp-route.js";
import { render } from "./rpc/render.js";
import { checkParams, parseQuery, unflatten } from "./rpc/request.js";

export interface AppOptions {
  store: Store;
  config: ServiceConfig;
  /** Clock skew allowed for signed requests, seconds (0 = unchecked). Default 900. */
  timestampWindowSec?: number;
  /** Requests per second per tenant (account) per action, as CAS counts them (0 = unlimited). Default 10. */
  throttlePerSecond?: number;
  /** How long an access key read from the store is trusted (a disabled key stops working within it). Default 5000 ms; 0 reads it every time. */
  accessKeyCacheMs?: number;
  /** Accept the private-CA actions under Version 2020-04-07 too (a caskit leniency). Default true. */
  pcaUnder20200407?: boolean;
  logger?: boolean | object;
  now?: () => Date;
}

const HOST_ID = "cas.aliyuncs.com";
/** fastify's default keepAliveTimeout, which it applies only to servers it creates itself. */
const FASTIFY_KEEP_ALIVE_MS = 72_000;
const REQUEST_TIMEOUT_MS = 300_000;
const BODY_LIMIT = 1024 * 1024;
/**
 * A body refused by its Content-Length alone is read and discarded up to this size instead of the
 * connection being closed with it unread: closing with unread data makes the kernel send a reset, which
 * can take the 413 with it for a client still sending (RFC 9112 §9.6). Larger ones are closed on, and
 * so is a client that asked to close (Connection: close).
 */
const DISCARD_LIMIT = 16 * 1024 * 1024;

/** What the one log line of a request says, filled in as the request is handled. */
interface LogFacts {
  action?: string;
  tenant?: string;
  outcome?: string;
}
const facts = new WeakMap<FastifyRequest, LogFacts>();
/** A request's id, as CAS shows it (RequestId) and the log line names it. */
const newRequestId = (): string => randomUUID().toUpperCase();

/**
 * The one log line of a request, fastify's or the OCSP fast path's: the path, the action and what came
 * of it — never the query string (v1 signatures, CSRs) or a header.
 */
function requestLine(requestId: string, method: string | undefined, rawUrl: string | undefined, f: LogFacts, status: number, ms: number) {
  return { requestId, method, path: (rawUrl ?? "/").split("?")[0]?.slice(0, 200), ...f, outcome: f.outcome ?? (status < 400 ? "ok" : String(status)), status, ms };
}

const factsOf = (req: FastifyRequest): LogFacts => {
  let f = facts.get(req);
  if (!f) facts.set(req, (f = {}));
  return f;
};

/** `Format=XML` in a raw query string (the body is not read for this: it may be what failed). */
function formatOf(rawUrl: string | undefined): "JSON" | "XML" {
  const q = rawUrl?.indexOf("?") ?? -1;
  if (q < 0 || !rawUrl) return "JSON";
  return /(?:^|&)Format=XML(?:&|$)/i.test(rawUrl.slice(q + 1)) ? "XML" : "JSON";
}

/** The CAS error body for `se`. */
function errorBody(format: "JSON" | "XML", requestId: string, se: ServiceError) {
  return render(format, "Error", {
    RequestId: requestId,
    HostId: HOST_ID,
    Code: se.code,
    Message: se.message,
    Recommend: `https://api.aliyun.com/troubleshoot?q=${encodeURIComponent(se.code)}&product=cas&requestId=${requestId}`,
  });
}

function sendError(req: FastifyRequest, reply: FastifyReply, e: unknown, format: "JSON" | "XML" = formatOf(req.raw.url)): FastifyReply {
  const se = toServiceError(e);
  const f = factsOf(req);
  f.outcome = se.code;
  if (se.status >= 500) (f as LogFacts & { err?: string }).err = ((se.cause as Error | undefined)?.message ?? se.message).slice(0, 300);
  const out = errorBody(format, String(req.id), se);
  if (se.code === "UnsupportedHTTPMethod" && !reply.hasHeader("allow")) reply.header("allow", "GET, POST");
  if (se.code === "RequestBodyTooLarge" && discardsUnreadBody(req)) reply.removeHeader("connection");
  return reply.code(se.status).type(out.contentType).send(out.payload);
}

/**
 * Whether a 413 may keep the connection: fastify refused the body from its Content-Length before
 * reading any of it (it then asks to close), so Node's server discards the announced bytes once the
 * answer is sent and the connection stays in step. A chunked body, or one refused after part of it was
 * read, is closed on.
 */
function discardsUnreadBody(req: FastifyRequest): boolean {
  const declared = req.headers["content-length"];
  if (req.headers["transfer-encoding"] !== undefined || typeof declared !== "string" || !/^\d{1,10}$/.test(declared)) return false;
  const length = Number(declared);
  return length > BODY_LIMIT && length <= DISCARD_LIMIT;
}

/** fastify's own refusals (its FST_ERR_* codes and statuses) → the protocol error table. */
function fromFastify(e: unknown): unknown {
  if (e instanceof ServiceError) return e;
  const { code, statusCode } = (e ?? {}) as { code?: string; statusCode?: number };
  const map: Record<string, [ProtocolErrorCode, string]> = {
    FST_ERR_CTP_BODY_TOO_LARGE: ["RequestBodyTooLarge", `The request body is larger than ${BODY_LIMIT} bytes.`],
    FST_ERR_CTP_INVALID_CONTENT_LENGTH: ["BadRequest", "Content-Length does not match the body."],
    FST_ERR_CTP_INVALID_MEDIA_TYPE: ["UnsupportedMediaType", "The Content-Type is not supported (use application/x-www-form-urlencoded)."],
    FST_ERR_CTP_EMPTY_TYPE: ["UnsupportedMediaType", "The Content-Type is empty."],
    FST_ERR_CTP_INVALID_TYPE: ["UnsupportedMediaType", "The Content-Type is not valid."],
  };
  const hit = code ? map[code] : undefined;
  if (hit) return protocolError(hit[0], hit[1]);
  if (statusCode === 413) return protocolError("RequestBodyTooLarge", `The request body is larger than ${BODY_LIMIT} bytes.`);
  if (statusCode === 415) return protocolError("UnsupportedMediaType", "The Content-Type is not supported.");
  if (statusCode && statusCode >= 400 && statusCode < 500) return protocolError("BadRequest", "The request is not valid HTTP for this service.");
  return e;
}

export function buildApp(o: AppOptions): FastifyInstance {
  const now = o.now ?? (() => new Date());
  const window = o.timestampWindowSec ?? 900;
  const nonces = new NonceCache(Math.max(window, 900) * 2 * 1000);
  const keys = new AccessKeyCache(o.accessKeyCacheMs ?? 5_000);
  const ocspOptions = { store: o.store, config: o.config, now };
  const answerOcspHere = (der: Uint8Array, caId?: string) => answerOcsp(ocspOptions, der, caId);
  const ocspFast = ocspFastPath({ answer: answerOcspHere, now, bodyLimit: BODY_LIMIT, log: o.logger ? logFastOcsp : undefined });
  // The fast path's line is fastify's (its child logger adds reqId): the same fields either way.
  function logFastOcsp(req: IncomingMessage, facts: LogFacts, ms: number) {
    const requestId = newRequestId();
    app.log.info({ reqId: requestId, ...requestLine(requestId, req.method, req.url, facts, 200, ms) }, "rpc");
  }
  const app: FastifyInstance = Fastify({
    // Node's server with the OCSP fast path in front of fastify's handler (http/ocsp-route.ts).
    serverFactory: (handler) => {
      const server = createServer((req, res) => void (ocspFast(req, res) || handler(req, res)));
      server.keepAliveTimeout = FASTIFY_KEEP_ALIVE_MS; // what fastify sets on a server it makes itself
      // Node's default, kept on purpose: a request must arrive within 5 minutes (fastify would set no limit).
      server.requestTimeout = REQUEST_TIMEOUT_MS;
      return server;
    },
    // One line per request, ours (onResponse below): fastify's "incoming request"/"request completed"
    // lines are off, and its default request serializer would print the URL, whose query holds v1
    // signatures and CSRs.
    logger: o.logger ? { ...(typeof o.logger === "object" ? o.logger : {}), serializers: { req: (r: { method: string; url: string }) => ({ method: r.method, path: r.url.split("?")[0] }) } } : false,
    logController: new LogController({ disableRequestLogging: true }),
    genReqId: newRequestId,
    bodyLimit: BODY_LIMIT,
    // Malformed HTTP and oversized headers never reach a route: answered here, in the CAS shape.
    clientErrorHandler(this: FastifyInstance, err: Error & { code?: string }, socket: Socket) {
      if (err.code === "ECONNRESET" || socket.destroyed) return;
      const requestId = newRequestId();
      const timeout = err.code === "ERR_HTTP_REQUEST_TIMEOUT";
      const se =
        err.code === "HPE_HEADER_OVERFLOW"
          ? protocolError("RequestHeaderTooLarge", "The request headers are larger than this server accepts.")
          : timeout
            ? protocolError("RequestTimeout", "The request was not received in time.")
            : protocolError("BadRequest", "The request is not valid HTTP.");
      const status = se.status;
      const out = errorBody("JSON", requestId, se);
      this.log.info({ requestId, outcome: se.code, status }, "rpc");
      if (socket.writable) {
        const body = Buffer.from(out.payload);
        socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ""}\r\nContent-Length: ${body.length}\r\nContent-Type: ${out.contentType}\r\nConnection: close\r\n\r\n`);
        socket.write(body);
      }
      socket.destroy();
    },
  });
  // Keep every body as bytes: V3 signs the exact body.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", { parseAs: "buffer" }, (_req, body, done) => done(null, body));

  const started = new WeakMap<FastifyRequest, number>();
  app.addHook("onRequest", async (req) => void started.set(req, performance.now()));
  app.addHook("onResponse", async (req, reply) => {
    const f = factsOf(req);
    const ms = Math.round(performance.now() - (started.get(req) ?? performance.now()));
    req.log.info(requestLine(String(req.id), req.method, req.raw.url, f, reply.statusCode, ms), "rpc");
  });
  app.setErrorHandler((e, req, reply) => sendError(req, reply, fromFastify(e)));
  app.setNotFoundHandler((req, reply) => {
    const path = (req.raw.url ?? "/").split("?")[0];
    if (path === "/") return sendError(req, reply, protocolError("UnsupportedHTTPMethod", `The method ${req.method.slice(0, 16)} is not supported; use GET or POST.`));
    if (/^\/ocsp(?:\/|$)/.test(path ?? "")) {
      reply.header("allow", "GET, POST");
      return sendError(req, reply, protocolError("UnsupportedHTTPMethod", `The method ${req.method.slice(0, 16)} is not supported here; use POST (or GET /ocsp/<ca>/<request>).`));
    }
    if (/^\/(?:health|crl\/[^/]+(?:\/[^/]+)?|ca\/[^/]+)$/.test(path ?? "")) {
      reply.header("allow", "GET, HEAD");
      return sendError(req, reply, protocolError("UnsupportedHTTPMethod", `The method ${req.method.slice(0, 16)} is not supported here; use GET.`));
    }
    return sendError(req, reply, protocolError("InvalidApi.NotFound", "Specified api is not found (no such path)."));
  });

  app.get("/health", async () => {
    // A statement on the read snapshot: waits for no writer and locks nothing.
    await o.store.ping();
    return { status: "ok" };
  });

  app.get<{ Params: { id: string } }>("/crl/:id", async (req, reply) => {
    const id = req.params.id.replace(/\.crl$/, "");
    // The read snapshot answers unknown ids and fresh CRLs; the write transaction is taken only when the
    // CRL must be rebuilt (and currentCrl decides again inside it: another process may have rebuilt it).
    const seen = await o.store.read(async (tx) => {
      const ca = await tx.cas.getPublic(id);
      if (!ca) return null;
      const latest = await tx.crls.latest(ca.id);
      return { ca, crl: crlIsFresh(latest, ca, now()) ? latest : null };
    });
    if (!seen) return sendError(req, reply, notFound("CACertificate", id));
    const crl =
      seen.crl ??
      (await o.store.transaction(async (tx) => {
        const ca = await tx.cas.getPublic(id);
        return ca ? currentCrl({ store: o.store, tenantId: ca.tenantId, actor: "public", now, config: o.config }, tx, ca) : null;
      }));
    if (!crl) return sendError(req, reply, notFound("CACertificate", id));
    return sendCrl(reply, crl);
  });

  /** A CRL (full or a shard), cacheable for half of what is left of its validity. */
  const sendCrl = (reply: FastifyReply, crl: { der: Uint8Array; thisUpdate: Date; nextUpdate: Date }): FastifyReply => {
    const maxAge = Math.max(0, Math.floor((crl.nextUpdate.getTime() - now().getTime()) / 2000));
    return reply
      .type("application/pkix-crl")
      .header("cache-control", `public, max-age=${maxAge}`)
      .header("last-modified", crl.thisUpdate.toUTCString())
      .header("expires", crl.nextUpdate.toUTCString())
      .send(Buffer.from(crl.der));
  };

  // One shard of a partitioned CRL (docs/revocation.md): /crl/<ca>/<shard>.crl, the URL its certificates name.
  app.get<{ Params: { id: string; shard: string } }>("/crl/:id/:shard", async (req, reply) => {
    const m = /^(0|[1-9][0-9]{0,3})\.crl$/.exec(req.params.shard);
    const crl = m ? await servedShardCrl({ store: o.store, config: o.config, now }, req.params.id, Number(m[1])) : null;
    if (!crl) return sendError(req, reply, notFound("CACertificate", `${req.params.id}/${req.params.shard}`.slice(0, 200)));
    return sendCrl(reply, crl);
  });

  app.get<{ Params: { id: string } }>("/ca/:id", async (req, reply) => {
    const id = req.params.id.replace(/\.(crt|cer|pem)$/, "");
    const ca = await o.store.read((tx) => tx.cas.getPublic(id));
    if (!ca) return sendError(req, reply, notFound("CACertificate", id));
    const [der] = fromPemAll("CERTIFICATE", ca.certificatePem);
    reply.header("cache-control", "public, max-age=86400");
    if (req.params.id.endsWith(".pem")) return reply.type("application/x-pem-file").send(toPem("CERTIFICATE", der as Uint8Array));
    return reply.type("application/pkix-cert").send(Buffer.from(der as Uint8Array));
  });

  // OCSP (docs/ocsp.md; http/ocsp-route.ts): the plain requests are answered before fastify by the fast
  // path in the server's listener (above); these routes take the rest, with the same rules.
  const sendOcsp = (req: FastifyRequest, reply: FastifyReply, a: OcspAnswer, get: boolean): FastifyReply => {
    Object.assign(factsOf(req), ocspLogFacts(a));
    return reply.code(200).headers(ocspHeaders(a, get, now())).send(Buffer.from(a.der));
  };
  const bodyOf = (req: FastifyRequest): Uint8Array => new Uint8Array((req.body as Buffer | undefined) ?? Buffer.alloc(0));
  app.post("/ocsp", async (req, reply) => sendOcsp(req, reply, await answerOcspHere(bodyOf(req)), false));
  app.post<{ Params: { id: string } }>("/ocsp/:id", async (req, reply) => sendOcsp(req, reply, await answerOcspHere(bodyOf(req), req.params.id), false));
  app.get("/ocsp/:id/*", async (req, reply) => {
    const { caId, der } = ocspGetRequest(req.raw.url ?? "");
    return sendOcsp(req, reply, await answerOcspHere(der, caId), true);
  });

  app.route({
    method: ["GET", "POST"],
    url: "/",
    handler: async (req, reply) => {
      const requestId = String(req.id);
      const rawUrl = req.raw.url ?? "/";
      const qIndex = rawUrl.indexOf("?");
      const f = factsOf(req);
      let format: "JSON" | "XML" = formatOf(rawUrl);
      try {
        let query: Array<[string, string]>;
        let form: Array<[string, string]> = [];
        const body = (req.body as Buffer | undefined) ?? Buffer.alloc(0);
        const contentType = String(req.headers["content-type"] ?? "");
        const isForm = contentType.toLowerCase().startsWith("application/x-www-form-urlencoded");
        if (body.length && !isForm) throw protocolError("UnsupportedMediaType", "A request body must be application/x-www-form-urlencoded.");
        try {
          query = parseQuery(qIndex < 0 ? "" : rawUrl.slice(qIndex + 1));
          if (isForm) form = parseQuery(body.toString("utf8"));
        } catch {
          throw protocolError("InvalidParameter", "The query string or form body is not valid percent-encoding.");
        }
        const all = [...form, ...query];
        if (all.find(([k]) => k === "Format")?.[1]?.toUpperCase() === "XML") format = "XML";
        // Names and duplicates before the signature: what is verified must be what is acted on.
        checkParams(all);
        const auth = await authenticate(
          o.store,
          { method: req.method, path: rawUrl.slice(0, qIndex < 0 ? undefined : qIndex), query, form, headers: req.headers, body },
          // CAS limits an account (tenant) per action, whichever of its access keys calls: counted in the store.
          { timestampWindowSec: window, now, throttlePerSecond: o.throttlePerSecond ?? 10 },
          nonces,
          keys,
        );
        f.action = auth.action;
        f.tenant = auth.tenantId;
        const a = actionFor(auth.version, auth.action, { pcaUnder20200407: o.pcaUnder20200407 });
        if (!a) throw protocolError("InvalidApi.NotFound", `Specified api is not found (${auth.action.slice(0, 64)}, ${auth.version.slice(0, 16)}).`);
        // The nonce claim and the throttle count commit with the action (auth.admit; service/run.ts).
        const ctx: ServiceContext = { store: o.store, tenantId: auth.tenantId, actor: auth.accessKeyId, now, config: o.config, admit: auth.admit };
        const result = (await runAction(ctx, a, unflatten(all)).catch((e: unknown) => {
          if (!(e instanceof ThrottledError)) throw e;
          reply.header("x-acs-retry-after", String(e.retryAfterMs));
          throw protocolError("Throttling.User", e.message);
        })) as Record<string, unknown>;
        const out = render(format, `${auth.action}Response`, { RequestId: requestId, ...result });
        f.outcome = "ok";
        return reply.code(200).type(out.contentType).send(out.payload);
      } catch (e) {
        return sendError(req, reply, e, format);
      }
    },
  });
  return app;
}
