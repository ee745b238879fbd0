/**
 * The digest dispatcher: every few minutes, finds the subscriptions whose weekly time has come
 * and delivers each week exactly once.
 *
 * Exactly once, step by step (MonitoRSS's delivery-ledger shape):
 * 1. plan — the (subscription, week) row is written as `planned` before anything is posted;
 * 2. claim — attempts + 1 and a lease, in one guarded UPDATE (a second process or an overlapping
 *    run cannot take the same row);
 * 3. reconcile — if an earlier attempt may have posted (attempts > 1), look for that post first:
 *    the message whose footer/nonce carries the row's reference, or the forum thread by title;
 * 4. post — with `nonce` + `enforce_nonce` (Discord hands back the first message for a repeat);
 * 5. record — `sent` with the message id; a refusal disables the subscription (`failed`), a
 *    transient error releases the claim for the next run, a week too late is `skipped`.
 * A crash between 4 and 5 leaves a planned row with attempts ≥ 1: the next run reconciles it.
 *
 * Sharding: a guild's digest is dispatched by the shard that owns the guild
 * ((guild_id >> 22) % shardCount), DMs by shard 0 — so with N shard processes each digest has
 * exactly one dispatcher.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { Config } from "../config/env.js";
import type { Store } from "../db/open.js";
import { createDigestRepository, type DigestRepository, type Delivery, type Subscription } from "../db/repositories/digests.js";
import { classifyDeliveryError, digestNonce, digestThreadTitle, type DiscordDelivery, type PostedMessage } from "../discord/delivery.js";
import { renderDisabledNotice, renderServerDigest, renderWeeklyDigest, serverDigestMarkdown } from "../discord/render/digest.js";
import type { MessagePayload } from "../discord/render/payload.js";
import type { Logger } from "../logger.js";
import { DIGEST_BATCH_SIZE } from "../services/digest/loader.js";
import { DAY_MS, latestOccurrence, previousOccurrence } from "../services/digest/schedule.js";
import type { ServerDigest } from "../services/digest/server.js";
import type { DigestRun } from "../services/digest/service.js";
import { createDiscourseSink, discourseConfigFrom, type DiscourseSink } from "../services/discourse.js";
import type { Services } from "../services/index.js";

/** Which shards this process runs (discord.js: `client.shard?.ids`, `client.shard?.count`). */
export interface ShardInfo {
  readonly ids: readonly number[];
  readonly count: number;
}

export const SINGLE_SHARD: ShardInfo = { ids: [0], count: 1 };

/** Discord's shard formula: (guild_id >> 22) % shardCount. */
export function shardOfGuild(guildId: string, shardCount: number): number {
  return Number((BigInt(guildId) >> 22n) % BigInt(shardCount));
}

/** Whether this process dispatches the subscription: its guild's shard, or shard 0 for DMs. */
export function ownsSubscription(sub: Pick<Subscription, "kind" | "guildId">, shard: ShardInfo): boolean {
  if (sub.kind === "dm" || !sub.guildId) return shard.ids.includes(0);
  return shard.ids.includes(shardOfGuild(sub.guildId, shard.count));
}

/** The keys of `Config` (src/config/env.ts) the dispatcher reads; optional, so a caller passes only what it sets. */
export type DigestConfigKeys = Partial<
  Pick<Config, "digestCatchupDays" | "digestConcurrency" | "discourseUrl" | "discourseApiKey" | "discourseUsername" | "discourseCategory">
>;

export interface DigestSettings {
  /** A week not delivered within this many days of its time is skipped. */
  readonly catchUpDays: number;
  /** Deliveries in flight at once (discord.js's queue paces them further). */
  readonly concurrency: number;
  /** Claims (one per dispatcher run) before a week with only transient failures is failed. */
  readonly maxAttempts: number;
  /** Retries within one attempt after discord.js's own, with exponential backoff from `retryBaseMs`. */
  readonly retries: number;
  readonly retryBaseMs: number;
  /** How long a claim holds before another process may take the row. */
  readonly leaseMs: number;
  /** How many earlier missed weeks are recorded as skipped. */
  readonly maxMissedWeeks: number;
  /** Subscribers whose registrations are read together and whose digests are built in one stretch. */
  readonly batchSize: number;
}

export const DEFAULT_DIGEST_SETTINGS: DigestSettings = {
  catchUpDays: 3,
  concurrency: 4,
  maxAttempts: 6,
  retries: 2,
  retryBaseMs: 2_000,
  leaseMs: 5 * 60_000,
  maxMissedWeeks: 8,
  batchSize: DIGEST_BATCH_SIZE,
};

