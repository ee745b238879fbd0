import { rasterizeSvg, type ChartImage, type ChartOptions } from "./render-png.js";
import {
  FONT,
  PAD,
  el,
  formatFixed,
  headerBottom,
  linearScale,
  niceTicks,
  num,
  renderDocument,
  renderHeader,
  renderNoData,
  text,
  type Scale,
  type Ticks,
} from "./svg.js";
import { shortenNames } from "../short-names.js";
import { measureText } from "./text-metrics.js";
import { LINE_JOIN, resolveTheme, seriesStyle, type Theme } from "./theme.js";

export interface LinePoint {
  x: number;
  /** NaN (or ±Infinity) breaks the line: a gap, not a zero. */
  y: number;
}

export interface LineSeries {
  name: string;
  points: readonly LinePoint[];
}

export interface LineChartInput extends ChartOptions {
  title: string;
  subtitle?: string | undefined;
  xLabel: string;
  yLabel: string;
  series: readonly LineSeries[];
}

const WIDTH = 800;
const PLOT_HEIGHT = 300;
const MAX_LEGEND_NAME_WIDTH = 200;
const SWATCH = 22;

/**
 * Several series against shared axes with nice-number ticks, a wrapping legend above the plot,
 * a colour-blind-safe palette (dash patterns take over when colours run out), and gaps where
 * y is not finite. Points are sorted by x; points with a non-finite x are dropped.
 */
export function renderLineChart(input: LineChartInput): ChartImage {
  const theme = resolveTheme(input.theme);
  const top = headerBottom(input.subtitle);
  const series = input.series.map((s) => ({
    name: s.name,
    points: s.points.filter((p) => Number.isFinite(p.x)).sort((a, b) => a.x - b.x),
  }));
  const plotted = series.flatMap((s) => s.points.filter((p) => Number.isFinite(p.y)));

  const legend = renderLegend(theme, series, top);
  const plotTop = legend.bottom + 24;
  const plotBottom = plotTop + PLOT_HEIGHT;
  const height = plotBottom + 10 + FONT.tick.size + 10 + FONT.label.size + PAD;

  if (plotted.length === 0) {
    const body = [
      renderHeader(theme, WIDTH, input.title, input.subtitle),
      legend.markup,
      renderNoData(theme, WIDTH / 2, plotTop + PLOT_HEIGHT / 2),
    ];
    return rasterizeSvg(renderDocument(theme, WIDTH, height, body), input.scale);
  }

  const xs = plotted.map((p) => p.x);
  const ys = plotted.map((p) => p.y);
  let xMin = Math.min(...xs);
  let xMax = Math.max(...xs);
  if (xMin === xMax) {
    xMin -= 1;
    xMax += 1;
  }
  // y gets nice extents (the data sits inside round numbers); x keeps the data's own extent so
  // a series of rounds 812–1050 does not start with an empty stretch back to 800.
  const yTicks = niceTicks(Math.min(...ys), Math.max(...ys), 6);
  // Integer x (round numbers, counts) never gets fractional ticks such as 801.5.
  const integerX = xs.every(Number.isInteger);
  const xTicks = integerX && xMax - xMin < 7 ? integerTicks(xMin, xMax) : niceTicks(xMin, xMax, 8);
  const xTickValues = xTicks.values.filter((t) => t >= xMin - 1e-9 && t <= xMax + 1e-9);

  const yTickLabels = yTicks.values.map((t) => formatFixed(t, yTicks.decimals));
  const yTickWidth = Math.max(...yTickLabels.map((l) => measureText(l, FONT.tick)));
  const plotLeft = PAD + FONT.label.size + 10 + yTickWidth + 8;
  const plotRight = WIDTH - PAD - 12;
  const x = linearScale([xMin, xMax], [plotLeft, plotRight]);
  const y = linearScale([yTicks.min, yTicks.max], [plotBottom, plotTop]);

  const axes: string[] = [];
  yTicks.values.forEach((t, i) => {
    const gy = y(t);
    axes.push(el("rect", { x: plotLeft, y: gy - 0.5, width: plotRight - plotLeft, height: 1, fill: t === 0 ? theme.axis : theme.grid }));
    axes.push(
      text(yTickLabels[i] as string, {
        x: plotLeft - 8,
        y: gy + FONT.tick.size * 0.36,
        style: FONT.tick,
        fill: theme.mutedText,
        anchor: "end",
      }),
    );
  });
  for (const t of xTickValues) {
    const gx = x(t);
    axes.push(el("rect", { x: gx - 0.5, y: plotBottom, width: 1, height: 5, fill: theme.axis }));
    axes.push(
      text(formatFixed(t, xTicks.decimals), {
        x: gx,
        y: plotBottom + 10 + FONT.tick.size,
        style: FONT.tick,
        fill: theme.mutedText,
        anchor: "middle",
      }),
    );
  }
  axes.push(el("rect", { x: plotLeft, y: plotBottom - 0.5, width: plotRight - plotLeft, height: 1, fill: theme.axis }));
  axes.push(
    text(input.xLabel, {
      x: (plotLeft + plotRight) / 2,
      y: height - PAD,
      style: FONT.label,
      fill: theme.text,
      anchor: "middle",
      maxWidth: plotRight - plotLeft,
    }),
  );
  const yLabelX = PAD + FONT.label.size * 0.8;
  axes.push(
    text(input.yLabel, {
      x: yLabelX,
      y: (plotTop + plotBottom) / 2,
      style: FONT.label,
      fill: theme.text,
      anchor: "middle",
      rotate: -90,
      maxWidth: PLOT_HEIGHT,
    }),
  );

  const lines = series.map((s, i) => renderSeries(s.points, seriesStyle(theme, i), x, y));
  const body = [
    renderHeader(theme, WIDTH, input.title, input.subtitle),
    legend.markup,
    el("g", {}, axes),
    el("g", { fill: "none", "stroke-width": 2, "stroke-linejoin": LINE_JOIN }, lines),
  ];
  return rasterizeSvg(renderDocument(theme, WIDTH, height, body), input.scale);
}

