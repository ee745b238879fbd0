/**
 * Digest subscriptions, the delivery ledger, and the batch reads the weekly digest needs.
 *
 * The ledger is what makes delivery exactly-once: a (subscription, week) row is planned before
 * anything is posted, claimed (attempts + 1, with a lease) right before the post, and closed as
 * sent | failed | skipped after it. Every transition is one guarded UPDATE, so two processes (or
 * a process and its own restart) can never both hold a row.
 *
 * The batch reads use prepared statements on the raw connection: a dispatch run reads the scores
 * of every subscriber's models at once, and drizzle's per-row objects would dominate that.
 */
import { and, asc, desc, eq, inArray, isNull, lte, or, sql } from "drizzle-orm";
import type { WeightPolicy } from "../../analytics/weights.js";
import type { Store } from "../open.js";
import { digestDeliveries, digestSubscriptions } from "../schema.js";

export type DigestKind = "dm" | "channel" | "forum";
export type SubscriptionStatus = "active" | "unsubscribed" | "disabled";
export type DeliveryStatus = "planned" | "sent" | "failed" | "skipped";
export type Subscription = typeof digestSubscriptions.$inferSelect;
export type Delivery = typeof digestDeliveries.$inferSelect;

export interface SubscriptionInput {
  readonly kind: DigestKind;
  readonly discordUserId: string;
  readonly guildId: string | null;
  readonly channelId: string | null;
  readonly weekday: number;
  readonly hour: number;
  readonly timezone: string;
}

/** `dm:<userId>` or `channel:<channelId>`: the place a subscription posts to. */
export function targetKeyOf(input: Pick<SubscriptionInput, "kind" | "discordUserId" | "channelId">): string {
  if (input.kind === "dm") return `dm:${input.discordUserId}`;
  if (!input.channelId) throw new Error("a channel subscription needs a channel id");
  return `channel:${input.channelId}`;
}

export interface RegistrationCell {
  readonly discordUserId: string;
  readonly modelId: string;
  readonly name: string;
  readonly declaredWeight: number | null;
}

/** SQLite's default limit on bound parameters is 32766; stay far below it. */
const CHUNK = 900;

