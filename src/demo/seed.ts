/**
 * A realistic synthetic data set for `npm run demo`: three operators on one server —
 * "you" with eight near-copies of two ideas plus three diverse models, a friend with three
 * diverse models, and one with a single model. Scores come from a small factor model (a shared
 * market factor plus each idea's own factor plus noise), with 2024–2026 multipliers, payout
 * factors and stakes per round, so every command has something true to say.
 */
import type { Store } from "../db/open.js";
import { createModelRepository, createRegistrationRepository, createUserSettingsRepository } from "../db/repositories/models.js";
import { createScoreWriter, type RoundRecord } from "../db/repositories/scores.js";
import { gaussian, mulberry32 } from "../random.js";

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
  readonly firstRound: number;
  readonly stake: number;
}

export const DEMO_FIRST_ROUND = 900;
export const DEMO_LAST_ROUND = 1190;

export function demoModels(you: string, friend: string, third: string): DemoModel[] {
  const copies = (prefix: string, idea: number, n: number, edge: number): DemoModel[] =>
    Array.from({ length: n }, (_, i) => ({
      name: `${prefix}_${i + 1}`,
      operator: you,
      idea,
      loading: 0.93 - 0.02 * i,
      edge: edge + 0.0005 * i,
      firstRound: DEMO_FIRST_ROUND + 15 * i,
      stake: 50 + 25 * i,
    }));
  return [
    ...copies("lgbm_cyrus", 0, 5, 0.004),
    ...copies("nn_teager", 1, 3, 0.003),
    { name: "contrarian_mmc", operator: you, idea: 2, loading: 0.6, edge: 0.002, firstRound: 950, stake: 40 },
    { name: "feature_neutral", operator: you, idea: 3, loading: 0.55, edge: 0.0025, firstRound: 980, stake: 60 },
    { name: "short_horizon", operator: you, idea: 4, loading: 0.5, edge: 0.001, firstRound: 1000, stake: 20 },
    { name: "friend_alpha", operator: friend, idea: 5, loading: 0.7, edge: 0.003, firstRound: 900, stake: 100 },
    { name: "friend_beta", operator: friend, idea: 0, loading: 0.5, edge: 0.002, firstRound: 920, stake: 80 },
    { name: "friend_gamma", operator: friend, idea: 6, loading: 0.65, edge: 0.0035, firstRound: 960, stake: 30 },
    { name: "solo_model", operator: third, idea: 1, loading: 0.6, edge: 0.002, firstRound: 1010, stake: 70 },
  ];
}

/** Writes the demo models, their scores and registrations; everyone is opted in to `guildId`'s server view. */
export function seedDemo(store: Store, opts: { you: string; friend: string; third: string; guildId: string; tournament?: number }): { models: number; scoreRows: number } {
  const tournament = opts.tournament ?? 8;
  const models = createModelRepository(store.db, tournament);
  const regs = createRegistrationRepository(store.db, tournament);
  const settings = createUserSettingsRepository(store.db);
  const writer = createScoreWriter(store.sqlite, tournament);
  const r = rng(2026);
  const rounds = DEMO_LAST_ROUND - DEMO_FIRST_ROUND + 1;
  const market = Float64Array.from({ length: rounds }, () => r.normal());
  const ideas = Array.from({ length: 7 }, () => Float64Array.from({ length: rounds }, () => r.normal()));
  const payoutFactor = Float64Array.from({ length: rounds }, () => 0.09 + 0.006 * r.normal());
  let scoreRows = 0;
  const list = demoModels(opts.you, opts.friend, opts.third);
  writer.writeBatch(() => {
    list.forEach((m, index) => {
      const id = `demo-${index.toString().padStart(4, "0")}-0000-4000-8000-${m.name.padEnd(12, "0").slice(0, 12)}`;
      models.upsertVerified(id, m.name);
      regs.add(m.operator, id);
      const records: RoundRecord[] = [];
      for (let t = m.firstRound - DEMO_FIRST_ROUND; t < rounds; t++) {
        const round = DEMO_FIRST_ROUND + t;
        const own = (ideas[m.idea] as Float64Array)[t] as number;
        const corr = m.edge + 0.012 * (0.5 * (market[t] as number) + m.loading * own + (1 - m.loading) * r.normal());
        const mmc = m.edge / 2 + 0.006 * (m.loading * own + (1 - m.loading) * r.normal() - 0.3 * (market[t] as number));
        const [cm, mm] = round >= 1175 ? [0.75, 2.25] : [0.5, 2];
        const resolved = round <= DEMO_LAST_ROUND - 25;
        const score = corr * cm + mmc * mm;
        const payout = m.stake * Math.max(-0.05, Math.min(0.05, (payoutFactor[t] as number) * score));
        const date = new Date(Date.UTC(2023, 9, 1) + (round - 800) * 1.4 * 86_400_000);
        records.push({
          roundNumber: round,
          openTime: date,
          resolveTime: null,
          resolved,
          atRisk: m.stake.toFixed(18),
          corrMultiplier: cm,
          mmcMultiplier: mm,
          payoutFactor: (payoutFactor[t] as number).toFixed(18),
          payoutPending: payout.toFixed(18),
          payoutSettled: resolved ? payout.toFixed(18) : "0.000000000000000000",
          target: null,
          scores: [
            { name: "canon_corr", value: corr, percentile: null, day: resolved ? 20 : 12, date, resolved },
            { name: "canon_mmc", value: mmc, percentile: null, day: resolved ? 20 : 12, date, resolved },
            { name: "bmc", value: mmc * 0.8 + 0.002 * r.normal(), percentile: null, day: resolved ? 20 : 12, date, resolved },
          ],
        });
      }
      scoreRows += writer.writeRounds(id, records);
    });
    for (const u of [opts.you, opts.friend, opts.third]) settings.setServerOptIn(opts.guildId, u, true);
  });
  return { models: list.length, scoreRows };
}
