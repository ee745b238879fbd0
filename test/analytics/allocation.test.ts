// Reference values: test/fixtures/allocation/make_allocation.py → allocation.json (numpy 1.24,
// scipy 1.10 SLSQP best of five starts with ftol 1e-16, scikit-learn 1.2 LedoitWolf, an
// independent closed-form applyBounds); command in test/fixtures/allocation/README.md.
// Optimiser weights are compared at 1e-6, and our optimum must be at least as good as SLSQP's.
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ALLOCATION_METHODS, allocate, applyBounds, equalWeights, inverseVariance, maximumSharpe, minimumVariance } from "../../src/analytics/allocation.js";
import { loadVlad, VLAD_PRESENT, VLAD_SKIP_REASON } from "../fixtures/allocation/vlad.js";
import { allocationInput } from "../../src/analytics/risk-model.js";

interface Case {
  name: string;
  k: number;
  mu: number[];
  cov: number[];
  lwCov: number[];
  inverseVariance: number[];
  minimumVariance: Record<string, { weights: number[]; variance: number }>;
  maximumSharpe: Record<string, { weights: number[]; sharpe: number }>;
  allocate?: Record<string, number[]>;
  columns?: number[][];
}
const fixture = JSON.parse(readFileSync(new URL("../fixtures/allocation/allocation.json", import.meta.url), "utf8")) as {
  cases: Case[];
  applyBounds: { weights: number[]; cap: number; floor: number; expected: number[] }[];
};
const synthetic = fixture.cases.filter((c) => c.columns !== undefined);
const real = fixture.cases.find((c) => c.name === "vladthestaker-10");
const realLabel = VLAD_PRESENT ? "data present" : VLAD_SKIP_REASON;

function quadratic(m: ArrayLike<number>, k: number, w: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) s += (w[i] as number) * (m[i * k + j] as number) * (w[j] as number);
  return s;
}
function sharpeOf(mu: ArrayLike<number>, cov: ArrayLike<number>, k: number, w: ArrayLike<number>): number {
  let r = 0;
  for (let i = 0; i < k; i++) r += (mu[i] as number) * (w[i] as number);
  return r / Math.sqrt(quadratic(cov, k, w));
}
function expectAllClose(actual: ArrayLike<number>, expected: readonly number[], tol: number): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) expect(Math.abs((actual[i] as number) - (expected[i] as number))).toBeLessThanOrEqual(tol);
}
function expectFeasible(w: ArrayLike<number>, cap: number): void {
  let s = 0;
  for (let i = 0; i < w.length; i++) {
    expect(w[i]).toBeGreaterThanOrEqual(0);
    expect(w[i]).toBeLessThanOrEqual(cap + 1e-15);
    s += w[i] as number;
  }
  expect(s).toBeCloseTo(1, 13);
}

/** The real-data case's inputs, recomputed from ../shared (only called when present). */
function realInput(): ReturnType<typeof allocationInput> {
  return allocationInput(loadVlad().columns);
}

describe("equalWeights", () => {
  it("gives each of k models 1/k", () => {
    expect(equalWeights(4)).toEqual(Float64Array.of(0.25, 0.25, 0.25, 0.25));
  });

  it("rejects zero models", () => {
    expect(() => equalWeights(0)).toThrow("equalWeights requires at least one model");
  });
});

describe("inverseVariance", () => {
  it("weights by 1/variance", () => {
    expect(inverseVariance([1, 0, 0, 4], 2)).toEqual(Float64Array.of(0.8, 0.2));
  });

  it.each(synthetic.map((c) => [c.name, c] as const))("matches numpy on %s", (_name, c) => {
    expectAllClose(inverseVariance(c.cov, c.k), c.inverseVariance, 1e-12);
  });

  it("returns NaN weights when a model has zero variance (a constant series)", () => {
    expect(Array.from(inverseVariance([0.0004, 0, 0, 0], 2)).every(Number.isNaN)).toBe(true);
  });
});

