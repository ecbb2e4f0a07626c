/**
 * caskit CSR module: parse and validate PKCS#10 requests per docs/csr-policy.md.
 * @module caskit/csr
 */
export { parseCsr, type ParseCsrOptions } from "./parse.js";
export { MAX_CSR_BYTES } from "./armor.js";
export { isValidHostName, parseIpAddress, formatIpAddress, directoryStringLength, quoteExcerpt, type IpAddress } from "./names.js";
export { createCsr, type CreateCsrParams, type CsrResult } from "./create.js";
