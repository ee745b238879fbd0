/**
 * Weekly digest compute at scale: 10,000 subscribers × 10 models each, drawn from a pool of
 * models (subscribers share models, as members of one tournament do), ~1 year of daily rounds.
 * Measures what a dispatch run computes before posting — batched loading of every subscriber's
 * series plus `buildWeeklyDigest` for each — in a fresh child process, so the peak RSS is the
 * digest's own and not the set-up's. Targets (issue 13): ≤ 3 s and < 300 MB on a 2-core machine; 100k subscribers ≤ 30 s.
 * Rendering (a PNG per digest) and posting are paced by Discord and not part of this figure.
 */
import { peakRssMb } from "./peak-rss.js";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { payoutRuleFor } from "../src/analytics/payout-rules.js";
import { openDatabase } from "../src/db/open.js";
import { mulberry32 } from "../src/random.js";
import { createDigestRepository } from "../src/db/repositories/digests.js";
import { createScoreReadRepository } from "../src/db/repositories/score-reads.js";
import { createDigestLoader, DIGEST_BATCH_SIZE } from "../src/services/digest/loader.js";
import { createSeriesCache } from "../src/services/series.js";
import { buildDigestFor } from "../src/services/digest/server.js";

const TOURNAMENT = 8;
const DAY = 86_400_000;
const CHILD_FLAG = "--digest-bench-child";

export interface DigestBenchOptions {
  readonly subscribers?: number;
  readonly modelsPerSubscriber?: number;
  readonly modelPool?: number;
  readonly rounds?: number;
  /** Also time a second run with every series cached (default true). */
  readonly cachedRun?: boolean;
}

export interface DigestFigures {
  readonly subscribers: number;
  readonly modelsPerSubscriber: number;
  readonly modelPool: number;
  readonly rounds: number;
  /** Loading and computing every digest, in seconds (wall clock). */
  readonly seconds: number;
  /** CPU time of the same (user + system): the wall time of an otherwise idle machine. */
  readonly cpuSeconds: number;
  readonly loadSeconds: number;
  readonly computeSeconds: number;
  /** Peak resident set size of the measuring process, MB. */
  readonly peakRssMb: number;
  readonly digests: number;
  readonly withSuggestion: number;
  /** Walk-forward suggestions worked out, and reused for a subscriber with the same models and weights. */
  readonly suggestionsComputed: number;
  readonly suggestionsReused: number;
  /**
   * The same run again in the same process with a new loader: every series already in the cache,
   * as in a running bot whose warm-up job (src/jobs/warm-series.ts) holds the registered models.
   */
  readonly cached: { readonly seconds: number; readonly loadSeconds: number; readonly computeSeconds: number } | null;
  readonly setupSeconds: number;
}

/** A deterministic PRNG (mulberry32) so every run measures the same data. */
const prng = mulberry32;

/** Writes the benchmark's store: rounds with resolve times, a model pool's scores, subscribers' registrations. */
function buildStore(path: string, o: Required<DigestBenchOptions>, periodEnd: number): void {
  const store = openDatabase(path);
  const db = store.sqlite;
  const rand = prng(42);
  const normal = () => Math.sqrt(-2 * Math.log(Math.max(rand(), 1e-12))) * Math.cos(2 * Math.PI * rand());
  const firstRound = 1300 - o.rounds;
  db.transaction(() => {
    const round = db.prepare("INSERT INTO rounds (tournament, number, open_time, resolve_time, resolved) VALUES (?, ?, ?, ?, 1)");
    // Five rounds a week, each resolving ~4 weeks after it opens; the last ones resolve in the digest's week.
    for (let i = 0; i < o.rounds; i++) {
      const resolve = periodEnd - (o.rounds - 1 - i) * (7 / 5) * DAY - DAY / 2;
      round.run(TOURNAMENT, firstRound + i, resolve - 28 * DAY, Math.round(resolve));
    }
    const model = db.prepare("INSERT INTO models (id, name, tournament, source) VALUES (?, ?, ?, 'numerai')");
    const fact = db.prepare("INSERT INTO model_rounds (model_id, round_number, at_risk, corr_multiplier, mmc_multiplier, resolved) VALUES (?, ?, ?, ?, ?, 1)");
    const score = db.prepare("INSERT INTO scores (model_id, round_number, name, value, resolved) VALUES (?, ?, ?, ?, 1)");
    const factors = Array.from({ length: o.rounds }, () => normal());
    for (let m = 0; m < o.modelPool; m++) {
      const id = `bench-model-${m}`;
      model.run(id, `model_${m}`, TOURNAMENT);
      const loading = 0.3 + 0.6 * rand();
      const mean = -0.002 + 0.012 * rand();
      const joined = rand() < 0.3 ? Math.floor(rand() * o.rounds * 0.5) : 0;
      for (let i = joined; i < o.rounds; i++) {
        const r = firstRound + i;
        const corr = mean + 0.02 * (loading * (factors[i] as number) + Math.sqrt(1 - loading * loading) * normal());
        // The API states each round's multipliers: its payout period's.
        const rule = payoutRuleFor(r);
        fact.run(id, r, (10 + 90 * rand()).toFixed(6), rule.corrMultiplier, rule.mmcMultiplier);
        score.run(id, r, "canon_corr", corr);
        score.run(id, r, "canon_mmc", 0.3 * corr + 0.008 * normal());
      }
    }
    const reg = db.prepare("INSERT INTO registrations (discord_user_id, model_id) VALUES (?, ?)");
    for (let u = 0; u < o.subscribers; u++) {
      const picked = new Set<number>();
      while (picked.size < o.modelsPerSubscriber) picked.add(Math.floor(rand() * o.modelPool));
      for (const m of picked) reg.run(`${100_000_000_000_000_000n + BigInt(u)}`, `bench-model-${m}`);
    }
  })();
  store.close();
}

