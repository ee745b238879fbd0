// Reference values: test/fixtures/analytics/reference.json from make_reference.py (numpy: PR from
// numpy.linalg.eigvalsh, Meucci from numpy.linalg.eigh — not the trace/Frobenius shortcut used here).
import { describe, expect, it } from "vitest";
import { alignByRound } from "../../src/analytics/align.js";
import { pairwiseCorrelation } from "../../src/analytics/correlation.js";
import { averageCorrelationBets, meucciEffectiveBets, participationRatio } from "../../src/analytics/effective-bets.js";
import { HAS_REAL_DATA, bigMatrix, expectClose, realScoreSeries, reference } from "./reference.js";
import { correlationFromCovariance, covarianceMatrix } from "../../src/analytics/risk-model.js";

const IDENTICAL_CORR = [1, 1, 1, 1];
const ANTI_CORR = [1, -1, -1, 1];

function syntheticListwise(names: readonly string[]): { cov: Float64Array; corr: Float64Array; k: number } {
  const s = reference().pairwise.series;
  const { columns } = alignByRound(names.map((n) => s.find((x) => x.name === n)!));
  const cov = covarianceMatrix(columns);
  return { cov, corr: correlationFromCovariance(cov, names.length), k: names.length };
}

describe("participationRatio", () => {
  it("is (Σλ)²/Σλ² (doc example: eigenvalues 1.5 and 0.5 give 1.6)", () => {
    expectClose(participationRatio([1, 0.5, 0.5, 1], 2), 1.6, 1e-15);
  });

  it("is k for uncorrelated models", () => {
    expect(participationRatio([1, 0, 0, 0, 1, 0, 0, 0, 1], 3)).toBe(3);
  });

  it("matches the numpy eigenvalue form on a listwise correlation matrix", () => {
    const { corr, k } = syntheticListwise(["A", "B", "D", "G"]);
    expectClose(participationRatio(corr, k), reference().portfolio.participationRatioCorr);
  });

  it("is 1 for two identical models", () => {
    expect(participationRatio(IDENTICAL_CORR, 2)).toBe(1);
  });

  it("is 1 for a perfectly anti-correlated pair (one factor explains both)", () => {
    expect(participationRatio(ANTI_CORR, 2)).toBe(1);
  });

  it("is 1 for N = 1", () => {
    expect(participationRatio([1], 1)).toBe(1);
  });

  it("matches numpy for N = 200 (covariance and correlation)", () => {
    const big = reference().eigen.big;
    const a = bigMatrix(big.k, big.m, big.seed, big.lo, big.hi);
    expectClose(participationRatio(a, big.k), big.participationRatio);
    expectClose(participationRatio(correlationFromCovariance(a, big.k), big.k), big.participationRatioCorr);
  });

  it("returns NaN when any cell is NaN", () => {
    expect(participationRatio([1, NaN, NaN, 1], 2)).toBeNaN();
  });

  it("throws when the matrix is not k×k", () => {
    expect(() => participationRatio([1, 0, 0], 2)).toThrow("participationRatio requires a k×k matrix");
  });
});

describe("averageCorrelationBets", () => {
  it("is N/(1+(N−1)ρ̄) (doc example: ρ̄ = 1/3 gives 1.8)", () => {
    expectClose(averageCorrelationBets([1, 0.5, 0.2, 0.5, 1, 0.3, 0.2, 0.3, 1], 3), 1.8, 1e-15);
  });

  it("matches numpy on a listwise correlation matrix", () => {
    const { corr, k } = syntheticListwise(["A", "B", "D", "G"]);
    expectClose(averageCorrelationBets(corr, k), reference().portfolio.averageCorrelationBets);
  });

  it("is 1 for two identical models", () => {
    expect(averageCorrelationBets(IDENTICAL_CORR, 2)).toBe(1);
  });

  it("is N for a perfectly anti-correlated pair (denominator 0)", () => {
    expect(averageCorrelationBets(ANTI_CORR, 2)).toBe(2);
  });

  it("clips to N when ρ̄ is below −1/(N−1)", () => {
    expect(averageCorrelationBets([1, -0.9, -0.9, -0.9, 1, -0.9, -0.9, -0.9, 1], 3)).toBe(3);
  });

  it("clips to 1 when ρ̄ exceeds 1 (a non-correlation input)", () => {
    expect(averageCorrelationBets([1, 1.5, 1.5, 1], 2)).toBe(1);
  });

  it("is 1 for N = 1", () => {
    expect(averageCorrelationBets([1], 1)).toBe(1);
  });

  it("matches numpy for N = 200", () => {
    const big = reference().eigen.big;
    const corr = correlationFromCovariance(bigMatrix(big.k, big.m, big.seed, big.lo, big.hi), big.k);
    expectClose(averageCorrelationBets(corr, big.k), big.averageCorrelationBets);
  });

  it("returns NaN when any cell is NaN (e.g. a pair below minOverlap)", () => {
    const r = pairwiseCorrelation(reference().pairwise.series, { method: "pearson", minOverlap: 5 });
    expect(averageCorrelationBets(r.values, r.k)).toBeNaN();
  });
});

