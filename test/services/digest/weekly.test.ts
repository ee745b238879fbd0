import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { rollingParticipationRatio } from "../../../src/analytics/rolling-bets.js";
import { WALK_FORWARD, walkForward } from "../../../src/analytics/walk-forward.js";
import { parkMillerUniform } from "../../../src/random.js";
import { DAY_MS } from "../../../src/services/digest/schedule.js";
import { buildWeeklyDigest, createSuggestionMemo, type DigestInput } from "../../../src/services/digest/weekly.js";

/** Frozen inputs and numpy reference values: test/services/digest/weekly-reference.py (its docstring has the command). */
const reference = JSON.parse(readFileSync(new URL("./weekly-reference.json", import.meta.url), "utf8")) as {
  inputs: {
    names: string[];
    weights: number[];
    rounds: number[];
    values: Array<Array<number | null>>;
    resolveTimes: Array<[number, number]>;
    periodEnd: number;
    options: { windowRounds: number; minRounds: number; nearDuplicateRho: number };
  };
  expected: {
    newRounds: number[];
    portfolio: Record<string, number>;
    cumulative: number;
    portfolioRounds: number;
    best: Record<string, number | string>;
    worst: Record<string, number | string>;
    now: Record<string, number>;
    weekAgo: Record<string, number>;
    weeksAgo4: Record<string, number>;
    weeksAgo12: null;
    newNearDuplicates: Array<{ a: string; b: string; rho: number }>;
    contribution: { rounds: number; loo: number[]; top: string; bottom: string; bestHedge: { name: string; meanWhenRestDown: number; countDown: number } };
  };
};

function referenceInput(): DigestInput {
  const { inputs } = reference;
  return {
    models: inputs.names.map((name, i) => {
      const row = inputs.values[i]!;
      const rounds = inputs.rounds.filter((_, t) => row[t] !== null);
      return { name, series: { rounds, values: rounds.map((r) => row[inputs.rounds.indexOf(r)] as number) } };
    }),
    weights: inputs.weights,
    weightSource: "declared",
    resolveTimes: new Map(inputs.resolveTimes),
    periodEnd: new Date(inputs.periodEnd),
    options: inputs.options,
  };
}

function expectClose(actual: Record<string, unknown>, expected: Record<string, unknown>) {
  for (const [key, value] of Object.entries(expected)) {
    if (typeof value === "number") expect(actual[key] as number, key).toBeCloseTo(value, 12);
    else expect(actual[key], key).toEqual(value);
  }
}

