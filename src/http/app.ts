/**
 * `buildApp(deps)`: the CAS RPC endpoint and the public PKI routes on fastify, without listening
 * (server.ts listens). One route `/` for every action, GET and POST, parameters from the query and a
 * form body, routed on (Version, Action).
 */
import { randomUUID } from "node:crypto";
import Fastify, { type FastifyInstance } from "fastify";
import { toPem } from "../internal/pem.js";
import { fromPemAll } from "../internal/pem.js";
import { PCA_ACTIONS } from "../service/actions/index.js";
import type { ServiceConfig, ServiceContext } from "../service/context.js";
import { currentCrl } from "../service/crl.js";
import { ServiceError, toServiceError } from "../service/errors.js";
import { runAction } from "../service/run.js";
import type { Store } from "../store/port.js";
import { NonceCache, authenticate } from "./rpc/auth.js";
import { render } from "./rpc/render.js";
import { parseQuery, unflatten } from "./rpc/request.js";
import { Throttle } from "./rpc/throttle.js";

export interface AppOptions {
  store: Store;
  config: ServiceConfig;
  /** Clock skew allowed for signed requests, seconds (0 = unchecked). Default 900. */
  timestampWindowSec?: number;
  /** Requests per second per access key per action (0 = unlimited). Default 10. */
  throttlePerSecond?: number;
  /** Accept the private-CA actions under Version 2020-04-07 too (a caskit leniency). Default true. */
  pcaUnder20200407?: boolean;
  logger?: boolean | object;
  now?: () => Date;
}

const PCA_VERSION = "2020-06-30";
const HOST_ID = "cas.aliyuncs.com";

export function buildApp(o: AppOptions): FastifyInstance {
  const now = o.now ?? (() => new Date());
  const window = o.timestampWindowSec ?? 900;
  const nonces = new NonceCache(Math.max(window, 900) * 2 * 1000);
  const throttle = new Throttle(o.throttlePerSecond ?? 10);
  const app = Fastify({
    // Our own "rpc" line per request carries id, action, tenant, outcome and duration; fastify's default
    // request log would print the URL, whose query holds v1 signatures and CSRs.
    logger: o.logger ? { ...(typeof o.logger === "object" ? o.logger : {}), serializers: { req: (r: { method: string; url: string }) => ({ method: r.method, path: r.url.split("?")[0] }) } } : false,
    genReqId: () => randomUUID().toUpperCase(),
    bodyLimit: 1024 * 1024,
  });
  // Keep every body as bytes: V3 signs the exact body.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", { parseAs: "buffer" }, (_req, body, done) => done(null, body));

  app.get("/health", async () => {
    await o.store.counts();
    return { status: "ok" };
  });

  app.get<{ Params: { id: string } }>("/crl/:id", async (req, reply) => {
    const id = req.params.id.replace(/\.crl$/, "");
    const crl = await o.store.transaction(async (tx) => {
      const ca = await tx.cas.getPublic(id);
      return ca ? currentCrl({ store: o.store, tenantId: ca.tenantId, actor: "public", now, config: o.config }, tx, ca) : null;
    });
    if (!crl) return reply.code(404).type("text/plain").send("no such CA\n");
    const maxAge = Math.max(0, Math.floor((crl.nextUpdate.getTime() - now().getTime()) / 2000));
    return reply
      .type("application/pkix-crl")
      .header("cache-control", `public, max-age=${maxAge}`)
      .header("last-modified", crl.thisUpdate.toUTCString())
      .header("expires", crl.nextUpdate.toUTCString())
      .send(Buffer.from(crl.der));
  });

  app.get<{ Params: { id: string } }>("/ca/:id", async (req, reply) => {
    const id = req.params.id.replace(/\.(crt|cer|pem)$/, "");
    const ca = await o.store.read((tx) => tx.cas.getPublic(id));
    if (!ca) return reply.code(404).type("text/plain").send("no such CA\n");
    const [der] = fromPemAll("CERTIFICATE", ca.certificatePem);
    reply.header("cache-control", "public, max-age=86400");
    if (req.params.id.endsWith(".pem")) return reply.type("application/x-pem-file").send(toPem("CERTIFICATE", der as Uint8Array));
    return reply.type("application/pkix-cert").send(Buffer.from(der as Uint8Array));
  });

  app.route({
    method: ["GET", "POST"],
    url: "/",
    handler: async (req, reply) => {
      const started = performance.now();
      const requestId = String(req.id);
      const rawUrl = req.raw.url ?? "/";
      const qIndex = rawUrl.indexOf("?");
      let format: "JSON" | "XML" = "JSON";
      let action = "";
      let tenant: string | undefined;
      try {
        let query: Array<[string, string]>;
        let form: Array<[string, string]> = [];
        const body = (req.body as Buffer | undefined) ?? Buffer.alloc(0);
        try {
          query = parseQuery(qIndex < 0 ? "" : rawUrl.slice(qIndex + 1));
          if (String(req.headers["content-type"] ?? "").startsWith("application/x-www-form-urlencoded")) form = parseQuery(body.toString("utf8"));
        } catch {
          throw new ServiceError("InvalidParameter", 400, "The query string or form body is not valid percent-encoding.");
        }
        const all = [...form, ...query];
        if (all.find(([k]) => k === "Format")?.[1]?.toUpperCase() === "XML") format = "XML";
        const auth = await authenticate(
          o.store,
          { method: req.method, path: rawUrl.slice(0, qIndex < 0 ? undefined : qIndex), query, form, headers: req.headers, body },
          { timestampWindowSec: window, now },
          nonces,
        );
        action = auth.action;
        tenant = auth.tenantId;
        const a = PCA_ACTIONS.get(auth.action);
        const versionOk = auth.version === PCA_VERSION || (auth.version === "2020-04-07" && (o.pcaUnder20200407 ?? true));
        if (!a || !versionOk) throw new ServiceError("InvalidApi.NotFound", 404, `Specified api is not found (${auth.action.slice(0, 64)}, ${auth.version.slice(0, 16)}).`);
        const wait = throttle.take(`${auth.accessKeyId}:${auth.action}`, now().getTime());
        if (wait > 0) {
          reply.header("x-acs-retry-after", String(wait));
          throw new ServiceError("Throttling.User", 400, "Request was denied due to user flow control.");
        }
        const ctx: ServiceContext = { store: o.store, tenantId: auth.tenantId, actor: auth.accessKeyId, now, config: o.config };
        const result = (await runAction(ctx, a, unflatten(all))) as Record<string, unknown>;
        const out = render(format, `${action}Response`, { RequestId: requestId, ...result });
        req.log.info({ requestId, action, tenant, outcome: "ok", ms: Math.round(performance.now() - started) }, "rpc");
        return reply.code(200).type(out.contentType).send(out.payload);
      } catch (e) {
        const se = toServiceError(e);
        if (se.status >= 500) req.log.error({ requestId, action, err: (se.cause as Error)?.message }, "rpc internal error");
        req.log.info({ requestId, action, tenant, outcome: se.code, ms: Math.round(performance.now() - started) }, "rpc");
        const out = render(format, "Error", {
          RequestId: requestId,
          HostId: HOST_ID,
          Code: se.code,
          Message: se.message,
          Recommend: `https://api.aliyun.com/troubleshoot?q=${encodeURIComponent(se.code)}&product=cas&requestId=${requestId}`,
        });
        return reply.code(se.status).type(out.contentType).send(out.payload);
      }
    },
  });
  return app;
}
