import { resolve } from "node:path";
import { commands } from "../../commands/index.js";
import type { Config } from "../config/env.js";
import { createAppContext } from "../context.js";
import { createBotContext } from "../discord/bot.js";
import { createLogger } from "../logger.js";
import { runShell } from "./shell.js";

/** The local user the shell acts as (a Discord-shaped id, so the store looks the same as the bot's). */
export const SHELL_USER_ID = "100000000000000001";
export const SHELL_GUILD_ID = "100000000000000002";

/** Opens the store and runs the shell until stdin ends or the user types exit. */
export async function startShellSession(
  config: Config,
  opts: { interactive: boolean; input?: NodeJS.ReadableStream; output?: NodeJS.WritableStream; outDir?: string },
): Promise<void> {
  // Logs would interleave with the conversation: only warnings, to stderr, unless LOG_LEVEL is lower.
  const logger = createLogger(config.logLevel === "info" ? "warn" : config.logLevel);
  const ctx = createAppContext(config, logger);
  const bot = createBotContext(ctx, { allowFileAttachments: true });
  try {
    await runShell(commands, bot, {
      input: opts.input ?? process.stdin,
      output: opts.output ?? process.stdout,
      userId: SHELL_USER_ID,
      guildId: SHELL_GUILD_ID,
      outDir: resolve(opts.outDir ?? "out"),
      interactive: opts.interactive,
    });
    await bot.drain();
  } finally {
    await ctx.close();
  }
}
