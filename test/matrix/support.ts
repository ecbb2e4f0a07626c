/**
 * Support for the key-family regression matrix (families.test.ts):
 * - asynchronous runs of the built `caskit` binary and of `openssl`, through one small slot pool so the
 *   concurrent tests never run more than a couple of processes at once on a shared 2-core machine;
 * - the two stores (a SQLite file; a PostgreSQL schema of its own for this run);
 * - the official SDK's `callApi` against `caskit serve`;
 * - OpenSSL 3 as the judge: whole chains with `openssl verify -x509_strict` for RSA/ECC, link by link with
 *   the default SM2 ID for SM2 (OpenSSL 3.0 applies `-vfyopt distid:…` to the target certificate only),
 *   and SM2 CRLs on their raw TBS with `pkeyutl -rawin -digest sm3 -pkeyopt distid:…` (OpenSSL 3.0 checks
 *   a CRL's SM2 signature with the empty ID, so `openssl crl -CAfile` and `verify -crl_check` cannot).
 */
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import OpenApiModule, { $OpenApiUtil, OpenApiUtil } from "@alicloud/openapi-core";
import * as $dara from "@darabonba/typescript";
import pg from "pg";
import { readDer } from "../../src/csr/der-reader.js";
import { BIN } from "../helpers/cli.js";

export const DISTID = "distid:1234567812345678";
export const PG_URL = process.env.CASKIT_TEST_PG_URL ?? "postgres://postgres@127.0.0.1:5432/test";

// ---------------------------------------------------------------------------------------------------
// Processes

/** At most `n` tasks at once, first come first served. */
export function slots(n: number): <T>(task: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: Array<() => void> = [];
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (running >= n) await new Promise<void>((r) => waiting.push(r));
    else running++;
    try {
      return await task();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else running--;
    }
  };
}

/** Two processes at a time (the machine has two cores, shared): CASKIT_MATRIX_JOBS overrides. */
const pool = slots(Math.max(1, Number(process.env.CASKIT_MATRIX_JOBS ?? 2)));

export interface Run {
  status: number | null;
  ok: boolean;
  stdout: string;
  stderr: string;
  /** The command line and its output, for assertion messages. */
  text: string;
  json<T = any>(): T;
}

function exec(cmd: string, args: string[], env?: Record<string, string | undefined>): Promise<Run> {
  return pool(
    () =>
      new Promise<Run>((resolve, reject) => {
        const child = spawn(cmd, args, { env: env ? { ...process.env, ...env } : process.env, stdio: ["ignore", "pipe", "pipe"] });
        const out: Buffer[] = [];
        const err: Buffer[] = [];
        child.stdout.on("data", (d: Buffer) => out.push(d));
        child.stderr.on("data", (d: Buffer) => err.push(d));
        child.on("error", reject);
        child.on("close", (status) => {
          const stdout = Buffer.concat(out).toString("utf8");
          const stderr = Buffer.concat(err).toString("utf8");
          const shown = cmd === process.execPath ? `caskit ${args.slice(1).join(" ")}` : `${cmd} ${args.join(" ")}`;
          resolve({
            status,
            ok: status === 0,
            stdout,
            stderr,
            text: `$ ${shown}\n(exit ${status})\n${stdout.slice(0, 2000)}${stderr.slice(0, 2000)}`,
            json: () => JSON.parse(stdout),
          });
        });
      }),
  );
}

/** The built binary, a fresh process per call. */
export const caskit = (args: string[], env: Record<string, string | undefined>): Promise<Run> => exec(process.execPath, [BIN, ...args], env);
export const openssl = (args: string[]): Promise<Run> => exec("openssl", args);

export async function opensslOrThrow(args: string[]): Promise<string> {
  const r = await openssl(args);
  if (!r.ok) throw new Error(`openssl failed:\n${r.text}`);
  return r.stdout;
}

// ---------------------------------------------------------------------------------------------------
// PostgreSQL: a schema of this run's own

