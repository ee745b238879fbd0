/**
 * Walk-forward (out-of-sample) check of the allocation methods: refit every `rebalanceEvery`
 * rounds on data that was already resolved at that time, hold the weights until the next
 * rebalance, and score the portfolio on the rounds it was actually held for.
 *
 * No look-ahead: the weights that take effect when round R opens are fitted only on rounds whose
 * scores were final by then — by the rounds' own resolve and open times when they are given
 * (`finalAt`, `openAt`), else by Numerai's calendar: r ≤ R − resolutionLag (round numbers, not
 * row positions). Window length and rebalance spacing count rows of the aligned series.
 *
 * Speed: the fit window only moves forward, so the sums behind the mean, covariance and
 * Ledoit–Wolf estimate are updated row by row (O(k²) per row, four rows per sweep) instead of
 * recomputed per refit; the optimisers are warm-started from the previous rebalance.
 */
import {
  ALLOCATION_METHODS,
  allocate,
  DEFAULT_CAP,
  DEFAULT_FLOOR,
  type AllocationInput,
  type AllocationMethod,
} from "./allocation.js";
import { maxDrawdown } from "./drawdown.js";
import { mean } from "./moments.js";
import { RunningMoments } from "./risk-model.js";
import { sharpe } from "./sharpe.js";
import { cvar } from "./tail.js";
import { checkedWeightTotal } from "./weights.js";
import { weightTurnover } from "./what-if.js";

/**
 * The walk-forward settings /allocate and the digest's suggestion both use: rows fitted before the
 * first out-of-sample rebalance, rows between rebalances (about a month of rounds), and rounds
 * until a score is final by Numerai's calendar, for rounds without a resolve time: five rounds
 * open a week (Tuesday to Saturday) and each resolves 31–33 days after it opens, on the day round
 * r + 23 opens but after it (shared/numerai-api.md, "Round cadence"; src/demo/calendar.ts, checked
 * in the tests), so round r is first usable by round r + 24. `rebalanceEvery` and `resolutionLag`
 * are also {@link walkForward}'s defaults.
 */
export const WALK_FORWARD = { minFit: 60, rebalanceEvery: 20, resolutionLag: 24 } as const;

/** Options of {@link walkForward}. */
export interface WalkForwardOptions {
  /** Round numbers of the aligned rows, strictly ascending. */
  readonly rounds: readonly number[];
  /** Listwise-aligned score columns, one per model: columns[m][t] is model m at rounds[t]. */
  readonly columns: readonly ArrayLike<number>[];
  /** Methods to test (default all). `equal` is always included as the baseline. */
  readonly methods?: readonly AllocationMethod[];
  /** Fit on at most this many most recent resolved rows (default: all resolved rows). */
  readonly fitWindow?: number;
  /** Rows between rebalances (default 20). */
  readonly rebalanceEvery?: number;
  /** Rounds until a round's score is final by the calendar (default 24): fit only on rounds ≤ R − lag. At least 1. */
  readonly resolutionLag?: number;
  /**
   * Per row, when its score became final (its resolve time, ms since the epoch; NaN when not
   * known). Where both this and the deciding row's `openAt` are known they decide, not the lag.
   */
  readonly finalAt?: ArrayLike<number>;
  /** Per row, when the round opened (ms; NaN when not known): the weights held for it are fixed then. */
  readonly openAt?: ArrayLike<number>;
  /** Resolved rows needed before the first rebalance (a service-level choice; at least 2). */
  readonly minFit: number;
  readonly cap?: number;
  readonly floor?: number;
  /** The user's current weights, evaluated held fixed over the same out-of-sample rounds. */
  readonly currentWeights?: ArrayLike<number>;
}

/** One refit of one portfolio. */
export interface WalkForwardRebalance {
  /** First round the weights are held for. */
  readonly round: number;
  /** Rows fitted on, and the last round among them (≤ round − resolutionLag). */
  readonly fitRows: number;
  readonly lastFitRound: number;
  readonly weights: Float64Array;
  /** The method was undefined on this window (e.g. no positive mean); previous weights kept (equal at first). */
  readonly heldPrevious: boolean;
}

/** Out-of-sample record of one portfolio. */
export interface WalkForwardPortfolio {
  readonly name: AllocationMethod | "current";
  /** Portfolio score Σᵢ wᵢ·xᵢₜ for each out-of-sample round (weights fixed between rebalances, no drift). */
  readonly returns: Float64Array;
  readonly nRounds: number;
  readonly mean: number;
  /** Per-round Sharpe: mean / sample standard deviation (not annualised; rounds overlap). */
  readonly sharpe: number;
  /** Largest fall of the cumulative sum from its running peak (from 0), positive; NaN if it never falls. */
  readonly maxDrawdown: number;
  /** Mean of the worst ceil(0.05·n) returns. */
  readonly cvar5: number;
  /** Mean over rebalances after the first of ½Σ|w_new − w_old|; NaN with fewer than two rebalances. */
  readonly turnover: number;
  readonly rebalances: readonly WalkForwardRebalance[];
}

