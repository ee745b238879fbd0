/**
 * Frozen service results for renderer tests, built from small literals or a seeded generator
 * (no store, no math: the renderers only format), plus helpers to inspect payloads.
 */
import { expect } from "vitest";
import type { APIEmbed } from "discord.js";
import type { ModelStats } from "../../../src/analytics/summary.js";
import type { HedgeValue } from "../../../src/analytics/hedge.js";
import type { MessagePayload } from "../../../src/discord/render/payload.js";
import { limitViolations } from "../../../src/discord/render/payload.js";
import { mulberry32 } from "../../../src/random.js";
import type { CorrelationResult } from "../../../src/discord/render/correlation.js";
import type { ContributionResult } from "../../../src/discord/render/contribution.js";
import type { AllocateResult } from "../../../src/discord/render/allocate.js";
import type { PerformanceResult } from "../../../src/discord/render/performance.js";
import type { ServerDiversityResult } from "../../../src/discord/render/server-diversity.js";
import type { HistoryResult } from "../../../src/discord/render/history.js";

/** Names that try to break markdown, ping everyone, or stretch a table. */
export const HOSTILE_NAMES = [
  "**bold**",
  "@everyone",
  "<@123456789012345678>",
  "under_score_name",
  "`tick`",
  "```fence```",
  "# heading",
  "[link](https://example.com)",
  "名前のモデル",
  "emoji🚀model",
  "||spoiler||",
  "line\nbreak",
  "x".repeat(64),
  "> quote",
];

/** Deterministic uniform numbers in [0, 1) (mulberry32). */
export const seeded = mulberry32;

export const modelNames = (k: number, prefix = "model"): string[] => Array.from({ length: k }, (_, i) => `${prefix}_${String(i + 1).padStart(3, "0")}`);

export function stats(seed: number, nan = false): ModelStats {
  const r = seeded(seed);
  const v = (x: number) => (nan ? NaN : x);
  return {
    n: 120,
    mean: v(0.002 + r() * 0.01),
    std: v(0.01 + r() * 0.02),
    sharpe: v(r() * 1.2 - 0.2),
    sortino: nan ? Infinity : r() * 2,
    maxDrawdown: v(r() * 0.3),
    calmar: nan ? -Infinity : r(),
    hitRate: v(0.4 + r() * 0.3),
    cvar5: v(-0.02 - r() * 0.02),
  };
}

export function hedge(seed: number, nan = false): HedgeValue {
  const r = seeded(seed);
  const v = (x: number) => (nan ? NaN : x);
  return {
    meanWhenRestDown: v(r() * 0.02 - 0.01),
    meanWhenRestUp: v(r() * 0.02),
    countDown: 40,
    countUp: 80,
    quadrants: { restUpModelBeats: 40, restUpModelLags: 40, restDownModelBeats: 20, restDownModelLags: 20 },
    amplifiedPayout: v(r() * 0.01),
    mean: v(r() * 0.01),
    amplification: 2,
  };
}

/** Effective bets with every figure undefined. */
export const NAN_BETS = {
  participationRatio: NaN,
  averageCorrelation: Infinity,
  meucci: NaN,
  minimumTorsion: NaN,
  weightedDisagree: false,
  disagreementThreshold: 1,
  models: 3,
  commonRounds: 0,
  weights: [],
};
/** Effective bets where Meucci's entropy figure (2.49) and minimum-torsion (3.9) disagree by more than 1. */
export const DISAGREEING_BETS = {
  participationRatio: 2.7,
  averageCorrelation: 3.14,
  meucci: 2.49,
  minimumTorsion: 3.9,
  weightedDisagree: true,
  disagreementThreshold: 1,
  models: 3,
  commonRounds: 150,
  weights: [],
};

