// Reference values: test/fixtures/what-if/what-if.json from make_what_if.py (numpy/pandas on real
// scores). Tolerance 1e-10 relative.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { heldFigures, weightTurnover } from "../../src/analytics/what-if.js";
import { expectAllClose } from "./reference.js";

interface Figures { mean: number; sharpe: number; maxDrawdown: number; cvar5: number; cumulative: number[] }
interface Fixture { columns: number[][]; current: number[]; proposed: number[]; currentFigures: Figures; proposedFigures: Figures; turnover: number }
const ref = JSON.parse(readFileSync(new URL("../fixtures/what-if/what-if.json", import.meta.url), "utf8")) as Fixture;

describe("heldFigures", () => {
  it.each([["current", ref.current, ref.currentFigures], ["proposed", ref.proposed, ref.proposedFigures]] as const)(
    "matches numpy for the %s weights",
    (name, w, want) => {
      const got = heldFigures(ref.columns, w);
      expectAllClose([got.mean, got.sharpe, got.maxDrawdown, got.cvar5], [want.mean, want.sharpe, want.maxDrawdown, want.cvar5], 1e-10, name, 1);
      expect(got.mean).toBeCloseTo(want.mean, 14);
      expect(got.sharpe / want.sharpe).toBeCloseTo(1, 10);
      expectAllClose(got.cumulative, want.cumulative, 1e-10, `${name} cumulative`);
    },
  );

  it("matches the doc example", () => {
    const c = heldFigures([[0.01, -0.02, 0.03], [0.02, 0.0, -0.01]], [1, 1]).cumulative;
    expect(c[0]).toBeCloseTo(0.015, 15);
    expect(c[1]).toBeCloseTo(0.005, 15);
    expect(c[2]).toBeCloseTo(0.015, 15);
  });

  it("refuses negative weights", () => {
    expect(() => heldFigures([[0.01, 0.02], [0.0, 0.01]], [1, -1])).toThrow("normalizeWeights requires finite, non-negative weights");
  });
});

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
