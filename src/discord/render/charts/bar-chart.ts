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
  renderNoData,
  text,
} from "./svg.js";
import { shortenNames } from "../short-names.js";
import { measureText } from "./text-metrics.js";
import { resolveTheme } from "./theme.js";

export interface Bar {
  label: string;
  /** NaN (or ±Infinity) is drawn as "n/a" with no bar. */
  value: number;
}

export interface BarChartInput extends ChartOptions {
  title: string;
  subtitle?: string | undefined;
  bars: readonly Bar[];
  /**
   * Formats value labels and axis ticks; default: three significant digits of the largest
   * |value| for every bar label, and each tick's own precision.
   */
  valueFormat?: ((value: number) => string) | undefined;
}

const WIDTH = 760;
const MAX_LABEL_WIDTH = 220;
const MISSING_LABEL = "n/a";

/**
 * Horizontal bars in input order, from a zero line: positive and negative values in different
 * colours, each bar labelled with its value, a nice-number axis underneath.
 */
export function renderBarChart(input: BarChartInput): ChartImage {
  const theme = resolveTheme(input.theme);
  const top = headerBottom(input.subtitle);
  const n = input.bars.length;
  if (n === 0) {
    const height = top + 80;
    const body = [renderHeader(theme, WIDTH, input.title, input.subtitle), renderNoData(theme, WIDTH / 2, top + 36)];
    return rasterizeSvg(renderDocument(theme, WIDTH, height, body), input.scale);
  }

  // Row height shrinks for long lists so the image stays within a screen or two.
  const band = Math.min(30, Math.max(16, Math.floor(1200 / n)));
  const labelStyle = { size: Math.min(FONT.label.size, Math.floor(band * 0.5)) };
  const valueStyle = { size: Math.min(FONT.tick.size, Math.floor(band * 0.5)) };
  const barHeight = Math.round(band * 0.64);

  const finite = input.bars.map((b) => b.value).filter(Number.isFinite);
  const maxAbs = finite.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  const decimals = decimalsFor(maxAbs);
  const format = input.valueFormat ?? ((v: number) => formatFixed(v, decimals));
  const valueLabels = input.bars.map((b) => (Number.isFinite(b.value) ? format(b.value) : MISSING_LABEL));

  const labels = shortenNames(
    input.bars.map((b) => b.label),
    MAX_LABEL_WIDTH,
    (l) => measureText(l, labelStyle),
  );
  const labelWidth = Math.max(...labels.map((l) => measureText(l, labelStyle)));
  // Value labels sit outside the bar end, so reserve room for the widest on each side.
  let leftRoom = 0;
  let rightRoom = 0;
  input.bars.forEach((b, i) => {
    const w = measureText(valueLabels[i] as string, valueStyle) + 6;
    if (b.value < 0) leftRoom = Math.max(leftRoom, w);
    else rightRoom = Math.max(rightRoom, w);
  });

  const ticks = niceTicks(Math.min(0, ...finite), Math.max(0, ...finite), 6);
  const plotLeft = PAD + labelWidth + 12 + leftRoom;
  const plotRight = WIDTH - PAD - rightRoom;
  const x = linearScale([ticks.min, ticks.max], [plotLeft, plotRight]);
  const plotBottom = top + n * band;
  const height = plotBottom + 8 + FONT.tick.size + PAD;

  const grid: string[] = [];
  for (const t of ticks.values) {
    const gx = x(t);
    if (t !== 0) grid.push(el("rect", { x: gx - 0.5, y: top, width: 1, height: n * band, fill: theme.grid }));
    grid.push(
      text(input.valueFormat?.(t) ?? formatFixed(t, ticks.decimals), {
        x: gx,
        y: plotBottom + 8 + FONT.tick.size,
        style: FONT.tick,
        fill: theme.mutedText,
        anchor: "middle",
      }),
    );
  }

  const x0 = x(0);
  const rows: string[] = [];
  input.bars.forEach((b, i) => {
    const cy = top + i * band + band / 2;
    rows.push(
      text(labels[i] as string, {
        x: plotLeft - leftRoom - 12,
        y: cy + labelStyle.size * 0.36,
        style: labelStyle,
        fill: theme.text,
        anchor: "end",
      }),
    );
    const valueY = cy + valueStyle.size * 0.36;
    if (!Number.isFinite(b.value)) {
      rows.push(text(MISSING_LABEL, { x: x0 + 6, y: valueY, style: valueStyle, fill: theme.mutedText }));
      return;
    }
    const end = x(b.value);
    const negative = b.value < 0;
    rows.push(
      el("rect", {
        x: Math.min(x0, end),
        y: cy - barHeight / 2,
        width: Math.abs(end - x0),
        height: barHeight,
        fill: negative ? theme.negative : theme.positive,
      }),
    );
    rows.push(
      text(valueLabels[i] as string, {
        x: negative ? end - 6 : end + 6,
        y: valueY,
        style: valueStyle,
        fill: theme.text,
        anchor: negative ? "end" : "start",
      }),
    );
  });

  const body = [
    renderHeader(theme, WIDTH, input.title, input.subtitle),
    el("g", {}, grid),
    el("g", {}, rows),
    // Drawn last so it stays visible across bars.
    el("rect", { x: x0 - 0.75, y: top - 4, width: 1.5, height: n * band + 8, fill: theme.axis }),
  ];
  return rasterizeSvg(renderDocument(theme, WIDTH, height, body), input.scale);
}
