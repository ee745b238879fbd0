/**
 * The analytics bundle a /contribution + /allocate pair costs: pairwise correlation, the three
 * effective-bets measures, marginal Sharpe (gradient, leave-one-out, risk shares), hedge value of
 * every model, HRP, max-Sharpe on Ledoit–Wolf, and the walk-forward check of every method.
 * Target: ≤ 20 ms for 50 models × 1000 rounds.
 */
import type { RoundSeries } from "../src/analytics/align.js";
import { allocate, allocationInput } from "../src/analytics/allocation.js";
import { pairwiseCorrelation } from "../src/analytics/correlation.js";
import { averageCorrelationBets, meucciEffectiveBets, participationRatio } from "../src/analytics/effective-bets.js";
import { hedgeValue } from "../src/analytics/hedge.js";
import { correlationFromCovariance } from "../src/analytics/moments.js";
import { leaveOneOutSharpe, riskShares, sampleMoments, sharpeGradient } from "../src/analytics/portfolio.js";
import { walkForward } from "../src/analytics/walk-forward.js";

/** Deterministic factor-model scores: a few shared "bets" plus noise, like real operators' models. */
export function syntheticColumns(k: number, n: number, seed = 1): Float64Array[] {
  let s = seed >>> 0;
  const rand = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const normal = () => Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());
  const factors = Array.from({ length: 3 }, () => Float64Array.from({ length: n }, () => normal()));
  return Array.from({ length: k }, (_, m) => {
    const f = factors[m % 3] as Float64Array;
    const loading = 0.6 + 0.35 * rand();
    return Float64Array.from({ length: n }, (_, t) => 0.002 + 0.01 * (loading * (f[t] as number) + (1 - loading) * normal()));
  });
}

export function runBundle(columns: readonly Float64Array[]): number {
  const k = columns.length;
  const n = (columns[0] as Float64Array).length;
  const rounds = Array.from({ length: n }, (_, t) => 1000 + t);
  const series: RoundSeries[] = columns.map((c) => ({ rounds, values: Array.from(c) }));
  const corr = pairwiseCorrelation(series, { method: "pearson", minOverlap: 20 });
  const { mu, cov } = sampleMoments(columns);
  const w = new Float64Array(k).fill(1 / k);
  const listwiseCorr = correlationFromCovariance(cov, k);
  let sink = participationRatio(listwiseCorr, k) + averageCorrelationBets(listwiseCorr, k) + meucciEffectiveBets(cov, k, w);
  sink += sharpeGradient(mu, cov, k, w)[0] as number;
  sink += leaveOneOutSharpe(mu, cov, k, w)[0] as number;
  sink += riskShares(cov, k, w)[0] as number;
  for (let i = 0; i < k; i++) sink += hedgeValue(columns, w, i).amplifiedPayout;
  const input = allocationInput(columns);
  const cap = Math.max(0.35, 1 / k);
  sink += allocate("hrp", input, { cap })[0] as number;
  sink += allocate("maximumSharpe", input, { cap })[0] as number;
  const wf = walkForward({ rounds, columns, minFit: 60, rebalanceEvery: 20, resolutionLag: 20, cap, currentWeights: w });
  sink += wf.portfolios.length + (corr.values[1] as number);
  return sink;
}

export interface AnalyticsFigures {
  models: number;
  rounds: number;
  medianMs: number;
  peakRssMb: number;
}

export function benchAnalytics(k: number, n: number, repeats = 7): AnalyticsFigures {
  const columns = syntheticColumns(k, n);
  runBundle(columns); // warm-up: JIT
  const times: number[] = [];
  let peak = process.memoryUsage().rss;
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    runBundle(columns);
    times.push(performance.now() - t0);
    peak = Math.max(peak, process.memoryUsage().rss);
  }
  times.sort((a, b) => a - b);
  return { models: k, rounds: n, medianMs: times[Math.floor(times.length / 2)] as number, peakRssMb: peak / 2 ** 20 };
}
