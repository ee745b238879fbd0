/**
 * The alert job, hourly: checks every active alert subscription, then delivers each user's
 * occurrences as at most one message per UTC day, exactly once.
 *
 * Exactly once, as the digest does it (src/jobs/weekly-digest.ts, MonitoRSS's ledger shape):
 * an occurrence is written in the same transaction as the state change that found it, so a
 * re-run or a restart over the same file never finds it again; the user's day is planned (with
 * its occurrences attached) before anything is posted, claimed with a lease and attempts + 1,
 * looked for by its nonce when an earlier attempt may have posted, posted with `nonce` +
 * `enforce_nonce` (a 5xx after Discord applied the post, retried, hands back the first message),
 * and recorded as sent. Discord refusing the target (403, unknown channel) turns the user's
 * alerts off, which /alerts list shows. Rate limits (429) are waited out by discord.js itself.
 *
 * Sharding: alerts go through REST, which any shard can use, so only shard 0 schedules the job
 * (src/jobs/schedule.ts) and every alert has exactly one checker.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { Config } from "../config/env.js";
import type { Store } from "../db/open.js";
import { createAlertRepository, type AlertDelivery, type AlertRepository, type AlertSubscription } from "../db/repositories/alerts.js";
import { classifyDeliveryError, type DiscordDelivery, type PostedMessage } from "../discord/delivery.js";
import { renderAlertMessage } from "../discord/render/alerts.js";
import type { Logger } from "../logger.js";
import type { Services } from "../services/index.js";

/** Cron expression of the alert check: at minute 7 of every hour (away from the digest's minute 0). */
export const ALERTS_CRON = "7 * * * *";

export interface AlertSettings {
  /** Claims (one per run) before a day with only transient failures is failed. */
  readonly maxAttempts: number;
  /** Retries within one attempt after discord.js's own, with exponential backoff from `retryBaseMs`. */
  readonly retries: number;
  readonly retryBaseMs: number;
  readonly leaseMs: number;
}

export const DEFAULT_ALERT_SETTINGS: AlertSettings = { maxAttempts: 6, retries: 2, retryBaseMs: 2_000, leaseMs: 5 * 60_000 };

export interface AlertJobContext {
  readonly logger: Logger;
  readonly store: Store;
  readonly config: Pick<Config, "numeraiTournament">;
  readonly services: Pick<Services, "alerts">;
  readonly discord: DiscordDelivery;
  /** Defaults to the repository over `store` (tests wrap it to inject failures). */
  readonly alerts?: AlertRepository;
  readonly settings?: Partial<AlertSettings>;
}

export interface AlertRunSummary {
  readonly checked: number;
  readonly occurrences: number;
  readonly sent: number;
  readonly reconciled: number;
  readonly failed: number;
  readonly disabled: number;
  readonly retrying: number;
  readonly busy: number;
  readonly overlapped: boolean;
}

/**
 * The Discord nonce of a user's alert message of a day (≤ 25 characters): the user id in base 36
 * and the date, e.g. `alb2d4…-20260601`.
 */
export function alertNonce(userId: string, day: string): string {
  return `al${BigInt(userId).toString(36)}-${day.replace(/-/g, "")}`;
}

/** The UTC date of an instant, YYYY-MM-DD: the day "one message per day" counts. */
export function utcDay(now: Date): string {
  return now.toISOString().slice(0, 10);
}

const running = new WeakSet<Store>();

