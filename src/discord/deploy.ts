/**
 * `npm run deploy-commands`: registers every slash command — to DISCORD_DEV_GUILD_ID when set
 * (instant, for development), globally otherwise. The application id comes from
 * DISCORD_APPLICATION_ID or from the API (GET /applications/@me).
 */
import { REST, Routes, type RESTGetCurrentApplicationResult } from "discord.js";
import { commands } from "../../commands/index.js";
import { ConfigError, loadConfig, loadDotEnv, type Config } from "../config/env.js";

export async function deployCommands(config: Config, log: (line: string) => void = console.log): Promise<{ scope: string; count: number }> {
  if (!config.discordToken) throw new Error("DISCORD_TOKEN is missing: deploying commands needs the bot's token.");
  const rest = new REST(config.discordApiBase ? { api: config.discordApiBase } : {}).setToken(config.discordToken);
  const applicationId =
    config.discordApplicationId ?? ((await rest.get(Routes.currentApplication())) as RESTGetCurrentApplicationResult).id;
  const body = commands.map((c) => c.data.toJSON());
  const route = config.discordDevGuildId
    ? Routes.applicationGuildCommands(applicationId, config.discordDevGuildId)
    : Routes.applicationCommands(applicationId);
  await rest.put(route, { body });
  const scope = config.discordDevGuildId ? `guild ${config.discordDevGuildId}` : "global (may take up to an hour to appear)";
  log(`Registered ${body.length} commands: ${scope}.`);
  return { scope, count: body.length };
}

if (process.argv[1]?.endsWith("deploy.ts") || process.argv[1]?.endsWith("deploy.js")) {
  try {
    loadDotEnv();
    await deployCommands(loadConfig());
  } catch (err) {
    console.error(err instanceof ConfigError ? err.message : `deploy-commands: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  }
}
