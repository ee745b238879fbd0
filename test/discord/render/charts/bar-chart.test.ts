import { describe, expect, it } from "vitest";
import { renderBarChart } from "../../../../src/discord/render/charts/bar-chart.js";
import { THEMES } from "../../../../src/discord/render/charts/theme.js";
import { countDifferingPixels, decodePng, hexToRgba, readPngHeader } from "./decode-png.js";
import { drawnTexts, timesDrawn } from "./drawn-text.js";

const BARS = [
  { label: "alpha", value: 0.0213 },
  { label: "beta", value: -0.0085 },
  { label: "gamma", value: Number.NaN },
  { label: "delta", value: 0 },
];
const INPUT = { title: "Marginal Sharpe", subtitle: "Rounds 800–900", bars: BARS };

function rectFills(svg: string, fill: string): number {
  return svg.match(new RegExp(`<rect [^>]*fill="${fill}"`, "g"))?.length ?? 0;
}

describe("renderBarChart", () => {
  it("returns a PNG whose IHDR size matches the reported size", () => {
    const image = renderBarChart(INPUT);
    expect(readPngHeader(image.png)).toMatchObject({ width: image.width, height: image.height });
  });

  it("produces a stable SVG for a frozen input", async () => {
    await expect(renderBarChart(INPUT).svg).toMatchFileSnapshot("./__snapshots__/bar-chart.svg");
  });

  it("colours positive and negative bars differently", () => {
    for (const theme of Object.values(THEMES)) {
      const { svg } = renderBarChart({ ...INPUT, theme: theme.name });
      expect(theme.positive).not.toBe(theme.negative);
      // alpha, and delta's zero-width bar, are "positive"; beta is negative.
      expect(rectFills(svg, theme.positive)).toBe(2);
      expect(rectFills(svg, theme.negative)).toBe(1);
    }
  });

  it("labels each bar with a value sharing one precision, using a true minus sign", () => {
    const { svg } = renderBarChart(INPUT);
    for (const label of ["0.0213", "\u22120.0085", "0.0000"]) expect(drawnTexts(svg)).toContain(label);
  });

  it("shows n/a and no bar for NaN values", () => {
    const { svg } = renderBarChart({ ...INPUT, bars: [{ label: "gamma", value: Number.NaN }] });
    expect(drawnTexts(svg)).toContain("n/a");
    expect(rectFills(svg, THEMES.dark.positive) + rectFills(svg, THEMES.dark.negative)).toBe(0);
    expect(svg).not.toContain("NaN");
  });

  it("formats values and ticks with valueFormat when given", () => {
    const { svg } = renderBarChart({ ...INPUT, valueFormat: (v) => `${(v * 100).toFixed(1)}%` });
    expect(drawnTexts(svg)).toEqual(expect.arrayContaining(["2.1%", "-0.9%", "0.0%"]));
  });

  it("escapes labels and still renders", () => {
    const image = renderBarChart({ ...INPUT, bars: [{ label: '<script>&"', value: 1 }] });
    expect(image.svg).toContain("&lt;script&gt;&amp;&quot;");
    expect(image.svg).not.toContain("<script>");
    expect(image.png.length).toBeGreaterThan(0);
  });

  it("truncates long labels with an ellipsis in the middle", () => {
    const long = "model_" + "x".repeat(80);
    const { svg } = renderBarChart({ ...INPUT, bars: [{ label: long, value: 1 }] });
    expect(svg).not.toContain(long);
    expect(drawnTexts(svg)).toContainEqual(expect.stringMatching(/^model_x+…x+$/));
  });

  it("keeps cut labels apart: names that differ only at the end are cut in the middle", () => {
    const a = `v52_lgbm_${"x".repeat(60)}_teager2b60`;
    const b = `v52_lgbm_${"x".repeat(60)}_teager2b20`;
    const { svg } = renderBarChart({ ...INPUT, bars: [{ label: a, value: 1 }, { label: b, value: -1 }] });
    const shown = drawnTexts(svg).filter((l) => l.startsWith("v52_lgbm_"));
    expect(shown.some((l) => l?.endsWith("b60"))).toBe(true);
    expect(shown.some((l) => l?.endsWith("b20"))).toBe(true);
    expect(shown.every((l) => l?.includes("…"))).toBe(true);
  });

  it("actually draws the title text", () => {
    const withTitle = decodePng(renderBarChart(INPUT).png);
    const without = decodePng(renderBarChart({ ...INPUT, title: "" }).png);
    const titleBox = { x0: 0, y0: 0, x1: withTitle.width, y1: 80 };
    expect(countDifferingPixels(withTitle, without, titleBox)).toBeGreaterThan(500);
  });

  it("paints the card in each theme's background colour", () => {
    for (const theme of Object.values(THEMES)) {
      const pixels = decodePng(renderBarChart({ ...INPUT, theme: theme.name, scale: 1 }).png);
      expect(pixels.at(1, 1)).toEqual(hexToRgba(theme.background));
    }
  });

  it("keeps long lists compact", () => {
    const bars = Array.from({ length: 60 }, (_, i) => ({ label: `m${i}`, value: Math.sin(i) }));
    const image = renderBarChart({ title: "Many", bars });
    expect(image.height).toBeLessThan(3_000);
    expect(timesDrawn(image.svg, "m59")).toBe(1);
  });

  it("renders a no-data card for an empty list", () => {
    const image = renderBarChart({ title: "Nothing", bars: [] });
    expect(image.svg).toContain("No data to plot");
    expect(readPngHeader(image.png).width).toBe(image.width);
  });
});
