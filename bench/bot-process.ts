/**
 * The bot as its own process, for benchmarks that must not share an event loop (or a heap) with
 * the stand-ins: a stand-in Discord answering in the same loop as the bot would be stalled by the
 * bot's work and misreport latency, and its recordings would count as the bot's memory.
 *
 * `forkBot()` starts it (bench/interactions.ts, bench/soak.ts); the child is configured by the
 * environment (DATABASE_PATH, NUMERAI_API_URL, DISCORD_TOKEN, DISCORD_API_BASE, LOG_LEVEL) and
 * speaks over IPC, one request at a time:
 *   → { type: "sync", at }        runScoreSync at that instant     ← { type: "synced", rows, failures }
 *   → { type: "warm", at }        the series warm-up job, to the end ← { type: "warmed", models, read, full, ms }
 *   → { type: "digest", at }      one digest dispatcher run         ← { type: "digested", sent, failed }
 *   → { type: "subscribe", userIds, weekday, hour, at }  DM digest subscriptions  ← { type: "subscribed" }
 *   → { type: "memory" }          after a full GC                   ← { type: "memory", rss, heapUsed, external, restHandlers, restHashes }
 *   → { type: "stop" }            stop the bot, close the store     ← { type: "stopped" }
 *   ← { type: "ready" } once logged in; { type: "failed", message } if anything throws.
 */
import { fork } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { commands } from "../commands/index.js";
import { loadConfig } from "../src/config/env.js";
import { createAppContext } from "../src/context.js";
import { createDigestRepository } from "../src/db/repositories/digests.js";
import { startBot } from "../src/discord/bot.js";
import { createDiscordDelivery } from "../src/discord/delivery.js";
import { runDigestDispatch } from "../src/jobs/weekly-digest.js";
import { runScoreSync } from "../src/jobs/sync-scores.js";
import { runSeriesWarmup, type WarmSummary } from "../src/jobs/warm-series.js";
import { createLogger } from "../src/logger.js";

export type BotRequest =
  | { type: "sync"; at: string }
  | { type: "warm"; at: string }
  | { type: "digest"; at: string }
  | { type: "subscribe"; userIds: string[]; weekday: number; hour: number; at: string }
  | { type: "memory" }
  | { type: "stop" };

export type BotReply =
  | { type: "ready" }
  | { type: "synced"; rows: number; failures: number }
  | ({ type: "warmed" } & WarmSummary)
  | { type: "digested"; sent: number; failed: number }
  | { type: "subscribed" }
  | { type: "memory"; rss: number; heapUsed: number; external: number; restHandlers: number; restHashes: number }
  | { type: "stopped" }
  | { type: "failed"; message: string };

const CHILD_FLAG = "MODELFOLIO_BENCH_BOT_PROCESS";

export interface BotProcess {
  readonly pid: number;
  request(req: BotRequest): Promise<BotReply>;
  /** Error-level log lines the bot wrote (JSON, from its stderr). */
  readonly errorLines: string[];
  stop(): Promise<void>;
}

/** RENDER_WORKERS and glibc's MALLOC_* tunables, from this process's environment when set. */
function passThrough(): Record<string, string> {
  return Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined && /^(RENDER_WORKERS|MALLOC_\w+_?)$/.test(e[0])));
}