describe("minimumVariance", () => {
  it("solves the doc-comment example", () => {
    expect(minimumVariance([1, 0, 0, 3], 2, { cap: 1 })).toEqual(Float64Array.of(0.75, 0.25));
  });

  const cases = synthetic.flatMap((c) => Object.entries(c.minimumVariance).map(([cap, r]) => [c.name, Number(cap), c, r] as const));
  it.each(cases)("matches SLSQP on %s with cap %f and is at least as good", (_name, cap, c, r) => {
    const w = minimumVariance(c.cov, c.k, { cap });
    expectFeasible(w, cap);
    expectAllClose(w, r.weights, 1e-6);
    expect(quadratic(c.cov, c.k, w)).toBeLessThanOrEqual(r.variance * (1 + 1e-9));
  });

  it.skipIf(!VLAD_PRESENT)(`matches SLSQP on real scores of ten models, every cap (${realLabel})`, () => {
    const { cov, k } = realInput();
    for (const [cap, r] of Object.entries((real as Case).minimumVariance)) {
      const w = minimumVariance(cov, k, { cap: Number(cap) });
      expectAllClose(w, r.weights, 1e-6);
      expect(quadratic(cov, k, w)).toBeLessThanOrEqual(r.variance * (1 + 1e-9));
    }
  });

  it("splits a perfectly anti-correlated pair 50/50 with zero variance", () => {
    const cov = [4e-4, -4e-4, -4e-4, 4e-4];
    const w = minimumVariance(cov, 2, { cap: 1 });
    expect(Array.from(w)).toEqual([0.5, 0.5]);
    expect(quadratic(cov, 2, w)).toBe(0);
  });

  it("splits two identical models exactly equally", () => {
    // Models 0 and 1 have the same scores (identical covariance rows); 2 is independent.
    const cov = [4e-4, 4e-4, 0, 4e-4, 4e-4, 0, 0, 0, 9e-4];
    const w = minimumVariance(cov, 3, { cap: 1 });
    expect(w[0]).toBe(w[1]);
    // Merged, it is the 2-asset problem diag(4, 9)e-4: 9/13 on the pair.
    expect((w[0] as number) + (w[1] as number)).toBeCloseTo(9 / 13, 14);
  });

  it("gives a zero-variance (constant) model the cap", () => {
    const cov = [0, 0, 0, 0, 4e-4, 1e-4, 0, 1e-4, 9e-4];
    const w = minimumVariance(cov, 3, { cap: 0.5 });
    expect(w[0]).toBe(0.5);
  });

  it("gives a single model everything when the cap allows it", () => {
    expect(Array.from(minimumVariance([4e-4], 1, { cap: 1 }))).toEqual([1]);
  });

  it("throws when the cap is infeasible", () => {
    expect(() => minimumVariance([1, 0, 0, 1], 2)).toThrow("cap × models must be at least 1");
    expect(() => minimumVariance([1, 0, 0, 1], 2, { cap: 0 })).toThrow("minimumVariance requires a cap in (0, 1]");
  });

  it("returns NaN weights for a covariance with NaN entries", () => {
    expect(Array.from(minimumVariance([NaN, 0, 0, 1], 2, { cap: 1 })).every(Number.isNaN)).toBe(true);
  });
});