/** One run at `now`. Never throws for one user's failure: each is recorded and the rest go on. */
export async function runAlerts(ctx: AlertJobContext, now: Date): Promise<AlertRunSummary> {
  const counts = { checked: 0, occurrences: 0, sent: 0, reconciled: 0, failed: 0, disabled: 0, retrying: 0, busy: 0 };
  const log = ctx.logger.child({ job: "alerts", at: now.toISOString() });
  if (running.has(ctx.store)) {
    log.warn("an alert run is still going; this run is skipped");
    return { ...counts, overlapped: true };
  }
  running.add(ctx.store);
  const t0 = performance.now();
  const clock = () => new Date(now.getTime() + (performance.now() - t0));
  const settings = { ...DEFAULT_ALERT_SETTINGS, ...ctx.settings };
  const repo = ctx.alerts ?? createAlertRepository(ctx.store, ctx.config.numeraiTournament);
  try {
    log.info("alert run starting");
    // 1. Check: one user at a time, so the user's statistics are read once for all their kinds.
    const byUser = new Map<string, AlertSubscription[]>();
    for (const s of repo.listActive()) byUser.set(s.discordUserId, [...(byUser.get(s.discordUserId) ?? []), s]);
    for (const [userId, subs] of byUser) {
      try {
        counts.occurrences += ctx.services.alerts.check(subs, now).length;
        counts.checked += subs.length;
      } catch (err) {
        log.error({ err, userId }, "alert check failed");
      }
    }
    // 2. Plan today's message of every user with waiting occurrences (none while an earlier day is still planned).
    const day = utcDay(now);
    const pending = new Set(repo.planned().map((d) => d.discordUserId));
    for (const userId of repo.usersWithWaitingEvents()) {
      const target = byUser.get(userId)?.[0];
      if (!target || pending.has(userId)) continue;
      repo.plan({ discordUserId: userId, day, nonce: alertNonce(userId, day), target: target.target, channelId: target.channelId }, clock());
    }
    // 3. Deliver every planned row (today's, and any a crash or a transient failure left).
    for (const row of repo.planned()) {
      await deliver(row).catch((err: unknown) => log.error({ err, userId: row.discordUserId, day: row.day }, "alert delivery crashed"));
    }
    log.info({ ...counts, ms: Math.round(performance.now() - t0) }, "alert run done");
    return { ...counts, overlapped: false };
  } catch (err) {
    log.error({ err }, "alert run failed");
    return { ...counts, overlapped: false };
  } finally {
    running.delete(ctx.store);
  }

  async function deliver(planned: AlertDelivery): Promise<void> {
    const { discordUserId: userId, day } = planned;
    const dlog = log.child({ userId, day });
    const row = repo.claim(userId, day, clock(), settings.leaseMs);
    if (!row) {
      counts.busy++;
      return;
    }
    try {
      if (row.attempts > 1) {
        const found = await findEarlierPost(row);
        if (found) {
          repo.markSent(userId, day, found, clock());
          counts.reconciled++;
          dlog.info({ messageId: found.messageId }, "alert message was already posted by an earlier attempt; recorded");
          return;
        }
      }
      const message = ctx.services.alerts.messageOf(userId, day);
      const posted = await post(row, message);
      repo.markSent(userId, day, posted, clock());
      counts.sent++;
      dlog.info({ channelId: posted.channelId, messageId: posted.messageId, items: message.items.length }, "alert message sent");
    } catch (err) {
      fail(row, err, dlog);
    }
  }

  async function channelOf(row: AlertDelivery): Promise<string> {
    if (row.channelId) return row.channelId;
    const channelId = await ctx.discord.openDm(row.discordUserId);
    repo.recordChannel(row.discordUserId, row.day, channelId);
    return channelId;
  }

  async function findEarlierPost(row: AlertDelivery): Promise<PostedMessage | null> {
    const channelId = await channelOf(row);
    try {
      const messageId = await ctx.discord.findPosted(channelId, row.nonce, row.plannedAt);
      return messageId ? { channelId, messageId, threadId: null } : null;
    } catch (err) {
      // Without read access the nonce is the remaining guard; the post itself will tell if the target is gone.
      if (classifyDeliveryError(err).status === 403) return null;
      throw err;
    }
  }

  async function post(row: AlertDelivery, message: ReturnType<Services["alerts"]["messageOf"]>): Promise<PostedMessage> {
    const payload = renderAlertMessage(message, row.nonce);
    for (let attempt = 0; ; attempt++) {
      try {
        return await ctx.discord.postMessage(await channelOf(row), payload, row.nonce);
      } catch (err) {
        if (attempt >= settings.retries || classifyDeliveryError(err).action !== "retry") throw err;
        await sleep(settings.retryBaseMs * 2 ** attempt);
      }
    }
  }

  function fail(row: AlertDelivery, err: unknown, dlog: Logger): void {
    const f = classifyDeliveryError(err);
    const { discordUserId: userId, day } = row;
    try {
      if (f.action === "disable") {
        repo.markFailed(userId, day, f.reason, clock());
        repo.disableUser(userId, f.reason, clock());
        counts.disabled++;
        dlog.warn({ failure: f.failure, internal: f.internal, status: f.status, code: f.code }, "Discord refused the alert message; the user's alerts are turned off");
      } else if (f.action === "fail" || row.attempts >= settings.maxAttempts) {
        repo.markFailed(userId, day, f.action === "fail" ? f.reason : `gave up after ${row.attempts} attempts: ${f.reason}`, clock());
        counts.failed++;
        dlog.error({ err, failure: f.failure, internal: f.internal, status: f.status, code: f.code }, "alert delivery failed");
      } else {
        repo.release(userId, day, f.reason);
        counts.retrying++;
        dlog.warn({ err, failure: f.failure, internal: f.internal, attempts: row.attempts }, "alert delivery failed for now; the next run retries");
      }
    } catch (ledgerErr) {
      dlog.error({ err: ledgerErr, cause: err }, "could not record the alert failure");
    }
  }
}
