/**
 * Composition root. With DISCORD_TOKEN: the bot plus the scheduler, shutting down cleanly on
 * SIGINT/SIGTERM (stop jobs, let in-flight writes finish, close the database). Without a token
 * on a terminal: the offline shell. Without a token and no terminal: exit 1 saying so.
 */
import { commands } from "../commands/index.js";
import { ConfigError, loadConfig, loadDotEnv, type Config } from "./config/env.js";
import { createAppContext } from "./context.js";
import { startBot } from "./discord/bot.js";
import { startScheduler } from "./jobs/schedule.js";
import { createLogger } from "./logger.js";
import { startShellSession } from "./shell/session.js";

async function main(): Promise<void> {
  let config: Config;
  try {
    loadDotEnv();
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  if (!config.discordToken) {
    if (!process.stdin.isTTY) {
      process.stderr.write("DISCORD_TOKEN is missing: set it to run the bot, or run `npm start` in a terminal for the offline shell.\n");
      process.exit(1);
    }
    await startShellSession(config, { interactive: true });
    return;
  }
  const logger = createLogger(config.logLevel);
  const ctx = createAppContext(config, logger);
  const scheduler = startScheduler(ctx);
  const bot = await startBot(ctx, commands, { nextRuns: () => scheduler.nextRuns() });

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down");
    await scheduler.stop();
    await bot.stop();
    await ctx.close();
    logger.info("stopped cleanly");
    logger.flush();
  };
  process.once("SIGINT", () => void shutdown("SIGINT"));
  process.once("SIGTERM", () => void shutdown("SIGTERM"));
}

await main();
