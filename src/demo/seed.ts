/**
 * A realistic synthetic data set for `npm run demo`: three operators on one server —
 * "you" with eight near-copies of two ideas plus three diverse models, a friend with three
 * diverse models, and one with a single model. Scores come from a small factor model (a shared
 * market factor plus each idea's own factor plus noise).
 *
 * The rounds follow Numerai's real calendar up to `now` (src/demo/calendar.ts): the newest
 * ~25 rounds are still being scored (day < 20, unresolved) and older ones resolved on the day
 * Numerai resolves them, so this week's digest has this week's rounds. Multipliers, payout factor
 * and clip are each round's period's (src/analytics/payout-rules.ts), with 60-day scores for the
 * v3 rounds that pay on them.
 */
import { clippedPayout, payoutRuleFor } from "../analytics/payout-rules.js";
import type { Store } from "../db/open.js";
import { createModelRepository, createRegistrationRepository, createUserSettingsRepository } from "../db/repositories/models.js";
import { createScoreWriter, type RoundRecord } from "../db/repositories/scores.js";
import { gaussian, mulberry32 } from "../random.js";
import { latestRoundAt, roundOpenTime, roundResolveTime, SCORE_DAYS, scoreDate, scoringDayAt } from "./calendar.js";

/** Uniform and standard-normal draws from one seeded stream. */
function rng(seed: number) {
  const next = mulberry32(seed);
  return { next, normal: gaussian(next) };
}

interface DemoModel {
  readonly name: string;
  readonly operator: string;
  /** Index of the idea (factor) the model loads on; models sharing an idea are near-copies. */
  readonly idea: number;
  readonly loading: number;
  readonly edge: number;
  /** Rounds after the demo's first round that the model started. */
  readonly startOffset: number;
  readonly stake: number;
}

/** Rounds of history: about 14 months of daily rounds. */
export const DEMO_ROUNDS = 291;

/** The demo's rounds at `now`: the newest round open then, and DEMO_ROUNDS of history up to it. */
export function demoRounds(now: Date): { first: number; last: number } {
  const last = latestRoundAt(now);
  return { first: last - DEMO_ROUNDS + 1, last };
}

export function demoModels(you: string, friend: string, third: string): DemoModel[] {
  const copies = (prefix: string, idea: number, n: number, edge: number): DemoModel[] =>
    Array.from({ length: n }, (_, i) => ({
      name: `${prefix}_${i + 1}`,
      operator: you,
      idea,
      loading: 0.93 - 0.02 * i,
      edge: edge + 0.0005 * i,
      startOffset: 15 * i,
      stake: 50 + 25 * i,
    }));
  return [
    ...copies("lgbm_cyrus", 0, 5, 0.004),
    ...copies("nn_teager", 1, 3, 0.003),
    { name: "contrarian_mmc", operator: you, idea: 2, loading: 0.6, edge: 0.002, startOffset: 50, stake: 40 },
    { name: "feature_neutral", operator: you, idea: 3, loading: 0.55, edge: 0.0025, startOffset: 80, stake: 60 },
    { name: "short_horizon", operator: you, idea: 4, loading: 0.5, edge: 0.001, startOffset: 100, stake: 20 },
    { name: "friend_alpha", operator: friend, idea: 5, loading: 0.7, edge: 0.003, startOffset: 0, stake: 100 },
    { name: "friend_beta", operator: friend, idea: 0, loading: 0.5, edge: 0.002, startOffset: 20, stake: 80 },
    { name: "friend_gamma", operator: friend, idea: 6, loading: 0.65, edge: 0.0035, startOffset: 60, stake: 30 },
    { name: "solo_model", operator: third, idea: 1, loading: 0.6, edge: 0.002, startOffset: 110, stake: 70 },
  ];
}

const nmr = (x: number) => x.toFixed(18);

/**
 * Writes the demo models, their scores and registrations as of `now` (default: the clock);
 * everyone is opted in to `guildId`'s server view. Rounds not yet scored at `now` are left out,
 * as Numerai has no score for them yet.
 */
