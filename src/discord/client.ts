import { Client, GatewayIntentBits, Options, type ClientOptions } from "discord.js";
import type { Config } from "../config/env.js";

/**
 * The bot's client: Guilds intent only (slash commands need no privileged intents), small caches.
 * DISCORD_API_BASE points discord.js's REST at a proxy or Discord-compatible server; the gateway
 * URL then comes from that server's /gateway/bot.
 */
export function createClient(config: Pick<Config, "discordApiBase">, extra: Partial<ClientOptions> = {}): Client {
  return new Client({
    intents: [GatewayIntentBits.Guilds],
    // A send that times out is retried by discord.js; an enforced nonce makes Discord return the first message instead of posting twice.
    enforceNonce: true,
    makeCache: Options.cacheWithLimits({ ...Options.DefaultMakeCacheSettings, MessageManager: 0, GuildMemberManager: 0 }),
    ...extra,
    rest: { ...(config.discordApiBase ? { api: config.discordApiBase } : {}), ...extra.rest },
  });
}
