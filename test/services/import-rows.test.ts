import { describe, expect, it } from "vitest";
import { createDuplicateFinder, type ImportCell } from "../../src/services/import-rows.js";

const cell = (model: string, roundNumber: number, name = "canon_corr"): ImportCell => ({ model, roundNumber, name, value: 0 });

/** The finder's passes as importCsv runs them: track every cell, then (only if it may repeat) addKey every cell. */
function repeatedKeys(cells: readonly ImportCell[]): { mayRepeat: boolean; repeated: ImportCell[] } {
  const finder = createDuplicateFinder();
  for (const c of cells) finder.track(c);
  if (!finder.mayRepeat()) return { mayRepeat: false, repeated: [] };
  for (const c of cells) finder.addKey(c);
  const keys = finder.repeated();
  const named = new Map<number, ImportCell>();
  for (const c of cells) if (keys.has(finder.keyOf(c))) named.set(finder.keyOf(c), c);
  return { mayRepeat: true, repeated: [...named.values()] };
}

describe("createDuplicateFinder", () => {
  const models = ["m_0", "m_1", "m_2"];
  const rounds = [900, 901, 902, 903];

  it.each([
    ["by model (an export, Numerai's history)", models.flatMap((m) => rounds.map((r) => cell(m, r)))],
    ["by round (a wide file turned long)", rounds.flatMap((r) => models.map((m) => cell(m, r)))],
    ["by model with several score names per round", models.flatMap((m) => rounds.flatMap((r) => [cell(m, r, "canon_corr"), cell(m, r, "canon_mmc")]))],
  ])("needs no second pass for a file ordered %s", (_order, cells) => {
    expect(repeatedKeys(cells)).toEqual({ mayRepeat: false, repeated: [] });
  });

  it("finds a key that a pair repeats far from its first line", () => {
    const cells = [...models.flatMap((m) => rounds.map((r) => cell(m, r))), cell("m_0", 901)];
    expect(repeatedKeys(cells)).toEqual({ mayRepeat: true, repeated: [cell("m_0", 901)] });
  });

  it("finds a key repeated on the next line", () => {
    expect(repeatedKeys([cell("m_0", 900), cell("m_0", 900), cell("m_1", 900)])).toEqual({ mayRepeat: true, repeated: [cell("m_0", 900)] });
  });

  it("reports nothing for a pair whose rounds are out of order but never repeat", () => {
    expect(repeatedKeys([cell("m_0", 902), cell("m_0", 900), cell("m_0", 901), cell("m_1", 900)])).toEqual({ mayRepeat: true, repeated: [] });
  });

  it("keeps score names apart: the same model and round under two names is no repeat", () => {
    expect(repeatedKeys([cell("m_0", 900, "canon_corr"), cell("m_0", 900, "canon_mmc"), cell("m_0", 899, "canon_mmc")])).toEqual({ mayRepeat: true, repeated: [] });
  });

  it("keeps every pair's last round as it grows past 1,024 pairs", () => {
    const cells = Array.from({ length: 3000 }, (_, i) => cell(`m_${i % 1500}`, 900 + Math.floor(i / 1500)));
    expect(repeatedKeys(cells).mayRepeat).toBe(false);
    expect(repeatedKeys([...cells, cell("m_1499", 900)])).toEqual({ mayRepeat: true, repeated: [cell("m_1499", 900)] });
  });
});
