/**
 * Alert subscriptions, what the last check saw, the occurrences it found, and the daily delivery
 * ledger (the digest's exactly-once shape, src/db/repositories/digests.ts): a user's day is
 * planned before anything is posted — attaching the occurrences waiting for it in the same
 * transaction — claimed right before the post, and closed as sent | failed after it.
 */
import { and, asc, eq, inArray, isNull, lte, ne, or, sql } from "drizzle-orm";
import type { AlertKind } from "../../services/alert-kinds.js";
import type { Store } from "../open.js";
import { alertDeliveries, alertEvents, alertStates, alertSubscriptions } from "../schema.js";

export type AlertSubscription = typeof alertSubscriptions.$inferSelect;
export type AlertState = typeof alertStates.$inferSelect;
export type AlertEvent = typeof alertEvents.$inferSelect;
export type AlertDelivery = typeof alertDeliveries.$inferSelect;

/** Where a user's alerts go: their DMs, or one guild channel. */
export type AlertTarget =
  | { readonly target: "dm"; readonly guildId: null; readonly channelId: null }
  | { readonly target: "channel"; readonly guildId: string; readonly channelId: string };

/** A subject's reading at one check: whether the condition holds, the value measured, and the sentence an occurrence shows. */
export interface Reading {
  readonly subject: string;
  readonly active: boolean;
  readonly value: number | null;
  readonly text: string;
  /** Fires even when `active` was already true (bets-drop compares values between checks). */
  readonly fires?: boolean;
}

