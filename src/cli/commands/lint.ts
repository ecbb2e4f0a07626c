/**
 * `caskit lint FILE|DIR|- …`: compliance linting of CSRs, certificates and CRLs (src/lint, docs/lint.md),
 * with no store and no network. Each file's type is told from its PEM label or DER shape (the file name
 * only breaks a tie for input that cannot be decoded); a directory stands for its *.pem, *.der, *.crt,
 * *.cer, *.csr, *.req and *.crl files, one level deep; `-` is standard input.
 *
 * Output: text (one block per file, the files with the worst findings first, each block's findings worst
 * first), JSON, or SARIF 2.1.0 for code scanning. `--min-severity` chooses what is shown; `--fail-on`
 * what fails the run. Exit codes: 0 nothing at or above --fail-on, 1 findings at or above it, 2 usage
 * (bad option, unreadable file or directory, invalid profile file).
 */
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { type Command, Option } from "commander";
import {
  type Finding,
  type LintProfile,
  LintProfileError,
  type LintReport,
  MAX_X509_BYTES,
  type ProfileName,
  type Rule,
  type Severity,
  allRules,
  detectKind,
  lint,
  lintCertificate,
  lintCrl,
  lintCsr,
  parseLintProfile,
} from "../../lint/index.js";
import { CliError, EXIT } from "../output.js";

const BUILT_IN: readonly string[] = ["rfc5280", "cabf-br", "cas", "private"];
const SEVERITIES: readonly Severity[] = ["error", "warning", "notice"];
const RANK: Record<Severity, number> = { error: 0, warning: 1, notice: 2 };
/** The files a directory stands for (one level). */
export const LINT_FILE = /\.(pem|der|crt|cer|csr|req|crl)$/i;

/** Findings the framework raises (not registered rules), described for SARIF. */
const FRAMEWORK_RULES: Record<string, string> = {
  "input.decode": "The input is a PEM or DER certificate signing request, certificate or CRL.",
  "input.too_large": `The input is at most ${MAX_X509_BYTES} bytes (CSRs: 65,536).`,
  "input.unreadable": "The file can be read.",
  "lint.rule_failed": "Every rule could be evaluated on the input.",
  "lint.time_budget": "Linting finished within its time budget.",
};

interface FileResult {
  file: string;
  report: LintReport;
}

interface LintCliOptions {
  profile?: string;
  format?: string;
  minSeverity: Severity;
  failOn: Severity;
  type: "auto" | "csr" | "cert" | "crl";
  issuer?: string;
  now?: string;
}

function loadProfile(value: string | undefined): ProfileName | LintProfile | undefined {
  if (value === undefined || BUILT_IN.includes(value)) return value as ProfileName | undefined;
  let text: string;
  try {
    text = readFileSync(value, "utf8");
  } catch {
    throw new CliError("InvalidProfile", `--profile ${value}: not a built-in profile (${BUILT_IN.join(", ")}) and not a readable file`, EXIT.usage);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new CliError("InvalidProfile", `${value}: not JSON (${(e as Error).message})`, EXIT.usage);
  }
  try {
    return parseLintProfile(json);
  } catch (e) {
    if (e instanceof LintProfileError) throw new CliError("InvalidProfile", `${value}: ${e.issues.join("; ")}`, EXIT.usage);
    throw e;
  }
}

/** Reads a file, refusing (without reading) one larger than any input the linter takes. */
function readInput(file: string): Uint8Array | Finding {
  const unreadable: Finding = { rule: "input.unreadable", severity: "error", message: `cannot read ${file}`, citation: "caskit" };
  try {
    if (file === "-") return new Uint8Array(readFileSync(0));
    const st = statSync(file);
    if (!st.isFile()) return unreadable;
    if (st.size > MAX_X509_BYTES) return { rule: "input.too_large", severity: "error", message: `${file} is ${st.size} bytes; the limit is ${MAX_X509_BYTES}`, citation: "caskit" };
    return new Uint8Array(readFileSync(file));
  } catch {
    return unreadable;
  }
}

function kindByName(file: string): "csr" | "certificate" | "crl" | null {
  if (/\.(csr|req)$/i.test(file)) return "csr";
  if (/\.(crt|cer)$/i.test(file)) return "certificate";
  if (/\.crl$/i.test(file)) return "crl";
  return null;
}

function lintFile(file: string, o: LintCliOptions, profile: ProfileName | LintProfile | undefined, issuer: Uint8Array | undefined, now: Date | undefined): FileResult {
  const bytes = readInput(file);
  if (!(bytes instanceof Uint8Array)) {
    return { file, report: { target: "unknown", profile: typeof profile === "object" ? profile.name : (profile ?? "-"), findings: [bytes], counts: { error: 1, warning: 0, notice: 0 }, derLength: 0 } };
  }
  const options = { profile, now, issuer };
  const forced = o.type === "csr" ? "csr" : o.type === "cert" ? "certificate" : o.type === "crl" ? "crl" : null;
  const kind = forced ?? detectKind(bytes) ?? kindByName(file);
  const report = kind === "csr" ? lintCsr(bytes, options) : kind === "certificate" ? lintCertificate(bytes, options) : kind === "crl" ? lintCrl(bytes, options) : lint(bytes, options);
  return { file, report };
}

