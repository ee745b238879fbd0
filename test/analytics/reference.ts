/**
 * Loads test/fixtures/analytics/reference.json (made by test/fixtures/analytics/make_reference.py
 * with numpy/scipy/pandas) and the real Numerai scores in test/fixtures/vladthestaker.
 * JSON has no NaN, so the script writes null; `num`/`nums` turn null back into NaN.
 */
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { expect } from "vitest";
import type { RoundSeries } from "../../src/analytics/align.js";
import { parkMiller } from "../../src/random.js";

const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const REFERENCE_PATH = join(REPO_ROOT, "test/fixtures/analytics/reference.json");
// A committed cut of ../shared/data/vladthestaker (see its README), so these checks always run.
export const REAL_DATA_DIR = join(REPO_ROOT, "test/fixtures/vladthestaker");
export const HAS_REAL_DATA = existsSync(join(REAL_DATA_DIR, "daily_data_corr_abs.csv"));

type Num = number | null;
export interface StatsRef {
  n: number;
  mean: Num;
  std: Num;
  sharpe: Num;
  sortino: Num;
  maxDrawdown: Num;
  calmar: Num;
  hitRate: Num;
  cvar5: Num;
}
export interface HedgeRef {
  meanWhenRestDown: Num;
  meanWhenRestUp: Num;
  countDown: number;
  countUp: number;
  quadrants: { restUpModelBeats: number; restUpModelLags: number; restDownModelBeats: number; restDownModelLags: number };
  amplifiedPayout: Num;
  mean: Num;
  amplification: number;
}
export interface PairwiseRef {
  pearson: Num[][];
  spearman: Num[][];
  overlap: number[][];
}
export interface PortfolioRef {
  rounds: number[];
  weights: number[];
  mu: number[];
  cov: number[];
  covEigenvalues: number[];
  participationRatioCorr: number;
  averageCorrelationBets: number;
  meucciEffectiveBets: number;
  portfolioSharpe: number;
  sharpeGradient: number[];
  leaveOneOutSharpe: number[];
  riskShares: number[];
  portfolioReturns?: number[];
  hedge: HedgeRef[];
  hedgeAmplification3: HedgeRef[];
}
export interface Reference {
  generatedBy: string;
  summary: {
    main: { values: number[]; stats: StatsRef; annualised52: StatsRef };
    s60: { values: number[]; stats: StatsRef; tailCount: number };
    noLoss: { values: number[]; stats: StatsRef };
    oneRound: { values: number[]; stats: StatsRef };
    constant: { values: number[]; stats: StatsRef };
    cvar: { values: number[]; alpha: number; value: number };
  };
  correlation: {
    pairs: { name: string; x: number[]; y: number[]; pearson: number; spearman: number; rankX?: number[]; rankY?: number[] }[];
  };
  pairwise: {
    series: (RoundSeries & { name: string })[];
    byMinOverlap: Record<"3" | "5", PairwiseRef>;
    listwiseRoundsAll: number[];
  };
  portfolio: PortfolioRef;
  eigen: {
    small: { matrix: number[]; k: number; values: number[]; vectors: number[] };
    big: {
      k: number;
      m: number;
      seed: number;
      lo: number;
      hi: number;
      values: number[];
      sampleColumns: number[];
      sampleVectors: number[][];
      participationRatio: number;
      participationRatioCorr: number;
      averageCorrelationBets: number;
      meucciEqualWeights: number;
    };
  };
  serverView: {
    operators: string[];
    within: number[];
    across: number[];
    histogram: { values: Num[]; bins: number; range: [number, number]; counts: number[]; edges: number[] };
    histogramMain: { bins: number; range: [number, number]; counts: number[]; edges: number[] };
  };
  real: PairwiseRef & {
    models: string[];
    corrMultiplier: number;
    mmcMultiplier: number;
    minOverlap: number;
    summaries: Record<string, StatsRef>;
    participationRatioPairwise: number;
    averageCorrelationBetsPairwise: number;
    portfolio: PortfolioRef;
  };
}

let cached: Reference | undefined;
export function reference(): Reference {
  cached ??= JSON.parse(readFileSync(REFERENCE_PATH, "utf8")) as Reference;
  return cached;
}

