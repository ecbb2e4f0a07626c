/**
 * The ONLY importer of @peculiar/x509. Its v2 container needs the Reflect metadata polyfill loaded
 * before the library itself, so that import lives here, first, and everything else in src/ imports
 * @peculiar/x509 through this module.
 */
import "reflect-metadata";

export * as x509 from "@peculiar/x509";
