import { describe, expect, it } from "vitest";
import { renderLineChart } from "../../../../src/discord/render/charts/line-chart.js";
import { THEMES, seriesStyle } from "../../../../src/discord/render/charts/theme.js";
import { countDifferingPixels, decodePng, hexToRgba, readPngHeader } from "./decode-png.js";
import { drawnTexts } from "./drawn-text.js";

const INPUT = {
  title: "Cumulative CORR20v2",
  subtitle: "Resolved rounds",
  xLabel: "Round",
  yLabel: "Cumulative score",
  series: [
    { name: "alpha", points: [{ x: 800, y: 0.01 }, { x: 801, y: 0.03 }, { x: 802, y: 0.02 }, { x: 803, y: 0.05 }] },
    { name: "beta", points: [{ x: 800, y: -0.01 }, { x: 801, y: Number.NaN }, { x: 802, y: 0.0 }, { x: 803, y: 0.01 }] },
  ],
};

function paths(svg: string): string[] {
  return Array.from(svg.matchAll(/<path d="([^"]+)"/g), (m) => m[1] as string);
}

describe("renderLineChart", () => {
  it("returns a PNG whose IHDR size matches the reported size", () => {
    const image = renderLineChart(INPUT);
    expect(readPngHeader(image.png)).toMatchObject({ width: image.width, height: image.height });
  });

  it("produces a stable SVG for a frozen input", async () => {
    await expect(renderLineChart(INPUT).svg).toMatchFileSnapshot("./__snapshots__/line-chart.svg");
  });

  it("breaks a line at a NaN y instead of drawing through it", () => {
    const [alpha, beta] = paths(renderLineChart(INPUT).svg);
    expect(alpha?.match(/M/g)).toHaveLength(1);
    expect(alpha?.match(/L/g)).toHaveLength(3);
    // beta: an isolated first point (a dot, not a path) then a run of two points.
    expect(beta?.match(/M/g)).toHaveLength(1);
    expect(beta?.match(/L/g)).toHaveLength(1);
    expect(renderLineChart(INPUT).svg.match(/<circle /g)).toHaveLength(1);
  });

  it("splits a series with an interior gap into separate subpaths", () => {
    const points = [0, 1, 2, Number.NaN, 4, 5].map((y, x) => ({ x, y }));
    const [d] = paths(renderLineChart({ ...INPUT, series: [{ name: "s", points }] }).svg);
    expect(d?.match(/M/g)).toHaveLength(2);
  });

  it("sorts points by x and drops points with a non-finite x", () => {
    const points = [{ x: 3, y: 3 }, { x: Number.NaN, y: 9 }, { x: 1, y: 1 }, { x: 2, y: 2 }];
    const [d] = paths(renderLineChart({ ...INPUT, series: [{ name: "s", points }] }).svg);
    const xs = Array.from(d?.matchAll(/[ML]([\d.]+) /g) ?? [], (m) => Number(m[1]));
    expect(xs).toHaveLength(3);
    expect([...xs].sort((a, b) => a - b)).toEqual(xs);
  });

  it("gives up to ten series distinguishable styles and a legend entry each", () => {
    const series = Array.from({ length: 10 }, (_, i) => ({
      name: `model_${i}`,
      points: [0, 1, 2].map((x) => ({ x, y: x * i })),
    }));
    const { svg } = renderLineChart({ ...INPUT, series, theme: "light" });
    for (let i = 0; i < 10; i++) {
      const { color, dash } = seriesStyle(THEMES.light, i);
      expect(drawnTexts(svg)).toContain(`model_${i}`);
      const dashAttr = dash === undefined ? "" : ` stroke-dasharray="${dash}"`;
      expect(svg).toContain(`stroke="${color}"${dashAttr}/>`);
    }
  });

  it("uses nice ticks on the y axis", () => {
    const { svg } = renderLineChart(INPUT);
    // y from −0.01 to 0.05 in six intervals: step 0.012 rounds to 0.01.
    for (const tick of ["\u22120.01", "0.00", "0.01", "0.03", "0.05"]) expect(drawnTexts(svg)).toContain(tick);
    expect(drawnTexts(svg)).not.toContain("0.06");
  });

  it("escapes names and axis labels and still renders", () => {
    const image = renderLineChart({ ...INPUT, xLabel: "x<y", yLabel: "a&b", series: [{ name: '<script>&"', points: [{ x: 1, y: 1 }, { x: 2, y: 2 }] }] });
    expect(image.svg).toContain("&lt;script&gt;&amp;&quot;");
    expect(drawnTexts(image.svg)).toContain("x&lt;y");
    expect(drawnTexts(image.svg)).toContain("a&amp;b");
    expect(image.svg).not.toContain("<script>");
    expect(image.png.length).toBeGreaterThan(0);
  });

  it("renders a no-data card when no point has a finite y", () => {
    const image = renderLineChart({ ...INPUT, series: [{ name: "s", points: [{ x: 1, y: Number.NaN }] }] });
    expect(image.svg).toContain("No data to plot");
    expect(image.svg).not.toContain("NaN");
  });

  it("handles a single point (degenerate axes) without NaN coordinates", () => {
    const { svg } = renderLineChart({ ...INPUT, series: [{ name: "s", points: [{ x: 5, y: 0.3 }] }] });
    expect(svg).not.toContain("NaN");
    expect(svg.match(/<circle /g)).toHaveLength(1);
  });

  it("actually draws the axis label text", () => {
    const a = decodePng(renderLineChart(INPUT).png);
    const b = decodePng(renderLineChart({ ...INPUT, xLabel: "" }).png);
    // At 1× the 13 px label "round" changes about 200 pixels.
    expect(countDifferingPixels(a, b, { x0: 0, y0: a.height - 80, x1: a.width, y1: a.height })).toBeGreaterThan(100);
  });

  it("paints the card in each theme's background colour", () => {
    for (const theme of Object.values(THEMES)) {
      const pixels = decodePng(renderLineChart({ ...INPUT, theme: theme.name, scale: 1 }).png);
      expect(pixels.at(1, 1)).toEqual(hexToRgba(theme.background));
    }
  });
});
