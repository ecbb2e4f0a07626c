/**
 * `npm run bench` — every benchmark in one process and one run, each beside its ceiling.
 * `npm run bench -- --json` prints the rows as a JSON array; `--only csr,issue,crl,durable,http,growth,dcv,lint,ocsp,engines,scale` picks suites.
 * The http suite runs the built CLI: `npm run build` first (the bench script does it).
 */
import { runCrlBench } from "./crl.bench.js";
import { runCsrBench } from "./csr.bench.js";
import { runDurableBench } from "./durable.bench.js";
import { type BenchRow, formatTable } from "./harness.js";
import { runHttpBench } from "./http.bench.js";
import { runIssueBench } from "./issue.bench.js";

const SUITES: Record<string, () => Promise<BenchRow[]>> = {
  csr: runCsrBench,
  issue: runIssueBench,
  crl: runCrlBench,
  durable: runDurableBench,
  http: runHttpBench,
  growth: () => import("./growth.bench.js").then((m) => m.runGrowthBench()),
  dcv: () => import("./dcv.bench.js").then((m) => m.runDcvBench()),
  lint: () => import("./lint.bench.js").then((m) => m.runLintBench()),
  ocsp: () => import("./ocsp.bench.js").then((m) => m.runOcspBench()),
  engines: () => import("./engines.bench.js").then((m) => m.runEnginesBench()),
  scale: () => import("./scale.bench.js").then((m) => m.runScaleBench()),
};

const args = process.argv.slice(2);
const json = args.includes("--json");
const onlyArg = args.find((a) => a.startsWith("--only="))?.slice("--only=".length) ?? (args.includes("--only") ? args[args.indexOf("--only") + 1] : undefined);
const names = onlyArg ? onlyArg.split(",") : Object.keys(SUITES);

const rows: BenchRow[] = [];
const failed: string[] = [];
for (const name of names) {
  const suite = SUITES[name];
  if (!suite) {
    console.error(`unknown suite "${name}"; known: ${Object.keys(SUITES).join(", ")}`);
    process.exit(2);
  }
  if (!json) console.error(`running ${name} …`);
  // One failing suite is that suite's failure: the others still run and their rows are still printed.
  try {
    rows.push(...(await suite()));
  } catch (e) {
    failed.push(name);
    console.error(`suite ${name} failed: ${(e as Error)?.stack ?? e}`);
    rows.push({ name: `${name}: FAILED (${String((e as Error)?.message ?? e).slice(0, 80)})`, unit: "-", value: Number.NaN, ceilingName: "-", ceilingValue: Number.NaN, ratio: Number.NaN });
  }
}
console.log(json ? JSON.stringify(rows, null, 2) : formatTable(rows));
if (failed.length) process.exitCode = 1;