export function seedDemo(
  store: Store,
  opts: { you: string; friend: string; third: string; guildId: string; tournament?: number; now?: Date },
): { models: number; scoreRows: number; rounds: { first: number; last: number } } {
  const tournament = opts.tournament ?? 8;
  const now = opts.now ?? new Date();
  const models = createModelRepository(store.db, tournament);
  const regs = createRegistrationRepository(store.db, tournament);
  const settings = createUserSettingsRepository(store.db);
  const writer = createScoreWriter(store.sqlite, tournament);
  const r = rng(2026);
  const span = demoRounds(now);
  const rounds = span.last - span.first + 1;
  const market = Float64Array.from({ length: rounds }, () => r.normal());
  const ideas = Array.from({ length: 7 }, () => Float64Array.from({ length: rounds }, () => r.normal()));
  const payoutFactor = Float64Array.from({ length: rounds }, () => 0.09 + 0.006 * r.normal());
  // The calendar per round, computed once for all models.
  const calendar = Array.from({ length: rounds }, (_, t) => {
    const round = span.first + t;
    const day = scoringDayAt(round, now);
    const resolveTime = roundResolveTime(round);
    return { round, day, openTime: roundOpenTime(round), resolveTime, resolved: day === SCORE_DAYS && resolveTime.getTime() <= now.getTime(), date: day > 0 ? scoreDate(round, day) : null };
  });
  let scoreRows = 0;
  const list = demoModels(opts.you, opts.friend, opts.third);
  writer.writeBatch(() => {
    list.forEach((m, index) => {
      const id = `demo-${index.toString().padStart(4, "0")}-0000-4000-8000-${m.name.padEnd(12, "0").slice(0, 12)}`;
      models.upsertVerified(id, m.name);
      regs.add(m.operator, id);
      const records: RoundRecord[] = [];
      for (let t = m.startOffset; t < rounds; t++) {
        const c = calendar[t] as (typeof calendar)[number];
        const own = (ideas[m.idea] as Float64Array)[t] as number;
        // Every draw is made even for a round not scored yet, so the series do not depend on the day.
        const corr = m.edge + 0.012 * (0.5 * (market[t] as number) + m.loading * own + (1 - m.loading) * r.normal());
        const mmc = m.edge / 2 + 0.006 * (m.loading * own + (1 - m.loading) * r.normal() - 0.3 * (market[t] as number));
        const bmc = mmc * 0.8 + 0.002 * r.normal();
        const corr60 = 0.8 * corr + 0.006 * r.normal();
        const mmc60 = 0.8 * mmc + 0.003 * r.normal();
        if (c.day === 0 || c.date === null) continue;
        const rule = payoutRuleFor(c.round);
        const pf = rule.defaultPayoutFactor ?? (payoutFactor[t] as number);
        // The score the round pays on, by its period's rule (60-day scores for v3 rounds).
        const paysOn60 = rule.corrNames.includes("canon_corr60");
        const score = (paysOn60 ? corr60 : corr) * rule.corrMultiplier + (paysOn60 ? mmc60 : mmc) * rule.mmcMultiplier;
        const payout = m.stake * clippedPayout(score, pf, rule.clip);
        const entry = (name: string, value: number) => ({ name, value, percentile: null, day: c.day, date: c.date, resolved: c.resolved });
        records.push({
          roundNumber: c.round,
          openTime: c.openTime,
          resolveTime: c.resolveTime,
          resolved: c.resolved,
          atRisk: nmr(m.stake),
          corrMultiplier: rule.corrMultiplier,
          mmcMultiplier: rule.mmcMultiplier,
          payoutFactor: nmr(pf),
          payoutPending: nmr(payout),
          payoutSettled: c.resolved ? nmr(payout) : nmr(0),
          target: null,
          scores: [
            entry("canon_corr", corr),
            entry("canon_mmc", mmc),
            entry("bmc", bmc),
            entry("canon_corr60", corr60),
            entry("canon_mmc60", mmc60),
          ],
        });
      }
      scoreRows += writer.writeRounds(id, records);
    });
    for (const u of [opts.you, opts.friend, opts.third]) settings.setServerOptIn(opts.guildId, u, true);
  });
  return { models: list.length, scoreRows, rounds: span };
}
