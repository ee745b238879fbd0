/**
 * The alert use cases: subscribe, unsubscribe and list for a caller, and the check a scheduled
 * run makes for one user. The conditions are read through the portfolio service (the series
 * reader of src/services/series.ts, pairwise correlation, participation-ratio bets, max drawdown),
 * never recomputed here. Plain data in and out; wording of replies and messages is src/discord's.
 *
 * When an alert fires (ALERT_KINDS, src/services/alert-kinds.ts), per subscription:
 * - near-duplicate: a pair of the user's models whose pairwise correlation over the last N
 *   resolved rounds (at least 20 shared) is ≥ threshold, and was not at the previous check;
 * - drawdown: a model whose maximum drawdown of the cumulative score over the last N resolved
 *   rounds is ≥ threshold, and was not at the previous check;
 * - bets-drop: the participation ratio (Σλ)²/Σλ² of the correlation matrix over the last N
 *   resolved rounds the models share fell by more than threshold since the previous check;
 * - missed-rounds: a model whose newest score is ≥ threshold rounds behind the newest round any
 *   stored model has a score for, and was not at the previous check.
 * The first check after subscribing only records (the baseline): what was already true never fires.
 */
import type { AlertEvent, AlertRepository, AlertSubscription, AlertTarget, Reading } from "../db/repositories/alerts.js";
import { UserFacingError } from "../errors.js";
import type { Logger } from "../logger.js";
import { ALERT_KINDS, ALERT_ROUNDS, type AlertKind } from "./alert-kinds.js";
import type { PortfolioService } from "./portfolio.js";
import { quoteInput } from "./quote-input.js";

export { ALERT_KINDS, ALERT_ROUNDS, ALERT_KIND_NAMES, type AlertKind } from "./alert-kinds.js";
export type { AlertTarget } from "../db/repositories/alerts.js";

export const DM_ALERT_TARGET: AlertTarget = { target: "dm", guildId: null, channelId: null };

export interface AlertRequest {
  readonly kind: string;
  readonly threshold: number | null;
  readonly rounds: number | null;
}

export interface AlertSubscribed {
  readonly subscription: AlertSubscription;
  readonly created: boolean;
  /** Other active alerts of the user moved to this target (all of a user's alerts share one). */
  readonly moved: number;
}

export interface AlertServiceDeps {
  readonly alerts: AlertRepository;
  readonly portfolio: Pick<PortfolioService, "correlation" | "performance">;
  readonly logger: Logger;
}

export function parseAlertKind(raw: string): AlertKind {
  const v = raw.trim().toLowerCase();
  if (!Object.hasOwn(ALERT_KINDS, v)) {
    throw new UserFacingError(`"${quoteInput(raw, 30)}" is not an alert kind. Choose one of: ${Object.keys(ALERT_KINDS).join(", ")}.`);
  }
  return v as AlertKind;
}

/** The kind, threshold and window a request asks for, with defaults; refuses anything out of range. */
export function parseAlertRequest(request: AlertRequest): { kind: AlertKind; threshold: number; rounds: number | null } {
  const kind = parseAlertKind(request.kind);
  const spec = ALERT_KINDS[kind];
  const t = spec.threshold;
  const threshold = request.threshold ?? t.default;
  if (!Number.isFinite(threshold) || threshold < t.min || threshold > t.max || (t.integer && !Number.isInteger(threshold))) {
    throw new UserFacingError(`For ${kind}, the threshold (${t.what}) must be ${t.integer ? "a whole number " : ""}from ${t.min} to ${t.max}; you gave ${Number.isFinite(threshold) ? threshold : "something that is not a number"}.`);
  }
  if (!spec.rounds) {
    if (request.rounds !== null) throw new UserFacingError(`${kind} looks at the newest rounds, not a window: leave out rounds.`);
    return { kind, threshold, rounds: null };
  }
  const rounds = request.rounds ?? ALERT_ROUNDS.default;
  if (!Number.isInteger(rounds) || rounds < ALERT_ROUNDS.min || rounds > ALERT_ROUNDS.max) {
    throw new UserFacingError(`rounds must be a whole number from ${ALERT_ROUNDS.min} to ${ALERT_ROUNDS.max}${Number.isFinite(rounds) ? `; you gave ${rounds}` : ""}.`);
  }
  return { kind, threshold, rounds };
}

const fmt = (x: number, digits: number) => x.toFixed(digits);