describe("maximumSharpe", () => {
  it("solves the doc-comment example (uncapped: w ∝ Σ⁻¹μ)", () => {
    const w = maximumSharpe([0.01, 0.02], [0.0004, 0, 0, 0.0009], 2, { cap: 1 });
    expect(w[0]).toBeCloseTo(9 / 17, 15);
    expect(w[1]).toBeCloseTo(8 / 17, 15);
  });

  const cases = synthetic.flatMap((c) => Object.entries(c.maximumSharpe).map(([cap, r]) => [c.name, Number(cap), c, r] as const));
  it.each(cases)("matches SLSQP on the Ledoit–Wolf covariance of %s with cap %f and is at least as good", (_name, cap, c, r) => {
    const w = maximumSharpe(c.mu, c.lwCov, c.k, { cap });
    expectFeasible(w, cap);
    expectAllClose(w, r.weights, 1e-6);
    expect(sharpeOf(c.mu, c.lwCov, c.k, w)).toBeGreaterThanOrEqual(r.sharpe - 1e-9 * Math.abs(r.sharpe));
  });

  it.skipIf(!VLAD_PRESENT)(`matches SLSQP on real scores of ten models, every cap (${realLabel})`, () => {
    const { mu, shrunkCov, k } = realInput();
    for (const [cap, r] of Object.entries((real as Case).maximumSharpe)) {
      const w = maximumSharpe(mu, shrunkCov, k, { cap: Number(cap) });
      expectAllClose(w, r.weights, 1e-6);
      expect(sharpeOf(mu, shrunkCov, k, w)).toBeGreaterThanOrEqual(r.sharpe - 1e-9 * Math.abs(r.sharpe));
    }
  });

  it("beats every random feasible portfolio (global optimum of a pseudo-concave ratio)", () => {
    const c = synthetic[1] as Case;
    const cap = 0.35;
    const best = sharpeOf(c.mu, c.lwCov, c.k, maximumSharpe(c.mu, c.lwCov, c.k, { cap }));
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: c.k, maxLength: c.k }), (raw) => {
        if (!raw.some((v) => v > 0)) return;
        const w = applyBounds(raw, { cap, floor: 0 });
        expect(sharpeOf(c.mu, c.lwCov, c.k, w)).toBeLessThanOrEqual(best + 1e-12);
      }),
      { numRuns: 300 },
    );
  });

  it("returns the same portfolio from a warm start", () => {
    const c = synthetic[2] as Case;
    const cold = maximumSharpe(c.mu, c.lwCov, c.k, { cap: 0.35 });
    const warm = maximumSharpe(c.mu, c.lwCov, c.k, { cap: 0.35, start: equalWeights(c.k) });
    expectAllClose(warm, Array.from(cold), 1e-9);
  });

  it("returns NaN weights when no mean is positive", () => {
    expect(Array.from(maximumSharpe([-0.01, -0.02], [1e-4, 0, 0, 1e-4], 2, { cap: 1 })).every(Number.isNaN)).toBe(true);
  });

  it("returns NaN weights when the cap forces a negative expected return", () => {
    // Best attainable: 0.35·0.01 + 0.35·(−0.02) + 0.3·(−0.03) < 0.
    const cov = [1e-4, 0, 0, 0, 1e-4, 0, 0, 0, 1e-4];
    expect(Array.from(maximumSharpe([0.01, -0.02, -0.03], cov, 3, { cap: 0.35 })).every(Number.isNaN)).toBe(true);
  });

  it("splits two identical models exactly equally", () => {
    const cov = [4e-4, 4e-4, 0, 4e-4, 4e-4, 0, 0, 0, 9e-4];
    const w = maximumSharpe([0.01, 0.01, 0.02], cov, 3, { cap: 1 });
    expect(w[0]).toBe(w[1]);
  });

  it("throws when the cap is infeasible", () => {
    expect(() => maximumSharpe([0.01, 0.02], [1, 0, 0, 1], 2)).toThrow("cap × models must be at least 1");
  });
});

