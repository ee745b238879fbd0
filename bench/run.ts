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

const { benchDigest } = await import("./digest.js");
const digest = benchDigest();
console.log(
  `Weekly digest compute (${digest.subscribers.toLocaleString("en-US")} subscribers × ${digest.modelsPerSubscriber} models, pool of ${digest.modelPool.toLocaleString("en-US")} models, ${digest.rounds} rounds)`,
);
console.log(`  wall ${digest.seconds.toFixed(2)} s (load ${digest.loadSeconds.toFixed(2)} s, compute ${digest.computeSeconds.toFixed(2)} s), CPU ${digest.cpuSeconds.toFixed(2)} s (target < 10 s)`);
console.log(`  peak RSS ${digest.peakRssMb.toFixed(0)} MB (target < 300 MB)\n`);
