/**
 * Everything one subscriber's weekly digest says, as plain data: pure (no store, no clock). One
 * round axis is built first; every section (portfolio, best/worst, diversification, new
 * near-duplicates, contribution, suggestion) is a small function of it, put together by
 * `buildWeeklyDigest`.
 */
import { DEFAULT_CAP, DEFAULT_FLOOR, type AllocationMethod } from "../../analytics/allocation.js";
import { participationRatio } from "../../analytics/effective-bets.js";
import { hedgeValues, type HedgeValue } from "../../analytics/hedge.js";
import { leaveOneOutSharpe, normalizeWeights } from "../../analytics/portfolio.js";
import { sharpe } from "../../analytics/sharpe.js";
import { WALK_FORWARD, walkForward } from "../../analytics/walk-forward.js";
import { NEAR_DUPLICATE_RHO, type WeightSource } from "../portfolio.js";
import { WEEK_MS } from "./schedule.js";
import { correlationMatrix, correlationOfCentred, sampleMoments } from "../../analytics/risk-model.js";
import { centreWindow, columnsAt, roundAxis, scratchOf, sharedRows, type CountedSeries, type RoundAxis, type RoundAxisCache } from "./round-axis.js";

export interface DigestModelInput {
  readonly name: string;
  /** Resolved per-round scores (the combined score), rounds ascending. */
  readonly series: { readonly rounds: ArrayLike<number>; readonly values: ArrayLike<number> };
}

export interface DigestOptions {
  /** Rounds in each correlation window (the last N shared, resolved rounds). Default 60. */
  readonly windowRounds?: number;
  /** Fewest rounds a window or the contribution needs. Default 20. */
  readonly minRounds?: number;
  /** A pair at or above this correlation is a near-duplicate. Default NEAR_DUPLICATE_RHO (0.9). */
  readonly nearDuplicateRho?: number;
  /** Methods the suggestion may propose. Default: the ones that do not bet on estimated means. */
  readonly suggestionMethods?: readonly AllocationMethod[];
  /** How much higher (per-round Sharpe, out of sample) a method must be than the current weights. Default 0.05. */
  readonly suggestionMargin?: number;
  /** Out-of-sample rounds needed before anything is suggested. Default 60. */
  readonly suggestionMinOosRounds?: number;
}

export interface DigestInput {
  readonly models: readonly DigestModelInput[];
  /** One weight per model (need not be normalised). */
  readonly weights: ArrayLike<number>;
  readonly weightSource: WeightSource;
  /** Resolve time (ms) by round; a round without one counts as resolved long ago (imports). */
  readonly resolveTimes: ReadonlyMap<number, number>;
  /** The scheduled time of this digest; the week is the 7 days before it. */
  readonly periodEnd: Date;
  readonly options?: DigestOptions;
  /**
   * Suggestions already worked out in this run, by model set, weights and shared rounds: the
   * walk-forward is the costliest part of a digest, and subscribers (or one subscriber's DM and
   * server digests) who hold the same models with the same weights get the same one.
   */
  readonly suggestions?: SuggestionMemo;
  /** The run's per-model round filtering (see `RoundAxisCache`): the same digest, less work per subscriber. */
  readonly axisCache?: RoundAxisCache;
}

/** A run's suggestions by input (see `DigestInput.suggestions`), with how often one was reused. */
export interface SuggestionMemo {
  readonly byKey: Map<string, Suggestion | null>;
  computed: number;
  reused: number;
}

/** Suggestions a run remembers at most (oldest dropped first; a few KB each). */
export const SUGGESTION_MEMO_ENTRIES = 5_000;

export function createSuggestionMemo(): SuggestionMemo {
  return { byKey: new Map(), computed: 0, reused: 0 };
}

/** A week's mean against the same-sized blocks of earlier rounds. */
export interface VersusHistory {
  /** Mean per round over the week's rounds. */
  readonly weekMean: number;
  readonly weekSum: number;
  readonly weekRounds: number;
  /** Mean of the earlier blocks' means (= the earlier per-round mean over those blocks). */
  readonly historyMean: number;
  /** Earlier non-overlapping blocks of `weekRounds` rounds. */
  readonly historyBlocks: number;
  /** Share of earlier blocks with a lower mean (ties count half); NaN with fewer than 4 blocks. */
  readonly percentile: number;
}

