// Reference values: test/fixtures/analytics/reference.json from make_reference.py (numpy masks).
import { describe, expect, it } from "vitest";
import { alignByRound } from "../../src/analytics/align.js";
import type { HedgeValue } from "../../src/analytics/hedge.js";
import { hedgeValue, hedgeValues } from "../../src/analytics/hedge.js";
import type { HedgeRef } from "./reference.js";
import { HAS_REAL_DATA, expectClose, num, realScoreSeries, reference } from "./reference.js";

function expectHedge(actual: HedgeValue, expected: HedgeRef, label: string): void {
  for (const f of ["meanWhenRestDown", "meanWhenRestUp", "amplifiedPayout", "mean"] as const) {
    expectClose(actual[f], num(expected[f]), 1e-9, `${label}.${f}`);
  }
  expect(actual.countDown, `${label}.countDown`).toBe(expected.countDown);
  expect(actual.countUp, `${label}.countUp`).toBe(expected.countUp);
  expect(actual.quadrants, `${label}.quadrants`).toEqual(expected.quadrants);
  expect(actual.amplification).toBe(expected.amplification);
}

function syntheticColumns(): Float64Array[] {
  const s = reference().pairwise.series;
  return [...alignByRound(["A", "B", "D", "G"].map((n) => s.find((x) => x.name === n)!)).columns];
}

describe("hedgeValue", () => {
  it("splits a model's rounds by the sign of the rest (doc example)", () => {
    const h = hedgeValue([[0.02, -0.01, 0.03], [-0.01, 0.02, 0.01]], [1, 1], 0);
    expect(h.meanWhenRestDown).toBe(0.02);
    expect(h.countDown).toBe(1);
    expect(h.countUp).toBe(2);
    expectClose(h.amplifiedPayout, (2 * 0.02 - 0.01 + 0.03) / 3, 1e-15);
  });

  it.each([0, 1, 2, 3])("matches numpy for model %i of a weighted 4-model portfolio (c = 2 and c = 3)", (i) => {
    const ref = reference().portfolio;
    const columns = syntheticColumns();
    expectHedge(hedgeValue(columns, ref.weights, i), ref.hedge[i]!, `model ${i}`);
    expectHedge(hedgeValue(columns, ref.weights, i, { amplification: 3 }), ref.hedgeAmplification3[i]!, `model ${i} c=3`);
  });

  it("quadrant counts add up to the rounds", () => {
    const h = hedgeValue(syntheticColumns(), [1, 1, 1, 1], 2);
    const q = h.quadrants;
    expect(q.restUpModelBeats + q.restUpModelLags).toBe(h.countUp);
    expect(q.restDownModelBeats + q.restDownModelLags).toBe(h.countDown);
  });

  it("counts a tie with the rest as lagging, and a rest of exactly 0 as up", () => {
    const h = hedgeValue([[0.01, 0], [0.01, 0]], [1, 1], 0);
    expect(h.quadrants).toEqual({ restUpModelBeats: 0, restUpModelLags: 2, restDownModelBeats: 0, restDownModelLags: 0 });
  });

  it("ignores the model's own weight when forming the rest", () => {
    const columns = syntheticColumns();
    expect(hedgeValue(columns, [0.1, 0.3, 0.2, 0.1], 0)).toEqual(hedgeValue(columns, [0.9, 0.3, 0.2, 0.1], 0));
  });

  it("returns NaN means and zero counts for N = 1 (there is no rest)", () => {
    const h = hedgeValue([[0.01, -0.02]], [1], 0);
    expect(h.meanWhenRestDown).toBeNaN();
    expect(h.amplifiedPayout).toBeNaN();
    expect(h.countDown + h.countUp).toBe(0);
    expectClose(h.mean, -0.005, 1e-15);
  });

  it("returns NaN when the rest has no weight", () => {
    expect(hedgeValue([[0.01], [0.02]], [1, 0], 0).meanWhenRestUp).toBeNaN();
  });

  it("returns NaN for meanWhenRestDown when the rest never loses", () => {
    const h = hedgeValue([[0.01, -0.01], [0.02, 0.03]], [1, 1], 0);
    expect(h.meanWhenRestDown).toBeNaN();
    expect(h.countDown).toBe(0);
  });

  it("throws on an index outside the columns", () => {
    expect(() => hedgeValue([[0.01]], [1], 1)).toThrow("hedgeValue requires an index of an existing column");
  });

  it("throws on a negative weight", () => {
    expect(() => hedgeValue([[0.01], [0.02]], [1, -1], 0)).toThrow("hedgeValue requires finite, non-negative weights");
  });

  it("throws on columns of different lengths", () => {
    expect(() => hedgeValue([[0.01], [0.02, 0.03]], [1, 1], 0)).toThrow("hedgeValue requires columns of equal length");
  });
});

