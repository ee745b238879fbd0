// Reference values: test/fixtures/analytics/reference.json from make_reference.py (numpy mean(x > 0)).
import { describe, expect, it } from "vitest";
import { hitRate } from "../../src/analytics/hit-rate.js";
import { num, reference } from "./reference.js";

describe("hitRate", () => {
  it("counts strictly positive rounds; a 0 is not a hit (doc example)", () => {
    expect(hitRate([0.01, 0, -0.02, 0.03])).toBe(0.5);
  });

  it("matches numpy on a frozen 30-round series", () => {
    const { main } = reference().summary;
    expect(hitRate(main.values)).toBe(num(main.stats.hitRate));
  });

  it("returns NaN for no rounds", () => {
    expect(hitRate([])).toBeNaN();
  });

  it("throws on a non-finite value", () => {
    expect(() => hitRate([NaN])).toThrow("hitRate requires finite values");
  });
});
