/**
 * Accelerated soak: one simulated hour of a busy bot, run as fast as it goes. The bot is its own
 * process (bench/bot-process.ts) against the stand-in Discord and Numerai; the driver advances a
 * simulated clock one minute at a time and, every minute, runs the score sync (1,440× its default
 * daily rate), sends a batch of slash commands through the gateway and waits for their replies;
 * every five minutes it runs the digest dispatcher (its cron rate), so the subscribed digests go
 * out at 13:00 of the simulated hour. After each minute it samples the bot's memory after a full
 * GC. Figures: RSS at the start, end and peak, and its slope over the hour after warm-up.
 */
import { ChannelType } from "discord.js";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase } from "../src/db/open.js";
import { silentLogger } from "../src/logger.js";
import { createNumeraiClient } from "../src/numerai/client.js";
import { createServices } from "../src/services/index.js";
import { startFakeDiscord, type InteractionHandle } from "../test/helpers/fake-discord/index.js";
import { startFakeNumerai } from "../test/helpers/fake-numerai.js";
import { syntheticModels } from "../test/helpers/synthetic-scores.js";
import { forkBot, type BotReply } from "./bot-process.js";

const GUILD = "600000000000000001";
const CHANNEL = "600000000000000002";
const CURRENT_ROUND = 1190;
/** Monday 12:30 UTC: the DM digests subscribed for Monday 13:00 fall due half-way through the hour. */
const START = Date.UTC(2026, 2, 2, 12, 30);
const MINUTE = 60_000;

const userIdOf = (u: number) => `6000000000${String(u).padStart(8, "0")}`;

type Mix = { name: string; subcommand?: string; options?: Record<string, string | number | boolean> };
const MIX: readonly Mix[] = [
  { name: "correlation" },
  { name: "contribution" },
  { name: "performance" },
  { name: "allocate" },
  { name: "models", subcommand: "list" },
  { name: "correlation", options: { method: "spearman", rounds: 60 } },
  { name: "performance", options: { score: "payout" } },
  { name: "help" },
];

export interface SoakOptions {
  minutes?: number;
  users?: number;
  modelsPerUser?: number;
  commandsPerMinute?: number;
}

export interface SoakFigures {
  simulatedMinutes: number;
  commands: number;
  syncs: number;
  digestsSent: number;
  /** Commands without a reply, or answered with an error message. */
  failedCommands: number;
  syncFailures: number;
  botErrorLines: number;
  rssMb: { start: number; end: number; max: number };
  heapMb: { start: number; end: number; max: number };
  /** Least-squares slope after the warm-up, in MB per simulated hour. */
  rssSlopeMbPerHour: number;
  heapSlopeMbPerHour: number;
  /** discord.js REST handlers alive at the start and the end (one per interaction token until its hourly sweep). */
  restHandlers: { start: number; end: number };
  wallSeconds: number;
}

/** Least-squares slope of y over x. */
export function slope(xs: readonly number[], ys: readonly number[]): number {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += ((xs[i] as number) - mx) * ((ys[i] as number) - my);
    sxx += ((xs[i] as number) - mx) ** 2;
  }
  return sxx === 0 ? NaN : sxy / sxx;
}

async function answered(handle: InteractionHandle): Promise<boolean> {
  try {
    const callback = await handle.awaitResponse(30_000);
    if (callback.call.status < 200 || callback.call.status > 299) return false;
    const final = (callback.call.json as { type?: number } | undefined)?.type === 5 ? await handle.awaitEdit(1, 30_000) : callback;
    return !/something went wrong|not answering properly/.test(JSON.stringify(final.call.json ?? ""));
  } catch {
    return false;
  }
}

function expectReply<T extends BotReply["type"]>(reply: BotReply, type: T): Extract<BotReply, { type: T }> {
  if (reply.type !== type) throw new Error(`bot process answered ${reply.type}, expected ${type}`);
  return reply as Extract<BotReply, { type: T }>;
}