describe("buildWeeklyDigest", () => {
  const d = buildWeeklyDigest(referenceInput());
  const e = reference.expected;

  it("lists the rounds that resolved in the 7 days before the digest's time", () => {
    expect(d.newRounds).toEqual(e.newRounds);
    expect(d.periodEnd.getTime() - d.periodStart.getTime()).toBe(7 * DAY_MS);
  });

  it("scores the portfolio per round over the models scored that round, and compares the week with earlier blocks", () => {
    expectClose(d.portfolio.week as unknown as Record<string, unknown>, e.portfolio);
    expect(d.portfolio.cumulative).toBeCloseTo(e.cumulative, 12);
    expect(d.portfolio.rounds).toBe(e.portfolioRounds);
    expect(d.portfolio.chart.cumulative.at(-1)).toBeCloseTo(e.cumulative, 12);
    expect(d.portfolio.chart.rounds).toHaveLength(e.portfolioRounds);
  });

  it("names the best and worst model of the week, each against its own history", () => {
    expectClose(d.best as unknown as Record<string, unknown>, e.best);
    expectClose(d.worst as unknown as Record<string, unknown>, e.worst);
  });

  it("reports average pair correlation and effective bets now, 4 and 12 weeks ago (n/a without enough shared rounds)", () => {
    expectClose(d.diversification.now as unknown as Record<string, unknown>, e.now);
    expectClose(d.diversification.weeksAgo4 as unknown as Record<string, unknown>, e.weeksAgo4);
    expect(d.diversification.weeksAgo12).toBeNull();
  });

  it("names a pair that became a near-duplicate this week", () => {
    expect(d.newNearDuplicates).toHaveLength(e.newNearDuplicates.length);
    expect(d.newNearDuplicates[0]).toMatchObject({ a: e.newNearDuplicates[0]!.a, b: e.newNearDuplicates[0]!.b });
    expect(d.newNearDuplicates[0]!.rho).toBeCloseTo(e.newNearDuplicates[0]!.rho, 12);
  });

  it("gives the top and bottom marginal (leave-one-out) Sharpe and the best hedge", () => {
    const c = d.contribution!;
    expect(c.rounds).toBe(e.contribution.rounds);
    expect(c.top!.name).toBe(e.contribution.top);
    expect(c.top!.marginalSharpe).toBeCloseTo(Math.max(...e.contribution.loo), 12);
    expect(c.bottom!.name).toBe(e.contribution.bottom);
    expect(c.bottom!.marginalSharpe).toBeCloseTo(Math.min(...e.contribution.loo), 12);
    expect(c.bestHedge).toMatchObject({ name: e.contribution.bestHedge.name, roundsRestDown: e.contribution.bestHedge.countDown });
    expect(c.bestHedge!.meanWhenRestDown).toBeCloseTo(e.contribution.bestHedge.meanWhenRestDown, 12);
  });

  it("suggests nothing when there are too few rounds for an out-of-sample test", () => {
    expect(d.suggestion).toBeNull();
  });

  it("says the same thing when sent late: rounds resolved after its time do not count", () => {
    const input = referenceInput();
    const later = new Map(input.resolveTimes);
    // Rounds 101-110 resolve after the digest's time; they must not change it.
    const extra = input.models.map((m) => ({
      ...m,
      series: {
        rounds: [...Array.from(m.series.rounds), ...Array.from({ length: 10 }, (_, i) => 101 + i)],
        values: [...Array.from(m.series.values), ...Array.from({ length: 10 }, () => 0.5)],
      },
    }));
    for (let r = 101; r <= 110; r++) later.set(r, input.periodEnd.getTime() + (r - 100) * DAY_MS);
    const late = buildWeeklyDigest({ ...input, models: extra, resolveTimes: later });
    expect(late).toEqual(d);
  });

  it("leaves out comparisons a single model cannot have", () => {
    const input = referenceInput();
    const one = buildWeeklyDigest({ ...input, models: input.models.slice(0, 1), weights: [1] });
    expect(one.best?.name).toBe("m0");
    expect(one.worst).toBeNull();
    expect(one.diversification.now).toBeNull();
    expect(one.contribution).toBeNull();
    expect(one.suggestion).toBeNull();
  });

  it("notes a week without newly resolved rounds", () => {
    const input = referenceInput();
    const quiet = buildWeeklyDigest({ ...input, periodEnd: new Date(input.periodEnd.getTime() + 30 * DAY_MS) });
    expect(quiet.newRounds).toEqual([]);
    expect(quiet.portfolio.week).toBeNull();
    expect(quiet.notes.join(" ")).toContain("No round resolved this week");
  });
});

describe("buildWeeklyDigest suggestion", () => {
  /** 300 rounds: two steady models and one noisy loser that the current weights favour. */
  function lopsided(currentOnLoser: number): DigestInput {
    const uniform = parkMillerUniform(7);
    const rand = () => uniform() - 0.5;
    const n = 300;
    const rounds = Array.from({ length: n }, (_, i) => i + 1);
    const steady = (mean: number) => rounds.map(() => mean + 0.01 * rand());
    const loser = rounds.map(() => -0.002 + 0.08 * rand());
    const rest = (1 - currentOnLoser) / 2;
    return {
      models: [
        { name: "steady_a", series: { rounds, values: steady(0.004) } },
        { name: "steady_b", series: { rounds, values: steady(0.003) } },
        { name: "noisy", series: { rounds, values: loser } },
      ],
      weights: [rest, rest, currentOnLoser],
      weightSource: "declared",
      resolveTimes: new Map(rounds.map((r) => [r, r * DAY_MS])),
      periodEnd: new Date(300.5 * DAY_MS),
    };
  }

  it("suggests a method only when it beat the current weights out of sample, with its caveat", () => {
    const input = lopsided(0.9);
    const s = buildWeeklyDigest(input).suggestion!;
    expect(s).not.toBeNull();
    expect(s.caveat).toMatch(/walk-forward/i);
    expect(s.oosSharpe - s.currentOosSharpe).toBeGreaterThanOrEqual(0.05);
    expect(s.halves.every((h) => h.method > h.current)).toBe(true);
    // The figures are walkForward's own for the same columns.
    const cols = input.models.map((m) => Float64Array.from(m.series.values as number[]));
    const wf = walkForward({
      rounds: input.models[0]!.series.rounds as number[],
      columns: cols,
      methods: ["inverseVariance", "minimumVariance", "hrp"],
      currentWeights: input.weights,
      cap: 0.35,
      floor: 0.01,
      minFit: 60,
      rebalanceEvery: 20,
      resolutionLag: WALK_FORWARD.resolutionLag, // the digest uses the one calendar lag
    });
    const method = wf.portfolios.find((p) => p.name === s.method)!;
    expect(s.oosSharpe).toBeCloseTo(method.sharpe, 12);
    expect(s.currentOosSharpe).toBeCloseTo(wf.portfolios.find((p) => p.name === "current")!.sharpe, 12);
    expect(s.weights.map((w) => w.suggested)).toEqual(Array.from(method.rebalances.at(-1)!.weights));
    expect(s.weights.find((w) => w.name === "noisy")!.suggested).toBeLessThan(0.35 + 1e-12);
  });

  it("suggests nothing when the current weights hold up", () => {
    expect(buildWeeklyDigest(lopsided(0.01)).suggestion).toBeNull();
  });

  it("works a suggestion out once per model set and weights in a run, and the reused one is the same", () => {
    const memo = createSuggestionMemo();
    const first = buildWeeklyDigest({ ...lopsided(0.9), suggestions: memo });
    const again = buildWeeklyDigest({ ...lopsided(0.9), suggestions: memo });
    expect(memo).toMatchObject({ computed: 1, reused: 1 });
    expect(again.suggestion).toEqual(first.suggestion);
    expect(again.suggestion).toEqual(buildWeeklyDigest(lopsided(0.9)).suggestion);
    // Other weights: another walk-forward (here one that suggests nothing).
    const other = buildWeeklyDigest({ ...lopsided(0.01), suggestions: memo });
    expect(memo).toMatchObject({ computed: 2, reused: 1 });
    expect(other.suggestion).toBeNull();
    expect(buildWeeklyDigest({ ...lopsided(0.01), suggestions: memo }).suggestion).toBeNull();
    expect(memo).toMatchObject({ computed: 2, reused: 2 });
  });
});

