// Reference values: test/fixtures/what-if/what-if.json from make_what_if.py (numpy/pandas on real
// scores). Tolerance 1e-10 relative.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { weightTurnover } from "../../src/analytics/what-if.js";

interface Fixture { current: number[]; proposed: number[]; turnover: number }
const ref = JSON.parse(readFileSync(new URL("../fixtures/what-if/what-if.json", import.meta.url), "utf8")) as Fixture;

describe("weightTurnover", () => {
  it("matches numpy on the normalised weights, and the doc example", () => {
    const norm = (w: number[]) => w.map((v) => v / w.reduce((s, x) => s + x, 0));
    expect(weightTurnover(norm(ref.current), norm(ref.proposed))).toBeCloseTo(ref.turnover, 14);
    expect(weightTurnover([0.5, 0.5], [0.2, 0.8])).toBeCloseTo(0.3, 15);
  });

  it("throws on unequal lengths", () => {
    expect(() => weightTurnover([1], [0.5, 0.5])).toThrow("weightTurnover requires weight vectors of equal length");
  });
});
