/**
 * CAS parameter parsing with zod: every value arrives as a string on the wire (docs/cas-api.md), so
 * integers and booleans are coerced here, once; a failure names the CAS field (Missing<Field> /
 * Invalid<Field>). An over-long `Csr` is the CSR policy's too_large (InvalidCsr.TooLarge) instead.
 */
import { z } from "zod";
import { MAX_CSR_BYTES } from "../csr/armor.js";
import { CsrError } from "../errors.js";
import { invalid, missing } from "./errors.js";

/** An integer given as a number or a decimal string. */
export const int = (min: number, max: number) =>
  z.union([z.number(), z.string().regex(/^-?\d+$/)]).transform((v) => Number(v)).pipe(z.number().int().min(min).max(max));
/** CAS booleans: true/false, 1/0. */
export const bool = z.union([z.boolean(), z.enum(["true", "false", "1", "0"]), z.literal(1), z.literal(0)]).transform((v) => v === true || v === "true" || v === "1" || v === 1);
export const str = (max = 256) => z.string().min(1).max(max);
/** repeatList: an array, or a single value. */
export const list = (item: z.ZodType<string>) => z.union([z.array(item), item]).transform((v) => (Array.isArray(v) ? v : [v]));

/** Parses `params` against `schema`, turning the first issue into a CAS Missing/Invalid error. */
export function parseParams<S extends z.ZodType>(schema: S, params: unknown): z.output<S> {
  const r = schema.safeParse(params ?? {});
  if (r.success) return r.data;
  // An oversized CSR is the CSR policy's refusal (too_large → InvalidCsr.TooLarge), whatever bound the
  // schema puts on the string: the same answer as a request just over the parser's own limit.
  const csr = (params as Record<string, unknown> | undefined)?.Csr;
  if (r.error.issues.some((i) => i.path[0] === "Csr" && i.code === "too_big") && typeof csr === "string") {
    throw new CsrError("too_large", `the request is ${Buffer.byteLength(csr, "utf8")} bytes; the limit is ${MAX_CSR_BYTES}`, { field: "Csr" });
  }
  const issue = r.error.issues[0];
  const field = String(issue?.path[0] ?? "Parameter");
  const value = issue?.path.length ? (params as Record<string, unknown> | undefined)?.[field] : undefined;
  if (value === undefined || value === "") throw missing(field);
  throw invalid(field, issue?.message ?? "bad value");
}
