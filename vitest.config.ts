import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores on CI: forks keep native modules (better-sqlite3) isolated per file.
    pool: "forks",
    reporters: ["default", "./test/summary-reporter.ts"],
  },
});
