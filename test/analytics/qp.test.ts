import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { projectOntoCappedSimplex, solveCappedSimplexQp } from "../../src/analytics/qp.js";
import { parkMillerInts } from "./reference.js";

/** Random symmetric PSD matrix AᵀA with A r×k (r < k gives a singular matrix). */
function psd(k: number, r: number, entries: readonly number[]): Float64Array {
  const h = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      let s = 0;
      for (let t = 0; t < r; t++) s += (entries[t * k + i] as number) * (entries[t * k + j] as number);
      h[i * k + j] = s;
    }
  }
  return h;
}

function gradient(h: ArrayLike<number>, c: ArrayLike<number>, x: ArrayLike<number>): Float64Array {
  const k = x.length;
  return Float64Array.from({ length: k }, (_, i) => {
    let s = c[i] as number;
    for (let j = 0; j < k; j++) s += (h[i * k + j] as number) * (x[j] as number);
    return s;
  });
}

function objective(h: ArrayLike<number>, c: ArrayLike<number>, x: ArrayLike<number>): number {
  const g = gradient(h, new Float64Array(x.length), x);
  let s = 0;
  for (let i = 0; i < x.length; i++) s += 0.5 * (x[i] as number) * (g[i] as number) + (c[i] as number) * (x[i] as number);
  return s;
}

/**
 * KKT conditions on the capped simplex: every variable that could still decrease (x > 0) has a
 * gradient no larger than every variable that could still increase (x < u).
 */
function kktGap(h: ArrayLike<number>, c: ArrayLike<number>, x: ArrayLike<number>, u: number): number {
  const g = gradient(h, c, x);
  let maxDecreasable = -Infinity;
  let minIncreasable = Infinity;
  for (let i = 0; i < x.length; i++) {
    if ((x[i] as number) > 1e-12) maxDecreasable = Math.max(maxDecreasable, g[i] as number);
    if ((x[i] as number) < u - 1e-12) minIncreasable = Math.min(minIncreasable, g[i] as number);
  }
  return maxDecreasable - minIncreasable;
}

const problem = fc
  .integer({ min: 1, max: 9 })
  .chain((k) =>
    fc.record({
      k: fc.constant(k),
      rank: fc.integer({ min: 1, max: k + 2 }),
      entries: fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: k * (k + 2), maxLength: k * (k + 2) }),
      c: fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: k, maxLength: k }),
      slack: fc.double({ min: 0, max: 1, noNaN: true }),
    }),
  );

describe("projectOntoCappedSimplex", () => {
  it("projects the origin onto the equal-weight point", () => {
    expect(projectOntoCappedSimplex([0, 0, 0, 0], [0.35, 0.35, 0.35, 0.35])).toEqual(Float64Array.of(0.25, 0.25, 0.25, 0.25));
  });

  it("returns the clamp of v − τ for one common τ, summing to 1", () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: 1, maxLength: 12 }), (v) => {
        const u = Math.max(1 / v.length, 0.3);
        const x = projectOntoCappedSimplex(v, new Float64Array(v.length).fill(u));
        expect(x.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
        // Interior coordinates share the same shift τ = vᵢ − xᵢ; bound ones are consistent with it.
        const taus = v.flatMap((vi, i) => ((x[i] as number) > 1e-12 && (x[i] as number) < u - 1e-12 ? [vi - (x[i] as number)] : []));
        if (taus.length > 0) {
          const tau = taus[0] as number;
          taus.forEach((t) => expect(t).toBeCloseTo(tau, 9));
          v.forEach((vi, i) => {
            if ((x[i] as number) <= 1e-12) expect(vi - tau).toBeLessThanOrEqual(1e-9);
            if ((x[i] as number) >= u - 1e-12) expect(vi - tau).toBeGreaterThanOrEqual(u - 1e-9);
          });
        }
      }),
      { numRuns: 200 },
    );
  });

  it("throws when the bounds cannot reach a sum of 1", () => {
    expect(() => projectOntoCappedSimplex([0, 0], [0.3, 0.3])).toThrow("projectOntoCappedSimplex requires upper bounds summing to at least 1");
  });
});

