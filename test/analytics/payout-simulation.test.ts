// Reference values: test/fixtures/payout-simulation/payout-simulation.json from
// make_payout_simulation.py (numpy, from the definition; real scores cut from shared/data).
// Tolerance 1e-10 relative.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { PAYOUT_SIMULATION_MULTIPLIERS, simulatePayouts } from "../../src/analytics/payout-simulation.js";
import { weightTurnover } from "../../src/analytics/what-if.js";
import { expectAllClose } from "./reference.js";

interface Case {
  name: string;
  columns: number[][];
  weights: number[];
  multipliers: number[];
  expected: { byMultiplier: number[]; restLostRounds: number; byMarginalSharpe: number }[];
  portfolioByMultiplier: number[];
  today: number;
}
const CASES = (JSON.parse(readFileSync(new URL("../fixtures/payout-simulation/payout-simulation.json", import.meta.url), "utf8")) as { cases: Case[] }).cases;

describe("simulatePayouts", () => {
  it("matches the doc example", () => {
    const r = simulatePayouts([[0.01, -0.02, 0.03], [-0.01, 0.01, 0.02]], [0.5, 0.5], [1, 2]);
    expectAllClose(r.models[0]!.byMultiplier, [0.01, 0.015], 1e-12, "doc example");
  });

  it("simulates the multipliers the fixture was made with", () => {
    expect(CASES.every((c) => c.multipliers.join() === PAYOUT_SIMULATION_MULTIPLIERS.join())).toBe(true);
  });

  it.each(CASES.map((c) => [c.name, c] as const))("matches numpy on real scores (%s)", (_name, c) => {
    const r = simulatePayouts(c.columns, c.weights);
    c.expected.forEach((e, i) => {
      const m = r.models[i]!;
      expectAllClose(m.byMultiplier, e.byMultiplier, 1e-10, `${c.name} model ${i}`);
      expect(m.restLostRounds).toBe(e.restLostRounds);
      expectAllClose([m.byMarginalSharpe], [e.byMarginalSharpe], 1e-10, `${c.name} marginal ${i}`);
    });
    expectAllClose(r.portfolioByMultiplier, c.portfolioByMultiplier, 1e-10, c.name);
    expectAllClose([r.portfolioByMarginalSharpe], [c.today], 1e-10, c.name);
  });

  it("pays today's rule at c = 1: each model's weighted score sum", () => {
    const c = CASES[0]!;
    const r = simulatePayouts(c.columns, c.weights);
    r.models.forEach((m, i) => expect(m.byMultiplier[0]).toBeCloseTo(c.columns[i]!.reduce((s, x) => s + x * c.weights[i]!, 0), 12));
  });

  it("is NaN under the marginal-Sharpe rule when no model has a positive contribution (one model: nothing to leave out)", () => {
    const r = simulatePayouts([[0.01, 0.02, -0.01]], [1]);
    expect(r.models[0]!.byMarginalSharpe).toBeNaN();
    expect(r.portfolioByMarginalSharpe).toBeNaN();
    expect(r.models[0]!.restLostRounds).toBe(0);
  });

  it("throws on mismatched input", () => {
    expect(() => simulatePayouts([], [])).toThrow("simulatePayouts requires at least one column");
    expect(() => simulatePayouts([[1, 2]], [0.5, 0.5])).toThrow("simulatePayouts requires one weight per column");
    expect(() => simulatePayouts([[1, 2], [1]], [0.5, 0.5])).toThrow("simulatePayouts requires columns of equal length");
    expect(() => simulatePayouts([[1, NaN]], [1])).toThrow("simulatePayouts requires finite values");
  });
});

describe("weightTurnover", () => {
  it("matches the doc example", () => expect(weightTurnover([0.5, 0.5, 0], [0.2, 0.3, 0.5])).toBeCloseTo(0.5, 12));
  it("throws on vectors of different lengths", () => expect(() => weightTurnover([1], [0.5, 0.5])).toThrow("weightTurnover requires weight vectors of equal length"));
});
