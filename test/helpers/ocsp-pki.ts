/**
 * The OCSP end-to-end tests' PKI, made through the built CLI: a root, a sub-CA, named leaves carrying the
 * responder's URL in AIA, the CA certificates as PEM files — and a leaf of the sub-CA signed by its real
 * key but never stored (what a responder must call unknown).
 */
import { readdirSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { loadCa } from "../../src/ca/index.js";
import { importPrivateKey } from "../../src/crypto/keys.js";
import { Issuer } from "../../src/issue/index.js";
import type { Store } from "../../src/store/port.js";
import type { CliRun } from "./cli.js";

export interface CliPki {
  root: string;
  sub: string;
  rootPem: string;
  subPem: string;
  /** Leaf certificate files by name. */
  leaves: Record<string, string>;
}

/** A certificate file's Identifier (the CLI names it `<id>.pem`). */
export const idOfFile = (path: string): string => basename(path).replace(/\.pem$/, "");

/**
 * `cli` runs the built CLI (throwing on failure); files go to `dir`. `subOcspBase` also puts the
 * responder's URL in the sub-CA's AIA.
 */
export function cliPki(cli: (args: string[]) => CliRun, dir: string, spec: string, o: { label: string; ocspBase: string; subOcspBase?: boolean; leaves: string[] }): CliPki {
  const root = cli(["--json", "ca", "create-root", "--cn", `${o.label} Root ${spec}`, "--algorithm", spec, "--years", "5"]).json().Identifier as string;
  const subAia = o.subOcspBase ? ["--ocsp-base-url", o.ocspBase] : [];
  const sub = cli(["--json", ...subAia, "ca", "create-sub", "--parent", root, "--cn", `${o.label} Sub ${spec}`, "--algorithm", spec, "--years", "2"]).json().Identifier as string;
  const rootPem = join(dir, `${spec}-root.pem`);
  const subPem = join(dir, `${spec}-sub.pem`);
  writeFileSync(rootPem, cli(["ca", "show", root, "--pem"]).stdout);
  writeFileSync(subPem, cli(["ca", "show", sub, "--pem"]).stdout);
  const leaves: Record<string, string> = {};
  for (const cn of o.leaves) {
    const out = join(dir, `${spec}-${cn}`);
    const id = cli(["--json", "--ocsp-base-url", o.ocspBase, "issue", "server", "--ca", sub, "--algorithm", spec, "--cn", `${cn}.example.com`, "--days", "30", "--out", out]).json().Identifier as string;
    leaves[cn] = join(out, readdirSync(out).find((f) => f === `${id}.pem`) as string);
  }
  return { root, sub, rootPem, subPem, leaves };
}

/** A leaf of `subId` signed by its real key (read from `store`) but never stored, written to `path`. */
export async function unstoredLeaf(store: Store, subId: string, spec: string, path: string): Promise<string> {
  const rec = await store.read((tx) => tx.cas.getPublic(subId));
  if (!rec) throw new Error(`no CA ${subId}`);
  const ca = loadCa({ certificate: rec.certificatePem, key: importPrivateKey(Buffer.from(rec.keyPkcs8)), chain: rec.chainPem });
  const leaf = await Issuer.prepare(ca).server({ commonName: "never-stored.example.com", algorithm: spec, days: 10 });
  writeFileSync(path, leaf.certificatePem);
  return path;
}