export function integerTicks(lo: number, hi: number): Ticks {
  const values: number[] = [];
  for (let v = Math.ceil(lo); v <= hi; v++) values.push(v);
  return { min: lo, max: hi, step: 1, decimals: 0, values };
}

export function renderSeries(
  points: readonly LinePoint[],
  style: { color: string; dash: string | undefined },
  x: Scale,
  y: Scale,
): string {
  // Runs of consecutive finite points become subpaths; a single point between gaps would be an
  // invisible zero-length segment, so it gets a dot instead.
  const runs: LinePoint[][] = [];
  let run: LinePoint[] = [];
  for (const p of points) {
    if (Number.isFinite(p.y)) run.push(p);
    else if (run.length > 0) {
      runs.push(run);
      run = [];
    }
  }
  if (run.length > 0) runs.push(run);

  let d = "";
  const dots: string[] = [];
  for (const r of runs) {
    if (r.length === 1) {
      const p = r[0] as LinePoint;
      dots.push(el("circle", { cx: x(p.x), cy: y(p.y), r: 2.5, fill: style.color, stroke: "none" }));
      continue;
    }
    d += r.map((p, i) => `${i === 0 ? "M" : "L"}${num(x(p.x))} ${num(y(p.y))}`).join("");
  }
  const path = d === "" ? [] : [el("path", { d, stroke: style.color, "stroke-dasharray": style.dash })];
  return el("g", {}, [...path, ...dots]);
}

export function renderLegend(theme: Theme, series: readonly { name: string }[], top: number): { markup: string; bottom: number } {
  if (series.length === 0) return { markup: "", bottom: top - 12 };
  const rowHeight = 20;
  const items: string[] = [];
  let cx = PAD;
  let row = 0;
  const names = shortenNames(
    series.map((s) => s.name),
    MAX_LEGEND_NAME_WIDTH,
    (l) => measureText(l, FONT.label),
  );
  series.forEach((_s, i) => {
    const style = seriesStyle(theme, i);
    const name = names[i] as string;
    const nameWidth = Math.min(measureText(name, FONT.label), MAX_LEGEND_NAME_WIDTH);
    const itemWidth = SWATCH + 6 + nameWidth;
    if (cx > PAD && cx + itemWidth > WIDTH - PAD) {
      row += 1;
      cx = PAD;
    }
    const cy = top + row * rowHeight + rowHeight / 2 - 4;
    items.push(
      el("line", {
        x1: cx,
        y1: cy,
        x2: cx + SWATCH,
        y2: cy,
        stroke: style.color,
        "stroke-width": 3,
        "stroke-dasharray": style.dash,
      }),
    );
    items.push(
      text(name, {
        x: cx + SWATCH + 6,
        y: cy + FONT.label.size * 0.36,
        style: FONT.label,
        fill: theme.text,
        maxWidth: MAX_LEGEND_NAME_WIDTH,
      }),
    );
    cx += itemWidth + 18;
  });
  return { markup: el("g", {}, items), bottom: top + (row + 1) * rowHeight - 8 };
}
