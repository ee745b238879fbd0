// Reference values: test/fixtures/payout-simulation/payout-simulation.json from
// make_payout_simulation.py (numpy/pandas, real scores). Tolerance 1e-10 relative.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { REST_LOST_MULTIPLIERS, simulatePayouts } from "../../src/analytics/payout-simulation.js";
import { expectAllClose } from "./reference.js";

interface Fixture {
  columns: number[][];
  weights: number[];
  today: number[];
  restLost: { multiplier: number; earned: number[] }[];
  restLostRounds: number[];
  marginalSharpe: number[];
}
const ref = JSON.parse(
  readFileSync(new URL("../fixtures/payout-simulation/payout-simulation.json", import.meta.url), "utf8"),
) as Fixture;

describe("simulatePayouts", () => {
  const sim = simulatePayouts(ref.columns, ref.weights);

  it("matches numpy on today's rule and the rounds where the rest lost", () => {
    expectAllClose(sim.today, ref.today, 1e-10, "today");
    expect([...sim.restLostRounds]).toEqual(ref.restLostRounds);
  });

  it.each(REST_LOST_MULTIPLIERS.map((m, i) => [m, i] as const))("matches numpy when rounds the rest lost pay %s×", (m, i) => {
    const got = sim.restLost[i];
    const want = ref.restLost[i];
    expect(got?.multiplier).toBe(m);
    expect(want?.multiplier).toBe(m);
    expectAllClose(got?.earned ?? [], want?.earned ?? [], 1e-10, `c=${m}`);
  });

  it("matches numpy on the pool split by marginal Sharpe contribution, which pays out the same pool", () => {
    expectAllClose(sim.marginalSharpe, ref.marginalSharpe, 1e-10, "marginal");
    const pool = ref.today.reduce((s, e) => s + e, 0);
    expect(sim.marginalSharpe.reduce((s, e) => s + e, 0)).toBeCloseTo(pool, 12);
  });

  it("matches the doc example", () => {
    const ex = simulatePayouts([[0.01, -0.02], [-0.01, 0.03]], [0.5, 0.5]);
    expect(ex.restLost[4]?.earned[0]).toBeCloseTo(0.005, 15);
    expect(ex.restLost[4]?.earned[1]).toBeCloseTo(0.04, 15);
  });

  it("throws on bad shapes and non-finite values", () => {
    expect(() => simulatePayouts([[0.01]], [0.5, 0.5])).toThrow("simulatePayouts requires one weight per column");
    expect(() => simulatePayouts([[0.01], [0.01, 0.02]], [0.5, 0.5])).toThrow("simulatePayouts requires columns of equal length");
    expect(() => simulatePayouts([[0.01, NaN]], [1])).toThrow("simulatePayouts requires finite values");
  });
});