describe("applyBounds", () => {
  it("caps, drops the weight below the floor and re-normalises (doc-comment example)", () => {
    expect(applyBounds([0.6, 0.3, 0.095, 0.005], { cap: 0.5, floor: 0.01 })).toEqual(
      Float64Array.of(0.5, 0.379746835443038, 0.12025316455696204, 0),
    );
  });

  it.each(fixture.applyBounds.map((c) => [c.weights.length, c.cap, c.floor, c] as const))(
    "matches the closed-form reference for %i weights, cap %f, floor %f",
    (_k, cap, floor, c) => {
      expectAllClose(applyBounds(c.weights, { cap, floor }), c.expected, 1e-12);
    },
  );

  it("drops below-floor weights one at a time, so 200 equal weights keep 100 at the floor", () => {
    const w = applyBounds(new Float64Array(200).fill(1), { cap: 0.35, floor: 0.01 });
    expect(w.filter((v) => v > 0).length).toBe(100);
    expect(Array.from(w.subarray(0, 100)).every((v) => Math.abs(v - 0.01) < 1e-15)).toBe(true);
  });

  it("keeps weights below the floor when dropping them would make the cap infeasible", () => {
    // Three models, cap 0.35: dropping any one leaves 2 × 0.35 < 1.
    expect(Array.from(applyBounds([0.9, 0.095, 0.005], { cap: 0.35, floor: 0.1 }))).toEqual([0.35, 0.35, 0.30000000000000004]);
  });

  it("always returns weights summing to 1, each 0 or within [floor, cap] when feasible", () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.constant(0), fc.double({ min: 1e-9, max: 10, noNaN: true })), { minLength: 3, maxLength: 30 }),
        fc.double({ min: 0.05, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 0.05, noNaN: true }),
        (raw, capRaw, floor) => {
          const positives = raw.filter((v) => v > 0).length;
          const cap = Math.max(capRaw, 1 / Math.max(1, positives));
          if (positives === 0 || positives * cap < 1) return;
          const w = applyBounds(raw, { cap, floor });
          expect(w.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
          const minKept = Math.ceil(1 / cap - 1e-12);
          const kept = w.filter((v) => v > 0).length;
          w.forEach((v) => expect(v).toBeLessThanOrEqual(cap + 1e-12));
          if (kept > minKept) w.forEach((v) => expect(v === 0 || v >= floor * (1 - 1e-9)).toBe(true));
        },
      ),
      { numRuns: 300 },
    );
  });

  it("gives exactly the result of dropping below-floor weights one at a time (the documented procedure)", () => {
    // The procedure as documented, literally: cap, drop the smallest (last index among ties) if
    // below the floor and droppable, re-cap from the original weights, repeat.
    function oneAtATime(weights: readonly number[], cap: number, floor: number): Float64Array {
      const k = weights.length;
      const largest = Math.max(...weights);
      const v = weights.map((x) => x / largest);
      const support = weights.flatMap((x, i) => (x > 0 ? [i] : []));
      for (;;) {
        const w = new Float64Array(k);
        const capped = new Uint8Array(k);
        let cappedCount = 0;
        for (let again = true; again; ) {
          again = false;
          let rest = 0;
          for (const i of support) if (capped[i] === 0) rest += v[i] as number;
          const left = 1 - cappedCount * cap;
          for (const i of support) {
            if (capped[i] === 1) {
              w[i] = cap;
              continue;
            }
            const wi = rest > 0 ? (left * (v[i] as number)) / rest : 0;
            if (wi > cap) {
              capped[i] = 1;
              cappedCount++;
              again = true;
            }
            w[i] = wi;
          }
        }
        let smallest = -1;
        for (const i of support) if (smallest < 0 || (w[i] as number) <= (w[smallest] as number)) smallest = i;
        if ((support.length - 1) * cap < 1 - 1e-12 || (w[smallest] as number) >= floor * (1 - 1e-9)) return w;
        support.splice(support.indexOf(smallest), 1);
      }
    }
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.constant(0), fc.constantFrom(0.01, 0.02, 0.05, 1), fc.double({ min: 1e-6, max: 10, noNaN: true })), {
          minLength: 1,
          maxLength: 80,
        }),
        fc.double({ min: 0.02, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 0.2, noNaN: true }),
        (raw, capRaw, floorRaw) => {
          const positives = raw.filter((v) => v > 0).length;
          const cap = Math.max(capRaw, 1 / Math.max(1, positives));
          const floor = Math.min(floorRaw, cap);
          if (positives === 0 || positives * cap < 1 - 1e-12) return;
          expect(applyBounds(raw, { cap, floor })).toEqual(oneAtATime(raw, cap, floor));
        },
      ),
      { numRuns: 500 },
    );
  });

  it("passes NaN weights (an undefined method result) through as NaN", () => {
    expect(Array.from(applyBounds([NaN, 0.5])).every(Number.isNaN)).toBe(true);
  });

  it("rejects negative weights, all-zero weights, an infeasible cap and a floor above the cap", () => {
    expect(() => applyBounds([-0.1, 1])).toThrow("applyBounds requires finite, non-negative weights");
    expect(() => applyBounds([0, 0])).toThrow("applyBounds requires at least one positive weight");
    expect(() => applyBounds([1, 1])).toThrow("cap × models must be at least 1");
    expect(() => applyBounds([1, 0, 0, 0], { cap: 0.5 })).toThrow("cap × models must be at least 1");
    expect(() => applyBounds([1, 1], { cap: 0.5, floor: 0.6 })).toThrow("applyBounds requires a floor in [0, cap]");
  });
});

