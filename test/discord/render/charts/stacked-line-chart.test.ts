import { describe, expect, it } from "vitest";
import { renderStackedLineChart, type StackedLineChartInput } from "../../../../src/discord/render/charts/stacked-line-chart.js";
import { THEMES, seriesStyle } from "../../../../src/discord/render/charts/theme.js";
import { readPngHeader } from "./decode-png.js";
import { timesDrawn } from "./drawn-text.js";

const line = (ys: number[]) => ys.map((y, t) => ({ x: 1000 + t * 10, y }));
const INPUT: StackedLineChartInput = {
  title: "Through time",
  xLabel: "round",
  panels: [
    { label: "rho", yRange: [-1, 1], series: [{ name: "a", points: line([0.1, 0.2, 0.3, 0.4]) }, { name: "b", points: line([0.5, NaN, 0.6, 0.7]) }] },
    { label: "bets", yRange: [1, 1], series: [{ name: "bets", points: line([2.5, 2.6, 2.2, 2.1]) }] },
    { label: "sharpe", series: [{ name: "sharpe", points: line([0.3, -0.2, 0.4, 0.5]) }] },
  ],
};
const paths = (svg: string) => Array.from(svg.matchAll(/<path d="([^"]+)" stroke="([^"]+)"/g), (m) => ({ d: m[1] as string, stroke: m[2] as string }));

describe("renderStackedLineChart", () => {
  it("returns a PNG at 1× of the reported size, 800 px wide", () => {
    const image = renderStackedLineChart({ ...INPUT, scale: 1 });
    expect(readPngHeader(image.png)).toMatchObject({ width: 800, height: image.height });
  });

  it("draws each panel's label and one legend entry per series, with colours continuing across panels", () => {
    const { svg } = renderStackedLineChart(INPUT);
    for (const label of ["rho", "bets", "sharpe", "a", "b"]) expect(timesDrawn(svg, label)).toBeGreaterThanOrEqual(1);
    const strokes = paths(svg).map((p) => p.stroke);
    expect(strokes).toEqual([0, 1, 2, 3].map((i) => seriesStyle(THEMES.dark, i).color));
  });

  it("writes the shared x axis's round numbers once, under the last panel", () => {
    expect(timesDrawn(renderStackedLineChart(INPUT).svg, "1010")).toBe(1);
  });

  it("includes each panel's yRange in its axis (−1 and 1 for ρ, 1 for bets)", () => {
    const { svg } = renderStackedLineChart(INPUT);
    expect(timesDrawn(svg, "−1.0") + timesDrawn(svg, "-1.0")).toBe(1);
    expect(timesDrawn(svg, "1.0")).toBeGreaterThanOrEqual(2);
  });

  it("breaks a line at a NaN y", () => {
    const b = paths(renderStackedLineChart(INPUT).svg)[1];
    expect(b?.d.match(/M/g)).toHaveLength(1);
  });

  it("says there is no data when no series has a finite point", () => {
    const { svg } = renderStackedLineChart({ ...INPUT, panels: INPUT.panels.map((p) => ({ ...p, series: p.series.map((s) => ({ ...s, points: line([NaN, NaN]) })) })) });
    expect(timesDrawn(svg, "No data to plot")).toBe(1);
  });
});
