/** `caskit serve` (the CAS API over HTTP) and `caskit accesskey create|list|disable`. */
import { randomBytes } from "node:crypto";
import { type Command, Option } from "commander";
import { availableParallelism } from "node:os";
import { serveWorkers } from "../../http/cluster.js";
import { DEFAULT_TENANT } from "../../service/context.js";
import { CliError, EXIT } from "../output.js";
import { dataLocation } from "../session.js";
import { dcvOptions, validatorFrom } from "./orders.js";
import { positiveInt, withSession } from "./shared.js";

export function register(program: Command): void {
  const serveCommand = program
    .command("serve")
    .description("serve the CAS RPC API, CRLs (/crl/<ca>.crl) and CA certificates (/ca/<ca>.crt) over HTTP")
    .option("--host <addr>", "bind address", "127.0.0.1")
    .option("--port <n>", "port (0 = any free port)", (v) => Number(v), 8080)
    .option("--timestamp-window <s>", "allowed clock skew of signed requests in seconds (0 = unchecked)", (v) => Number(v), 900)
    .option("--throttle <n>", "requests per second per tenant per action, as CAS counts, across every worker and instance on the store (0 = unlimited); raise it for batches over HTTP, e.g. --throttle 500", (v) => Number(v), 10)
    .option("--crl-days <n>", "default CRL validity in days", positiveInt, 7)
    .option("--crl-interval <s>", "seconds between scheduled CRL refreshes (0 = none)", (v) => Number(v), 60)
    .option("--ocsp-interval <s>", "seconds between OCSP refresh passes: delegated responders rotated, pre-signed answers re-signed (0 = only at start; see caskit ocsp configure)", (v) => Number(v), 60)
    .option("--quiet", "no request logs")
    .option("--workers <n>", "processes serving the port (default: the number of cores; 1 = this process only)", positiveInt, availableParallelism())
    .addOption(new Option("--lint-custom <mode>", "lint CreateCustomCertificate results (cas profile): refuse on errors, warn (LintFindings in the answer) or off").choices(["refuse", "warn", "off"]).default("warn"))
    .option("--dcv-interval <s>", "seconds between passes of the domain validator over pending certificate orders (0 = none)", (v) => Number(v), 10)
    .option("--dcv-backoff <s>", "wait after an order's first failed look, doubled after each (up to an hour)", positiveInt, 15)
    .option("--order-validation-window <s>", "how long an order's domain validation may take before it fails", positiveInt, 3 * 86_400);
  dcvOptions(serveCommand).action(async (_o, cmd: Command) => {
    const o = cmd.optsWithGlobals();
    const port = Number.isInteger(o.port) && o.port >= 0 && o.port < 65536 ? o.port : Number.NaN;
    if (Number.isNaN(port)) throw new CliError("InvalidPort", "--port must be 0–65535", EXIT.usage);
    const workers: number = o.workers;
    await serveWorkers({
      data: dataLocation(o),
      host: o.host,
      port,
      timestampWindowSec: o.timestampWindow,
      throttlePerSecond: o.throttle,
      crlIntervalSec: o.crlInterval,
      ocspIntervalSec: o.ocspInterval,
      logger: o.quiet ? false : { level: "info" },
      config: {
        crlBaseUrl: o.crlBaseUrl ?? process.env.CASKIT_CRL_BASE_URL,
        aiaBaseUrl: o.aiaBaseUrl ?? process.env.CASKIT_AIA_BASE_URL,
        ocspBaseUrl: o.ocspBaseUrl ?? process.env.CASKIT_OCSP_BASE_URL,
        defaultCrlDays: o.crlDays,
        orderValidationWindowSec: o.orderValidationWindow,
        customLint: o.lintCustom,
      },
      dcv: o.dcvInterval > 0 ? { validator: validatorFrom(o), intervalSec: o.dcvInterval, backoffSec: o.dcvBackoff } : undefined,
      onListen: ({ host, port: p }) => process.stdout.write(`caskit listening on http://${host}:${p}${workers > 1 ? ` (${workers} workers)` : ""}\n`),
    }, workers);
  });

  const ak = program.command("accesskey").description("access keys for the HTTP API (one tenant each)");
  ak.command("create")
    .description("create an access key; the secret is shown once and stored encrypted")
    .option("--tenant <id>", "tenant the key acts for", DEFAULT_TENANT)
    .action((_o, cmd: Command) =>
      withSession(cmd, async (s, out, o) => {
        const id = `LTAI${randomBytes(10).toString("hex")}`;
        const secret = randomBytes(24).toString("base64url");
        await s.store.transaction(async (tx) => {
          if (!(await tx.tenants.get(o.tenant))) await tx.tenants.create({ id: o.tenant, name: o.tenant, createdAt: new Date() });
          await tx.accessKeys.create({ id, tenantId: o.tenant, secret, status: "enabled", createdAt: new Date() });
          await tx.audit.append({ at: new Date(), actor: "cli", tenantId: o.tenant, action: "CreateAccessKey", target: id, outcome: "ok", detail: null });
        });
        out.result({ AccessKeyId: id, AccessKeySecret: secret, Tenant: o.tenant }, () => `AccessKeyId     ${id}\nAccessKeySecret ${secret}   (shown once)\nTenant          ${o.tenant}`);
      }),
    );
  ak.command("list")
    .description("list access keys (never their secrets)")
    .action((_o, cmd: Command) =>
      withSession(cmd, async (s, out) => {
        const keys = (await s.store.transaction((tx) => tx.accessKeys.list())).map((k) => ({ AccessKeyId: k.id, Tenant: k.tenantId, Status: k.status, CreatedAt: k.createdAt.toISOString() }));
        out.result(keys, () => keys.map((k) => `${k.AccessKeyId}  ${k.Status.padEnd(8)}  ${k.Tenant}  ${k.CreatedAt}`).join("\n") || "no access keys");
      }),
    );
  ak.command("disable <id>")
    .description("disable an access key")
    .action((id: string, _o, cmd: Command) =>
      withSession(cmd, async (s, out) => {
        const ok = await s.store.transaction(async (tx) => {
          const changed = await tx.accessKeys.setStatus(id, "disabled");
          if (changed) await tx.audit.append({ at: new Date(), actor: "cli", tenantId: null, action: "DisableAccessKey", target: id, outcome: "ok", detail: null });
          return changed;
        });
        if (!ok) throw new CliError("NotFoundAccessKey", `no access key ${id}`, EXIT.refused);
        out.result({ AccessKeyId: id, Status: "disabled" }, () => `disabled ${id}`);
      }),
    );
}
