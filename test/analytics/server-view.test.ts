// Reference values: test/fixtures/analytics/reference.json from make_reference.py (numpy.histogram;
// the operator split is a plain loop over the pandas matrix there).
import { describe, expect, it } from "vitest";
import { pairwiseCorrelation } from "../../src/analytics/correlation.js";
import { histogram, operatorPairCorrelations } from "../../src/analytics/server-view.js";
import { expectAllClose, nums, reference } from "./reference.js";

describe("operatorPairCorrelations", () => {
  it("splits upper-triangle pairs by same or different operator (doc example)", () => {
    expect(operatorPairCorrelations([1, 0.9, 0.1, 0.9, 1, 0.2, 0.1, 0.2, 1], 3, ["a", "a", "b"])).toEqual({
      within: [0.9],
      across: [0.1, 0.2],
    });
  });

  it("matches the reference split of a pairwise matrix, skipping NaN cells", () => {
    const ref = reference();
    const r = pairwiseCorrelation(ref.pairwise.series, { method: "pearson", minOverlap: 3 });
    const { within, across } = operatorPairCorrelations(r.values, r.k, ref.serverView.operators);
    expectAllClose(within, ref.serverView.within, 1e-12, "within", 1);
    expectAllClose(across, ref.serverView.across, 1e-12, "across", 1);
  });

  it("returns nothing for N = 1", () => {
    expect(operatorPairCorrelations([1], 1, ["a"])).toEqual({ within: [], across: [] });
  });

  it("throws on an operator list of the wrong length", () => {
    expect(() => operatorPairCorrelations([1, 0, 0, 1], 2, ["a"])).toThrow("operatorPairCorrelations requires one operator per model");
  });
});

describe("histogram", () => {
  it("counts values in half-open bins with a closed last bin (doc example)", () => {
    expect(Array.from(histogram([0.1, 0.5, 0.5, 1], 2, [0, 1]).counts)).toEqual([1, 3]);
  });

  it("matches numpy.histogram with values on edges, out of range and NaN", () => {
    const h = reference().serverView.histogram;
    const r = histogram(nums(h.values), h.bins, h.range);
    expect(Array.from(r.counts)).toEqual(h.counts);
    expectAllClose(r.edges, h.edges, 1e-15, "edges", 1);
  });

  it("matches numpy.histogram with edges that are not exact binary fractions", () => {
    const h = reference().serverView.histogramMain;
    const r = histogram(reference().summary.main.values, h.bins, h.range);
    expect(Array.from(r.counts)).toEqual(h.counts);
    expectAllClose(r.edges, h.edges, 1e-15, "edges", 1);
  });

  it("throws on a non-integer bin count", () => {
    expect(() => histogram([], 0, [0, 1])).toThrow("histogram requires a positive integer number of bins");
  });

  it("throws on an empty range", () => {
    expect(() => histogram([], 2, [1, 1])).toThrow("histogram requires a finite range with lo < hi");
  });
});
