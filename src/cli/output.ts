/**
 * Output and exit codes of the `caskit` CLI, in one place:
 *   0 success · 1 a request was refused (bad input, state, not found) or a batch had refusals ·
 *   2 usage error · 3 the store cannot be opened (passphrase, file, database) · 4 internal error.
 * Errors print as `code: message` on stderr (JSON `{ "error": { code, message } }` with --json).
 */
import { CaskitError } from "../errors.js";
import { ServiceError, toServiceError } from "../service/errors.js";
import { StoreError } from "../store/errors.js";

export const EXIT = { ok: 0, refused: 1, usage: 2, store: 3, internal: 4 } as const;

export class CliError extends Error {
  readonly code: string;
  readonly exitCode: number;
  constructor(code: string, message: string, exitCode: number) {
    super(message);
    this.code = code;
    this.exitCode = exitCode;
  }
}

export interface Out {
  json: boolean;
  /** Prints `data` as JSON, or `human()` for people. */
  result(data: unknown, human: () => string): void;
  info(line: string): void;
}

export function makeOut(json: boolean): Out {
  return {
    json,
    result(data, human) {
      process.stdout.write(json ? `${JSON.stringify(data, null, 2)}\n` : `${human()}\n`);
    },
    info(line) {
      if (!json) process.stderr.write(`${line}\n`);
    },
  };
}

/** Maps any error to its exit code and prints it; never prints key material (messages never hold any). */
export function reportError(e: unknown, json: boolean): number {
  let code: string;
  let message: string;
  let exit: number;
  if (e instanceof CliError) {
    ({ code, message } = e);
    exit = e.exitCode;
  } else if (e instanceof StoreError && (e.code === "bad_passphrase" || e.code === "no_passphrase" || e.code === "unavailable" || e.code === "migration")) {
    code = e.code;
    message = e.message;
    exit = EXIT.store;
  } else if (e instanceof ServiceError || e instanceof CaskitError) {
    const s = toServiceError(e);
    code = s.code;
    message = e instanceof CaskitError ? e.message : s.message;
    exit = s.status >= 500 ? EXIT.internal : EXIT.refused;
  } else {
    code = "InternalError";
    message = (e as Error)?.message ?? String(e);
    exit = EXIT.internal;
  }
  process.stderr.write(json ? `${JSON.stringify({ error: { code, message } })}\n` : `${code}: ${message}\n`);
  return exit;
}
