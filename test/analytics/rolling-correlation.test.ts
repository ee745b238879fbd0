// Reference values: test/fixtures/rolling/rolling.json from make_rolling.py (numpy corrcoef of each
// model with Σⱼ≠ᵢ wⱼxⱼ, window by window). Tolerance 1e-10 of the largest |ρ|.
import { describe, expect, it } from "vitest";
import { rollingCorrelationWithRest } from "../../src/analytics/rolling-correlation.js";
import { expectAllClose } from "./reference.js";
import { ROLLING_CASES } from "./rolling-reference.js";

describe("rollingCorrelationWithRest", () => {
  it("matches the doc example (numpy corrcoef of a with b + c per window)", () => {
    const r = rollingCorrelationWithRest([[1, 2, 3, 5], [1, 3, 2, 4], [2, 1, 4, 3]], [1, 1, 1], 3)[0] as Float64Array;
    expect(r[0]).toBeNaN();
    expect(r[1]).toBeNaN();
    expect(r[2]).toBeCloseTo(0.9819805060619659, 12);
    expect(r[3]).toBeCloseTo(0.9285714285714286, 12);
  });

  it.each(ROLLING_CASES.map((c) => [c.name, c] as const))("matches numpy on %s, NaN where a side does not vary", (_name, c) => {
    const got = rollingCorrelationWithRest(c.columns, c.weights, c.window);
    c.models.forEach((m, i) => expectAllClose(got[i] as Float64Array, c.correlationWithRest[i] as (number | null)[], 1e-10, m, 1));
  });

  it("is NaN for every window of a model whose rest has no weight", () => {
    const [a, b] = rollingCorrelationWithRest([[1, 2, 3], [3, 1, 2]], [1, 0], 2);
    expect([...(a as Float64Array)].every(Number.isNaN)).toBe(true);
    expect((b as Float64Array)[1]).toBeCloseTo(-1, 12);
  });

  it("throws on a weight count that does not match the columns", () => {
    expect(() => rollingCorrelationWithRest([[1, 2]], [1, 1], 2)).toThrow("rollingCorrelationWithRest requires one weight per column");
  });

  it("throws on columns of different lengths", () => {
    expect(() => rollingCorrelationWithRest([[1, 2], [1, 2, 3]], [1, 1], 2)).toThrow("rollingCorrelationWithRest requires columns of equal length");
  });
});
