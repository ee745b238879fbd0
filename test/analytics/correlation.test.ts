// Reference values: test/fixtures/analytics/reference.json from make_reference.py (scipy.stats
// pearsonr/spearmanr/rankdata; pandas DataFrame.corr(method, min_periods) for the matrices).
import { describe, expect, it } from "vitest";
import type { RoundSeries } from "../../src/analytics/align.js";
import { alignByRound, alignPair } from "../../src/analytics/align.js";
import { pairwiseCorrelation, pearson, rank, spearman } from "../../src/analytics/correlation.js";
import { HAS_REAL_DATA, expectAllClose, expectClose, flat, realScoreSeries, reference } from "./reference.js";
import { correlationFromCovariance, covarianceMatrix } from "../../src/analytics/risk-model.js";

const series = (rounds: number[], values: number[]): RoundSeries => ({ rounds, values });

describe("pearson", () => {
  it("matches scipy on a small example (doc example)", () => {
    expectClose(pearson([1, 2, 3, 4], [1, 3, 2, 4]), 0.8, 1e-15);
  });

  it.each(reference().correlation.pairs.map((p) => [p.name, p] as const))("matches scipy.stats.pearsonr: %s", (_name, p) => {
    expectClose(pearson(p.x, p.y), p.pearson);
  });

  it("returns 1 for two identical models", () => {
    const x = reference().summary.main.values;
    expect(pearson(x, x)).toBe(1);
  });

  it("returns −1 for a perfectly anti-correlated pair", () => {
    const x = reference().summary.main.values;
    expect(pearson(x, x.map((v) => 0.01 - 2 * v))).toBe(-1);
  });

  it("returns NaN when one series is constant", () => {
    expect(pearson([0.01, 0.01, 0.01], [0.1, 0.2, 0.3])).toBeNaN();
  });

  it("returns NaN for one round", () => {
    expect(pearson([0.01], [0.02])).toBeNaN();
  });

  it("throws on series of unequal length", () => {
    expect(() => pearson([1, 2], [1])).toThrow("pearson requires series of equal length");
  });

  it("throws on a non-finite value", () => {
    expect(() => pearson([1, NaN], [1, 2])).toThrow("pearson requires finite values");
  });
});

describe("rank", () => {
  it("gives ties the average of their ranks (doc example)", () => {
    expect(Array.from(rank([10, 20, 10, 30]))).toEqual([1.5, 3, 1.5, 4]);
  });

  it("matches scipy.stats.rankdata(method='average')", () => {
    const ties = reference().correlation.pairs.find((p) => p.rankX)!;
    expect(Array.from(rank(ties.x))).toEqual(ties.rankX);
    expect(Array.from(rank(ties.y))).toEqual(ties.rankY);
  });

  it("throws on a non-finite value", () => {
    expect(() => rank([1, NaN])).toThrow("rank requires finite values");
  });
});

describe("spearman", () => {
  it("correlates ranks, ignoring the scale of the values (doc example)", () => {
    expectClose(spearman([1, 2, 3, 4], [1, 30, 20, 400]), 0.8, 1e-15);
  });

  it.each(reference().correlation.pairs.map((p) => [p.name, p] as const))("matches scipy.stats.spearmanr: %s", (_name, p) => {
    expectClose(spearman(p.x, p.y), p.spearman);
  });

  it("throws on series of unequal length", () => {
    expect(() => spearman([1, 2], [1])).toThrow("spearman requires series of equal length");
  });
});