/** Forks the bot with `env` and resolves once it is logged in to the (stand-in) Discord. */
export async function forkBot(env: Record<string, string>): Promise<BotProcess> {
  const root = fileURLToPath(new URL("..", import.meta.url));
  const tsx = pathToFileURL(join(root, "node_modules/tsx/dist/loader.mjs")).href;
  const child = fork(fileURLToPath(import.meta.url), [], {
    // BENCH_BOT_CPU_PROF=DIR writes the bot's CPU profile there (open it in Chrome's DevTools) when it stops.
    execArgv: ["--import", tsx, ...(process.env.BENCH_BOT_CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_BOT_CPU_PROF}`] : [])],
    // RENDER_WORKERS and MALLOC_* pass through, so a bench can be run with and without the render pool.
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...passThrough(), ...env, [CHILD_FLAG]: "1" },
    stdio: ["ignore", "inherit", "pipe", "ipc"],
  });
  const errorLines: string[] = [];
  let buffered = "";
  child.stderr?.on("data", (d: Buffer) => {
    buffered += d.toString("utf8");
    const lines = buffered.split("\n");
    buffered = lines.pop() ?? "";
    for (const line of lines) if (/"level":(50|60)/.test(line) || !line.startsWith("{")) errorLines.push(line);
  });
  const next = () =>
    new Promise<BotReply>((resolve, reject) => {
      const onMessage = (m: BotReply) => {
        child.off("exit", onExit);
        if (m.type === "failed") reject(new Error(`bot process: ${m.message}`));
        else resolve(m);
      };
      const onExit = (code: number | null) => {
        child.off("message", onMessage);
        reject(new Error(`bot process exited (${code}) ${errorLines.join("\n")}`));
      };
      child.once("message", onMessage);
      child.once("exit", onExit);
    });
  await next();
  return {
    pid: child.pid ?? -1,
    errorLines,
    request(req) {
      const reply = next();
      child.send(req);
      return reply;
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      const reply = next();
      child.send({ type: "stop" } satisfies BotRequest);
      await reply;
      await exited;
    },
  };
}

function send(reply: BotReply): void {
  process.send?.(reply);
}

async function main(): Promise<void> {
  // A full collection before each memory sample, so the heap figure is live data, not garbage.
  setFlagsFromString("--expose-gc");
  const gc = runInNewContext("gc") as () => void;
  const config = loadConfig(process.env, { createDirs: false });
  // The simulated clock: run records and job times follow the instants the driver sends.
  let now = Date.now();
  const ctx = createAppContext(config, createLogger(config.logLevel), { clock: () => new Date(now) });
  const bot = await startBot(ctx, commands, {
    clientOptions: {
      rest: { offset: 0, retries: 3, timeout: 5_000 },
      // The stand-in has no session limits; no 5 s wait between identifies.
      ws: { buildIdentifyThrottler: () => ({ waitForIdentify: () => Promise.resolve() }) },
    },
  });
  const delivery = createDiscordDelivery(bot.client.rest, { botUserId: bot.client.user?.id ?? null });
  const digests = createDigestRepository(ctx.store, config.numeraiTournament);

  process.on("message", (raw: BotRequest) => {
    const handle = async (): Promise<BotReply> => {
      switch (raw.type) {
        case "sync": {
          now = Date.parse(raw.at);
          const result = await runScoreSync(ctx, new Date(now));
          return { type: "synced", rows: result?.rowsWritten ?? -1, failures: result?.failures.length ?? -1 };
        }
        case "warm": {
          now = Date.parse(raw.at);
          return { type: "warmed", ...(await runSeriesWarmup(ctx, new Date(now))) };
        }
        case "digest": {
          now = Date.parse(raw.at);
          const summary = await runDigestDispatch({ ...ctx, discord: delivery }, new Date(now));
          return { type: "digested", sent: summary.sent, failed: summary.failed };
        }
        case "subscribe": {
          now = Date.parse(raw.at);
          for (const userId of raw.userIds) {
            digests.subscribe({ kind: "dm", discordUserId: userId, guildId: null, channelId: null, weekday: raw.weekday, hour: raw.hour, timezone: "UTC" }, new Date(now));
          }
          return { type: "subscribed" };
        }
        case "memory": {
          gc();
          const m = process.memoryUsage();
          // discord.js keeps a REST handler per route and token, swept hourly by real time: counted, since an accelerated run never reaches the sweep.
          return { type: "memory", rss: m.rss, heapUsed: m.heapUsed, external: m.external, restHandlers: bot.client.rest.handlers.size, restHashes: bot.client.rest.hashes.size };
        }
        case "stop": {
          await bot.stop();
          await ctx.close();
          return { type: "stopped" };
        }
      }
    };
    handle().then(
      (reply) => {
        send(reply);
        if (reply.type === "stopped") process.disconnect();
      },
      (err: unknown) => send({ type: "failed", message: err instanceof Error ? (err.stack ?? err.message) : String(err) }),
    );
  });
  send({ type: "ready" });
}

if (process.env[CHILD_FLAG] === "1") {
  main().catch((err: unknown) => {
    send({ type: "failed", message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
    process.exitCode = 1;
    process.disconnect();
  });
}
