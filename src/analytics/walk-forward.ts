/**
 * Walk-forward (out-of-sample) check of the allocation methods: refit every `rebalanceEvery`
 * rounds on data that was already resolved at that time, hold the weights until the next
 * rebalance, and score the portfolio on the rounds it was actually held for.
 *
 * No look-ahead: a round's score is final only ~20 scoring days after it opens, so the weights
 * that take effect at round R are fitted on rounds r ≤ R − resolutionLag (round numbers, not row
 * positions). Window length and rebalance spacing count rows of the aligned series.
 *
 * Speed: the fit window only moves forward, so the sums behind the mean, covariance and
 * Ledoit–Wolf estimate are updated row by row (O(k²) per row) instead of recomputed per refit;
 * the optimisers are warm-started from the previous rebalance.
 */
import {
  ALLOCATION_METHODS,
  allocate,
  DEFAULT_CAP,
  DEFAULT_FLOOR,
  type AllocationMethod,
} from "./allocation.js";
import { maxDrawdown } from "./drawdown.js";
import { ledoitWolfFromMoments } from "./ledoit-wolf.js";
import { mean } from "./moments.js";
import { sharpe } from "./sharpe.js";
import { cvar } from "./tail.js";

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
  /** Rounds until a round's score is final (default 20): fit only on rounds ≤ R − lag. At least 1. */
  readonly resolutionLag?: number;
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

/**
 * Running sums over a window of rows of shifted data yₜ = xₜ − c, enough for the mean, the
 * covariance and the Ledoit–Wolf shrinkage: Σy, Σyyᵀ, Σ‖y‖², Σ‖y‖⁴ and Σ‖y‖²·y. The shift c only
 * improves rounding; every statistic is shift-invariant.
 */
class RunningMoments {
  private n = 0;
  private readonly s1: Float64Array;
  private readonly s11: Float64Array;
  private readonly p: Float64Array;
  private a = 0;
  private a2 = 0;
  private readonly row: Float64Array;

  constructor(
    private readonly columns: readonly ArrayLike<number>[],
    private readonly shift: Float64Array,
    private readonly k: number,
  ) {
    this.s1 = new Float64Array(k);
    this.s11 = new Float64Array(k * k);
    this.p = new Float64Array(k);
    this.row = new Float64Array(k);
  }

  update(t: number, sign: 1 | -1): void {
    const { k, row } = this;
    let a = 0;
    for (let i = 0; i < k; i++) {
      const y = ((this.columns[i] as ArrayLike<number>)[t] as number) - (this.shift[i] as number);
      row[i] = y;
      a += y * y;
    }
    this.n += sign;
    this.a += sign * a;
    this.a2 += sign * a * a;
    for (let i = 0; i < k; i++) {
      const yi = sign * (row[i] as number);
      this.s1[i] = (this.s1[i] as number) + yi;
      this.p[i] = (this.p[i] as number) + a * yi;
      for (let j = i; j < k; j++) this.s11[i * k + j] = (this.s11[i * k + j] as number) + yi * (row[j] as number);
    }
  }

  /** Mean (of x), sample covariance (ddof 1) and Ledoit–Wolf covariance of the current window. */
  snapshot(): { mu: Float64Array; cov: Float64Array; shrunkCov: Float64Array } {
    const { k, n } = this;
    const m = Float64Array.from(this.s1, (v) => v / n);
    const emp = new Float64Array(k * k);
    const cov = new Float64Array(k * k);
    for (let i = 0; i < k; i++) {
      for (let j = i; j < k; j++) {
        const e = (this.s11[i * k + j] as number) / n - (m[i] as number) * (m[j] as number);
        emp[i * k + j] = e;
        emp[j * k + i] = e;
        cov[i * k + j] = (e * n) / (n - 1);
        cov[j * k + i] = (e * n) / (n - 1);
      }
    }
    // Σₜ(‖yₜ − m‖²)² = Σ‖y‖⁴ − 4·m·Σ‖y‖²y + 4·mᵀ(Σyyᵀ)m + 2‖m‖²·Σ‖y‖² − 3n‖m‖⁴
    let pm = 0;
    let mm = 0;
    let mSm = 0;
    for (let i = 0; i < k; i++) {
      const mi = m[i] as number;
      pm += (this.p[i] as number) * mi;
      mm += mi * mi;
      let row = 0;
      for (let j = 0; j < k; j++) {
        const s = i <= j ? (this.s11[i * k + j] as number) : (this.s11[j * k + i] as number);
        row += s * (m[j] as number);
      }
      mSm += mi * row;
    }
    const beta = this.a2 - 4 * pm + 4 * mSm + 2 * mm * this.a - 3 * n * mm * mm;
    const shrunkCov = ledoitWolfFromMoments(emp, k, n, beta).cov;
    const mu = Float64Array.from(m, (v, i) => v + (this.shift[i] as number));
    return { mu, cov, shrunkCov };
  }
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
      const a = (rebalances[r - 1] as WalkForwardRebalance).weights;
      const b = (rebalances[r] as WalkForwardRebalance).weights;
      let half = 0;
      for (let i = 0; i < a.length; i++) half += Math.abs((b[i] as number) - (a[i] as number));
      total += half / 2;
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
 * Schedule: the first rebalance is the first row t whose resolved rows (rounds ≤ rounds[t] − lag)
 * number at least `minFit`; then every `rebalanceEvery` rows. At each rebalance every method is
 * fitted with `allocate` (sample μ and Σ; Ledoit–Wolf Σ̂ for maximumSharpe; the same cap and
 * floor) on the last `fitWindow` resolved rows, and held until the next one. Out-of-sample rounds
 * are the rows from the first rebalance on; all portfolios share them. A method undefined on a
 * window keeps its previous weights (equal weights at the first rebalance), flagged `heldPrevious`.
 * With no out-of-sample rows every portfolio is empty and its figures NaN.
 * @throws "walkForward requires at least one column"
 * @throws "walkForward requires rounds and columns of equal length" / "strictly ascending rounds" / "finite values"
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
  for (const c of columns) {
    if (c.length !== n) throw new Error("walkForward requires rounds and columns of equal length");
    for (let t = 0; t < n; t++) if (!Number.isFinite(c[t])) throw new Error("walkForward requires finite values");
  }
  for (let t = 1; t < n; t++) {
    if (!((rounds[t] as number) > (rounds[t - 1] as number))) throw new Error("walkForward requires strictly ascending rounds");
  }
  const minFit = positiveInteger(options.minFit, "minFit", 2);
  const every = positiveInteger(options.rebalanceEvery ?? 20, "rebalanceEvery", 1);
  const lag = positiveInteger(options.resolutionLag ?? 20, "resolutionLag", 1);
  const window = options.fitWindow === undefined ? Infinity : positiveInteger(options.fitWindow, "fitWindow", minFit);
  const bounds = { cap: options.cap ?? DEFAULT_CAP, floor: options.floor ?? DEFAULT_FLOOR };
  let current: Float64Array | undefined;
  if (options.currentWeights !== undefined) {
    const cw = options.currentWeights;
    if (cw.length !== k) throw new Error("walkForward requires one current weight per model");
    let total = 0;
    for (let i = 0; i < k; i++) {
      const v = cw[i] as number;
      if (!(Number.isFinite(v) && v >= 0)) throw new Error("walkForward requires finite, non-negative current weights");
      total += v;
    }
    if (!(total > 0)) throw new Error("walkForward requires a positive current weight");
    current = Float64Array.from({ length: k }, (_, i) => (cw[i] as number) / total);
  }
  const wanted = new Set<AllocationMethod>(["equal", ...(options.methods ?? ALLOCATION_METHODS)]);
  const methods = ALLOCATION_METHODS.filter((m) => wanted.has(m));
  // Validates cap and floor up front (throws "cap × models must be at least 1").
  allocate("equal", { mu: new Float64Array(k), cov: new Float64Array(k * k), k }, bounds);

