/**
 * CSR files for `issue server|client --csr`, `issue batch` and `csr check`: which files of a directory
 * count as CSRs, and reading one as bytes with the size checked on the file first (a huge file is
 * refused as too_large without being read).
 */
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { MAX_CSR_BYTES } from "../csr/index.js";
import { CsrError } from "../errors.js";
import { toPem } from "../internal/pem.js";
import { CliError, EXIT } from "./output.js";

/** The names a directory's CSR files have (`issue batch DIR`, `csr check DIR`). */
export const CSR_FILE = /\.(csr|pem|der|req)$/i;

/** The CSR files directly in `dir` (one level, regular files named *.csr|*.pem|*.der|*.req), sorted by name, as paths. */
export function csrFilesIn(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => CSR_FILE.test(f) && statSync(join(dir, f)).isFile())
    .sort()
    .map((f) => join(dir, f));
}

/**
 * The bytes of a CSR file. CliError("FileNotFound", exit 2) when it cannot be read; CsrError
 * ("too_large") when it is larger than the CSR policy's limit — decided by stat, before reading.
 */
export function readCsrBytes(file: string): Buffer {
  const tooLarge = (n: number) => new CsrError("too_large", `${file} is ${n} bytes; a CSR may have at most ${MAX_CSR_BYTES}`);
  let size: number;
  try {
    const st = statSync(file);
    if (!st.isFile()) throw new Error("not a file");
    size = st.size;
  } catch {
    throw new CliError("FileNotFound", `cannot read the CSR file ${file}`, EXIT.usage);
  }
  if (size > MAX_CSR_BYTES) throw tooLarge(size);
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch {
    throw new CliError("FileNotFound", `cannot read the CSR file ${file}`, EXIT.usage);
  }
  if (bytes.length > MAX_CSR_BYTES) throw tooLarge(bytes.length); // grew since the stat
  return bytes;
}

/**
 * A CSR file as the service's `Csr` string: DER (it starts with a SEQUENCE tag) is wrapped in a
 * CERTIFICATE REQUEST PEM block, anything else is passed as text for the parser to judge. The size is
 * checked on the file before reading it (readCsrBytes): too_large, InvalidCsr.TooLarge, exit 1.
 */
export function readCsr(file: string): string {
  const bytes = readCsrBytes(file);
  return bytes[0] === 0x30 ? toPem("CERTIFICATE REQUEST", bytes) : bytes.toString("utf8");
}