export interface DiversificationSnapshot {
  /** Mean of the off-diagonal pair correlations over the window. */
  readonly averageCorrelation: number;
  /** Participation ratio of the correlation matrix: how many independent bets the models behave like. */
  readonly effectiveBets: number;
  readonly rounds: number;
  readonly lastRound: number;
}

export interface BetsThroughTime {
  readonly models: number;
  /** First day (UTC) of the month looked back to. */
  readonly month: Date;
  /** The participation ratio over the `window` shared rounds up to the last one resolved in that month. */
  readonly then: number;
  readonly thenRound: number;
  /** The participation ratio over the last `window` shared rounds. */
  readonly now: number;
  readonly window: number;
}

/** How many calendar months back the digest's "bets then" looks: long enough for a drift to show. */
export const BETS_LOOKBACK_MONTHS = 3;

export interface Suggestion {
  readonly method: AllocationMethod;
  readonly weights: ReadonlyArray<{ readonly name: string; readonly current: number; readonly suggested: number }>;
  readonly oosRounds: number;
  readonly oosSharpe: number;
  readonly currentOosSharpe: number;
  /** Sharpe of method and current weights in each half of the out-of-sample rounds. */
  readonly halves: readonly [{ readonly method: number; readonly current: number }, { readonly method: number; readonly current: number }];
  readonly caveat: string;
}

export interface WeeklyDigest {
  readonly periodStart: Date;
  readonly periodEnd: Date;
  readonly modelCount: number;
  readonly weightSource: WeightSource;
  /** Rounds (of any of the models) whose resolve time falls in the week. */
  readonly newRounds: readonly number[];
  /** The portfolio: per round Σ wᵢxᵢ / Σ wᵢ over the models with a score that round. */
  readonly portfolio: {
    readonly week: VersusHistory | null;
    readonly cumulative: number;
    readonly rounds: number;
    /** The cumulative portfolio score after each round, for the chart. */
    readonly chart: { readonly rounds: readonly number[]; readonly cumulative: Float64Array };
  };
  readonly best: (VersusHistory & { readonly name: string }) | null;
  readonly worst: (VersusHistory & { readonly name: string }) | null;
  readonly diversification: {
    readonly now: DiversificationSnapshot | null;
    readonly weeksAgo4: DiversificationSnapshot | null;
    readonly weeksAgo12: DiversificationSnapshot | null;
  };
  /** /history's effective-bets series, a quarter ago against now ("were 4.1 bets in June, 3.3 now"). */
  readonly betsThroughTime: BetsThroughTime | null;
  /** Pairs at or above the threshold now that were not a week ago. */
  readonly newNearDuplicates: ReadonlyArray<{ readonly a: string; readonly b: string; readonly rho: number }>;
  readonly nearDuplicateRho: number;
  readonly contribution: {
    readonly rounds: number;
    readonly top: { readonly name: string; readonly marginalSharpe: number } | null;
    readonly bottom: { readonly name: string; readonly marginalSharpe: number } | null;
    /** The model with the highest mean score in rounds when the rest of the portfolio lost. */
    readonly bestHedge: { readonly name: string; readonly meanWhenRestDown: number; readonly roundsRestDown: number } | null;
  } | null;
  readonly suggestion: Suggestion | null;
  readonly notes: readonly string[];
}

type Settings = Required<DigestOptions>;

const DEFAULTS: Settings = {
  windowRounds: 60,
  minRounds: 20,
  nearDuplicateRho: NEAR_DUPLICATE_RHO,
  suggestionMethods: ["inverseVariance", "minimumVariance", "hrp"],
  suggestionMargin: 0.05,
  suggestionMinOosRounds: 60,
};

export const SUGGESTION_CAVEAT =
  "Tested walk-forward: refitted every 20 rounds on rounds already resolved, then scored on the rounds that followed. " +
  "Rounds overlap, so the evidence is thinner than the round count suggests, and past out-performance may not last.";

function versusHistory(values: ArrayLike<number>, weekStart: number): VersusHistory | null {
  const m = values.length - weekStart;
  if (m <= 0) return null;
  let weekSum = 0;
  for (let t = weekStart; t < values.length; t++) weekSum += values[t] as number;
  const weekMean = weekSum / m;
  const blockMeans: number[] = [];
  for (let end = weekStart; end - m >= 0; end -= m) {
    let s = 0;
    for (let t = end - m; t < end; t++) s += values[t] as number;
    blockMeans.push(s / m);
  }
  let below = 0;
  let total = 0;
  for (const b of blockMeans) {
    total += b;
    below += b < weekMean ? 1 : b === weekMean ? 0.5 : 0;
  }
  return {
    weekMean,
    weekSum,
    weekRounds: m,
    historyMean: blockMeans.length > 0 ? total / blockMeans.length : NaN,
    historyBlocks: blockMeans.length,
    percentile: blockMeans.length >= 4 ? below / blockMeans.length : NaN,
  };
}

