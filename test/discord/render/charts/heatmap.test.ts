import { describe, expect, it } from "vitest";
import { renderCorrelationHeatmap } from "../../../../src/discord/render/charts/heatmap.js";
import { THEMES, divergingColor } from "../../../../src/discord/render/charts/theme.js";
import { decodePng, hexToRgba, readPngHeader } from "./decode-png.js";
import { parkMillerUniform } from "../../../../src/random.js";
import { drawnTexts, timesDrawn } from "./drawn-text.js";

// Frozen 3×3 input: symmetric, unit diagonal, one pair without enough data.
const LABELS = ["alpha", "beta", "gamma"];
const VALUES = Float64Array.from([1, 0.42, -0.73, 0.42, 1, Number.NaN, -0.73, Number.NaN, 1]);
const INPUT = { labels: LABELS, values: VALUES, title: "Correlation", subtitle: "Rounds 800–900" };

function svgWidth(svg: string): number {
  return Number(/^<svg [^>]*width="(\d+)"/.exec(svg)?.[1]);
}

function randomMatrix(k: number): Float64Array {
  const next = parkMillerUniform(42);
  const values = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j <= i; j++) {
      const r = i === j ? 1 : next() * 2 - 1;
      values[i * k + j] = r;
      values[j * k + i] = r;
    }
  }
  return values;
}

