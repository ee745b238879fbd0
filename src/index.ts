/**
 * Composition root. With DISCORD_TOKEN: the bot plus the scheduler, shutting down on SIGINT/SIGTERM
 * (stop jobs, let background work finish, close the client and the database, each step bounded). Without a token
 * on a terminal: the offline shell. Without a token and no terminal: exit 1 saying so.
 */
import { commands } from "../commands/index.js";
import { loadConfigOrExit, type Config } from "./config/env.js";
import { createAppContext, type AppContext } from "./context.js";
import { asStorageError } from "./db/errors.js";
import { startBot } from "./discord/bot.js";
import { createDiscordDelivery } from "./discord/delivery.js";
import { startScheduler } from "./jobs/schedule.js";
import { createLogger, type Logger } from "./logger.js";
import { startShellSession } from "./shell/session.js";

/** How long each shutdown step may take before the process goes on without it. */
const SHUTDOWN_STEP_MS = 3000;

/** Runs one shutdown step for at most `ms`; false (with a log line naming it) when it failed or timed out. */
async function boundedStep(logger: Logger, name: string, step: () => Promise<void>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), ms);
  });
  try {
    if ((await Promise.race([step().then(() => "done" as const), timedOut])) === "done") return true;
    logger.error({ step: name, ms }, `shutdown step ${name} did not finish within ${ms} ms; going on without it`);
    return false;
  } catch (err) {
    logger.error({ err, step: name }, `shutdown step ${name} failed; going on without it`);
    return false;
  } finally {
    clearTimeout(timer);
  }
}

async function main(): Promise<void> {
  const config: Config = loadConfigOrExit();
  if (!config.discordToken) {
    if (!process.stdin.isTTY) {
      process.stderr.write("DISCORD_TOKEN is missing: set it to run the bot, or run `npm start` in a terminal for the offline shell.\n");
      process.exit(1);
    }
    await startShellSession(config, { interactive: true });
    return;
  }
  const logger = createLogger(config.logLevel);
  let ctx: AppContext;
  try {
    ctx = createAppContext(config, logger);
  } catch (err) {
    // A database that cannot be opened or migrated will not fix itself: one clear line, exit once.
    const storage = asStorageError(err);
    if (!storage) throw err;
    logger.fatal({ err, code: storage.code, database: config.databasePath }, "cannot open the database");
    // The log line first, then the sentence as the last line a person sees.
    logger.flush(() => {
      process.stderr.write(`modelfolio: ${storage.message} (${storage.code}, DATABASE_PATH=${config.databasePath})\n`);
      process.exit(1);
    });
    return;
  }
  // The scheduler needs the bot (digests post through its REST client; jobs split by shard),
  // and /admin status needs the scheduler: the bot reads the next runs through this holder.
  let scheduler: ReturnType<typeof startScheduler> | null = null;
  let bot: Awaited<ReturnType<typeof startBot>>;
  try {
    bot = await startBot(ctx, commands, { nextRuns: () => scheduler?.nextRuns() ?? {} });
  } catch (err) {
    // A refused token or an unreachable gateway will not fix itself: one clear line, exit once.
    const code = (err as { code?: string }).code;
    logger.fatal({ err, code }, "could not log in to Discord");
    await ctx.close();
    logger.flush(() => {
      process.stderr.write(
        code === "TokenInvalid"
          ? "modelfolio: Discord refused DISCORD_TOKEN (TokenInvalid); check the bot token.\n"
          : `modelfolio: could not log in to Discord (${code ?? (err instanceof Error ? err.message : String(err))}).\n`,
      );
      process.exit(1);
    });
    return;
  }

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down");
    // Each step is bounded: with Discord unreachable, waiting for a reply in flight (or for the
    // gateway to close) used to hold the process until a second signal.
    const steps: Array<[string, () => Promise<void>]> = [
      ["scheduler.stop", () => scheduler?.stop() ?? Promise.resolve()],
      ["bot.drain", () => bot.context.drain()],
      ["client.destroy", () => bot.client.destroy()],
      ["ctx.close", () => ctx.close()],
    ];
    let clean = true;
    for (const [name, step] of steps) clean = (await boundedStep(logger, name, step, SHUTDOWN_STEP_MS)) && clean;
    logger.info(clean ? "stopped cleanly" : "stopped; a shutdown step did not finish");
    // Under the ShardingManager the IPC channel would keep this process alive.
    process.disconnect?.();
    // A request still in flight (an unreachable Discord) would keep the event loop alive: exit.
    logger.flush(() => process.exit(clean ? 0 : 1));
  };
  // Handlers first, then the scheduler: once "scheduler started" is printed, a SIGTERM is
  // always a clean stop (a supervisor may signal the moment it reads that line).
  process.once("SIGINT", () => void shutdown("SIGINT"));
  process.once("SIGTERM", () => void shutdown("SIGTERM"));
  scheduler = startScheduler(ctx, {
    shard: { ids: bot.client.shard?.ids ?? [0], count: bot.client.shard?.count ?? 1 },
    digest: { discord: createDiscordDelivery(bot.client.rest, { botUserId: bot.client.user?.id ?? null, token: bot.client.token }) },
  });
}

await main();
