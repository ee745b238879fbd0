/**
 * Chart cost per chart: the whole render (SVG built, rasterised, PNG encoded) as the commands call
 * it, with the PNG's pixel size, bytes and the SVG's <text> count. Inputs are frozen (seeded), the
 * sizes those of real commands: a 10- and a 50-model /correlation heatmap, a 10-model
 * /contribution bar chart, a 10-model × 1,000-round /performance line chart.
 */
import { performance } from "node:perf_hooks";
import { renderBarChart, renderCorrelationHeatmap, renderLineChart, type ChartImage } from "../src/discord/render/charts/index.js";
import { parkMillerUniform } from "../src/random.js";

export interface ChartFigure {
  name: string;
  medianMs: number;
  width: number;
  height: number;
  pngBytes: number;
  textNodes: number;
}

const names = (k: number) => Array.from({ length: k }, (_, i) => `${["integration_test", "nyuton", "vladthestaker", "rgm"][i % 4]}_${i + 1}`);

function correlationInput(k: number) {
  const next = parkMillerUniform(7);
  const values = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j <= i; j++) {
      const r = i === j ? 1 : Math.round((next() * 1.6 - 0.6) * 1e4) / 1e4;
      values[i * k + j] = r;
      values[j * k + i] = r;
    }
  }
  return { labels: names(k), values, title: `Correlation of ${k} models (pearson)`, subtitle: "canon_corr · rounds 700–1000" };
}

function barInput() {
  const next = parkMillerUniform(11);
  return {
    title: "What each model does to your Sharpe",
    subtitle: "Leave-one-out: portfolio Sharpe minus Sharpe without the model",
    bars: names(10).map((label) => ({ label, value: (next() - 0.4) * 0.08 })),
  };
}

function lineInput() {
  const next = parkMillerUniform(13);
  return {
    title: "Cumulative canon_corr",
    xLabel: "round",
    yLabel: "cumulative score",
    series: names(10).map((name) => {
      let y = 0;
      return { name, points: Array.from({ length: 1000 }, (_, i) => ({ x: 100 + i, y: (y += (next() - 0.47) * 0.04) })) };
    }),
  };
}

function measure(name: string, render: () => ChartImage, runs: number): ChartFigure {
  let image = render(); // warm-up: font loading and V8 compilation are start-up costs
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    image = render();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return {
    name,
    medianMs: times[Math.floor(runs / 2)] as number,
    width: image.width,
    height: image.height,
    pngBytes: image.png.length,
    textNodes: image.svg.match(/<text[ >]/g)?.length ?? 0,
  };
}

export function benchCharts(runs = 15): ChartFigure[] {
  const heat10 = correlationInput(10);
  const heat50 = correlationInput(50);
  const bars = barInput();
  const lines = lineInput();
  return [
    measure("heatmap, 10 models", () => renderCorrelationHeatmap(heat10), runs),
    measure("heatmap, 50 models", () => renderCorrelationHeatmap(heat50), runs),
    measure("bar chart, 10 bars", () => renderBarChart(bars), runs),
    measure("line chart, 10 × 1,000", () => renderLineChart(lines), runs),
  ];
}

if (process.argv[1]?.endsWith("charts.ts")) {
  for (const f of benchCharts()) {
    console.log(`${f.name.padEnd(24)} ${f.medianMs.toFixed(1).padStart(6)} ms  ${f.width}×${f.height} px  ${(f.pngBytes / 1024).toFixed(0)} KB  ${f.textNodes} <text>`);
  }
}
