/** `caskit crl --ca ID [--out FILE]`: the CA's current CRL (rebuilt when stale), PEM, or DER for *.crl/*.der. */
import { writeFileSync } from "node:fs";
import type { Command } from "commander";
import { toPem } from "../../internal/pem.js";
import { notFound } from "../../service/errors.js";
import { currentCrl } from "../../service/index.js";
import { withSession } from "./shared.js";

export function register(program: Command): void {
  program
    .command("crl")
    .description("write or print a CA's current CRL")
    .requiredOption("--ca <id>", "identifier of the CA")
    .option("--out <file>", "write here (DER when the name ends in .crl or .der, else PEM)")
    .action((_o, cmd: Command) =>
      withSession(cmd, async (s, out, o) => {
        const crl = await s.store.transaction(async (tx) => {
          const ca = await tx.cas.get(s.ctx.tenantId, o.ca);
          if (!ca) throw notFound("CACertificate", o.ca);
          return currentCrl(s.ctx, tx, ca);
        });
        const pem = toPem("X509 CRL", crl.der);
        if (o.out) writeFileSync(o.out, /\.(crl|der)$/i.test(o.out) ? crl.der : pem);
        const info = { ca: o.ca, crlNumber: crl.crlNumber.toString(), thisUpdate: crl.thisUpdate.toISOString(), nextUpdate: crl.nextUpdate.toISOString(), file: o.out ?? null };
        out.result(o.out ? info : { ...info, pem }, () => (o.out ? `CRL #${info.crlNumber} of ${o.ca} written to ${o.out}` : pem.trimEnd()));
      }),
    );
}