describe("hedgeValues", () => {
  it("gives every model's hedge value at once (doc example)", () => {
    const all = hedgeValues([[0.02, -0.01, 0.03], [-0.01, 0.02, 0.01]], [1, 1]);
    expect(all[0]!.meanWhenRestDown).toBe(0.02);
    expect(all).toEqual([0, 1].map((i) => hedgeValue([[0.02, -0.01, 0.03], [-0.01, 0.02, 0.01]], [1, 1], i)));
  });

  it.each([
    ["reference weights", (): readonly number[] => reference().portfolio.weights],
    ["equal weights", (): readonly number[] => [1, 1, 1, 1]],
    ["a zero weight", (): readonly number[] => [0.5, 0, 0.3, 0.2]],
  ])("equals hedgeValue for every model, field for field (%s, c = 2 and c = 3)", (_label, weights) => {
    const columns = syntheticColumns();
    const w = weights();
    expect(hedgeValues(columns, w)).toEqual(columns.map((_c, i) => hedgeValue(columns, w, i)));
    expect(hedgeValues(columns, w, { amplification: 3 })).toEqual(columns.map((_c, i) => hedgeValue(columns, w, i, { amplification: 3 })));
  });

  it("classifies ties and a rest of exactly 0 as hedgeValue does, though the subtraction would round them", () => {
    // 0.1 + 0.2 − 0.1 is 0.20000000000000004 in binary: only the direct sum gives the exact tie.
    const columns = [
      [0.1, 0.3, -0.1, 0],
      [0.2, 0.1, 0.1, 0.1],
      [0.2, -0.1, 0, -0.1],
    ];
    for (const w of [[1, 1, 1], [0.1, 0.7, 0.2], [3, 1, 1]]) {
      expect(hedgeValues(columns, w)).toEqual(columns.map((_c, i) => hedgeValue(columns, w, i)));
    }
  });

  it("equals hedgeValue on a 60-model portfolio with many exact ties", () => {
    // Scores on a coarse grid make R₋ᵢ = 0 and xᵢ = R₋ᵢ frequent.
    const columns = Array.from({ length: 60 }, (_m, m) => Array.from({ length: 120 }, (_t, t) => ((((m * 7 + t * 13) % 5) - 2) / 100)));
    const w = columns.map((_c, m) => 1 + (m % 3));
    expect(hedgeValues(columns, w)).toEqual(columns.map((_c, i) => hedgeValue(columns, w, i)));
  });

  it("returns NaN means and zero counts when the rest is empty or weightless", () => {
    const [single] = hedgeValues([[0.01, -0.02]], [1]);
    expect(single).toEqual(hedgeValue([[0.01, -0.02]], [1], 0));
    expect(single!.amplifiedPayout).toBeNaN();
    expect(hedgeValues([[0.01], [0.02]], [1, 0])[0]!.meanWhenRestUp).toBeNaN();
  });

  it("returns an empty list for no models", () => {
    expect(hedgeValues([], [])).toEqual([]);
  });

  it("rejects malformed input, naming itself", () => {
    expect(() => hedgeValues([[0.01]], [1, 1])).toThrow("hedgeValues requires one weight per column");
    expect(() => hedgeValues([[0.01], [0.02]], [1, -1])).toThrow("hedgeValues requires finite, non-negative weights");
    expect(() => hedgeValues([[0.01], [0.02, 0.03]], [1, 1])).toThrow("hedgeValues requires columns of equal length");
    expect(() => hedgeValues([[0.01]], [1], { amplification: NaN })).toThrow("hedgeValues requires a finite amplification");
  });
});

describe.skipIf(!HAS_REAL_DATA)("hedgeValue on real Numerai scores (skipped: ../shared/data/vladthestaker absent)", () => {
  it("matches numpy for every model of an equal-weight 9-model portfolio", () => {
    const real = reference().real;
    const { columns } = alignByRound(realScoreSeries(real.models, real.corrMultiplier, real.mmcMultiplier));
    real.models.forEach((m, i) => {
      expectHedge(hedgeValue(columns, real.portfolio.weights, i), real.portfolio.hedge[i]!, m);
      expectHedge(hedgeValue(columns, real.portfolio.weights, i, { amplification: 3 }), real.portfolio.hedgeAmplification3[i]!, m);
    });
  });

  it("hedgeValues matches numpy for every model of the same portfolio", () => {
    const real = reference().real;
    const { columns } = alignByRound(realScoreSeries(real.models, real.corrMultiplier, real.mmcMultiplier));
    const all = hedgeValues(columns, real.portfolio.weights);
    real.models.forEach((m, i) => expectHedge(all[i]!, real.portfolio.hedge[i]!, m));
  });
});