describe("renderCorrelationHeatmap", () => {
  it("returns a PNG whose IHDR size matches the reported size (SVG size × scale, 1 by default)", () => {
    const image = renderCorrelationHeatmap({ ...INPUT, scale: 2 });
    const header = readPngHeader(image.png);
    expect(header.width).toBe(image.width);
    expect(header.height).toBe(image.height);
    expect(image.width).toBe(svgWidth(image.svg) * 2);
    expect(renderCorrelationHeatmap(INPUT).width).toBe(svgWidth(image.svg));
  });

  it("draws all of a 10-model heatmap's labels and values as glyph outlines: no <text> for resvg to shape", () => {
    const k = 10;
    const { svg } = renderCorrelationHeatmap({ labels: Array.from({ length: k }, (_, i) => `integration_test_${i}`), values: randomMatrix(k), title: "Ten" });
    expect(svg).not.toContain("<text");
    expect(drawnTexts(svg)).toHaveLength(1 + 2 * k + 5 + k * k);
  });

  it("produces a stable SVG for a frozen input", async () => {
    await expect(renderCorrelationHeatmap(INPUT).svg).toMatchFileSnapshot("./__snapshots__/heatmap-3x3.svg");
  });

  it("colours cells on the diverging scale and prints their values", () => {
    const { svg } = renderCorrelationHeatmap({ ...INPUT, theme: "light" });
    expect(svg).toContain(`fill="${divergingColor(THEMES.light, -0.73)}"`);
    expect(svg).toContain(`fill="${THEMES.light.diverging[2].toLowerCase()}"`); // the +1 diagonal
    expect(timesDrawn(svg, "1.00")).toBe(3);
    expect(timesDrawn(svg, "0.42")).toBe(2);
    expect(timesDrawn(svg, "\u22120.73")).toBe(2);
  });

  it("draws NaN cells hatched with n/a, adds an n/a legend swatch and never prints NaN", () => {
    const { svg } = renderCorrelationHeatmap(INPUT);
    expect(svg).toContain('<pattern id="missing"');
    // Two cells plus the legend swatch.
    expect(svg.match(/fill="url\(#missing\)"/g)).toHaveLength(3);
    expect(timesDrawn(svg, "n/a")).toBe(3);
    expect(svg).not.toContain("NaN");
  });

  it("omits the n/a legend swatch when every pair has data", () => {
    const { svg } = renderCorrelationHeatmap({ ...INPUT, values: randomMatrix(3) });
    expect(svg).not.toContain("url(#missing)");
  });

  it("escapes labels and still renders", () => {
    const labels = ['<script>&"', "Ünïcødé 🚀 モデル", "a\u0000b"];
    const image = renderCorrelationHeatmap({ ...INPUT, labels, title: "<b>&amp;</b>" });
    expect(image.svg).toContain("&lt;script&gt;&amp;&quot;");
    expect(image.svg).not.toContain("<script>");
    expect(image.svg).toContain("&lt;b&gt;&amp;amp;&lt;/b&gt;");
    expect(image.svg).toContain("Ünïcødé 🚀 モデル");
    expect(readPngHeader(image.png).width).toBe(image.width);
  });

  it("truncates long labels with an ellipsis in the middle", () => {
    const long = "model_" + "x".repeat(80);
    const { svg } = renderCorrelationHeatmap({ ...INPUT, labels: [long, "b", "c"] });
    expect(svg).not.toContain(long);
    expect(drawnTexts(svg)).toContainEqual(expect.stringMatching(/^model_x+…x+$/));
  });

  it("keeps cut labels apart: names that differ only at the end are cut in the middle", () => {
    const a = `v52_lgbm_${"x".repeat(60)}_teager2b60`;
    const b = `v52_lgbm_${"x".repeat(60)}_teager2b20`;
    const { svg } = renderCorrelationHeatmap({ ...INPUT, labels: [a, b, "c"] });
    const shown = drawnTexts(svg).filter((l) => l.startsWith("v52_lgbm_"));
    expect(shown.some((l) => l?.endsWith("b60"))).toBe(true);
    expect(shown.some((l) => l?.endsWith("b20"))).toBe(true);
    expect(shown.every((l) => l?.includes("…"))).toBe(true);
  });

  it("paints the card in the theme's background colour", () => {
    for (const theme of Object.values(THEMES)) {
      const pixels = decodePng(renderCorrelationHeatmap({ ...INPUT, theme: theme.name, scale: 1 }).png);
      expect(pixels.at(1, 1)).toEqual(hexToRgba(theme.background));
      expect(pixels.at(pixels.width - 2, pixels.height - 2)).toEqual(hexToRgba(theme.background));
    }
  });

  it("defaults to the dark theme", () => {
    expect(renderCorrelationHeatmap(INPUT).svg).toBe(renderCorrelationHeatmap({ ...INPUT, theme: "dark" }).svg);
  });

  it("renders k = 60 without cell values, far under Discord's 8 MB limit", () => {
    const k = 60;
    const labels = Array.from({ length: k }, (_, i) => `model_${i}`);
    const image = renderCorrelationHeatmap({ labels, values: randomMatrix(k), title: "Sixty models" });
    expect(image.png.length).toBeLessThan(1_500_000);
    expect(image.width).toBeLessThanOrEqual(2_200);
    expect(image.height).toBeLessThanOrEqual(2_200);
    // Only the title, 2k axis labels and 5 legend ticks: no numbers in the 3600 cells.
    expect(drawnTexts(image.svg)).toHaveLength(1 + 2 * k + 5);
    expect(image.svg.match(/<rect /g)?.length).toBeGreaterThanOrEqual(k * k);
  });

  it("prints values in cells up to k = 15 and not beyond", () => {
    const count = (k: number): number =>
      drawnTexts(renderCorrelationHeatmap({ labels: Array.from({ length: k }, (_, i) => `m${i}`), values: randomMatrix(k), title: "t" }).svg).length;
    expect(count(15)).toBe(1 + 2 * 15 + 5 + 15 * 15);
    expect(count(16)).toBe(1 + 2 * 16 + 5);
  });

  it("renders a no-data card for zero models", () => {
    const image = renderCorrelationHeatmap({ labels: [], values: new Float64Array(0), title: "Correlation" });
    expect(image.svg).toContain("No data to plot");
    expect(readPngHeader(image.png).height).toBe(image.height);
  });

  it("throws when values is not k×k", () => {
    expect(() => renderCorrelationHeatmap({ ...INPUT, values: new Float64Array(8) })).toThrow(
      "renderCorrelationHeatmap requires values of length labels.length squared",
    );
  });
});
