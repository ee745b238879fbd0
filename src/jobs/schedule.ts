import cron, { type ScheduledTask } from "node-cron";
import type { AppContext } from "../context.js";
import { runScoreSync } from "./sync-scores.js";

export interface Scheduler {
  readonly tasks: ReadonlyMap<string, ScheduledTask>;
  /** Next run of each job, for /admin status. */
  nextRuns(): Record<string, Date | null>;
  /** Stops the timers and waits for running jobs to finish. */
  stop(): Promise<void>;
}

/** Wires every cron job: UTC, named, never overlapping itself. */
export function startScheduler(ctx: AppContext): Scheduler {
  const inFlight = new Set<Promise<unknown>>();
  const track = (p: Promise<unknown>) => {
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
    return p;
  };
  const tasks = new Map<string, ScheduledTask>();
  tasks.set(
    "sync-scores",
    cron.schedule(ctx.config.syncCron, ({ date }) => track(runScoreSync(ctx, date)), {
      name: "sync-scores",
      timezone: "UTC",
      noOverlap: true,
    }),
  );
  ctx.logger.info({ jobs: [...tasks.keys()], syncCron: ctx.config.syncCron }, "scheduler started");
  return {
    tasks,
    nextRuns: () => Object.fromEntries([...tasks].map(([name, t]) => [name, t.getNextRun()])),
    async stop() {
      for (const t of tasks.values()) await t.stop();
      await Promise.allSettled([...inFlight]);
    },
  };
}
