/**
 * CRLs of 10k, 100k and 1M entries with a P-256 CA: median build+sign time, entries/s and peak RSS,
 * each size in its own child process so the peak is honest. The 1M CRL is read back by OpenSSL.
 * Ceiling: crypto.sign P-256 in the same run (one signature per CRL, so the ratio is informational).
 */
import { execFileSync } from "node:child_process";
import { sign } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { createRootCa, createSubCa } from "../src/ca/index.js";
import { Issuer } from "../src/issue/index.js";
import { buildCrl } from "../src/revoke/index.js";
import { type BenchRow, formatTable, measureRate, median, row } from "./harness.js";

const SIZES = [10_000, 100_000, 1_000_000];

/** Child mode: build a CRL of `n` entries `rounds` times; print JSON { ms[], rss, der? }. */
async function child(n: number, rounds: number, out?: string): Promise<void> {
  const root = await createRootCa({ subject: { commonName: "CRL Bench Root" }, algorithm: "ECC_256", years: 10 });
  const sub = await createSubCa(root, { subject: { commonName: "CRL Bench CA" }, algorithm: "ECC_256", years: 5 });
  const issuer = Issuer.prepare(sub);
  const now = new Date(Math.floor(Date.now() / 1000) * 1000);
  const next = new Date(now.getTime() + 7 * 86_400_000);
  // Entries as the store hands them over: 16-byte serials, a few distinct revocation times.
  function* entries() {
    const serial = new Uint8Array(16);
    serial[0] = 0x40;
    for (let i = 0; i < n; i++) {
      new DataView(serial.buffer).setUint32(12, i);
      new DataView(serial.buffer).setUint32(4, i * 2654435761);
      yield { serial, revokedAt: new Date(now.getTime() - (i % 1000) * 60_000), reason: i % 3 === 0 ? ("keyCompromise" as const) : undefined };
    }
  }
  const ms: number[] = [];
  let der: Uint8Array | undefined;
  for (let r = 0; r < rounds; r++) {
    const t = performance.now();
    der = buildCrl({ issuer: issuer.crlSigner, entries: entries(), crlNumber: r + 1, thisUpdate: now, nextUpdate: next }).der;
    ms.push(performance.now() - t);
  }
  if (out && der) writeFileSync(out, der);
  const rss = process.resourceUsage().maxRSS * 1024;
  process.stdout.write(JSON.stringify({ ms, rss }));
}

export async function runCrlBench(): Promise<BenchRow[]> {
  const self = fileURLToPath(import.meta.url);
  const dir = mkdtempSync(join(tmpdir(), "caskit-bench-crl-"));
  const rows: BenchRow[] = [];
  try {
    // Ceiling: raw P-256 signatures/s on this machine, this run.
    const { privateKey } = await import("node:crypto").then((c) => c.generateKeyPairSync("ec", { namedCurve: "prime256v1" }));
    const msg = new Uint8Array(512);
    const signRate = measureRate(() => sign("sha256", msg, { key: privateKey, dsaEncoding: "der" }));
    for (const n of SIZES) {
      const out = join(dir, `crl-${n}.der`);
      const rounds = n >= 1_000_000 ? 3 : 5;
      const res = execFileSync(process.execPath, ["--import", "tsx", self, "--child", String(n), String(rounds), out], { maxBuffer: 1 << 20 }).toString();
      const { ms, rss } = JSON.parse(res) as { ms: number[]; rss: number };
      const med = median(ms);
      // A time, not a rate: no ratio here (see entries/s below).
      rows.push({ ...row(`crl build+sign ${n} entries (P-256)`, "ms", med, "crypto.sign P-256", signRate), ratio: Number.NaN });
      // One signature per CRL: the ceiling is context, not a bound, so no ratio.
      rows.push({ ...row(`crl ${n} entries: entries/s`, "entries/s", (n / med) * 1000, "crypto.sign P-256", signRate), ratio: Number.NaN });
      rows.push({ name: `crl ${n} entries: peak RSS`, unit: "MB", value: rss / 1e6, ceilingName: "-", ceilingValue: Number.NaN, ratio: Number.NaN });
      if (n === 1_000_000) {
        const text = execFileSync("sh", ["-c", `openssl crl -inform DER -in ${out} -noout -text | grep -c 'Serial Number'`]).toString().trim();
        if (Number(text) !== n) throw new Error(`openssl read ${text} entries from the 1M CRL`);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

const argv = process.argv;
if (argv.includes("--child")) {
  const i = argv.indexOf("--child");
  await child(Number(argv[i + 1]), Number(argv[i + 2]), argv[i + 3]);
} else if (import.meta.url === pathToFileURL(argv[1] ?? "").href) {
  console.log(formatTable(await runCrlBench()));
}
