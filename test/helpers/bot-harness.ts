/**
 * The whole bot against stand-ins: a real SQLite file with the real migrations, the stand-in
 * Numerai API and the stand-in Discord on 127.0.0.1, and a real discord.js client logged in.
 */
import { ChannelType } from "discord.js";
import { loadConfig, type Config } from "../../src/config/env.js";
import { createAppContext, type AppContext } from "../../src/context.js";
import { startBot, type Bot } from "../../src/discord/bot.js";
import type { Command } from "../../src/discord/command.js";
import type { Renderer } from "../../src/discord/render-pool.js";
import { createLogger, type Logger } from "../../src/logger.js";
import { startFakeDiscord, fakeClientOptions, type FakeDiscord } from "./fake-discord/index.js";
import { startFakeNumerai, type FakeNumerai } from "./fake-numerai.js";
import { syntheticModels } from "./synthetic-scores.js";
import { makeTestDb } from "./test-db.js";
import { Writable } from "node:stream";

export const GUILD = "200000000000000001";
export const CHANNEL = "200000000000000002";
export const FORUM = "200000000000000003";
export const ADMIN = "300000000000000001";
export const USER = "300000000000000002";
export const OTHER = "300000000000000003";
export const CURRENT_ROUND = 1190;
export const MODEL_NAMES = ["alpha_one", "alpha_two", "alpha_three", "beta_main", "gamma_x"];

export interface Harness {
  readonly discord: FakeDiscord;
  readonly numerai: FakeNumerai;
  readonly ctx: AppContext;
  readonly bot: Bot;
  readonly config: Config;
  readonly db: ReturnType<typeof makeTestDb>;
  /** Every log line as parsed JSON (for "each refusal logged" and "no secret in logs"). */
  readonly logs: Array<Record<string, unknown>>;
  readonly rawLogs: string[];
  close(): Promise<void>;
}

export async function startHarness(
  commands: readonly Command[],
  opts: {
    env?: Record<string, string>;
    numeraiModels?: string[];
    fromRound?: number;
    accounts?: Record<string, string>;
    /** Shorter waits between Numerai retries (the attempts stay as shipped), for tests that exhaust them. */
    numeraiRetryDelays?: { baseDelayMs: number; maxDelayMs: number };
    /** The bot's renderer (default: the render pool of RENDER_WORKERS threads, as in production). */
    renderer?: Renderer;
    /** The bot's clock for component expiry (default: now); a test moves it to expire a view. */
    clock?: () => Date;
    /**
     * How long a command may answer in the callback (production: ANSWER_WITHIN_MS). Default 0 here:
     * every command is deferred at once, so tests see one fixed shape (type 5, then edits of
     * @original); test/discord/answer-in-callback.int.test.ts covers the production shape.
     */
    answerWithinMs?: number;
  } = {},
): Promise<Harness> {
  const numerai = await startFakeNumerai({
    models: syntheticModels({ names: opts.numeraiModels ?? MODEL_NAMES, fromRound: opts.fromRound ?? 900, toRound: CURRENT_ROUND, seed: 11, currentRound: CURRENT_ROUND }).map((m) => {
      const account = opts.accounts?.[m.name];
      return account ? { ...m, account } : m;
    }),
    currentRound: CURRENT_ROUND,
  });
  const discord = await startFakeDiscord({
    guilds: [{ id: GUILD, name: "Numerai fans" }],
    channels: [
      { id: CHANNEL, type: ChannelType.GuildText, guildId: GUILD, name: "general" },
      { id: FORUM, type: ChannelType.GuildForum, guildId: GUILD, name: "digests" },
    ],
    users: [{ id: ADMIN }, { id: USER }, { id: OTHER }],
  });
  const db = makeTestDb();
  db.close();
  const config = loadConfig(
    {
      DATABASE_PATH: `${db.dir}/test.db`,
      NUMERAI_API_URL: numerai.url,
      NUMERAI_TIMEOUT_MS: "2000",
      NUMERAI_SECRET_KEY: "numerai-secret-value-XYZ",
      NUMERAI_PUBLIC_ID: "numerai-public-id",
      DISCORD_TOKEN: discord.token,
      DISCORD_API_BASE: discord.restBase,
      ADMIN_USER_IDS: ADMIN,
      LOG_LEVEL: "debug",
      ...opts.env,
    },
    { createDirs: false },
  );
  const rawLogs: string[] = [];
  const logs: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString("utf8").split("\n").filter(Boolean)) {
        rawLogs.push(line);
        logs.push(JSON.parse(line) as Record<string, unknown>);
      }
      done();
    },
  });
  const logger: Logger = createLogger("debug", sink);
  const ctx = createAppContext(config, logger, opts.numeraiRetryDelays ? { numeraiRetryDelays: opts.numeraiRetryDelays } : {});
  const bot = await startBot(ctx, commands, {
    clientOptions: fakeClientOptions(discord),
    attachmentHosts: new Set(["127.0.0.1"]),
    ...(opts.renderer ? { renderer: opts.renderer } : {}),
    ...(opts.clock ? { clock: opts.clock } : {}),
    answerWithinMs: opts.answerWithinMs ?? 0,
  });
  return {
    discord,
    numerai,
    ctx,
    bot,
    config,
    db,
    logs,
    rawLogs,
    async close() {
      await bot.stop();
      await ctx.close();
      await discord.close();
      await numerai.close();
      db.cleanup();
    },
  };
}

/** A bot with `names` added for `user` the way a user adds them (/models add), their whole history fetched. */
export async function startHarnessWithModels(
  commands: readonly Command[],
  user: string,
  names: readonly string[],
  opts: Parameters<typeof startHarness>[1] = {},
): Promise<Harness> {
  const h = await startHarness(commands, opts);
  const add = h.discord.sendInteraction(h.discord.chatInput({ guildId: GUILD, name: "models", subcommand: "add", options: { name: names.join(" ") }, user }));
  await add.awaitCall((c) => c.kind === "edit-original" && new RegExp(`History fetched: ${names.length}/${names.length}`).test(JSON.stringify(c.call.json)), 30_000);
  return h;
}
