// Reference values: test/fixtures/allocation/make_walk_forward.py → walk-forward.json — a direct
// walk-forward that refits every rebalance from scratch (numpy moments, scikit-learn LedoitWolf,
// scipy SLSQP and linkage); command in test/fixtures/allocation/README.md. Weights involve the
// optimisers, so they are compared at 1e-6; portfolio returns at 1e-7 (scores are ~0.03).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ALLOCATION_METHODS, allocate } from "../../src/analytics/allocation.js";
import { WALK_FORWARD, walkForward, type WalkForwardOptions, type WalkForwardResult } from "../../src/analytics/walk-forward.js";
import { roundOpenTime, roundResolveTime } from "../../src/demo/calendar.js";
import { loadVlad, VLAD_PRESENT, VLAD_SKIP_REASON } from "../fixtures/allocation/vlad.js";
import { parkMillerUniform } from "../../src/random.js";
import { allocationInput } from "../../src/analytics/risk-model.js";

interface PyOptions {
  min_fit: number;
  every?: number;
  lag?: number;
  fit_window?: number;
  cap?: number;
  floor?: number;
}
interface PyPortfolio {
  name: string;
  returns: number[];
  nRounds: number;
  mean: number;
  sharpe: number;
  maxDrawdown: number | null;
  cvar5: number;
  turnover: number | null;
  rebalances: { round: number; fitRows: number; lastFitRound: number; weights: number[]; heldPrevious: boolean }[];
}
interface PyCase {
  name: string;
  columns?: number[][];
  rounds?: number[];
  currentWeights?: number[];
  options: PyOptions;
  expected: { oosRounds: number[]; portfolios: PyPortfolio[] };
}
const fixture = JSON.parse(readFileSync(new URL("../fixtures/allocation/walk-forward.json", import.meta.url), "utf8")) as {
  cases: PyCase[];
};

/** make_walk_forward.py's default lag (the old 20-round rule), for cases that do not set one. */
const PY_DEFAULT_LAG = 20;

function toOptions(rounds: readonly number[], columns: readonly Float64Array[], c: PyCase): WalkForwardOptions {
  const o = c.options;
  return {
    rounds,
    columns,
    minFit: o.min_fit,
    ...(o.every === undefined ? {} : { rebalanceEvery: o.every }),
    resolutionLag: o.lag ?? PY_DEFAULT_LAG,
    ...(o.fit_window === undefined ? {} : { fitWindow: o.fit_window }),
    ...(o.cap === undefined ? {} : { cap: o.cap }),
    ...(o.floor === undefined ? {} : { floor: o.floor }),
    ...(c.currentWeights === undefined ? {} : { currentWeights: c.currentWeights }),
  };
}

function expectAllClose(actual: ArrayLike<number>, expected: readonly number[], tol: number): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) expect(Math.abs((actual[i] as number) - (expected[i] as number))).toBeLessThanOrEqual(tol);
}
function expectFigure(actual: number, expected: number | null, tol: number): void {
  if (expected === null) expect(actual).toBeNaN();
  else expect(Math.abs(actual - expected)).toBeLessThanOrEqual(tol);
}

function expectMatchesReference(result: WalkForwardResult, expected: PyCase["expected"]): void {
  expect(result.oosRounds).toEqual(expected.oosRounds);
  expect(result.portfolios.map((p) => p.name)).toEqual(expected.portfolios.map((p) => p.name));
  result.portfolios.forEach((p, i) => {
    const e = expected.portfolios[i] as PyPortfolio;
    expect(p.nRounds).toBe(e.nRounds);
    expectAllClose(p.returns, e.returns, 1e-7);
    expectFigure(p.mean, e.mean, 1e-9);
    expectFigure(p.sharpe, e.sharpe, 1e-6);
    expectFigure(p.maxDrawdown, e.maxDrawdown, 1e-6);
    expectFigure(p.cvar5, e.cvar5, 1e-7);
    expectFigure(p.turnover, e.turnover, 1e-6);
    expect(p.rebalances.length).toBe(e.rebalances.length);
    p.rebalances.forEach((r, j) => {
      const er = e.rebalances[j] as PyPortfolio["rebalances"][number];
      expect([r.round, r.fitRows, r.lastFitRound, r.heldPrevious]).toEqual([er.round, er.fitRows, er.lastFitRound, er.heldPrevious]);
      expectAllClose(r.weights, er.weights, 1e-6);
    });
  });
}

