/**
 * `npm run demo`: the shell on a throwaway database pre-loaded with the synthetic data set, so a
 * newcomer sees every command work offline in a minute. Nothing touches ./data or the network.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../config/env.js";
import { openDatabase } from "../db/open.js";
import { SHELL_GUILD_ID, SHELL_USER_ID, startShellSession } from "../shell/session.js";
import { seedDemo } from "./seed.js";

const dir = mkdtempSync(join(tmpdir(), "modelfolio-demo-"));
try {
  const databasePath = join(dir, "demo.db");
  const store = openDatabase(databasePath);
  const seeded = seedDemo(store, { you: SHELL_USER_ID, friend: "100000000000000011", third: "100000000000000012", guildId: SHELL_GUILD_ID });
  store.close();
  const interactive = process.stdin.isTTY === true;
  process.stdout.write(
    `Demo database: ${seeded.models} synthetic models, ${seeded.scoreRows.toLocaleString("en-US")} scores (deleted on exit).\n` +
      (interactive ? "Try: /models list, /correlation, /contribution, /allocate, /prune, /performance, /server diversity, /help\n" : ""),
  );
  // An unroutable API URL: the demo never calls Numerai.
  const config = loadConfig({ DATABASE_PATH: databasePath, NUMERAI_API_URL: "http://127.0.0.1:9", LOG_LEVEL: process.env.LOG_LEVEL ?? "warn" });
  await startShellSession(config, { interactive, outDir: "out" });
} finally {
  rmSync(dir, { recursive: true, force: true });
}