  // resolvedEnd[t]: number of leading rows with round ≤ rounds[t] − lag (monotone in t).
  const resolvedEnd = new Int32Array(n);
  for (let t = 0, end = 0; t < n; t++) {
    while (end < n && (rounds[end] as number) <= (rounds[t] as number) - lag) end++;
    resolvedEnd[t] = end;
  }
  let first = 0;
  while (first < n && Math.min(resolvedEnd[first] as number, window) < minFit) first++;

  const oosRounds = rounds.slice(first);
  const held = methods.map(() => undefined as Float64Array | undefined);
  const returns = methods.map(() => new Float64Array(n - first));
  const rebalances = methods.map(() => [] as WalkForwardRebalance[]);
  const currentRebalances: WalkForwardRebalance[] = [];
  // Numerical shift for the running sums: the mean of the first minFit rows, which are resolved
  // by the first rebalance — so not even rounding depends on scores not yet known.
  const shift = Float64Array.from(columns, (c) => mean(Array.prototype.slice.call(c, 0, Math.min(minFit, n)) as number[]));
  const moments = new RunningMoments(columns, shift, k);
  let lo = 0;
  let hi = 0;
  for (let t = first; t < n; t++) {
    if ((t - first) % every === 0) {
      const end = resolvedEnd[t] as number;
      const start = Math.max(0, end - window);
      for (; hi < end; hi++) moments.update(hi, 1);
      for (; lo < start; lo++) moments.update(lo, -1);
      const fit = moments.snapshot();
      const input = { mu: fit.mu, cov: fit.cov, shrunkCov: fit.shrunkCov, k };
      const info = { round: rounds[t] as number, fitRows: end - start, lastFitRound: rounds[end - 1] as number };
      methods.forEach((method, m) => {
        const previous = held[m];
        let w = allocate(method, input, { ...bounds, ...(previous === undefined ? {} : { start: previous }) });
        const undefinedFit = Number.isNaN(w[0]);
        if (undefinedFit) w = previous ?? allocate("equal", input, bounds);
        held[m] = w;
        (rebalances[m] as WalkForwardRebalance[]).push({ ...info, weights: w, heldPrevious: undefinedFit });
      });
      if (current !== undefined) currentRebalances.push({ ...info, weights: current, heldPrevious: false });
    }
    for (let m = 0; m < methods.length; m++) {
      const w = held[m] as Float64Array;
      let r = 0;
      for (let i = 0; i < k; i++) r += (w[i] as number) * ((columns[i] as ArrayLike<number>)[t] as number);
      (returns[m] as Float64Array)[t - first] = r;
    }
  }
  const portfolios = methods.map((method, m) =>
    summarise(method, returns[m] as Float64Array, rebalances[m] as WalkForwardRebalance[]),
  );
  if (current !== undefined) {
    const r = new Float64Array(n - first);
    for (let t = first; t < n; t++) {
      let s = 0;
      for (let i = 0; i < k; i++) s += (current[i] as number) * ((columns[i] as ArrayLike<number>)[t] as number);
      r[t - first] = s;
    }
    portfolios.push(summarise("current", r, currentRebalances));
  }
  return { oosRounds, portfolios };
}
