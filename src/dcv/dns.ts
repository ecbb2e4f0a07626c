/**
 * DNS validation: the expected value must be one of the TXT records at `_dnsauth.<base domain>`
 * (CAS `RecordDomain`/`RecordValue`). Asks the configured servers only, never a cache of ours: an order
 * is re-checked after the customer fixes the record, so a stale negative answer must not stick.
 */
import { DNS_RECORD_PREFIX, type DcvChallenge, type DcvResult } from "./types.js";
import { type DcvSettings, dnsFailure, excerpt, newResolver, parseName, result, withDeadline } from "./common.js";

export async function checkDns(ch: DcvChallenge, s: DcvSettings): Promise<DcvResult> {
  const name = parseName(ch.domain);
  if (typeof name === "string") return result("refused", name);
  const want = ch.value.trim();
  if (want === "") return result("refused", "the expected TXT value is empty");

  // A wildcard is proven at its base name: *.example.com → _dnsauth.example.com.
  const qname = `${DNS_RECORD_PREFIX}.${name.base}`;
  const resolver = newResolver(s);
  let records: string[][];
  try {
    records = await withDeadline(s.timeoutMs, resolver.resolveTxt(qname), () => resolver.cancel());
  } catch (e) {
    return dnsFailure(qname, e, s.timeoutMs);
  }

  // A TXT record longer than 255 bytes arrives as several strings; the value is their concatenation.
  const values = records.map((chunks) => chunks.join(""));
  if (values.some((v) => v.trim() === want)) return result("ok", `TXT record at ${qname} matches`);
  if (values.length === 0) return result("not_found", `${qname}: no TXT record`);
  const first = values[0] ?? "";
  return result("mismatch", `${values.length} TXT record(s) at ${qname}, none matches; first starts "${excerpt(first, 24)}"`);
}
