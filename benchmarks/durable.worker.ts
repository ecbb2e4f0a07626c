/**
 * One process of the durable-issuance benchmark (benchmarks/durable.bench.ts): opens the SQLite store,
 * waits for the start time it was given, then issues `count` server certificates from one parsed CSR
 * with `concurrency` issuances in flight. Each issuance signs outside the write lock, then commits the
 * certificate row and its audit row in one store transaction (re-reading the CA's status inside it),
 * and counts only after that transaction resolved — i.e. after the group's COMMIT (fsync).
 * Prints one JSON line: { issued, seconds }.
 *
 * argv: <db path> <sub CA id> <csr file> <count> <concurrency> <start epoch ms>
 * The group size comes from CASKIT_SQLITE_GROUP_COMMIT, the product's own knob.
 */
import { readFileSync } from "node:fs";
import { openSession } from "../src/cli/session.js";
import { parseCsr } from "../src/csr/index.js";
import { commit } from "../src/service/actions/issue.js";
import { issuerOf } from "../src/service/authority.js";

const [db, subId, csrFile, countArg, concArg, startArg] = process.argv.slice(2);
const count = Number(countArg);
const concurrency = Number(concArg);
const s = await openSession({ data: db });
try {
  const ca = await s.store.transaction((tx) => tx.cas.get(s.ctx.tenantId, subId as string));
  if (!ca) throw new Error(`no CA ${subId}`);
  const issuer = issuerOf(s.ctx, ca);
  const csr = parseCsr(readFileSync(csrFile as string));
  const wait = Number(startArg) - Date.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  let started = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (started < count) {
        started++;
        const r = issuer.serverFromCsr(csr, { days: 30 });
        await s.store.transaction(async (tx) => {
          const cur = await tx.cas.get(s.ctx.tenantId, ca.id);
          if (cur?.status !== "ISSUE") throw new Error("CA no longer issues");
          const out = await commit(s.ctx, tx, ca, r, 1);
          await tx.audit.append({ at: s.ctx.now(), actor: "bench", tenantId: s.ctx.tenantId, action: "CreateServerCertificateWithCsr", target: out.Identifier ?? null, outcome: "ok", detail: null });
        });
      }
    }),
  );
  console.log(JSON.stringify({ issued: started, seconds: (performance.now() - t0) / 1000 }));
} finally {
  await s.close();
}
