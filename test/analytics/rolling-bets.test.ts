// Reference values: test/fixtures/rolling/rolling.json from make_rolling.py (pandas DataFrame.corr
// of each window, numpy eigvalsh, (Σλ)²/Σλ²). Tolerance 1e-10 relative.
import { describe, expect, it } from "vitest";
import { rollingParticipationRatio } from "../../src/analytics/rolling-bets.js";
import { expectAllClose } from "./reference.js";
import { ROLLING_CASES } from "./rolling-reference.js";

describe("rollingParticipationRatio", () => {
  it("matches the doc example (numpy eigvalsh of corrcoef per window)", () => {
    const r = rollingParticipationRatio([[1, 2, 3, 5], [1, 3, 2, 4]], 3);
    expect(r[1]).toBeNaN();
    expect(r[2]).toBeCloseTo(1.6, 12);
    expect(r[3]).toBeCloseTo(1.4, 12);
  });

  it.each(ROLLING_CASES.map((c) => [c.name, c] as const))("matches numpy on %s, NaN where a model does not vary", (_name, c) => {
    expectAllClose(rollingParticipationRatio(c.columns, c.window), c.participationRatio, 1e-10, c.name);
  });

  it("is NaN in a window where one model repeats one value (its correlations are undefined)", () => {
    const r = rollingParticipationRatio([[0.005, 0.005, 0.005, 0.01], [1, 2, 3, 1]], 3);
    expect(r[2]).toBeNaN();
    expect(Number.isFinite(r[3])).toBe(true);
  });

  it("throws on a window below 2", () => {
    expect(() => rollingParticipationRatio([[1, 2, 3]], 1)).toThrow("rollingParticipationRatio requires a whole window of at least 2");
  });
});