export function correlationResult(names: readonly string[], opts: { nan?: boolean; seed?: number; order?: number[] } = {}): CorrelationResult {
  const k = names.length;
  const r = seeded(opts.seed ?? 1);
  const values = new Float64Array(k * k);
  const overlap = new Int32Array(k * k);
  for (let i = 0; i < k; i++) {
    values[i * k + i] = 1;
    overlap[i * k + i] = 150;
    for (let j = i + 1; j < k; j++) {
      const rho = opts.nan && (i + j) % 3 === 0 ? NaN : Math.round((r() * 1.4 - 0.4) * 1000) / 1000;
      values[i * k + j] = values[j * k + i] = rho;
      overlap[i * k + j] = overlap[j * k + i] = 100 + ((i * 7 + j) % 50);
    }
  }
  const pairs: CorrelationResult["pairs"] = [];
  for (let i = 0; i < k; i++) {
    for (let j = i + 1; j < k; j++) {
      const rho = values[i * k + j] as number;
      if (Number.isFinite(rho)) pairs.push({ a: names[i] as string, b: names[j] as string, rho, overlap: overlap[i * k + j] as number });
    }
  }
  pairs.sort((x, y) => y.rho - x.rho);
  const clusters = k >= 4 ? [[names[0] as string, names[1] as string, names[2] as string], [names[3] as string, names[k - 1] as string]] : [];
  return {
    names: [...names],
    method: "pearson",
    minOverlap: 20,
    matrix: { k, values, overlap },
    order: opts.order ?? names.map((_, i) => i),
    pairs,
    clusters,
    nearDuplicateRho: 0.9,
    bets: opts.nan
      ? { ...NAN_BETS, models: k, weights: names.map((name) => ({ name, weight: 1 / k, origin: "equal" as const })) }
      : { ...DISAGREEING_BETS, models: k, weights: names.map((name) => ({ name, weight: 1 / k, origin: "equal" as const })) },
    scoreLabel: "canon_corr",
    notes: opts.nan ? ["3 model-rounds lacked a corr or mmc score and were left out."] : [],
    window: { fromRound: 800, toRound: 949 },
    rounds: { requested: 150, window: { first: 800, last: 949, count: 150 } },
  };
}

/** A listwise answer's rounds: 150 resolved in the window, 150 shared. */
export const SHARED_ROUNDS = {
  requested: null,
  window: { first: 800, last: 949, count: 150 },
  shared: { first: 800, last: 949, count: 150 },
  missingAsZero: false,
} as const;

export function contributionResult(names: readonly string[], opts: { nan?: boolean } = {}): ContributionResult {
  const r = seeded(7);
  const k = names.length;
  const rows = names.map((name, i) => ({
    name,
    weight: 1 / k,
    stats: stats(100 + i, opts.nan),
    gradient: opts.nan ? NaN : r() * 0.2 - 0.1,
    leaveOneOut: opts.nan ? NaN : Math.round((r() * 0.1 - 0.04) * 10000) / 10000,
    riskShare: opts.nan ? NaN : 1 / k + (r() - 0.5) * 0.01,
    hedge: hedge(200 + i, opts.nan),
  }));
  rows.sort((a, b) => (Number.isNaN(b.leaveOneOut) ? -1 : b.leaveOneOut - a.leaveOneOut));
  return {
    rows,
    portfolioSharpe: opts.nan ? NaN : 0.8123,
    portfolio: stats(999, opts.nan),
    weightSource: "declared",
    weights: rows.map((x) => ({ name: x.name, weight: x.weight, origin: "declared" as const })),
    commonRounds: 150,
    rounds: SHARED_ROUNDS,
    scoreLabel: "score (corr×mult + mmc×mult)",
    notes: ["12 model-rounds had no multipliers from the API; the official ones for their period were used (corr×0.5 + mmc×2 until round 841)."],
  };
}

const oos = (seed: number, nan = false) => {
  const r = seeded(seed);
  return nan
    ? { rounds: 0, mean: NaN, sharpe: NaN, maxDrawdown: NaN, cvar5: NaN, turnover: Infinity }
    : { rounds: 70, mean: r() * 0.01, sharpe: r(), maxDrawdown: r() * 0.2, cvar5: -r() * 0.03, turnover: r() * 0.3 };
};

function currentWeights(names: readonly string[], weights: Float64Array) {
  return { weights, used: names.map((name, i) => ({ name, weight: weights[i] as number, origin: "stake" as const })) };
}

