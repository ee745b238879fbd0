/**
 * Interaction latency under a burst: 200 slash commands dispatched at once through the stand-in
 * Discord to the bot (a real discord.js client, in its own process as in production), against a
 * store of 2,000 models × 1,000 rounds (200 users with 10 models each). Mix: /correlation,
 * /contribution, /performance, /models list, one per user. Figures: time to acknowledgement
 * (Discord drops an interaction not acknowledged within 3 s; the stand-in does too) and time to
 * the final reply, both from the moment the gateway event is sent to the moment the bot's request
 * reaches the stand-in.
 */
import { ChannelType } from "discord.js";
import { copyFileSync, existsSync, mkdtempSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { openDatabase } from "../src/db/open.js";
import { createModelRepository, createRegistrationRepository } from "../src/db/repositories/models.js";
import { createScoreWriter, type RoundRecord } from "../src/db/repositories/scores.js";
import { gaussian, mulberry32 } from "../src/random.js";
import { startFakeDiscord, type FakeDiscord, type InteractionHandle } from "../test/helpers/fake-discord/index.js";
import { startFakeNumerai } from "../test/helpers/fake-numerai.js";
import { forkBot, type BotProcess } from "./bot-process.js";

const GUILD = "500000000000000001";
const CHANNEL = "500000000000000002";
export const ACK_LIMIT_MS = 3000;

export interface SeedFigures {
  models: number;
  rounds: number;
  scoreRows: number;
  seconds: number;
  /** True when the store came from the cache of an earlier run (then `seconds` is the copy). */
  cached: boolean;
}

/** Bump when seedLargeStore writes different data, so an old cached file is not reused. */
const SEED_VERSION = 2;

/**
 * The seeded store for these parameters at `path`: copied from a cache in the temp folder when an
 * earlier run made it (seeding 4M rows takes most of a minute), else seeded and cached.
 */
export function seededStore(path: string, users: number, modelsPerUser: number, rounds: number): SeedFigures {
  const cache = join(tmpdir(), `modelfolio-bench-seed-v${SEED_VERSION}-${users}x${modelsPerUser}x${rounds}.db`);
  if (existsSync(cache)) {
    const t0 = performance.now();
    copyFileSync(cache, path);
    return { models: users * modelsPerUser, rounds, scoreRows: users * modelsPerUser * rounds * 2, seconds: (performance.now() - t0) / 1000, cached: true };
  }
  const figures = seedLargeStore(path, users, modelsPerUser, rounds);
  copyFileSync(path, `${cache}.partial`);
  renameSync(`${cache}.partial`, cache);
  return figures;
}

/** Deterministic standard normals: the same store on every run. */
function normals(seed: number): () => number {
  return gaussian(mulberry32(seed));
}

export const userId = (u: number) => `4000000000${String(u).padStart(8, "0")}`;

/**
 * `users × modelsPerUser` models with `rounds` rounds each (canon_corr, canon_mmc and the round's
 * facts), written through the real score writer in per-model transactions, as a backfill would.
 * Models of one user share one of a few factors, so their correlations are realistic.
 */
export function seedLargeStore(path: string, users: number, modelsPerUser: number, rounds: number, lastRound = 1190): SeedFigures {
  const t0 = performance.now();
  const store = openDatabase(path);
  const models = createModelRepository(store.db, 8);
  const regs = createRegistrationRepository(store.db, 8);
  const writer = createScoreWriter(store.sqlite, 8);
  const normal = normals(2026);
  const firstRound = lastRound - rounds + 1;
  const factors = Array.from({ length: 4 }, () => Float64Array.from({ length: rounds }, () => normal()));
  const dates = Array.from({ length: rounds }, (_, t) => new Date(Date.UTC(2022, 0, 1) + t * 86_400_000));
  let scoreRows = 0;
  for (let u = 0; u < users; u++) {
    for (let k = 0; k < modelsPerUser; k++) {
      const m = u * modelsPerUser + k;
      const id = `bench-${String(m).padStart(6, "0")}`;
      const factor = factors[m % factors.length] as Float64Array;
      const loading = 0.3 + 0.6 * ((m * 7919) % 100) / 100;
      const records: RoundRecord[] = new Array<RoundRecord>(rounds);
      for (let t = 0; t < rounds; t++) {
        const round = firstRound + t;
        const corr = 0.004 + 0.015 * (loading * (factor[t] as number) + (1 - loading) * normal());
        const mmc = 0.001 + 0.008 * (loading * (factor[(t + 7) % rounds] as number) + (1 - loading) * normal());
        const resolved = round <= lastRound - 25;
        const date = dates[t] as Date;
        records[t] = {
          roundNumber: round,
          openTime: date,
          resolveTime: null,
          resolved,
          atRisk: "100.000000000000000000",
          corrMultiplier: round >= 1175 ? 0.75 : 0.5,
          mmcMultiplier: round >= 1175 ? 2.25 : 2,
          payoutFactor: "0.092000000000000000",
          payoutPending: null,
          payoutSettled: null,
          target: null,
          scores: [
            { name: "canon_corr", value: corr, percentile: null, day: 20, date, resolved },
            { name: "canon_mmc", value: mmc, percentile: null, day: 20, date, resolved },
          ],
        };
      }
      scoreRows += writer.writeBatch(() => {
        models.upsertVerified(id, `model_${m}`);
        regs.add(userId(u), id);
        return writer.writeRounds(id, records);
      });
    }
  }
  // Checkpointed and closed: the file alone is the whole store (it is copied as the cache).
  store.close();
  return { models: users * modelsPerUser, rounds, scoreRows, seconds: (performance.now() - t0) / 1000, cached: false };
}

export interface LatencyFigures {
  p50: number;
  p99: number;
  max: number;
}

/** One burst of `interactions` commands at once against one bot. */
export interface BurstFigures {
  interactions: number;
  ackMs: LatencyFigures;
  /** Interactions whose acknowledgement Discord accepted and that got their answer. */
  delivered: number;
  /** Over the delivered ones. */
  finalMs: LatencyFigures;
  finalByCommand: Record<string, LatencyFigures>;
  /** Interactions acknowledged later than Discord's 3 s (the stand-in then refuses them, as Discord does). */
  lateAcks: number;
  /** Interactions that got no reply within a minute. */
  unanswered: number;
  /** Final replies that were an error message instead of an answer. */
  errorReplies: number;
  /** From the first dispatch to the last final reply. */
  wallMs: number;
  /** Error-level lines in the bot's log during the run, and the first few of them. */
  botErrorLines: number;
  botErrorSample: string[];
}

export interface InteractionFigures {
  seed: SeedFigures;
  /** A bot just started, nothing read yet: every analysis reads its models from the store. */
  cold: BurstFigures;
  /** A running bot after its series warm-up job (src/jobs/warm-series.ts): how it usually meets a crowd. */
  warm: BurstFigures & { warmup: { models: number; read: number; full: boolean; ms: number } };
}

/** Nearest-rank percentile of ascending `sorted`. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}

export function latency(values: readonly number[]): LatencyFigures {
  const sorted = [...values].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1) ?? NaN };
}

type Mix = { name: string; subcommand?: string };
const MIX: readonly Mix[] = [{ name: "correlation" }, { name: "contribution" }, { name: "performance" }, { name: "models", subcommand: "list" }];

interface Outcome {
  ackMs: number;
  finalMs: number;
  text: string;
  /** The stand-in accepted the acknowledgement (a late one gets 404 Unknown interaction, as from Discord). */
  accepted: boolean;
}

