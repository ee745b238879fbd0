// Reference values: test/fixtures/allocation/make_prune.py → prune.json (numpy 1.24: Sharpe
// w'μ/√(w'Σw), Meucci ENB from numpy.linalg.eigh); command in test/fixtures/allocation/README.md.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { prune, type PruneObjective } from "../../src/analytics/prune.js";
import { loadVlad, VLAD_MODELS, VLAD_PRESENT, VLAD_SKIP_REASON } from "../fixtures/allocation/vlad.js";
import { allocationInput } from "../../src/analytics/risk-model.js";

interface Step {
  index: number;
  objectiveBefore: number;
  objectiveAfter: number;
  sharpeBefore: number;
  sharpeAfter: number;
  mostCorrelatedWith: number;
  rho: number;
}
interface Case {
  name: string;
  objective: PruneObjective;
  threshold: number;
  weights: number[];
  columns?: number[][];
  expected: { steps: Step[]; kept: number[] };
}
const fixture = JSON.parse(readFileSync(new URL("../fixtures/allocation/prune.json", import.meta.url), "utf8")) as { cases: Case[] };

function expectMatches(columns: readonly ArrayLike<number>[], c: Case, names?: readonly string[]): void {
  const { mu, cov, k } = allocationInput(columns);
  const result = prune({ mu, cov, k, weights: c.weights, objective: c.objective, threshold: c.threshold, ...(names ? { names } : {}) });
  expect(result.steps.map((s) => s.index)).toEqual(c.expected.steps.map((s) => s.index));
  expect(result.kept).toEqual(c.expected.kept);
  result.steps.forEach((s, i) => {
    const e = c.expected.steps[i] as Step;
    expect(s.objectiveBefore).toBeCloseTo(e.objectiveBefore, 9);
    expect(s.objectiveAfter).toBeCloseTo(e.objectiveAfter, 9);
    expect(s.delta).toBeCloseTo(e.objectiveAfter - e.objectiveBefore, 9);
    expect(s.sharpeBefore).toBeCloseTo(e.sharpeBefore, 9);
    expect(s.sharpeAfter).toBeCloseTo(e.sharpeAfter, 9);
    expect(s.mostCorrelatedWith).toBe(e.mostCorrelatedWith);
    expect(s.rho).toBeCloseTo(e.rho, 9);
    if (names) expect([s.name, s.mostCorrelatedWithName]).toEqual([names[s.index], names[s.mostCorrelatedWith]]);
    expect(s.weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 14);
    expect(s.weights[s.index]).toBe(0);
  });
}

describe("prune", () => {
  it("drops the weak model first (doc-comment example)", () => {
    const r = prune({ mu: [0.02, 0.001, 0.02], cov: [1e-4, 0, 0, 0, 1e-4, 0, 0, 0, 1e-4], k: 3, weights: [1, 1, 1], objective: "sharpe", threshold: 0 });
    expect(r.steps[0]!.index).toBe(1);
    expect(r.steps[0]!.sharpeBefore).toBeCloseTo(2.367136103677465, 14); // 0.041/3 / √(3e-4/9)
    expect(r.steps[0]!.sharpeAfter).toBeCloseTo(2 * Math.SQRT2, 14);
    // Dropping either survivor would lower the Sharpe to 2: it stops with two models.
    expect(r.kept).toEqual([0, 2]);
  });

  it.each(fixture.cases.filter((c) => c.columns !== undefined).map((c) => [c.objective, c.threshold, c] as const))(
    "matches the numpy reference on synthetic scores (objective %s, threshold %f)",
    (_objective, _threshold, c) => {
      expectMatches((c.columns as number[][]).map((col) => Float64Array.from(col)), c);
    },
  );

  it.skipIf(!VLAD_PRESENT)(`matches the numpy reference on real scores, with names (${VLAD_PRESENT ? "data present" : VLAD_SKIP_REASON})`, () => {
    const { columns } = loadVlad();
    for (const c of fixture.cases.filter((x) => x.name === "vladthestaker-10")) expectMatches(columns, c, VLAD_MODELS);
  });

  it("names the near-duplicate as the reason when it drops one of a pair", () => {
    const c = fixture.cases.find((x) => x.columns !== undefined && x.objective === "enbPerStake" && x.threshold === 0) as Case;
    const { mu, cov, k } = allocationInput(c.columns as number[][]);
    const first = prune({ mu, cov, k, weights: c.weights, objective: "enbPerStake", threshold: 0 }).steps[0]!;
    // Model 7 is model 6 plus 0.001 noise (make_prune.py).
    expect([first.index, first.mostCorrelatedWith]).toEqual([7, 6]);
    expect(first.rho).toBeGreaterThan(0.99);
  });

  it("ignores models with zero weight and stops at one model", () => {
    const cov = [1e-4, 0, 0, 0, 1e-4, 0, 0, 0, 1e-4];
    const r = prune({ mu: [0.03, 0.02, 0.01], cov, k: 3, weights: [0, 1, 1], objective: "sharpe", threshold: -1 });
    expect(r.steps.map((s) => s.index)).toEqual([2]);
    expect(r.kept).toEqual([1]);
    expect(Array.from(r.weights)).toEqual([0, 1, 0]);
  });

  it("does not count a rise that is only rounding", () => {
    // Three independent equal models: ENB 3 per full stake = ENB 2 per ⅔ stake, exactly.
    const r = prune({ mu: [0.02, 0.02, 0.02], cov: [1e-4, 0, 0, 0, 1e-4, 0, 0, 0, 1e-4], k: 3, weights: [1, 1, 1], objective: "enbPerStake", threshold: 0 });
    expect(r.steps).toEqual([]);
  });

  it("stops before the first step when the portfolio Sharpe is undefined (no variance)", () => {
    const r = prune({ mu: [0.01, 0.02], cov: [0, 0, 0, 0], k: 2, weights: [1, 1], objective: "sharpe", threshold: 0 });
    expect(r.steps).toEqual([]);
    expect(r.kept).toEqual([0, 1]);
  });

  it("rejects malformed input", () => {
    const base = { mu: [0.01, 0.02], cov: [1, 0, 0, 1], k: 2, weights: [1, 1], objective: "sharpe" as const, threshold: 0 };
    expect(() => prune({ ...base, cov: [1] })).toThrow("prune requires a k×k covariance matrix");
    expect(() => prune({ ...base, mu: [1] })).toThrow("prune requires k means");
    expect(() => prune({ ...base, weights: [1] })).toThrow("prune requires k weights");
    expect(() => prune({ ...base, names: ["a"] })).toThrow("prune requires k names");
    expect(() => prune({ ...base, corr: [1] })).toThrow("prune requires a k×k correlation matrix");
    expect(() => prune({ ...base, threshold: NaN })).toThrow("prune requires a finite threshold");
    expect(() => prune({ ...base, objective: "x" as "sharpe" })).toThrow("prune requires a known objective");
    expect(() => prune({ ...base, weights: [-1, 1] })).toThrow("prune requires finite, non-negative weights");
    expect(() => prune({ ...base, weights: [0, 0] })).toThrow("prune requires a positive weight");
  });
});
