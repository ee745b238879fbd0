import { resolve } from "node:path";
import { commands } from "../../commands/index.js";
import type { Config } from "../config/env.js";
import { createAppContext } from "../context.js";
import { createBotContext } from "../discord/bot.js";
import { createLogger } from "../logger.js";
import { SHELL_GUILD_ID, SHELL_USER_ID } from "./identity.js";
import { runShell } from "./shell.js";

export { SHELL_GUILD_ID, SHELL_USER_ID };

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
