/**
 * Refresh-ahead for the series cache (src/services/series.ts): reads every registered model that
 * the cache does not hold current — at start-up, right after a sync in this process, and every
 * minute for writes by another process (a shard's sync, a CLI import) — so a crowd of commands
 * finds its series in memory instead of each paying a cold read on the main thread (issue 13:
 * cold reads were ~40% of a burst). Models go in slices with a turn of the event loop between,
 * so interactions are answered meanwhile; it never drops what the cache holds to make room.
 * Idempotent: a run with nothing written since the last reads only the version rows.
 */
import { setImmediate as nextTurn } from "node:timers/promises";
import type { AppContext } from "../context.js";

/** Every minute: one query over the registered models' versions when nothing changed. */
export const WARM_SERIES_CRON = "* * * * *";

/** Models read between two turns of the event loop: ~1–2 ms each, so a command waits at most a few tens of ms. */
export const WARM_SLICE = 16;

export interface WarmSummary {
  /** Registered models considered. */
  readonly models: number;
  /** Models read from the store (new, or written since they were cached). */
  readonly read: number;
  /** Stopped because the cache had no room for more without dropping entries. */
  readonly full: boolean;
  readonly ms: number;
}

// One run at a time per cache: a run asked for while one is going joins it (a sync's warm-up and the minute's tick).
const running = new WeakMap<object, Promise<WarmSummary>>();

export function runSeriesWarmup(ctx: Pick<AppContext, "services" | "logger">, now: Date, options: { slice?: number } = {}): Promise<WarmSummary> {
  const { series } = ctx.services;
  const inFlight = running.get(series);
  if (inFlight) return inFlight;
  const run = warm(ctx, now, options.slice ?? WARM_SLICE).finally(() => running.delete(series));
  running.set(series, run);
  return run;
}

async function warm(ctx: Pick<AppContext, "services" | "logger">, now: Date, slice: number): Promise<WarmSummary> {
  const started = performance.now();
  const log = ctx.logger.child({ job: "warm-series", at: now.toISOString() });
  const ids = ctx.services.repos.registrations.registeredModels().map((m) => m.id);
  let read = 0;
  let full = false;
  try {
    for (let i = 0; i < ids.length && !full; i += slice) {
      const done = ctx.services.series.warm(ids.slice(i, i + slice));
      read += done.read;
      full = done.full;
      await nextTurn();
    }
  } catch (err) {
    // A failed read leaves the cache as it was (commands read for themselves); the next tick tries again.
    log.error({ err, read }, "series warm-up failed");
  }
  const summary = { models: ids.length, read, full, ms: Math.round(performance.now() - started) };
  // Quiet when nothing changed: a full cache stays full minute after minute.
  if (read > 0) log.info(summary, full ? "series cache warmed until full" : "series cache warmed");
  return summary;
}
