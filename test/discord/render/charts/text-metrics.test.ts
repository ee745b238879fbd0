import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { measureText, truncateText } from "../../../../src/discord/render/charts/text-metrics.js";

// Advance widths summed by fontTools from the same TTF files:
// /usr/bin/python3 test/discord/render/charts/fixtures/dejavu-advances.py (see the script's docstring).
const reference = JSON.parse(readFileSync(new URL("./fixtures/dejavu-advances.json", import.meta.url), "utf8")) as Record<
  "regular" | "bold",
  { unitsPerEm: number; advances: Record<string, number> }
>;

describe("measureText", () => {
  for (const weight of ["regular", "bold"] as const) {
    const { unitsPerEm, advances } = reference[weight];
    it.each(Object.entries(advances))(`matches fontTools' ${weight} advance width of %j`, (sample, units) => {
      expect(measureText(sample, { size: 20, bold: weight === "bold" })).toBeCloseTo((units / unitsPerEm) * 20, 9);
    });
  }

  it("scales linearly with font size", () => {
    expect(measureText("alpha_v4", { size: 26 })).toBeCloseTo(2 * measureText("alpha_v4", { size: 13 }), 9);
  });
});

describe("truncateText", () => {
  const style = { size: 13 };

  it("returns text that fits unchanged", () => {
    expect(truncateText("alpha_v4", 200, style)).toBe("alpha_v4");
  });

  it("cuts long text to the width, ending in an ellipsis", () => {
    const long = "beta_ensemble_2024_very_long_model_name";
    const cut = truncateText(long, 120, style);
    expect(cut.endsWith("…")).toBe(true);
    expect(long.startsWith(cut.slice(0, -1))).toBe(true);
    expect(measureText(cut, style)).toBeLessThanOrEqual(120);
    // The longest such prefix: one more character would not fit.
    expect(measureText(long.slice(0, cut.length) + "…", style)).toBeGreaterThan(120);
  });

  it("never splits a grapheme such as an emoji ZWJ sequence", () => {
    const family = "👩‍👩‍👧";
    const cut = truncateText(`ab${family}${family}${family}cdefghij`, measureText(`ab${family}…`, style) + 1, style);
    expect(cut).toBe(`ab${family}…`);
  });
});