/** One dispatch run's compute: load in batches as the dispatcher does, build every digest. */
function dispatchRun(loader: ReturnType<typeof createDigestLoader>, users: readonly string[], at: Date) {
  let load = 0;
  let compute = 0;
  let digests = 0;
  let withSuggestion = 0;
  for (let b = 0; b < users.length; b += DIGEST_BATCH_SIZE) {
    const slice = users.slice(b, b + DIGEST_BATCH_SIZE);
    const t0 = performance.now();
    loader.prepare(slice);
    loader.resolveTimes();
    const t1 = performance.now();
    for (const u of slice) {
      const d = buildDigestFor(loader, u, at);
      if (d) {
        digests++;
        if (d.suggestion) withSuggestion++;
      }
    }
    load += t1 - t0;
    compute += performance.now() - t1;
  }
  return { seconds: (load + compute) / 1000, loadSeconds: load / 1000, computeSeconds: compute / 1000, digests, withSuggestion };
}

/** The measured part, run in the child: a run from a cold store, then one with every series cached. */
function measure(path: string, subscribers: number, periodEnd: number, cachedRun: boolean): Omit<DigestFigures, "modelsPerSubscriber" | "modelPool" | "rounds" | "setupSeconds"> {
  const store = openDatabase(path, { readonly: true });
  const repo = createDigestRepository(store, TOURNAMENT);
  const users = Array.from({ length: subscribers }, (_, u) => `${100_000_000_000_000_000n + BigInt(u)}`);
  const at = new Date(periodEnd);
  // One series cache for the process, as createServices makes; one loader per dispatch run.
  const series = createSeriesCache(createScoreReadRepository(store.db, TOURNAMENT));
  const loader = createDigestLoader(repo, series);
  const cpu0 = process.cpuUsage();
  const cold = dispatchRun(loader, users, at);
  const cpu = process.cpuUsage(cpu0);
  const rss = peakRssMb();
  const again = cachedRun ? dispatchRun(createDigestLoader(repo, series), users, at) : null;
  store.close();
  return {
    subscribers,
    seconds: cold.seconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    loadSeconds: cold.loadSeconds,
    computeSeconds: cold.computeSeconds,
    peakRssMb: rss,
    digests: cold.digests,
    withSuggestion: cold.withSuggestion,
    suggestionsComputed: loader.suggestions.computed,
    suggestionsReused: loader.suggestions.reused,
    cached: again && { seconds: again.seconds, loadSeconds: again.loadSeconds, computeSeconds: again.computeSeconds },
  };
}

export function benchDigest(options: DigestBenchOptions = {}): DigestFigures {
  const o: Required<DigestBenchOptions> = { subscribers: 10_000, modelsPerSubscriber: 10, modelPool: 5_000, rounds: 260, cachedRun: true, ...options };
  const dir = mkdtempSync(join(tmpdir(), "modelfolio-bench-digest-"));
  const path = join(dir, "digest.db");
  const periodEnd = Date.UTC(2026, 5, 1, 13);
  try {
    const s0 = performance.now();
    buildStore(path, o, periodEnd);
    const setupSeconds = (performance.now() - s0) / 1000;
    const child = spawnSync(process.execPath, [...(process.env.BENCH_DIGEST_CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_DIGEST_CPU_PROF}`] : []), "--import", "tsx", fileURLToPath(import.meta.url), CHILD_FLAG, path, String(o.subscribers), String(periodEnd), String(o.cachedRun)], {
      encoding: "utf8",
      maxBuffer: 1 << 20,
    });
    if (child.status !== 0) throw new Error(`digest bench child failed: ${child.stderr}`);
    const figures = JSON.parse(child.stdout.trim().split("\n").at(-1) as string) as ReturnType<typeof measure>;
    return { ...figures, modelsPerSubscriber: o.modelsPerSubscriber, modelPool: o.modelPool, rounds: o.rounds, setupSeconds };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === CHILD_FLAG) {
  const [path, subscribers, periodEnd, cachedRun] = process.argv.slice(3);
  console.log(JSON.stringify(measure(path as string, Number(subscribers), Number(periodEnd), cachedRun === "true")));
} else if (process.argv[1] === fileURLToPath(import.meta.url)) {
  // `tsx bench/digest.ts` on its own.
  const f = benchDigest();
  console.log(
    `Weekly digest: ${f.subscribers.toLocaleString("en-US")} subscribers × ${f.modelsPerSubscriber} models (pool ${f.modelPool.toLocaleString("en-US")}, ${f.rounds} rounds): ` +
      `${f.seconds.toFixed(2)} s wall, ${f.cpuSeconds.toFixed(2)} s CPU (load ${f.loadSeconds.toFixed(2)} s, compute ${f.computeSeconds.toFixed(2)} s), peak RSS ${f.peakRssMb.toFixed(0)} MB; ` +
      `${f.withSuggestion.toLocaleString("en-US")} of ${f.digests.toLocaleString("en-US")} digests carry a suggestion`,
  );
}