describe("solveCappedSimplexQp", () => {
  it("solves the doc-comment example", () => {
    // min ½(x₁² + 3x₂²) on x₁ + x₂ = 1: x = (3/4, 1/4).
    expect(solveCappedSimplexQp([1, 0, 0, 3], undefined, 2, { upper: 1 }).x).toEqual(Float64Array.of(0.75, 0.25));
  });

  it("satisfies the KKT conditions for random positive semi-definite problems, singular ones included", () => {
    fc.assert(
      fc.property(problem, ({ k, rank, entries, c, slack }) => {
        const h = psd(k, rank, entries);
        const u = Math.min(1, 1 / k + slack);
        const { x } = solveCappedSimplexQp(h, c, k, { upper: u });
        expect(x.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
        x.forEach((v) => {
          expect(v).toBeGreaterThanOrEqual(0);
          expect(v).toBeLessThanOrEqual(u);
        });
        const scale = Math.max(1, ...Array.from({ length: k }, (_, i) => Math.abs(h[i * k + i] as number)));
        expect(kktGap(h, c, x, u)).toBeLessThanOrEqual(1e-9 * scale);
      }),
      { numRuns: 300 },
    );
  });

  it("reaches the same optimum from any warm start", () => {
    fc.assert(
      fc.property(problem, fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 9, maxLength: 9 }), (p, raw) => {
        const { k, rank, entries, c, slack } = p;
        const h = psd(k, rank, entries);
        const u = Math.min(1, 1 / k + slack);
        const cold = solveCappedSimplexQp(h, c, k, { upper: u }).x;
        const warm = solveCappedSimplexQp(h, c, k, { upper: u, start: raw.slice(0, k) }).x;
        expect(objective(h, c, warm)).toBeCloseTo(objective(h, c, cold), 10);
      }),
      { numRuns: 200 },
    );
  });

  // The working set's factor is updated as variables leave and enter; these sizes make a cold
  // start drop dozens of variables and, on the singular ones, cross from regularised to plain faces.
  it.each([
    [60, 80],
    [60, 12],
    [120, 150],
  ])("satisfies the KKT conditions and reaches the same optimum warm or cold for k = %i, rank %i", (k, rank) => {
    const entries = Array.from(parkMillerInts(k * rank, 7 + k + rank, -1000, 1000), (v) => v / 1000);
    const h = psd(k, rank, entries);
    const c = Array.from({ length: k }, (_, i) => 0.05 * Math.sin(i));
    for (const u of [0.35, 0.1, 1]) {
      const scale = Math.max(1, ...Array.from({ length: k }, (_, i) => Math.abs(h[i * k + i] as number)));
      const cold = solveCappedSimplexQp(h, c, k, { upper: u }).x;
      expect(cold.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
      expect(kktGap(h, c, cold, u)).toBeLessThanOrEqual(1e-9 * scale);
      const start = Array.from({ length: k }, (_, i) => (i % 3 === 0 ? 1 : 0));
      const warm = solveCappedSimplexQp(h, c, k, { upper: u, start }).x;
      expect(kktGap(h, c, warm, u)).toBeLessThanOrEqual(1e-9 * scale);
      expect(Math.abs(objective(h, c, warm) - objective(h, c, cold))).toBeLessThanOrEqual(1e-12 * scale);
    }
  });

  it("returns Σx = 1 when the bounds sum to 1 within the 1e-12 slack (x = u, rounded onto the simplex)", () => {
    // fast-check found this: 7 × (1/7 + 7.14e-14) = 1 + 5e-13.
    const { x } = solveCappedSimplexQp(new Float64Array(49), undefined, 7, { upper: 1 / 7 + 7.142897384682101e-14 });
    expect(x.reduce((a, b) => a + b, 0)).toBe(1);
  });

  it("keeps a variable with upper bound 0 at 0", () => {
    const { x } = solveCappedSimplexQp([1, 0, 0, 0, 1, 0, 0, 0, 1], [-5, 0, 0], 3, { upper: [0, 1, 1] });
    expect(Array.from(x)).toEqual([0, 0.5, 0.5]);
  });

  it("rejects malformed input", () => {
    expect(() => solveCappedSimplexQp([1, 0, 0], undefined, 2, { upper: 1 })).toThrow("solveCappedSimplexQp requires a k×k matrix");
    expect(() => solveCappedSimplexQp([1, 0, 0, 1], [1], 2, { upper: 1 })).toThrow("solveCappedSimplexQp requires k linear terms");
    expect(() => solveCappedSimplexQp([1, NaN, 0, 1], undefined, 2, { upper: 1 })).toThrow("solveCappedSimplexQp requires finite inputs");
    expect(() => solveCappedSimplexQp([1, 0, 0, 1], undefined, 2, { upper: 0.4 })).toThrow(
      "projectOntoCappedSimplex requires upper bounds summing to at least 1",
    );
  });
});
