// Reference values: test/fixtures/analytics/reference.json from make_reference.py (numpy.linalg.eigh).
import { describe, expect, it } from "vitest";
import { symmetricEigen, symmetricEigenProjection } from "../../src/analytics/eigen.js";
import { bigMatrix, expectAllClose, expectClose, reference } from "./reference.js";

/** max |A·vⱼ − λⱼ·vⱼ| and max |VᵀV − I| relative to the largest |λ|. */
function residuals(a: Float64Array, k: number, values: Float64Array, vectors: Float64Array): { eig: number; orth: number } {
  const scale = Math.max(1, ...Array.from(values, Math.abs));
  let eig = 0;
  let orth = 0;
  for (let j = 0; j < k; j++) {
    for (let r = 0; r < k; r++) {
      let s = 0;
      for (let c = 0; c < k; c++) s += (a[r * k + c] as number) * (vectors[c * k + j] as number);
      eig = Math.max(eig, Math.abs(s - (values[j] as number) * (vectors[r * k + j] as number)) / scale);
    }
    for (let l = j; l < k; l++) {
      let s = 0;
      for (let r = 0; r < k; r++) s += (vectors[r * k + j] as number) * (vectors[r * k + l] as number);
      orth = Math.max(orth, Math.abs(s - (j === l ? 1 : 0)));
    }
  }
  return { eig, orth };
}

describe("symmetricEigen", () => {
  it("decomposes [[2,1],[1,2]] into eigenvalues 3 and 1 (doc example)", () => {
    const { values, vectors } = symmetricEigen(Float64Array.of(2, 1, 1, 2), 2);
    expect(Array.from(values)).toEqual([3, 1]);
    expectClose(Math.abs(vectors[0] as number), Math.SQRT1_2, 1e-15);
    expectClose((vectors[0] as number) * (vectors[2] as number), 0.5, 1e-15); // column 0 ∝ (1, 1)
  });

  it("matches numpy.linalg.eigh on a 4×4 covariance matrix (values, and vectors up to sign)", () => {
    const { small } = reference().eigen;
    const { values, vectors } = symmetricEigen(Float64Array.from(small.matrix), small.k);
    const scale = Math.abs(small.values[0] as number);
    expectAllClose(
      Array.from(values, (v) => v / scale),
      small.values.map((v) => v / scale),
      1e-12,
      "eigenvalues / λmax",
    );
    expectAllClose(Array.from(vectors, Math.abs), small.vectors.map(Math.abs), 1e-10, "|vectors|");
  });

  it("matches numpy.linalg.eigh on a 200×200 SPD matrix to 1e-12", () => {
    const big = reference().eigen.big;
    const a = bigMatrix(big.k, big.m, big.seed, big.lo, big.hi);
    const { values, vectors } = symmetricEigen(a, big.k);
    const scale = big.values[0] as number;
    expectAllClose(
      Array.from(values, (v) => v / scale),
      big.values.map((v) => v / scale),
      1e-12,
      "eigenvalues / λmax",
    );
    big.sampleColumns.forEach((col, s) => {
      const expected = big.sampleVectors[s] as number[];
      const actual = Array.from({ length: big.k }, (_, r) => Math.abs(vectors[r * big.k + col] as number));
      expectAllClose(actual, expected.map(Math.abs), 1e-12, `|vector ${col}|`);
    });
    const { eig, orth } = residuals(a, big.k, values, vectors);
    expect(eig).toBeLessThan(1e-13);
    expect(orth).toBeLessThan(1e-13);
  });

  it("returns eigenvalues in descending order", () => {
    const { values } = symmetricEigen(Float64Array.of(1, 0, 0, 0, 5, 0, 0, 0, 3), 3);
    expect(Array.from(values)).toEqual([5, 3, 1]);
  });

  it("returns an orthonormal basis for a repeated eigenvalue (the identity)", () => {
    const k = 5;
    const id = Float64Array.from({ length: k * k }, (_, i) => (i % (k + 1) === 0 ? 1 : 0));
    const { values, vectors } = symmetricEigen(id, k);
    expect(Array.from(values)).toEqual([1, 1, 1, 1, 1]);
    expect(residuals(id, k, values, vectors).orth).toBeLessThan(1e-15);
  });

  it("handles a singular matrix (all-ones: eigenvalues k, 0, …, 0)", () => {
    const k = 4;
    const ones = new Float64Array(k * k).fill(1);
    const { values, vectors } = symmetricEigen(ones, k);
    expectClose(values[0] as number, 4, 1e-14);
    for (let j = 1; j < k; j++) expect(Math.abs(values[j] as number)).toBeLessThan(1e-14);
    expect(residuals(ones, k, values, vectors).orth).toBeLessThan(1e-14);
  });

  it("handles N = 1", () => {
    const { values, vectors } = symmetricEigen([7], 1);
    expect(Array.from(values)).toEqual([7]);
    expect(Array.from(vectors)).toEqual([1]);
  });

  it("handles an empty matrix", () => {
    const { values, vectors } = symmetricEigen([], 0);
    expect(values.length).toBe(0);
    expect(vectors.length).toBe(0);
  });

  it("throws when the matrix is not k×k", () => {
    expect(() => symmetricEigen([1, 2, 3], 2)).toThrow("symmetricEigen requires a k×k matrix");
  });

  it("throws on a non-finite entry", () => {
    expect(() => symmetricEigen([1, NaN, NaN, 1], 2)).toThrow("symmetricEigen requires a finite matrix");
  });

  it("throws on a non-symmetric matrix", () => {
    expect(() => symmetricEigen([1, 2, 0, 1], 2)).toThrow("symmetricEigen requires a symmetric matrix");
  });
});

