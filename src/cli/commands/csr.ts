/** `caskit csr check FILE...`: the CSR policy as verdicts, with no store and no network. */
import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { parseCsr } from "../../csr/index.js";
import { CsrError } from "../../errors.js";
import { EXIT, makeOut } from "../output.js";

export function register(program: Command): void {
  const csr = program.command("csr").description("certificate signing requests");
  csr
    .command("check <files...>")
    .description("check CSRs against the acceptance policy (exit 1 when any is refused)")
    .action((files: string[], _o, cmd: Command) => {
      const out = makeOut(!!cmd.optsWithGlobals().json);
      const verdicts = files.map((file) => {
        try {
          const f = parseCsr(readFileSync(file));
          return { file, ok: true as const, cn: f.cn, sans: f.sans.map((x) => x.value), key: f.curve ?? `${f.keyAlgorithm}-${f.keySize}`, signature: f.signatureAlgorithm.name };
        } catch (e) {
          if (e instanceof CsrError) return { file, ok: false as const, code: e.code, message: e.message };
          return { file, ok: false as const, code: "unreadable", message: `cannot read ${file}` };
        }
      });
      out.result(verdicts, () =>
        verdicts.map((v) => (v.ok ? `ok       ${v.file}  CN=${v.cn ?? "-"} SANs=${v.sans.join(",") || "-"} ${v.key} ${v.signature}` : `refused  ${v.file}  ${v.code}: ${v.message}`)).join("\n"),
      );
      if (verdicts.some((v) => !v.ok)) process.exitCode = EXIT.refused;
    });
}
