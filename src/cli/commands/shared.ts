/** Helpers every command shares: the session around an action, validity and subject options. */
import { existsSync } from "node:fs";
import { type Command, InvalidArgumentError, Option } from "commander";
import { isPostgresLocation } from "../../store/open.js";
import { type Out, makeOut } from "../output.js";
import { type GlobalOptions, type Session, dataLocation, openSession } from "../session.js";

export type Opts = Record<string, any>;

/**
 * Runs `fn` with an open store and the output helper; closes the store whatever happens. The store
 * must exist unless `create` (only `init` and `ca create-root` pass it: see docs/cli.md); otherwise
 * a missing SQLite file is refused (exit 3) instead of becoming a new, empty store.
 */
export async function withSession(cmd: Command, fn: (s: Session, out: Out, o: Opts) => Promise<void>, { create = false }: { create?: boolean } = {}): Promise<void> {
  const o = cmd.optsWithGlobals() as Opts & GlobalOptions;
  const out = makeOut(!!o.json);
  const location = dataLocation(o);
  const isNew = create && !isPostgresLocation(location) && !existsSync(location);
  const s = await openSession(o, { create });
  if (isNew) out.info(`created a new store at ${location}`);
  try {
    await fn(s, out, o);
  } finally {
    await s.close();
  }
}

export const positiveInt = (v: string): number => {
  if (!/^\d+$/.test(v) || Number(v) < 1) throw new InvalidArgumentError("a positive whole number");
  return Number(v);
};
export const unixTime = (v: string): number => {
  if (/^\d+$/.test(v)) return Number(v);
  const t = Date.parse(v);
  if (Number.isNaN(t)) throw new InvalidArgumentError("Unix seconds or an ISO 8601 date");
  return Math.floor(t / 1000);
};

/** --days/--months/--years/--before/--after (CAS Days › Months › Years, else Before+After). */
export function validityOptions(c: Command): Command {
  return c
    .option("--days <n>", "validity in days (wins over --months and --years)", positiveInt)
    .option("--months <n>", "validity in months", positiveInt)
    .option("--years <n>", "validity in years", positiveInt)
    .option("--before <time>", "notBefore: Unix seconds or ISO date (with --after)", unixTime)
    .option("--after <time>", "notAfter: Unix seconds or ISO date (with --before)", unixTime);
}

export const validityParams = (o: Opts) => ({ Days: o.days, Months: o.months, Years: o.years, BeforeTime: o.before, AfterTime: o.after });

export function subjectOptions(c: Command, { cnRequired }: { cnRequired: boolean }): Command {
  const cn = new Option("--cn <name>", "common name");
  if (cnRequired) cn.makeOptionMandatory();
  return c
    .addOption(cn)
    .option("--org <name>", "organization (O)")
    .option("--ou <name>", "organizational unit (OU)")
    .option("--country <cc>", "country code (C), two letters")
    .option("--state <name>", "state or province (ST)")
    .option("--locality <name>", "locality (L)");
}
