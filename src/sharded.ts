/**
 * `npm run start:sharded`: the bot under discord.js's ShardingManager — one process per shard,
 * each the ordinary `src/index.ts` (bot + scheduler) told its shard by the manager.
 *
 * What makes it safe: every process shares the SQLite file (WAL, busy timeout); migrations run
 * once here before any shard opens it; the score sync runs only on shard 0; and the digest
 * dispatcher in each process takes only its own shard's subscriptions — a guild's channel digest
 * on the shard that owns the guild ((guild_id >> 22) % shardCount), DMs on shard 0 — so each
 * digest has exactly one dispatcher, and the delivery ledger's claims cover resharding moments.
 */
import { REST, Routes, ShardingManager, type Shard } from "discord.js";
import { fileURLToPath } from "node:url";
import { loadConfigOrExit, type Config } from "./config/env.js";
import { openDatabase } from "./db/open.js";
import { createLogger } from "./logger.js";

/** How long a shard gets to stop cleanly after SIGTERM before it is killed. */
const STOP_TIMEOUT_MS = 30_000;

async function main(): Promise<void> {
  const config: Config = loadConfigOrExit();
  const token = config.discordToken;
  if (!token) {
    process.stderr.write("DISCORD_TOKEN is missing: the sharded bot needs it (npm start runs the offline shell without one).\n");
    process.exit(1);
  }
  const logger = createLogger(config.logLevel).child({ module: "sharding" });

  // Migrate once, before several processes open the file at the same moment.
  openDatabase(config.databasePath).close();

  // Discord's recommended shard count; asked of DISCORD_API_BASE when set (ShardingManager's
  // own "auto" would always ask discord.com).
  const rest = new REST(config.discordApiBase ? { api: config.discordApiBase } : {}).setToken(token);
  const gateway = (await rest.get(Routes.gatewayBot())) as { shards?: number };
  rest.clearHashSweeper();
  const totalShards = Math.max(1, gateway.shards ?? 1);

  const fromSource = import.meta.url.endsWith(".ts");
  const entry = fileURLToPath(new URL(fromSource ? "./index.ts" : "./index.js", import.meta.url));
  const manager = new ShardingManager(entry, {
    token,
    totalShards,
    mode: "process",
    respawn: true,
    // Running from source: each shard process loads TypeScript the way `npm start` does.
    execArgv: fromSource ? ["--import", "tsx"] : [],
  });
  manager.on("shardCreate", (shard: Shard) => {
    logger.info({ shardId: shard.id, totalShards }, "shard process started");
    shard.on("death", () => logger.warn({ shardId: shard.id }, "shard process exited"));
  });

  let stopping = false;
  const shutdown = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "stopping every shard");
    manager.respawn = false;
    await Promise.all(
      [...manager.shards.values()].map(
        (shard) =>
          new Promise<void>((resolve) => {
            const child = shard.process;
            if (!child || child.exitCode !== null) return resolve();
            const timer = setTimeout(() => child.kill("SIGKILL"), STOP_TIMEOUT_MS);
            child.once("exit", () => {
              clearTimeout(timer);
              resolve();
            });
            // Each shard's own SIGTERM handler stops its jobs, client and database.
            child.kill("SIGTERM");
          }),
      ),
    );
    logger.info("all shards stopped");
    logger.flush();
  };
  process.once("SIGINT", () => void shutdown("SIGINT"));
  process.once("SIGTERM", () => void shutdown("SIGTERM"));

  logger.info({ totalShards }, "spawning shards");
  await manager.spawn({ amount: totalShards, timeout: 120_000 });
}

await main();