/** Normalised non-negative weights; equal weights when none is usable (rather than no digest). */
function usableWeights(raw: ArrayLike<number>, k: number): Float64Array {
  if (k === 0) return new Float64Array(0);
  let total = 0;
  for (let i = 0; i < k; i++) total += Number.isFinite(raw[i]) ? Math.max(0, raw[i] as number) : 0;
  return normalizeWeights(total > 0 ? Array.from({ length: k }, (_, i) => Math.max(0, Number(raw[i]) || 0)) : new Float64Array(k).fill(1));
}

/** The portfolio per round, re-weighted over the models scored that round, with its cumulative sum. */
function portfolioSeries(axis: RoundAxis, weights: Float64Array, weekStart: number, cache: RoundAxisCache | undefined): { portfolio: WeeklyDigest["portfolio"] } {
  const values = scratchOf(cache, axis.rounds.length);
  const rounds: number[] = [];
  let m = 0;
  let firstOfWeek = -1;
  for (let t = 0; t < axis.rounds.length; t++) {
    let s = 0;
    let w = 0;
    for (let i = 0; i < axis.columns.length; i++) {
      const x = (axis.columns[i] as Float64Array)[t] as number;
      if (!Number.isNaN(x)) {
        s += (weights[i] as number) * x;
        w += weights[i] as number;
      }
    }
    if (w > 0) {
      if (t >= weekStart && firstOfWeek < 0) firstOfWeek = m;
      values[m++] = s / w;
      rounds.push(axis.rounds[t] as number);
    }
  }
  const cumulativeValues = new Float64Array(m);
  let cumulative = 0;
  for (let t = 0; t < m; t++) cumulativeValues[t] = cumulative += values[t] as number;
  return {
    portfolio: {
      week: firstOfWeek >= 0 ? versusHistory(values.subarray(0, m), firstOfWeek) : null,
      cumulative,
      rounds: m,
      chart: { rounds, cumulative: cumulativeValues },
    },
  };
}

/** Best and worst model this week, each against its own history (its own scored rounds). */
function bestAndWorst(axis: RoundAxis, names: readonly string[], weekStart: number): Pick<WeeklyDigest, "best" | "worst"> {
  let best: WeeklyDigest["best"] = null;
  let worst: WeeklyDigest["worst"] = null;
  const startRound = weekStart < axis.rounds.length ? (axis.rounds[weekStart] as number) : Infinity;
  axis.columns.forEach((col, i) => {
    const vh = ownWeek(col, axis.counted[i] as CountedSeries, weekStart, startRound);
    if (!vh) return;
    const entry = { name: names[i] as string, ...vh };
    if (!best || vh.weekMean > best.weekMean) best = entry;
    if (!worst || vh.weekMean < worst.weekMean) worst = entry;
  });
  return { best, worst: names.length < 2 ? null : worst };
}

/** One model's week against its own scored rounds: its counted scores themselves when their rounds ascend, else its column without the NaNs. */
function ownWeek(col: Float64Array, counted: CountedSeries, weekStart: number, startRound: number): VersusHistory | null {
  if (counted.ascending) {
    let firstNew = counted.rounds.length;
    while (firstNew > 0 && (counted.rounds[firstNew - 1] as number) >= startRound) firstNew--;
    return firstNew === counted.rounds.length ? null : versusHistory(counted.values, firstNew);
  }
  const own: number[] = [];
  let firstNew = -1;
  for (let t = 0; t < col.length; t++) {
    const v = col[t] as number;
    if (Number.isNaN(v)) continue;
    if (firstNew < 0 && t >= weekStart) firstNew = own.length;
    own.push(v);
  }
  return firstNew < 0 ? null : versusHistory(own, firstNew);
}

/**
 * Correlation matrix of the models over the axis positions `rows` (ascending). Over consecutive
 * rounds each model's window mean is reused across the run's digests (`centreWindow`), and the
 * matrix is the same as correlationMatrix of the gathered columns, bit for bit.
 */
