/**
 * FILE validation: GET http://<domain>:<port>/.well-known/pki-validation/fileauth.txt must return 200
 * with the expected content (CAS `Uri`/`Content`), whitespace around it ignored.
 *
 * node:http rather than fetch (undici) or a client library: it takes a `lookup` function, so the host
 * name is resolved through the SAME configured DNS servers as the DNS method (undici would need its own
 * Agent/connector for that), it exposes the body as a stream we can stop after `maxBytes`, and it adds
 * no dependency. Redirects are followed by hand, so every hop is held to the same rules.
 *
 * The FILE check fetches URLs a customer chooses; the detail therefore never echoes the body (no
 * read-back channel into the network caskit sits in), only status codes, sizes and URLs.
 */
import { request, type IncomingMessage } from "node:http";
import { isIP, type LookupFunction } from "node:net";
import type { Resolver } from "node:dns/promises";
import { FILE_URI, type DcvChallenge, type DcvResult } from "./types.js";
import { DeadlineError, type DcvSettings, dnsFailure, errorCode, newResolver, parseName, result } from "./common.js";

type Address = { address: string; family: 4 | 6 };
type Hop = DcvResult | { location: string };

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

export async function checkFile(ch: DcvChallenge, s: DcvSettings): Promise<DcvResult> {
  const name = parseName(ch.domain);
  if (typeof name === "string") return result("refused", name);
  if (name.wildcard) return result("refused", "wildcard names need DNS validation: a file on one host cannot prove *.");
  const want = ch.value.trim();
  if (want === "") return result("refused", "the expected file content is empty");

  // One deadline for the whole check: look-ups, connects, every redirect hop and the body.
  const abort = new AbortController();
  const resolver = newResolver(s);
  const timer = setTimeout(() => {
    resolver.cancel();
    abort.abort(new DeadlineError(`no answer within ${s.timeoutMs} ms`));
  }, s.timeoutMs);
  let url = new URL(`http://${name.base}:${s.httpPort}${FILE_URI}`);
  try {
    for (let hop = 0; ; hop++) {
      const addresses = await lookup(resolver, url.hostname, s);
      if (!Array.isArray(addresses)) return addresses;
      const out = await fetchOnce(url, addresses, want, s, abort.signal);
      if (!("location" in out)) return out;
      if (hop >= s.maxRedirects) return result("redirect_limit", `more than ${s.maxRedirects} redirect(s); last to ${out.location}`);
      const next = redirectTarget(url, out.location, s);
      if (typeof next === "string") return result("bad_response", next);
      url = next;
    }
  } catch (e) {
    if (abort.signal.aborted) return result("timeout", `${url.host}: no complete answer within ${s.timeoutMs} ms`);
    const code = errorCode(e);
    if (code === undefined) throw e;
    if (code === "ECONNREFUSED") return result("refused", `${url.host}: connection refused`);
    return result("bad_response", `${url.host}: HTTP exchange failed (${code})`);
  } finally {
    clearTimeout(timer);
  }
}

/** A and AAAA through the configured servers; the result is handed to node:http as its `lookup`. */
async function lookup(resolver: Resolver, host: string, s: DcvSettings): Promise<Address[] | DcvResult> {
  const [v4, v6] = await Promise.allSettled([resolver.resolve4(host), resolver.resolve6(host)]);
  const found: Address[] = [
    ...(v4.status === "fulfilled" ? v4.value.map((address) => ({ address, family: 4 as const })) : []),
    ...(v6.status === "fulfilled" ? v6.value.map((address) => ({ address, family: 6 as const })) : []),
  ];
  if (found.length > 0) return found;
  const reasons = [v4, v6].flatMap((r) => (r.status === "rejected" ? [r.reason as unknown] : []));
  // Report the most telling failure: a time-out or refusal says more than "no AAAA record".
  const worst = reasons.find((r) => !["ENOTFOUND", "ENODATA"].includes(errorCode(r) ?? "")) ?? reasons[0];
  if (worst === undefined) return result("not_found", `${host}: no A or AAAA record`);
  const failed = dnsFailure(host, worst, s.timeoutMs);
  return failed.outcome === "not_found" ? result("not_found", `${host}: no A or AAAA record`) : failed;
}