export function allocateResult(names: readonly string[], opts: { nan?: boolean; noOos?: boolean } = {}): AllocateResult {
  const k = names.length;
  const r = seeded(11);
  const normalized = () => {
    const w = Float64Array.from({ length: k }, () => r());
    const s = w.reduce((a, b) => a + b, 0);
    return w.map((x) => x / s);
  };
  const methods = ["equal", "inverse-variance", "min-variance", "hrp", "max-sharpe"];
  return {
    names,
    current: { ...currentWeights(names, normalized()), source: "api", inSampleSharpe: opts.nan ? NaN : 0.71 },
    suggestions: methods.map((method, i) => {
      const undefinedWeights = opts.nan && method === "max-sharpe";
      return {
        method,
        weights: undefinedWeights ? new Float64Array(k).fill(NaN) : normalized(),
        defined: !undefinedWeights,
        ...(undefinedWeights ? { undefinedReason: "not defined: no model has a positive mean score on these rounds" } : {}),
        inSampleSharpe: opts.nan ? NaN : 0.7 + i * 0.05,
        inputs: `inputs of ${method} over the 150 common rounds`,
        oos: opts.noOos ? null : oos(20 + i, opts.nan),
      };
    }),
    baselines: { equal: opts.noOos ? null : oos(20, opts.nan), current: opts.noOos ? null : oos(30, opts.nan) },
    walkForward: { minFit: 60, rebalanceEvery: 20, resolutionLag: 24, oosRounds: opts.noOos ? 0 : 70, firstOosRound: opts.noOos ? null : 880, timedRounds: 0, rounds: 150 },
    cap: 0.35,
    floor: 0.01,
    commonRounds: 150,
    rounds: SHARED_ROUNDS,
    caveat: "These weights are fitted on past rounds. Trust the out-of-sample rows.",
    scoreLabel: "canon_corr",
    notes: opts.noOos ? ["Not enough common rounds for an out-of-sample check (50; it needs 85)."] : [],
  };
}

export function performanceResult(names: readonly string[], opts: { nan?: boolean } = {}): PerformanceResult {
  return {
    rows: names.map((name, i) => {
      const r = seeded(300 + i);
      let cum = 0;
      return {
        name,
        firstRound: 800,
        lastRound: 839,
        stats: opts.nan && i === 0 ? null : stats(300 + i, opts.nan),
        cumulative: Array.from({ length: 40 }, (_, t) => ({ round: 800 + t, value: (cum += opts.nan && t === 5 ? NaN : r() * 0.04 - 0.015) })),
        // Every other model staked, as on Numerai, where many models are not.
        nmr: i % 2 === 0 ? { stakedRounds: 40, paid: 3.25 - i, meanAtRisk: 120.5, perUnit: (3.25 - i) / (40 * 120.5), latestAtRisk: 130, latestRound: 839 } : null,
      };
    }),
    scoreLabel: "canon_corr",
    notes: [],
    periodsPerYear: null,
    rounds: { requested: null, window: { first: 800, last: 839, count: 40 } },
  };
}

/** 80 shared rounds, a 20-round window: the first 19 points of every series undefined, as the service gives them. */
export function historyResult(names: readonly string[], opts: { nan?: boolean } = {}): HistoryResult {
  const r = seeded(41);
  const n = 80;
  const window = 20;
  const series = (lo: number, hi: number) => Float64Array.from({ length: n }, (_, t) => (t < window - 1 || (opts.nan && t > 60) ? NaN : lo + (hi - lo) * r()));
  const point = (xs: Float64Array, t: number) => (Number.isFinite(xs[t]) ? { round: 1001 + t, value: xs[t] as number } : null);
  const bets = series(1, names.length);
  const sharpe = series(-0.5, 1.5);
  return {
    window,
    roundNumbers: Array.from({ length: n }, (_, t) => 1001 + t),
    models: names.map((name) => {
      const correlation = series(-0.3, 0.99);
      return { name, weight: 1 / names.length, correlation, latest: point(correlation, n - 1) };
    }),
    bets,
    sharpe,
    betsFirst: point(bets, window - 1),
    betsLatest: point(bets, n - 1),
    sharpeFirst: point(sharpe, window - 1),
    sharpeLatest: point(sharpe, n - 1),
    weightSource: "equal",
    weights: names.map((name) => ({ name, weight: 1 / names.length, origin: "equal" as const })),
    commonRounds: n,
    rounds: { requested: null, window: { first: 1001, last: 1080, count: n }, shared: { first: 1001, last: 1080, count: n }, missingAsZero: false },
    scoreLabel: "canon_corr",
    notes: [],
  };
}

