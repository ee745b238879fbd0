import { describe, expect, it } from "vitest";
import { clippedPayout, combinedScore, payoutRuleFor } from "../../src/analytics/payout-rules.js";

describe("payoutRuleFor", () => {
  it.each([
    [400, 1, 0, 0.25],
    [600, 1, 0, 0.05],
    [650, 0.5, 2, 0.05],
    [1174, 0.5, 2, 0.05],
    [1175, 0.75, 2.25, 0.05],
    [1343, 3, 15, Infinity],
  ])("round %i uses %f×corr + %f×mmc with clip %f", (round, cm, mm, clip) => {
    const rule = payoutRuleFor(round);
    expect([rule.corrMultiplier, rule.mmcMultiplier, rule.clip]).toEqual([cm, mm, clip]);
  });

  it("rejects a round that is not a positive whole number", () => {
    expect(() => payoutRuleFor(0)).toThrow("payoutRuleFor requires a positive whole round number");
    expect(() => payoutRuleFor(1.5)).toThrow();
  });
});

describe("combinedScore and clippedPayout", () => {
  // Reference: numerai-api.md §3 sample, model integration_test round 1195: atRisk 100 NMR,
  // payoutFactor 0.091874215530268813, payoutSettled -0.130781189357151106 NMR.
  it("reproduce the payout of the API sample for round 1195", () => {
    const score = combinedScore(0.00939426198986663, -0.00945800236111822, 0.75, 2.25);
    expect(score).toBeCloseTo(0.75 * 0.00939426198986663 + 2.25 * -0.00945800236111822, 15);
    const payout = 100 * clippedPayout(score, Number("0.091874215530268813"), 0.05);
    expect(payout).toBeCloseTo(Number("-0.130781189357151106"), 12);
  });

  it("clips at ±clip", () => {
    expect(clippedPayout(1, 1, 0.05)).toBe(0.05);
    expect(clippedPayout(-1, 1, 0.05)).toBe(-0.05);
    expect(clippedPayout(1, 1, Infinity)).toBe(1);
  });
});
