// Reference values: test/fixtures/analytics/reference.json from make_reference.py (numpy).
import { describe, expect, it } from "vitest";
import { sharpe, sortino } from "../../src/analytics/sharpe.js";
import { expectClose, num, reference } from "./reference.js";

describe("sharpe", () => {
  it("is mean / sample std per round (doc example; numpy x.mean()/x.std(ddof=1))", () => {
    expectClose(sharpe([0.01, 0.03, -0.01, 0.02]), 0.7319250547114, 1e-12);
  });

  it("matches numpy on a frozen 30-round series", () => {
    const { main } = reference().summary;
    expectClose(sharpe(main.values), num(main.stats.sharpe));
  });

  it("annualises by √periodsPerYear only when asked", () => {
    const { main } = reference().summary;
    expectClose(sharpe(main.values, { periodsPerYear: 52 }), num(main.annualised52.sharpe));
    expectClose(sharpe(main.values, { periodsPerYear: 52 }), sharpe(main.values) * Math.sqrt(52), 1e-14);
  });

  it("returns NaN for a constant series (std 0)", () => {
    expect(sharpe([0.01, 0.01, 0.01, 0.01, 0.01])).toBeNaN();
  });

  it("returns NaN for one round", () => {
    expect(sharpe([0.02])).toBeNaN();
  });

  it("returns NaN for no rounds", () => {
    expect(sharpe([])).toBeNaN();
  });

  it("throws on a non-finite value", () => {
    expect(() => sharpe([0.01, NaN])).toThrow("sharpe requires finite values");
  });

  it("throws on a non-positive periodsPerYear", () => {
    expect(() => sharpe([0.01, 0.02], { periodsPerYear: 0 })).toThrow("sharpe requires a positive periodsPerYear");
  });
});

describe("sortino", () => {
  it("divides by the downside deviation over all rounds (doc example)", () => {
    expectClose(sortino([0.01, 0.03, -0.01, 0.02]), 2.5, 1e-14);
  });

  it("matches numpy on a frozen 30-round series", () => {
    const { main } = reference().summary;
    expectClose(sortino(main.values), num(main.stats.sortino));
    expectClose(sortino(main.values, { periodsPerYear: 52 }), num(main.annualised52.sortino));
  });

  it("returns NaN when there is no losing round", () => {
    expect(sortino([0.01, 0.02, 0.005, 0.03])).toBeNaN();
  });

  it("is defined for one losing round (−1: mean / |mean|)", () => {
    expect(sortino([-0.02])).toBe(-1);
  });

  it("throws on a non-finite value", () => {
    expect(() => sortino([Infinity])).toThrow("sortino requires finite values");
  });
});