const synthetic = fixture.cases.filter((c) => c.columns !== undefined);
const syntheticData = (c: PyCase) => ({
  rounds: c.rounds as number[],
  columns: (c.columns as number[][]).map((col) => Float64Array.from(col)),
});

describe("walkForward", () => {
  it("holds equal weights out of sample (doc-comment example)", () => {
    const r = walkForward({ rounds: [1, 2, 3, 4], columns: [[1, 2, 3, 4], [2, 1, 4, 3]], minFit: 2, resolutionLag: 1, rebalanceEvery: 1, methods: [], cap: 1 });
    expect(r.portfolios[0]!.returns).toEqual(Float64Array.of(3.5, 3.5));
    expect(r.oosRounds).toEqual([3, 4]);
  });

  it.each(synthetic.map((c, i) => [c.name, i, c] as const))("matches the refit-from-scratch reference on %s (#%i)", (_name, _i, c) => {
    const { rounds, columns } = syntheticData(c);
    expectMatchesReference(walkForward(toOptions(rounds, columns, c)), c.expected);
  });

  it.skipIf(!VLAD_PRESENT)(`matches the reference on real scores of ten models (${VLAD_PRESENT ? "data present" : VLAD_SKIP_REASON})`, () => {
    const c = fixture.cases.find((x) => x.name === "vladthestaker-10") as PyCase;
    const { rounds, columns } = loadVlad();
    expectMatchesReference(walkForward(toOptions(rounds, columns, c)), c.expected);
  });

  it("never looks ahead: scores after round R − lag do not change the weights set at R", () => {
    const c = synthetic[0] as PyCase;
    const { rounds, columns } = syntheticData(c);
    const base = walkForward({ ...toOptions(rounds, columns, c), resolutionLag: 20 });
    const rebalance = base.portfolios[0]!.rebalances[3]!;
    // Scramble every score from the first round that was unresolved at that rebalance onward.
    const cut = rounds.findIndex((r) => r > rebalance.round - 20);
    const scrambled = columns.map((col) => col.map((v, t) => (t >= cut ? -3 * v + 0.05 : v)));
    const changed = walkForward({ ...toOptions(rounds, scrambled, c), resolutionLag: 20 });
    base.portfolios.forEach((p, m) => {
      for (let j = 0; j <= 3; j++) expect(changed.portfolios[m]!.rebalances[j]!.weights).toEqual(p.rebalances[j]!.weights);
      // …while later rebalances do see the new data.
      if (p.name === "inverseVariance") expect(changed.portfolios[m]!.rebalances[4]!.weights).not.toEqual(p.rebalances[4]!.weights);
    });
    expect(rebalance.lastFitRound).toBeLessThanOrEqual(rebalance.round - 20);
  });

  it("fits on the rounds final by their own resolve times when given, whatever the calendar lag says", () => {
    const c = synthetic[0] as PyCase;
    const { rounds, columns } = syntheticData(c);
    const n = rounds.length;
    const DAY = 86_400_000;
    // Rounds open a day apart; most resolve 9 days later, every 7th takes 45 days (late), so the
    // rows final at a rebalance differ from "rounds ≤ R − lag" both ways.
    const openAt = Float64Array.from(rounds, (_, t) => t * DAY);
    const finalAt = Float64Array.from(rounds, (_, t) => (t + (t % 7 === 3 ? 45 : 9)) * DAY + 1);
    const timed = walkForward({ ...toOptions(rounds, columns, c), resolutionLag: 20, finalAt, openAt });
    // Independent of the code's prefix bookkeeping: the leading rows r with finalAt[r] ≤ openAt[t].
    const leading = (t: number) => {
      let e = 0;
      while (e < n && (finalAt[e] as number) <= (openAt[t] as number)) e++;
      return e;
    };
    const equal = timed.portfolios.find((p) => p.name === "inverseVariance")!;
    expect(equal.rebalances.length).toBeGreaterThan(3);
    for (const r of equal.rebalances) {
      const t = rounds.indexOf(r.round);
      expect(r.fitRows).toBe(leading(t));
      expect(r.lastFitRound).toBe(rounds[leading(t) - 1]);
      const fitted = allocate("inverseVariance", allocationInput(columns.map((col) => col.subarray(0, leading(t)))), { cap: c.options.cap ?? 0.35, floor: c.options.floor ?? 0.01 });
      expectAllClose(r.weights, Array.from(fitted), 1e-12);
    }
    // The 20-round rule would have fitted other rows: the times were used.
    const byLag = walkForward({ ...toOptions(rounds, columns, c), resolutionLag: 20 });
    expect(equal.rebalances.map((r) => r.fitRows)).not.toEqual(byLag.portfolios.find((p) => p.name === "inverseVariance")!.rebalances.map((r) => r.fitRows));
    // Rows without a resolve time fall back to the lag (80 here, so it binds).
    const partly = Float64Array.from(finalAt, (v, t) => (t < 30 ? NaN : v));
    const mixed = walkForward({ ...toOptions(rounds, columns, c), resolutionLag: 80, finalAt: partly, openAt });
    const leadingMixed = (t: number) => {
      let e = 0;
      while (e < n && (e < 30 ? (rounds[e] as number) <= (rounds[t] as number) - 80 : (finalAt[e] as number) <= (openAt[t] as number))) e++;
      return e;
    };
    const mixedRebalances = mixed.portfolios[0]!.rebalances;
    expect(mixedRebalances[0]!.round).toBeGreaterThanOrEqual(rounds[29]! + 80);
    for (const r of mixedRebalances) expect(r.fitRows).toBe(leadingMixed(rounds.indexOf(r.round)));
  });

  it("takes the calendar lag from Numerai's calendar: every round is final by the opening of the round 24 later, not 23", () => {
    for (let r = 1200; r < 1300; r++) {
      const firstAfter = (() => {
        let R = r + 1;
        while (roundOpenTime(R).getTime() < roundResolveTime(r).getTime()) R++;
        return R;
      })();
      expect(firstAfter - r).toBeLessThanOrEqual(WALK_FORWARD.resolutionLag);
      expect(roundOpenTime(r + WALK_FORWARD.resolutionLag - 1).getTime()).toBeLessThan(roundResolveTime(r).getTime());
    }
  });

  it.each([
    ["an expanding window", undefined],
    ["a rolling window of 100 rows", 100],
  ] as const)("fits each rebalance exactly as allocate() on the window (%s, running sums)", (_label, fitWindow) => {
    const c = synthetic[0] as PyCase;
    const { rounds, columns } = syntheticData(c);
    const result = walkForward({ rounds, columns, minFit: 40, resolutionLag: 5, rebalanceEvery: 13, ...(fitWindow === undefined ? {} : { fitWindow }) });
    for (const p of result.portfolios) {
      for (const r of p.rebalances) {
        const end = rounds.indexOf(r.lastFitRound) + 1;
        const window = columns.map((col) => col.subarray(end - r.fitRows, end));
        const expected = allocate(p.name as (typeof ALLOCATION_METHODS)[number], allocationInput(window));
        expectAllClose(r.weights, Array.from(expected), 1e-9);
      }
    }
  });

  it("keeps the previous weights when a method is undefined on a window, equal weights at first", () => {
    const c = fixture.cases.find((x) => x.name === "factor-k5-n200-negative-start") as PyCase;
    const { rounds, columns } = syntheticData(c);
    const sharpe = walkForward(toOptions(rounds, columns, c)).portfolios.find((p) => p.name === "maximumSharpe")!;
    const held = sharpe.rebalances.filter((r) => r.heldPrevious);
    expect(held.length).toBeGreaterThan(0);
    expect(Array.from(sharpe.rebalances[0]!.weights)).toEqual(new Array(5).fill(0.2));
    expect(sharpe.rebalances.at(-1)!.heldPrevious).toBe(false);
  });

  it("reports empty portfolios with NaN figures when no round is out of sample", () => {
    const r = walkForward({ rounds: [1, 2, 3], columns: [[0.1, 0.2, 0.3], [0.2, 0.1, 0.0], [0, 0, 0.1]], minFit: 5 });
    expect(r.oosRounds).toEqual([]);
    for (const p of r.portfolios) {
      expect(p.nRounds).toBe(0);
      expect([p.mean, p.sharpe, p.maxDrawdown, p.cvar5, p.turnover].every(Number.isNaN)).toBe(true);
    }
  });

  it("counts turnover as 0 for fixed portfolios and NaN with a single rebalance", () => {
    const c = synthetic[0] as PyCase;
    const { rounds, columns } = syntheticData(c);
    const many = walkForward(toOptions(rounds, columns, c));
    expect(many.portfolios.find((p) => p.name === "equal")!.turnover).toBe(0);
    expect(many.portfolios.find((p) => p.name === "current")!.turnover).toBe(0);
    const once = walkForward({ ...toOptions(rounds, columns, c), rebalanceEvery: 10_000 });
    for (const p of once.portfolios) expect(p.turnover).toBeNaN();
  });

  it("always includes equal weights and keeps the method order", () => {
    const c = synthetic[0] as PyCase;
    const { rounds, columns } = syntheticData(c);
    const r = walkForward({ rounds, columns, minFit: 60, methods: ["hrp", "inverseVariance"] });
    expect(r.portfolios.map((p) => p.name)).toEqual(["equal", "inverseVariance", "hrp"]);
  });

  it("rejects look-ahead, bad windows and malformed input", () => {
    const base = { rounds: [1, 2, 3], columns: [[0.1, 0.2, 0.3], [0.2, 0.1, 0.0], [0, 0, 0.1]], minFit: 2 };
    expect(() => walkForward({ ...base, resolutionLag: 0 })).toThrow("walkForward requires resolutionLag to be a whole number of at least 1");
    expect(() => walkForward({ ...base, minFit: 1 })).toThrow("walkForward requires minFit to be a whole number of at least 2");
    expect(() => walkForward({ ...base, fitWindow: 1 })).toThrow("walkForward requires fitWindow to be a whole number of at least 2");
    expect(() => walkForward({ ...base, rebalanceEvery: 0 })).toThrow("walkForward requires rebalanceEvery to be a whole number of at least 1");
    expect(() => walkForward({ ...base, rounds: [1, 3, 2] })).toThrow("walkForward requires strictly ascending rounds");
    expect(() => walkForward({ ...base, rounds: [1, 2] })).toThrow("walkForward requires rounds and columns of equal length");
    expect(() => walkForward({ ...base, columns: [[0.1, NaN, 0.3], [0, 0, 0], [0, 0, 0]] })).toThrow("walkForward requires finite values");
    expect(() => walkForward({ ...base, currentWeights: [1, 0] })).toThrow("walkForward requires one current weight per model");
    expect(() => walkForward({ ...base, cap: 0.3 })).toThrow("cap × models must be at least 1");
  });

  it("runs 50 models × 1000 rounds with every method well within a second", () => {
    const uniform = parkMillerUniform(7);
    const rnd = () => uniform() - 0.5;
    const k = 50;
    const n = 1000;
    const f = Array.from({ length: n }, () => rnd());
    const columns = Array.from({ length: k }, () => {
      const load = 0.3 + Math.abs(rnd());
      const m = 0.004 + 0.01 * rnd();
      return Float64Array.from({ length: n }, (_, t) => m + 0.02 * load * (f[t] as number) + 0.01 * rnd());
    });
    const rounds = Array.from({ length: n }, (_, t) => 1000 + t);
    walkForward({ rounds, columns, minFit: 60 }); // warm-up (JIT)
    const t0 = performance.now();
    const r = walkForward({ rounds, columns, minFit: 60 });
    // ~10 ms on an idle 2-core machine; the bound only catches an accidental O(n·k³) refit.
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(r.portfolios).toHaveLength(ALLOCATION_METHODS.length);
  });
});
