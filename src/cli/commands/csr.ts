/**
 * `caskit csr check FILE|DIR...`: the CSR policy as verdicts, with no store and no network. A directory
 * stands for its CSR files, one level deep, chosen as `issue batch DIR` chooses them (*.csr, *.pem,
 * *.der, *.req): `csr check DIR` is the dry run of `issue batch DIR`. Files named explicitly are checked
 * whatever their name.
 */
import { statSync } from "node:fs";
import type { Command } from "commander";
import { parseCsr } from "../../csr/index.js";
import { CsrError } from "../../errors.js";
import { csrFilesIn, readCsrBytes } from "../csr-files.js";
import { EXIT, makeOut } from "../output.js";

type Verdict =
  | { file: string; ok: true; cn: string | null | undefined; sans: string[]; key: string; signature: string }
  | { file: string; ok: false; code: string; message: string };

function check(file: string): Verdict {
  try {
    const f = parseCsr(readCsrBytes(file));
    return { file, ok: true, cn: f.cn, sans: f.sans.map((x) => x.value), key: f.curve ?? `${f.keyAlgorithm}-${f.keySize}`, signature: f.signatureAlgorithm.name };
  } catch (e) {
    if (e instanceof CsrError) return { file, ok: false, code: e.code, message: e.message };
    return { file, ok: false, code: "unreadable", message: `cannot read ${file}` };
  }
}

/** The verdicts for one argument: a file, or each CSR file of a directory. */
function checkArgument(arg: string): Verdict[] {
  let isDir = false;
  try {
    isDir = statSync(arg).isDirectory();
  } catch {
    // not there: check() says unreadable
  }
  if (!isDir) return [check(arg)];
  let files: string[];
  try {
    files = csrFilesIn(arg);
  } catch {
    return [{ file: arg, ok: false, code: "unreadable", message: `cannot read the directory ${arg}` }];
  }
  if (!files.length) return [{ file: arg, ok: false, code: "no_csr_files", message: `no *.csr, *.pem, *.der or *.req files in ${arg}` }];
  return files.map(check);
}

export function register(program: Command): void {
  const csr = program.command("csr").description("certificate signing requests");
  csr
    .command("check <paths...>")
    .description("check CSRs (PEM or DER files; a directory: its *.csr, *.pem, *.der, *.req files, one level) against the acceptance policy; exit 1 when any is refused")
    .action((paths: string[], _o, cmd: Command) => {
      const out = makeOut(!!cmd.optsWithGlobals().json);
      const verdicts = paths.flatMap(checkArgument);
      out.result(verdicts, () =>
        verdicts.map((v) => (v.ok ? `ok       ${v.file}  CN=${v.cn ?? "-"} SANs=${v.sans.join(",") || "-"} ${v.key} ${v.signature}` : `refused  ${v.file}  ${v.code}: ${v.message}`)).join("\n"),
      );
      if (verdicts.some((v) => !v.ok)) process.exitCode = EXIT.refused;
    });
}
