import type { AppContext } from "../context.js";
import { syncOutcome, type SyncResult } from "../services/ingestion.js";
import { AlreadyRunningError } from "../errors.js";

/**
 * The scheduled score sync. Idempotent (upserts); never overlaps itself (the ingestion service
 * refuses a second concurrent sync, and the cron task has noOverlap).
 */
export async function runScoreSync(ctx: Pick<AppContext, "services" | "logger">, now: Date): Promise<SyncResult | null> {
  const log = ctx.logger.child({ job: "sync-scores", at: now.toISOString() });
  log.info("score sync starting");
  try {
    const result = await ctx.services.ingestion.sync({ requestedBy: "scheduler" });
    const outcome = syncOutcome(result);
    const fields = { rows: result.rowsWritten, models: result.models, failures: result.failures.length };
    if (outcome === "succeeded") log.info(fields, "score sync done");
    else if (outcome === "partial") log.warn(fields, "score sync done, some models failed");
    else log.error(fields, "score sync failed for every model");
    return result;
  } catch (err) {
    if (err instanceof AlreadyRunningError) {
      log.warn("a sync is still running; this run is skipped");
      return null;
    }
    log.error({ err }, "score sync failed");
    return null;
  }
}
