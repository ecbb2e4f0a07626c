/** Token buckets per key — the server uses (tenant, action), as CAS limits an account per action: `rate` requests per second, bursts up to `rate` (docs/cas-api.md QPS). */
export class Throttle {
  readonly #buckets = new Map<string, { tokens: number; at: number }>();
  readonly rate: number;
  constructor(rate: number) {
    this.rate = rate;
  }
  /** 0 when allowed, else milliseconds until a token is available. */
  take(key: string, nowMs: number): number {
    if (this.rate <= 0) return 0;
    const b = this.#buckets.get(key) ?? { tokens: this.rate, at: nowMs };
    b.tokens = Math.min(this.rate, b.tokens + ((nowMs - b.at) / 1000) * this.rate);
    b.at = nowMs;
    this.#buckets.set(key, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - b.tokens) / this.rate) * 1000);
  }
}
