// Reference values: test/fixtures/rolling/rolling.json from make_rolling.py (pandas
// p.rolling(w).mean() / p.rolling(w).std(), p = columns · weights). Tolerance 1e-10 relative.
import { describe, expect, it } from "vitest";
import { portfolioReturns } from "../../src/analytics/portfolio.js";
import { rollingSharpe } from "../../src/analytics/rolling-sharpe.js";
import { expectAllClose } from "./reference.js";
import { ROLLING_CASES } from "./rolling-reference.js";

describe("rollingSharpe", () => {
  it("matches the doc example (pandas rolling mean / rolling std)", () => {
    const r = rollingSharpe([0.01, 0.03, -0.01, 0.02], 3);
    expect(r[0]).toBeNaN();
    expect(r[1]).toBeNaN();
    expect(r[2]).toBeCloseTo(0.5, 12);
    expect(r[3]).toBeCloseTo(0.6405126152203486, 12);
  });

  it.each(ROLLING_CASES.map((c) => [c.name, c] as const))("matches pandas on the weighted portfolio of %s", (_name, c) => {
    expectAllClose(rollingSharpe(portfolioReturns(c.columns, c.weights), c.window), c.portfolioSharpe, 1e-10, c.name);
  });

  it("is all NaN when the series is shorter than the window", () => {
    expect([...rollingSharpe([0.01, 0.02], 3)].every(Number.isNaN)).toBe(true);
  });

  it("throws on non-finite values", () => {
    expect(() => rollingSharpe([0.01, NaN, 0.02], 2)).toThrow("rollingSharpe requires finite values");
  });
});