/** The callback, and for a deferred reply the first edit of @original: what the user sees as the answer. Null: no answer in time. */
async function finalReply(handle: InteractionHandle, timeoutMs: number): Promise<Outcome | null> {
  try {
    const callback = await handle.awaitResponse(timeoutMs);
    const accepted = callback.call.status >= 200 && callback.call.status < 300;
    const type = (callback.call.json as { type?: number } | undefined)?.type;
    const final = type === 5 && accepted ? await handle.awaitEdit(1, timeoutMs) : callback;
    return { ackMs: callback.atMs, finalMs: final.atMs, text: JSON.stringify(final.call.json ?? ""), accepted };
  } catch {
    return null;
  }
}

async function withBot<T>(env: Record<string, string>, use: (bot: BotProcess) => Promise<T>): Promise<T> {
  const bot = await forkBot(env);
  try {
    return await use(bot);
  } finally {
    await bot.stop();
  }
}

/** One warm-up command per kind (JIT, prepared statements, fonts; not counted), then `count` at once. */
async function burst(bot: BotProcess, discord: FakeDiscord, count: number, users: number): Promise<BurstFigures> {
  for (const [i, mix] of MIX.entries()) {
    const warm = await finalReply(discord.sendInteraction(discord.chatInput({ ...mix, guildId: GUILD, user: userId(i) })), 30_000);
    if (!warm?.accepted) throw new Error(`warm-up /${mix.name} got no reply: ${bot.errorLines.slice(0, 3).join("\n")}`);
  }
  const errorsBefore = bot.errorLines.length;
  const started = performance.now();
  const handles = Array.from({ length: count }, (_, i) => {
    const mix = MIX[i % MIX.length] as Mix;
    return { mix, handle: discord.sendInteraction(discord.chatInput({ ...mix, guildId: GUILD, user: userId(i % users) })) };
  });
  const outcomes = await Promise.all(handles.map(async ({ mix, handle }) => ({ mix, outcome: await finalReply(handle, 60_000) })));
  const wallMs = performance.now() - started;
  const results = outcomes.flatMap(({ mix, outcome }) => (outcome ? [{ mix, ...outcome }] : []));
  const byCommand: Record<string, number[]> = {};
  // A reply only counts where Discord took the acknowledgement; a refused one never reaches the user.
  const delivered = results.filter((r) => r.accepted);
  for (const r of delivered) (byCommand[r.mix.name] ??= []).push(r.finalMs);
  const errors = bot.errorLines.slice(errorsBefore);
  return {
    interactions: count,
    ackMs: latency(results.map((r) => r.ackMs)),
    delivered: delivered.length,
    finalMs: latency(delivered.map((r) => r.finalMs)),
    finalByCommand: Object.fromEntries(Object.entries(byCommand).map(([k, v]) => [k, latency(v)])),
    lateAcks: results.filter((r) => r.ackMs > ACK_LIMIT_MS || !r.accepted).length,
    unanswered: count - results.length,
    errorReplies: results.filter((r) => /something went wrong|not answering properly/.test(r.text)).length,
    wallMs,
    botErrorLines: errors.length,
    botErrorSample: errors.slice(0, 3),
  };
}

