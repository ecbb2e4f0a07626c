/**
 * `caskit issue server|client|batch`: CreateServerCertificate[WithCsr] / CreateClientCertificate[WithCsr]
 * with --out writing cert, chain and (generated) key files — keys 0600.
 */
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { basename, extname, join } from "node:path";
import type { Command } from "commander";
import { CliError, EXIT, type Out } from "../output.js";
import type { Session } from "../session.js";
import { toServiceError } from "../../service/errors.js";
import { csrFilesIn, readCsr } from "../csr-files.js";
import { keyPassphrase } from "../secrets.js";
import { type Opts, subjectOptions, validityOptions, validityParams, withSession } from "./shared.js";

const leafSubject = (o: Opts) => ({ Organization: o.org, OrganizationUnit: o.ou, Country: o.country, State: o.state, Locality: o.locality });


/** Writes `<name>.pem`, `<name>.chain.pem` and, for generated keys, `<name>.key` (0600). */
async function writeOut(s: Session, dir: string, name: string, r: Record<string, any>, o: Opts): Promise<Record<string, string>> {
  mkdirSync(dir, { recursive: true });
  const files: Record<string, string> = {};
  files.certificate = join(dir, `${name}.pem`);
  writeFileSync(files.certificate, r.X509Certificate);
  if (o.chain !== false && r.CertificateChain) {
    files.chain = join(dir, `${name}.chain.pem`);
    writeFileSync(files.chain, r.CertificateChain);
  }
  if (!o.csr) {
    // The service keeps generated keys encrypted; hand this one to the caller, 0600, as they asked for it.
    const { importPrivateKey, exportPrivateKeyPem } = await import("../../crypto/keys.js");
    const pkcs8 = await s.store.transaction(async (tx) => (await tx.certificates.get(s.ctx.tenantId, r.Identifier))?.keyPkcs8);
    if (pkcs8) {
      files.key = join(dir, `${name}.key`);
      writeFileSync(files.key, exportPrivateKeyPem(importPrivateKey(Buffer.from(pkcs8), { allowLegacy: true }), { passphrase: o.resolvedKeyPassphrase }), { mode: 0o600 });
      chmodSync(files.key, 0o600);
    }
  }
  return files;
}

function human(r: Record<string, any>, files?: Record<string, string>): string {
  const lines = [`issued ${r.Identifier}  serial ${r.SerialNumber}`];
  for (const [k, v] of Object.entries(files ?? {})) lines.push(`  ${k.padEnd(11)} ${v}`);
  return lines.join("\n");
}

function leafCommand(parent: Command, kind: "server" | "client"): Command {
  const c = subjectOptions(parent.command(kind).description(`issue a ${kind} certificate from --csr, or with a key generated to --algorithm`), { cnRequired: false })
    .requiredOption("--ca <id>", "identifier of the issuing subordinate CA")
    .option("--csr <file>", "PEM or DER certificate signing request")
    .option("--algorithm <spec>", "key spec of a generated key (when no --csr)")
    .option("--enable-crl", "add the CRL distribution point")
    .option("--no-chain", "do not write the chain file")
    .option("--out <dir>", "write <id>.pem, <id>.chain.pem and <id>.key (generated keys, 0600) here")
    .option("--key-passphrase-file <file>", `encrypt a written generated key with the passphrase in this file (env ${"CASKIT_KEY_PASSPHRASE"} also works)`)
    .option("--key-passphrase-prompt", "encrypt a written generated key with a passphrase asked on the terminal")
    .option("--key-passphrase <pass>", "deprecated (visible in ps and shell history): use --key-passphrase-file, --key-passphrase-prompt or CASKIT_KEY_PASSPHRASE");
  if (kind === "server") c.option("--domain <list>", "extra SANs: comma-separated DNS names and IP addresses");
  else c.option("--san-type <n>", "1 e-mail, 6 URI").option("--san-value <list>", "comma-separated SAN values");
  return validityOptions(c);
}