export function createAlertRepository(store: Store, tournament: number) {
  const { db, sqlite } = store;
  const newestScored = sqlite
    .prepare("SELECT max(s.round_number) FROM scores s JOIN models m ON m.id = s.model_id WHERE m.tournament = ? AND s.value IS NOT NULL")
    .pluck();
  // An occurrence of an alert since unsubscribed or turned off is never sent.
  const activeSubscription = inArray(
    alertEvents.subscriptionId,
    db.select({ id: alertSubscriptions.id }).from(alertSubscriptions).where(eq(alertSubscriptions.status, "active")),
  );
  const dayKey = (userId: string, day: string) => and(eq(alertDeliveries.discordUserId, userId), eq(alertDeliveries.day, day));

  return {
    /**
     * Creates or re-activates the user's subscription of `kind` (keeping its id), with a fresh
     * baseline, and moves every other active alert of the user to the same target.
     */
    subscribe(input: { discordUserId: string; kind: AlertKind; threshold: number; rounds: number | null } & AlertTarget, now: Date): { subscription: AlertSubscription; created: boolean; moved: number } {
      return db.transaction((tx) => {
        const existing = tx
          .select()
          .from(alertSubscriptions)
          .where(and(eq(alertSubscriptions.discordUserId, input.discordUserId), eq(alertSubscriptions.kind, input.kind)))
          .get();
        const values = {
          threshold: input.threshold,
          rounds: input.rounds,
          target: input.target,
          guildId: input.guildId,
          channelId: input.channelId,
          status: "active" as const,
          disabledReason: null,
          disabledAt: null,
          baselineAt: null,
          lastCheckAt: null,
          updatedAt: now,
        };
        let subscription: AlertSubscription;
        if (existing) {
          // A new threshold or window starts from a new baseline: nothing already true fires.
          tx.delete(alertStates).where(eq(alertStates.subscriptionId, existing.id)).run();
          subscription = tx.update(alertSubscriptions).set(values).where(eq(alertSubscriptions.id, existing.id)).returning().get();
        } else {
          subscription = tx.insert(alertSubscriptions).values({ ...values, discordUserId: input.discordUserId, kind: input.kind }).returning().get();
        }
        const moved = tx
          .update(alertSubscriptions)
          .set({ target: input.target, guildId: input.guildId, channelId: input.channelId, updatedAt: now })
          .where(
            and(
              eq(alertSubscriptions.discordUserId, input.discordUserId),
              eq(alertSubscriptions.status, "active"),
              ne(alertSubscriptions.id, subscription.id),
              or(ne(alertSubscriptions.target, input.target), input.channelId === null ? sql`channel_id IS NOT NULL` : or(isNull(alertSubscriptions.channelId), ne(alertSubscriptions.channelId, input.channelId))),
            ),
          )
          .run().changes;
        return { subscription, created: !existing, moved };
      });
    },

    /** @returns false when the user had no active subscription of that kind. */
    unsubscribe(discordUserId: string, kind: AlertKind, now: Date): boolean {
      return (
        db
          .update(alertSubscriptions)
          .set({ status: "unsubscribed", updatedAt: now })
          .where(and(eq(alertSubscriptions.discordUserId, discordUserId), eq(alertSubscriptions.kind, kind), eq(alertSubscriptions.status, "active")))
          .run().changes > 0
      );
    },

    listForUser(discordUserId: string): AlertSubscription[] {
      return db.select().from(alertSubscriptions).where(eq(alertSubscriptions.discordUserId, discordUserId)).orderBy(asc(alertSubscriptions.id)).all();
    },

    listActive(): AlertSubscription[] {
      return db.select().from(alertSubscriptions).where(eq(alertSubscriptions.status, "active")).orderBy(asc(alertSubscriptions.discordUserId), asc(alertSubscriptions.id)).all();
    },

    /** Turns off every active alert of the user (they share the target Discord refused). @returns how many. */
    disableUser(discordUserId: string, reason: string, now: Date): number {
      return db
        .update(alertSubscriptions)
        .set({ status: "disabled", disabledReason: reason, disabledAt: now, updatedAt: now })
        .where(and(eq(alertSubscriptions.discordUserId, discordUserId), eq(alertSubscriptions.status, "active")))
        .run().changes;
    },

    /** The newest round any model of the tournament has a score for (what "missed rounds" counts up to). */
    newestScoredRound(): number | null {
      return (newestScored.get(tournament) as number | null) ?? null;
    },

    states(subscriptionId: number): Map<string, AlertState> {
      const rows = db.select().from(alertStates).where(eq(alertStates.subscriptionId, subscriptionId)).all();
      return new Map(rows.map((r) => [r.subject, r]));
    },

    /**
     * Records one check of a subscription, in one transaction: the readings become the stored
     * state, and — after the baseline — each subject whose condition became true (or that `fires`)
     * becomes an occurrence. The first check (baselineAt null) only records. A subject not read
     * this time keeps its state. @returns the occurrences recorded
     */
    recordCheck(sub: AlertSubscription, readings: readonly Reading[], now: Date): AlertEvent[] {
      return db.transaction((tx) => {
        // Re-read inside the transaction: an overlapping check of the same subscription sees the first one's state.
        const fresh = tx.select().from(alertSubscriptions).where(eq(alertSubscriptions.id, sub.id)).get();
        if (!fresh || fresh.status !== "active") return [];
        if (fresh.lastCheckAt && fresh.lastCheckAt.getTime() >= now.getTime()) return [];
        const before = new Map(
          tx
            .select()
            .from(alertStates)
            .where(eq(alertStates.subscriptionId, sub.id))
            .all()
            .map((r) => [r.subject, r]),
        );
        const baseline = fresh.baselineAt === null;
        const events: AlertEvent[] = [];
        for (const r of readings) {
          const was = before.get(r.subject);
          const fires = r.fires ?? (r.active && !(was?.active ?? false));
          if (!baseline && fires) {
            events.push(tx.insert(alertEvents).values({ subscriptionId: sub.id, discordUserId: sub.discordUserId, subject: r.subject, text: r.text, detectedAt: now }).returning().get());
          }
          tx.insert(alertStates)
            .values({ subscriptionId: sub.id, subject: r.subject, active: r.active, value: r.value, updatedAt: now })
            .onConflictDoUpdate({ target: [alertStates.subscriptionId, alertStates.subject], set: { active: r.active, value: r.value, updatedAt: now } })
            .run();
        }
        tx.update(alertSubscriptions)
          .set({ lastCheckAt: now, ...(baseline ? { baselineAt: now } : {}) })
          .where(eq(alertSubscriptions.id, sub.id))
          .run();
        return events;
      });
    },

    // ------------------------------------------------------------ delivery ledger

    getDelivery(discordUserId: string, day: string): AlertDelivery | undefined {
      return db.select().from(alertDeliveries).where(dayKey(discordUserId, day)).get();
    },

    /** Users with occurrences of active alerts not yet attached to a delivery. */
    usersWithWaitingEvents(): string[] {
      return db
        .selectDistinct({ u: alertEvents.discordUserId })
        .from(alertEvents)
        .where(and(isNull(alertEvents.deliveryDay), activeSubscription))
        .orderBy(asc(alertEvents.discordUserId))
        .all()
        .map((r) => r.u);
    },

    /**
     * Plans the user's message of `day` and attaches every waiting occurrence to it, in one
     * transaction. No-op (undefined) when that day already has a row: later occurrences wait for
     * the next day, so the message a retry sends is the one first planned.
     */
    plan(input: { discordUserId: string; day: string; nonce: string; target: "dm" | "channel"; channelId: string | null }, now: Date): AlertDelivery | undefined {
      return db.transaction((tx) => {
        const inserted = tx
          .insert(alertDeliveries)
          .values({ discordUserId: input.discordUserId, day: input.day, status: "planned", nonce: input.nonce, target: input.target, channelId: input.channelId, plannedAt: now })
          .onConflictDoNothing()
          .returning()
          .get();
        if (!inserted) return undefined;
        tx.update(alertEvents)
          .set({ deliveryDay: input.day })
          .where(and(eq(alertEvents.discordUserId, input.discordUserId), isNull(alertEvents.deliveryDay), activeSubscription))
          .run();
        return inserted;
      });
    },

    /** The occurrences a delivery carries, oldest first. */
    eventsOf(discordUserId: string, day: string): AlertEvent[] {
      return db
        .select()
        .from(alertEvents)
        .where(and(eq(alertEvents.discordUserId, discordUserId), eq(alertEvents.deliveryDay, day)))
        .orderBy(asc(alertEvents.id))
        .all();
    },

    /** Takes a planned row for one attempt (attempts + 1 and a lease), unless someone else holds it. */
    claim(discordUserId: string, day: string, now: Date, leaseMs: number): AlertDelivery | undefined {
      return db
        .update(alertDeliveries)
        .set({ attempts: sql`${alertDeliveries.attempts} + 1`, leaseUntil: new Date(now.getTime() + leaseMs) })
        .where(and(dayKey(discordUserId, day), eq(alertDeliveries.status, "planned"), or(isNull(alertDeliveries.leaseUntil), lte(alertDeliveries.leaseUntil, now))))
        .returning()
        .get();
    },

    recordChannel(discordUserId: string, day: string, channelId: string): void {
      db.update(alertDeliveries).set({ channelId }).where(dayKey(discordUserId, day)).run();
    },

    release(discordUserId: string, day: string, detail: string): void {
      db.update(alertDeliveries).set({ leaseUntil: null, detail }).where(and(dayKey(discordUserId, day), eq(alertDeliveries.status, "planned"))).run();
    },

    markSent(discordUserId: string, day: string, posted: { channelId: string; messageId: string }, now: Date): boolean {
      return (
        db
          .update(alertDeliveries)
          .set({ status: "sent", channelId: posted.channelId, messageId: posted.messageId, leaseUntil: null, detail: null, finishedAt: now })
          .where(and(dayKey(discordUserId, day), eq(alertDeliveries.status, "planned")))
          .run().changes > 0
      );
    },

    markFailed(discordUserId: string, day: string, detail: string, now: Date): boolean {
      return (
        db
          .update(alertDeliveries)
          .set({ status: "failed", detail, leaseUntil: null, finishedAt: now })
          .where(and(dayKey(discordUserId, day), eq(alertDeliveries.status, "planned")))
          .run().changes > 0
      );
    },

    /** Rows still planned (a crash, a transient failure), oldest first. */
    planned(): AlertDelivery[] {
      return db.select().from(alertDeliveries).where(eq(alertDeliveries.status, "planned")).orderBy(asc(alertDeliveries.plannedAt)).all();
    },

    deliveriesOf(discordUserId: string): AlertDelivery[] {
      return db.select().from(alertDeliveries).where(eq(alertDeliveries.discordUserId, discordUserId)).orderBy(asc(alertDeliveries.day)).all();
    },
  };
}

export type AlertRepository = ReturnType<typeof createAlertRepository>;
