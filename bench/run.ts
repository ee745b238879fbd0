/** `npm run bench`: every benchmark in one run, printed as figures and ratios (never asserted). */
import { availableParallelism, loadavg } from "node:os";
import { benchIngest } from "./ingest.js";
import { benchStartup } from "./startup.js";

const fmt = (n: number) => Math.round(n).toLocaleString("en-US");

/** The 1-, 5- and 15-minute load averages: figures are only comparable between runs at similar load. */
const loadText = () => loadavg().map((x) => x.toFixed(2)).join(" / ");
const startedAt = new Date();
const loadAtStart = loadText();
console.log(`modelfolio benchmarks — ${availableParallelism()} cores, Node ${process.version}, load ${loadAtStart} (1/5/15 min), ${startedAt.toISOString()}\n`);

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
    `  ${k} models × ${n} rounds: ${a.medianMs.toFixed(1)} ms median warm${k === 50 ? " (target ≤ 15 ms)" : ""}, first call ${a.firstMs.toFixed(0)} ms, peak RSS ${a.peakRssMb.toFixed(0)} MB`,
  );
}
console.log("");

const { benchDigest } = await import("./digest.js");
const digest = benchDigest();
const digest100k = benchDigest({ subscribers: 100_000, cachedRun: false });
console.log(
  `Weekly digest compute (${digest.subscribers.toLocaleString("en-US")} subscribers × ${digest.modelsPerSubscriber} models, pool of ${digest.modelPool.toLocaleString("en-US")} models, ${digest.rounds} rounds)`,
);
console.log(`  wall ${digest.seconds.toFixed(2)} s (load ${digest.loadSeconds.toFixed(2)} s, compute ${digest.computeSeconds.toFixed(2)} s), CPU ${digest.cpuSeconds.toFixed(2)} s (target ≤ 3 s)`);
console.log(`  peak RSS ${digest.peakRssMb.toFixed(0)} MB (target < 300 MB); walk-forward suggestions worked out ${fmt(digest.suggestionsComputed)}, reused ${fmt(digest.suggestionsReused)} (same models and weights)`);
if (digest.cached) {
  const c = digest.cached;
  console.log(`  again with every series cached (a running bot after its warm-up job): wall ${c.seconds.toFixed(2)} s (load ${c.loadSeconds.toFixed(2)} s, compute ${c.computeSeconds.toFixed(2)} s)`);
}
console.log(
  `  100,000 subscribers: wall ${digest100k.seconds.toFixed(2)} s (load ${digest100k.loadSeconds.toFixed(2)} s, compute ${digest100k.computeSeconds.toFixed(2)} s), peak RSS ${digest100k.peakRssMb.toFixed(0)} MB (target ≤ 30 s)\n`,
);

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
const burst = await benchInteractions();
for (const line of interactionLines(burst)) console.log(line);
console.log("");

const { benchSoak } = await import("./soak.js");
const soak = await benchSoak();
const mb = (x: number) => `${x.toFixed(0)} MB`;
console.log(
  `Soak (${soak.simulatedMinutes} simulated minutes: a score sync and the series warm-up every minute, digests every 5, ${soak.commands} commands; ${soak.wallSeconds.toFixed(0)} s wall)`,
);
console.log(`  bot RSS : start ${mb(soak.rssMb.start)}, end ${mb(soak.rssMb.end)}, max ${mb(soak.rssMb.max)}, slope ${soak.rssSlopeMbPerHour.toFixed(1)} MB/hour after warm-up`);
console.log(`  bot heap: start ${mb(soak.heapMb.start)}, end ${mb(soak.heapMb.end)}, max ${mb(soak.heapMb.max)}, slope ${soak.heapSlopeMbPerHour.toFixed(1)} MB/hour (after a full GC)`);
console.log(`  discord.js REST handlers: ${soak.restHandlers.start} → ${soak.restHandlers.end} (one per interaction token, swept after an hour of real time, which an accelerated run never reaches)`);
console.log(
  `  ${soak.syncs} syncs (${soak.syncFailures} with failures), ${soak.digestsSent} digests sent, ${soak.failedCommands} commands failed, ${soak.botErrorLines} bot error log lines\n`,
);

// Issue 13's table, every row from this one run.
const ms = (x: number) => `${fmt(x)} ms`;
const modelsList = burst.warm.finalByCommand["models"];
const analytics50 = benchAnalytics(50, 1000);
const rows: Array<[string, string, string]> = [
  ["burst of 200, running bot: final reply p99", ms(burst.warm.finalMs.p99), "≤ 3,000 ms"],
  ["burst of 200, just started: final reply p99", ms(burst.cold.finalMs.p99), "≤ 3,000 ms"],
  ["burst of 200, running bot: /models list p99", modelsList ? ms(modelsList.p99) : "—", "≤ 300 ms"],
  ["one /correlation with PNG (repeat / first)", `${reads.warm.totalMs.toFixed(1)} / ${reads.cold.totalMs.toFixed(1)} ms`, "≤ 40 ms"],
  ["digests, 10k subscribers × 10 models", `${digest.seconds.toFixed(2)} s, ${digest.peakRssMb.toFixed(0)} MB`, "≤ 3 s, < 300 MB"],
  ["digests, 10k, series cached (running bot)", digest.cached ? `${digest.cached.seconds.toFixed(2)} s` : "—", "≤ 3 s"],
  ["digests, 100k subscribers × 10 models", `${digest100k.seconds.toFixed(2)} s, ${digest100k.peakRssMb.toFixed(0)} MB`, "≤ 30 s"],
  ["analytics bundle 50×1000 (warm median)", `${analytics50.medianMs.toFixed(1)} ms`, "≤ 15 ms"],
  ["ingest 1M rows vs bare prepared INSERT", ingest.ratio.toFixed(2), "≥ 0.70"],
  [`import of ${fmt(imported.rows)} rows, peak RSS`, mb(imported.peakRssMb), "≤ 250 MB"],
  ["`modelfolio --help` wall time", `${fmt(startup.compiledMs)} ms`, "≤ 500 ms"],
];
console.log(`Summary — ${availableParallelism()} cores, load ${loadAtStart} at the start, ${loadText()} at the end, ${((Date.now() - startedAt.getTime()) / 60_000).toFixed(1)} min`);
const width = Math.max(...rows.map((r) => r[0].length));
for (const [what, figure, target] of rows) console.log(`  ${what.padEnd(width)}  ${figure.padStart(22)}   target ${target}`);
