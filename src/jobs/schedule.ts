import cron, { type ScheduledTask } from "node-cron";
import type { AppContext } from "../context.js";
import type { DiscordDelivery } from "../discord/delivery.js";
import { ALERTS_CRON, runAlerts } from "./alerts.js";
import { runScoreSync } from "./sync-scores.js";
import { runSeriesWarmup, WARM_SERIES_CRON } from "./warm-series.js";
import { runDigestDispatch, SINGLE_SHARD, type ShardInfo } from "./weekly-digest.js";

export interface Scheduler {
  readonly tasks: ReadonlyMap<string, ScheduledTask>;
  /** Next run of each job, for /admin status. */
  nextRuns(): Record<string, Date | null>;
  /** Stops the timers and waits for running jobs to finish. */
  stop(): Promise<void>;
}

/** The digest dispatcher looks for due subscriptions this often. */
export const DIGEST_DISPATCH_CRON = "*/5 * * * *";

export interface SchedulerOptions {
  /**
   * The shards this process runs (discord.js `client.shard`; default shard 0 of 1). Jobs that
   * must run once per deployment (the score sync) run only on shard 0; the digest dispatcher
   * runs on every shard and takes only that shard's subscriptions.
   */
  readonly shard?: ShardInfo;
  /** Where digests and alerts are posted; without it (shell, no token) neither job is scheduled. */
  readonly digest?: { readonly discord: DiscordDelivery };
}

/** Wires every cron job: UTC, named, never overlapping itself. */
export function startScheduler(ctx: AppContext, options: SchedulerOptions = {}): Scheduler {
  const shard = options.shard ?? SINGLE_SHARD;
  const inFlight = new Set<Promise<unknown>>();
  const track = (p: Promise<unknown>) => {
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
    return p;
  };
  const tasks = new Map<string, ScheduledTask>();
  const warmSeries = (now: Date) => track(runSeriesWarmup(ctx, now));
  if (shard.ids.includes(0)) {
    tasks.set(
      "sync-scores",
      // New scores invalidate the cached series of their models: read them again now, not on the next command.
      cron.schedule(ctx.config.syncCron, ({ date }) => track(runScoreSync(ctx, date).then(() => warmSeries(new Date()))), {
        name: "sync-scores",
        timezone: "UTC",
        noOverlap: true,
      }),
    );
  }
  // Every shard has its own cache; the minute's tick sees writes by other processes.
  tasks.set("warm-series", cron.schedule(WARM_SERIES_CRON, ({ date }) => warmSeries(date), { name: "warm-series", timezone: "UTC", noOverlap: true }));
  void warmSeries(new Date());
  const digest = options.digest;
  if (digest) {
    const dispatch = (now: Date) => track(runDigestDispatch({ ...ctx, discord: digest.discord, shard }, now));
    tasks.set(
      "digest-dispatch",
      cron.schedule(DIGEST_DISPATCH_CRON, ({ date }) => dispatch(date), { name: "digest-dispatch", timezone: "UTC", noOverlap: true }),
    );
    // Catch-up once at start: a week missed while the bot was down goes out now, not at the next tick.
    void dispatch(new Date());
    if (shard.ids.includes(0)) {
      // Alerts go through REST, which any shard reaches: one checker per deployment, on shard 0.
      tasks.set(
        "alerts",
        cron.schedule(ALERTS_CRON, ({ date }) => track(runAlerts({ ...ctx, discord: digest.discord }, date)), { name: "alerts", timezone: "UTC", noOverlap: true }),
      );
    }
  }
  ctx.logger.info({ jobs: [...tasks.keys()], syncCron: ctx.config.syncCron, shard }, "scheduler started");
  return {
    tasks,
    nextRuns: () => Object.fromEntries([...tasks].map(([name, t]) => [name, t.getNextRun()])),
    async stop() {
      for (const t of tasks.values()) await t.stop();
      await Promise.allSettled([...inFlight]);
    },
  };
}