/** Result of {@link walkForward}: the out-of-sample rounds and one record per portfolio. */
export interface WalkForwardResult {
  readonly oosRounds: readonly number[];
  readonly portfolios: readonly WalkForwardPortfolio[];
}

function positiveInteger(v: number, name: string, min: number): number {
  if (!Number.isInteger(v) || v < min) throw new Error(`walkForward requires ${name} to be a whole number of at least ${min}`);
  return v;
}

function summarise(
  name: AllocationMethod | "current",
  returns: Float64Array,
  rebalances: readonly WalkForwardRebalance[],
): WalkForwardPortfolio {
  let turnover = NaN;
  if (rebalances.length >= 2) {
    let total = 0;
    for (let r = 1; r < rebalances.length; r++) {
      total += weightTurnover((rebalances[r - 1] as WalkForwardRebalance).weights, (rebalances[r] as WalkForwardRebalance).weights);
    }
    turnover = total / (rebalances.length - 1);
  }
  return {
    name,
    returns,
    nRounds: returns.length,
    mean: mean(returns),
    sharpe: sharpe(returns),
    maxDrawdown: maxDrawdown(returns),
    cvar5: returns.length === 0 ? NaN : cvar(returns, 0.05),
    turnover,
    rebalances,
  };
}

/**
 * Walk-forward out-of-sample evaluation of each allocation method (plus equal weights and, when
 * given, the user's current weights held fixed).
 *
 * Schedule: the first rebalance is the first row t whose leading rows final when it opens (see
 * the file comment) number at least `minFit`; then every `rebalanceEvery` rows. At each rebalance every method is
 * fitted with `allocate` (sample μ and Σ; Ledoit–Wolf Σ̂ for maximumSharpe; the same cap and
 * floor) on the last `fitWindow` resolved rows, and held until the next one. Out-of-sample rounds
 * are the rows from the first rebalance on; all portfolios share them. A method undefined on a
 * window keeps its previous weights (equal weights at the first rebalance), flagged `heldPrevious`.
 * With no out-of-sample rows every portfolio is empty and its figures NaN.
 * @throws "walkForward requires at least one column"
 * @throws "walkForward requires rounds and columns of equal length" / "strictly ascending rounds" / "finite values"
 * @throws "walkForward requires one finalAt and openAt per row"
 * @throws "walkForward requires minFit to be a whole number of at least 2" (likewise rebalanceEvery ≥ 1,
 *   resolutionLag ≥ 1, fitWindow ≥ minFit)
 * @throws "walkForward requires one current weight per model" (also "finite, non-negative current weights", "a positive current weight")
 * @throws "cap × models must be at least 1"
 * @example walkForward({ rounds: [1, 2, 3, 4], columns: [[1, 2, 3, 4], [2, 1, 4, 3]], minFit: 2, resolutionLag: 1, rebalanceEvery: 1, methods: [], cap: 1 }).portfolios[0].returns // => Float64Array [3.5, 3.5]
 */
