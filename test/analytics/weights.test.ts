import { describe, expect, it } from "vitest";
import { checkedWeightTotal, resolvePortfolioWeights, type WeightInput } from "../../src/analytics/weights.js";

const none = NaN;
const sum = (xs: Float64Array) => xs.reduce((a, b) => a + b, 0);

describe("resolvePortfolioWeights", () => {
  it("keeps declared shares and gives the rest by stake, else equally (the doc comment's example)", () => {
    const r = resolvePortfolioWeights(
      [
        { declared: 0.4, stake: none },
        { declared: null, stake: 100 },
        { declared: null, stake: 300 },
        { declared: null, stake: none },
      ],
      null,
    );
    // By hand: R = 0.6 over 3 slots of 0.2; the two staked slots (0.4) split 100:300.
    [0.4, 0.1, 0.3, 0.2].forEach((w, i) => expect(r.values[i]).toBeCloseTo(w, 12));
    expect(r.origins).toEqual(["declared", "stake", "stake", "equal"]);
  });

  it("never leaves an undeclared model at 0 when one or two are declared (issue 11)", () => {
    const inputs: WeightInput[] = Array.from({ length: 11 }, (_, i) => ({ declared: i === 0 ? 0.3 : i === 1 ? 0.2 : null, stake: none }));
    const r = resolvePortfolioWeights(inputs, null);
    expect(r.values[0]).toBeCloseTo(0.3, 12);
    expect(r.values[1]).toBeCloseTo(0.2, 12);
    for (let i = 2; i < 11; i++) expect(r.values[i]).toBeCloseTo(0.5 / 9, 12);
  });

  it("declared 0 leaves a model out on purpose", () => {
    const r = resolvePortfolioWeights([{ declared: 0, stake: 50 }, { declared: null, stake: none }], null);
    expect(Array.from(r.values)).toEqual([0, 1]);
  });

  it("amounts that add up to more than 1 leave each undeclared model 1/N", () => {
    const r = resolvePortfolioWeights([{ declared: 300, stake: none }, { declared: 100, stake: none }, { declared: null, stake: none }, { declared: null, stake: 5 }], null);
    [0.375, 0.125, 0.25, 0.25].forEach((w, i) => expect(r.values[i]).toBeCloseTo(w, 12));
  });

  it("every model declared: shares of their total; all 0: equal", () => {
    const all = resolvePortfolioWeights([{ declared: 0.2, stake: none }, { declared: 0.6, stake: none }], null).values;
    [0.25, 0.75].forEach((w, i) => expect(all[i]).toBeCloseTo(w, 12));
    const zero = resolvePortfolioWeights([{ declared: 0, stake: none }, { declared: 0, stake: none }], null);
    expect(Array.from(zero.values)).toEqual([0.5, 0.5]);
    expect(zero.origins).toEqual(["equal", "equal"]);
  });

  it('policy "api" ignores declared weights; "equal" gives 1/N', () => {
    const inputs = [{ declared: 0.9, stake: 100 }, { declared: null, stake: 300 }];
    expect(Array.from(resolvePortfolioWeights(inputs, "api").values)).toEqual([0.25, 0.75]);
    expect(Array.from(resolvePortfolioWeights(inputs, "equal").values)).toEqual([0.5, 0.5]);
  });

  it("sums to 1 with every mix", () => {
    const r = resolvePortfolioWeights([{ declared: 0.1, stake: 10 }, { declared: null, stake: 0 }, { declared: null, stake: 7 }, { declared: null, stake: none }], null);
    expect(sum(r.values)).toBeCloseTo(1, 12);
  });

  it("throws on no models", () => {
    expect(() => resolvePortfolioWeights([], null)).toThrow("resolvePortfolioWeights requires at least one model");
  });
});

describe("checkedWeightTotal", () => {
  it("sums finite non-negative weights and names the caller when they are not", () => {
    expect(checkedWeightTotal([0.25, 0, 0.5], "prune")).toBe(0.75);
    expect(() => checkedWeightTotal([0.5, NaN], "prune")).toThrow("prune requires finite, non-negative weights");
    expect(() => checkedWeightTotal([0, 0], "walkForward", "current weight")).toThrow("walkForward requires a positive current weight");
  });
});
