#!/usr/bin/env node
/**
 * `caskit` — a private CA on one machine, offline. Each command is a thin shell over the service
 * handlers the HTTP server uses. Exit codes: see output.ts.
 */
import { Command, CommanderError } from "commander";
import * as ca from "./commands/ca.js";
import * as cert from "./commands/cert.js";
import * as crl from "./commands/crl.js";
import * as csr from "./commands/csr.js";
import * as init from "./commands/init.js";
import * as issue from "./commands/issue.js";
import * as lint from "./commands/lint.js";
import * as ocsp from "./commands/ocsp.js";
import * as orders from "./commands/orders.js";
import * as serve from "./commands/serve.js";
import { EXIT, reportError } from "./output.js";

const program = new Command("caskit")
  .description("caskit: a private-CA toolkit (CAS-compatible). State lives in --data (SQLite file or postgres:// URL).")
  .option("--data <path>", "SQLite file or postgres:// URL (env CASKIT_DATA; default ./caskit.db)")
  .option("--json", "machine-readable output")
  .option("--crl-base-url <url>", "base URL of CRL distribution points (env CASKIT_CRL_BASE_URL)")
  .option("--aia-base-url <url>", "base URL of CA certificates for AIA (env CASKIT_AIA_BASE_URL)")
  .option("--ocsp-base-url <url>", "base URL of the OCSP responder (caskit serve) for AIA: leaves carry <url>/ocsp/<ca> (env CASKIT_OCSP_BASE_URL)")
  .addHelpText(
    "after",
    `
Environment:
  CASKIT_MASTER_PASSPHRASE / CASKIT_MASTER_PASSPHRASE_FILE   encrypts private keys at rest (required)
  CASKIT_DEV_INSECURE_NO_PASSPHRASE=1                          development only: a public key instead
  CASKIT_KEY_PASSPHRASE                                        encrypts private keys the CLI writes (issue … --out)
Only init and ca create-root create a missing store; other commands refuse it (exit 3). See docs/cli.md.
Exit codes: 0 ok, 1 refused, 2 usage, 3 store unavailable or passphrase, 4 internal error.`,
  )
  .exitOverride()
  .showHelpAfterError();

for (const m of [init, ca, issue, cert, crl, ocsp, csr, lint, orders, serve]) m.register(program);

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) {
    process.exitCode = e.code === "commander.helpDisplayed" || e.code === "commander.version" || e.exitCode === 0 ? EXIT.ok : EXIT.usage;
  } else {
    process.exitCode = reportError(e, process.argv.includes("--json"));
  }
}