export function walkForward(options: WalkForwardOptions): WalkForwardResult {
  const { rounds, columns } = options;
  const k = columns.length;
  const n = rounds.length;
  if (k === 0) throw new Error("walkForward requires at least one column");
  const rows = packRows(columns, k, n);
  for (let t = 1; t < n; t++) {
    if (!((rounds[t] as number) > (rounds[t - 1] as number))) throw new Error("walkForward requires strictly ascending rounds");
  }
  const minFit = positiveInteger(options.minFit, "minFit", 2);
  const every = positiveInteger(options.rebalanceEvery ?? WALK_FORWARD.rebalanceEvery, "rebalanceEvery", 1);
  const lag = positiveInteger(options.resolutionLag ?? WALK_FORWARD.resolutionLag, "resolutionLag", 1);
  const window = options.fitWindow === undefined ? Infinity : positiveInteger(options.fitWindow, "fitWindow", minFit);
  const cap = options.cap ?? DEFAULT_CAP;
  const floor = options.floor ?? DEFAULT_FLOOR;
  const bounds = { cap, floor };
  let current: Float64Array | undefined;
  if (options.currentWeights !== undefined) {
    const cw = options.currentWeights;
    if (cw.length !== k) throw new Error("walkForward requires one current weight per model");
    const total = checkedWeightTotal(cw, "walkForward", "current weight");
    current = new Float64Array(k);
    for (let i = 0; i < k; i++) current[i] = (cw[i] as number) / total;
  }
  const wanted = new Set<AllocationMethod>(["equal", ...(options.methods ?? ALLOCATION_METHODS)]);
  const methods = ALLOCATION_METHODS.filter((m) => wanted.has(m));
  // Validates cap and floor up front (throws "cap × models must be at least 1").
  allocate("equal", { mu: new Float64Array(k), cov: new Float64Array(k * k), k }, bounds);

  const finalAt = options.finalAt;
  const openAt = options.openAt;
  if ((finalAt !== undefined && finalAt.length !== n) || (openAt !== undefined && openAt.length !== n)) {
    throw new Error("walkForward requires one finalAt and openAt per row");
  }
  // Row r is final when row t opens: by the times when both are known, else by the calendar lag.
  const finalBy = (r: number, t: number): boolean => {
    const done = finalAt?.[r] ?? NaN;
    const open = openAt?.[t] ?? NaN;
    if (Number.isFinite(done) && Number.isFinite(open)) return done <= open;
    return (rounds[r] as number) <= (rounds[t] as number) - lag;
  };
  // resolvedEnd[t]: the leading rows final when row t opens. Kept monotone in t: what was final
  // at an earlier round's opening is still final later, whichever rule said so.
  const resolvedEnd = new Int32Array(n);
  for (let t = 0, end = 0; t < n; t++) {
    while (end < t && finalBy(end, t)) end++;
    resolvedEnd[t] = end;
  }
  let first = 0;
  while (first < n && Math.min(resolvedEnd[first] as number, window) < minFit) first++;

  const oosRounds = rounds.slice(first);
  const held: (Float64Array | undefined)[] = [];
  const returns: Float64Array[] = [];
  const rebalances: WalkForwardRebalance[][] = [];
  for (let m = 0; m < methods.length; m++) {
    held.push(undefined);
    returns.push(new Float64Array(n - first));
    rebalances.push([]);
  }
  const currentReturns = new Float64Array(n - first);
  const currentRebalances: WalkForwardRebalance[] = [];
  // Numerical shift for the running sums: the mean of the first minFit rows, which are resolved
  // by the first rebalance — so not even rounding depends on scores not yet known.
  const head = new Float64Array(Math.min(minFit, n));
  const shift = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    for (let t = 0; t < head.length; t++) head[t] = rows[t * k + i] as number;
    shift[i] = mean(head);
  }
  const moments = new RunningMoments(rows, shift, k);
  // Only maximumSharpe fits on the Ledoit–Wolf covariance.
  const shrunk = methods.includes("maximumSharpe");
  let lo = 0;
  let hi = 0;
  for (let t = first; t < n; t += every) {
    const end = resolvedEnd[t] as number;
    const start = Math.max(0, end - window);
    if (hi < end) moments.update(hi, end, 1);
    if (lo < start) moments.update(lo, start, -1);
    hi = Math.max(hi, end);
    lo = Math.max(lo, start);
    const fit = moments.snapshot(shrunk);
    const input: AllocationInput = fit.shrunkCov ? { mu: fit.mu, cov: fit.cov, k, shrunkCov: fit.shrunkCov } : { mu: fit.mu, cov: fit.cov, k };
    const round = rounds[t] as number;
    const lastFitRound = rounds[end - 1] as number;
    const until = Math.min(n, t + every);
    for (let m = 0; m < methods.length; m++) {
      const previous = held[m];
      const method = methods[m] as AllocationMethod;
      // Equal weights do not depend on the fit: refitted, they are the same array of numbers (held as the current weights are).
      let w =
        previous === undefined ? allocate(method, input, bounds) : method === "equal" ? previous : allocate(method, input, { cap, floor, start: previous });
      const undefinedFit = Number.isNaN(w[0]);
      if (undefinedFit) w = previous ?? allocate("equal", input, bounds);
      held[m] = w;
      (rebalances[m] as WalkForwardRebalance[]).push({ round, fitRows: end - start, lastFitRound, weights: w, heldPrevious: undefinedFit });
      heldReturns(rows, k, w, t, until, returns[m] as Float64Array, first);
    }
    if (current !== undefined) {
      currentRebalances.push({ round, fitRows: end - start, lastFitRound, weights: current, heldPrevious: false });
      heldReturns(rows, k, current, t, until, currentReturns, first);
    }
  }
  const portfolios: WalkForwardPortfolio[] = [];
  for (let m = 0; m < methods.length; m++) {
    portfolios.push(summarise(methods[m] as AllocationMethod, returns[m] as Float64Array, rebalances[m] as WalkForwardRebalance[]));
  }
  if (current !== undefined) portfolios.push(summarise("current", currentReturns, currentRebalances));
  return { oosRounds, portfolios };
}

/** Round-major copy of the columns (x[t·k + i]): every later pass reads one round of all models. */
function packRows(columns: readonly ArrayLike<number>[], k: number, n: number): Float64Array {
  const rows = new Float64Array(n * k);
  for (let i = 0; i < k; i++) {
    const c = columns[i] as ArrayLike<number>;
    if (c.length !== n) throw new Error("walkForward requires rounds and columns of equal length");
    for (let t = 0; t < n; t++) {
      const v = c[t] as number;
      if (!Number.isFinite(v)) throw new Error("walkForward requires finite values");
      rows[t * k + i] = v;
    }
  }
  return rows;
}

/** out[t − offset] = Σᵢ wᵢ·x[t·k + i] for the rows t ∈ [from, to) the weights are held for. */
function heldReturns(rows: Float64Array, k: number, w: Float64Array, from: number, to: number, out: Float64Array, offset: number): void {
  for (let t = from; t < to; t++) {
    const o = t * k;
    let r = 0;
    for (let i = 0; i < k; i++) r += (w[i] as number) * (rows[o + i] as number);
    out[t - offset] = r;
  }
}
