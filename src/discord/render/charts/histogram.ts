import { mean } from "../../../analytics/moments.js";
import { rasterizeSvg, type ChartImage, type ChartOptions } from "./render-png.js";
import {
  FONT,
  PAD,
  decimalsFor,
  el,
  formatFixed,
  headerBottom,
  linearScale,
  niceTicks,
  renderDocument,
  renderHeader,
  text,
  type Scale,
  type Ticks,
} from "./svg.js";
import { measureText } from "./text-metrics.js";
import { resolveTheme, seriesStyle, type Theme } from "./theme.js";

export interface HistogramPanel {
  name: string;
  /** Non-finite values are skipped and reported as "missing"; values outside `range` are counted, not drawn. */
  values: readonly number[];
}

export interface HistogramInput extends ChartOptions {
  title: string;
  subtitle?: string | undefined;
  panels: readonly HistogramPanel[];
  /** Number of equal-width bins over `range`. */
  bins: number;
  /** [lo, hi]; bins are [lo, lo + w), …, [hi − w, hi] (the last bin includes hi). */
  range: readonly [number, number];
}

export interface BinnedPanel {
  counts: number[];
  /** Finite values, in range or not. */
  n: number;
  outside: number;
  nonFinite: number;
  /** Mean of all finite values; NaN when there are none. */
  mean: number;
}

const WIDTH = 760;
const PLOT_HEIGHT = 130;
const PANEL_TITLE = 24;
const PANEL_GAP = 22;
const HEADROOM = 16;

/**
 * Counts `values` into `bins` equal-width bins over `range` (see {@link HistogramInput.range}).
 * @throws if `bins` is not a positive integer or `range` is not finite with lo < hi
 */
export function binValues(values: readonly number[], bins: number, range: readonly [number, number]): BinnedPanel {
  validate(bins, range);
  const [lo, hi] = range;
  const counts = new Array<number>(bins).fill(0);
  const finite: number[] = [];
  let outside = 0;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    finite.push(v);
    if (v < lo || v > hi) {
      outside += 1;
      continue;
    }
    const index = Math.min(bins - 1, Math.floor(((v - lo) / (hi - lo)) * bins));
    counts[index] = (counts[index] as number) + 1;
  }
  return { counts, n: finite.length, outside, nonFinite: values.length - finite.length, mean: mean(finite) };
}

function validate(bins: number, range: readonly [number, number]): void {
  if (!Number.isInteger(bins) || bins < 1) throw new Error("histogram requires bins to be a positive integer");
  const [lo, hi] = range;
  if (!(Number.isFinite(lo) && Number.isFinite(hi) && lo < hi)) {
    throw new Error("histogram requires a finite range with lo < hi");
  }
}

/**
 * Histograms stacked on a shared x axis (so locations compare by eye, e.g. "within member" vs
 * "across members" pair correlations), each with its own count axis (sample sizes may differ by
 * orders of magnitude), counts on the bars when all of them fit, and the mean as a dashed marker.
 * @throws if `bins` is not a positive integer or `range` is not finite with lo < hi
 */
export function renderHistograms(input: HistogramInput): ChartImage {
  validate(input.bins, input.range);
  const theme = resolveTheme(input.theme);
  const top = headerBottom(input.subtitle);
  const [lo, hi] = input.range;
  const binned = input.panels.map((p) => binValues(p.values, input.bins, input.range));
  const countTicks = binned.map((b) => countAxis(Math.max(0, ...b.counts)));

  const countLabelWidth = Math.max(0, ...countTicks.flatMap((t) => t.values.map((v) => measureText(String(v), FONT.tick))));
  const plotLeft = PAD + FONT.small.size + 8 + countLabelWidth + 8;
  const plotRight = WIDTH - PAD - 8;
  const x = linearScale([lo, hi], [plotLeft, plotRight]);
  const xTicks = niceTicks(lo, hi, 7);
  const xTickValues = xTicks.values.filter((t) => t >= lo - 1e-9 && t <= hi + 1e-9);
  const valueDecimals = Math.max(xTicks.decimals, decimalsFor(Math.max(Math.abs(lo), Math.abs(hi))));

  const panelHeight = PANEL_TITLE + HEADROOM + PLOT_HEIGHT + 10 + FONT.tick.size + PANEL_GAP;
  const height = top + Math.max(1, input.panels.length) * panelHeight - PANEL_GAP + PAD;

  const panels = input.panels.map((panel, i) =>
    renderPanel({
      theme,
      name: panel.name,
      color: seriesStyle(theme, i).color,
      binned: binned[i] as BinnedPanel,
      countTicks: countTicks[i] as Ticks,
      top: top + i * panelHeight,
      x,
      plotLeft,
      plotRight,
      range: input.range,
      xTickValues,
      xTickDecimals: xTicks.decimals,
      valueDecimals,
    }),
  );
  const body = [renderHeader(theme, WIDTH, input.title, input.subtitle), ...panels];
  if (input.panels.length === 0) {
    body.push(text("No data to plot", { x: WIDTH / 2, y: top + 40, style: FONT.label, fill: theme.mutedText, anchor: "middle" }));
  }
  return rasterizeSvg(renderDocument(theme, WIDTH, height, body), input.scale);
}

/** Nice count ticks, integers only, at least 0…1 so an empty panel still has an axis. */
function countAxis(maxCount: number): Ticks {
  const ticks = niceTicks(0, Math.max(1, maxCount), 4);
  if (ticks.step >= 1) return ticks;
  const top = Math.max(1, maxCount);
  return { min: 0, max: top, step: 1, decimals: 0, values: Array.from({ length: top + 1 }, (_, i) => i) };
}

