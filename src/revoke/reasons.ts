/** CRLReason (RFC 5280 §5.3.1). Value 7 is unused by the standard. */
import { RevokeError } from "../errors.js";

export const CRL_REASONS = {
  unspecified: 0,
  keyCompromise: 1,
  cACompromise: 2,
  affiliationChanged: 3,
  superseded: 4,
  cessationOfOperation: 5,
  certificateHold: 6,
  removeFromCRL: 8,
  privilegeWithdrawn: 9,
  aACompromise: 10,
} as const;

export type CrlReason = keyof typeof CRL_REASONS;

/**
 * The reasons a caller may revoke with: every RFC 5280 reason except two that caskit cannot honour.
 * `removeFromCRL` belongs only in delta CRLs (§5.3.1): in a full CRL, OpenSSL treats the entry as *not*
 * revoked, so the API would report a revocation no relying party sees. `certificateHold` promises a
 * release caskit does not offer (a hold could never be lifted). Both are refused, one rule for the
 * API, the CLI and the library.
 */
export const REVOCATION_REASONS = (Object.keys(CRL_REASONS) as CrlReason[]).filter((r) => r !== "removeFromCRL" && r !== "certificateHold");
export type RevocationReason = Exclude<CrlReason, "removeFromCRL" | "certificateHold">;

const BY_CODE = new Map<number, CrlReason>(Object.entries(CRL_REASONS).map(([k, v]) => [v, k as CrlReason]));

/** Reads a reason from its RFC 5280 name or number (any of them: CRLs read back, stored rows). */
export function parseCrlReason(v: string | number): CrlReason {
  if (typeof v === "number" || /^\d+$/.test(v)) {
    const r = BY_CODE.get(Number(v));
    if (r) return r;
  } else if (Object.hasOwn(CRL_REASONS, v)) return v as CrlReason;
  throw new RevokeError("invalid_reason", `unknown revocation reason "${String(v).slice(0, 40)}"; use one of ${REVOCATION_REASONS.join(", ")}`, { field: "reason" });
}

/** Reads the reason of a new revocation: a name or number of {@link REVOCATION_REASONS}, else RevokeError("invalid_reason"). */
export function parseRevocationReason(v: string | number): RevocationReason {
  const r = parseCrlReason(v);
  if (r === "removeFromCRL" || r === "certificateHold") {
    throw new RevokeError("invalid_reason", `revocation reason ${r} is not accepted: ${r === "removeFromCRL" ? "it belongs only in delta CRLs, and relying parties would treat the certificate as not revoked" : "caskit cannot lift a hold"}; use one of ${REVOCATION_REASONS.join(", ")}`, { field: "reason" });
  }
  return r;
}