export function digestSettingsFrom(config: DigestConfigKeys, overrides: Partial<DigestSettings> = {}): DigestSettings {
  return {
    ...DEFAULT_DIGEST_SETTINGS,
    ...(config.digestCatchupDays !== undefined ? { catchUpDays: config.digestCatchupDays } : {}),
    ...(config.digestConcurrency !== undefined ? { concurrency: config.digestConcurrency } : {}),
    ...overrides,
  };
}

export interface DigestDispatchContext {
  readonly logger: Logger;
  readonly store: Store;
  readonly config: Pick<Config, "numeraiTournament"> & DigestConfigKeys;
  readonly services: Pick<Services, "digest">;
  readonly discord: DiscordDelivery;
  readonly shard?: ShardInfo;
  /** Defaults to the repository over `store` (tests wrap it to inject failures). */
  readonly digests?: DigestRepository;
  /** Defaults to the sink the DISCOURSE_* keys configure (null: off). */
  readonly discourse?: DiscourseSink | null;
  readonly settings?: Partial<DigestSettings>;
}

export interface DispatchSummary {
  /** Weeks this run looked at (due now, or planned and unfinished). */
  readonly due: number;
  readonly sent: number;
  /** Found already posted by an earlier attempt, and recorded. */
  readonly reconciled: number;
  readonly skipped: number;
  readonly failed: number;
  readonly disabled: number;
  /** Transient failures, left for the next run. */
  readonly retrying: number;
  /** Held by another claim. */
  readonly busy: number;
  /** True when another run on this store was still going, so this one did nothing. */
  readonly overlapped: boolean;
}

interface WorkItem {
  readonly sub: Subscription;
  readonly week: string;
  readonly at: Date;
}

const running = new WeakSet<Store>();

const where = (sub: Subscription) => (sub.kind === "dm" ? "your direct messages" : `<#${sub.channelId ?? "?"}>`);

/**
 * One dispatcher run at `now` (the test clock; lease and ledger times advance from it by real
 * elapsed time). Never throws for one subscription's failure: each is recorded and the rest go on.
 */
