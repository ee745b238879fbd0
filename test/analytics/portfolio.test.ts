// Reference values: test/fixtures/analytics/reference.json from make_reference.py (numpy; the
// Sharpe gradient there is a complex-step derivative, independent of the closed form used here).
import { describe, expect, it } from "vitest";
import { alignByRound } from "../../src/analytics/align.js";
import { leaveOneOutSharpe, normalizeWeights, portfolioReturns, portfolioSharpe, riskShares, sharpeGradient } from "../../src/analytics/portfolio.js";
import type { PortfolioRef } from "./reference.js";
import { HAS_REAL_DATA, bigMatrix, expectAllClose, expectClose, realScoreSeries, reference } from "./reference.js";
import { sampleMoments } from "../../src/analytics/risk-model.js";

const MU = [0.01, 0.02];
const COV = [0.0004, 0, 0, 0.0009];

function syntheticPortfolio(): { ref: PortfolioRef; columns: Float64Array[]; rounds: readonly number[] } {
  const ref = reference();
  const byName = new Map(ref.pairwise.series.map((s) => [s.name, s]));
  const picked = ["A", "B", "D", "G"].map((n) => byName.get(n)!);
  const { rounds, columns } = alignByRound(picked);
  return { ref: ref.portfolio, columns: [...columns], rounds };
}

function checkAgainst(ref: PortfolioRef, columns: readonly Float64Array[]): void {
  const { mu, cov, k } = sampleMoments(columns);
  const w = Float64Array.from(ref.weights);
  expectAllClose(mu, ref.mu, 1e-9, "mu");
  expectAllClose(cov, ref.cov, 1e-9, "cov");
  expectClose(portfolioSharpe(mu, cov, k, w), ref.portfolioSharpe, 1e-9, "SR");
  expectAllClose(sharpeGradient(mu, cov, k, w), ref.sharpeGradient, 1e-9, "gradient");
  expectAllClose(leaveOneOutSharpe(mu, cov, k, w), ref.leaveOneOutSharpe, 1e-9, "LOO");
  expectAllClose(riskShares(cov, k, w), ref.riskShares, 1e-9, "Euler");
}

describe("sampleMoments", () => {
  it("returns the sample mean vector and ddof-1 covariance (doc example)", () => {
    const { mu, cov, k } = sampleMoments([Float64Array.of(1, 2, 3), Float64Array.of(1, 2, 4)]);
    expect(k).toBe(2);
    expectAllClose(mu, [2, 7 / 3], 1e-15);
    expectAllClose(cov, [1, 1.5, 1.5, 2.333333333333333], 1e-15);
  });
});

describe("portfolioReturns", () => {
  it("weights each round's scores (doc example)", () => {
    expect(Array.from(portfolioReturns([Float64Array.of(1, 2), Float64Array.of(3, 4)], [0.5, 0.5]))).toEqual([2, 3]);
  });

  it("matches numpy cols @ w on the listwise-aligned synthetic portfolio", () => {
    const { ref, columns } = syntheticPortfolio();
    expectAllClose(portfolioReturns(columns, ref.weights), ref.portfolioReturns!, 1e-12);
  });

  it("throws on a weight count that differs from the column count", () => {
    expect(() => portfolioReturns([Float64Array.of(1)], [0.5, 0.5])).toThrow("portfolioReturns requires one weight per column");
  });

  it("throws on columns of different lengths", () => {
    expect(() => portfolioReturns([Float64Array.of(1), Float64Array.of(1, 2)], [1, 1])).toThrow(
      "portfolioReturns requires columns of equal length",
    );
  });
});

describe("normalizeWeights", () => {
  it("rescales weights to sum to 1 (doc example)", () => {
    expect(Array.from(normalizeWeights([1, 3]))).toEqual([0.25, 0.75]);
  });

  it("throws on a negative weight", () => {
    expect(() => normalizeWeights([1, -1])).toThrow("normalizeWeights requires finite, non-negative weights");
  });

  it("throws when every weight is zero", () => {
    expect(() => normalizeWeights([0, 0])).toThrow("normalizeWeights requires at least one positive weight");
  });
});

describe("portfolioSharpe", () => {
  it("is wᵀμ/√(wᵀΣw) (doc example)", () => {
    expectClose(portfolioSharpe(MU, COV, 2, [0.5, 0.5]), 0.015 / Math.sqrt(0.000325), 1e-15);
    expectClose(portfolioSharpe(MU, COV, 2, [0.5, 0.5]), 0.8320502943378437, 1e-15);
  });

  it("is invariant to the scale of the weights", () => {
    expectClose(portfolioSharpe(MU, COV, 2, [3, 3]), portfolioSharpe(MU, COV, 2, [0.5, 0.5]), 1e-15);
  });

  it("returns NaN for a riskless portfolio", () => {
    expect(portfolioSharpe(MU, [0, 0, 0, 0], 2, [0.5, 0.5])).toBeNaN();
  });

  it("throws on mismatched shapes", () => {
    expect(() => portfolioSharpe(MU, [1, 0, 0], 2, [1, 1])).toThrow("portfolioSharpe requires a k×k covariance matrix");
    expect(() => portfolioSharpe(MU, COV, 2, [1])).toThrow("portfolioSharpe requires k weights");
  });

  it("matches numpy on the listwise-aligned synthetic portfolio (with SR gradient, LOO and Euler shares)", () => {
    const { ref, columns, rounds } = syntheticPortfolio();
    expect([...rounds]).toEqual(ref.rounds);
    checkAgainst(ref, columns);
  });
});