export function serverDiversityResult(opts: { nan?: boolean } = {}): ServerDiversityResult {
  const r = seeded(5);
  const within = Array.from({ length: 30 }, () => (opts.nan ? NaN : 0.5 + r() * 0.45));
  const across = Array.from({ length: 120 }, () => (opts.nan ? NaN : r() * 0.8 - 0.2));
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  return {
    members: 4,
    models: 17,
    within: { values: within, mean: mean(within) },
    across: { values: across, mean: mean(across) },
    nearDuplicateRho: 0.9,
    scoreLabel: "canon_corr",
    notes: [],
    rounds: { requested: null, window: { first: 800, last: 949, count: 150 } },
  };
}

/** Every piece of text a user could see, including text and CSV attachments. */
export function allText(p: MessagePayload): string {
  const parts: string[] = [];
  if (p.content) parts.push(p.content);
  for (const e of p.embeds ?? []) parts.push(...embedTexts(e));
  for (const f of p.files ?? []) if (/\.(csv|txt)$/.test(f.name)) parts.push(f.data.toString("utf8"));
  return parts.join("\n");
}

function embedTexts(e: APIEmbed): string[] {
  return [e.title ?? "", e.description ?? "", ...(e.fields ?? []).flatMap((f) => [f.name, f.value]), e.footer?.text ?? "", e.image?.url ?? ""];
}

/** The payload with attachment bytes replaced by what matters for a snapshot. */
export function snapshotOf(p: MessagePayload): unknown {
  return {
    ...p,
    ...(p.files
      ? {
          files: p.files.map((f) => ({
            name: f.name,
            description: f.description,
            data: f.name.endsWith(".png") ? `<png ${f.data.subarray(1, 4).toString("ascii")}>` : f.data.toString("utf8"),
          })),
        }
      : {}),
  };
}

/** The checks every renderer must pass on any input. */
export function expectWellFormed(p: MessagePayload): void {
  expect(limitViolations(p)).toEqual([]);
  const text = allText(p);
  expect(text).not.toMatch(/NaN|Infinity/);
  for (const e of p.embeds ?? []) {
    for (const t of embedTexts(e)) {
      // Code fences come in pairs, or a name broke out of a table.
      expect((t.match(/```/g) ?? []).length % 2, t).toBe(0);
    }
    if (e.image?.url.startsWith("attachment://")) {
      const name = e.image.url.slice("attachment://".length);
      expect(p.files?.map((f) => f.name)).toContain(name);
    }
  }
  for (const f of p.files ?? []) {
    if (f.name.endsWith(".png")) expect(f.data.subarray(0, 8).toString("hex")).toBe("89504e470d0a1a0a");
  }
}

/** Markdown outside code blocks must not carry a raw mention or a name's own markdown. */
export function expectNamesInert(p: MessagePayload): void {
  for (const e of p.embeds ?? []) {
    for (const t of embedTexts(e)) {
      const prose = t.replace(/```[\s\S]*?```/g, "");
      expect(prose).not.toContain("@everyone");
      expect(prose).not.toMatch(/<@\d+>/);
      expect(prose).not.toContain("**bold**");
      expect(prose).not.toContain("||spoiler||");
      // An escaped "\[" renders literally; only an unescaped one would make a link.
      expect(prose).not.toMatch(/(?<!\\)\[link\]\(https:\/\/example\.com\)/);
    }
  }
  if (p.content) {
    expect(p.content).not.toContain("@everyone");
    expect(p.content).not.toContain("**bold**");
  }
}
