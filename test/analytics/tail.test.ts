// Reference values: test/fixtures/analytics/reference.json from make_reference.py
// (numpy: np.sort(x)[:m].mean(), m = max(1, ceil(round(alpha*n, 9)))).
import { describe, expect, it } from "vitest";
import { cvar, tailCount } from "../../src/analytics/tail.js";
import { expectClose, num, reference } from "./reference.js";

describe("tailCount", () => {
  it("counts 0.07·100 as 7 despite binary rounding (doc example)", () => {
    expect(0.07 * 100).toBeGreaterThan(7); // why the rounding step exists
    expect(tailCount(100, 0.07)).toBe(7);
    expect(tailCount(30, 0.1)).toBe(3);
  });

  it("takes 3 of 60 at α = 0.05, as the numpy reference does", () => {
    expect(tailCount(60, 0.05)).toBe(reference().summary.s60.tailCount);
  });

  it("rounds up a fractional count and never returns less than 1", () => {
    expect(tailCount(30, 0.05)).toBe(2);
    expect(tailCount(1, 0.05)).toBe(1);
    expect(tailCount(0, 0.05)).toBe(1);
  });

  it("throws on alpha outside (0, 1]", () => {
    expect(() => tailCount(10, 0)).toThrow("tailCount requires alpha in (0, 1]");
    expect(() => tailCount(10, 1.5)).toThrow("tailCount requires alpha in (0, 1]");
  });
});

describe("cvar", () => {
  it("averages the worst ceil(α·n) values (doc example)", () => {
    expectClose(cvar([0.03, -0.02, 0.01, -0.05, 0.02], 0.4), -0.035, 1e-14);
  });

  it("matches numpy on frozen series (α = 0.05 and 0.2)", () => {
    const { main, s60, cvar: c } = reference().summary;
    expectClose(cvar(main.values), num(main.stats.cvar5));
    expectClose(cvar(s60.values), num(s60.stats.cvar5));
    expectClose(cvar(c.values, c.alpha), c.value);
  });

  it("is the value itself for one round", () => {
    expect(cvar([0.02])).toBe(0.02);
  });

  it("returns NaN for no rounds", () => {
    expect(cvar([])).toBeNaN();
  });

  it("throws on a non-finite value", () => {
    expect(() => cvar([0.01, NaN])).toThrow("cvar requires finite values");
  });
});