function chunks<T>(items: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

const placeholders = (n: number) => Array.from({ length: n }, () => "?").join(",");

export function createDigestRepository(store: Store, tournament: number) {
  const { db, sqlite } = store;
  const keyOf = (subscriptionId: number, week: string) =>
    and(eq(digestDeliveries.subscriptionId, subscriptionId), eq(digestDeliveries.week, week));

  return {
    // ------------------------------------------------------------ subscriptions

    /**
     * Creates the subscription for this place, or re-activates and re-schedules the one there is
     * (keeping its id, so weeks it already delivered are never delivered again).
     */
    subscribe(input: SubscriptionInput, now: Date): { subscription: Subscription; created: boolean } {
      const targetKey = targetKeyOf(input);
      return db.transaction((tx) => {
        const existing = tx.select().from(digestSubscriptions).where(eq(digestSubscriptions.targetKey, targetKey)).get();
        const values = {
          kind: input.kind,
          discordUserId: input.discordUserId,
          guildId: input.guildId,
          channelId: input.channelId,
          weekday: input.weekday,
          hour: input.hour,
          timezone: input.timezone,
          status: "active" as const,
          disabledReason: null,
          disabledAt: null,
          noticeSentAt: null,
          activeFrom: now,
          updatedAt: now,
        };
        if (existing) {
          const subscription = tx.update(digestSubscriptions).set(values).where(eq(digestSubscriptions.id, existing.id)).returning().get();
          return { subscription, created: false };
        }
        const subscription = tx.insert(digestSubscriptions).values({ ...values, targetKey }).returning().get();
        return { subscription, created: true };
      });
    },

    /** @returns false when there was no active subscription there. */
    unsubscribe(targetKey: string, now: Date): boolean {
      const res = db
        .update(digestSubscriptions)
        .set({ status: "unsubscribed", updatedAt: now })
        .where(and(eq(digestSubscriptions.targetKey, targetKey), eq(digestSubscriptions.status, "active")))
        .run();
      return res.changes > 0;
    },

    findByTarget(targetKey: string): Subscription | undefined {
      return db.select().from(digestSubscriptions).where(eq(digestSubscriptions.targetKey, targetKey)).get();
    },

    get(id: number): Subscription | undefined {
      return db.select().from(digestSubscriptions).where(eq(digestSubscriptions.id, id)).get();
    },

    listActive(): Subscription[] {
      return db.select().from(digestSubscriptions).where(eq(digestSubscriptions.status, "active")).orderBy(asc(digestSubscriptions.id)).all();
    },

    /** Turns a subscription off after Discord refused it for good. @returns false if it was not active. */
    disable(id: number, reason: string, now: Date): boolean {
      const res = db
        .update(digestSubscriptions)
        .set({ status: "disabled", disabledReason: reason, disabledAt: now, noticeSentAt: null, updatedAt: now })
        .where(and(eq(digestSubscriptions.id, id), eq(digestSubscriptions.status, "active")))
        .run();
      return res.changes > 0;
    },

    /**
     * Claims the one notice about a disable. @returns true for exactly one caller per disable,
     * so the subscriber is told once even if several deliveries fail at the same time.
     */
    claimDisableNotice(id: number, now: Date): boolean {
      const res = db
        .update(digestSubscriptions)
        .set({ noticeSentAt: now })
        .where(and(eq(digestSubscriptions.id, id), eq(digestSubscriptions.status, "disabled"), isNull(digestSubscriptions.noticeSentAt)))
        .run();
      return res.changes > 0;
    },

    // ------------------------------------------------------------ ledger

    getDelivery(subscriptionId: number, week: string): Delivery | undefined {
      return db.select().from(digestDeliveries).where(keyOf(subscriptionId, week)).get();
    },

    /** Records the week as planned (no-op when a row exists) and returns the row as stored. */
    plan(input: { subscriptionId: number; week: string; scheduledFor: Date; nonce: string; threadName?: string | null }, now: Date): Delivery {
      db.insert(digestDeliveries)
        .values({
          subscriptionId: input.subscriptionId,
          week: input.week,
          scheduledFor: input.scheduledFor,
          status: "planned",
          nonce: input.nonce,
          threadName: input.threadName ?? null,
          plannedAt: now,
        })
        .onConflictDoNothing()
        .run();
      return this.getDelivery(input.subscriptionId, input.week) as Delivery;
    },

    /**
     * Takes the row for one attempt: only while planned and not leased by anyone else.
     * Counts the attempt before the post, so after a crash the next run knows a post may exist.
     * @returns the claimed row, or undefined when it is not claimable
     */
    claim(subscriptionId: number, week: string, now: Date, leaseMs: number): Delivery | undefined {
      return db
        .update(digestDeliveries)
        .set({ attempts: sql`${digestDeliveries.attempts} + 1`, leaseUntil: new Date(now.getTime() + leaseMs), lastAttemptAt: now })
        .where(
          and(
            keyOf(subscriptionId, week),
            eq(digestDeliveries.status, "planned"),
            or(isNull(digestDeliveries.leaseUntil), lte(digestDeliveries.leaseUntil, now)),
          ),
        )
        .returning()
        .get();
    },

    /** Gives the claim back (the row stays planned), noting why when an attempt failed. */
    release(subscriptionId: number, week: string, detail: string | null): void {
      db.update(digestDeliveries)
        .set({ leaseUntil: null, ...(detail !== null ? { detail } : {}) })
        .where(and(keyOf(subscriptionId, week), eq(digestDeliveries.status, "planned")))
        .run();
    },

    /** Where the post is going, recorded before posting (the DM channel id; a forum thread's id once created). */
    recordTarget(subscriptionId: number, week: string, target: { channelId?: string; threadId?: string }): void {
      db.update(digestDeliveries)
        .set({ ...(target.channelId ? { channelId: target.channelId } : {}), ...(target.threadId ? { threadId: target.threadId } : {}) })
        .where(keyOf(subscriptionId, week))
        .run();
    },

    /** planned → sent, with where it landed. @returns false when the row was not planned any more. */
    markSent(subscriptionId: number, week: string, posted: { channelId: string; messageId: string; threadId?: string | null }, now: Date): boolean {
      const res = db
        .update(digestDeliveries)
        .set({
          status: "sent",
          channelId: posted.channelId,
          messageId: posted.messageId,
          ...(posted.threadId ? { threadId: posted.threadId } : {}),
          leaseUntil: null,
          detail: null,
          finishedAt: now,
        })
        .where(and(keyOf(subscriptionId, week), eq(digestDeliveries.status, "planned")))
        .run();
      return res.changes > 0;
    },

    /** planned → failed (a permanent refusal, or too many transient failures). */
    markFailed(subscriptionId: number, week: string, detail: string, now: Date): boolean {
      const res = db
        .update(digestDeliveries)
        .set({ status: "failed", detail, leaseUntil: null, finishedAt: now })
        .where(and(keyOf(subscriptionId, week), eq(digestDeliveries.status, "planned")))
        .run();
      return res.changes > 0;
    },

    /** Records a week as skipped: a new row, or a planned one that never went out (too old to send now). */
    markSkipped(input: { subscriptionId: number; week: string; scheduledFor: Date; nonce: string }, detail: string, now: Date): boolean {
      return db.transaction((tx) => {
        const inserted = tx
          .insert(digestDeliveries)
          .values({ ...input, status: "skipped", detail, plannedAt: now, finishedAt: now })
          .onConflictDoNothing()
          .run();
        if (inserted.changes > 0) return true;
        const updated = tx
          .update(digestDeliveries)
          .set({ status: "skipped", detail, leaseUntil: null, finishedAt: now })
          .where(and(keyOf(input.subscriptionId, input.week), eq(digestDeliveries.status, "planned")))
          .run();
        return updated.changes > 0;
      });
    },

    setDiscourseTopic(subscriptionId: number, week: string, topicId: number): void {
      db.update(digestDeliveries).set({ discourseTopicId: topicId }).where(keyOf(subscriptionId, week)).run();
    },

    /** Rows still planned, oldest first (what a restart reconciles). */
    planned(subscriptionIds?: readonly number[]): Delivery[] {
      if (subscriptionIds && subscriptionIds.length === 0) return [];
      const where = eq(digestDeliveries.status, "planned");
      if (!subscriptionIds) return db.select().from(digestDeliveries).where(where).orderBy(asc(digestDeliveries.scheduledFor)).all();
      return chunks(subscriptionIds).flatMap((ids) =>
        db
          .select()
          .from(digestDeliveries)
          .where(and(where, inArray(digestDeliveries.subscriptionId, ids)))
          .orderBy(asc(digestDeliveries.scheduledFor))
          .all(),
      );
    },

    /** The newest week on record per subscription (for the catch-up walk and /digest status). */
    latestWeeks(subscriptionIds: readonly number[]): Map<number, string> {
      const out = new Map<number, string>();
      for (const ids of chunks(subscriptionIds)) {
        const rows = sqlite
          .prepare(`SELECT subscription_id, max(week) FROM digest_deliveries WHERE subscription_id IN (${placeholders(ids.length)}) GROUP BY subscription_id`)
          .raw()
          .all(...ids) as Array<[number, string]>;
        for (const [id, week] of rows) out.set(id, week);
      }
      return out;
    },

    /** The newest finished delivery of a subscription (what /digest status reports). */
    lastDelivery(subscriptionId: number): Delivery | undefined {
      return db
        .select()
        .from(digestDeliveries)
        .where(eq(digestDeliveries.subscriptionId, subscriptionId))
        .orderBy(desc(digestDeliveries.scheduledFor))
        .limit(1)
        .get();
    },

    deliveries(subscriptionId: number): Delivery[] {
      return db.select().from(digestDeliveries).where(eq(digestDeliveries.subscriptionId, subscriptionId)).orderBy(asc(digestDeliveries.week)).all();
    },

    // ------------------------------------------------------------ batch reads for the digest

    /** Resolve time (ms) of every round of the tournament that has one. */
    roundResolveTimes(): Map<number, number> {
      const rows = sqlite
        .prepare("SELECT number, resolve_time FROM rounds WHERE tournament = ? AND resolve_time IS NOT NULL")
        .raw()
        .all(tournament) as Array<[number, number]>;
      return new Map(rows);
    },

    /** Registrations of these users in this tournament, ordered by user then model name. */
    registrationsOf(userIds: readonly string[]): RegistrationCell[] {
      const out: RegistrationCell[] = [];
      for (const ids of chunks([...new Set(userIds)])) {
        // CROSS JOIN keeps registrations (by user) as the outer loop; otherwise SQLite walks every model.
        const rows = sqlite
          .prepare(
            `SELECT r.discord_user_id, m.id, m.name, r.declared_weight FROM registrations r CROSS JOIN models m ON m.id = r.model_id
             WHERE m.tournament = ? AND r.discord_user_id IN (${placeholders(ids.length)}) ORDER BY r.discord_user_id, m.name`,
          )
          .raw()
          .all(tournament, ...ids) as Array<[string, string, string, number | null]>;
        for (const [discordUserId, modelId, name, declaredWeight] of rows) out.push({ discordUserId, modelId, name, declaredWeight });
      }
      return out;
    },

    /** Each user's chosen weight source (absent: none chosen). */
    weightSourcesOf(userIds: readonly string[]): Map<string, WeightPolicy> {
      const out = new Map<string, WeightPolicy>();
      for (const ids of chunks([...new Set(userIds)])) {
        const rows = sqlite
          .prepare(`SELECT discord_user_id, weight_source FROM user_settings WHERE weight_source IS NOT NULL AND discord_user_id IN (${placeholders(ids.length)})`)
          .raw()
          .all(...ids) as Array<[string, WeightPolicy]>;
        for (const [id, source] of rows) out.set(id, source);
      }
      return out;
    },
  };
}

export type DigestRepository = ReturnType<typeof createDigestRepository>;