export const num = (v: Num | undefined): number => (v === null || v === undefined ? NaN : v);
export const nums = (v: readonly Num[]): number[] => v.map(num);
export const flat = (m: readonly (readonly Num[])[]): number[] => m.flatMap((row) => nums(row));

/**
 * |actual − expected| ≤ tol·scale, NaN only where NaN is expected. `scale` defaults to |expected|
 * (a relative comparison); pass a scale for values that may be 0.
 */
export function expectClose(actual: number, expected: number, tol = 1e-9, label = "", scale?: number): void {
  if (Number.isNaN(expected)) {
    expect(actual, `${label} expected NaN`).toBeNaN();
    return;
  }
  expect(Number.isFinite(actual), `${label} ${actual} should be finite (expected ${expected})`).toBe(true);
  const bound = tol * (scale ?? Math.abs(expected));
  expect(Math.abs(actual - expected), `${label} actual ${actual} expected ${expected}`).toBeLessThanOrEqual(bound);
}

/** Element-wise {@link expectClose}, relative to the largest finite |expected| in the array unless `scale` is given. */
export function expectAllClose(actual: ArrayLike<number>, expected: readonly Num[], tol = 1e-9, label = "", scale?: number): void {
  expect(actual.length, `${label} length`).toBe(expected.length);
  const s = scale ?? Math.max(Number.MIN_VALUE, ...nums(expected).filter(Number.isFinite).map(Math.abs));
  for (let i = 0; i < expected.length; i++) expectClose(actual[i] as number, num(expected[i]), tol, `${label}[${i}]`, s);
}

/** Reads one of the daily_data_*.csv files: round → model → value (NA skipped). */
function readWide(file: string): { models: string[]; rows: Map<number, Map<string, number>> } {
  const lines = readFileSync(join(REAL_DATA_DIR, file), "utf8").trim().split(/\r?\n/);
  const header = (lines[0] ?? "").split(",").map((h) => h.replace(/"/g, ""));
  const models = header.slice(1);
  const rows = new Map<number, Map<string, number>>();
  for (const line of lines.slice(1)) {
    const cells = line.split(",");
    const row = new Map<string, number>();
    models.forEach((m, i) => {
      const cell = cells[i + 1] ?? "NA";
      if (cell !== "NA" && cell !== "") row.set(m, Number(cell));
    });
    rows.set(Number(cells[0]), row);
  }
  return { models, rows };
}

/** Per-model score series corrMultiplier·corr + mmcMultiplier·mmc on rounds where both exist. */
export function realScoreSeries(models: readonly string[], corrMultiplier: number, mmcMultiplier: number): RoundSeries[] {
  const corr = readWide("daily_data_corr_abs.csv");
  const mmc = readWide("daily_data_mmc_abs.csv");
  const rounds = [...corr.rows.keys()].sort((a, b) => a - b);
  return models.map((m) => {
    const rs: number[] = [];
    const vs: number[] = [];
    for (const r of rounds) {
      const c = corr.rows.get(r)?.get(m);
      const x = mmc.rows.get(r)?.get(m);
      if (c !== undefined && x !== undefined) {
        rs.push(r);
        vs.push(corrMultiplier * c + mmcMultiplier * x);
      }
    }
    return { rounds: rs, values: vs };
  });
}

/** Park–Miller integers in [lo, hi], the same generator as make_reference.py's park_miller_ints. */
export function parkMillerInts(count: number, seed: number, lo: number, hi: number): Int32Array {
  const out = new Int32Array(count);
  const next = parkMiller(seed);
  for (let i = 0; i < count; i++) out[i] = lo + (next() % (hi - lo + 1));
  return out;
}

/** B·Bᵀ for B k×m from parkMillerInts — exact integers, identical to make_reference.py's big_matrix. */
export function bigMatrix(k: number, m: number, seed: number, lo: number, hi: number): Float64Array {
  const b = parkMillerInts(k * m, seed, lo, hi);
  const out = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let j = i; j < k; j++) {
      let s = 0;
      for (let t = 0; t < m; t++) s += (b[i * m + t] as number) * (b[j * m + t] as number);
      out[i * k + j] = s;
      out[j * k + i] = s;
    }
  }
  return out;
}
