// Internal kernels, checked against their naive definitions (plain loops in this file).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { argsort, centreColumns, crossProducts, sumSquaredRowNorms } from "../../src/analytics/dense.js";

/** k×n rows with awkward, non-integer values. */
function rows(k: number, n: number): Float64Array {
  return Float64Array.from({ length: k * n }, (_, i) => Math.sin(1.7 * i + 0.3) * (1 + (i % 7)));
}

describe("centreColumns", () => {
  it("subtracts each column's given mean, packed model-major (doc example)", () => {
    expect(Array.from(centreColumns([[1, 2, 3]], 3, [2]))).toEqual([-1, 0, 1]);
  });

  it("packs column i at offset i·n", () => {
    expect(Array.from(centreColumns([Float64Array.of(1, 3), Float64Array.of(10, 20)], 2, [2, 15]))).toEqual([-1, 1, -5, 5]);
  });
});

describe("crossProducts", () => {
  it("gives the Gram matrix of the rows (doc example)", () => {
    expect(Array.from(crossProducts(Float64Array.of(1, 2, 3, 4), 2, 2))).toEqual([5, 11, 11, 25]);
  });

  it.each([1, 2, 3, 4, 5, 8, 11])("matches the naive dot products and is exactly symmetric for k = %i", (k) => {
    const n = 37;
    const d = rows(k, n);
    const g = crossProducts(d, k, n);
    for (let i = 0; i < k; i++) {
      for (let j = 0; j < k; j++) {
        let s = 0;
        for (let t = 0; t < n; t++) s += (d[i * n + t] as number) * (d[j * n + t] as number);
        // Each entry is one left-to-right sum, the same as this loop's.
        expect(g[i * k + j]).toBe(s);
        expect(g[i * k + j]).toBe(g[j * k + i]);
      }
    }
  });

  it("returns an empty matrix for no rows", () => {
    expect(crossProducts(new Float64Array(0), 0, 5).length).toBe(0);
  });
});

describe("sumSquaredRowNorms", () => {
  it("is Σₜ (Σᵢ dᵢₜ²)² (doc example)", () => {
    expect(sumSquaredRowNorms(Float64Array.of(1, 2, 3, 4), 2, 2)).toBe(500);
  });
});

describe("argsort", () => {
  it("orders indices by value (doc example)", () => {
    expect(Array.from(argsort([3, 1, 2], Int32Array.of(0, 1, 2)))).toEqual([1, 2, 0]);
  });

  it("is stable and agrees with a comparator sort, ties included", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -3, max: 3 }), { maxLength: 60 }), (values) => {
        const idx = Int32Array.from(values.keys());
        const expected = Array.from(values.keys()).sort((a, b) => (values[a] as number) - (values[b] as number) || a - b);
        expect(Array.from(argsort(values, idx))).toEqual(expected);
      }),
      { numRuns: 200 },
    );
  });

  it("sorts only the indices it is given", () => {
    expect(Array.from(argsort([5, 4, 3, 2, 1], Int32Array.of(0, 2, 4)))).toEqual([4, 2, 0]);
  });
});