export function paramsFor(kind: "server" | "client", o: Opts, csr?: string): { action: string; params: Record<string, unknown> } {
  const common = { ParentIdentifier: o.ca, CommonName: o.cn, ...leafSubject(o), ...validityParams(o), Immediately: 2, EnableCrl: o.enableCrl ? 1 : undefined };
  if (kind === "server") {
    if (csr) return { action: "CreateServerCertificateWithCsr", params: { ...common, Csr: csr, Domain: o.domain } };
    if (!o.algorithm || !o.cn) throw new CliError("MissingParameter", "give --csr FILE, or --algorithm and --cn for a generated key", EXIT.usage);
    return { action: "CreateServerCertificate", params: { ...common, Algorithm: o.algorithm, Domain: o.domain } };
  }
  const san = { SanType: o.sanType, SanValue: o.sanValue };
  if (csr) return { action: "CreateClientCertificateWithCsr", params: { ...common, ...san, Csr: csr } };
  return { action: "CreateClientCertificate", params: { ...common, ...san, Algorithm: o.algorithm } };
}

export function register(program: Command): void {
  const issue = program.command("issue").description("issue server and client certificates");
  for (const kind of ["server", "client"] as const) {
    leafCommand(issue, kind).action((_o, cmd: Command) =>
      withSession(cmd, async (s, out, o) => {
        const { action, params } = paramsFor(kind, o, o.csr ? readCsr(o.csr) : undefined);
        // Asked before issuing: a prompt that fails must not leave a certificate whose key was never written.
        if (!o.csr && o.out) o.resolvedKeyPassphrase = keyPassphrase(o);
        const r = await s.call(action, params);
        const files = o.out ? await writeOut(s, o.out, r.Identifier, r, o) : undefined;
        out.result({ ...r, files }, () => (files ? human(r, files) : `${r.X509Certificate.trimEnd()}`));
      }),
    );
  }

  validityOptions(
    issue
      .command("batch <dir>")
      .description("issue one server certificate per CSR file (*.csr, *.pem, *.der) in <dir>, continuing past bad ones")
      .requiredOption("--ca <id>", "identifier of the issuing subordinate CA")
      .option("--domain <list>", "extra SANs for every certificate")
      .option("--enable-crl", "add the CRL distribution point")
      .option("--out <dir>", "write <csr-name>.pem and <csr-name>.chain.pem here"),
  ).action((dir: string, _o, cmd: Command) =>
    withSession(cmd, async (s, out, o) => {
      let files: string[];
      try {
        files = csrFilesIn(dir).map((p) => basename(p));
      } catch {
        throw new CliError("FileNotFound", `cannot read the directory ${dir}`, EXIT.usage);
      }
      await runBatch(s, out, o, dir, files);
    }),
  );
}

async function runBatch(s: Session, out: Out, o: Opts, dir: string, files: string[]): Promise<void> {
  const tty = process.stderr.isTTY && !out.json;
  const { SingleBar, Presets } = await import("cli-progress");
  const bar = tty ? new SingleBar({ format: "issuing {bar} {value}/{total} {file}", hideCursor: true }, Presets.shades_classic) : null;
  bar?.start(files.length, 0, { file: "" });
  const issued: Array<{ file: string; identifier: string; serialNumber: string }> = [];
  const refused: Array<{ file: string; code: string; message: string }> = [];
  for (const f of files) {
    try {
      const { action, params } = paramsFor("server", { ...o, csr: true }, readCsr(join(dir, f)));
      const r = await s.call(action, params);
      issued.push({ file: f, identifier: r.Identifier, serialNumber: r.SerialNumber });
      if (o.out) {
        const name = basename(f, extname(f));
        await writeOut(s, o.out, name, r, { ...o, csr: true });
      }
      // Printed only after the commit: a line on stdout means the certificate is in the store.
      if (!out.json && !tty) process.stdout.write(`issued ${f} ${r.Identifier} ${r.SerialNumber}\n`);
    } catch (e) {
      const code = e instanceof CliError ? e.code : toServiceError(e).code;
      refused.push({ file: f, code, message: (e as Error).message });
      if (!out.json && !tty) process.stdout.write(`refused ${f} ${code}: ${(e as Error).message}\n`);
    }
    bar?.increment(1, { file: f });
  }
  bar?.stop();
  out.result({ issued, refused }, () => {
    const lines = [`${issued.length} issued, ${refused.length} refused`];
    for (const r of refused) lines.push(`  refused ${r.file}: ${r.code}: ${r.message}`);
    return lines.join("\n");
  });
  if (refused.length) process.exitCode = EXIT.refused;
}
