/**
 * Helpers for HTTP tests against the built `caskit serve` process: start/stop it, and send raw signed
 * requests (V3 ACS3-HMAC-SHA256, as the SDK builds them) whose exact bytes can be sent again — to a
 * restarted process or to another one on the same store.
 */
import { type ChildProcess } from "node:child_process";
import { createHash, createHmac, randomBytes } from "node:crypto";
import { request } from "node:http";
import { caskitAsync } from "../helpers/cli.js";

export interface Served {
  proc: ChildProcess;
  port: number;
  logs: () => string;
  /** SIGTERM, then waits for the exit code. */
  stop(): Promise<number | null>;
}

export async function startServe(env: Record<string, string | undefined>, extra: string[] = []): Promise<Served> {
  const proc = caskitAsync(["serve", "--port", "0", "--crl-base-url", "http://127.0.0.1:1", ...extra], env);
  let logs = "";
  proc.stderr?.on("data", (d: Buffer) => (logs += d.toString()));
  const exited = new Promise<number | null>((r) => proc.on("exit", (c) => r(c)));
  const port = await new Promise<number>((resolve, reject) => {
    proc.stdout?.on("data", (d: Buffer) => {
      logs += d.toString();
      const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(logs);
      if (m) resolve(Number(m[1]));
    });
    void exited.then((c) => reject(new Error(`serve exited ${c}: ${logs}`)));
  });
  return {
    proc,
    port,
    logs: () => logs,
    stop: async () => {
      if (proc.exitCode === null) proc.kill("SIGTERM");
      return exited;
    },
  };
}

export interface RawRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json<T = any>(): T;
}

/** The status line and headers of a raw HTTP/1.1 answer, and where its body starts; null until the head is whole. */
export function parseHttpHead(raw: Buffer): { status: number; headers: Record<string, string>; bodyStart: number } | null {
  const end = raw.indexOf("\r\n\r\n");
  if (end < 0) return null;
  const [statusLine = "", ...lines] = raw.subarray(0, end).toString("latin1").split("\r\n");
  const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(":")).toLowerCase(), l.slice(l.indexOf(":") + 1).trim()]));
  return { status: Number(statusLine.split(" ")[1]), headers, bodyStart: end + 4 };
}

/** Percent-encoding as the SDK does it (RFC 3986 unreserved kept). */
export const pct = (s: string): string => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
const sha256 = (b: string | Buffer): string => createHash("sha256").update(b).digest("hex");

/**
 * A V3-signed RPC request: parameters in a form body (as the SDK sends them with reqBodyType formData),
 * `query` in the URL. Written from the ACS3-HMAC-SHA256 specification (keys and values percent-encoded
 * in the canonical query), not from the server's code.
 */
export function signV3(o: {
  ak: { id: string; secret: string };
  action: string;
  version?: string;
  form?: Record<string, string>;
  query?: Array<[string, string]>;
  host?: string;
  nonce?: string;
  date?: string;
}): RawRequest {
  const body = Buffer.from(Object.entries(o.form ?? {}).map(([k, v]) => `${pct(k)}=${pct(v)}`).join("&"));
  const headers: Record<string, string> = {
    host: o.host ?? "cas.caskit.test",
    "content-type": "application/x-www-form-urlencoded",
    "x-acs-action": o.action,
    "x-acs-version": o.version ?? "2020-06-30",
    "x-acs-date": o.date ?? new Date().toISOString().replace(/\.\d+Z$/, "Z"),
    "x-acs-signature-nonce": o.nonce ?? randomBytes(16).toString("hex"),
    "x-acs-content-sha256": sha256(body),
  };
  const signed = Object.keys(headers).sort();
  const query = o.query ?? [];
  const canonicalQuery = query
    .map(([k, v]) => [pct(k), pct(v)] as [string, string])
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join("&");
  const canonical = ["POST", "/", canonicalQuery, signed.map((h) => `${h}:${headers[h]}\n`).join(""), signed.join(";"), sha256(body)].join("\n");
  const signature = createHmac("sha256", o.ak.secret).update(`ACS3-HMAC-SHA256\n${sha256(canonical)}`).digest("hex");
  headers.authorization = `ACS3-HMAC-SHA256 Credential=${o.ak.id},SignedHeaders=${signed.join(";")},Signature=${signature}`;
  const qs = query.map(([k, v]) => `${pct(k)}=${pct(v)}`).join("&");
  return { method: "POST", path: qs ? `/?${qs}` : "/", headers, body };
}

/** Sends a request byte for byte (Host header included) with node:http, which leaves it as given. */
export function send(port: number, r: RawRequest): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, method: r.method, path: r.path, headers: { ...r.headers, "content-length": String(r.body.length) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) });
      });
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(r.body);
  });
}
