import { describe, expect, it } from "vitest";
import { clippedPayout, combinedScore, payoutRuleFor, roundScore } from "../../src/analytics/payout-rules.js";

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

describe("roundScore", () => {
  const scores: Record<string, number> = { canon_corr: 0.01, canon_mmc: 0.002, v2_corr20: 0.5 };
  const valueOf = (n: string) => scores[n];

  it("uses the round's stated multipliers and the preferred score names", () => {
    const r = roundScore(1196, { corr: 0.75, mmc: 2.25 }, valueOf);
    expect(r.value).toBeCloseTo(0.012, 15);
    expect(r.fallbackMultipliers).toBe(false);
  });

  it("falls back to the period's multipliers when one is missing, and says so", () => {
    const r = roundScore(1000, { corr: 0.75, mmc: null }, valueOf);
    expect(r.value).toBeCloseTo(0.5 * 0.01 + 2 * 0.002, 15);
    expect(r.fallbackMultipliers).toBe(true);
    expect(r.rule.fromRound).toBe(650);
  });

  it("is NaN when a needed score is missing, but not when its multiplier is 0", () => {
    expect(roundScore(1196, null, (n) => (n === "canon_corr" ? 0.01 : undefined)).value).toBeNaN();
    expect(roundScore(600, null, (n) => (n === "canon_corr" ? 0.01 : undefined)).value).toBe(0.01);
  });
});
