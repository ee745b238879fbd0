import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { measureText } from "../../../src/discord/render/charts/text-metrics.js";
import { codePoints, shortenNames } from "../../../src/discord/render/short-names.js";

/** Every distinct input gets its own output, equal inputs equal outputs, and each output is within `max` (when `max` leaves room). */
function expectUniqueWithin(names: readonly string[], out: readonly string[], max: number, width = codePoints) {
  expect(out).toHaveLength(names.length);
  const byInput = new Map<string, string>();
  names.forEach((n, i) => {
    const o = out[i] as string;
    if (byInput.has(n)) expect(o).toBe(byInput.get(n));
    byInput.set(n, o);
  });
  expect(new Set(byInput.values()).size).toBe(byInput.size);
  for (const o of out) if (!names.includes(o) || width(o) > max) expect(width(o)).toBeLessThanOrEqual(max);
}

describe("shortenNames", () => {
  it("keeps the two real names that collided when cut at the end apart (v52_lgbm_teager2b60 / …b20)", () => {
    const names = ["v52_lgbm_teager2b60", "v52_lgbm_teager2b20"];
    for (const max of [18, 16, 12, 8, 6]) {
      const out = shortenNames(names, max);
      expectUniqueWithin(names, out, max);
      expect(out[0]).not.toBe(out[1]);
      expect(out.every((o) => o.includes("…"))).toBe(true);
    }
    expect(shortenNames(names, 12)).toEqual(["v52_lgb…2b60", "v52_lgb…2b20"]);
  });

  it("keeps names that fit whole", () => {
    expect(shortenNames(["alpha", "beta"], 16)).toEqual(["alpha", "beta"]);
  });

  it("moves the cut for names that differ only in the middle, and moves them together", () => {
    const names = ["numerai_model_A_final_version", "numerai_model_B_final_version"];
    const out = shortenNames(names, 16);
    expectUniqueWithin(names, out, 16);
    expect(out[0]).toContain("A");
    expect(out[1]).toContain("B");
  });

  it("numbers names that no cut within the width can tell apart", () => {
    const names = ["aaaaXbbbb", "aaaaYbbbb"];
    // Within 5 characters a cut shows at most 4 of them, never the fifth, where the names differ.
    const out = shortenNames(names, 5);
    expectUniqueWithin(names, out, 5);
    expect(out).toEqual(["aa…#1", "aa…#2"]);
  });

  it("never lets a cut equal another name that is kept whole", () => {
    const names = ["abcdefghij", "abc…ij", "abcd…hij"];
    expectUniqueWithin(names, shortenNames(names, 6), 6);
  });

  it("gives equal names equal forms and distinct names distinct forms on sets built to collide", () => {
    const names = Array.from({ length: 30 }, (_, i) => `v52_lgbm_teager${i % 3}b${String(i).padStart(2, "0")}`);
    const out = shortenNames([...names, ...names], 10);
    expectUniqueWithin([...names, ...names], out, 10);
  });

  it("holds for any set of names and any width (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.string({ maxLength: 30 }), fc.stringMatching(/^v52_lgbm_[a-c]{0,6}[0-9]{0,3}$/)), { maxLength: 25 }),
        fc.integer({ min: 1, max: 24 }),
        (names, max) => {
          const out = shortenNames(names, max);
          const byInput = new Map<string, string>();
          names.forEach((n, i) => byInput.set(n, out[i] as string));
          expect(new Set(byInput.values()).size).toBe(byInput.size);
          names.forEach((n, i) => expect(out[i]).toBe(byInput.get(n)));
        },
      ),
      { numRuns: 300 },
    );
  });

  it("measures in pixels when given a chart's text width", () => {
    const style = { size: 12 };
    const width = (s: string) => measureText(s, style);
    const names = ["v52_lgbm_teager2b60", "v52_lgbm_teager2b20", "v52_lgbm_teager2b"];
    const out = shortenNames(names, 70, width);
    expectUniqueWithin(names, out, 70, width);
  });
});