describe("buildWeeklyDigest bets through time", () => {
  // 300 daily rounds; three models independent for the first 220 rounds (to August), then mostly one bet.
  const FIRST = 1000;
  const N = 300;
  const rounds = Array.from({ length: N }, (_, t) => FIRST + t);
  const resolveAt = (r: number) => Date.UTC(2026, 0, 1, 20) + (r - FIRST) * DAY_MS;
  const u = parkMillerUniform(7);
  const normal = () => Math.sqrt(-2 * Math.log(u() || 1e-12)) * Math.cos(2 * Math.PI * u());
  const common = rounds.map(() => normal());
  const values = [0, 1, 2].map(() => rounds.map((_, t) => 0.01 * ((t >= 220 ? 3 * (common[t] as number) : 0) + normal())));
  const input = (periodEnd: Date): DigestInput => ({
    models: ["a", "b", "c"].map((name, i) => ({ name, series: { rounds, values: values[i] as number[] } })),
    weights: [1, 1, 1],
    weightSource: "equal",
    resolveTimes: new Map(rounds.map((r) => [r, resolveAt(r)])),
    periodEnd,
    options: { windowRounds: 60, minRounds: 20 },
  });

  it("compares /history's rolling effective bets at the end of the month three months ago with now", () => {
    const end = new Date(resolveAt(FIRST + N - 1) + 3_600_000); // 2026-10-27, so the month looked back to is July
    const b = buildWeeklyDigest(input(end)).betsThroughTime;
    expect(b?.month.toISOString()).toBe("2026-07-01T00:00:00.000Z");
    // The same series /history draws (rollingParticipationRatio, checked against numpy), at two points.
    const series = rollingParticipationRatio(values, 60);
    const lastOfJuly = rounds.findLastIndex((r) => resolveAt(r) < Date.UTC(2026, 7, 1));
    expect(b?.thenRound).toBe(rounds[lastOfJuly]);
    expect(b?.then).toBeCloseTo(series[lastOfJuly] as number, 12);
    expect(b?.now).toBeCloseTo(series[N - 1] as number, 12);
    expect(b?.models).toBe(3);
    // Independent in July (about 3 bets, less rounding noise), one common bet now.
    expect(b!.then).toBeGreaterThan(2.3);
    expect(b!.now).toBeLessThan(1.5);
  });

  it("is null when no shared round resolved in that month", () => {
    const end = new Date(resolveAt(FIRST + 80)); // March 2026: the month looked back to is December 2025, before any round
    expect(buildWeeklyDigest(input(end)).betsThroughTime).toBeNull();
  });

  it("is null when the window ending in that month is not full", () => {
    const end = new Date(resolveAt(FIRST + 130)); // May 2026: February's last round is the 59th, short of a 60-round window
    expect(buildWeeklyDigest(input(end)).betsThroughTime).toBeNull();
  });
});
