/** Runs the built `caskit` binary (dist/cli/main.js) as a user would. */
import { type SpawnSyncReturns, spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";

export const BIN = join(import.meta.dirname, "../../dist/cli/main.js");

export function assertBuilt(): void {
  if (!existsSync(BIN)) throw new Error("dist/cli/main.js is missing: run `npm run build` (npm test does it first)");
}

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
  json<T = any>(): T;
}

export function caskit(args: string[], env: Record<string, string | undefined> = {}, cwd?: string): CliRun {
  const r: SpawnSyncReturns<string> = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8", env: { ...process.env, ...env }, cwd, maxBuffer: 256 * 1024 * 1024 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, json: () => JSON.parse(r.stdout) };
}

/** {@link caskit} that throws, with the command and its stderr, unless it exits 0. */
export function caskitOk(args: string[], env: Record<string, string | undefined> = {}): CliRun {
  const r = caskit(args, env);
  if (r.status !== 0) throw new Error(`caskit ${args.join(" ")}: ${r.stderr}`);
  return r;
}

/** Starts the binary in the background (for kill and concurrency tests). */
export function caskitAsync(args: string[], env: Record<string, string | undefined> = {}) {
  return spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
}