describe("pairwiseCorrelation", () => {
  it("correlates each pair on the rounds both have (doc example)", () => {
    const r = pairwiseCorrelation([series([1, 2, 3, 4], [1, 2, 3, 4]), series([2, 3, 4, 5], [2, 1, 4, 3])], {
      method: "pearson",
      minOverlap: 3,
    });
    expectClose(r.values[1] as number, 0.6546536707079772, 1e-15);
    expect(Array.from(r.overlap)).toEqual([4, 3, 3, 4]);
  });

  it.each([
    ["pearson", "3"],
    ["pearson", "5"],
    ["spearman", "3"],
    ["spearman", "5"],
  ] as const)("matches pandas DataFrame.corr(method=%s, min_periods=%s) with gaps, ties and a constant model", (method, mp) => {
    const ref = reference().pairwise;
    const expected = ref.byMinOverlap[mp];
    const r = pairwiseCorrelation(ref.series, { method, minOverlap: Number(mp) });
    expect(r.k).toBe(ref.series.length);
    expectAllClose(r.values, flat(expected[method]), 1e-12, method, 1);
    expect(Array.from(r.overlap)).toEqual(expected.overlap.flat());
  });

  it("gives each cell the same value as the pair's own alignPair + pearson/spearman", () => {
    const s = reference().pairwise.series;
    for (const method of ["pearson", "spearman"] as const) {
      const r = pairwiseCorrelation(s, { method, minOverlap: 2 });
      const f = method === "pearson" ? pearson : spearman;
      for (let i = 0; i < s.length; i++) {
        for (let j = i + 1; j < s.length; j++) {
          const { x, y } = alignPair(s[i]!, s[j]!);
          expectClose(r.values[i * s.length + j] as number, x.length >= 2 ? f(x, y) : NaN, 1e-14, `${method} ${i},${j}`, 1);
        }
      }
    }
  });

  it("returns a NaN cell with overlap 0 when two models share no round", () => {
    const r = pairwiseCorrelation([series([1, 2, 3], [1, 2, 4]), series([4, 5, 6], [3, 1, 2])], {
      method: "pearson",
      minOverlap: 0,
    });
    expect(r.values[1]).toBeNaN();
    expect(r.overlap[1]).toBe(0);
    expect([r.values[0], r.values[3]]).toEqual([1, 1]);
  });

  it("returns NaN below minOverlap but a value at it", () => {
    const a = series([1, 2, 3, 4], [1, 2, 3, 5]);
    const b = series([1, 2, 3, 4], [2, 1, 4, 3]);
    expect(pairwiseCorrelation([a, b], { method: "pearson", minOverlap: 5 }).values[1]).toBeNaN();
    expect(pairwiseCorrelation([a, b], { method: "pearson", minOverlap: 4 }).values[1]).toBeCloseTo(pearson(a.values, b.values), 15);
  });

  it("returns 1 off the diagonal for two identical models", () => {
    const x = reference().summary.main.values;
    const rounds = x.map((_v, i) => i + 1);
    for (const method of ["pearson", "spearman"] as const) {
      const r = pairwiseCorrelation([series(rounds, x), series(rounds, x)], { method, minOverlap: 2 });
      expect(Array.from(r.values)).toEqual([1, 1, 1, 1]);
    }
  });

  it("returns −1 for a perfectly anti-correlated pair", () => {
    const x = reference().summary.main.values;
    const rounds = x.map((_v, i) => i + 1);
    for (const method of ["pearson", "spearman"] as const) {
      const r = pairwiseCorrelation([series(rounds, x), series(rounds, x.map((v) => -v))], { method, minOverlap: 2 });
      expect(r.values[1]).toBe(-1);
    }
  });

  it("has a NaN diagonal for a constant model and for one with fewer rounds than minOverlap", () => {
    const r = pairwiseCorrelation([series([1, 2, 3], [0.01, 0.01, 0.01]), series([1, 2], [0.1, 0.2])], {
      method: "pearson",
      minOverlap: 3,
    });
    expect(r.values[0]).toBeNaN();
    expect(r.values[3]).toBeNaN();
    expect(Array.from(r.overlap)).toEqual([3, 2, 2, 2]);
  });

  it("handles N = 1", () => {
    const r = pairwiseCorrelation([series([1, 2, 3], [1, 2, 4])], { method: "spearman", minOverlap: 2 });
    expect(Array.from(r.values)).toEqual([1]);
    expect(Array.from(r.overlap)).toEqual([3]);
  });

  it("differs from the listwise matrix for a model with gaps (pairwise uses more rounds)", () => {
    const s = reference().pairwise.series;
    const names = s.map((x) => x.name);
    const picked = ["A", "B", "C", "D"].map((n) => s[names.indexOf(n)]!);
    const pairwise = pairwiseCorrelation(picked, { method: "pearson", minOverlap: 2 });
    const { rounds, columns } = alignByRound(picked);
    const listwise = correlationFromCovariance(covarianceMatrix(columns), 4);
    // A–B share 35 rounds pairwise but only the 17 rounds every model has listwise.
    expect(pairwise.overlap[0 * 4 + 1]).toBe(35);
    expect(rounds.length).toBe(17);
    expect(Math.abs((pairwise.values[1] as number) - (listwise[1] as number))).toBeGreaterThan(0.01);
    // On the listwise rounds alone the two agree.
    const restricted = picked.map((p) => ({ rounds: [...rounds], values: rounds.map((r) => p.values[p.rounds.indexOf(r)]!) }));
    expectAllClose(pairwiseCorrelation(restricted, { method: "pearson", minOverlap: 2 }).values, Array.from(listwise), 1e-12);
  });

  it("throws on a negative or fractional minOverlap", () => {
    expect(() => pairwiseCorrelation([], { method: "pearson", minOverlap: -1 })).toThrow(
      "pairwiseCorrelation requires minOverlap to be a non-negative integer",
    );
    expect(() => pairwiseCorrelation([], { method: "pearson", minOverlap: 1.5 })).toThrow(
      "pairwiseCorrelation requires minOverlap to be a non-negative integer",
    );
  });

  it("throws on rounds that are not strictly ascending", () => {
    expect(() => pairwiseCorrelation([series([2, 1], [1, 2])], { method: "pearson", minOverlap: 1 })).toThrow(
      "alignOuter requires strictly ascending rounds",
    );
  });
});

describe.skipIf(!HAS_REAL_DATA)("pairwiseCorrelation on real Numerai scores (skipped: ../shared/data/vladthestaker absent)", () => {
  it.each(["pearson", "spearman"] as const)("matches pandas %s with min_periods for 9 models, several with gaps", (method) => {
    const real = reference().real;
    const s = realScoreSeries(real.models, real.corrMultiplier, real.mmcMultiplier);
    const r = pairwiseCorrelation(s, { method, minOverlap: real.minOverlap });
    expectAllClose(r.values, flat(real[method]), 1e-12, method, 1);
    expect(Array.from(r.overlap)).toEqual(real.overlap.flat());
  });
});
