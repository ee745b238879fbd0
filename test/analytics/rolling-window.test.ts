import { describe, expect, it } from "vitest";
import { isConstant, rollingApply } from "../../src/analytics/rolling-window.js";

describe("rollingApply", () => {
  it("gives each trailing window's statistic, NaN before the first full window (doc example)", () => {
    expect([...rollingApply(4, 2, (s, e) => e - s, "demo")]).toEqual([NaN, 2, 2, 2]);
  });

  it("passes window t as [t − window + 1, t + 1)", () => {
    const seen: [number, number][] = [];
    rollingApply(5, 3, (s, e) => (seen.push([s, e]), 0), "demo");
    expect(seen).toEqual([[0, 3], [1, 4], [2, 5]]);
  });

  it.each([1, 0, 2.5])("throws on a window of %s", (w) => {
    expect(() => rollingApply(4, w, () => 0, "demo")).toThrow("demo requires a whole window of at least 2");
  });
});

describe("isConstant", () => {
  it("is true for a repeated decimal (doc example) and false once a value differs", () => {
    expect(isConstant([0.005, 0.005, 0.005], 0, 3)).toBe(true);
    expect(isConstant([0.005, 0.005, 0.006], 0, 3)).toBe(false);
    expect(isConstant([0.004, 0.005, 0.005], 1, 3)).toBe(true);
  });
});
