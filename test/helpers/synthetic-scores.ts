/**
 * Deterministic, realistic Numerai Classic score data for the fake API server and for tests.
 *
 * Calendar, score names, multipliers and the payout formula follow ../shared/numerai-api.md §4:
 * - the round calendar (open, score days Tue–Sat, resolve on day 20) is src/demo/calendar.ts,
 *   shared with the demo data set and re-exported here;
 * - payout = atRisk · clip(payoutFactor · (corrMultiplier·v2_corr20 + mmcMultiplier·mmc), ±0.05), in
 *   float64, written with 18 decimals (this reproduces the §3 sample's payout strings exactly);
 * - multipliers 0.5/2 before round 1175, 0.75/2.25 from 1175.
 * The formula is for fake data only: it assumes no round was ever skipped.
 */
import { nowForCurrentRound, roundOpenTime, roundResolveTime, SCORE_DAYS, scoreDate, scoringDayAt } from "../../src/demo/calendar.js";
import { mulberry32 } from "../../src/random.js";
import type { FakeModel, FakeRound } from "./fake-numerai.js";

export const PAYOUT_CLIP = 0.05;

// One calendar, written once in src/ (the demo data set uses it too).
export { FIRST_DAILY_ROUND, latestRoundAt, nowForCurrentRound, roundCloseStakingTime, roundOpenTime, roundResolveTime, SCORE_DAYS, scoreDate, scoringDayAt } from "../../src/demo/calendar.js";

/** mulberry32: a small seeded PRNG returning floats in [0, 1) (shared with the demo and benchmarks). */
export { mulberry32 };

/** FNV-1a of a string, to derive independent seeds from names. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** A v4-shaped UUID drawn from `rng` (deterministic ids for fake models and rounds). */
export function fakeUuid(rng: () => number): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(rng() * 16).toString(16));
  hex[12] = "4";
  hex[16] = (8 + Math.floor(rng() * 4)).toString(16);
  const s = hex.join("");
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}

/** `Time` as the API writes it: `2026-03-06T20:00:00Z` (no milliseconds). */
export function formatTime(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

export function multipliersFor(round: number): { corr: number; mmc: number } {
  return round < 1175 ? { corr: 0.5, mmc: 2 } : { corr: 0.75, mmc: 2.25 };
}

/** An NMR amount with 18 decimals, exactly as Python's `'%.18f' % x` writes it. */
export function nmr18(x: number): string {
  const s = x.toFixed(18);
  return s === "-0.000000000000000000" ? "0.000000000000000000" : s;
}

/** Payout of one round, computed as in the §3 sample (float64, clipped, then 18 decimals). */
export function payoutNmr(atRisk: number, payoutFactor: number, corr: number, mmc: number, multipliers: { corr: number; mmc: number }): string {
  const score = multipliers.corr * corr + multipliers.mmc * mmc;
  return nmr18(atRisk * Math.min(Math.max(payoutFactor * score, -PAYOUT_CLIP), PAYOUT_CLIP));
}

/** Standard normal CDF (Abramowitz–Stegun 7.1.26 erf; |error| < 1.5e-7), for plausible percentiles. */
function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}

