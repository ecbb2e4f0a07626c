/**
 * `caskit serve` as a user runs it (the built binary, a fresh store) and the official Alibaba Cloud SDK
 * (@alicloud/openapi-core, V3 signatures) as its client: the door HTTP users come through.
 */
import type { ChildProcess } from "node:child_process";
import { join } from "node:path";
import OpenApiModule, { $OpenApiUtil, OpenApiUtil } from "@alicloud/openapi-core";
import * as $dara from "@darabonba/typescript";
import { assertBuilt, caskit, caskitAsync } from "./cli.js";
import { tempDir } from "./openssl.js";

/** The SDKs are CommonJS with `exports.default = Client`; ESM interop may hand us either shape. */
export const ctor = <T>(m: unknown): T => (typeof m === "function" ? m : (m as { default: unknown }).default) as T;
type Ctor = new (config: $OpenApiUtil.Config) => any;
const OpenApi = ctor<Ctor>(OpenApiModule);

export interface AccessKey {
  id: string;
  secret: string;
}

/** A served store: `init`, one access key, `serve --port 0` with `args`; `stop()` ends it and removes the files. */
export async function servedStore(args: string[] = [], env: Record<string, string> = {}) {
  assertBuilt();
  const tmp = tempDir("caskit-serve-");
  const fullEnv = { CASKIT_DATA: join(tmp.dir, "ca.db"), CASKIT_MASTER_PASSPHRASE: "sdk tests", ...env };
  caskit(["init"], fullEnv);
  const created = caskit(["--json", "accesskey", "create"], fullEnv).json();
  const key: AccessKey = { id: created.AccessKeyId, secret: created.AccessKeySecret };
  const proc: ChildProcess = caskitAsync(["serve", "--port", "0", ...args], fullEnv);
  let logs = "";
  proc.stderr?.on("data", (d: Buffer) => (logs += d.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    let out = "";
    proc.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
      logs += d.toString();
      const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    proc.on("exit", (c) => reject(new Error(`serve exited ${c}: ${logs}`)));
  });
  /** One action through the SDK's callApi; resolves to the response body, rejects with the SDK's error. */
  const call = async (action: string, q: Record<string, unknown> = {}, version = "2020-06-30") => {
    const params = new $OpenApiUtil.Params({ action, version, protocol: "HTTPS", pathname: "/", method: "POST", authType: "AK", style: "RPC", reqBodyType: "formData", bodyType: "json" });
    const client = new OpenApi(new $OpenApiUtil.Config({ accessKeyId: key.id, accessKeySecret: key.secret, endpoint: `127.0.0.1:${port}`, protocol: "http" }));
    // Generous timeouts: the full suite runs other heavy files on the same two cores.
    const runtime = new $dara.RuntimeOptions({ connectTimeout: 30_000, readTimeout: 60_000 });
    const res = await client.callApi(params, new $OpenApiUtil.OpenApiRequest({ query: OpenApiUtil.query(q) }), runtime);
    return res.body as Record<string, any>;
  };
  const stop = async () => {
    if (proc.exitCode === null) {
      const exited = new Promise((r) => proc.once("exit", r));
      proc.kill("SIGTERM");
      await exited;
    }
    tmp.remove();
  };
  return { port, key, env: fullEnv, tmp, call, logs: () => logs, stop, url: (path: string) => `http://127.0.0.1:${port}${path}` };
}

/** The SDK error a call rejects with (its `code` is the CAS Code), or a failure when it succeeded. */
export async function sdkError(p: Promise<unknown>): Promise<{ code: string; statusCode?: number; message: string; data?: Record<string, unknown> }> {
  try {
    await p;
  } catch (e) {
    return e as { code: string; statusCode?: number; message: string };
  }
  throw new Error("the call succeeded");
}
