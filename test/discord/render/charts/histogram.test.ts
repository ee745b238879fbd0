import { describe, expect, it } from "vitest";
import { binValues, renderHistograms } from "../../../../src/discord/render/charts/histogram.js";
import { THEMES } from "../../../../src/discord/render/charts/theme.js";
import { decodePng, hexToRgba, readPngHeader } from "./decode-png.js";
import { drawnTexts } from "./drawn-text.js";

const INPUT = {
  title: "Pair correlations",
  subtitle: "Within vs across members",
  panels: [
    { name: "within member", values: [0.9, 0.85, 0.8, 0.95, 0.7] },
    { name: "across members", values: [0.1, 0.3, -0.2, 0.45, 0.05, 0.3, Number.NaN, 1.4] },
  ],
  bins: 4,
  range: [-1, 1] as const,
};

describe("binValues", () => {
  it("counts values into half-open bins with an inclusive last bin", () => {
    // Bins [−1,−0.5) [−0.5,0) [0,0.5) [0.5,1]; 2 is outside, NaN is missing. Counted by hand.
    const binned = binValues([-1, -0.5, 0, 0.49, 0.5, 1, 2, Number.NaN], 4, [-1, 1]);
    expect(binned.counts).toEqual([1, 1, 2, 2]);
    expect(binned.n).toBe(7);
    expect(binned.outside).toBe(1);
    expect(binned.nonFinite).toBe(1);
    expect(binned.mean).toBeCloseTo(2.49 / 7, 12);
  });

  it("returns a NaN mean when there are no finite values", () => {
    const binned = binValues([Number.NaN], 3, [0, 1]);
    expect(binned.counts).toEqual([0, 0, 0]);
    expect(binned.mean).toBeNaN();
  });

  it.each([
    [0, [0, 1]],
    [2.5, [0, 1]],
    [3, [1, 1]],
    [3, [1, 0]],
    [3, [Number.NaN, 1]],
  ] as const)("throws for bins %d and range %j", (bins, range) => {
    expect(() => binValues([1], bins, range)).toThrow(/histogram requires/);
  });
});

describe("renderHistograms", () => {
  it("returns a PNG whose IHDR size matches the reported size", () => {
    const image = renderHistograms(INPUT);
    expect(readPngHeader(image.png)).toMatchObject({ width: image.width, height: image.height });
  });

  it("produces a stable SVG for a frozen input", async () => {
    await expect(renderHistograms(INPUT).svg).toMatchFileSnapshot("./__snapshots__/histogram.svg");
  });

  it("prints each panel's sample size, mean and what it could not draw", () => {
    const { svg } = renderHistograms(INPUT);
    expect(drawnTexts(svg)).toContain("n = 5 · mean 0.84");
    // (0.1 + 0.3 − 0.2 + 0.45 + 0.05 + 0.3 + 1.4) / 7 = 0.343
    expect(drawnTexts(svg)).toContain("n = 7 · mean 0.34 · 1 outside range · 1 missing");
  });

  it("prints bar counts above the bars", () => {
    const { svg } = renderHistograms(INPUT);
    // Each count sits on a card-coloured plate (x ticks read "−1.0", "0.5", …; count ticks have no plate).
    const counts = Array.from(svg.matchAll(new RegExp(`<rect [^>]*fill="${THEMES.dark.background}"/>\\n<path aria-label="(\\d+)"`, "g")), (m) => m[1]);
    // within: all five in [0.5, 1]; across: −0.2 in [−0.5, 0), five in [0, 0.5), 1.4 outside.
    expect(counts).toEqual(["5", "1", "5"]);
  });

  it("omits all bar counts when the widest would not fit its bin", () => {
    // 50 bins are ~13 px wide: "1" would fit, "150" would not, so neither is printed.
    const values = [...Array.from({ length: 150 }, () => 0.01), 0.5];
    const { svg } = renderHistograms({ ...INPUT, panels: [{ name: "narrow", values }], bins: 50 });
    expect(svg).not.toMatch(new RegExp(`<rect [^>]*fill="${THEMES.dark.background}"/>\\n<path aria-label="\\d+"`));
    expect(drawnTexts(svg)).toContain("n = 151 · mean 0.01");
  });

  it("marks each mean with a dashed line at its position on the shared x axis", () => {
    const { svg } = renderHistograms(INPUT);
    // The x axis' tick marks (1 × 5 px) of the first panel: −1.0 first, 1.0 last.
    const ticks = Array.from(svg.matchAll(/<rect x="([\d.]+)" y="[\d.]+" width="1" height="5"/g), (m) => Number(m[1]) + 0.5);
    const left = ticks[0] as number;
    const right = ticks[4] as number;
    expect(ticks.length).toBe(10);
    const expectedX = (mean: number): number => left + ((mean + 1) / 2) * (right - left);
    const lines = Array.from(svg.matchAll(/<line x1="([\d.]+)"[^>]*stroke-dasharray/g), (m) => Number(m[1]));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBeCloseTo(expectedX(4.2 / 5), 1);
    expect(lines[1]).toBeCloseTo(expectedX(2.4 / 7), 1);
  });

  it("notes a mean outside the range instead of drawing it", () => {
    const { svg } = renderHistograms({ ...INPUT, panels: [{ name: "far", values: [5, 6] }] });
    expect(svg).toContain("mean 5.50 (off scale)");
    expect(svg).not.toMatch(/<line [^>]*stroke-dasharray/);
  });

  it("escapes panel names and still renders", () => {
    const image = renderHistograms({ ...INPUT, panels: [{ name: '<script>&"', values: [0.1] }] });
    expect(image.svg).toContain("&lt;script&gt;&amp;&quot;");
    expect(image.svg).not.toContain("<script>");
    expect(image.png.length).toBeGreaterThan(0);
  });

  it("renders empty panels and no panels without NaN coordinates", () => {
    const empty = renderHistograms({ ...INPUT, panels: [{ name: "none", values: [] }] });
    expect(drawnTexts(empty.svg)).toContain("No values");
    expect(empty.svg).not.toContain("NaN");
    expect(renderHistograms({ ...INPUT, panels: [] }).svg).toContain("No data to plot");
  });

  it("paints the card in each theme's background colour", () => {
    for (const theme of Object.values(THEMES)) {
      const pixels = decodePng(renderHistograms({ ...INPUT, theme: theme.name, scale: 1 }).png);
      expect(pixels.at(1, 1)).toEqual(hexToRgba(theme.background));
    }
  });

  it("throws on an invalid bin count", () => {
    expect(() => renderHistograms({ ...INPUT, bins: 0 })).toThrow("histogram requires bins to be a positive integer");
  });
});