export async function runDigestDispatch(ctx: DigestDispatchContext, now: Date): Promise<DispatchSummary> {
  const counts = { due: 0, sent: 0, reconciled: 0, skipped: 0, failed: 0, disabled: 0, retrying: 0, busy: 0 };
  const log = ctx.logger.child({ job: "weekly-digest", at: now.toISOString() });
  if (running.has(ctx.store)) {
    log.warn("a digest run is still going; this run is skipped");
    return { ...counts, overlapped: true };
  }
  running.add(ctx.store);
  const t0 = performance.now();
  const clock = () => new Date(now.getTime() + (performance.now() - t0));
  const settings = digestSettingsFrom(ctx.config, ctx.settings);
  const shard = ctx.shard ?? SINGLE_SHARD;
  const repo = ctx.digests ?? createDigestRepository(ctx.store, ctx.config.numeraiTournament);
  const discourseConfig = discourseConfigFrom(ctx.config);
  const discourse = ctx.discourse !== undefined ? ctx.discourse : discourseConfig ? createDiscourseSink(discourseConfig) : null;
  const catchUpMs = settings.catchUpDays * DAY_MS;

  try {
    log.info({ shard }, "digest dispatch starting");
    const subs = repo.listActive().filter((s) => ownsSubscription(s, shard));
    const work: WorkItem[] = [];
    const queued = new Set<string>();
    const lastWeeks = repo.latestWeeks(subs.map((s) => s.id));
    for (const sub of subs) {
      const latest = latestOccurrence(now, sub);
      if (latest.at.getTime() < sub.activeFrom.getTime()) continue;
      // Weeks missed while nothing ran: recorded as skipped, never sent late (only the latest is).
      const last = lastWeeks.get(sub.id);
      let prev = previousOccurrence(latest, sub);
      for (let i = 0; i < settings.maxMissedWeeks && prev.at.getTime() >= sub.activeFrom.getTime() && (last === undefined || prev.week > last); i++) {
        const detail = "missed while the bot was not running; only the latest week is sent";
        if (repo.markSkipped({ subscriptionId: sub.id, week: prev.week, scheduledFor: prev.at, nonce: digestNonce(sub.id, prev.week) }, detail, clock())) counts.skipped++;
        prev = previousOccurrence(prev, sub);
      }
      const row = repo.getDelivery(sub.id, latest.week);
      if (row && row.status !== "planned") continue;
      if (!row && now.getTime() - latest.at.getTime() > catchUpMs) {
        const detail = `not sent within ${settings.catchUpDays} days of its time (the bot was not running)`;
        if (repo.markSkipped({ subscriptionId: sub.id, week: latest.week, scheduledFor: latest.at, nonce: digestNonce(sub.id, latest.week) }, detail, clock())) counts.skipped++;
        continue;
      }
      work.push({ sub, week: latest.week, at: latest.at });
      queued.add(`${sub.id}/${latest.week}`);
    }
    // Unfinished rows from earlier runs (a crash, a transient failure): reconcile or retry them.
    const byId = new Map(subs.map((s) => [s.id, s]));
    for (const row of repo.planned(subs.map((s) => s.id))) {
      const sub = byId.get(row.subscriptionId);
      if (sub && !queued.has(`${sub.id}/${row.week}`)) work.push({ sub, week: row.week, at: row.scheduledFor });
    }
    counts.due = work.length;
    if (work.length === 0) {
      log.info({ ...counts }, "no digest due");
      return { ...counts, overlapped: false };
    }

    let done = 0;
    let lastProgress = performance.now();
    // One reader for the run: each model's series is read once (within its memory bound) and
    // shared by every subscriber who has it; registrations are read a batch at a time.
    const run = ctx.services.digest.startRun();
    for (let b = 0; b < work.length; b += settings.batchSize) {
      const batch = work.slice(b, b + settings.batchSize);
      run.prepare(batch.filter((w) => w.sub.kind === "dm").map((w) => w.sub.discordUserId));
      let next = 0;
      const worker = async () => {
        while (next < batch.length) {
          const item = batch[next++] as WorkItem;
          await deliver(item, run).catch((err: unknown) => log.error({ err, subscriptionId: item.sub.id, week: item.week }, "digest delivery crashed"));
          done++;
          if (done % 100 === 0 || performance.now() - lastProgress > 15_000) {
            lastProgress = performance.now();
            log.info({ done, total: work.length, ...counts }, "digest delivery progress");
          }
        }
      };
      await Promise.all(Array.from({ length: Math.max(1, Math.min(settings.concurrency, batch.length)) }, worker));
    }
    log.info({ ...counts, ms: Math.round(performance.now() - t0) }, "digest dispatch done");
    return { ...counts, overlapped: false };
  } catch (err) {
    log.error({ err }, "digest dispatch failed");
    return { ...counts, overlapped: false };
  } finally {
    running.delete(ctx.store);
  }

  async function deliver(item: WorkItem, run: DigestRun): Promise<void> {
    const { sub, week, at } = item;
    const nonce = digestNonce(sub.id, week);
    const threadName = sub.kind === "forum" ? digestThreadTitle(week) : null;
    const dlog = log.child({ subscriptionId: sub.id, kind: sub.kind, week });
    repo.plan({ subscriptionId: sub.id, week, scheduledFor: at, nonce, threadName }, clock());
    const row = repo.claim(sub.id, week, clock(), settings.leaseMs);
    if (!row) {
      counts.busy++;
      return;
    }
    try {
      if (row.attempts > 1) {
        const found = await findEarlierPost(sub, row);
        if (found) {
          repo.markSent(sub.id, week, found, clock());
          counts.reconciled++;
          dlog.info({ messageId: found.messageId }, "digest was already posted by an earlier attempt; recorded");
          return;
        }
      }
      if (clock().getTime() - at.getTime() > catchUpMs) {
        repo.markSkipped({ subscriptionId: sub.id, week, scheduledFor: at, nonce }, `not sent within ${settings.catchUpDays} days of its time`, clock());
        counts.skipped++;
        return;
      }
      const content = compose(sub, week, at, nonce, run);
      if ("skip" in content) {
        repo.markSkipped({ subscriptionId: sub.id, week, scheduledFor: at, nonce }, content.skip, clock());
        counts.skipped++;
        dlog.info({ reason: content.skip }, "digest skipped");
        return;
      }
      const posted = await post(sub, row, content.payload);
      repo.markSent(sub.id, week, posted, clock());
      counts.sent++;
      dlog.info({ channelId: posted.channelId, messageId: posted.messageId }, "digest sent");
      if (content.server && discourse) await publishToDiscourse(sub, week, nonce, content.server, dlog);
    } catch (err) {
      fail(sub, row, err, dlog);
      if (sub.kind !== "dm" && classifyDeliveryError(err).action === "disable") await notifyDisabled(sub, dlog);
    }
  }

  /** The post an earlier attempt made (lost before it was recorded), if there is one. */
  async function findEarlierPost(sub: Subscription, row: Delivery): Promise<PostedMessage | null> {
    if (sub.kind === "forum") {
      const threadId = row.threadId ?? (await ctx.discord.findThread(sub.guildId ?? "", sub.channelId ?? "", row.threadName ?? digestThreadTitle(row.week)));
      return threadId ? { channelId: threadId, messageId: threadId, threadId } : null;
    }
    const channelId = sub.kind === "dm" ? (row.channelId ?? (await ctx.discord.openDm(sub.discordUserId))) : (sub.channelId as string);
    try {
      const messageId = await ctx.discord.findPosted(channelId, row.nonce, row.plannedAt);
      return messageId ? { channelId, messageId, threadId: null } : null;
    } catch (err) {
      // Without read access to the history the nonce is the remaining guard; the post itself will tell if the target is gone.
      if (classifyDeliveryError(err).status === 403) return null;
      throw err;
    }
  }

  function compose(
    sub: Subscription,
    week: string,
    at: Date,
    nonce: string,
    run: DigestRun,
  ): { payload: MessagePayload; server?: ServerDigest } | { skip: string } {
    if (sub.kind === "dm") {
      const digest = run.personal(sub.discordUserId, at);
      if (!digest) return { skip: "no models registered" };
      return { payload: renderWeeklyDigest(digest, { week, ref: nonce }) };
    }
    const server = run.server(sub.guildId as string, at);
    if (server.members.length === 0) return { skip: "no member of the server has opted in" };
    return { payload: renderServerDigest(server, { week, ref: nonce }), server };
  }

  async function post(sub: Subscription, row: Delivery, payload: MessagePayload): Promise<PostedMessage> {
    for (let attempt = 0; ; attempt++) {
      try {
        if (sub.kind === "forum") {
          if (attempt > 0) {
            // The failed attempt may have created the thread after all.
            const threadId = await ctx.discord.findThread(sub.guildId as string, sub.channelId as string, row.threadName as string);
            if (threadId) return { channelId: threadId, messageId: threadId, threadId };
          }
          const posted = await ctx.discord.createForumPost(sub.channelId as string, row.threadName as string, payload);
          return posted;
        }
        let channelId = sub.channelId as string;
        if (sub.kind === "dm") {
          channelId = row.channelId ?? (await ctx.discord.openDm(sub.discordUserId));
          if (!row.channelId) repo.recordTarget(sub.id, row.week, { channelId });
        }
        return await ctx.discord.postMessage(channelId, payload, row.nonce);
      } catch (err) {
        if (attempt >= settings.retries || classifyDeliveryError(err).action !== "retry") throw err;
        await sleep(settings.retryBaseMs * 2 ** attempt);
      }
    }
  }

  function fail(sub: Subscription, row: Delivery, err: unknown, dlog: Logger): void {
    const f = classifyDeliveryError(err);
    try {
      if (f.action === "disable") {
        repo.markFailed(sub.id, row.week, f.reason, clock());
        repo.disable(sub.id, f.reason, clock());
        counts.disabled++;
        dlog.warn({ failure: f.failure, internal: f.internal, status: f.status, code: f.code }, "Discord refused the digest; subscription disabled");
      } else if (f.action === "fail" || row.attempts >= settings.maxAttempts) {
        const detail = f.action === "fail" ? f.reason : `gave up after ${row.attempts} attempts: ${f.reason}`;
        repo.markFailed(sub.id, row.week, detail, clock());
        counts.failed++;
        dlog.error({ err, failure: f.failure, internal: f.internal, status: f.status, code: f.code }, "digest delivery failed");
      } else {
        repo.release(sub.id, row.week, f.reason);
        counts.retrying++;
        dlog.warn({ err, failure: f.failure, internal: f.internal, attempts: row.attempts }, "digest delivery failed for now; the next run retries");
      }
    } catch (ledgerErr) {
      // The claim lapses on its own; the next run after it reconciles.
      dlog.error({ err: ledgerErr, cause: err }, "could not record the digest failure");
    }
  }

  /** Tells a channel's subscriber, once, that its digest was turned off. */
  async function notifyDisabled(sub: Subscription, dlog: Logger): Promise<void> {
    const fresh = repo.get(sub.id);
    if (!fresh || fresh.status !== "disabled" || !repo.claimDisableNotice(sub.id, clock())) return;
    try {
      const channelId = await ctx.discord.openDm(sub.discordUserId);
      const stamp = (fresh.disabledAt ?? clock()).getTime().toString(36);
      await ctx.discord.postMessage(channelId, renderDisabledNotice(where(sub), fresh.disabledReason ?? "Discord refused it"), `dx${sub.id.toString(36)}-${stamp}`);
      dlog.info("subscriber told that the digest was turned off");
    } catch (err) {
      dlog.warn({ err }, "could not tell the subscriber that the digest was turned off");
    }
  }

  async function publishToDiscourse(sub: Subscription, week: string, nonce: string, server: ServerDigest, dlog: Logger): Promise<void> {
    try {
      const { title, raw } = serverDigestMarkdown(server, week);
      const res = await (discourse as DiscourseSink).publish({ externalId: `modelfolio-${nonce}`, title, raw });
      repo.setDiscourseTopic(sub.id, week, res.topicId);
      dlog.info({ topicId: res.topicId, created: res.created }, "server digest copied to Discourse");
    } catch (err) {
      dlog.warn({ err }, "could not copy the server digest to Discourse");
    }
  }
}
