/**
 * Authenticating an RPC request: V3 (Authorization: ACS3-HMAC-SHA256 …) or RPC v1 (Signature parameter);
 * the access key from the store; the timestamp window; nonce replay; the signature itself. Each failure
 * is the matching Alibaba Cloud common error (docs/cas-api.md).
 */
import type { AccessKeyRecord, Store, StoreTx } from "../../store/port.js";
import { type ProtocolErrorCode, protocolError } from "../../service/errors.js";
import { together } from "../../service/run.js";
import { EMPTY_SHA256, parseV3Authorization, rpcV1Signature, rpcV1StringToSign, sameSignature, v3CanonicalRequest, v3Signature, v3StringToSign } from "./signature.js";
import { createHash } from "node:crypto";

export interface AuthInput {
  method: string;
  path: string;
  query: Array<[string, string]>;
  form: Array<[string, string]>;
  headers: Record<string, string | string[] | undefined>;
  body: Uint8Array;
}

export interface Authenticated {
  accessKeyId: string;
  tenantId: string;
  action: string;
  version: string;
  scheme: "v3" | "v1";
  /**
   * Claims the request's nonce in the store and counts it against the throttle, inside the caller's
   * transaction: the action's own (so the claim, the action and its audit row commit together — one
   * commit per request instead of two), or the refusal's audit transaction when the action fails. It
   * throws SignatureNonceUsed (another process or an earlier life of this one took the nonce) or
   * ThrottledError, and whatever it throws must end the transaction (service/run.ts does).
   */
  admit(tx: StoreTx): Promise<void>;
}

export interface AuthOptions {
  /** Allowed clock skew in seconds; 0 disables the check (tests with fixed timestamps). Default 900. */
  timestampWindowSec: number;
  now: () => Date;
  /** Requests per second per tenant and action, counted in the store (every worker and instance); 0 = none. */
  throttlePerSecond?: number;
}

/** Throttling.User, with the milliseconds until the next window opens (the x-acs-retry-after header). */
export class ThrottledError extends Error {
  readonly retryAfterMs: number;
  constructor(retryAfterMs: number) {
    super("Request was denied due to user flow control.");
    this.retryAfterMs = retryAfterMs;
  }
}

const err = (code: ProtocolErrorCode, message: string) => protocolError(code, message);
const header = (h: AuthInput["headers"], name: string): string | undefined => {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
};
const MAX_NONCE = 128;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

/** Remembers nonces for twice the timestamp window (a replay outside the window fails on time). */
export class NonceCache {
  readonly #seen = new Map<string, number>();
  readonly ttlMs: number;
  constructor(ttlMs: number) {
    this.ttlMs = ttlMs;
  }
  /**
   * True when the nonce is fresh (and records it). Entries are kept in expiry order (a Map iterates in
   * insertion order, and a re-taken key is deleted before it is set again), so expired ones are swept
   * from the front: amortized O(1) per call, however many nonces are live.
   */
  take(key: string, nowMs: number): boolean {
    for (const [k, t] of this.#seen) {
      if (t >= nowMs) break;
      this.#seen.delete(k);
    }
    const until = this.#seen.get(key);
    if (until !== undefined && until >= nowMs) return false;
    this.#seen.delete(key);
    this.#seen.set(key, nowMs + this.ttlMs);
    return true;
  }

  /** Nonces remembered now (for tests and diagnostics). */
  get size(): number {
    return this.#seen.size;
  }
}

/**
 * Access keys as read from the store, kept for `ttlMs` (default 5 s): reading and decrypting the
 * secret was a store read and an AES-GCM open on every request. The bound is the promise: a key
 * disabled (or deleted) stops working in every process within `ttlMs`. Only found keys are kept.
 */
