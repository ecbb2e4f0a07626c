/** Reading an RPC request: raw query/form parsing (no '+'-as-space guessing) and parameter unflattening. */

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
 * Flat wire keys → nested values (CAS-API.md §2.3): `Name.1`, `Name.2` → an array; `Tags.1.Key` → an array
 * of objects; `A.B.C` → nested objects.
 */
export function unflatten(pairs: Array<[string, string]>): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [key, value] of pairs) {
    if (PROTOCOL_PARAMS.has(key)) continue;
    const path = key.split(".");
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
