/**
 * What the DNS and FILE checks share: validated settings, the name grammar, one Resolver per check
 * (so cancelling it on a deadline touches no other check), and the mapping of resolver errors to outcomes.
 */
import { Resolver } from "node:dns/promises";
import { isIP } from "node:net";
import { domainToASCII } from "node:url";
import type { DcvOptions, DcvOutcome, DcvResult } from "./types.js";

export interface DcvSettings {
  dnsServers: string[] | undefined;
  httpPort: number;
  timeoutMs: number;
  maxBytes: number;
  maxRedirects: number;
}

const int = (v: unknown, min: number, max: number): boolean => Number.isInteger(v) && (v as number) >= min && (v as number) <= max;

/** Fills the defaults and refuses bad configuration at construction time, not on the first order. */
export function dcvSettings(o: DcvOptions): DcvSettings {
  const s: DcvSettings = {
    dnsServers: o.dnsServers === undefined ? undefined : [...o.dnsServers],
    httpPort: o.httpPort ?? 80,
    timeoutMs: o.timeoutMs ?? 5000,
    maxBytes: o.maxBytes ?? 64 * 1024,
    maxRedirects: o.maxRedirects ?? 3,
  };
  if (!int(s.httpPort, 1, 65535)) throw new TypeError(`dcv: httpPort must be an integer 1..65535, got ${String(s.httpPort)}`);
  if (!int(s.timeoutMs, 1, 600_000)) throw new TypeError(`dcv: timeoutMs must be an integer 1..600000, got ${String(s.timeoutMs)}`);
  if (!int(s.maxBytes, 1, 64 * 1024 * 1024)) throw new TypeError(`dcv: maxBytes must be an integer 1..67108864, got ${String(s.maxBytes)}`);
  if (!int(s.maxRedirects, 0, 20)) throw new TypeError(`dcv: maxRedirects must be an integer 0..20, got ${String(s.maxRedirects)}`);
  if (s.dnsServers !== undefined) {
    if (s.dnsServers.length === 0) throw new TypeError("dcv: dnsServers is empty; omit it to use the system's servers");
    // Checked here: Node 20's setServers *aborts the process* on port 0, and throws on other bad forms.
    for (const server of s.dnsServers) checkDnsServer(server);
    newResolver(s); // setServers throws on anything but IP literals with an optional port
  }
  return s;
}

/** "ip", "ipv4:port" or "[ipv6]:port" with a port 1..65535; else TypeError. */
function checkDnsServer(server: string): void {
  const m = /^\[(.+)\]:(\d{1,5})$/.exec(server) ?? /^([^:]+):(\d{1,5})$/.exec(server);
  const ip = m ? (m[1] as string) : server;
  if (!isIP(ip) || (m && !int(Number(m[2]), 1, 65535))) throw new TypeError(`dcv: DNS server ${JSON.stringify(server.slice(0, 64))} is not an IP address with an optional port 1..65535`);
}

/**
 * c-ares retries with a doubling timeout, so one try gets a third of the budget and the second the rest;
 * the callers still race a hard deadline, since with several servers c-ares would go on longer.
 */
export function newResolver(s: DcvSettings): Resolver {
  const r = new Resolver({ timeout: Math.max(50, Math.floor(s.timeoutMs / 3)), tries: 2 });
  if (s.dnsServers !== undefined) r.setServers(s.dnsServers);
  return r;
}

export type ParsedName = { wildcard: boolean; base: string };

/** "*.Example.COM." → { wildcard: true, base: "example.com" }; a string is the reason it is refused. */
export function parseName(domain: string): ParsedName | string {
  if (typeof domain !== "string") throw new TypeError("dcv: domain must be a string");
  let d = domain.toLowerCase();
  if (d.endsWith(".")) d = d.slice(0, -1);
  const wildcard = d.startsWith("*.");
  if (wildcard) d = d.slice(2);
  if (isIP(d.replace(/^\[|\]$/g, "")) !== 0) return "IP addresses cannot be validated by DNS or FILE";
  // IDNs are checked in their A-label form, which is what DNS and the Host header carry.
  const ascii = d === "" ? "" : domainToASCII(d);
  const labels = ascii.split(".");
  const ldh = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
  if (ascii === "" || ascii.length > 253 || labels.length < 2 || !labels.every((l) => ldh.test(l))) {
    return `not a valid domain name: "${excerpt(domain, 40)}"`;
  }
  return { wildcard, base: ascii };
}

/** Keeps a detail printable and bounded, whatever a remote party put in it. */
export function excerpt(s: string, max: number): string {
  // eslint-disable-next-line no-control-regex
  const clean = s.replace(/[\u0000-\u001f\u007f-\u009f]/g, "?");
  return clean.length <= max ? clean : `${clean.slice(0, max - 1)}…`;
}

export function result(outcome: DcvOutcome, detail: string): DcvResult {
  return { ok: outcome === "ok", outcome, detail: excerpt(detail, 200) };
}

/** The error a check's own deadline raises; resolver and socket errors carry Node's codes instead. */
export class DeadlineError extends Error {
  readonly code = "EDEADLINE";
}

/** Settles with `p`, or rejects with DeadlineError after `ms` (and calls `onTimeout` to free resources). */
export function withDeadline<T>(ms: number, p: Promise<T>, onTimeout: () => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onTimeout();
      reject(new DeadlineError(`no answer within ${ms} ms`));
    }, ms);
  });
  return Promise.race([p, deadline]).finally(() => clearTimeout(timer));
}

export function errorCode(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

/** Maps a resolver failure for `name` to an outcome; errors that are not resolver errors are rethrown. */
export function dnsFailure(name: string, e: unknown, ms: number): DcvResult {
  const code = errorCode(e);
  switch (code) {
    case "ENOTFOUND":
      return result("not_found", `${name}: no such name (NXDOMAIN)`);
    case "ENODATA":
      return result("not_found", `${name}: no record of that type`);
    case "ETIMEOUT":
    case "ECANCELLED":
    case "EDEADLINE":
      return result("timeout", `${name}: no DNS answer within ${ms} ms`);
    case "ECONNREFUSED":
      return result("refused", `${name}: DNS server refused the connection`);
    case "EREFUSED":
      return result("refused", `${name}: DNS server refused the query (REFUSED)`);
    case undefined:
      throw e;
    default:
      return result("bad_response", `${name}: DNS lookup failed (${code})`);
  }
}