export async function benchSoak(opts: SoakOptions = {}): Promise<SoakFigures> {
  const minutes = opts.minutes ?? 60;
  const users = opts.users ?? 10;
  const modelsPerUser = opts.modelsPerUser ?? 5;
  const perMinute = opts.commandsPerMinute ?? 8;
  const names = Array.from({ length: users * modelsPerUser }, (_, i) => `soak_${String(i).padStart(3, "0")}`);
  const dir = mkdtempSync(join(tmpdir(), "modelfolio-bench-soak-"));
  const path = join(dir, "soak.db");
  const numerai = await startFakeNumerai({
    models: syntheticModels({ names, fromRound: 900, toRound: CURRENT_ROUND, seed: 17, currentRound: CURRENT_ROUND }),
    currentRound: CURRENT_ROUND,
  });
  const discord = await startFakeDiscord({
    guilds: [{ id: GUILD, name: "soak" }],
    channels: [{ id: CHANNEL, type: ChannelType.GuildText, guildId: GUILD, name: "general" }],
    users: Array.from({ length: users }, (_, u) => ({ id: userIdOf(u) })),
  });
  try {
    // Registrations and history through the real ingestion path, before the bot starts.
    const store = openDatabase(path);
    const client = createNumeraiClient({ url: numerai.url, tournament: 8, timeoutMs: 5000, concurrency: 4, logger: silentLogger });
    const services = createServices(store, client, silentLogger, { tournament: 8, syncLookbackRounds: 40 });
    for (const [i, name] of names.entries()) await services.registrations.add(userIdOf(Math.floor(i / modelsPerUser)), name);
    await services.ingestion.backfill({ from: 1000, to: CURRENT_ROUND });
    await client.close();
    store.close();

    const bot = await forkBot({ DATABASE_PATH: path, NUMERAI_API_URL: numerai.url, DISCORD_TOKEN: discord.token, DISCORD_API_BASE: discord.restBase, LOG_LEVEL: "warn" });
    const t0 = performance.now();
    const samples: Array<{ minute: number; rss: number; heap: number; restHandlers: number }> = [];
    let commands = 0;
    let failedCommands = 0;
    let syncs = 0;
    let syncFailures = 0;
    let digestsSent = 0;
    try {
      expectReply(
        await bot.request({ type: "subscribe", userIds: Array.from({ length: users }, (_, u) => userIdOf(u)), weekday: 1, hour: 13, at: new Date(START).toISOString() }),
        "subscribed",
      );
      for (let minute = 0; minute <= minutes; minute++) {
        const at = new Date(START + minute * MINUTE).toISOString();
        const synced = expectReply(await bot.request({ type: "sync", at }), "synced");
        syncs++;
        if (synced.failures !== 0) syncFailures++;
        // As the scheduler does after a sync: the series warm-up reads the models it wrote.
        expectReply(await bot.request({ type: "warm", at }), "warmed");
        if (minute % 5 === 0) digestsSent += expectReply(await bot.request({ type: "digest", at }), "digested").sent;
        const handles = Array.from({ length: perMinute }, (_, k) => {
          const n = minute * perMinute + k;
          const mix = MIX[n % MIX.length] as Mix;
          return discord.sendInteraction(discord.chatInput({ ...mix, guildId: GUILD, user: userIdOf(n % users) }));
        });
        const ok = await Promise.all(handles.map(answered));
        commands += ok.length;
        failedCommands += ok.filter((x) => !x).length;
        const m = expectReply(await bot.request({ type: "memory" }), "memory");
        samples.push({ minute, rss: m.rss / 2 ** 20, heap: m.heapUsed / 2 ** 20, restHandlers: m.restHandlers });
      }
    } finally {
      await bot.stop();
    }
    // The first minutes fill caches (SQLite pages, JIT, fonts); the slope is taken after them.
    const steady = samples.filter((s) => s.minute >= Math.min(10, Math.floor(minutes / 4)));
    const rss = samples.map((s) => s.rss);
    const heap = samples.map((s) => s.heap);
    return {
      simulatedMinutes: minutes,
      commands,
      syncs,
      digestsSent,
      failedCommands,
      syncFailures,
      botErrorLines: bot.errorLines.length,
      rssMb: { start: rss[0] as number, end: rss.at(-1) as number, max: Math.max(...rss) },
      heapMb: { start: heap[0] as number, end: heap.at(-1) as number, max: Math.max(...heap) },
      rssSlopeMbPerHour: slope(
        steady.map((s) => s.minute / 60),
        steady.map((s) => s.rss),
      ),
      heapSlopeMbPerHour: slope(
        steady.map((s) => s.minute / 60),
        steady.map((s) => s.heap),
      ),
      restHandlers: { start: samples[0]?.restHandlers ?? 0, end: samples.at(-1)?.restHandlers ?? 0 },
      wallSeconds: (performance.now() - t0) / 1000,
    };
  } finally {
    await discord.close();
    await numerai.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
