/**
 * caskit CA module: root and subordinate CA certificates.
 * @module caskit/ca
 */
export { createRootCa, createSubCa, resolveEkus } from "./create.js";
export { loadCa, type LoadCaParams } from "./load.js";
export type { CertificateAuthority, CreateCaParams, CreateSubCaParams } from "./types.js";
