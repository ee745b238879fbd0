// alignOuter is checked against alignByRound/alignPair, which are the definitions it must agree with.
import { describe, expect, it } from "vitest";
import { alignOuter, alignPair } from "../../src/analytics/align.js";
import { reference } from "./reference.js";

describe("alignOuter", () => {
  it("takes the union of rounds with NaN for missing values (doc example)", () => {
    const r = alignOuter([
      { rounds: [1, 2], values: [1, 2] },
      { rounds: [2, 3], values: [5, 6] },
    ]);
    expect(r.rounds).toEqual([1, 2, 3]);
    expect(r.columns.map((c) => Array.from(c))).toEqual([
      [1, 2, NaN],
      [NaN, 5, 6],
    ]);
  });

  it("treats a non-finite value as missing, like alignByRound", () => {
    const r = alignOuter([{ rounds: [1, 2], values: [NaN, 2] }]);
    expect(Array.from(r.columns[0]!)).toEqual([NaN, 2]);
  });

  it("gives every pair exactly alignPair's rounds where both columns are finite", () => {
    const s = reference().pairwise.series;
    const { rounds, columns } = alignOuter(s);
    for (let i = 0; i < s.length; i++) {
      for (let j = i + 1; j < s.length; j++) {
        const both = rounds.filter((_r, t) => !Number.isNaN(columns[i]![t]!) && !Number.isNaN(columns[j]![t]!));
        expect(both).toEqual(alignPair(s[i]!, s[j]!).rounds);
      }
    }
  });

  it("throws on rounds that are not strictly ascending", () => {
    expect(() => alignOuter([{ rounds: [1, 1], values: [1, 2] }])).toThrow("alignOuter requires strictly ascending rounds");
  });
});
