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

const BY_CODE = new Map<number, CrlReason>(Object.entries(CRL_REASONS).map(([k, v]) => [v, k as CrlReason]));

/** Reads a reason from its RFC 5280 name or number. */
export function parseCrlReason(v: string | number): CrlReason {
  if (typeof v === "number" || /^\d+$/.test(v)) {
    const r = BY_CODE.get(Number(v));
    if (r) return r;
  } else if (Object.hasOwn(CRL_REASONS, v)) return v as CrlReason;
  throw new RevokeError("invalid_entry", `unknown revocation reason "${String(v).slice(0, 40)}"`, { field: "reason" });
}
