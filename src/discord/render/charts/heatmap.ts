import { rasterizeSvg, type ChartImage, type ChartOptions } from "./render-png.js";
import {
  FONT,
  PAD,
  el,
  formatFixed,
  headerBottom,
  headerWidth,
  missingPattern,
  renderDocument,
  renderHeader,
  renderNoData,
  text,
} from "./svg.js";
import { shortenNames } from "../short-names.js";
import { measureText } from "./text-metrics.js";
import { divergingColor, readableTextOn, resolveTheme } from "./theme.js";

export interface CorrelationHeatmapInput extends ChartOptions {
  labels: readonly string[];
  /** k×k correlations, row-major; NaN marks a pair without enough overlapping data. */
  values: Float64Array;
  title: string;
  subtitle?: string | undefined;
}

/** Largest k whose cells still carry printed values. */
export const MAX_K_WITH_VALUES = 15;
const MIN_WIDTH = 360;
const MISSING_ID = "missing";
const SCALE_ID = "scale";

/**
 * Correlation matrix as a heatmap: diverging colours from −1 (blue) through 0 (neutral) to +1
 * (red), values printed in cells when k ≤ 15, labels on both axes, a colour legend, and hatched
 * "n/a" cells for NaN. Cell size shrinks with k (grid capped near 720 px) so k = 60 still fits.
 * @throws if `values.length` is not `labels.length²`
 */
export function renderCorrelationHeatmap(input: CorrelationHeatmapInput): ChartImage {
  const k = input.labels.length;
  if (input.values.length !== k * k) {
    throw new Error("renderCorrelationHeatmap requires values of length labels.length squared");
  }
  const theme = resolveTheme(input.theme);
  const top = headerBottom(input.subtitle);
  if (k === 0) {
    const height = top + 80;
    const body = [renderHeader(theme, MIN_WIDTH, input.title, input.subtitle), renderNoData(theme, MIN_WIDTH / 2, top + 36)];
    return rasterizeSvg(renderDocument(theme, MIN_WIDTH, height, body), input.scale);
  }

  const showValues = k <= MAX_K_WITH_VALUES;
  const cell = showValues ? clamp(Math.floor(560 / k), 36, 64) : clamp(Math.floor(720 / k), 8, 40);
  const gap = cell >= 24 ? 2 : cell >= 10 ? 1 : 0;
  const labelStyle = { size: Math.min(FONT.label.size, Math.max(7, Math.floor(cell * 0.8))) };
  const maxLabelWidth = 190 * (labelStyle.size / FONT.label.size);
  const labels = shortenNames(input.labels, maxLabelWidth, (l) => measureText(l, labelStyle));
  const labelWidth = Math.max(...labels.map((l) => measureText(l, labelStyle)));
  // Upright-ish 45° labels read best, but need cells wide enough that neighbours don't collide.
  const diagonalLabels = cell >= 28;
  const columnLabelDepth = diagonalLabels ? labelWidth * Math.SQRT1_2 + labelStyle.size : labelWidth;

  const gridX = PAD + labelWidth + 8;
  const gridY = top;
  const gridSize = cell * k;
  const legendX = gridX + gridSize + 24;
  const legendHeight = clamp(gridSize, 120, 260);
  const width = Math.max(headerWidth(input.title, input.subtitle, MIN_WIDTH, 720), legendX + 14 + 6 + measureText("−0.5", FONT.tick) + PAD);
  const hasMissing = input.values.some(Number.isNaN);
  const legendBottom = gridY + legendHeight + (hasMissing ? 34 : 0);
  const height = Math.max(gridY + gridSize + 6 + columnLabelDepth, legendBottom) + PAD;

  const valueStyle = { size: Math.min(FONT.label.size, (cell - 6) / measureText("−0.00", { size: 1 })) };
  const cells: string[] = [];
  for (let row = 0; row < k; row++) {
    for (let col = 0; col < k; col++) {
      const v = input.values[row * k + col] as number;
      const x = gridX + col * cell + gap / 2;
      const y = gridY + row * cell + gap / 2;
      const size = cell - gap;
      const missing = Number.isNaN(v);
      const fill = missing ? theme.missingFill : divergingColor(theme, v);
      // Rounded corners only where they show: a 1 px radius on small cells is invisible but makes
      // each of up to 3,600 cells a curved path for resvg to fill.
      cells.push(el("rect", { x, y, width: size, height: size, rx: gap >= 2 ? gap : undefined, fill: missing ? `url(#${MISSING_ID})` : fill }));
      if (showValues) {
        cells.push(
          text(missing ? "n/a" : formatFixed(v, 2), {
            x: x + size / 2,
            y: y + size / 2 + valueStyle.size * 0.36,
            style: valueStyle,
            fill: missing ? theme.mutedText : readableTextOn(fill),
            anchor: "middle",
          }),
        );
      }
    }
  }

  const axisLabels: string[] = [];
  labels.forEach((label, i) => {
    const center = i * cell + cell / 2;
    axisLabels.push(
      text(label, {
        x: gridX - 8,
        y: gridY + center + labelStyle.size * 0.36,
        style: labelStyle,
        fill: theme.text,
        anchor: "end",
      }),
    );
    // Nudge along the glyphs' ascent so the rotated text is centred under its column.
    const nudge = labelStyle.size * 0.36;
    axisLabels.push(
      diagonalLabels
        ? text(label, {
            x: gridX + center + nudge,
            y: gridY + gridSize + 8,
            style: labelStyle,
            fill: theme.text,
            anchor: "end",
            rotate: -45,
          })
        : text(label, {
            x: gridX + center + nudge,
            y: gridY + gridSize + 6,
            style: labelStyle,
            fill: theme.text,
            anchor: "end",
            rotate: -90,
          }),
    );
  });

  const body = [
    el("defs", {}, [missingPattern(theme, MISSING_ID), scaleGradient(theme)]),
    renderHeader(theme, width, input.title, input.subtitle),
    el("g", {}, cells),
    el("g", {}, axisLabels),
    renderLegend(theme, legendX, gridY, legendHeight, hasMissing),
  ];
  return rasterizeSvg(renderDocument(theme, width, height, body), input.scale);
}

