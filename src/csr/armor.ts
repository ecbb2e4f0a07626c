/**
 * From raw input to exactly one DER request (docs/csr-policy.md "Input"): the size limit first, PEM or DER
 * told apart by the bytes (never a file name), PEM read leniently around the block and strictly inside.
 */
import { CsrError } from "../errors.js";
import { quoteExcerpt } from "./names.js";

/** 64 KiB: far above any real CSR, small enough to bound all later work. */
export const MAX_CSR_BYTES = 65_536;

const LABELS = new Set(["CERTIFICATE REQUEST", "NEW CERTIFICATE REQUEST"]);
const BEGIN = /-----BEGIN ([A-Z0-9 ]*)-----/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

const latin1 = new TextDecoder("latin1");

/**
 * Returns the request's DER bytes plus the offset where the DER's own trailing bytes would begin
 * (the caller reports bytes after the DER element as trailing_data).
 */
export function unarmor(input: string | Uint8Array, maxBytes = MAX_CSR_BYTES): Uint8Array {
  const size = typeof input === "string" ? Buffer.byteLength(input, "utf8") : input.length;
  if (size > maxBytes) throw new CsrError("too_large", `the request is ${size} bytes; the limit is ${maxBytes}`);
  if (size === 0) throw new CsrError("parse_error", "the input is empty");
  if (typeof input !== "string" && input[0] === 0x30) return input; // DER: a SEQUENCE tag
  const text = typeof input === "string" ? input : latin1.decode(input);
  return fromPem(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text.startsWith("\u00ef\u00bb\u00bf") ? text.slice(3) : text);
}

function fromPem(text: string): Uint8Array {
  const begin = BEGIN.exec(text);
  if (!begin) {
    throw new CsrError("parse_error", "no PEM BEGIN line and not DER; bare base64 or other encodings are not accepted");
  }
  const label = begin[1] as string;
  if (!LABELS.has(label)) {
    throw new CsrError("parse_error", `PEM label ${quoteExcerpt(label)} is not a certificate request (expected CERTIFICATE REQUEST)`);
  }
  const bodyStart = begin.index + begin[0].length;
  const endRe = /-----END ([A-Z0-9 ]*)-----/g;
  endRe.lastIndex = bodyStart;
  const end = endRe.exec(text);
  if (!end) throw new CsrError("parse_error", "the PEM END line is missing");
  if (end[1] !== label) throw new CsrError("parse_error", `PEM BEGIN label ${quoteExcerpt(label)} and END label ${quoteExcerpt(end[1] as string)} differ`);
  const body = text.slice(bodyStart, end.index);
  if (body.includes("-----")) throw new CsrError("parse_error", "a PEM boundary inside the body");
  if (/^[ \t]*[A-Za-z-]+:/m.test(body)) throw new CsrError("parse_error", "PEM headers (RFC 1421) are not accepted in a request");
  const b64 = body.replace(/[\s]+/g, "");
  if (b64.length === 0) throw new CsrError("parse_error", "the PEM body is empty");
  if (!BASE64.test(b64) || b64.length % 4 !== 0) throw new CsrError("parse_error", "the PEM body has characters outside base64 or bad padding");
  const after = text.slice(end.index + end[0].length);
  if (after.trim().length > 0) {
    throw new CsrError(
      "trailing_data",
      BEGIN.test(after) ? "a second PEM block follows the request; submit exactly one" : "text follows the PEM END line",
    );
  }
  const der = new Uint8Array(Buffer.from(b64, "base64"));
  // Buffer's decoder is lenient; re-encoding catches non-canonical padding bits.
  if (Buffer.from(der).toString("base64") !== b64) throw new CsrError("parse_error", "the PEM body is not canonical base64");
  return der;
}
