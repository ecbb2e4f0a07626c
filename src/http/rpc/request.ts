/** Reading an RPC request: raw query/form parsing (no '+'-as-space guessing) and parameter unflattening. */
import { protocolError } from "../../service/errors.js";

/**
 * A parameter name: dot-separated segments of letters, digits, `_` and `-`, starting with a letter —
 * `Csr`, `ExtendedKeyUsages.1`, `ApiPassthrough.Subject.CustomAttributes.1.ObjectIdentifier`. Such a
 * name is its own percent-encoding, so a V3 canonical query built from it cannot be ambiguous (a name
 * holding `=` or `&` could absorb its neighbours and keep the signature valid).
 */
const PARAM_NAME = /^[A-Za-z][A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]+)*$/;
/** Longest parameter name (CAS's longest is about 60 characters). */
export const MAX_PARAM_NAME = 128;
/** Most dot-separated segments in one name (CAS nests 5 deep). */
export const MAX_PARAM_DEPTH = 8;

/**
 * Refuses what would make the parameters mean something other than what was signed, before any
 * signature is checked: a name outside the grammar, too long or too deep, or a name given twice (in
 * the query, the form, or one in each — the signatures sort duplicates by value, so which one counts
 * would be up to whoever reorders the request).
 */
export function checkParams(pairs: Array<[string, string]>): void {
  const seen = new Set<string>();
  for (const [k] of pairs) {
    const shown = JSON.stringify(k.slice(0, 40));
    if (k.length > MAX_PARAM_NAME) throw protocolError("InvalidParameter", `The parameter name ${shown}… is longer than ${MAX_PARAM_NAME} characters.`);
    if (!PARAM_NAME.test(k)) throw protocolError("InvalidParameter", `The parameter name ${shown} is not valid (letters, digits, _ and -, in segments separated by dots).`);
    if (k.split(".").length > MAX_PARAM_DEPTH) throw protocolError("InvalidParameter", `The parameter ${shown} nests deeper than ${MAX_PARAM_DEPTH} levels.`);
    if (seen.has(k)) throw protocolError("InvalidParameter", `The parameter ${shown} is given more than once.`);
    seen.add(k);
  }
}

/** Parses `a=b&c=d` with decodeURIComponent (the SDK sends spaces as %20, '+' as %2B). Null if malformed. */
export function parseQuery(qs: string): Array<[string, string]> {
  if (!qs) return [];
  return qs
    .split("&")
    .filter((p) => p.length > 0)
    .map((p) => {
      const i = p.indexOf("=");
      const k = i < 0 ? p : p.slice(0, i);
      const v = i < 0 ? "" : p.slice(i + 1);
      return [decodeURIComponent(k), decodeURIComponent(v)] as [string, string];
    });
}

/** Parameters that belong to the protocol, not to the action. */
export const PROTOCOL_PARAMS = new Set(["Action", "Version", "Format", "AccessKeyId", "SignatureMethod", "SignatureVersion", "SignatureNonce", "SignatureType", "Timestamp", "Signature", "SecurityToken", "RegionId"]);

/**
 * Flat wire keys → nested values (docs/cas-api.md): `Name.1`, `Name.2` → an array; `Tags.1.Key` → an array
 * of objects; `A.B.C` → nested objects.
 */
export function unflatten(pairs: Array<[string, string]>): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [key, value] of pairs) {
    if (PROTOCOL_PARAMS.has(key)) continue;
    const path = key.split(".");
    // checkParams refuses these first; the bound also keeps arrays() (recursive) off deep input.
    if (path.length > MAX_PARAM_DEPTH) throw protocolError("InvalidParameter", `A parameter nests deeper than ${MAX_PARAM_DEPTH} levels.`);
    let node: Record<string, unknown> = root;
    for (let i = 0; i < path.length - 1; i++) {
      const seg = path[i] as string;
      if (seg === "__proto__" || seg === "constructor" || seg === "prototype") break;
      const next = node[seg];
      node = (typeof next === "object" && next !== null ? next : (node[seg] = {})) as Record<string, unknown>;
    }
    const last = path[path.length - 1] as string;
    if (last !== "__proto__" && last !== "constructor" && last !== "prototype") node[last] = value;
  }
  return arrays(root) as Record<string, unknown>;
}

/** Objects whose keys are 1..n become arrays. */
function arrays(v: unknown): unknown {
  if (typeof v !== "object" || v === null) return v;
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o);
  for (const k of keys) o[k] = arrays(o[k]);
  if (keys.length && keys.every((k) => /^[1-9]\d*$/.test(k))) {
    return keys.map(Number).sort((a, b) => a - b).map((n) => o[String(n)]);
  }
  return o;
}
