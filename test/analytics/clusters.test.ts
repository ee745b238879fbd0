import { describe, expect, it } from "vitest";
import { thresholdClusters } from "../../src/analytics/clusters.js";

/** A symmetric k×k matrix from its upper triangle (row by row), 1 on the diagonal. */
function matrix(k: number, upper: number[]): Float64Array {
  const m = new Float64Array(k * k);
  let p = 0;
  for (let i = 0; i < k; i++) {
    m[i * k + i] = 1;
    for (let j = i + 1; j < k; j++) {
      m[i * k + j] = upper[p] as number;
      m[j * k + i] = upper[p++] as number;
    }
  }
  return m;
}

describe("thresholdClusters", () => {
  it("joins pairs at or above the threshold transitively (single linkage), singletons left out", () => {
    // 0–1 at 0.95 and 1–3 at 0.9 chain 0, 1, 3 although 0–3 is only 0.5; 2 and 4 stay alone.
    const corr = matrix(5, [0.95, 0.1, 0.5, 0.2, 0.3, 0.9, 0.1, 0.2, 0.3, 0.89]);
    expect(thresholdClusters(corr, 5, 0.9)).toEqual([[0, 1, 3]]);
  });

  it("orders clusters by their first model and ignores undefined (NaN) pairs", () => {
    // Upper triangle (0,1) (0,2) (0,3) (1,2) (1,3) (2,3).
    expect(thresholdClusters(matrix(4, [0.2, NaN, 0.1, 0.1, 0.99, NaN]), 4, 0.9)).toEqual([[1, 3]]);
    expect(thresholdClusters(matrix(4, [0.95, 0.1, 0.1, 0.1, 0.1, 0.97]), 4, 0.9)).toEqual([
      [0, 1],
      [2, 3],
    ]);
  });

  it("finds nothing in an empty or independent set, and refuses a wrong shape", () => {
    expect(thresholdClusters(new Float64Array(0), 0, 0.9)).toEqual([]);
    expect(thresholdClusters(matrix(3, [0, 0, 0]), 3, 0.9)).toEqual([]);
    expect(() => thresholdClusters(new Float64Array(3), 2, 0.9)).toThrow("thresholdClusters requires a k×k matrix");
  });
});