describe("allocationInput", () => {
  it("bundles means, sample covariance and the Ledoit–Wolf estimate", () => {
    const input = allocationInput([[1, 2, 3, 4], [2, 1, 4, 3]]);
    expect(input.shrinkage).toBeCloseTo(0.4444444444444444, 14);
    expect(Array.from(input.mu)).toEqual([2.5, 2.5]);
    expect(input.cov[0]).toBeCloseTo(1.6666666666666667, 14); // np.cov ddof 1
  });
});

describe("allocate", () => {
  it("applies the bounds after the method (doc-comment example)", () => {
    expect(allocate("inverseVariance", { mu: [0, 0, 0], cov: [1, 0, 0, 0, 4, 0, 0, 0, 4], k: 3 }, { cap: 0.5 })).toEqual(
      Float64Array.of(0.5, 0.25, 0.25),
    );
  });

  const cases = synthetic.flatMap((c) => Object.entries(c.allocate ?? {}).map(([method, w]) => [method, c.name, c, w] as const));
  it.each(cases)("matches the reference for %s on %s with the default cap 0.35 and floor 0.01", (method, _name, c, expected) => {
    const w = allocate(method as (typeof ALLOCATION_METHODS)[number], { mu: c.mu, cov: c.cov, k: c.k, shrunkCov: c.lwCov });
    expectAllClose(w, expected, 1e-6);
  });

  it.skipIf(!VLAD_PRESENT)(`matches the reference for every method on real scores (${realLabel})`, () => {
    const input = realInput();
    for (const [method, expected] of Object.entries((real as Case).allocate ?? {})) {
      expectAllClose(allocate(method as (typeof ALLOCATION_METHODS)[number], input), expected, 1e-6);
    }
  });

  it("uses the shrunk covariance for maximumSharpe when given", () => {
    const c = synthetic[0] as Case;
    const onSample = allocate("maximumSharpe", { mu: c.mu, cov: c.cov, k: c.k });
    const onShrunk = allocate("maximumSharpe", { mu: c.mu, cov: c.cov, k: c.k, shrunkCov: c.lwCov });
    expectAllClose(onShrunk, (c.allocate as Record<string, number[]>)["maximumSharpe"] as number[], 1e-6);
    expect(Math.max(...onSample.map((v, i) => Math.abs(v - (onShrunk[i] as number))))).toBeGreaterThan(1e-3);
  });

  it.each(ALLOCATION_METHODS.map((m) => [m]))("gives a single model everything with cap 1 (%s)", (method) => {
    expect(Array.from(allocate(method, { mu: [0.01], cov: [1e-4], k: 1 }, { cap: 1 }))).toEqual([1]);
  });

  it("throws for a single model under the default cap", () => {
    expect(() => allocate("equal", { mu: [0.01], cov: [1e-4], k: 1 })).toThrow("cap × models must be at least 1");
  });

  it("returns NaN weights when the method is undefined for the data", () => {
    const input = { mu: [-0.01, -0.02, -0.01], cov: [1e-4, 0, 0, 0, 1e-4, 0, 0, 0, 1e-4], k: 3 };
    expect(Array.from(allocate("maximumSharpe", input, { cap: 0.5 })).every(Number.isNaN)).toBe(true);
    const constant = { mu: [0.01, 0.02, 0.01], cov: [0, 0, 0, 0, 1e-4, 0, 0, 0, 1e-4], k: 3 };
    expect(Array.from(allocate("hrp", constant, { cap: 0.5 })).every(Number.isNaN)).toBe(true);
    expect(Array.from(allocate("inverseVariance", constant, { cap: 0.5 })).every(Number.isNaN)).toBe(true);
  });

  it("rejects an unknown method and mismatched shapes", () => {
    const input = { mu: [0, 0, 0], cov: [1, 0, 0, 0, 1, 0, 0, 0, 1], k: 3 };
    expect(() => allocate("magic" as "equal", input)).toThrow("allocate requires a known method");
    expect(() => allocate("equal", { ...input, mu: [0] })).toThrow("allocate requires k means");
    expect(() => allocate("equal", { ...input, cov: [1] })).toThrow("allocate requires a k×k covariance matrix");
  });
});
