/** `caskit init`: creates the data file (or schema), checks the master passphrase. One of the two commands that may create a store (docs/cli.md). */
import type { Command } from "commander";
import { dataLocation, shownLocation } from "../session.js";
import { withSession } from "./shared.js";

export function register(program: Command): void {
  program
    .command("init")
    .description("create the store (SQLite file or PostgreSQL schema) and check the master passphrase")
    .action((_o, cmd: Command) =>
      withSession(cmd, async (s, out, o) => {
        const counts = await s.store.counts();
        const data = shownLocation(dataLocation(o));
        out.result({ data, kind: s.store.kind, counts }, () => `store ready: ${data} (${s.store.kind}); ${counts.cas} CAs, ${counts.certificates} certificates`);
      }, { create: true }),
    );
}
