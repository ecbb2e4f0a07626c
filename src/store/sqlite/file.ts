/**
 * The SQLite store's file before SQLite touches it: whether it exists (a store that must exist is not
 * silently created), why it cannot be used (from the errno, in words), and a new file created 0600.
 * Internal to src/store/sqlite.
 */
import { accessSync, closeSync, constants, fchmodSync, openSync, statSync } from "node:fs";
import { dirname } from "node:path";
import { StoreError } from "../errors.js";

/** errno → a reason a person can act on. Paths are configuration, never secrets; nothing else is echoed. */
export function describeErrno(e: unknown, path: string): string {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case "ENOENT":
      return `the directory ${dirname(path)} does not exist`;
    case "ENOTDIR":
      return "a part of the path is not a directory";
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "EROFS":
      return "read-only file system";
    case "EISDIR":
      return "it is a directory";
    case "ENOSPC":
      return "no space left on the device";
    case "EDQUOT":
      return "disk quota exceeded";
    case "ELOOP":
      return "too many symbolic links in the path";
    case "ENAMETOOLONG":
      return "the path is too long";
    case "EMFILE":
    case "ENFILE":
      return "too many open files";
    default:
      return code ?? "unknown reason";
  }
}

const unavailable = (path: string, cause: unknown) =>
  new StoreError("unavailable", `cannot open the SQLite store at ${path}: ${describeErrno(cause, path)}`, { cause });

/**
 * Checks the store file before opening. Returns whether it exists. When it does not and `create` is
 * false, throws StoreError("unavailable") saying there is no store there; when it exists but cannot be
 * read and written, throws with the reason (permission denied, read-only file system, …).
 */
export function checkStoreFile(path: string, create: boolean): boolean {
  let exists = true;
  try {
    const st = statSync(path);
    if (st.isDirectory()) throw Object.assign(new Error("is a directory"), { code: "EISDIR" });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw unavailable(path, e);
    exists = false;
  }
  if (!exists) {
    if (!create) throw new StoreError("unavailable", `there is no SQLite store at ${path}`);
    // The directory must exist and be writable; say which it is not before SQLite says "unable to open".
    try {
      const d = statSync(dirname(path));
      if (!d.isDirectory()) throw Object.assign(new Error("not a directory"), { code: "ENOTDIR" });
    } catch (e) {
      throw unavailable(path, e);
    }
    return false;
  }
  // Read and write: every store opening may migrate, and the CLI records its tenant.
  try {
    closeSync(openSync(path, constants.O_RDWR));
  } catch (e) {
    throw unavailable(path, e);
  }
  return true;
}

/**
 * Creates a new, empty store file with mode 0600 whatever the umask (fchmod after open): it will hold
 * encrypted keys and the audit log. SQLite gives its -wal and -shm files the database file's mode.
 * A file that appeared in the meantime (another process creating the same store) is left as it is.
 */
export function createStoreFile(path: string): void {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDWR | constants.O_CREAT | constants.O_EXCL, 0o600);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EEXIST") return;
    throw unavailable(path, e);
  }
  try {
    fchmodSync(fd, 0o600);
  } finally {
    closeSync(fd);
  }
}

/**
 * Why SQLite itself could not open or set up the file (its errors carry no errno): the most likely
 * cause in words — a directory it cannot write its -wal/-shm files into, not a database, corrupt — else
 * SQLite's own code.
 */
export function describeSqliteFailure(cause: unknown, path: string): string {
  const code = (cause as { code?: string } | undefined)?.code ?? "";
  if (code.startsWith("SQLITE_NOTADB")) return "the file is not a SQLite database";
  if (code.startsWith("SQLITE_CORRUPT")) return "the database file is corrupt";
  if (code.startsWith("SQLITE_FULL")) return "the disk is full";
  if (code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED")) return "the database stayed locked by another process";
  if (code.startsWith("SQLITE_CANTOPEN") || code.startsWith("SQLITE_READONLY") || code.startsWith("SQLITE_IOERR")) {
    // WAL mode needs PATH-wal and PATH-shm beside the file: an unwritable directory fails here.
    try {
      accessSync(dirname(path), constants.W_OK);
    } catch (e) {
      return `${describeErrno(e, path)} (the directory ${dirname(path)} must be writable for the -wal and -shm files)`;
    }
    try {
      accessSync(path, constants.R_OK | constants.W_OK);
    } catch (e) {
      return describeErrno(e, path);
    }
  }
  return code || "unknown reason";
}
