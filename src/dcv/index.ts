/**
 * Domain-control validation for certificate orders (CAS API 2020-04-07): `createDcvValidator` checks a
 * DNS TXT record or an HTTP file for real; `approveAllValidator` skips checking, for the explicit
 * CASKIT_DCV_APPROVE_ALL mode only (the caller decides and logs the warning).
 *
 * This folder is an I/O edge (it talks to DNS servers and web servers); the pure core does not import it.
 * @module caskit/dcv
 *
 * @example
 * const dcv = createDcvValidator({ timeoutMs: 5000 });
 * const r = await dcv.check({ method: "DNS", domain: "*.example.com", value: "2024…token" });
 * if (!r.ok) console.log(`${r.outcome}: ${r.detail}`);
 */
import { checkDns } from "./dns.js";
import { checkFile } from "./http.js";
import { dcvSettings, result } from "./common.js";
import type { DcvChallenge, DcvOptions, DcvResult, DcvValidator } from "./types.js";

export * from "./types.js";

/** A validator that really checks. Throws TypeError on bad options (e.g. a DNS server that is not an IP literal). */
export function createDcvValidator(options: DcvOptions = {}): DcvValidator {
  const s = dcvSettings(options);
  return {
    check(ch: DcvChallenge): Promise<DcvResult> {
      if (ch.method === "DNS") return checkDns(ch, s);
      if (ch.method === "FILE") return checkFile(ch, s);
      return Promise.resolve(result("refused", `unknown validation method "${String(ch.method).slice(0, 16)}"; DNS or FILE`));
    },
  };
}

export const APPROVE_ALL_DETAIL = "approved without checking (CASKIT_DCV_APPROVE_ALL)";

/** Approves every challenge at once, for test set-ups and demos; never the default. */
export function approveAllValidator(): DcvValidator {
  return { check: () => Promise.resolve({ ok: true, outcome: "ok", detail: APPROVE_ALL_DETAIL }) };
}