function normal(rng: () => number): number {
  const u = Math.max(rng(), Number.MIN_VALUE);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

export interface SyntheticModelsOptions {
  names: string[];
  fromRound: number;
  toRound: number;
  seed: number;
  /** Rounds after it are left out; rounds close to it are unresolved with fewer than 20 score days. */
  currentRound?: number | undefined;
}

interface ModelTraits {
  id: string;
  corrMean: number;
  corrSd: number;
  corrLoading: number;
  mmcMean: number;
  mmcSd: number;
  mmcLoading: number;
  stake: number;
  missing: Set<number>;
}

/**
 * Models sharing a common per-round factor (so their scores correlate, as real models do), with
 * score names canon_corr = v2_corr20, canon_mmc = mmc (as in the §3 sample), plus bmc, corr60, mmc60.
 * Model 0 has every round; models 1, 4, 7… miss a block of rounds and a few single rounds; models
 * 2, 5, 8… joined late (the first fifth of the range is missing).
 */
export function syntheticModels(opts: SyntheticModelsOptions): FakeModel[] {
  const { names, fromRound, seed } = opts;
  roundOpenTime(fromRound); // throws before round 340, where the calendar formula starts
  const lastRound = opts.currentRound === undefined ? opts.toRound : Math.min(opts.toRound, opts.currentRound);
  if (lastRound < fromRound) return names.map((name, i) => ({ name, id: fakeUuid(mulberry32(seed ^ hashString(name) ^ i)), rounds: [] }));
  const now = opts.currentRound === undefined ? undefined : nowForCurrentRound(opts.currentRound);

  // Round-level draws are shared by all models: the market factor and the payout factor.
  const roundRng = mulberry32(seed ^ 0x5eed);
  const rounds: Array<{ n: number; corrFactor: number; mmcFactor: number; payoutFactor: number }> = [];
  for (let n = fromRound; n <= lastRound; n++) {
    rounds.push({ n, corrFactor: normal(roundRng), mmcFactor: normal(roundRng), payoutFactor: 0.092 + 0.004 * normal(roundRng) });
  }
  const span = lastRound - fromRound + 1;

  return names.map((name, index) => {
    const rng = mulberry32((seed ^ hashString(name)) + index);
    const traits: ModelTraits = {
      id: fakeUuid(rng),
      corrMean: -0.002 + 0.017 * rng(),
      corrSd: 0.012 + 0.015 * rng(),
      corrLoading: 0.3 + 0.6 * rng(),
      mmcMean: -0.003 + 0.009 * rng(),
      mmcSd: 0.006 + 0.01 * rng(),
      mmcLoading: 0.2 + 0.5 * rng(),
      stake: Math.round(5 + 995 * rng()),
      missing: new Set(),
    };
    if (index % 3 === 1 && span > 10) {
      const blockLength = 5 + Math.floor(rng() * Math.min(11, span / 3));
      const blockStart = fromRound + Math.floor(rng() * (span - blockLength));
      for (let n = blockStart; n < blockStart + blockLength; n++) traits.missing.add(n);
      for (let n = fromRound; n <= lastRound; n++) if (rng() < 0.03) traits.missing.add(n);
    } else if (index % 3 === 2 && span > 5) {
      for (let n = fromRound; n < fromRound + Math.floor(span / 5); n++) traits.missing.add(n);
    }

    const fakeRounds: FakeRound[] = [];
    for (const r of rounds) {
      // Draw every round's noise even when the round is missing, so gaps don't shift later values.
      const corrNoise = normal(rng);
      const mmcNoise = normal(rng);
      const extra = [normal(rng), normal(rng), normal(rng)] as const;
      if (traits.missing.has(r.n)) continue;
      const corr = traits.corrMean + traits.corrSd * (traits.corrLoading * r.corrFactor + Math.sqrt(1 - traits.corrLoading ** 2) * corrNoise);
      const mmc = traits.mmcMean + traits.mmcSd * (traits.mmcLoading * r.mmcFactor + Math.sqrt(1 - traits.mmcLoading ** 2) * mmcNoise);
      const bmc = 0.85 * mmc + 0.004 * extra[0];
      const corr60 = 0.8 * corr + 0.008 * extra[1];
      const mmc60 = 0.8 * mmc + 0.005 * extra[2];

      const day = now === undefined ? SCORE_DAYS : scoringDayAt(r.n, now);
      const resolveTime = roundResolveTime(r.n);
      const resolved = day === SCORE_DAYS && (now === undefined || resolveTime.getTime() <= now.getTime());
      const multipliers = multipliersFor(r.n);
      const atRiskText = `${traits.stake.toFixed(6)}000000000000`;
      const payoutFactor = day === 0 ? null : nmr18(r.payoutFactor);
      const pending = payoutFactor === null ? "0.000000000000000000" : payoutNmr(traits.stake, Number(payoutFactor), corr, mmc, multipliers);
      const settled = resolved ? pending : "0.000000000000000000";
      const date = day === 0 ? "" : formatTime(scoreDate(r.n, day));
      const entry = (displayName: string, value: number, spread: number) => ({
        displayName,
        value,
        percentile: normalCdf((value - 0.002) / spread),
        day,
        date,
        payoutPending: pending,
        payoutSettled: settled,
      });
      fakeRounds.push({
        roundNumber: r.n,
        openTime: formatTime(roundOpenTime(r.n)),
        resolveTime: formatTime(resolveTime),
        resolved,
        atRisk: atRiskText,
        corrMultiplier: multipliers.corr,
        mmcMultiplier: multipliers.mmc,
        payoutFactor,
        target: null,
        scores:
          day === 0
            ? []
            : [
                entry("bmc", bmc, 0.012),
                entry("canon_corr", corr, 0.02),
                entry("canon_mmc", mmc, 0.012),
                entry("corr60", corr60, 0.02),
                entry("mmc", mmc, 0.012),
                entry("mmc60", mmc60, 0.012),
                entry("v2_corr20", corr, 0.02),
              ],
      });
      // Stakes compound with settled payouts, as a real stake does.
      if (resolved) traits.stake = Math.max(0, Math.round((traits.stake + Number(settled)) * 1e4) / 1e4);
    }
    return { name, id: traits.id, rounds: fakeRounds };
  });
}