describe("sharpeGradient", () => {
  it("matches the closed form on a 2-model example (doc example)", () => {
    const g = sharpeGradient(MU, COV, 2, [0.5, 0.5]);
    expectClose(g[0] as number, 0.04266924586347909, 1e-13);
    expectClose(g[1] as number, -0.0426692458634792, 1e-13);
  });

  it("agrees with a central finite difference of portfolioSharpe", () => {
    const { ref, columns } = syntheticPortfolio();
    const { mu, cov, k } = sampleMoments(columns);
    const w = Float64Array.from(ref.weights);
    const g = sharpeGradient(mu, cov, k, w);
    const h = 1e-6;
    for (let i = 0; i < k; i++) {
      const up = Float64Array.from(w);
      const down = Float64Array.from(w);
      up[i] = (up[i] as number) + h;
      down[i] = (down[i] as number) - h;
      const fd = (portfolioSharpe(mu, cov, k, up) - portfolioSharpe(mu, cov, k, down)) / (2 * h);
      expectClose(g[i] as number, fd, 1e-7, `∂SR/∂w${i}`);
    }
  });

  it("is orthogonal to the weights (Sharpe is scale-invariant)", () => {
    const { ref, columns } = syntheticPortfolio();
    const { mu, cov, k } = sampleMoments(columns);
    const g = sharpeGradient(mu, cov, k, ref.weights);
    const dot = ref.weights.reduce((s, w, i) => s + w * (g[i] as number), 0);
    expect(Math.abs(dot)).toBeLessThan(1e-12);
  });

  it("returns NaN for a riskless portfolio", () => {
    expect(Array.from(sharpeGradient(MU, [0, 0, 0, 0], 2, [1, 1]))).toEqual([NaN, NaN]);
  });
});

describe("leaveOneOutSharpe", () => {
  it("is SR(all) − SR(rest, renormalised) (doc example)", () => {
    const loo = leaveOneOutSharpe(MU, COV, 2, [0.5, 0.5]);
    const full = 0.8320502943378437;
    expectClose(loo[0] as number, full - 0.02 / 0.03, 1e-14);
    expectClose(loo[1] as number, full - 0.01 / 0.02, 1e-14);
  });

  it("returns NaN for N = 1", () => {
    expect(Array.from(leaveOneOutSharpe([0.01], [0.0004], 1, [1]))).toEqual([NaN]);
  });

  it("equals SR(w) − SR(w with wᵢ = 0) computed directly, also when the rest is nearly riskless", () => {
    // The rest's moments come by subtraction unless that would cancel; a dominant model (the
    // last case) leaves a tiny rest, which must take the direct route.
    const k = 40;
    const a = bigMatrix(k, 60, 3, -100, 100);
    const mu = Array.from({ length: k }, (_, i) => 0.001 * ((i % 7) - 2));
    const cases: number[][] = [
      Array.from({ length: k }, () => 1 / k),
      Array.from({ length: k }, (_, i) => 1 + (i % 5)),
      // One dominant model: removing it leaves a rest whose variance cancels by subtraction.
      ...[0, 1, 2, 3, 4, 5].flatMap((d) => [1e4, 1e6].map((big) => Array.from({ length: k }, (_, i) => (i === d ? big : 1 / big)))),
    ];
    for (const w of cases) {
      const full = portfolioSharpe(mu, a, k, w);
      const loo = leaveOneOutSharpe(mu, a, k, w);
      for (let i = 0; i < k; i++) {
        const rest = w.map((v, j) => (j === i ? 0 : v));
        expectClose(loo[i] as number, full - portfolioSharpe(mu, a, k, rest), 1e-10, `model ${i}`, Math.max(1, Math.abs(full)));
      }
    }
  });

  it("returns NaN for a model whose removal leaves no weight", () => {
    const loo = leaveOneOutSharpe(MU, COV, 2, [1, 0]);
    expect(loo[0]).toBeNaN();
    expectClose(loo[1] as number, 0, 1e-15, "", 1); // removing a zero-weight model changes nothing
  });
});

describe("riskShares", () => {
  it("splits variance by Euler contribution (doc example)", () => {
    const s = riskShares(COV, 2, [0.5, 0.5]);
    expectAllClose(s, [0.0001 / 0.000325, 0.000225 / 0.000325], 1e-14);
  });

  it("sums to 1", () => {
    const { ref, columns } = syntheticPortfolio();
    const { cov, k } = sampleMoments(columns);
    expectClose(
      riskShares(cov, k, ref.weights).reduce((a, b) => a + b, 0),
      1,
      1e-14,
    );
  });

  it("returns NaN for a riskless portfolio", () => {
    expect(Array.from(riskShares([0, 0, 0, 0], 2, [1, 1]))).toEqual([NaN, NaN]);
  });
});

describe.skipIf(!HAS_REAL_DATA)("portfolio on real Numerai scores (skipped: ../shared/data/vladthestaker absent)", () => {
  it("matches numpy for an equal-weight portfolio of 9 real models, listwise-aligned", () => {
    const real = reference().real;
    const series = realScoreSeries(real.models, real.corrMultiplier, real.mmcMultiplier);
    const { rounds, columns } = alignByRound(series);
    expect([...rounds]).toEqual(real.portfolio.rounds);
    checkAgainst(real.portfolio, columns);
  });
});