export class AccessKeyCache {
  readonly #keys = new Map<string, { key: AccessKeyRecord; until: number }>();
  readonly ttlMs: number;
  readonly #max: number;
  constructor(ttlMs = 5_000, max = 10_000) {
    this.ttlMs = ttlMs;
    this.#max = max;
  }
  async get(store: Store, id: string, nowMs: number): Promise<AccessKeyRecord | null> {
    const hit = this.#keys.get(id);
    if (hit && hit.until > nowMs) return hit.key;
    const key = await store.read((tx) => tx.accessKeys.get(id));
    this.#keys.delete(id);
    if (key) {
      if (this.#keys.size >= this.#max) this.#keys.delete(this.#keys.keys().next().value as string);
      this.#keys.set(id, { key, until: nowMs + this.ttlMs });
    }
    return key;
  }
}

export async function authenticate(store: Store, req: AuthInput, opts: AuthOptions, nonces: NonceCache, keys: AccessKeyCache = new AccessKeyCache(0)): Promise<Authenticated> {
  const authz = header(req.headers, "authorization");
  const params = new Map([...req.form, ...req.query]);
  let scheme: "v3" | "v1";
  let accessKeyId: string;
  let timestamp: string | undefined;
  let nonce: string | undefined;
  let action: string | undefined;
  let version: string | undefined;
  let v3: ReturnType<typeof parseV3Authorization> = null;
  if (authz?.startsWith("ACS3-")) {
    scheme = "v3";
    v3 = parseV3Authorization(authz);
    if (!v3) throw err("IncompleteSignature", "The Authorization header is malformed.");
    for (const h of ["host", "x-acs-action", "x-acs-version", "x-acs-date", "x-acs-signature-nonce", "x-acs-content-sha256"]) {
      if (!v3.signedHeaders.includes(h)) throw err("IncompleteSignature", `The header ${h} must be signed.`);
    }
    accessKeyId = v3.accessKeyId;
    timestamp = header(req.headers, "x-acs-date");
    nonce = header(req.headers, "x-acs-signature-nonce");
    action = header(req.headers, "x-acs-action");
    version = header(req.headers, "x-acs-version");
  } else if (params.has("Signature")) {
    scheme = "v1";
    accessKeyId = params.get("AccessKeyId") ?? "";
    if (!accessKeyId) throw err("MissingAccessKeyId", "AccessKeyId is mandatory for this action.");
    const method = params.get("SignatureMethod");
    if (method !== "HMAC-SHA1") throw err("InvalidSignatureMethod", "Only SignatureMethod HMAC-SHA1 is supported.");
    if (params.get("SignatureVersion") !== "1.0") throw err("IncompleteSignature", "SignatureVersion must be 1.0.");
    timestamp = params.get("Timestamp");
    nonce = params.get("SignatureNonce");
    // Parameters win over the (unsigned) x-acs-* headers the SDK also sends.
    action = params.get("Action") ?? header(req.headers, "x-acs-action");
    version = params.get("Version") ?? header(req.headers, "x-acs-version");
  } else {
    throw err("IncompleteSignature", "The request is not signed (no ACS3 Authorization header and no Signature parameter).");
  }
  if (!action) throw err("MissingAction", "Action is mandatory.");
  if (!version) throw err("MissingVersion", "Version is mandatory.");
  if (!nonce) throw err("MissingSignatureNonce", "SignatureNonce is mandatory.");
  // The SDKs send 32 hex digits or a UUID; a bound keeps what the store remembers small.
  if (nonce.length > MAX_NONCE) throw err("InvalidSignatureNonce", `SignatureNonce is longer than ${MAX_NONCE} characters.`);

  if (!timestamp || !ISO.test(timestamp) || Number.isNaN(Date.parse(timestamp))) {
    throw err("InvalidTimeStamp.Format", "Specified time stamp or date value is not well formatted (yyyy-MM-ddTHH:mm:ssZ).");
  }
  const now = opts.now().getTime();
  if (opts.timestampWindowSec > 0 && Math.abs(now - Date.parse(timestamp)) > opts.timestampWindowSec * 1000) {
    throw err("InvalidTimeStamp.Expired", `Specified time stamp or date value is expired (more than ${opts.timestampWindowSec} s from server time).`);
  }

  const key = await keys.get(store, accessKeyId, now);
  if (!key) throw err("InvalidAccessKeyId.NotFound", "Specified access key is not found.");
  if (key.status !== "enabled") throw err("InvalidAccessKeyId.Inactive", "Specified access key is disabled.");

  if (scheme === "v3" && v3) {
    const declared = header(req.headers, "x-acs-content-sha256");
    const actual = req.body.length ? createHash("sha256").update(req.body).digest("hex") : EMPTY_SHA256;
    if (declared !== actual) throw err("SignatureDoesNotMatch", "x-acs-content-sha256 does not match the body.");
    const expected = v3Signature(key.secret, v3StringToSign(v3CanonicalRequest({ method: req.method, path: req.path, query: req.query, headers: req.headers, signedHeaders: v3.signedHeaders, body: req.body })));
    if (!sameSignature(expected, v3.signature)) throw err("SignatureDoesNotMatch", "Specified signature does not match our calculation.");
  } else {
    const expected = rpcV1Signature(key.secret, rpcV1StringToSign(req.method, [...req.query, ...req.form]));
    if (!sameSignature(expected, params.get("Signature") ?? "")) throw err("SignatureDoesNotMatch", "Specified signature does not match our calculation.");
  }
  // Checked last, so an unauthenticated caller cannot burn someone else's nonces. The in-process cache
  // refuses most replays without touching the store; the store's claim (`admit`, committed with the
  // action or with its refusal) refuses the rest — after a restart, or sent to another process on the
  // same store. Of two copies racing through different processes, one claim waits on the other's
  // uncommitted row and then finds it taken: at most one copy's action commits.
  const used = () => err("SignatureNonceUsed", "Specified signature nonce was used already.");
  if (!nonces.take(`${accessKeyId}:${nonce}`, now)) throw used();
  const fresh = nonce;
  // The throttle is counted in the same transaction, so a request refused by it leaves neither a count
  // nor a used nonce behind (the rollback takes both back).
  const limit = opts.throttlePerSecond ?? 0;
  const tenantId = key.tenantId;
  const act = action;
  // Claim and count go out together (one round trip on PostgreSQL); a used nonce is the answer before the
  // throttle, and its count goes with the rollback.
  const admit = async (tx: StoreTx) => {
    const claimed = tx.nonces.claim(accessKeyId, fresh, new Date(now), new Date(now + nonces.ttlMs));
    const count = await together(claimed, async () => (limit > 0 ? tx.throttle.hit(tenantId, act, Math.floor(now / 1000)) : 0));
    if (!(await claimed)) throw used();
    if (limit > 0 && count > limit) throw new ThrottledError(1000 - (now % 1000));
  };
  return { accessKeyId, tenantId: key.tenantId, action, version, scheme, admit };
}
