/**
 * Passphrases the CLI takes for keys it writes, without putting them on the command line (where `ps`
 * and shell history show them): a file (`--key-passphrase-file`), a prompt on the terminal
 * (`--key-passphrase-prompt`), or the environment (CASKIT_KEY_PASSPHRASE). `--key-passphrase <pass>`
 * still works, with a deprecation warning. See docs/cli.md.
 */
import { spawnSync } from "node:child_process";
import { closeSync, openSync, readFileSync, readSync, statSync, writeSync } from "node:fs";
import { CliError, EXIT } from "./output.js";

export const KEY_PASSPHRASE_ENV = "CASKIT_KEY_PASSPHRASE";

export interface KeyPassphraseOptions {
  keyPassphrase?: string;
  keyPassphraseFile?: string;
  keyPassphrasePrompt?: boolean;
}

const warn = (line: string) => process.stderr.write(`caskit: warning: ${line}\n`);

/** Reads a passphrase file (one trailing newline dropped); warns when group or others may read it. */
export function readPassphraseFile(file: string): string {
  let text: string;
  try {
    const st = statSync(file);
    if (st.isDirectory()) throw new Error("a directory");
    if ((st.mode & 0o044) !== 0) {
      warn(`the passphrase file ${file} is readable by ${st.mode & 0o004 ? "other users" : "its group"} (mode ${(st.mode & 0o777).toString(8).padStart(4, "0")}); chmod 600 it`);
    }
    text = readFileSync(file, "utf8").replace(/\r?\n$/, "");
  } catch {
    throw new CliError("InvalidKeyPassphraseFile", `cannot read the passphrase file ${file}`, EXIT.usage);
  }
  if (!text) throw new CliError("InvalidKeyPassphraseFile", `the passphrase file ${file} is empty`, EXIT.usage);
  return text;
}

/**
 * Reads one line from the controlling terminal without echoing it. Synchronous on /dev/tty, so it
 * works whatever stdin is; refuses (usage) when there is no terminal.
 */
export function promptHidden(question: string): string {
  let fd: number;
  try {
    fd = openSync("/dev/tty", "r+");
  } catch {
    throw new CliError("NoTerminal", "--key-passphrase-prompt needs a terminal; use --key-passphrase-file or CASKIT_KEY_PASSPHRASE", EXIT.usage);
  }
  const stty = (...args: string[]) => spawnSync("stty", args, { stdio: [fd, "pipe", "ignore"], encoding: "utf8" });
  // Saved exactly, restored exactly. No echo, byte by byte, and no signals from the keyboard: Ctrl-C
  // arrives as a byte (the blocking read leaves no moment for a SIGINT handler to restore the echo).
  const saved = stty("-g").stdout?.trim();
  try {
    stty("-echo", "-icanon", "-isig", "min", "1", "time", "0"); // before the question: nothing typed after it is echoed
    writeSync(fd, question);
    const bytes: number[] = [];
    const buf = Buffer.alloc(1);
    for (;;) {
      const n = readSync(fd, buf, 0, 1, null);
      const b = buf[0] as number;
      if (n === 0 || b === 0x0a || b === 0x0d) break;
      if (b === 0x03 || b === 0x04) throw new CliError("Aborted", "passphrase prompt aborted", EXIT.usage);
      if (b === 0x7f || b === 0x08) bytes.pop(); // backspace (a byte of a multi-byte character at worst)
      else bytes.push(b);
    }
    return Buffer.from(bytes).toString("utf8");
  } finally {
    if (saved) stty(saved);
    else stty("echo", "icanon", "isig");
    writeSync(fd, "\n");
    closeSync(fd);
  }
}

/**
 * The passphrase to encrypt a written private key with, or undefined (written unencrypted, 0600).
 * At most one of the options; without one, CASKIT_KEY_PASSPHRASE when set.
 */
export function keyPassphrase(o: KeyPassphraseOptions): string | undefined {
  const given = [o.keyPassphrase !== undefined, o.keyPassphraseFile !== undefined, !!o.keyPassphrasePrompt].filter(Boolean).length;
  if (given > 1) throw new CliError("InvalidKeyPassphrase", "give at most one of --key-passphrase-file, --key-passphrase-prompt, --key-passphrase", EXIT.usage);
  if (o.keyPassphraseFile !== undefined) return readPassphraseFile(o.keyPassphraseFile);
  if (o.keyPassphrasePrompt) {
    const a = promptHidden("passphrase for the private key: ");
    if (!a) throw new CliError("InvalidKeyPassphrase", "the passphrase is empty", EXIT.usage);
    const b = promptHidden("again: ");
    if (a !== b) throw new CliError("InvalidKeyPassphrase", "the two passphrases differ", EXIT.usage);
    return a;
  }
  if (o.keyPassphrase !== undefined) {
    warn(`--key-passphrase is deprecated: other users see it in \`ps\` and it stays in shell history; use --key-passphrase-file, --key-passphrase-prompt or ${KEY_PASSPHRASE_ENV}`);
    if (!o.keyPassphrase) throw new CliError("InvalidKeyPassphrase", "the passphrase is empty", EXIT.usage);
    return o.keyPassphrase;
  }
  const env = process.env[KEY_PASSPHRASE_ENV];
  return env ? env : undefined;
}
