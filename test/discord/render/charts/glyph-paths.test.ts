import { describe, expect, it } from "vitest";
import { glyphRun } from "../../../../src/discord/render/charts/glyph-paths.js";
import { rasterizeSvg } from "../../../../src/discord/render/charts/render-png.js";
import { renderDocument, text, textElement, type TextOptions } from "../../../../src/discord/render/charts/svg.js";
import { measureText } from "../../../../src/discord/render/charts/text-metrics.js";
import { THEMES } from "../../../../src/discord/render/charts/theme.js";
import { decodePng, type Pixels } from "./decode-png.js";

const theme = THEMES.dark;
const WIDTH = 420;
const HEIGHT = 120;

function draw(markup: string, scale: number): Pixels {
  return decodePng(rasterizeSvg(renderDocument(theme, WIDTH, HEIGHT, [markup]), scale).png);
}

/** Pixels off the background, and pixels whose colour differs by more than `tolerance` in a channel. */
function compare(a: Pixels, b: Pixels, tolerance: number): { inked: number; different: number } {
  let inked = 0;
  let different = 0;
  const bg = a.at(0, 0);
  for (let y = 0; y < a.height; y++) {
    for (let x = 0; x < a.width; x++) {
      const p = a.at(x, y);
      const q = b.at(x, y);
      if (p.some((v, i) => v !== bg[i])) inked++;
      if (p.some((v, i) => Math.abs(v - (q[i] as number)) > tolerance)) different++;
    }
  }
  return { inked, different };
}

describe("glyphRun", () => {
  // resvg shapes <text> itself (rustybuzz, ttf-parser): an independent reading of the same font.
  it.each([
    ["integration_test_42", { size: 13 }, "start", undefined],
    ["Correlation of 10 models (pearson)", { size: 18, bold: true }, "start", undefined],
    ["−0.73 · n/a … ≤ 1.00", { size: 12 }, "middle", undefined],
    ["Привет, Ωμέγα", { size: 13 }, "end", undefined],
    ["vladthestaker_7", { size: 11 }, "end", -45],
    ["AVATAR Tokyo", { size: 16 }, "start", undefined],
  ] as const)("draws %j as resvg draws the same <text>", (content, style, anchor, rotate) => {
    const options: TextOptions = { x: anchor === "start" ? 20 : anchor === "middle" ? WIDTH / 2 : WIDTH - 20, y: 100, style, fill: theme.text, anchor, ...(rotate === undefined ? {} : { rotate }) };
    const path = text(content, options);
    expect(path).toMatch(/^<path /);
    for (const scale of [1, 2]) {
      const { inked, different } = compare(draw(textElement(content, options), scale), draw(path, scale), 64);
      expect(inked).toBeGreaterThan(100 * scale);
      // Anti-aliasing may differ by a shade at the edges; a misplaced or wrong glyph would not.
      expect(different).toBeLessThanOrEqual(inked * 0.01);
    }
  });

  it("applies the font's pair kerning", () => {
    const style = { size: 20 };
    const kerned = glyphRun("AV", style, 0);
    expect(kerned?.width).toBeLessThan(measureText("AV", style) - 1);
    expect(glyphRun("nn", style, 0)?.width).toBeCloseTo(measureText("nn", style), 9);
  });

  it("aligns middle and end on the kerned width", () => {
    const style = { size: 13 };
    const start = glyphRun("AVA", style, 100, "start");
    const middle = glyphRun("AVA", style, 100, "middle");
    const end = glyphRun("AVA", style, 100, "end");
    expect(start?.left).toBe(100);
    expect(middle?.left).toBeCloseTo(100 - (start?.width ?? 0) / 2, 9);
    expect(end?.left).toBeCloseTo(100 - (start?.width ?? 0), 9);
  });

  it("is undefined for text the font or the simple layout cannot draw", () => {
    expect(glyphRun("漢字", { size: 12 }, 0)).toBeUndefined();
    expect(glyphRun("n\u0303", { size: 12 }, 0)).toBeUndefined();
    expect(glyphRun("שלום", { size: 12 }, 0)).toBeUndefined();
  });
});