function windowCorrelation(axis: RoundAxis, rows: readonly number[], cache: RoundAxisCache | undefined): Float64Array {
  const n = rows.length;
  const k = axis.counted.length;
  const fromRound = axis.rounds[rows[0] as number] as number;
  if (n > 0 && (axis.rounds[rows[n - 1] as number] as number) - fromRound === n - 1) {
    const buffer = scratchOf(cache, k * n);
    const d = buffer.length === k * n ? buffer : buffer.subarray(0, k * n);
    let i = 0;
    while (i < k && centreWindow(axis.counted[i] as CountedSeries, fromRound, n, d, i * n, cache)) i++;
    if (i === k) return correlationOfCentred(d, k, n);
  }
  return correlationMatrix(columnsAt(axis.columns, rows));
}

interface Snapshot {
  readonly snap: DiversificationSnapshot;
  readonly corr: Float64Array;
}

/** Average pair correlation and effective bets over the last `windowRounds` shared rounds resolved by `cutoff`. */
function snapshotAt(axis: RoundAxis, rows: readonly number[], cutoff: number, o: Settings, cache: RoundAxisCache | undefined): Snapshot | null {
  const k = axis.columns.length;
  if (k < 2) return null;
  const win: number[] = [];
  for (let p = rows.length - 1; p >= 0 && win.length < o.windowRounds; p--) {
    const t = rows[p] as number;
    if ((axis.resolvedAt[t] as number) <= cutoff) win.push(t);
  }
  if (win.length < o.minRounds) return null;
  win.reverse();
  const corr = windowCorrelation(axis, win, cache);
  let off = 0;
  let count = 0;
  for (let i = 0; i < k; i++) {
    for (let j = i + 1; j < k; j++) {
      const v = corr[i * k + j] as number;
      if (Number.isFinite(v)) {
        off += v;
        count++;
      }
    }
  }
  return {
    snap: {
      averageCorrelation: count > 0 ? off / count : NaN,
      effectiveBets: participationRatio(corr, k),
      rounds: win.length,
      lastRound: axis.rounds[win[win.length - 1] as number] as number,
    },
    corr,
  };
}

/**
 * Two points of the rolling participation ratio (the series /history draws): the full window
 * ending at the last shared round resolved in the calendar month BETS_LOOKBACK_MONTHS before
 * `end`'s, and the latest one (`now`, the snapshot the digest already has). One snapshot more, so
 * the digest costs what it did. Null unless both windows are full and that month has a round.
 */
function betsThroughTimeOf(axis: RoundAxis, rows: readonly number[], now: Snapshot | null, end: number, o: Settings, cache: RoundAxisCache | undefined): BetsThroughTime | null {
  if (!now || now.snap.rounds < o.windowRounds) return null;
  const endDate = new Date(end);
  const from = Date.UTC(endDate.getUTCFullYear(), endDate.getUTCMonth() - BETS_LOOKBACK_MONTHS, 1);
  const to = Date.UTC(endDate.getUTCFullYear(), endDate.getUTCMonth() - BETS_LOOKBACK_MONTHS + 1, 1);
  const then = snapshotAt(axis, rows, to - 1, o, cache);
  if (!then || then.snap.rounds < o.windowRounds) return null;
  const lastAt = axis.resolvedAt[axis.rounds.indexOf(then.snap.lastRound)] as number;
  if (!(lastAt >= from) || !Number.isFinite(then.snap.effectiveBets) || !Number.isFinite(now.snap.effectiveBets)) return null;
  return { models: axis.columns.length, month: new Date(from), then: then.snap.effectiveBets, thenRound: then.snap.lastRound, now: now.snap.effectiveBets, window: o.windowRounds };
}

/** Pairs at or above the threshold now that were not a week ago, closest first. */
function newNearDuplicatesOf(now: Snapshot | null, weekAgo: Snapshot | null, names: readonly string[], rho: number): WeeklyDigest["newNearDuplicates"] {
  if (!now) return [];
  const k = names.length;
  const pairs: Array<{ a: string; b: string; rho: number }> = [];
  for (let i = 0; i < k; i++) {
    for (let j = i + 1; j < k; j++) {
      const r = now.corr[i * k + j] as number;
      const before = weekAgo ? (weekAgo.corr[i * k + j] as number) : NaN;
      if (r >= rho && !(before >= rho)) pairs.push({ a: names[i] as string, b: names[j] as string, rho: r });
    }
  }
  return pairs.sort((x, y) => y.rho - x.rho);
}

