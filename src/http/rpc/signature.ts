/**
 * Request signatures of Alibaba Cloud's RPC APIs, as the official SDK computes them (docs/cas-api.md):
 * V3 `ACS3-HMAC-SHA256` (the SDK default) and RPC v1 `HMAC-SHA1`. Pure functions over an already
 * parsed request, so the vectors in test/http/fixtures/cas-signature-vectors.json test them directly.
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";

/** RFC 3986 percent-encoding as the SDK does it: encodeURIComponent plus !'()* escaped. */
export function pct(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

const byKey = (a: [string, string], b: [string, string]) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0);

export const EMPTY_SHA256 = createHash("sha256").update("").digest("hex");

export interface V3Request {
  method: string;
  path: string;
  /** Decoded query parameters, in any order. */
  query: Array<[string, string]>;
  /** Lower-cased header names → values as received. */
  headers: Record<string, string | string[] | undefined>;
  signedHeaders: string[];
  body: Uint8Array;
}

/**
 * Keys and values percent-encoded, sorted by encoded key (ACS3 specification). The SDK leaves keys
 * unencoded (docs/cas-api.md step 3); for every name of the parameter grammar (request.ts checkParams,
 * applied before any signature is checked) the two are the same string. Encoding here means a key
 * holding `=` or `&` can never read as two parameters.
 */
export function v3CanonicalQuery(query: Array<[string, string]>): string {
  return query
    .map(([k, v]): [string, string] => [pct(k), pct(v)])
    .sort(byKey)
    .map(([k, v]) => `${k}=${v}`)
    .join("&");
}

export function v3CanonicalHeaders(headers: V3Request["headers"], signed: string[]): string {
  return signed
    .map((name) => {
      const v = headers[name];
      const values = (Array.isArray(v) ? [...v].sort() : [v ?? ""]).map((x) => x.trim());
      return `${name}:${values.join(",")}\n`;
    })
    .join("");
}

export function v3CanonicalRequest(r: V3Request): string {
  const hashedPayload = createHash("sha256").update(r.body).digest("hex");
  return [r.method.toUpperCase(), r.path, v3CanonicalQuery(r.query), v3CanonicalHeaders(r.headers, r.signedHeaders), r.signedHeaders.join(";"), hashedPayload].join("\n");
}

export function v3StringToSign(canonicalRequest: string): string {
  return `ACS3-HMAC-SHA256\n${createHash("sha256").update(canonicalRequest).digest("hex")}`;
}

export function v3Signature(secret: string, stringToSign: string): string {
  return createHmac("sha256", secret).update(stringToSign).digest("hex");
}

export interface ParsedAuthorization {
  accessKeyId: string;
  signedHeaders: string[];
  signature: string;
}

/** `ACS3-HMAC-SHA256 Credential=AK,SignedHeaders=a;b,Signature=hex`, or null when malformed. */
export function parseV3Authorization(header: string): ParsedAuthorization | null {
  const m = /^ACS3-HMAC-SHA256 (.*)$/.exec(header.trim());
  if (!m) return null;
  const parts = Object.fromEntries(
    (m[1] as string).split(",").map((p) => {
      const i = p.indexOf("=");
      return [p.slice(0, i).trim(), p.slice(i + 1).trim()];
    }),
  );
  const { Credential, SignedHeaders, Signature } = parts as Record<string, string | undefined>;
  if (!Credential || !SignedHeaders || !Signature || !/^[0-9a-f]{64}$/.test(Signature)) return null;
  const signedHeaders = SignedHeaders.split(";").map((h) => h.toLowerCase());
  return { accessKeyId: Credential, signedHeaders, signature: Signature };
}

export function rpcV1StringToSign(method: string, params: Array<[string, string]>): string {
  const canon = params
    .filter(([k]) => k !== "Signature")
    .sort(byKey)
    .map(([k, v]) => `${pct(k)}=${pct(v)}`)
    .join("&");
  return `${method.toUpperCase()}&${pct("/")}&${pct(canon)}`;
}

export function rpcV1Signature(secret: string, stringToSign: string): string {
  return createHmac("sha1", `${secret}&`).update(stringToSign).digest("base64");
}

/** Constant-time comparison of two signatures in the same encoding. */
export function sameSignature(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
