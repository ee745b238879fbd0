import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    environment: "node",
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Tests open real SQLite files and loopback servers; forks isolate native handles cleanly.
    pool: "forks",
  },
});
