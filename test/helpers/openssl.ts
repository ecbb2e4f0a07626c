/** Runs the OpenSSL 3 CLI — the independent judge of what caskit makes. */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface OpensslResult {
  ok: boolean;
  stdout: string;
  stderr: string;
}

/** Runs `openssl …args`; never throws on a non-zero exit (tests assert on `ok`). */
export function openssl(args: string[], options: { cwd?: string; input?: string | Uint8Array } = {}): OpensslResult {
  const r = spawnSync("openssl", args, { cwd: options.cwd, input: options.input, maxBuffer: 256 * 1024 * 1024 });
  return { ok: r.status === 0, stdout: r.stdout?.toString() ?? "", stderr: r.stderr?.toString() ?? "" };
}

/** Runs openssl and throws with its stderr when it fails (for fixture set-up). */
export function opensslOrThrow(args: string[], options: { cwd?: string; input?: string | Uint8Array } = {}): string {
  const r = openssl(args, options);
  if (!r.ok) throw new Error(`openssl ${args.join(" ")} failed: ${r.stderr}`);
  return r.stdout;
}

/** A fresh temporary directory and its remover. */
export function tempDir(prefix = "caskit-"): { dir: string; path: (name: string) => string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, path: (name) => join(dir, name), remove: () => rmSync(dir, { recursive: true, force: true }) };
}
