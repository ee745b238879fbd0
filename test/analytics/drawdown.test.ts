// Reference values: test/fixtures/analytics/reference.json from make_reference.py (numpy cumsum).
import { describe, expect, it } from "vitest";
import { calmar, maxDrawdown } from "../../src/analytics/drawdown.js";
import { expectClose, num, reference } from "./reference.js";

describe("maxDrawdown", () => {
  it("measures peak-to-trough of the cumulative sum (doc example)", () => {
    expectClose(maxDrawdown([0.02, -0.01, -0.03, 0.01]), 0.04, 1e-14);
  });

  it("counts a loss in the first round against the starting level 0", () => {
    expectClose(maxDrawdown([-0.03, 0.05]), 0.03, 1e-15);
  });

  it("matches numpy on frozen series", () => {
    const { main, s60 } = reference().summary;
    expectClose(maxDrawdown(main.values), num(main.stats.maxDrawdown));
    expectClose(maxDrawdown(s60.values), num(s60.stats.maxDrawdown));
  });

  it("returns NaN when the curve never falls (no drawdown)", () => {
    expect(maxDrawdown([0.01, 0.02, 0.005, 0.03])).toBeNaN();
  });

  it("returns NaN for no rounds", () => {
    expect(maxDrawdown([])).toBeNaN();
  });

  it("throws on a non-finite value", () => {
    expect(() => maxDrawdown([NaN])).toThrow("maxDrawdown requires finite values");
  });
});

describe("calmar", () => {
  it("is mean / maxDrawdown (doc example)", () => {
    expectClose(calmar([0.02, -0.01, -0.03, 0.01]), -0.0625, 1e-14);
  });

  it("matches numpy on a frozen series, per round and × periodsPerYear", () => {
    const { main } = reference().summary;
    expectClose(calmar(main.values), num(main.stats.calmar));
    expectClose(calmar(main.values, { periodsPerYear: 52 }), num(main.annualised52.calmar));
  });

  it("returns NaN when there is no drawdown", () => {
    expect(calmar([0.01, 0.02])).toBeNaN();
  });

  it("throws on a non-positive periodsPerYear", () => {
    expect(() => calmar([0.01, -0.02], { periodsPerYear: -1 })).toThrow("calmar requires a positive periodsPerYear");
  });
});