export async function pgQuery(sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

/**
 * A `CASKIT_DATA` URL whose tables all live in `schema` (created beforehand by the caller):
 * - `?schema=NAME`, the store's own way to name a schema (src/store/open.ts, as test/cli/durability.test.ts
 *   uses it), removed from the URL before connecting;
 * - and the same schema as pg's `options` search_path, which pg lets override the pool's own, so a build
 *   without `?schema=` support still keeps this run out of the shared default schema "caskit".
 * The last test of families.test.ts checks that the PostgreSQL flows' CAs are in `schema`.
 */
export function urlWithSchema(schema: string): string {
  const u = new URL(PG_URL);
  u.searchParams.set("schema", schema);
  u.searchParams.set("options", `-c search_path=${schema}`);
  return u.toString();
}

// ---------------------------------------------------------------------------------------------------
// The official SDK against `caskit serve`

const ctor = <T>(m: unknown): T => (typeof m === "function" ? m : (m as { default: unknown }).default) as T;
const OpenApi = ctor<new (config: $OpenApiUtil.Config) => any>(OpenApiModule);

export interface AccessKey {
  id: string;
  secret: string;
}

/** @alicloud/openapi-core callApi, V3 signature, 2020-06-30, as in test/http/sdk.e2e.test.ts. */
export async function callApi(port: number, ak: AccessKey, action: string, q: Record<string, unknown>): Promise<Record<string, any>> {
  const client = new OpenApi(new $OpenApiUtil.Config({ accessKeyId: ak.id, accessKeySecret: ak.secret, endpoint: `127.0.0.1:${port}`, protocol: "http" }));
  const params = new $OpenApiUtil.Params({ action, version: "2020-06-30", protocol: "HTTPS", pathname: "/", method: "POST", authType: "AK", style: "RPC", reqBodyType: "formData", bodyType: "json" });
  // RSA-4096 CA keys are generated inside serve while the other flows keep both cores busy.
  const runtime = new $dara.RuntimeOptions({ connectTimeout: 30_000, readTimeout: 120_000 });
  try {
    const res = await client.callApi(params, new $OpenApiUtil.OpenApiRequest({ query: OpenApiUtil.query(q) }), runtime);
    return res.body as Record<string, any>;
  } catch (e) {
    const err = e as { code?: string; message?: string; data?: unknown };
    throw new Error(`${action} failed: ${err.code ?? ""} ${err.message ?? String(e)} ${JSON.stringify(err.data ?? {})}`);
  }
}

// ---------------------------------------------------------------------------------------------------
// Files

export function pemOfDer(label: string, der: Uint8Array): string {
  const b64 = Buffer.from(der).toString("base64").replace(/.{64}/g, "$&\n");
  return `-----BEGIN ${label}-----\n${b64}${b64.endsWith("\n") ? "" : "\n"}-----END ${label}-----\n`;
}

/** The first PEM block of `label` in `pem`, as DER. */
export function derOfPem(pem: string, label = "CERTIFICATE"): Buffer {
  const m = new RegExp(`-----BEGIN ${label}-----([\\s\\S]*?)-----END ${label}-----`).exec(pem);
  if (!m) throw new Error(`no ${label} block`);
  return Buffer.from((m[1] as string).replace(/\s+/g, ""), "base64");
}

/** The certificates in a PEM bundle, each normalised to a canonical PEM block. */
export function pemBlocks(pem: string): string[] {
  return [...pem.matchAll(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g)].map((m) => pemOfDer("CERTIFICATE", derOfPem(m[0])));
}

// ---------------------------------------------------------------------------------------------------
// OpenSSL, the judge

export type Purpose = "sslserver" | "sslclient";

/** RSA/ECC: the whole chain, strictly: `verify -x509_strict -purpose P -CAfile root -untrusted sub leaf`. */
export const verifyChain = (root: string, sub: string, leaf: string, purpose: Purpose, extra: string[] = []): Promise<Run> =>
  openssl(["verify", "-x509_strict", "-purpose", purpose, ...extra, "-CAfile", root, "-untrusted", sub, leaf]);

/** SM2: one link, the child against its issuer only, with the default ID (and the purpose, for leaves). */
export const verifySm2Link = (issuer: string, child: string, purpose?: Purpose): Promise<Run> =>
  openssl(["verify", "-x509_strict", "-vfyopt", DISTID, "-partial_chain", ...(purpose ? ["-purpose", purpose] : []), "-CAfile", issuer, child]);

/** SM2: a self-signed root against itself, with the default ID. */
export const verifySm2Root = (root: string): Promise<Run> => openssl(["verify", "-x509_strict", "-vfyopt", DISTID, "-CAfile", root, root]);

/** RSA/ECC: `openssl crl -verify -CAfile issuer` (a PEM or DER CRL). */
export const verifyCrlSignature = (crl: string, issuer: string): Promise<Run> =>
  openssl(["crl", "-verify", "-in", crl, "-inform", crl.endsWith(".pem") ? "PEM" : "DER", "-CAfile", issuer, "-noout"]);

/**
 * SM2: the CRL's signature over its raw TBSCertList with SM3 and the default ID, by the issuer's public key
 * (`pkeyutl -verify -rawin -digest sm3 -pkeyopt distid:…`). `dir/tag` names the scratch files.
 */
export async function verifySm2CrlSignature(crlDer: Uint8Array, issuerCertFile: string, scratch: (name: string) => string, tag: string): Promise<Run> {
  const top = readDer(crlDer);
  const [tbs, , sig] = top.children ?? [];
  if (!tbs || !sig) throw new Error("not a CRL (SEQUENCE of TBS, algorithm, signature)");
  const tbsFile = scratch(`${tag}.tbs.der`);
  const sigFile = scratch(`${tag}.sig.der`);
  writeFileSync(tbsFile, crlDer.subarray(tbs.start, tbs.end));
  writeFileSync(sigFile, crlDer.subarray(sig.contentStart + 1, sig.end)); // past the unused-bits octet
  const pub = scratch(`${tag}.issuer.pub.pem`);
  writeFileSync(pub, await opensslOrThrow(["x509", "-in", issuerCertFile, "-noout", "-pubkey"]));
  return openssl(["pkeyutl", "-verify", "-pubin", "-inkey", pub, "-rawin", "-digest", "sm3", "-pkeyopt", DISTID, "-in", tbsFile, "-sigfile", sigFile]);
}

/** `serial=HEX` as OpenSSL prints it, so it can be looked for in `openssl crl -text`. */
export async function serialOf(certFile: string): Promise<string> {
  const out = await opensslOrThrow(["x509", "-in", certFile, "-noout", "-serial"]);
  const m = /^serial=([0-9A-F]+)\s*$/m.exec(out);
  if (!m) throw new Error(`no serial in ${out}`);
  return m[1] as string;
}

export interface CrlFacts {
  text: string;
  issuer: string;
  /** Serial numbers listed (uppercase hex, as OpenSSL prints them). */
  serials: string[];
}

export async function crlFacts(crlFile: string): Promise<CrlFacts> {
  const text = await opensslOrThrow(["crl", "-in", crlFile, "-inform", crlFile.endsWith(".pem") ? "PEM" : "DER", "-noout", "-text"]);
  const issuer = /Issuer: (.*)$/m.exec(text)?.[1] ?? "";
  return { text, issuer, serials: [...text.matchAll(/Serial Number: ([0-9A-F]+)/g)].map((m) => m[1] as string) };
}

/** The subject as `openssl crl -text` prints an issuer (`CN = …, O = …`). */
export async function subjectOf(certFile: string): Promise<string> {
  return (await opensslOrThrow(["x509", "-in", certFile, "-noout", "-subject"])).replace(/^subject=/, "").trim();
}

/** Does the generated key (file, as the CLI wrote it) hold the certificate's public key? */
export async function keyMatches(keyFile: string, certFile: string): Promise<{ ok: boolean; detail: string }> {
  const [fromKey, fromCert] = await Promise.all([openssl(["pkey", "-in", keyFile, "-pubout"]), openssl(["x509", "-in", certFile, "-noout", "-pubkey"])]);
  return { ok: fromKey.ok && fromCert.ok && fromKey.stdout === fromCert.stdout, detail: fromKey.text + fromCert.text };
}
