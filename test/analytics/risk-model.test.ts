// Reference values: scikit-learn 1.2 LedoitWolf().fit(X) (covariance_, shrinkage_), produced by
// test/fixtures/allocation/make_allocation.py → allocation.json (command in the fixture README).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { loadVlad, VLAD_PRESENT, VLAD_SKIP_REASON } from "../fixtures/allocation/vlad.js";
import { allocationInput, correlationMatrix, correlationOfCentred, ledoitWolf, sampleMoments } from "../../src/analytics/risk-model.js";
import { centreColumns } from "../../src/analytics/dense.js";
import { mean } from "../../src/analytics/moments.js";

interface Case {
  name: string;
  columns?: number[][];
  lwCov: number[];
  shrinkage: number;
}
interface EdgeCase {
  name: string;
  columns: number[][];
  cov: number[];
  shrinkage: number;
}
const fixture = JSON.parse(readFileSync(new URL("../fixtures/allocation/allocation.json", import.meta.url), "utf8")) as {
  cases: Case[];
  ledoitWolf: EdgeCase[];
};

/** |a − b| ≤ tol · max|b|: covariances are ~1e-4, so tolerances are relative to the matrix scale. */
function expectMatrixClose(actual: ArrayLike<number>, expected: readonly number[], tol: number): void {
  expect(actual.length).toBe(expected.length);
  const scale = Math.max(...expected.map(Math.abs), Number.MIN_VALUE);
  for (let i = 0; i < expected.length; i++) expect(Math.abs((actual[i] as number) - (expected[i] as number))).toBeLessThanOrEqual(tol * scale);
}

describe("ledoitWolf", () => {
  it("reproduces the doc-comment example", () => {
    expect(ledoitWolf([[1, 2, 3, 4], [2, 1, 4, 3]]).shrinkage).toBeCloseTo(0.4444444444444444, 14);
  });

  it.each(fixture.cases.filter((c) => c.columns !== undefined).map((c) => [c.name, c] as const))(
    "matches scikit-learn's LedoitWolf on %s",
    (_name, c) => {
      const est = ledoitWolf(c.columns as number[][]);
      expect(est.shrinkage).toBeCloseTo(c.shrinkage, 12);
      expectMatrixClose(est.cov, c.lwCov, 1e-12);
    },
  );

  it.skipIf(!VLAD_PRESENT)(`matches scikit-learn on the real scores of ten models (${VLAD_PRESENT ? "data present" : VLAD_SKIP_REASON})`, () => {
    const real = fixture.cases.find((c) => c.name === "vladthestaker-10") as Case;
    const est = ledoitWolf(loadVlad().columns);
    expect(est.shrinkage).toBeCloseTo(real.shrinkage, 12);
    expectMatrixClose(est.cov, real.lwCov, 1e-12);
  });

  it.each(fixture.ledoitWolf.map((c) => [c.name, c] as const))("matches scikit-learn on the edge case: %s", (_name, c) => {
    const est = ledoitWolf(c.columns);
    expect(est.shrinkage).toBeCloseTo(c.shrinkage, 12);
    expectMatrixClose(est.cov, c.cov, 1e-12);
  });

  it("uses no shrinkage for a single column and returns its population variance", () => {
    const est = ledoitWolf([[1, 2, 3, 4]]);
    expect(est.shrinkage).toBe(0);
    expect(est.cov[0]).toBeCloseTo(1.25, 15); // np.var([1,2,3,4]) (ddof 0)
  });

  it("returns NaN for fewer than two rounds", () => {
    const est = ledoitWolf([[1], [2]]);
    expect(est.shrinkage).toBeNaN();
    expect(Array.from(est.cov).every(Number.isNaN)).toBe(true);
  });

  it("rejects malformed input", () => {
    expect(() => ledoitWolf([])).toThrow("ledoitWolf requires at least one column");
    expect(() => ledoitWolf([[1, 2], [1]])).toThrow("ledoitWolf requires columns of equal length");
    expect(() => ledoitWolf([[1, NaN, 3]])).toThrow("ledoitWolf requires finite values");
  });
});

// numpy 2.4.6: X.mean(axis=1), np.cov(X, ddof=1).ravel(), np.corrcoef(X).ravel() of these three rows.
const X = [
  [0.012, -0.004, 0.02, 0.007, -0.011, 0.003],
  [0.01, -0.001, 0.018, 0.004, -0.009, 0.006],
  [-0.005, 0.008, 0.001, -0.002, 0.004, 0.009],
];
const NP_MEAN = [0.0045000000000000005, 0.004666666666666666, 0.0025];
const NP_COV = [0.0001235, 0.00010059999999999998, -3.41e-5, 0.00010059999999999998, 8.546666666666667e-5, -2e-5, -3.41e-5, -2e-5, 3.07e-5];
const NP_CORR = [1.0, 0.9791880819027621, -0.5537984201239147, 0.9791880819027621, 0.9999999999999998, -0.3904473008057032, -0.5537984201239147, -0.3904473008057032, 1.0];

describe("sample moments and correlation (one risk model for every caller)", () => {
  it("match numpy's mean, np.cov (ddof 1) and np.corrcoef", () => {
    const m = sampleMoments(X);
    expect(m.k).toBe(3);
    expectMatrixClose(m.mu, NP_MEAN, 1e-13);
    expectMatrixClose(m.cov, NP_COV, 1e-13);
    expectMatrixClose(correlationMatrix(X), NP_CORR, 1e-13);
  });

  it("give the allocation methods the same sample covariance, beside the shrunk one", () => {
    const input = allocationInput(X);
    expectMatrixClose(input.cov, NP_COV, 1e-13);
    expectMatrixClose(input.mu, NP_MEAN, 1e-13);
    expectMatrixClose(input.shrunkCov, Array.from(ledoitWolf(X).cov), 1e-15);
  });

  it("is NaN where a column is constant, not a made-up 0", () => {
    const corr = correlationMatrix([X[0] as number[], [1, 1, 1, 1, 1, 1]]);
    expect(corr[0]).toBe(1);
    expect(Number.isNaN(corr[1])).toBe(true);
    expect(Number.isNaN(corr[3])).toBe(true);
  });
});

describe("correlationOfCentred", () => {
  it("is 5/√28 for [1, 2, 3] and [1, 2, 6] centred (doc example)", () => {
    expect(correlationOfCentred(Float64Array.of(-1, 0, 1, -2, -1, 3), 2, 3)[1]).toBeCloseTo(5 / Math.sqrt(28), 15);
  });

  it("gives correlationMatrix's numbers bit for bit from the same columns centred on their means", () => {
    const columns = [0, 1, 2].map((i) => Array.from({ length: 61 }, (_, t) => Math.sin(0.7 * t + i) * 0.02 + 0.001 * i));
    const d = centreColumns(columns, 61, columns.map((c) => mean(c)));
    expect(Array.from(correlationOfCentred(d, 3, 61))).toEqual(Array.from(correlationMatrix(columns)));
  });

  it("is NaN with fewer than two rows, as correlationMatrix", () => {
    expect(Array.from(correlationOfCentred(Float64Array.of(0, 0), 2, 1)).every(Number.isNaN)).toBe(true);
  });

  it("throws when d is not k·n values", () => {
    expect(() => correlationOfCentred(new Float64Array(5), 2, 3)).toThrow("correlationOfCentred requires k·n values");
  });
});
