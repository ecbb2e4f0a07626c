/** Runs the OpenSSL 3 CLI — the independent judge of what caskit makes. */
import { execFileSync } from "node:child_process";
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
  try {
    const stdout = execFileSync("openssl", args, { cwd: options.cwd, input: options.input, stdio: ["pipe", "pipe", "pipe"] }).toString();
    return { ok: true, stdout, stderr: "" };
  } catch (e) {
    const err = e as { stdout?: Buffer; stderr?: Buffer };
    return { ok: false, stdout: err.stdout?.toString() ?? "", stderr: err.stderr?.toString() ?? "" };
  }
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
