/** `npm run bench`: every benchmark in one run, printed as figures and ratios (never asserted). */
import { availableParallelism } from "node:os";
import { benchIngest } from "./ingest.js";

const fmt = (n: number) => Math.round(n).toLocaleString("en-US");

console.log(`modelfolio benchmarks — ${availableParallelism()} cores, Node ${process.version}\n`);

const ingest = benchIngest();
console.log("Ingest (1,000,000 score rows into a fresh file)");
console.log(`  real ingestion path : ${fmt(ingest.realRowsPerSecond)} rows/s`);
console.log(`  bare prepared INSERT: ${fmt(ingest.bareRowsPerSecond)} rows/s`);
console.log(`  ratio               : ${ingest.ratio.toFixed(2)} (target ≥ 0.50)\n`);

const { benchAnalytics } = await import("./analytics.js");
console.log("Analytics bundle (correlation, bets, marginal Sharpe, hedge, HRP, max-Sharpe, walk-forward)");
for (const [k, n] of [
  [50, 1000],
  [200, 1000],
] as const) {
  const a = benchAnalytics(k, n, k > 100 ? 3 : 7);
  console.log(`  ${k} models × ${n} rounds: ${a.medianMs.toFixed(1)} ms median, peak RSS ${a.peakRssMb.toFixed(0)} MB${k === 50 ? " (target ≤ 20 ms)" : ""}`);
}
console.log("");