describe("meucciEffectiveBets", () => {
  it("is 2 for two uncorrelated equal-variance models held equally (doc example)", () => {
    expectClose(meucciEffectiveBets([1, 0, 0, 1], 2, [0.5, 0.5]), 2, 1e-15);
  });

  it("matches numpy (eigh) on a listwise covariance matrix with unequal weights", () => {
    const { cov, k } = syntheticListwise(["A", "B", "D", "G"]);
    expectClose(meucciEffectiveBets(cov, k, reference().portfolio.weights), reference().portfolio.meucciEffectiveBets);
  });

  it("does not depend on the scale of the weights", () => {
    const { cov, k } = syntheticListwise(["A", "B", "D", "G"]);
    expectClose(meucciEffectiveBets(cov, k, [4, 3, 2, 1]), meucciEffectiveBets(cov, k, [0.4, 0.3, 0.2, 0.1]), 1e-13);
  });

  it("is 1 for two identical models", () => {
    expectClose(meucciEffectiveBets([4e-4, 4e-4, 4e-4, 4e-4], 2, [0.5, 0.5]), 1, 1e-12);
  });

  it("is NaN for an equally held perfectly anti-correlated pair (a riskless portfolio)", () => {
    expect(meucciEffectiveBets([4e-4, -4e-4, -4e-4, 4e-4], 2, [0.5, 0.5])).toBeNaN();
  });

  it("is 1 for an unequally held perfectly anti-correlated pair (all risk in one principal portfolio)", () => {
    expectClose(meucciEffectiveBets([4e-4, -4e-4, -4e-4, 4e-4], 2, [0.7, 0.3]), 1, 1e-12);
  });

  it("is 1 for N = 1", () => {
    expect(meucciEffectiveBets([4e-4], 1, [1])).toBe(1);
  });

  it("matches numpy for N = 200 with equal weights", () => {
    const big = reference().eigen.big;
    const a = bigMatrix(big.k, big.m, big.seed, big.lo, big.hi);
    expectClose(meucciEffectiveBets(a, big.k, new Float64Array(big.k).fill(1 / big.k)), big.meucciEqualWeights);
  });

  it("returns NaN when any cell is NaN", () => {
    expect(meucciEffectiveBets([1, NaN, NaN, 1], 2, [1, 1])).toBeNaN();
  });

  it("throws on a weight count that is not k", () => {
    expect(() => meucciEffectiveBets([1, 0, 0, 1], 2, [1])).toThrow("meucciEffectiveBets requires k weights");
  });
});

describe.skipIf(!HAS_REAL_DATA)("effective bets on real Numerai scores (skipped: ../shared/data/vladthestaker absent)", () => {
  it("matches numpy on the pairwise and listwise matrices of 9 real models", () => {
    const real = reference().real;
    const s = realScoreSeries(real.models, real.corrMultiplier, real.mmcMultiplier);
    const pw = pairwiseCorrelation(s, { method: "pearson", minOverlap: real.minOverlap });
    expectClose(participationRatio(pw.values, pw.k), real.participationRatioPairwise);
    expectClose(averageCorrelationBets(pw.values, pw.k), real.averageCorrelationBetsPairwise);
    const { columns } = alignByRound(s);
    const cov = covarianceMatrix(columns);
    const corr = correlationFromCovariance(cov, pw.k);
    expectClose(participationRatio(corr, pw.k), real.portfolio.participationRatioCorr);
    expectClose(averageCorrelationBets(corr, pw.k), real.portfolio.averageCorrelationBets);
    expectClose(meucciEffectiveBets(cov, pw.k, real.portfolio.weights), real.portfolio.meucciEffectiveBets);
  });
});
