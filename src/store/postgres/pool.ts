/**
 * Default connections per PostgreSQL pool (the store keeps one for writes, one for lookups). Kept apart
 * from the adapter so `serve` can size pools without loading pg. The work per statement is small, so a
 * few connections keep the server busy; more only add contention (on 2 cores, 4–8 beat 20–32 in
 * benchmarks/engines.bench.ts).
 */
export const DEFAULT_POOL = 8;
