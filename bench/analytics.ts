/**
 * The analytics bundle a /contribution + /allocate pair costs: pairwise correlation, the three
 * effective-bets measures, marginal Sharpe (gradient, leave-one-out, risk shares), hedge value of
 * every model, HRP, max-Sharpe on Ledoit–Wolf, and the walk-forward check of every method.
 * Target: ≤ 20 ms for 50 models × 1000 rounds.
 */
import type { RoundSeries } from "../src/analytics/align.js";
import { allocate } from "../src/analytics/allocation.js";
import { pairwiseCorrelation } from "../src/analytics/correlation.js";
import { averageCorrelationBets, meucciEffectiveBets, participationRatio } from "../src/analytics/effective-bets.js";
import { hedgeValues } from "../src/analytics/hedge.js";
import { leaveOneOutSharpe, riskShares, sharpeGradient } from "../src/analytics/portfolio.js";
import { walkForward } from "../src/analytics/walk-forward.js";
import { gaussian, mulberry32 } from "../src/random.js";
import { allocationInput, correlationFromCovariance } from "../src/analytics/risk-model.js";

/** Deterministic factor-model scores: a few shared "bets" plus noise, like real operators' models. */
export function syntheticColumns(k: number, n: number, seed = 1): Float64Array[] {
  const rand = mulberry32(seed);
  const normal = gaussian(rand);
  const factors = Array.from({ length: 3 }, () => Float64Array.from({ length: n }, () => normal()));
  return Array.from({ length: k }, (_, m) => {
    const f = factors[m % 3] as Float64Array;
    const loading = 0.6 + 0.35 * rand();
    return Float64Array.from({ length: n }, (_, t) => 0.002 + 0.01 * (loading * (f[t] as number) + (1 - loading) * normal()));
  });
}

function toArray(c: Float64Array): number[] {
  const values = new Array<number>(c.length);
  for (let t = 0; t < c.length; t++) values[t] = c[t] as number;
  return values;
}

export function runBundle(columns: readonly Float64Array[]): number {
  const k = columns.length;
  const n = (columns[0] as Float64Array).length;
  const rounds = Array.from({ length: n }, (_, t) => 1000 + t);
  // Scores arrive as plain arrays (as from the database); a loop copies ~20× faster than Array.from.
  const series: RoundSeries[] = [];
  for (const c of columns) series.push({ rounds, values: toArray(c) });
  const corr = pairwiseCorrelation(series, { method: "pearson", minOverlap: 20 });
  // One pass for the moments: allocationInput's μ and Σ are sampleMoments' (ddof 1), plus Ledoit–Wolf.
  const input = allocationInput(columns);
  const { mu, cov } = input;
  const w = new Float64Array(k).fill(1 / k);
  const listwiseCorr = correlationFromCovariance(cov, k);
  let sink = participationRatio(listwiseCorr, k) + averageCorrelationBets(listwiseCorr, k) + meucciEffectiveBets(cov, k, w);
  sink += sharpeGradient(mu, cov, k, w)[0] as number;
  sink += leaveOneOutSharpe(mu, cov, k, w)[0] as number;
  sink += riskShares(cov, k, w)[0] as number;
  for (const h of hedgeValues(columns, w)) sink += h.amplifiedPayout;
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
  /** The first bundle in a fresh process: includes V8 compiling every function. */
  firstMs: number;
  /** Median once warm (after `warmup` bundles): what a running bot pays per request. */
  medianMs: number;
  peakRssMb: number;
}

/**
 * Times the bundle on one data set: the first call (cold), then the median of `repeats` calls
 * after `warmup` calls — the bot is a long-running process, so the warm figure is the target's.
 */
export function benchAnalytics(k: number, n: number, repeats = 15, warmup = 10): AnalyticsFigures {
  const columns = syntheticColumns(k, n);
  const t0 = performance.now();
  runBundle(columns);
  const firstMs = performance.now() - t0;
  for (let w = 1; w < warmup; w++) runBundle(columns);
  const times: number[] = [];
  let peak = process.memoryUsage().rss;
  for (let r = 0; r < repeats; r++) {
    const t = performance.now();
    runBundle(columns);
    times.push(performance.now() - t);
    peak = Math.max(peak, process.memoryUsage().rss);
  }
  times.sort((a, b) => a - b);
  return { models: k, rounds: n, firstMs, medianMs: times[Math.floor(times.length / 2)] as number, peakRssMb: peak / 2 ** 20 };
}
