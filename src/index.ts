/**
 * caskit — the pure core: CSR parsing and policy, keys, CA hierarchies, issuance and CRLs.
 * No store, server or CLI is loaded from here.
 * @module caskit
 */
export * from "./errors.js";
export type * from "./types.js";
export { KEY_SPECS, SIGNATURE_ALGORITHMS, keySpec, type KeyFamily, type KeySpec, type KeySpecName, type SignatureAlgorithm } from "./crypto/algorithms.js";
export {
  exportPrivateKeyDer,
  exportPrivateKeyPem,
  exportPublicKeyPem,
  generateKeyPair,
  importPrivateKey,
  type ExportKeyOptions,
  type ImportKeyOptions,
  type KeyPair,
} from "./crypto/keys.js";
export { createSigner, type Signer } from "./crypto/signer.js";
export { SM2_DEFAULT_ID } from "./crypto/sm2.js";
export * from "./csr/index.js";
export * from "./ca/index.js";
export * from "./issue/index.js";
export * from "./revoke/index.js";
export * from "./lint/index.js";