export function createAlertService(deps: AlertServiceDeps) {
  const repo = deps.alerts;
  const log = deps.logger.child({ module: "alerts" });

  /** null when the statistic is not defined for the user now (no models, too few rounds): the subjects keep their state. */
  function attempt<T>(read: () => T): T | null {
    try {
      return read();
    } catch (err) {
      if (err instanceof UserFacingError) return null;
      throw err;
    }
  }

  /** The readings of one subscription now; each expensive read is shared within one user's check via `memo`. */
  function readingsOf(sub: AlertSubscription, memo: Map<string, unknown>, previous: ReturnType<AlertRepository["states"]>): Reading[] {
    const sel = { userId: sub.discordUserId };
    const once = <T>(key: string, read: () => T): T | null => {
      if (!memo.has(key)) memo.set(key, attempt(read));
      return memo.get(key) as T | null;
    };
    const n = sub.rounds ?? ALERT_ROUNDS.default;
    const thr = sub.threshold;
    const window = `over the last ${n} resolved rounds`;
    switch (sub.kind) {
      case "near-duplicate": {
        const c = once(`corr:${n}`, () => deps.portfolio.correlation(sel, { lastRounds: n }));
        if (!c) return [];
        return c.pairs.map((p) => {
          const [a, b] = [p.a, p.b].sort() as [string, string];
          return { subject: `pair:${a}|${b}`, active: p.rho >= thr, value: p.rho, text: `${a} and ${b} correlate at ρ ${fmt(p.rho, 3)} ${window} (${p.overlap} shared; threshold ${thr}).` };
        });
      }
      case "bets-drop": {
        const c = once(`corr:${n}`, () => deps.portfolio.correlation(sel, { lastRounds: n }));
        if (!c || "error" in c.bets) return [];
        const now = c.bets.participationRatio;
        if (!Number.isFinite(now)) return [];
        const before = previous.get("portfolio")?.value ?? null;
        const drop = before === null ? 0 : before - now;
        const fires = drop > thr;
        return [
          {
            subject: "portfolio",
            active: fires,
            value: now,
            fires,
            text: `Your ${c.bets.models} models are ${fmt(now, 2)} effective bets ${window}, down ${fmt(drop, 2)} from ${fmt(before ?? now, 2)} at the previous check (threshold ${thr}).`,
          },
        ];
      }
      case "drawdown": {
        const p = once(`perf:${n}`, () => deps.portfolio.performance(sel, { lastRounds: n }));
        if (!p) return [];
        return p.rows
          .filter((r) => r.stats !== null)
          .map((r) => {
            const dd = r.stats?.maxDrawdown ?? NaN;
            const value = Number.isFinite(dd) ? dd : 0;
            return { subject: `model:${r.name}`, active: value >= thr, value, text: `${r.name} is in a drawdown of ${fmt(value, 4)} ${window} (threshold ${thr}).` };
          });
      }
      case "missed-rounds": {
        const newest = once("newest", () => repo.newestScoredRound());
        const p = once("perf:all", () => deps.portfolio.performance(sel, { includeUnresolved: true }));
        if (newest === null || !p) return [];
        return p.rows.flatMap((r) => {
          if (r.lastRound === null) return [];
          const missed = newest - r.lastRound;
          return [{ subject: `model:${r.name}`, active: missed >= thr, value: missed, text: `${r.name} has no score for the newest ${missed} rounds (last scored round ${r.lastRound}, newest ${newest}; threshold ${thr}).` }];
        });
      }
    }
  }

  return {
    /** Starts or updates the caller's alert of a kind; all of the caller's alerts then go to `target`. Nothing fires before the first scheduled check. */
    subscribe(userId: string, target: AlertTarget, request: AlertRequest, now: Date): AlertSubscribed {
      const parsed = parseAlertRequest(request);
      const res = repo.subscribe({ discordUserId: userId, ...parsed, ...target }, now);
      log.info({ userId, kind: parsed.kind, subscriptionId: res.subscription.id, target: target.target }, "alert subscribed");
      return res;
    },

    /** @returns false when the caller had no active alert of that kind. */
    unsubscribe(userId: string, kind: string, now: Date): { kind: AlertKind; changed: boolean } {
      const k = parseAlertKind(kind);
      const changed = repo.unsubscribe(userId, k, now);
      log.info({ userId, kind: k, changed }, "alert unsubscribed");
      return { kind: k, changed };
    },

    /** Every alert of the caller (active, unsubscribed, or disabled with the reason) and the last message sent. */
    list(userId: string) {
      const deliveries = repo.deliveriesOf(userId);
      return { subscriptions: repo.listForUser(userId), lastDelivery: deliveries[deliveries.length - 1] ?? null };
    },

    /**
     * One scheduled check of these subscriptions (all one user's): reads each condition and
     * records it; the first check of a subscription is its baseline. @returns the new occurrences
     */
    check(subs: readonly AlertSubscription[], now: Date): AlertEvent[] {
      const memo = new Map<string, unknown>();
      return subs.flatMap((sub) => repo.recordCheck(sub, readingsOf(sub, memo, repo.states(sub.id)), now));
    },

    /** What a delivery says: its occurrences with their kinds, in kind order. */
    messageOf(userId: string, day: string): { day: string; items: Array<{ kind: AlertKind; text: string }> } {
      const kinds = new Map(repo.listForUser(userId).map((s) => [s.id, s.kind]));
      const order = Object.keys(ALERT_KINDS);
      const items = repo
        .eventsOf(userId, day)
        .flatMap((e) => {
          const kind = kinds.get(e.subscriptionId);
          return kind ? [{ kind, text: e.text }] : [];
        })
        .sort((x, y) => order.indexOf(x.kind) - order.indexOf(y.kind));
      return { day, items };
    },
  };
}

export type AlertService = ReturnType<typeof createAlertService>;
