/**
 * The one way an action runs: parse parameters, do the work in one store transaction with an audit
 * row of outcome "ok" inside it, or — when anything fails — roll back and record the refusal in the
 * audit log on its own (nothing else changes), then surface a CAS-shaped ServiceError.
 */
import type { z } from "zod";
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
  /** The audit target (an identifier) once the action knows it. */
  target?(params: z.output<S>, result: R): string | null;
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
    const prepared = action.prepare ? await action.prepare(params, ctx) : (undefined as P);
    // Lookups run on a read-only snapshot: they never queue behind (or hold up) writers.
    if (!action.mutates) return await ctx.store.read((tx) => action.handler(ctx, params, tx, prepared));
    return await ctx.store.transaction(async (tx) => {
      await admit(tx);
      const result = await action.handler(ctx, params, tx, prepared);
      await tx.audit.append({ at: ctx.now(), actor: ctx.actor, tenantId: ctx.tenantId, action: action.name, target: action.target?.(params, result) ?? null, outcome: "ok", detail: null });
      return result;
    });
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