/** The files an argument stands for. @throws CliError (usage) for a missing path or a directory without lintable files. */
function filesOf(arg: string): string[] {
  if (arg === "-") return ["-"];
  let isDir = false;
  try {
    isDir = statSync(arg).isDirectory();
  } catch {
    return [arg]; // reported as input.unreadable
  }
  if (!isDir) return [arg];
  let files: string[];
  try {
    files = readdirSync(arg)
      .filter((f) => LINT_FILE.test(f) && statSync(join(arg, f)).isFile())
      .sort()
      .map((f) => join(arg, f));
  } catch {
    throw new CliError("FileNotFound", `cannot read the directory ${arg}`, EXIT.usage);
  }
  if (!files.length) throw new CliError("FileNotFound", `no *.pem, *.der, *.crt, *.cer, *.csr, *.req or *.crl files in ${arg}`, EXIT.usage);
  return files;
}

const worst = (r: LintReport): number => (r.counts.error ? 0 : r.counts.warning ? 1 : r.counts.notice ? 2 : 3);
const shown = (r: LintReport, min: Severity): Finding[] => r.findings.filter((f) => RANK[f.severity] <= RANK[min]);
const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? "" : "s"}`;

function hexSpan(f: Finding): string {
  return f.location ? ` @${f.location.offset}+${f.location.length}` : "";
}

export function renderText(results: FileResult[], min: Severity): string {
  const ordered = results
    .map((r, i) => ({ r, i }))
    .sort((a, b) => worst(a.r.report) - worst(b.r.report) || b.r.report.counts.error - a.r.report.counts.error || a.i - b.i)
    .map((x) => x.r);
  const blocks = ordered.map(({ file, report }) => {
    const c = report.counts;
    const head = `${file}  (${report.target}, profile ${report.profile}): ${c.error + c.warning + c.notice === 0 ? "clean" : [plural(c.error, "error"), plural(c.warning, "warning"), plural(c.notice, "notice")].join(", ")}`;
    const lines = shown(report, min).map((f) => `  ${f.severity.padEnd(8)} ${f.rule}  ${f.message}  [${f.citation}${f.zlint ? `; zlint ${f.zlint}` : ""}]${hexSpan(f)}`);
    return [head, ...lines].join("\n");
  });
  return blocks.join("\n\n");
}

export function renderJson(results: FileResult[], o: LintCliOptions, failed: number): unknown {
  const total = { error: 0, warning: 0, notice: 0 };
  for (const r of results) for (const s of SEVERITIES) total[s] += r.report.counts[s];
  return {
    files: results.map(({ file, report }) => ({ file, ...report, findings: shown(report, o.minSeverity) })),
    summary: { files: results.length, ...total, failOn: o.failOn, failing: failed },
  };
}

const LEVEL: Record<Severity, "error" | "warning" | "note"> = { error: "error", warning: "warning", notice: "note" };

function packageVersion(): string {
  try {
    return JSON.parse(readFileSync(new URL("../../../package.json", import.meta.url), "utf8")).version ?? "0.0.0";
  } catch {
    return "0.0.0";
  }
}

/** SARIF 2.1.0: every rule in tool.driver.rules (with help and citation), one result per shown finding. */
export function renderSarif(results: FileResult[], min: Severity): unknown {
  const rules: Array<Pick<Rule, "id" | "description" | "citation" | "severity"> & { zlint?: string }> = [
    ...allRules().map((r) => ({ id: r.id, description: r.description, citation: r.citation, severity: r.severity, zlint: r.zlint })),
    ...Object.entries(FRAMEWORK_RULES).map(([id, description]) => ({ id, description, citation: "caskit", severity: "error" as Severity })),
  ];
  const indexOf = new Map(rules.map((r, i) => [r.id, i]));
  const driverRules = rules.map((r) => ({
    id: r.id,
    name: r.id.replace(/[._](\w)/g, (_m, c: string) => c.toUpperCase()),
    shortDescription: { text: r.description },
    fullDescription: { text: `${r.description} (${r.citation})` },
    help: {
      text: `${r.description}\nSource: ${r.citation}${r.zlint ? `\nzlint: ${r.zlint}` : ""}`,
      markdown: `${r.description}\n\n**Source:** ${r.citation}${r.zlint ? `\n\n**zlint:** \`${r.zlint}\`` : ""}`,
    },
    defaultConfiguration: { level: LEVEL[r.severity] },
    properties: { citation: r.citation, ...(r.zlint ? { zlint: r.zlint } : {}), tags: [r.id.split(".")[0] as string] },
  }));
  const artifacts = results.map(({ file }) => ({ location: { uri: artifactUri(file) } }));
  const sarifResults = results.flatMap(({ file, report }, artifactIndex) =>
    shown(report, min).map((f) => {
      const region = f.location && report.derLength === byteLength(file) ? { region: { byteOffset: f.location.offset, byteLength: f.location.length } } : {};
      return {
        ruleId: f.rule,
        ...(indexOf.has(f.rule) ? { ruleIndex: indexOf.get(f.rule) } : {}),
        level: LEVEL[f.severity],
        message: { text: f.message },
        locations: [{ physicalLocation: { artifactLocation: { uri: artifactUri(file), index: artifactIndex }, ...region } }],
        properties: { citation: f.citation, target: report.target, profile: report.profile, ...(f.zlint ? { zlint: f.zlint } : {}), ...(f.location ? { derOffset: f.location.offset, derLength: f.location.length } : {}) },
      };
    }),
  );
  return {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: { driver: { name: "caskit lint", version: packageVersion(), rules: driverRules } },
        artifacts,
        results: sarifResults,
        columnKind: "unicodeCodePoints",
      },
    ],
  };
}

/** A file's size when it is the DER itself (region offsets are then file offsets); -1 otherwise. */
const sizes = new Map<string, number>();
function byteLength(file: string): number {
  return sizes.get(file) ?? -1;
}

function artifactUri(file: string): string {
  if (file === "-") return "stdin";
  return file.split(/[\\/]/).map(encodeURIComponent).join("/");
}

export function register(program: Command): void {
  program
    .command("lint <paths...>")
    .description("lint CSRs, certificates and CRLs (PEM or DER; a directory: its *.pem *.der *.crt *.cer *.csr *.req *.crl files, one level; - for stdin); no store needed")
    .option("--profile <name|file>", "rfc5280 | cabf-br | cas | private, or a JSON profile file (default: cas for CSRs, private otherwise)")
    .addOption(new Option("--format <format>", "output format").choices(["text", "json", "sarif"]))
    .addOption(new Option("--min-severity <severity>", "show findings at or above this severity").choices(SEVERITIES as string[]).default("notice"))
    .addOption(new Option("--fail-on <severity>", "exit 1 when any finding is at or above this severity").choices(SEVERITIES as string[]).default("error"))
    .addOption(new Option("--type <type>", "what the inputs are (auto: from the PEM label or DER shape)").choices(["auto", "csr", "cert", "crl"]).default("auto"))
    .option("--issuer <file>", "the issuing CA's certificate, for the certificate and CRL rules that need it")
    .option("--now <time>", "the time rules judge validity and effective dates at (ISO 8601; default: now)")
    .addHelpText(
      "after",
      `