/** Leave-one-out marginal Sharpe (top and bottom) and the best hedge over the shared rounds. */
function contributionOf(cols: readonly Float64Array[], weights: Float64Array, names: readonly string[]): NonNullable<WeeklyDigest["contribution"]> {
  const m = sampleMoments(cols);
  const loo = leaveOneOutSharpe(m.mu, m.cov, cols.length, weights);
  let top: { name: string; marginalSharpe: number } | null = null;
  let bottom: { name: string; marginalSharpe: number } | null = null;
  let bestHedge: { name: string; meanWhenRestDown: number; roundsRestDown: number } | null = null;
  const hedges = hedgeValues(cols, weights);
  for (let i = 0; i < cols.length; i++) {
    const v = loo[i] as number;
    if (Number.isFinite(v)) {
      if (!top || v > top.marginalSharpe) top = { name: names[i] as string, marginalSharpe: v };
      if (!bottom || v < bottom.marginalSharpe) bottom = { name: names[i] as string, marginalSharpe: v };
    }
    const h = hedges[i] as HedgeValue;
    if (h.countDown >= 5 && (!bestHedge || h.meanWhenRestDown > bestHedge.meanWhenRestDown)) {
      bestHedge = { name: names[i] as string, meanWhenRestDown: h.meanWhenRestDown, roundsRestDown: h.countDown };
    }
  }
  return { rounds: cols[0]?.length ?? 0, top, bottom: bottom && top && bottom.name !== top.name ? bottom : null, bestHedge };
}

/**
 * Everything one subscriber's weekly digest says, as plain data (NaN / null = not defined here;
 * the renderer words it). Pure: no store, no clock — the week is the 7 days before `periodEnd`
 * and only rounds resolved by then count, so a digest sent late says what it would have said on time.
 *
 * - The week: rounds whose resolve time falls in (periodEnd − 7 days, periodEnd]; the portfolio's
 *   per-round score is Σ wᵢxᵢ / Σ wᵢ over the models scored that round. Each figure is compared
 *   with the subscriber's own history: earlier non-overlapping blocks of as many rounds.
 * - Diversification: average pair correlation and effective bets (participation ratio) over the
 *   last `windowRounds` rounds every model shares, as of now, 4 and 12 weeks ago; new
 *   near-duplicate pairs are those at or above the threshold now but not a week ago.
 * - Contribution: leave-one-out marginal Sharpe and the hedge value (mean when the rest lost) over
 *   all shared rounds.
 * - Suggestion: the walk-forward out-of-sample test of `suggestionMethods`; one is suggested only
 *   when its out-of-sample Sharpe beats the current weights by `suggestionMargin` overall and in
 *   both halves of the test period.
 */
