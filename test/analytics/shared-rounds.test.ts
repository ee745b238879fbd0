import { describe, expect, it } from "vitest";
import type { RoundSeries } from "../../src/analytics/align.js";
import { leaveOutForSharedRounds } from "../../src/analytics/shared-rounds.js";
import { mulberry32 } from "../../src/random.js";

const series = (...rounds: number[][]): RoundSeries[] => rounds.map((r) => ({ rounds: r, values: r.map(() => 0.01) }));
const span = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** Independent reference: every subset by plain Set intersection, smallest removal size first. */
function bruteForce(s: RoundSeries[], minRounds: number, minModels = 2): Array<{ removed: number[]; shared: number }> {
  const k = s.length;
  const sets = s.map((x) => new Set(x.rounds.filter((_, i) => Number.isFinite(x.values[i]))));
  for (let size = 1; size <= k - minModels; size++) {
    const found: Array<{ removed: number[]; shared: number }> = [];
    for (let mask = 0; mask < 1 << k; mask++) {
      const removed = [...Array(k).keys()].filter((i) => (mask >> i) & 1);
      if (removed.length !== size) continue;
      const kept = sets.filter((_, i) => !((mask >> i) & 1));
      const shared = [...(kept[0] as Set<number>)].filter((r) => kept.every((x) => x.has(r))).length;
      if (shared >= minRounds) found.push({ removed, shared });
    }
    if (found.length > 0) return found;
  }
  return [];
}

describe("leaveOutForSharedRounds", () => {
  it("reproduces the doc-comment example", () => {
    expect(leaveOutForSharedRounds(series([1, 2], [3, 4], [1, 2, 3, 4]), 2).options).toEqual([
      { removed: [0], shared: 2 },
      { removed: [1], shared: 2 },
    ]);
  });

  it("finds nothing for two models that never overlap: leaving one out leaves no pair", () => {
    expect(leaveOutForSharedRounds(series(span(1, 50), span(51, 100)), 20)).toEqual({ options: [], exact: true });
  });

  it("leaves out the model that breaks the overlap, not the one with the fewest rounds", () => {
    // 0 and 1 never overlap; 2 has the fewest rounds but dropping it leaves 0 and 1 disjoint.
    const s = series(span(1, 61), span(101, 165), span(140, 165), span(1, 165));
    expect(leaveOutForSharedRounds(s, 20).options).toEqual([{ removed: [0], shared: 26 }]);
  });

  it("ignores rounds whose value is not finite, as alignByRound does", () => {
    const s: RoundSeries[] = [
      { rounds: span(1, 30), values: span(1, 30).map((r) => (r > 5 ? NaN : 0)) },
      { rounds: span(1, 30), values: span(1, 30).map(() => 0) },
      { rounds: span(1, 30), values: span(1, 30).map(() => 0) },
    ];
    expect(leaveOutForSharedRounds(s, 20).options).toEqual([{ removed: [0], shared: 30 }]);
  });

  it.each([1, 2, 3, 4, 5, 6, 7, 8])("matches a brute-force search over every subset on random calendars (seed %i)", (seed) => {
    const rand = mulberry32(seed);
    const k = 3 + Math.floor(rand() * 5);
    const s = series(
      ...Array.from({ length: k }, () => {
        const from = 1 + Math.floor(rand() * 60);
        return span(from, from + 10 + Math.floor(rand() * 60)).filter(() => rand() > 0.1);
      }),
    );
    const want = bruteForce(s, 20).sort((a, b) => b.shared - a.shared);
    const got = leaveOutForSharedRounds(s, 20, { maxOptions: 1000 });
    expect(got.exact).toBe(true);
    expect(got.options).toEqual(want);
  });

  it("falls back to greedy when the exact search would exceed its budget, and says so", () => {
    const s = series(span(1, 61), span(101, 165), span(140, 165), span(1, 165));
    expect(leaveOutForSharedRounds(s, 20, { budget: 1 })).toEqual({ options: [{ removed: [0], shared: 26 }], exact: false });
  });

  it("greedy on a portfolio too large to search: leaves out the ten short models that break the overlap", () => {
    // 50 models over rounds 1–300 and 10 that each have a different 10-round stretch: all ten must go.
    const s = series(...Array.from({ length: 60 }, (_, i) => (i % 6 === 5 ? span(1 + 30 * Math.floor(i / 6), 10 + 30 * Math.floor(i / 6)) : span(1, 300))));
    const got = leaveOutForSharedRounds(s, 20);
    expect(got.exact).toBe(false);
    expect(got.options).toEqual([{ removed: Array.from({ length: 10 }, (_, j) => 6 * j + 5), shared: 300 }]);
  });

  it.each([11, 12, 13, 14])("greedy gives a removal that works, never smaller than the exact one (seed %i)", (seed) => {
    const rand = mulberry32(seed);
    const s = series(...Array.from({ length: 7 }, () => { const from = 1 + Math.floor(rand() * 60); return span(from, from + 20 + Math.floor(rand() * 60)); }));
    const exact = bruteForce(s, 20);
    const greedy = leaveOutForSharedRounds(s, 20, { budget: 1 }).options[0];
    if (greedy === undefined) return expect(exact).toEqual([]);
    const kept = s.filter((_, i) => !greedy.removed.includes(i)).map((x) => new Set(x.rounds));
    expect([...(kept[0] as Set<number>)].filter((r) => kept.every((x) => x.has(r))).length).toBe(greedy.shared);
    expect(greedy.shared).toBeGreaterThanOrEqual(20);
    expect(greedy.removed.length).toBeGreaterThanOrEqual(exact[0]?.removed.length ?? Infinity);
  });

  it("rejects a non-positive minimum", () => {
    expect(() => leaveOutForSharedRounds(series([1]), 0)).toThrow("leaveOutForSharedRounds requires minRounds ≥ 1 and minModels ≥ 1");
  });
});
