/**
 * The one way an action runs: parse parameters, do the work in one store transaction with an audit
 * row of outcome "ok" inside it, or — when anything fails — roll back and record the refusal in the
 * audit log on its own (nothing else changes), then surface a CAS-shaped ServiceError.
 */
import type { z } from "zod";
import { StoreError } from "../store/errors.js";
import type { StoreTx } from "../store/port.js";
import type { ServiceContext } from "./context.js";
import { toServiceError } from "./errors.js";
import { parseParams } from "./params.js";

export interface Action<S extends z.ZodType = z.ZodType, R = unknown, P = undefined> {
  name: string;
  schema: S;
  /** Whether the action changes state (audited) or only reads. */
  mutates: boolean;
  /**
   * Work done before the transaction opens, so the write lock (SQLite's is per file, shared by every
   * process) is not held for it and a bad request never takes it: parsing and verifying a CSR, and for
   * issuance the certificate itself, drafted from what this process last read of the CA (actions/issue.ts;
   * any read here goes through `ctx.store.read`, never the write transaction). Its result reaches the
   * handler, which must check again, inside the transaction, whatever the draft relied on.
   */
  prepare?(params: z.output<S>, ctx: ServiceContext): P | Promise<P>;
  handler(ctx: ServiceContext, params: z.output<S>, tx: StoreTx, prepared: P): Promise<R>;
  /**
   * The handler starts with the request's nonce claim still unanswered (on PostgreSQL both go out in one
   * round trip), instead of after it. Only for a handler whose whole work is statements of this
   * transaction: a replayed request then runs it too, and the rollback must take everything back.
   */
  admitAlongside?: boolean;
  /** The audit target (an identifier) once the action knows it. */
  target?(params: z.output<S>, result: R): string | null;
}

/**
 * Thrown inside the transaction when what `prepare` drafted from has changed (issuance: the CA row, since
 * this process last read it): the transaction rolls back and the action runs again from `prepare`.
 */
export class Redraft extends Error {
  constructor(why: string) {
    super(why);
    this.name = "Redraft";
  }
}

/** How often an action is drafted again before the change that keeps outdating it is the answer. */
const MAX_DRAFTS = 3;

/**
 * `first` (already under way) and `then` (started now, behind it) settled together; `first`'s failure is
 * the one thrown. Both run in one transaction, so the rollback of either's failure takes both back.
 */
export async function together<R>(first: Promise<unknown>, then: () => Promise<R>): Promise<R> {
  const [a, b] = await Promise.allSettled([first, then()]);
  if (a.status === "rejected") throw a.reason;
  if (b.status === "rejected") throw b.reason;
  return b.value;
}

export function defineAction<S extends z.ZodType, R, P = undefined>(a: Action<S, R, P>): Action<S, R, P> {
  return a;
}

/**
 * The caller's Identifier as an audit target, only when it has the shape of one (hex MD5 or a UUID-like
 * id, at most 64 characters): a refused call must not write arbitrary caller bytes — 1 MB of them, say —
 * into the append-only log, where they could never be removed.
 */
function auditableId(v: unknown): string | null {
  return typeof v === "string" && /^[A-Za-z0-9-]{1,64}$/.test(v) ? v : null;
}

export async function runAction<S extends z.ZodType, R, P>(ctx: ServiceContext, action: Action<S, R, P>, raw: unknown): Promise<R> {
  // What ctx.admit throws (a used nonce, the throttle) is the request's answer, unchanged and unaudited,
  // as it was when the claim ran before the action.
  let admitFailure: { error: unknown } | undefined;
  const admitFailed = () => admitFailure;
  const admit = async (tx: StoreTx) => {
    if (!ctx.admit) return;
    try {
      await ctx.admit(tx);
    } catch (error) {
      admitFailure = { error };
      throw error;
    }
  };
  try {
    // A lookup's claim commits on its own, first: the lookup itself runs on a read-only snapshot.
    if (!action.mutates && ctx.admit) await ctx.store.transaction(admit);
    const params = parseParams(action.schema, raw);
    for (let drafts = 1; ; drafts++) {
      const prepared = action.prepare ? await action.prepare(params, ctx) : (undefined as P);
      // Lookups run on a read-only snapshot: they never queue behind (or hold up) writers.
      if (!action.mutates) return await ctx.store.read((tx) => action.handler(ctx, params, tx, prepared));
      try {
        return await ctx.store.transaction(async (tx) => {
          const handle = () => action.handler(ctx, params, tx, prepared);
          const result = action.admitAlongside ? await together(admit(tx), handle) : (await admit(tx), await handle());
          await tx.audit.append({ at: ctx.now(), actor: ctx.actor, tenantId: ctx.tenantId, action: action.name, target: action.target?.(params, result) ?? null, outcome: "ok", detail: null });
          return result;
        });
      } catch (e) {
        if (!(e instanceof Redraft)) throw e;
        if (drafts === MAX_DRAFTS) throw new StoreError("conflict", `${e.message}, ${MAX_DRAFTS} times running; try again`);
      }
    }
  } catch (e) {
    const refusedAtAdmit = admitFailed();
    if (refusedAtAdmit) throw refusedAtAdmit.error;
    const err = toServiceError(e);
    if (action.mutates) {
      const target = auditableId((raw as Record<string, unknown> | undefined)?.Identifier);
      // The refusal commits the request's nonce (a refused request may not be replayed either).
      const audited = await ctx.store
        .transaction(async (tx) => {
          await admit(tx);
          await tx.audit.append({ at: ctx.now(), actor: ctx.actor, tenantId: ctx.tenantId, action: action.name, target, outcome: "error", detail: err.code });
        })
        .then(() => true, () => false);
      const refusedLate = admitFailed(); // the audit transaction's own claim lost the nonce
      if (!audited && refusedLate) throw refusedLate.error;
    }
    throw err;
  }
}
