// Reference values: scipy 1.10 (cluster.hierarchy.linkage "single", to_tree().pre_order()) and an
// independent numpy implementation of PyPortfolioOpt's HRPOpt(returns).optimize(), in
// test/fixtures/allocation/reference.py; produced by make_allocation.py → allocation.json.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { clusterOrder, hrpDistance, hrpWeights, quasiDiagonalOrder, singleLinkage } from "../../src/analytics/hrp.js";
import { loadVlad, VLAD_PRESENT, VLAD_SKIP_REASON } from "../fixtures/allocation/vlad.js";
import { allocationInput, correlationFromCovariance } from "../../src/analytics/risk-model.js";

interface Case {
  name: string;
  k: number;
  cov: number[];
  linkage: number[];
  order: number[];
  hrp: number[];
  columns?: number[][];
}
const fixture = JSON.parse(readFileSync(new URL("../fixtures/allocation/allocation.json", import.meta.url), "utf8")) as {
  cases: Case[];
  linkage: { k: number; distance: number[]; linkage: number[]; order: number[] }[];
};
const synthetic = fixture.cases.filter((c) => c.columns !== undefined);

function expectAllClose(actual: ArrayLike<number>, expected: readonly number[], tol: number): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) expect(Math.abs((actual[i] as number) - (expected[i] as number))).toBeLessThanOrEqual(tol);
}

describe("hrpDistance", () => {
  it("maps ρ = 0.5 to √0.25 = 0.5", () => {
    expect(hrpDistance([1, 0.5, 0.5, 1], 2)[1]).toBe(0.5);
  });

  it("clips rounding outside [-1, 1] instead of returning NaN", () => {
    expect(Array.from(hrpDistance([1.0000000000000002, -1.0000000000000002, -1.0000000000000002, 1], 2))).toEqual([0, 1, 1, 0]);
  });
});

describe("singleLinkage", () => {
  it("reproduces the doc-comment example", () => {
    expect(Array.from(singleLinkage([0, 1, 4, 1, 0, 2, 4, 2, 0], 3))).toEqual([0, 1, 1, 2, 2, 3, 2, 3]);
  });

  it.each(fixture.linkage.map((c, i) => [i, c.k, c] as const))(
    "matches scipy exactly on tie-heavy integer distances (case %i, k = %i)",
    (_i, k, c) => {
      const z = singleLinkage(c.distance, k);
      expect(Array.from(z)).toEqual(c.linkage);
      expect(quasiDiagonalOrder(z, k)).toEqual(c.order);
    },
  );

  it.each(synthetic.map((c) => [c.name, c] as const))("matches scipy on the correlation distances of %s", (_name, c) => {
    const d = hrpDistance(correlationFromCovariance(Float64Array.from(c.cov), c.k), c.k);
    expectAllClose(singleLinkage(d, c.k), c.linkage, 1e-12);
  });

  it("rejects non-finite distances", () => {
    expect(() => singleLinkage([0, NaN, NaN, 0], 2)).toThrow("singleLinkage requires finite distances");
  });
});

describe("quasiDiagonalOrder", () => {
  it("lists the leaves of the doc-comment tree left to right", () => {
    expect(quasiDiagonalOrder(Float64Array.of(0, 1, 1, 2, 2, 3, 2, 3), 3)).toEqual([2, 0, 1]);
  });

  it.each(synthetic.map((c) => [c.name, c] as const))("matches scipy's to_tree().pre_order() on %s", (_name, c) => {
    expect(quasiDiagonalOrder(Float64Array.from(c.linkage), c.k)).toEqual(c.order);
  });

  it("rejects a linkage matrix of the wrong size", () => {
    expect(() => quasiDiagonalOrder([0, 1, 1], 2)).toThrow("quasiDiagonalOrder requires a (k − 1)×4 linkage matrix");
  });
});

describe("clusterOrder", () => {
  it.each(synthetic.map((c) => [c.name, c] as const))("is scipy's to_tree(linkage(d, 'single')).pre_order() on the correlations of %s", (_name, c) => {
    expect(clusterOrder(correlationFromCovariance(Float64Array.from(c.cov), c.k), c.k)).toEqual(c.order);
  });

  it("puts interleaved near-duplicates side by side and counts a pair without a correlation as ρ = 0", () => {
    // Models 0, 2, 4 one family (ρ 0.8–0.9), 1 and 3 another (0.85); ρ(3, 4) not defined (NaN).
    // Reference (scipy 1.17.1): c = this matrix with NaN → 0; d = sqrt(clip((1 − c)/2, 0, 1));
    // to_tree(linkage(squareform(d, checks=False), "single")).pre_order() == [4, 0, 2, 1, 3].
    const n = NaN;
    const corr = [1, 0.1, 0.9, 0.0, 0.8, 0.1, 1, 0.2, 0.85, 0.1, 0.9, 0.2, 1, 0.1, 0.85, 0.0, 0.85, 0.1, 1, n, 0.8, 0.1, 0.85, n, 1];
    expect(clusterOrder(corr, 5)).toEqual([4, 0, 2, 1, 3]);
  });

  it("orders one model trivially and rejects a non-square matrix", () => {
    expect(clusterOrder([1], 1)).toEqual([0]);
    expect(() => clusterOrder([1, 0, 0], 2)).toThrow("clusterOrder requires a k×k matrix");
  });
});

describe("hrpWeights", () => {
  it("reduces to inverse variance for two models", () => {
    expect(hrpWeights([1, 0, 0, 4], 2)).toEqual(Float64Array.of(0.8, 0.19999999999999996));
  });

  it.each(synthetic.map((c) => [c.name, c] as const))("matches the PyPortfolioOpt algorithm on %s", (_name, c) => {
    const w = hrpWeights(c.cov, c.k);
    expectAllClose(w, c.hrp, 1e-12);
    expect(w.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 14);
  });

  it.skipIf(!VLAD_PRESENT)(`matches the PyPortfolioOpt algorithm on real scores (${VLAD_PRESENT ? "data present" : VLAD_SKIP_REASON})`, () => {
    const real = fixture.cases.find((c) => c.name === "vladthestaker-10") as Case;
    const { cov, k } = allocationInput(loadVlad().columns);
    expect(quasiDiagonalOrder(singleLinkage(hrpDistance(correlationFromCovariance(cov, k), k), k), k)).toEqual(real.order);
    expectAllClose(hrpWeights(cov, k), real.hrp, 1e-12);
  });

  it("treats two identical models alike", () => {
    // Models 0 and 1 identical, 2 independent with the same variance: order [2, 0, 1], halves
    // {2} | {0, 1} with equal variances → ½, then ¼ each.
    expect(Array.from(hrpWeights([1, 1, 0, 1, 1, 0, 0, 0, 1], 3))).toEqual([0.25, 0.25, 0.5]);
  });

  it("gives a single model all the weight", () => {
    expect(Array.from(hrpWeights([0.0004], 1))).toEqual([1]);
  });

  it("returns NaN weights when a model has zero variance (correlation undefined)", () => {
    expect(Array.from(hrpWeights([1, 0, 0, 0], 2)).every(Number.isNaN)).toBe(true);
  });

  it("rejects a non-square matrix", () => {
    expect(() => hrpWeights([1, 0, 0], 2)).toThrow("hrpWeights requires a k×k matrix");
  });
});
