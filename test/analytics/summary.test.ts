// Reference values: test/fixtures/analytics/reference.json from make_reference.py (numpy; real
// data: pandas on ../shared/data/vladthestaker, score = 0.75·corr + 2.25·mmc).
import { describe, expect, it } from "vitest";
import type { ModelStats } from "../../src/analytics/summary.js";
import { summarize } from "../../src/analytics/summary.js";
import type { StatsRef } from "./reference.js";
import { HAS_REAL_DATA, expectClose, num, realScoreSeries, reference } from "./reference.js";

const FIELDS = ["mean", "std", "sharpe", "sortino", "maxDrawdown", "calmar", "hitRate", "cvar5"] as const;

function expectStats(actual: ModelStats, expected: StatsRef, label: string): void {
  expect(actual.n, `${label} n`).toBe(expected.n);
  for (const f of FIELDS) expectClose(actual[f], num(expected[f]), 1e-9, `${label}.${f}`);
}

describe("summarize", () => {
  it("collects every statistic (doc example: sortino 2.5)", () => {
    expect(summarize([0.01, 0.03, -0.01, 0.02]).sortino).toBe(2.5);
  });

  it.each(["main", "s60", "noLoss", "oneRound", "constant"] as const)("matches numpy on the frozen %s series", (name) => {
    const { values, stats } = reference().summary[name];
    expectStats(summarize(values), stats, name);
  });

  it("annualises the ratios only when periodsPerYear is given", () => {
    const { values, annualised52 } = reference().summary.main;
    expectStats(summarize(values, { periodsPerYear: 52 }), annualised52, "main×52");
  });

  it("returns NaN std and sharpe for a constant series", () => {
    const s = summarize([0.01, 0.01, 0.01]);
    expect(s.std).toBe(0);
    expect(s.sharpe).toBeNaN();
    expect(s.sortino).toBeNaN();
    expect(s.maxDrawdown).toBeNaN();
  });

  it("returns n = 1 with NaN std and sharpe for one round", () => {
    const s = summarize([-0.02]);
    expect(s.n).toBe(1);
    expect(s.std).toBeNaN();
    expect(s.sharpe).toBeNaN();
    expectClose(s.maxDrawdown, 0.02, 1e-15);
    expect(s.cvar5).toBe(-0.02);
  });

  it("throws on a non-finite value", () => {
    expect(() => summarize([0.01, NaN])).toThrow("summarize requires finite values");
  });
});

describe.skipIf(!HAS_REAL_DATA)("summarize on real Numerai scores (skipped: ../shared/data/vladthestaker absent)", () => {
  it("matches numpy for each model over its own observed rounds (including models with gaps)", () => {
    const real = reference().real;
    const series = realScoreSeries(real.models, real.corrMultiplier, real.mmcMultiplier);
    real.models.forEach((m, i) => expectStats(summarize(series[i]!.values), real.summaries[m]!, m));
  });
});
