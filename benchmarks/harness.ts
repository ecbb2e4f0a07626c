/**
 * Shared benchmark plumbing: time-bounded rounds, medians, and the row shape every bench returns.
 * Figures are ratios against a ceiling measured in the same process and run (Node's raw crypto),
 * never absolute numbers compared across machines.
 */
import { performance } from "node:perf_hooks";

export interface BenchRow {
  name: string;
  unit: string;
  value: number;
  ceilingName: string;
  ceilingValue: number;
  ratio: number;
}

export interface RateOptions {
  /** Rounds to take the median of. */
  rounds?: number;
  /** Milliseconds per round. */
  roundMs?: number;
}

/** Median ops/s of `fn` over several time-bounded rounds (one warm-up round discarded). */
export function measureRate(fn: () => unknown, options: RateOptions = {}): number {
  const rounds = options.rounds ?? 5;
  const roundMs = options.roundMs ?? 400;
  const rates: number[] = [];
  for (let r = 0; r <= rounds; r++) {
    let n = 0;
    const start = performance.now();
    let now = start;
    while (now - start < roundMs) {
      fn();
      n++;
      if ((n & 7) === 0) now = performance.now();
    }
    now = performance.now();
    if (r > 0) rates.push((n * 1000) / (now - start));
  }
  return median(rates);
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

export function row(name: string, unit: string, value: number, ceilingName: string, ceilingValue: number): BenchRow {
  return { name, unit, value, ceilingName, ceilingValue, ratio: ceilingValue > 0 ? value / ceilingValue : Number.NaN };
}

/** A fixed-width table for people. */
export function formatTable(rows: BenchRow[]): string {
  const fmt = (n: number) => (Number.isFinite(n) ? (Math.abs(n) >= 100 ? n.toFixed(0) : n.toFixed(2)) : "-");
  const head = ["benchmark", "value", "unit", "ceiling", "ceiling value", "ratio"];
  const body = rows.map((r) => [r.name, fmt(r.value), r.unit, r.ceilingName, fmt(r.ceilingValue), Number.isFinite(r.ratio) ? r.ratio.toFixed(3) : "-"]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => (b[i] as string).length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 || i === 2 || i === 3 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join("  ");
  return [line(head), widths.map((w) => "-".repeat(w)).join("  "), ...body.map(line)].join("\n");
}

/** Ops/s of `op` with `inFlight` concurrent callers over `ms` milliseconds. */
export async function closedLoop(op: () => Promise<unknown>, inFlight: number, ms: number): Promise<number> {
  let n = 0;
  const start = performance.now();
  const end = start + ms;
  const worker = async () => {
    while (performance.now() < end) {
      await op();
      n++;
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  return (n * 1000) / (performance.now() - start);
}

/** Median of `rounds` rounds (one warm-up round discarded). */
export async function rate(op: () => Promise<unknown>, inFlight: number, rounds: number, ms: number): Promise<number> {
  const xs: number[] = [];
  for (let r = 0; r <= rounds; r++) {
    const x = await closedLoop(op, inFlight, ms);
    if (r > 0) xs.push(x);
  }
  return median(xs);
}

/** Medians of `a` and `b` in alternating rounds (one warm-up pair discarded). */
export async function alternate(a: () => Promise<unknown>, b: () => Promise<unknown>, inFlight: number, rounds: number, ms: number): Promise<[number, number]> {
  const xa: number[] = [];
  const xb: number[] = [];
  for (let r = 0; r <= rounds; r++) {
    const x = await closedLoop(a, inFlight, ms);
    const y = await closedLoop(b, inFlight, ms);
    if (r > 0) {
      xa.push(x);
      xb.push(y);
    }
  }
  return [median(xa), median(xb)];
}
