// Reference values: scikit-learn 1.2 LedoitWolf().fit(X) (covariance_, shrinkage_), produced by
// test/fixtures/allocation/make_allocation.py → allocation.json (command in the fixture README).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ledoitWolf } from "../../src/analytics/ledoit-wolf.js";
import { loadVlad, VLAD_PRESENT, VLAD_SKIP_REASON } from "../fixtures/allocation/vlad.js";

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
