// Speed budget for the whole analytics bundle at the largest size we serve: 200 models × 1000 rounds.
import { describe, expect, it } from "vitest";
import type { RoundSeries } from "../../src/analytics/align.js";
import { alignByRound } from "../../src/analytics/align.js";
import { pairwiseCorrelation } from "../../src/analytics/correlation.js";
import { averageCorrelationBets, meucciEffectiveBets, participationRatio } from "../../src/analytics/effective-bets.js";
import { hedgeValue } from "../../src/analytics/hedge.js";
import { correlationFromCovariance } from "../../src/analytics/moments.js";
import { leaveOneOutSharpe, riskShares, sampleMoments, sharpeGradient } from "../../src/analytics/portfolio.js";
import { summarize } from "../../src/analytics/summary.js";
import { parkMillerInts } from "./reference.js";

const K = 200;
const T = 1000;

/** 200 one-factor models on rounds 1…1000; every 10th model misses every 13th round. */
function bundle(): RoundSeries[] {
  const noise = parkMillerInts(K * T + T, 7, -1000, 1000);
  const factor = Array.from({ length: T }, (_, t) => (noise[K * T + t] as number) / 50_000);
  return Array.from({ length: K }, (_, m) => {
    const rounds: number[] = [];
    const values: number[] = [];
    for (let t = 0; t < T; t++) {
      if (m % 10 === 0 && t % 13 === 0) continue;
      rounds.push(t + 1);
      values.push(0.002 + 0.5 * (factor[t] as number) + (noise[m * T + t] as number) / 50_000);
    }
    return { rounds, values };
  });
}

/** Everything a /portfolio request computes for every model; returns a few results to check. */
function runBundle(series: readonly RoundSeries[]): { overlap01: number; corr01: number; bets: number[] } {
  series.forEach((s) => summarize(s.values));
  const pearson = pairwiseCorrelation(series, { method: "pearson", minOverlap: 20 });
  const spearman = pairwiseCorrelation(series, { method: "spearman", minOverlap: 20 });
  const { columns } = alignByRound(series);
  const { mu, cov, k } = sampleMoments(columns);
  const w = new Float64Array(k).fill(1 / k);
  const bets = [
    participationRatio(pearson.values, k),
    averageCorrelationBets(spearman.values, k),
    meucciEffectiveBets(cov, k, w),
    participationRatio(correlationFromCovariance(cov, k), k),
  ];
  sharpeGradient(mu, cov, k, w);
  leaveOneOutSharpe(mu, cov, k, w);
  riskShares(cov, k, w);
  for (let i = 0; i < k; i++) hedgeValue(columns, w, i);
  return { overlap01: pearson.overlap[1] as number, corr01: pearson.values[1] as number, bets };
}

/** CPU milliseconds of fn (not wall time: other test files share the cores). */
function cpuTime<T>(fn: () => T): { result: T; ms: number } {
  const start = process.cpuUsage();
  const result = fn();
  const used = process.cpuUsage(start);
  return { result, ms: (used.user + used.system) / 1000 };
}

describe("analytics bundle", () => {
  // Speed is measured in `npm run bench` (bench/analytics.ts), never asserted here.
  it("runs every statistic on 200 models × 1000 rounds and gets sane results", () => {
    const series = bundle();
    const { result } = cpuTime(() => runBundle(series));
    const { overlap01, corr01, bets } = result;
    expect(overlap01).toBe(T - Math.ceil(T / 13));
    expect(corr01).toBeGreaterThan(0.1); // the common factor shows
    for (const b of bets) expect(b).toBeGreaterThanOrEqual(1);
  });
});
