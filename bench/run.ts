/** `npm run bench`: every benchmark in one run, printed as figures and ratios (never asserted). */
import { availableParallelism } from "node:os";
import { benchIngest } from "./ingest.js";
import { benchStartup } from "./startup.js";

const fmt = (n: number) => Math.round(n).toLocaleString("en-US");

console.log(`modelfolio benchmarks — ${availableParallelism()} cores, Node ${process.version}\n`);

const startup = benchStartup();
console.log(`Start-up (\`modelfolio --help\` wall time, median of 7${startup.built ? "; dist/ was built first" : ""})`);
console.log(`  compiled (bin/modelfolio.js → dist/): ${fmt(startup.compiledMs)} ms (target ≤ 500 ms)`);
console.log(`  sources through tsx (no build)      : ${fmt(startup.sourceMs)} ms\n`);

const { benchCharts } = await import("./charts.js");
console.log("Charts (SVG built, rasterised by resvg, PNG encoded; median of 15 warm renders)");
for (const c of benchCharts()) {
  console.log(
    `  ${c.name.padEnd(24)} ${c.medianMs.toFixed(1).padStart(6)} ms  ${c.width}×${c.height} px, ${fmt(c.pngBytes / 1024)} KB, ${c.textNodes} <text> elements`,
  );
}
console.log("");

const ingest = benchIngest();
console.log("Ingest (1,000,000 score rows into a fresh file)");
console.log(`  real ingestion path : ${fmt(ingest.realRowsPerSecond)} rows/s`);
console.log(`  bare prepared INSERT: ${fmt(ingest.bareRowsPerSecond)} rows/s`);
console.log(`  ratio               : ${ingest.ratio.toFixed(2)} (target ≥ 0.70)\n`);

const { benchImport } = await import("./import.js");
const imported = benchImport();
console.log(`CSV import (modelfolio import of a ${imported.fileMb.toFixed(0)} MB long CSV: ${fmt(imported.rows)} rows, one child process)`);
console.log(`  wall ${imported.seconds.toFixed(1)} s (${fmt(imported.rowsPerSecond)} rows/s)`);
console.log(`  peak RSS ${imported.peakRssMb.toFixed(0)} MB (target ≤ 250 MB); ${imported.loadedRssMb.toFixed(0)} MB of it is the CLI loaded before the import\n`);

const { benchAnalytics } = await import("./analytics.js");
console.log("Analytics bundle (correlation, bets, marginal Sharpe, hedge, HRP, max-Sharpe, walk-forward)");
for (const [k, n] of [
  [50, 1000],
  [200, 1000],
] as const) {
  const a = k > 100 ? benchAnalytics(k, n, 5, 3) : benchAnalytics(k, n);
  console.log(
    `  ${k} models × ${n} rounds: ${a.medianMs.toFixed(1)} ms median warm${k === 50 ? " (target ≤ 20 ms)" : ""}, first call ${a.firstMs.toFixed(0)} ms, peak RSS ${a.peakRssMb.toFixed(0)} MB`,
  );
}
console.log("");

const { benchDigest } = await import("./digest.js");
const digest = benchDigest();
console.log(
  `Weekly digest compute (${digest.subscribers.toLocaleString("en-US")} subscribers × ${digest.modelsPerSubscriber} models, pool of ${digest.modelPool.toLocaleString("en-US")} models, ${digest.rounds} rounds)`,
);
console.log(`  wall ${digest.seconds.toFixed(2)} s (load ${digest.loadSeconds.toFixed(2)} s, compute ${digest.computeSeconds.toFixed(2)} s), CPU ${digest.cpuSeconds.toFixed(2)} s (target < 10 s)`);
console.log(`  peak RSS ${digest.peakRssMb.toFixed(0)} MB (target < 300 MB)\n`);

const { benchCommandReads } = await import("./command-reads.js");
const reads = await benchCommandReads();
console.log("One /correlation (10-model user, 1,000 rounds, 2,000-model store; statements counted on better-sqlite3's prepare)");
for (const [label, x] of [
  ["first of a user, or after a write", reads.cold],
  ["again, nothing written", reads.warm],
] as const) {
  console.log(
    `  ${label.padEnd(34)}: ${x.statements} statements, ${fmt(x.rows)} rows; service ${x.serviceMs.toFixed(1)} ms, with the PNG ${x.totalMs.toFixed(1)} ms (median)`,
  );
}
console.log("");

const { benchInteractions, interactionLines } = await import("./interactions.js");
for (const line of interactionLines(await benchInteractions())) console.log(line);
console.log("");

const { benchSoak } = await import("./soak.js");
const soak = await benchSoak();
const mb = (x: number) => `${x.toFixed(0)} MB`;
console.log(
  `Soak (${soak.simulatedMinutes} simulated minutes: a score sync every minute, digests every 5, ${soak.commands} commands; ${soak.wallSeconds.toFixed(0)} s wall)`,
);
console.log(`  bot RSS : start ${mb(soak.rssMb.start)}, end ${mb(soak.rssMb.end)}, max ${mb(soak.rssMb.max)}, slope ${soak.rssSlopeMbPerHour.toFixed(1)} MB/hour after warm-up`);
console.log(`  bot heap: start ${mb(soak.heapMb.start)}, end ${mb(soak.heapMb.end)}, max ${mb(soak.heapMb.max)}, slope ${soak.heapSlopeMbPerHour.toFixed(1)} MB/hour (after a full GC)`);
console.log(`  discord.js REST handlers: ${soak.restHandlers.start} → ${soak.restHandlers.end} (one per interaction token, swept after an hour of real time, which an accelerated run never reaches)`);
console.log(
  `  ${soak.syncs} syncs (${soak.syncFailures} with failures), ${soak.digestsSent} digests sent, ${soak.failedCommands} commands failed, ${soak.botErrorLines} bot error log lines\n`,
);