// Above 8×8 the decomposition is Householder + QL; the 200×200 numpy case above covers accuracy,
// these cover the structured cases on that path.
describe("symmetricEigen (Householder + QL, k > 8)", () => {
  it("returns an orthonormal basis for the 12×12 identity", () => {
    const k = 12;
    const id = Float64Array.from({ length: k * k }, (_, i) => (i % (k + 1) === 0 ? 1 : 0));
    const { values, vectors } = symmetricEigen(id, k);
    expect(Array.from(values)).toEqual(new Array(k).fill(1));
    expect(residuals(id, k, values, vectors).orth).toBeLessThan(1e-15);
  });

  it("handles a singular matrix (16×16 all-ones: eigenvalues 16, 0, …, 0)", () => {
    const k = 16;
    const ones = new Float64Array(k * k).fill(1);
    const { values, vectors } = symmetricEigen(ones, k);
    expectClose(values[0] as number, 16, 1e-14);
    for (let j = 1; j < k; j++) expect(Math.abs(values[j] as number)).toBeLessThan(1e-13);
    const { eig, orth } = residuals(ones, k, values, vectors);
    expect(eig).toBeLessThan(1e-14);
    expect(orth).toBeLessThan(1e-14);
  });

  it("keeps a diagonal matrix's eigenvalues exact, in descending order", () => {
    const k = 10;
    const diag = new Float64Array(k * k);
    for (let i = 0; i < k; i++) diag[i * k + i] = ((i * 7) % k) - 3;
    expect(Array.from(symmetricEigen(diag, k).values)).toEqual([6, 5, 4, 3, 2, 1, 0, -1, -2, -3]);
  });

  it("decomposes an indefinite 30×30 matrix with small residuals", () => {
    const k = 30;
    const a = new Float64Array(k * k);
    for (let i = 0; i < k; i++) {
      for (let j = 0; j <= i; j++) {
        const v = Math.sin(i * 31 + j * 17) / (1 + Math.abs(i - j));
        a[i * k + j] = v;
        a[j * k + i] = v;
      }
    }
    const { values, vectors } = symmetricEigen(a, k);
    for (let j = 1; j < k; j++) expect(values[j]).toBeLessThanOrEqual(values[j - 1] as number);
    const { eig, orth } = residuals(a, k, values, vectors);
    expect(eig).toBeLessThan(1e-14);
    expect(orth).toBeLessThan(1e-14);
  });

  it("agrees with Jacobi across the size switch: the trace and Frobenius norm are kept at k = 9", () => {
    const k = 9;
    const a = bigMatrix(k, 4, 11, -50, 50);
    const { values } = symmetricEigen(a, k);
    let trace = 0;
    let frobenius = 0;
    for (let i = 0; i < k; i++) trace += a[i * k + i] as number;
    for (let i = 0; i < k * k; i++) frobenius += (a[i] as number) ** 2;
    expectClose(Array.from(values).reduce((x, y) => x + y, 0), trace, 1e-13);
    expectClose(Array.from(values).reduce((x, y) => x + y * y, 0), frobenius, 1e-13);
  });
});

describe("symmetricEigenProjection", () => {
  it("projects a vector on the eigenvectors (doc example)", () => {
    const { values, projection } = symmetricEigenProjection(Float64Array.of(2, 1, 1, 2), 2, [1, 1]);
    expect(Array.from(values)).toEqual([3, 1]);
    expectClose(Math.abs(projection[0] as number), Math.SQRT2, 1e-15);
    expectClose(projection[1] as number, 0, 1e-15, "", 1);
  });

  it("equals Eᵀx from symmetricEigen up to sign, on the 200×200 matrix", () => {
    const big = reference().eigen.big;
    const k = big.k;
    const a = bigMatrix(k, big.m, big.seed, big.lo, big.hi);
    const x = Float64Array.from({ length: k }, (_, i) => Math.sin(i + 1));
    const full = symmetricEigen(a, k);
    const { values, projection } = symmetricEigenProjection(a, k, x);
    expect(Array.from(values)).toEqual(Array.from(full.values));
    const expected = Array.from({ length: k }, (_, j) => {
      let s = 0;
      for (let r = 0; r < k; r++) s += (full.vectors[r * k + j] as number) * (x[r] as number);
      return Math.abs(s);
    });
    expectAllClose(Array.from(projection, Math.abs), expected, 1e-12, "|Eᵀx|");
  });

  it.each([3, 8, 9, 12])("equals Eᵀx from symmetricEigen up to sign at k = %i (both sides of the Jacobi/QL switch)", (k) => {
    const a = bigMatrix(k, k + 2, 5, -20, 20);
    const x = Float64Array.from({ length: k }, (_, i) => Math.cos(i + 0.5));
    const full = symmetricEigen(a, k);
    const { values, projection } = symmetricEigenProjection(a, k, x);
    expect(Array.from(values)).toEqual(Array.from(full.values));
    const expected = Array.from({ length: k }, (_, j) => {
      let s = 0;
      for (let r = 0; r < k; r++) s += (full.vectors[r * k + j] as number) * (x[r] as number);
      return Math.abs(s);
    });
    expectAllClose(Array.from(projection, Math.abs), expected, 1e-12, "|Eᵀx|");
  });

  it("throws on a vector whose length is not k", () => {
    expect(() => symmetricEigenProjection([1, 0, 0, 1], 2, [1])).toThrow("symmetricEigenProjection requires a vector of length k");
  });

  it("throws on a non-symmetric matrix, naming itself", () => {
    expect(() => symmetricEigenProjection([1, 2, 0, 1], 2, [1, 1])).toThrow("symmetricEigenProjection requires a symmetric matrix");
  });
});