/** Only http, only the configured port, only host names (which resolve through our servers). */
function redirectTarget(from: URL, location: string, s: DcvSettings): URL | string {
  let next: URL;
  try {
    next = new URL(location, from);
  } catch {
    return `redirect to an unparsable Location: ${location}`;
  }
  if (next.protocol !== "http:") return `redirect to ${next.protocol}// not followed (only http)`;
  const port = next.port === "" ? 80 : Number(next.port);
  if (port !== s.httpPort) return `redirect to port ${port} not followed (only ${s.httpPort})`;
  const host = next.hostname.replace(/^\[|\]$/g, "");
  if (isIP(host) !== 0) return `redirect to an IP address (${host}) not followed`;
  const name = parseName(host);
  if (typeof name === "string" || name.wildcard) return `redirect to an invalid host name not followed`;
  return next;
}

/** One GET; settles on the status line and, for a 200, on the end of the body or on passing the cap. */
function fetchOnce(url: URL, addresses: Address[], want: string, s: DcvSettings, signal: AbortSignal): Promise<Hop> {
  const fixed: LookupFunction = (_host, options, callback) => {
    const family = options.family === 4 || options.family === 6 ? options.family : 0;
    const usable = addresses.filter((a) => family === 0 || a.family === family);
    if (usable.length === 0) {
      callback(Object.assign(new Error(`no IPv${family} address`), { code: "ENOTFOUND" }), "", 0);
    } else if (options.all) {
      (callback as unknown as (e: null, all: Address[]) => void)(null, usable);
    } else {
      callback(null, usable[0]!.address, usable[0]!.family);
    }
  };
  return new Promise<Hop>((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: s.httpPort,
        path: `${url.pathname}${url.search}`,
        method: "GET",
        headers: { "user-agent": "caskit-dcv", accept: "*/*", connection: "close" },
        // A fresh connection per hop: no pooled socket outlives the check, and destroy() really closes it.
        agent: false,
        lookup: fixed,
        signal,
      },
      (res) => onResponse(res),
    );
    // Once settled, tear the connection down: nothing more of this exchange is wanted.
    const settle = (hop: Hop): void => {
      resolve(hop);
      req.destroy();
    };
    req.on("error", reject);
    req.end();

    function onResponse(res: IncomingMessage): void {
      const status = res.statusCode ?? 0;
      if (REDIRECTS.has(status)) {
        const location = res.headers.location;
        return settle(location ? { location } : result("bad_response", `${url.href}: HTTP ${status} without a Location`));
      }
      if (status === 404 || status === 410) return settle(result("not_found", `${url.href}: HTTP ${status}`));
      if (status !== 200) return settle(result("bad_response", `${url.href}: HTTP ${status}`));
      const declared = Number(res.headers["content-length"]);
      if (declared > s.maxBytes) return settle(result("too_large", `${url.href}: Content-Length ${declared} exceeds ${s.maxBytes} bytes`));

      const chunks: Buffer[] = [];
      let size = 0;
      let done = false;
      res.on("data", (chunk: Buffer) => {
        if (done) return;
        size += chunk.length;
        if (size > s.maxBytes) {
          done = true;
          return settle(result("too_large", `${url.href}: body exceeds ${s.maxBytes} bytes`));
        }
        chunks.push(chunk);
      });
      res.on("end", () => {
        if (done) return;
        done = true;
        const body = Buffer.concat(chunks).toString("utf8").trim();
        settle(
          body === want
            ? result("ok", `${url.href}: content matches`)
            : result("mismatch", `${url.href}: content differs (${size} bytes received)`),
        );
      });
      // A body cut short (reset, premature close) is an error; the signal's abort lands here too.
      res.on("error", reject);
      res.on("close", () => {
        if (!done) reject(signal.aborted ? signal.reason : Object.assign(new Error("body cut short"), { code: "ECONNRESET" }));
      });
    }
  });
}