interface PanelLayout {
  theme: Theme;
  name: string;
  color: string;
  binned: BinnedPanel;
  countTicks: Ticks;
  top: number;
  x: Scale;
  plotLeft: number;
  plotRight: number;
  range: readonly [number, number];
  xTickValues: readonly number[];
  xTickDecimals: number;
  valueDecimals: number;
}

function renderPanel(p: PanelLayout): string {
  const { theme, binned } = p;
  const [lo, hi] = p.range;
  const plotTop = p.top + PANEL_TITLE + HEADROOM;
  const plotBottom = plotTop + PLOT_HEIGHT;
  const y = linearScale([0, p.countTicks.max], [plotBottom, plotTop]);
  const parts: string[] = [];

  // Title line: name in the panel colour, then the sample size, mean and anything not drawn.
  const nameStyle = { size: FONT.label.size, bold: true };
  const nameWidth = Math.min(measureText(p.name, nameStyle), 300);
  const meanInRange = Number.isFinite(binned.mean) && binned.mean >= lo && binned.mean <= hi;
  const stats = [`n = ${binned.n}`];
  if (Number.isFinite(binned.mean)) {
    stats.push(`mean ${formatFixed(binned.mean, p.valueDecimals)}${meanInRange ? "" : " (off scale)"}`);
  }
  if (binned.outside > 0) stats.push(`${binned.outside} outside range`);
  if (binned.nonFinite > 0) stats.push(`${binned.nonFinite} missing`);
  parts.push(el("rect", { x: PAD, y: p.top + 3, width: 12, height: 12, rx: 2, fill: p.color }));
  parts.push(text(p.name, { x: PAD + 18, y: p.top + 14, style: nameStyle, fill: theme.text, maxWidth: 300 }));
  parts.push(
    text(stats.join(" · "), {
      x: PAD + 18 + nameWidth + 12,
      y: p.top + 14,
      style: FONT.label,
      fill: theme.mutedText,
      maxWidth: WIDTH - PAD - (PAD + 18 + nameWidth + 12),
    }),
  );

  for (const t of p.countTicks.values) {
    const gy = y(t);
    parts.push(el("rect", { x: p.plotLeft, y: gy - 0.5, width: p.plotRight - p.plotLeft, height: 1, fill: theme.grid }));
    parts.push(text(String(t), { x: p.plotLeft - 8, y: gy + FONT.tick.size * 0.36, style: FONT.tick, fill: theme.mutedText, anchor: "end" }));
  }
  parts.push(
    text("count", {
      x: PAD + FONT.small.size * 0.8,
      y: (plotTop + plotBottom) / 2,
      style: FONT.small,
      fill: theme.mutedText,
      anchor: "middle",
      rotate: -90,
    }),
  );

  const binWidth = (hi - lo) / binned.counts.length;
  // Counts go on every bar or on none: labels on only the short-numbered bars would mislead.
  const maxCountWidth = measureText(String(Math.max(...binned.counts)), FONT.small);
  const showCounts = maxCountWidth + 2 <= p.x(lo + binWidth) - p.x(lo);
  const countLabels: string[] = [];
  binned.counts.forEach((count, i) => {
    if (count === 0) return;
    const left = p.x(lo + i * binWidth);
    const right = p.x(lo + (i + 1) * binWidth);
    // At least 1.5 px tall, so a lone value among hundreds is still visible.
    const barTop = Math.min(y(count), plotBottom - 1.5);
    const gap = right - left > 4 ? 1 : 0;
    parts.push(el("rect", { x: left + gap / 2, y: barTop, width: right - left - gap, height: plotBottom - barTop, fill: p.color }));
    const label = String(count);
    const labelWidth = measureText(label, FONT.small);
    if (showCounts) {
      const cx = (left + right) / 2;
      // A card-coloured plate keeps the count legible where the mean marker crosses it.
      countLabels.push(
        el("rect", {
          x: cx - labelWidth / 2 - 1,
          y: barTop - 4 - FONT.small.size * 0.8,
          width: labelWidth + 2,
          height: FONT.small.size * 0.8 + 2,
          fill: theme.background,
        }),
        text(label, { x: cx, y: barTop - 4, style: FONT.small, fill: theme.mutedText, anchor: "middle" }),
      );
    }
  });

  parts.push(el("rect", { x: p.plotLeft, y: plotBottom - 0.5, width: p.plotRight - p.plotLeft, height: 1, fill: theme.axis }));
  for (const t of p.xTickValues) {
    const gx = p.x(t);
    parts.push(el("rect", { x: gx - 0.5, y: plotBottom, width: 1, height: 5, fill: theme.axis }));
    parts.push(
      text(formatFixed(t, p.xTickDecimals), {
        x: gx,
        y: plotBottom + 10 + FONT.tick.size,
        style: FONT.tick,
        fill: theme.mutedText,
        anchor: "middle",
      }),
    );
  }

  if (meanInRange) {
    const mx = p.x(binned.mean);
    parts.push(
      el("line", {
        x1: mx,
        y1: plotTop - HEADROOM + 6,
        x2: mx,
        y2: plotBottom,
        stroke: theme.text,
        "stroke-width": 1.5,
        "stroke-dasharray": "5 3",
      }),
    );
    parts.push(el("path", { d: `M${mx - 5} ${plotTop - HEADROOM}h10l-5 7z`, fill: theme.text }));
  }
  parts.push(...countLabels);
  if (binned.n === 0) {
    parts.push(text("No values", { x: (p.plotLeft + p.plotRight) / 2, y: (plotTop + plotBottom) / 2, style: FONT.label, fill: theme.mutedText, anchor: "middle" }));
  }
  return el("g", {}, parts);
}
