/**
 * cfssl (Debian package golang-cfssl, 1.2) as the HTTP baseline: a P-256 CA made with
 * `cfssl gencert -initca`, `cfssl serve` on loopback, and the raw request for POST /api/v1/cfssl/sign.
 * By default cfssl keeps no database (no -db-config): it signs and answers, nothing is stored. With
 * `db: true` it stores every certificate in its SQLite certdb (the schema of cfssl's
 * certdb/sqlite/migrations, created here), as a CA that can revoke must — the like-for-like comparison.
 */
import { type ChildProcess, execFileSync } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { writeFileSync } from "node:fs";
import Database from "better-sqlite3";
import { join } from "node:path";
import { freePort, requireTool, spawnPlaced, stopChild } from "./loadgen.js";

export interface Cfssl {
  port: number;
  caPem: string;
  child: ChildProcess;
  stop: () => Promise<void>;
}

/** The JSON body of a sign request: the CSR, and the same host name caskit puts in the SAN. */
export function cfsslSignBody(csrPem: string, host: string): string {
  return JSON.stringify({ certificate_request: csrPem, hosts: [host] });
}

/** The raw HTTP request wrk replays against cfssl at `host` ("127.0.0.1:port"). */
export function cfsslRawRequest(host: string, body: string): string {
  return `POST /api/v1/cfssl/sign HTTP/1.1\r\nhost: ${host}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

/** Creates a P-256 CA in `dir`, starts `cfssl serve` behind `prefix`, waits until it signs, returns it. */
export async function startCfssl(dir: string, prefix: string[], days: number, csrPem: string, host: string, options: { db?: boolean } = {}): Promise<Cfssl> {
  const cfssl = requireTool("cfssl", "golang-cfssl");
  const dbArgs: string[] = [];
  if (options.db) {
    const file = join(dir, "cfssl-certs.db");
    const db = new Database(file);
    db.exec(`CREATE TABLE certificates (serial_number blob NOT NULL, authority_key_identifier blob NOT NULL, ca_label blob,
        status blob NOT NULL, reason int, expiry timestamp, revoked_at timestamp, pem blob NOT NULL,
        PRIMARY KEY (serial_number, authority_key_identifier));
      CREATE TABLE ocsp_responses (serial_number blob NOT NULL, authority_key_identifier blob NOT NULL, body blob NOT NULL,
        expiry timestamp, PRIMARY KEY (serial_number, authority_key_identifier),
        FOREIGN KEY (serial_number, authority_key_identifier) REFERENCES certificates (serial_number, authority_key_identifier));`);
    db.close();
    writeFileSync(join(dir, "cfssl-db.json"), JSON.stringify({ driver: "sqlite3", data_source: file }));
    dbArgs.push("-db-config", join(dir, "cfssl-db.json"));
  }
  writeFileSync(join(dir, "ca-csr.json"), JSON.stringify({ CN: "cfssl Bench CA", key: { algo: "ecdsa", size: 256 } }));
  const gen = JSON.parse(execFileSync(cfssl, ["gencert", "-initca", join(dir, "ca-csr.json")], { stdio: ["ignore", "pipe", "pipe"] }).toString());
  writeFileSync(join(dir, "cfssl-ca.pem"), gen.cert);
  writeFileSync(join(dir, "cfssl-ca-key.pem"), gen.key, { mode: 0o600 });
  // Same validity as the caskit requests, server-auth usages.
  writeFileSync(
    join(dir, "cfssl-config.json"),
    JSON.stringify({ signing: { default: { expiry: `${days * 24}h`, usages: ["digital signature", "key encipherment", "server auth"] } } }),
  );
  const port = await freePort();
  const args = ["serve", "-address", "127.0.0.1", "-port", String(port), "-ca", join(dir, "cfssl-ca.pem"), "-ca-key", join(dir, "cfssl-ca-key.pem"), "-config", join(dir, "cfssl-config.json"), ...dbArgs, "-loglevel", "3"];
  const child = spawnPlaced(prefix, [cfssl, ...args], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const cfsslOut = { port, caPem: gen.cert as string, child, stop: () => stopChild(child) };
  try {
    const ca = new X509Certificate(gen.cert);
    const deadline = Date.now() + 10_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`cfssl serve exited ${child.exitCode}: ${stderr}`);
      try {
        const res = await fetch(`http://127.0.0.1:${port}/api/v1/cfssl/sign`, { method: "POST", headers: { "content-type": "application/json" }, body: cfsslSignBody(csrPem, host) });
        const text = await res.text();
        const j = JSON.parse(text);
        if (res.status !== 200 || j.success !== true) throw new Error(`cfssl sign answered ${res.status}: ${text.slice(0, 400)}`);
        const leaf = new X509Certificate(j.result.certificate);
        if (!leaf.checkIssued(ca) || !leaf.verify(ca.publicKey)) throw new Error("cfssl returned a certificate its CA did not sign");
        return cfsslOut;
      } catch (e) {
        if ((e as { cause?: { code?: string } }).cause?.code !== "ECONNREFUSED" || Date.now() > deadline) throw e;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  } catch (e) {
    await stopChild(child);
    throw e;
  }
}