function scaleGradient(theme: ReturnType<typeof resolveTheme>): string {
  const stops: string[] = [];
  for (let i = 0; i <= 20; i++) {
    stops.push(el("stop", { offset: i / 20, "stop-color": divergingColor(theme, 1 - i / 10) }));
  }
  return el("linearGradient", { id: SCALE_ID, x1: 0, y1: 0, x2: 0, y2: 1 }, stops);
}

function renderLegend(
  theme: ReturnType<typeof resolveTheme>,
  x: number,
  y: number,
  height: number,
  hasMissing: boolean,
): string {
  const parts = [el("rect", { x, y, width: 14, height, rx: 2, fill: `url(#${SCALE_ID})` })];
  for (const tick of [1, 0.5, 0, -0.5, -1]) {
    const ty = y + ((1 - tick) / 2) * height;
    parts.push(el("rect", { x: x + 14, y: ty - 0.5, width: 4, height: 1, fill: theme.axis }));
    parts.push(
      text(formatFixed(tick, tick === Math.trunc(tick) ? 0 : 1), {
        x: x + 22,
        y: ty + FONT.tick.size * 0.36,
        style: FONT.tick,
        fill: theme.mutedText,
      }),
    );
  }
  if (hasMissing) {
    const sy = y + height + 20;
    parts.push(el("rect", { x, y: sy, width: 14, height: 14, rx: 2, fill: `url(#${MISSING_ID})`, stroke: theme.axis }));
    parts.push(text("n/a", { x: x + 22, y: sy + 7 + FONT.tick.size * 0.36, style: FONT.tick, fill: theme.mutedText }));
  }
  return el("g", {}, parts);
}

function clamp(value: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, value));
}