export function buildWeeklyDigest(input: DigestInput): WeeklyDigest {
  const o: Settings = { ...DEFAULTS, ...input.options };
  const end = input.periodEnd.getTime();
  const start = end - WEEK_MS;
  const names = input.models.map((m) => m.name);
  const k = names.length;
  const notes: string[] = [];

  const axis = roundAxis(input.models.map((m) => m.series), input.resolveTimes, end, input.axisCache);
  const weights = usableWeights(input.weights, k);
  // Rounds resolve in order, so the week's rounds are the tail of the axis.
  let weekStart = axis.rounds.length;
  while (weekStart > 0 && (axis.resolvedAt[weekStart - 1] as number) > start) weekStart--;
  const newRounds = axis.rounds.slice(weekStart);
  if (newRounds.length === 0) notes.push("No round resolved this week (has the score sync run?).");

  const rows = sharedRows(axis);
  const cache = input.axisCache;
  const now = snapshotAt(axis, rows, end, o, cache);
  const weekAgo = snapshotAt(axis, rows, end - WEEK_MS, o, cache);
  if (k >= 2 && !now) notes.push(`Correlations need at least ${o.minRounds} rounds that all your models share.`);

  // Contribution and the suggestion use every shared round.
  const cols = k >= 2 && rows.length >= o.minRounds ? columnsAt(axis.columns, rows) : null;
  const needed = WALK_FORWARD.minFit + WALK_FORWARD.resolutionLag + o.suggestionMinOosRounds;
  let suggestion: Suggestion | null = null;
  if (cols && rows.length >= needed && weights.every((w) => Number.isFinite(w))) {
    const sharedRounds = rows.map((t) => axis.rounds[t] as number);
    // The same names, weights, shared rounds and options mean the same columns: scores are per model, not per subscriber.
    const memo = input.suggestions;
    const key = memo ? JSON.stringify([names, Array.from(weights), sharedRounds[0], sharedRounds.length, sharedRounds.at(-1), input.options ?? null]) : "";
    const known = memo?.byKey.get(key);
    if (memo && known !== undefined) {
      memo.reused++;
      suggestion = known;
    } else {
      suggestion = suggest(cols, sharedRounds, weights, names, o);
      if (memo) {
        memo.computed++;
        memo.byKey.set(key, suggestion);
        // Bounded: a run over 100k subscribers with distinct sets must not keep every one.
        if (memo.byKey.size > SUGGESTION_MEMO_ENTRIES) memo.byKey.delete(memo.byKey.keys().next().value as string);
      }
    }
  }

  return {
    periodStart: new Date(start),
    periodEnd: new Date(end),
    modelCount: k,
    weightSource: input.weightSource,
    newRounds,
    ...portfolioSeries(axis, weights, weekStart, cache),
    ...bestAndWorst(axis, names, weekStart),
    diversification: {
      now: now?.snap ?? null,
      weeksAgo4: snapshotAt(axis, rows, end - 4 * WEEK_MS, o, cache)?.snap ?? null,
      weeksAgo12: snapshotAt(axis, rows, end - 12 * WEEK_MS, o, cache)?.snap ?? null,
    },
    betsThroughTime: betsThroughTimeOf(axis, rows, now, end, o, cache),
    newNearDuplicates: newNearDuplicatesOf(now, weekAgo, names, o.nearDuplicateRho),
    nearDuplicateRho: o.nearDuplicateRho,
    contribution: cols ? contributionOf(cols, weights, names) : null,
    suggestion,
    notes,
  };
}

/** A suggestion only when it held up out of sample: overall, by the margin, and in both halves. */
function suggest(
  cols: readonly Float64Array[],
  rounds: readonly number[],
  weights: Float64Array,
  names: readonly string[],
  o: Settings,
): Suggestion | null {
  let wf;
  try {
    // The /allocate bounds, loosened only as far as a small portfolio needs (cap × models ≥ 1).
    const cap = Math.max(DEFAULT_CAP, 1 / cols.length);
    wf = walkForward({ rounds, columns: cols, methods: o.suggestionMethods, currentWeights: weights, cap, floor: Math.min(DEFAULT_FLOOR, cap), ...WALK_FORWARD });
  } catch {
    // Degenerate inputs (e.g. a cap the model count cannot meet) mean: nothing to suggest.
    return null;
  }
  const current = wf.portfolios.find((p) => p.name === "current");
  if (!current || current.nRounds < o.suggestionMinOosRounds || !Number.isFinite(current.sharpe)) return null;
  let best = null as (typeof wf.portfolios)[number] | null;
  for (const p of wf.portfolios) {
    if (p.name === "current" || !Number.isFinite(p.sharpe)) continue;
    if (!best || p.sharpe > best.sharpe) best = p;
  }
  if (!best || best.sharpe - current.sharpe < o.suggestionMargin) return null;
  const half = Math.floor(current.nRounds / 2);
  const halves = [
    { method: sharpe(best.returns.subarray(0, half)), current: sharpe(current.returns.subarray(0, half)) },
    { method: sharpe(best.returns.subarray(half)), current: sharpe(current.returns.subarray(half)) },
  ] as const;
  if (!halves.every((h) => h.method > h.current)) return null;
  const last = best.rebalances[best.rebalances.length - 1];
  if (!last) return null;
  let change = 0;
  for (let i = 0; i < weights.length; i++) change += Math.abs((last.weights[i] as number) - (weights[i] as number));
  // Less than 5% of the stake would move: not worth a suggestion.
  if (change / 2 < 0.05) return null;
  return {
    method: best.name as AllocationMethod,
    weights: names.map((name, i) => ({ name, current: weights[i] as number, suggested: last.weights[i] as number })),
    oosRounds: current.nRounds,
    oosSharpe: best.sharpe,
    currentOosSharpe: current.sharpe,
    halves,
    caveat: SUGGESTION_CAVEAT,
  };
}

