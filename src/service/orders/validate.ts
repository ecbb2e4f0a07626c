/**
 * The validator's pass over orders awaiting domain-control validation. For each due order, every name
 * is checked for real (DNS TXT or the HTTP file) outside any transaction — lookups can take seconds
 * and must never hold the store's write lock — then one short transaction records the result:
 *   all names pass → `process`, then issued in its own transaction → `certificate`;
 *   some fail, deadline not reached → stays `domain_verify`, next look after a back-off;
 *   deadline passed → `verify_fail`.
 * Every attempt is a line in the audit log. The moves are guarded (`status = 'domain_verify'`), so
 * several `serve` processes on one store may run passes at once: each result lands once.
 */
import type { DcvResult, DcvValidator } from "../../dcv/types.js";
import type { OrderRecord, Store } from "../../store/port.js";
import type { ServiceConfig, ServiceContext } from "../context.js";
import { toServiceError } from "../errors.js";
import { OrderMoved, issueOrder } from "./issue.js";

export interface ValidationOptions {
  /** Orders looked at per pass. Default 200. */
  batch?: number;
  /** First back-off after a failed look, doubled each time up to `maxBackoffMs`. Defaults 15 s and 1 h. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** Lookups run at once. Default 16. */
  concurrency?: number;
  /**
   * Issuances (sign + commit) a pass runs at once. Default 1: lookups are waits and may overlap freely,
   * but each issuance takes the store's writer, which the private-CA actions need too.
   */
  issuing?: number;
}

export interface ValidationReport {
  checked: number;
  issued: number[];
  failed: number[];
  pending: number[];
}

/** The back-off after `attempts` failed looks. */
export const backoff = (attempts: number, o: ValidationOptions) => Math.min((o.backoffMs ?? 15_000) * 2 ** Math.min(attempts, 20), o.maxBackoffMs ?? 3_600_000);

/** Checks every name of the order; the first failure is the order's outcome. */
async function checkOrder(validator: DcvValidator, o: OrderRecord): Promise<DcvResult> {
  for (const domain of o.domains) {
    const r = await validator.check({ method: o.validateType, domain, value: o.dcvValue }).catch(
      (e: unknown): DcvResult => ({ ok: false, outcome: "bad_response", detail: `validator error: ${String((e as Error)?.message ?? e).slice(0, 120)}` }),
    );
    if (!r.ok) return { ...r, detail: `${domain}: ${r.detail}`.slice(0, 200) };
  }
  return { ok: true, outcome: "ok", detail: `${o.domains.length} name(s) validated by ${o.validateType}` };
}

const ctxFor = (store: Store, config: ServiceConfig, now: () => Date, o: OrderRecord): ServiceContext => ({ store, tenantId: o.tenantId, actor: "validator", now, config });

/** A counting semaphore: at most `n` holders at once. */
function limiter(n: number) {
  let active = 0;
  const waiting: Array<() => void> = [];
  return async <T>(fn: () => Promise<T>): Promise<T> => {
    if (active >= n) await new Promise<void>((r) => waiting.push(r));
    active++;
    try {
      return await fn();
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
}
type Limit = ReturnType<typeof limiter>;
const unlimited: Limit = (fn) => fn();

/** Issues an order that passed (or was left in `process` by a crash); a failure marks it verify_fail. */
async function issue(store: Store, config: ServiceConfig, now: () => Date, o: OrderRecord, limit: Limit): Promise<boolean> {
  return limit(() => issueNow(store, config, now, o));
}

async function issueNow(store: Store, config: ServiceConfig, now: () => Date, o: OrderRecord): Promise<boolean> {
  const ctx = ctxFor(store, config, now, o);
  try {
    await store.transaction(async (tx) => {
      const id = await issueOrder(ctx, tx, o);
      await tx.audit.append({ at: now(), actor: "validator", tenantId: o.tenantId, action: "IssueOrder", target: String(o.id), outcome: "ok", detail: id });
    });
    return true;
  } catch (e) {
    if (e instanceof OrderMoved) return false;
    const code = toServiceError(e).code;
    await store.transaction(async (tx) => {
      if (await tx.orders.transition(o.id, ["process"], "verify_fail", { updatedAt: now(), lastOutcome: `issuance failed: ${code}` })) {
        await tx.audit.append({ at: now(), actor: "validator", tenantId: o.tenantId, action: "IssueOrder", target: String(o.id), outcome: "error", detail: code });
      }
    });
    return false;
  }
}

/** Validates one order now and records the result; returns the order's status afterwards. */
export async function validateOrder(store: Store, config: ServiceConfig, validator: DcvValidator, now: () => Date, o: OrderRecord, options: ValidationOptions = {}, limit: Limit = unlimited) {
  if (o.status === "process") return (await issue(store, config, now, o, limit)) ? "certificate" : "verify_fail";
  const result = await checkOrder(validator, o);
  const at = now();
  const next = result.ok ? "process" : at.getTime() >= o.deadline.getTime() ? "verify_fail" : "domain_verify";
  const moved = await store.transaction(async (tx) => {
    const changes = { updatedAt: at, attempts: o.attempts + 1, lastOutcome: `${result.outcome}: ${result.detail}`.slice(0, 240), nextCheckAt: new Date(at.getTime() + backoff(o.attempts, options)) };
    const ok = await tx.orders.transition(o.id, ["domain_verify"], next, changes);
    if (ok) await tx.audit.append({ at, actor: "validator", tenantId: o.tenantId, action: "ValidateOrder", target: String(o.id), outcome: result.ok ? "ok" : "error", detail: changes.lastOutcome.slice(0, 120) });
    return ok;
  });
  if (!moved) return "moved";
  if (next === "process") return (await issue(store, config, now, { ...o, status: "process" }, limit)) ? "certificate" : "verify_fail";
  return next;
}

/** One pass: the due orders, `concurrency` at a time. */
export async function validatePendingOrders(store: Store, config: ServiceConfig, validator: DcvValidator, now: () => Date, options: ValidationOptions = {}): Promise<ValidationReport> {
  const due = await store.read((tx) => tx.orders.due(now(), options.batch ?? 200));
  const report: ValidationReport = { checked: due.length, issued: [], failed: [], pending: [] };
  let next = 0;
  const limit = limiter(options.issuing ?? 1);
  const worker = async () => {
    for (let i = next++; i < due.length; i = next++) {
      const o = due[i] as OrderRecord;
      const status = await validateOrder(store, config, validator, now, o, options, limit);
      if (status === "certificate") report.issued.push(o.id);
      else if (status === "verify_fail") report.failed.push(o.id);
      else if (status === "domain_verify") report.pending.push(o.id);
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency ?? 16, due.length) }, worker));
  return report;
}
