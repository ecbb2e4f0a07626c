/**
 * `caskit crl --ca ID [--shard K] [--out FILE]`: the CA's current CRL (rebuilt when stale), or one of its
 * CRL shards, PEM, or DER for *.crl/*.der. `caskit crl shards --ca ID --count N`: spread the CA's new
 * certificates over N CRL shards (docs/revocation.md, "Partitioned CRLs").
 */
import { writeFileSync } from "node:fs";
import { type Command, InvalidArgumentError } from "commander";
import { MAX_CRL_SHARDS } from "../../issue/urls.js";
import { toPem } from "../../internal/pem.js";
import { ServiceError, notFound } from "../../service/errors.js";
import { currentCrl, currentShardCrl } from "../../service/index.js";
import { withSession } from "./shared.js";

const shardNumber = (v: string): number => {
  if (!/^\d{1,4}$/.test(v) || Number(v) >= MAX_CRL_SHARDS) throw new InvalidArgumentError(`a whole number from 0 to ${MAX_CRL_SHARDS - 1}`);
  return Number(v);
};
const shardCount = (v: string): number => {
  if (!/^\d{1,4}$/.test(v) || Number(v) > MAX_CRL_SHARDS) throw new InvalidArgumentError(`a whole number from 0 (no shards) to ${MAX_CRL_SHARDS}`);
  return Number(v);
};

export function register(program: Command): void {
  const crl = program
    .command("crl")
    .description("write or print a CA's current CRL, or one of its CRL shards; `crl shards` partitions a CA's CRL")
    // Checked in the action, not by commander: `crl shards --ca ID` must not need the parent's --ca.
    .option("--ca <id>", "identifier of the CA (required)")
    .option("--shard <k>", "one CRL shard of the CA (see `caskit crl shards`) instead of its full CRL", shardNumber)
    .option("--out <file>", "write here (DER when the name ends in .crl or .der, else PEM)")
    .addHelpText(
      "after",
      `
The full CRL lists every revoked certificate of the CA and is served at <crl-base-url>/crl/<ca>.crl.
A CA with CRL shards also has <crl-base-url>/crl/<ca>/<k>.crl for k = 0 … N-1: each lists only the
revoked certificates whose CRL distribution point names it, and carries a critical
issuingDistributionPoint with that URL. Shards need a CRL base URL (--crl-base-url / CASKIT_CRL_BASE_URL).`,
    )
    .action((o, cmd: Command) => {
      // As commander words its own check (exit 2, nothing opened).
      if (!o.ca) cmd.error("error: required option '--ca <id>' not specified", { code: "commander.missingMandatoryOptionValue" });
      return withSession(cmd, async (s, out, o) => {
        const r = await s.store.transaction(async (tx) => {
          const ca = await tx.cas.get(s.ctx.tenantId, o.ca);
          if (!ca) throw notFound("CACertificate", o.ca);
          if (o.shard === undefined) return currentCrl(s.ctx, tx, ca);
          const shard = await currentShardCrl(s.ctx, tx, ca, o.shard);
          if (!shard) {
            const kept = ca.crlShardHigh ?? 0;
            throw new ServiceError(
              "NotFoundCrlShard",
              404,
              !s.ctx.config.crlBaseUrl ? "CRL shards need a CRL base URL (--crl-base-url or CASKIT_CRL_BASE_URL): their IDP names it" : `CA ${o.ca} has ${kept ? `shards 0 to ${kept - 1}` : "no CRL shards"}`,
            );
          }
          return shard;
        });
        const pem = toPem("X509 CRL", r.der);
        if (o.out) writeFileSync(o.out, /\.(crl|der)$/i.test(o.out) ? r.der : pem);
        const info = { ca: o.ca, ...(o.shard !== undefined ? { shard: o.shard } : {}), crlNumber: r.crlNumber.toString(), thisUpdate: r.thisUpdate.toISOString(), nextUpdate: r.nextUpdate.toISOString(), file: o.out ?? null };
        const what = o.shard !== undefined ? `CRL shard ${o.shard}` : "CRL";
        out.result(o.out ? info : { ...info, pem }, () => (o.out ? `${what} #${info.crlNumber} of ${o.ca} written to ${o.out}` : pem.trimEnd()));
      });
    });

  crl
    .command("shards")
    .description("spread a sub-CA's new certificates over N CRL shards (0: none, the full CRL only)")
    // Not requiredOption: commander hands `--ca` to the parent `crl` (it knows the option); read with optsWithGlobals.
    .option("--ca <id>", "identifier of the sub-CA (required)")
    .option("--count <n>", `number of shards, 0 to ${MAX_CRL_SHARDS}; without it, show the current setting`, shardCount)
    .addHelpText(
      "after",
      `
A certificate's shard is its serial number modulo N, fixed when it is issued: its CRL distribution point
is then <crl-base-url>/crl/<ca>/<serial mod N>.crl. Changing N affects only certificates issued
afterwards; earlier ones keep the URL they carry, and every shard ever used stays published (a CA lowered
from 8 to 4 still serves shards 4 to 7), as does the full CRL, which lists everything.`,
    )
    .action((_o, cmd: Command) => {
      if (!cmd.optsWithGlobals().ca) cmd.error("error: required option '--ca <id>' not specified", { code: "commander.missingMandatoryOptionValue" });
      return withSession(cmd, async (s, out, o) => {
        const r = await s.store.transaction(async (tx) => {
          const ca = await tx.cas.get(s.ctx.tenantId, o.ca);
          if (!ca) throw notFound("CACertificate", o.ca);
          if (o.count === undefined) return { count: ca.crlShards ?? 0, high: ca.crlShardHigh ?? 0 };
          if (ca.kind !== "SUB_ROOT" && o.count > 0) throw new ServiceError("InvalidParameter", 400, "only a sub-CA issues leaf certificates: a root's CRL cannot be sharded");
          const set = await tx.crlShards.setCount(ca.id, o.count);
          if (!set) throw notFound("CACertificate", o.ca);
          await tx.audit.append({ at: s.ctx.now(), actor: s.ctx.actor, tenantId: s.ctx.tenantId, action: "SetCrlShards", target: ca.id, outcome: "ok", detail: `count=${set.count}` });
          return set;
        });
        const info = { ca: o.ca, shards: r.count, shardsPublished: r.high, changed: o.count !== undefined };
        out.result(info, () =>
          `${o.ca}: ${r.count ? `new certificates spread over ${r.count} CRL shards` : "new certificates name the full CRL"}${r.high ? `; shards 0 to ${r.high - 1} are published` : ""}`,
        );
      });
    });
}