--json is the same as --format json. Exit codes: 0 no finding at or above --fail-on, 1 some, 2 usage
(bad option, missing file, empty directory, invalid profile file). Rules and profiles: docs/lint.md.`,
    )
    .action((paths: string[], o: LintCliOptions, cmd: Command) => {
      const globals = cmd.optsWithGlobals() as { json?: boolean };
      const format = o.format ?? (globals.json ? "json" : "text");
      const profile = loadProfile(o.profile);
      let now: Date | undefined;
      if (o.now !== undefined) {
        now = new Date(o.now);
        if (Number.isNaN(now.getTime())) throw new CliError("InvalidParameter", `--now ${JSON.stringify(o.now)} is not a date (ISO 8601)`, EXIT.usage);
      }
      let issuer: Uint8Array | undefined;
      if (o.issuer !== undefined) {
        const b = readInput(o.issuer);
        if (!(b instanceof Uint8Array)) throw new CliError("FileNotFound", `cannot read the issuer certificate ${o.issuer}`, EXIT.usage);
        issuer = b;
      }
      const files = paths.flatMap(filesOf);
      if (files.filter((f) => f === "-").length > 1) throw new CliError("InvalidParameter", "standard input (-) can be linted once", EXIT.usage);
      const results = files.map((f) => lintFile(f, o, profile, issuer, now));
      for (const r of results) {
        // SARIF regions are file byte offsets: only when the file is the DER itself.
        try {
          if (r.file !== "-" && r.report.derLength > 0 && statSync(r.file).size === r.report.derLength) sizes.set(r.file, r.report.derLength);
        } catch {
          // unreadable: no region
        }
      }
      const failing = results.reduce((n, r) => n + r.report.findings.filter((f) => RANK[f.severity] <= RANK[o.failOn]).length, 0);
      const out = format === "sarif" ? JSON.stringify(renderSarif(results, o.minSeverity), null, 2) : format === "json" ? JSON.stringify(renderJson(results, o, failing), null, 2) : renderText(results, o.minSeverity);
      process.stdout.write(`${out}\n`);
      const unreadable = results.some((r) => r.report.findings.some((f) => f.rule === "input.unreadable"));
      process.exitCode = unreadable ? EXIT.usage : failing > 0 ? EXIT.refused : EXIT.ok;
    });
}
