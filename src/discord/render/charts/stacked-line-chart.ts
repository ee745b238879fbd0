import { integerTicks, renderLegend, renderSeries, type LineSeries } from "./line-chart.js";
import { rasterizeSvg, type ChartImage, type ChartOptions } from "./render-png.js";
import { FONT, PAD, el, formatFixed, headerBottom, linearScale, niceTicks, renderDocument, renderHeader, renderNoData, text } from "./svg.js";
import { measureText } from "./text-metrics.js";
import { LINE_JOIN, resolveTheme, seriesStyle } from "./theme.js";

/** One plot of a stacked chart: its own y axis, the shared x axis. */
export interface LinePanel {
  /** Said above the plot and beside its y axis. */
  label: string;
  series: readonly LineSeries[];
  /** y values the axis always includes (e.g. [−1, 1] for correlations), beside the data; default: the data alone. */
  yRange?: readonly [number, number] | undefined;
}

export interface StackedLineChartInput extends ChartOptions {
  title: string;
  subtitle?: string | undefined;
  xLabel: string;
  panels: readonly LinePanel[];
}

const WIDTH = 800;
const PANEL_HEIGHT = 170;
const PANEL_GAP = 30;

/**
 * Quantities of different units through the same x (rounds): one plot per panel, stacked, sharing
 * the x axis, so a change in one lines up with the others. One legend for every series; colours
 * continue across panels, so no two lines look alike. Gaps where y is not finite, as renderLineChart.
 */
export function renderStackedLineChart(input: StackedLineChartInput): ChartImage {
  const theme = resolveTheme(input.theme);
  const top = headerBottom(input.subtitle);
  const panels = input.panels.map((p) => ({
    ...p,
    series: p.series.map((s) => ({ name: s.name, points: s.points.filter((q) => Number.isFinite(q.x)).sort((a, b) => a.x - b.x) })),
  }));
  const all = panels.flatMap((p) => p.series);
  const legend = renderLegend(theme, all, top);
  const firstTop = legend.bottom + 24 + FONT.label.size + 6;
  const bottomOf = (i: number) => firstTop + i * (PANEL_HEIGHT + PANEL_GAP + FONT.label.size + 6) + PANEL_HEIGHT;
  const lastBottom = bottomOf(panels.length - 1);
  const height = lastBottom + 10 + FONT.tick.size + 10 + FONT.label.size + PAD;
  const plotted = all.flatMap((s) => s.points.filter((p) => Number.isFinite(p.y)));
  if (plotted.length === 0) {
    const body = [renderHeader(theme, WIDTH, input.title, input.subtitle), legend.markup, renderNoData(theme, WIDTH / 2, (firstTop + lastBottom) / 2)];
    return rasterizeSvg(renderDocument(theme, WIDTH, height, body), input.scale);
  }

  const xs = plotted.map((p) => p.x);
  let xMin = Math.min(...xs);
  let xMax = Math.max(...xs);
  if (xMin === xMax) {
    xMin -= 1;
    xMax += 1;
  }
  const integerX = xs.every(Number.isInteger);
  const xTicks = integerX && xMax - xMin < 7 ? integerTicks(xMin, xMax) : niceTicks(xMin, xMax, 8);
  const yTicksOf = panels.map((p) => {
    const ys = p.series.flatMap((s) => s.points.filter((q) => Number.isFinite(q.y)).map((q) => q.y));
    const [lo, hi] = p.yRange ?? (ys.length > 0 ? [Math.min(...ys), Math.max(...ys)] : [0, 1]);
    return niceTicks(Math.min(lo, ...ys), Math.max(hi, ...ys), 4);
  });
  const tickLabels = yTicksOf.map((t) => t.values.map((v) => formatFixed(v, t.decimals)));
  const yTickWidth = Math.max(...tickLabels.flat().map((l) => measureText(l, FONT.tick)));
  const plotLeft = PAD + FONT.label.size + 10 + yTickWidth + 8;
  const plotRight = WIDTH - PAD - 12;
  const x = linearScale([xMin, xMax], [plotLeft, plotRight]);

  const parts: string[] = [renderHeader(theme, WIDTH, input.title, input.subtitle), legend.markup];
  let styleIndex = 0;
  panels.forEach((p, i) => {
    const plotBottom = bottomOf(i);
    const plotTop = plotBottom - PANEL_HEIGHT;
    const ticks = yTicksOf[i] as ReturnType<typeof niceTicks>;
    const y = linearScale([ticks.min, ticks.max], [plotBottom, plotTop]);
    const axes: string[] = [text(p.label, { x: plotLeft, y: plotTop - 8, style: FONT.label, fill: theme.text, maxWidth: plotRight - plotLeft })];
    ticks.values.forEach((t, j) => {
      const gy = y(t);
      axes.push(el("rect", { x: plotLeft, y: gy - 0.5, width: plotRight - plotLeft, height: 1, fill: t === 0 ? theme.axis : theme.grid }));
      axes.push(text((tickLabels[i] as string[])[j] as string, { x: plotLeft - 8, y: gy + FONT.tick.size * 0.36, style: FONT.tick, fill: theme.mutedText, anchor: "end" }));
    });
    axes.push(el("rect", { x: plotLeft, y: plotBottom - 0.5, width: plotRight - plotLeft, height: 1, fill: theme.axis }));
    for (const t of xTicks.values.filter((v) => v >= xMin - 1e-9 && v <= xMax + 1e-9)) {
      axes.push(el("rect", { x: x(t) - 0.5, y: plotBottom, width: 1, height: 5, fill: theme.axis }));
      // Round numbers only under the last plot: the x axis is shared.
      if (i === panels.length - 1) {
        axes.push(text(formatFixed(t, xTicks.decimals), { x: x(t), y: plotBottom + 10 + FONT.tick.size, style: FONT.tick, fill: theme.mutedText, anchor: "middle" }));
      }
    }
    const lines = p.series.map((s) => renderSeries(s.points, seriesStyle(theme, styleIndex++), x, y));
    parts.push(el("g", {}, axes), el("g", { fill: "none", "stroke-width": 2, "stroke-linejoin": LINE_JOIN }, lines));
  });
  parts.push(text(input.xLabel, { x: (plotLeft + plotRight) / 2, y: height - PAD, style: FONT.label, fill: theme.text, anchor: "middle", maxWidth: plotRight - plotLeft }));
  return rasterizeSvg(renderDocument(theme, WIDTH, height, parts), input.scale);
}