export async function benchInteractions(
  opts: { users?: number; modelsPerUser?: number; rounds?: number; interactions?: number } = {},
): Promise<InteractionFigures> {
  const users = opts.users ?? 200;
  const modelsPerUser = opts.modelsPerUser ?? 10;
  const rounds = opts.rounds ?? 1000;
  const count = opts.interactions ?? 200;
  const dir = mkdtempSync(join(tmpdir(), "modelfolio-bench-interactions-"));
  const path = join(dir, "bench.db");
  const numerai = await startFakeNumerai({ models: [], currentRound: 1190 });
  const discord = await startFakeDiscord({
    guilds: [{ id: GUILD, name: "bench" }],
    channels: [{ id: CHANNEL, type: ChannelType.GuildText, guildId: GUILD, name: "general" }],
    users: Array.from({ length: users }, (_, u) => ({ id: userId(u) })),
  });
  try {
    const seed = seededStore(path, users, modelsPerUser, rounds);
    // The series cache sized to the store (2M model-rounds, ~120 MB), as the README advises: the warm-up then holds every model.
    const env = {
      DATABASE_PATH: path,
      NUMERAI_API_URL: numerai.url,
      DISCORD_TOKEN: discord.token,
      DISCORD_API_BASE: discord.restBase,
      LOG_LEVEL: "warn",
      SERIES_CACHE_ROUNDS: String(users * modelsPerUser * rounds),
    };
    const cold = await withBot(env, (bot) => burst(bot, discord, count, users));
    const warm = await withBot(env, async (bot) => {
      const reply = await bot.request({ type: "warm", at: new Date().toISOString() });
      if (reply.type !== "warmed") throw new Error(`warm-up answered ${reply.type}`);
      const { type: _, ...warmup } = reply;
      return { ...(await burst(bot, discord, count, users)), warmup };
    });
    return { seed, cold, warm };
  } finally {
    await discord.close();
    await numerai.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
const ms = (x: number) => `${fmt(x)} ms`;

/** The figures as printed by `npm run bench` (and by this file run alone); never asserted. */
export function interactionLines(figures: InteractionFigures): string[] {
  const l = (x: LatencyFigures) => `p50 ${ms(x.p50)}, p99 ${ms(x.p99)}, max ${ms(x.max)}`;
  const { seed, cold, warm } = figures;
  const burstLines = (b: BurstFigures) => {
    const list = b.finalByCommand.models;
    return [
      `    acknowledgement: ${l(b.ackMs)} (Discord's limit ${fmt(ACK_LIMIT_MS)} ms)`,
      `    final reply (${b.delivered} delivered): ${l(b.finalMs)} (target p99 ≤ 3,000 ms)`,
      `    /models list alone: ${list ? l(list) : "none delivered"} (target p99 ≤ 300 ms)`,
      ...Object.entries(b.finalByCommand).map(([name, x]) => `      /${name.padEnd(12)} ${l(x)}`),
      `    lost: ${b.interactions - b.delivered} (acknowledged late and refused: ${b.lateAcks}, no reply within 60 s: ${b.unanswered}), error replies: ${b.errorReplies}, ` +
        `bot error log lines: ${b.botErrorLines}${b.lateAcks + b.unanswered + b.errorReplies > 0 ? "  ← NOT GOOD ENOUGH" : ""}`,
      ...b.botErrorSample.map((line) => `      ${line.slice(0, 200)}`),
    ];
  };
  const w = warm.warmup;
  return [
    `Interactions (${cold.interactions} at once through the stand-in Discord; bot in its own process; ` +
      `${fmt(seed.models)} models × ${fmt(seed.rounds)} rounds, 10 per user)`,
    `  store: ${fmt(seed.scoreRows)} score rows ${seed.cached ? `copied from the cache of an earlier run in ${seed.seconds.toFixed(1)} s` : `written through the score writer in ${seed.seconds.toFixed(1)} s`}`,
    "  a bot just started, nothing read yet (every analysis reads its models from the store):",
    ...burstLines(cold),
    `  a running bot, after its series warm-up job (${fmt(w.read)} of ${fmt(w.models)} registered models read in ${fmt(w.ms)} ms${w.full ? ", stopped when the cache was full" : ""}):`,
    ...burstLines(warm),
  ];
}

// `npx tsx bench/interactions.ts`: this benchmark alone.
if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  for (const line of interactionLines(await benchInteractions())) console.log(line);
}
