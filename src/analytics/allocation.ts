/**
 * Long-only allocation of stake across models: weights sum to 1, each at most `cap`, and any
 * weight below `floor` dropped to 0. Five methods, all from the sample mean μ and covariance Σ of
 * listwise-aligned per-round scores:
 *
 * - `equal`           wᵢ = 1/k
 * - `inverseVariance` wᵢ ∝ 1/Σᵢᵢ
 * - `minimumVariance` argmin wᵀΣw on the capped simplex (exact QP, see qp.ts)
 * - `hrp`             hierarchical risk parity as PyPortfolioOpt (see hrp.ts)
 * - `maximumSharpe`   argmax wᵀμ/√(wᵀΣ̂w) on the capped simplex, Σ̂ the Ledoit–Wolf shrunk covariance
 *
 * Bounds policy (one procedure for every method, {@link applyBounds}): the method's weights are
 * normalised, capped by proportional water-filling, and the smallest weight below the floor is
 * dropped and the rest re-normalised and re-capped, one at a time. The optimisers already respect
 * the cap, so for them only the floor step can change anything.
 *
 * The cap must be feasible: k·cap ≥ 1, otherwise every function here throws
 * "cap × models must be at least 1" (we do not silently raise the cap to 1/k).
 */
import { argsort } from "./dense.js";
import { hrpWeights } from "./hrp.js";
import { faceDirection, solveValidatedQp } from "./qp.js";

/** The allocation methods, in the order reports list them. */
export const ALLOCATION_METHODS = ["equal", "inverseVariance", "minimumVariance", "hrp", "maximumSharpe"] as const;
export type AllocationMethod = (typeof ALLOCATION_METHODS)[number];

/** Default per-model cap. */
export const DEFAULT_CAP = 0.35;
/** Default floor: a weight below it becomes 0. */
export const DEFAULT_FLOOR = 0.01;

/** Per-model bounds. cap ∈ (0, 1] (default 0.35); floor ∈ [0, cap] (default 0.01). */
export interface AllocationBounds {
  readonly cap?: number;
  readonly floor?: number;
}

/** What the methods are fitted on: means, sample covariance and (for maximumSharpe) a shrunk covariance. */
export interface AllocationInput {
  readonly mu: ArrayLike<number>;
  readonly cov: ArrayLike<number>;
  readonly k: number;
  /** Used by `maximumSharpe` instead of `cov` when present (see {@link allocationInput}). */
  readonly shrunkCov?: ArrayLike<number>;
}

const CAP_ERROR = "cap × models must be at least 1";
// k·cap is compared with 1 allowing for rounding, e.g. 3 × (1/3).
const FEASIBILITY_SLACK = 1e-12;

function resolveCap(cap: number | undefined, k: number, name: string): number {
  const c = cap ?? DEFAULT_CAP;
  if (!(c > 0 && c <= 1)) throw new Error(`${name} requires a cap in (0, 1]`);
  if (k * c < 1 - FEASIBILITY_SLACK) throw new Error(CAP_ERROR);
  return c;
}

function resolveBounds(bounds: AllocationBounds | undefined, k: number, name: string): { cap: number; floor: number } {
  const cap = resolveCap(bounds?.cap, k, name);
  const floor = bounds?.floor ?? DEFAULT_FLOOR;
  if (!(floor >= 0 && floor <= cap)) throw new Error(`${name} requires a floor in [0, cap]`);
  return { cap, floor };
}

function assertCov(cov: ArrayLike<number>, k: number, name: string): void {
  if (!Number.isInteger(k) || k < 1 || cov.length !== k * k) throw new Error(`${name} requires a k×k covariance matrix`);
}

function allFinite(values: ArrayLike<number>): boolean {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) return false;
  return true;
}

const nanWeights = (k: number): Float64Array => new Float64Array(k).fill(NaN);

/**
 * Equal weights 1/k.
 * @throws "equalWeights requires at least one model"
 * @example equalWeights(4) // => Float64Array [0.25, 0.25, 0.25, 0.25]
 */
export function equalWeights(k: number): Float64Array {
  if (!Number.isInteger(k) || k < 1) throw new Error("equalWeights requires at least one model");
  return new Float64Array(k).fill(1 / k);
}

/**
 * Inverse-variance weights wᵢ = (1/Σᵢᵢ) / Σⱼ(1/Σⱼⱼ). Covariances are ignored.
 * All NaN when a variance is 0 or not finite (the limit would put everything on that model).
 * @throws "inverseVariance requires a k×k covariance matrix"
 * @example inverseVariance([1, 0, 0, 4], 2) // => Float64Array [0.8, 0.2]
 */
export function inverseVariance(cov: ArrayLike<number>, k: number): Float64Array {
  assertCov(cov, k, "inverseVariance");
  const w = new Float64Array(k);
  let total = 0;
  for (let i = 0; i < k; i++) {
    const v = cov[i * k + i] as number;
    if (!(v > 0 && Number.isFinite(v))) return nanWeights(k);
    w[i] = 1 / v;
    total += 1 / v;
  }
  for (let i = 0; i < k; i++) w[i] = (w[i] as number) / total;
  return w;
}

/**
 * Models with bit-identical covariance rows (and equal means, when given) are interchangeable:
 * the optimisers merge each such group into one variable and split its weight equally, which
 * makes duplicates exact instead of an arbitrary split of a singular problem.
 */
function interchangeableGroups(cov: ArrayLike<number>, k: number, mu?: ArrayLike<number>): number[][] {
  const groups: number[][] = [];
  const assigned = new Int32Array(k).fill(-1);
  for (let i = 0; i < k; i++) {
    if ((assigned[i] as number) >= 0) continue;
    const group = [i];
    assigned[i] = groups.length;
    for (let j = i + 1; j < k; j++) {
      if ((assigned[j] as number) >= 0 || (mu !== undefined && mu[i] !== mu[j])) continue;
      let same = true;
      for (let c = 0; c < k && same; c++) same = cov[i * k + c] === cov[j * k + c];
      if (same) {
        group.push(j);
        assigned[j] = groups.length;
      }
    }
    groups.push(group);
  }
  return groups;
}

/** The problem on one variable per group: H_GG' = Σ of representatives, upper bound |G|·cap. */
function mergeGroups(
  cov: ArrayLike<number>,
  k: number,
  groups: readonly number[][],
  cap: number,
  mu?: ArrayLike<number>,
  start?: ArrayLike<number>,
): { h: ArrayLike<number>; mu: ArrayLike<number>; upper: Float64Array; start: ArrayLike<number> | undefined } {
  const g = groups.length;
  const upper = new Float64Array(g);
  for (let a = 0; a < g; a++) upper[a] = Math.min(1, (groups[a] as number[]).length * cap);
  // Zero means (minimumVariance has none) as a plain array: nothing writes them, and a k-sized typed array costs ~0.5 µs.
  if (g === k) return { h: cov, mu: mu ?? new Array<number>(k).fill(0), upper, start };
  const rep = groups.map((grp) => grp[0] as number);
  const h = new Float64Array(g * g);
  for (let a = 0; a < g; a++) {
    for (let b = 0; b < g; b++) h[a * g + b] = cov[(rep[a] as number) * k + (rep[b] as number)] as number;
  }
  const merged = new Float64Array(g);
  const mergedStart = start === undefined ? undefined : new Float64Array(g);
  for (let a = 0; a < g; a++) {
    merged[a] = mu === undefined ? 0 : (mu[rep[a] as number] as number);
    if (mergedStart !== undefined && start !== undefined) {
      for (const i of groups[a] as number[]) mergedStart[a] = (mergedStart[a] as number) + (start[i] as number);
    }
  }
  return { h, mu: merged, upper, start: mergedStart };
}

function splitGroups(z: ArrayLike<number>, groups: readonly number[][], k: number): Float64Array {
  const w = new Float64Array(k);
  groups.forEach((grp, a) => {
    for (const i of grp) w[i] = (z[a] as number) / grp.length;
  });
  return w;
}

/** Options of the optimisers: the cap, and a warm start (e.g. the previous rebalance's weights). */
export interface OptimiserOptions {
  readonly cap?: number;
  readonly start?: ArrayLike<number>;
}

/**
 * Minimum-variance portfolio: argmin wᵀΣw subject to Σw = 1, 0 ≤ wᵢ ≤ cap. Solved exactly by a
 * primal active-set QP (see `solveCappedSimplexQp`); interchangeable (duplicate) models share
 * their weight equally. Σ only needs to be positive semi-definite.
 * All NaN when Σ has a non-finite entry.
 * @throws "minimumVariance requires a k×k covariance matrix"
 * @throws "minimumVariance requires a cap in (0, 1]"
 * @throws "cap × models must be at least 1"
 * @throws "solveCappedSimplexQp requires a positive semi-definite matrix" (Σ indefinite, e.g. built pairwise)
 * @example minimumVariance([1, 0, 0, 3], 2, { cap: 1 }) // => Float64Array [0.75, 0.25]
 */
export function minimumVariance(cov: ArrayLike<number>, k: number, options?: OptimiserOptions): Float64Array {
  assertCov(cov, k, "minimumVariance");
  const cap = resolveCap(options?.cap, k, "minimumVariance");
  if (!allFinite(cov)) return nanWeights(k);
  const groups = interchangeableGroups(cov, k);
  const merged = mergeGroups(cov, k, groups, cap, undefined, options?.start);
  const z = solveValidatedQp(merged.h, merged.mu, groups.length, merged.upper, merged.start).x;
  return splitGroups(z, groups, k);
}

/** Largest wᵀμ on the capped simplex: fill the highest means up to their caps. */
function maximumReturn(mu: ArrayLike<number>, upper: ArrayLike<number>): number {
  // Descending by mean, ties in index order: a stable ascending sort of −μ.
  const negated = new Float64Array(mu.length);
  const idx = new Int32Array(mu.length);
  for (let i = 0; i < mu.length; i++) {
    negated[i] = -(mu[i] as number);
    idx[i] = i;
  }
  let left = 1;
  let r = 0;
  for (const i of argsort(negated, idx)) {
    const take = Math.min(left, upper[i] as number);
    r += take * (mu[i] as number);
    left -= take;
    if (left <= 0) break;
  }
  return r;
}

/** xᵀHx, skipping the terms of zero weights (they add exactly 0; long-only optima are sparse). */
function quadratic(h: ArrayLike<number>, g: number, x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < g; i++) {
    const xi = x[i] as number;
    if (xi === 0) continue;
    let row = 0;
    for (let j = 0; j < g; j++) {
      const xj = x[j] as number;
      if (xj !== 0) row += (h[i * g + j] as number) * xj;
    }
    s += xi * row;
  }
  return s;
}

function dotProduct(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] as number) * (b[i] as number);
  return s;
}

/** A point of the capped frontier: w(λ) = argmin ½wᵀΣw − λ·wᵀμ, its variance, return and h(λ). */
interface FrontierPoint {
  readonly lambda: number;
  readonly x: Float64Array;
  readonly free: Uint8Array;
  readonly variance: number;
  readonly ret: number;
  readonly h: number;
}

/** w(λ) by the QP warm-started at `start`; `linear` is scratch for the linear term −λμ. */
function frontierPoint(
  h: ArrayLike<number>,
  mu: ArrayLike<number>,
  upper: Float64Array,
  g: number,
  linear: Float64Array,
  lambda: number,
  start: ArrayLike<number> | undefined,
): FrontierPoint {
  for (let i = 0; i < g; i++) linear[i] = -lambda * (mu[i] as number);
  const sol = solveValidatedQp(h, linear, g, upper, start);
  const variance = quadratic(h, g, sol.x);
  const ret = dotProduct(mu, sol.x);
  return { lambda, x: sol.x, free: sol.free, variance, ret, h: variance - lambda * ret };
}

/**
 * Maximum-Sharpe (tangency) portfolio with a cap: argmax wᵀμ/√(wᵀΣw) subject to Σw = 1,
 * 0 ≤ wᵢ ≤ cap. Use a well-conditioned Σ (allocate() passes the Ledoit–Wolf estimate).
 *
 * Method: the optimum lies on the capped efficient frontier w(λ) = argmin ½wᵀΣw − λ·wᵀμ (a QP on
 * the capped simplex) at the λ* where h(λ) = w(λ)ᵀΣw(λ) − λ·w(λ)ᵀμ = 0 — there the QP's KKT
 * conditions coincide with those of the Sharpe ratio, which is pseudo-concave where wᵀμ > 0, so
 * the point is the global maximum. h > 0 left of λ* and < 0 right of it, and on each face of the
 * frontier h is linear in λ, so λ* is found by Newton steps on the current face safeguarded by
 * bisection; the last step lands exactly on λ* (|h| ≤ 1e-13·wᵀΣw). A warm start's tangency
 * λ = wᵀΣw / wᵀμ is the first guess, so a refit on similar data takes one or two QP solves. (The textbook y = w/μᵀw transform is not used:
 * its cap becomes yᵢ ≤ cap·Σy, which needs a general-constraint QP.)
 *
 * All NaN when undefined: no feasible portfolio has a positive expected return (e.g. no mean is
 * positive), or an input is not finite.
 * @throws "maximumSharpe requires a k×k covariance matrix" (also "k means")
 * @throws "maximumSharpe requires a cap in (0, 1]"
 * @throws "cap × models must be at least 1"
 * @throws "solveCappedSimplexQp requires a positive semi-definite matrix" (Σ indefinite)
 * @example maximumSharpe([0.01, 0.02], [0.0004, 0, 0, 0.0009], 2, { cap: 1 }) // => Float64Array [0.5294117647…, 0.4705882352…] (Σ⁻¹μ normalised: 9/17, 8/17)
 */
export function maximumSharpe(
  mu: ArrayLike<number>,
  cov: ArrayLike<number>,
  k: number,
  options?: OptimiserOptions,
): Float64Array {
  assertCov(cov, k, "maximumSharpe");
  if (mu.length !== k) throw new Error("maximumSharpe requires k means");
  const cap = resolveCap(options?.cap, k, "maximumSharpe");
  if (!allFinite(cov) || !allFinite(mu)) return nanWeights(k);
  const groups = interchangeableGroups(cov, k, mu);
  const p = mergeGroups(cov, k, groups, cap, mu, options?.start);
  const g = groups.length;
  if (!(maximumReturn(p.mu, p.upper) > 0)) return nanWeights(k);

  const linear = new Float64Array(g);

  let maxDiag = 0;
  let maxMu = 0;
  for (let i = 0; i < g; i++) {
    maxDiag = Math.max(maxDiag, p.h[i * g + i] as number);
    maxMu = Math.max(maxMu, p.mu[i] as number);
  }
  // First guess: the tangency condition λ = wᵀΣw / wᵀμ at the warm start (e.g. last rebalance's
  // weights), else the scale of Σ over μ. h(0) = min variance ≥ 0, so λ = 0 brackets from below.
  let guess = maxDiag > 0 ? maxDiag / maxMu : 1;
  if (p.start !== undefined) {
    const r = dotProduct(p.mu, p.start);
    const v = quadratic(p.h, g, p.start);
    if (r > 0 && v > 0) guess = v / r;
  }
  let lo = 0;
  let hi = Infinity;
  let current = frontierPoint(p.h, p.mu, p.upper, g, linear, guess, p.start);
  for (let iteration = 0; iteration < 300; iteration++) {
    if (Math.abs(current.h) <= 1e-13 * current.variance) break;
    if (current.h > 0) lo = current.lambda;
    else hi = current.lambda;
    if (hi < Infinity && hi - lo <= 1e-15 * hi) break;
    // h < 0 all the way down to λ → 0: a zero-variance portfolio with positive return (Sharpe unbounded).
    if (lo === 0 && hi <= 1e-14 * guess) break;
    // Newton on the current face: there w(λ + Δ) = w + Δ·b and h(λ + Δ) = h − Δ·(wᵀμ − λ·bᵀμ).
    const freeIdx: number[] = [];
    for (let i = 0; i < g; i++) if (current.free[i] === 1) freeIdx.push(i);
    let next = NaN;
    const b = faceDirection(p.h, g, freeIdx, p.mu);
    const slope = current.ret - current.lambda * dotProduct(p.mu, b);
    if (slope > 0) next = current.lambda + current.h / slope;
    if (!(next > lo && next < hi)) next = hi === Infinity ? Math.max(2 * lo, guess) : (lo + hi) / 2;
    current = frontierPoint(p.h, p.mu, p.upper, g, linear, next, current.x);
  }
  return splitGroups(current.x, groups, k);
}

/**
 * Applies the cap and the floor to any non-negative weights. Exact procedure:
 * 1. S = models with a positive weight; w = weights on S normalised to sum 1.
 * 2. Cap by proportional water-filling: wᵢ = min(cap, t·vᵢ) with t chosen so Σw = 1 (iteratively:
 *    clip at the cap, hand the excess to the uncapped in proportion to their weights, repeat).
 * 3. If the smallest weight in S is below the floor (relative tolerance 1e-9) and S still has more
 *    than ⌈1/cap⌉ models, drop it from S (the last index among ties) and repeat 2–3 from the
 *    original weights. One at a time, so a weight the re-normalisation lifts over the floor stays.
 * Result: Σw = 1, each wᵢ ∈ {0} ∪ [floor, cap] (the floor may be missed only when dropping would
 * make the cap infeasible). All NaN when a weight is NaN (an undefined method result).
 * @throws "applyBounds requires finite, non-negative weights"
 * @throws "applyBounds requires at least one positive weight"
 * @throws "cap × models must be at least 1" (k·cap < 1, or fewer than ⌈1/cap⌉ positive weights)
 * @example applyBounds([0.6, 0.3, 0.095, 0.005], { cap: 0.5, floor: 0.01 }) // => Float64Array [0.5, 0.379746835443038, 0.12025316455696204, 0]
 */
export function applyBounds(weights: ArrayLike<number>, bounds?: AllocationBounds): Float64Array {
  const k = weights.length;
  for (let i = 0; i < k; i++) if (Number.isNaN(weights[i])) return nanWeights(k);
  for (let i = 0; i < k; i++) {
    const v = weights[i] as number;
    if (!(Number.isFinite(v) && v >= 0)) throw new Error("applyBounds requires finite, non-negative weights");
  }
  let positive = 0;
  for (let i = 0; i < k; i++) if ((weights[i] as number) > 0) positive++;
  if (positive === 0) throw new Error("applyBounds requires at least one positive weight");
  const { cap, floor } = resolveBounds(bounds, k, "applyBounds");
  if (positive * cap < 1 - FEASIBILITY_SLACK) throw new Error(CAP_ERROR);
  // Work on weights scaled to a maximum of 1, so tiny (even subnormal) inputs keep their ratios.
  let largest = 0;
  for (let i = 0; i < k; i++) largest = Math.max(largest, weights[i] as number);
  // Scratch as plain arrays: a typed array over 64 bytes is allocated outside V8's heap (~0.5 µs), and a walk-forward bounds four methods per rebalance.
  const scaled = new Array<number>(k);
  for (let i = 0; i < k; i++) scaled[i] = (weights[i] as number) / largest;
  const support = new Array<number>(positive).fill(0);
  let size = 0;
  for (let i = 0; i < k; i++) if ((weights[i] as number) > 0) support[size++] = i;
  const all = capProportionally(scaled, support, size, cap);
  const minFloor = floor * (1 - 1e-9);
  let smallest = Infinity;
  for (let a = 0; a < size; a++) smallest = Math.min(smallest, all[support[a] as number] as number);
  if (!(smallest < minFloor) || !((positive - 1) * cap >= 1 - FEASIBILITY_SLACK)) return all;
  // Capping is w = min(cap, t·v) with one t, so it keeps the order of the weights: the one-at-a-time
  // procedure drops the positive weights in ascending order (the last index among ties first), and
  // after j drops the smallest weight left is that of dropOrder[j]. Dropping raises t, so "the
  // smallest is below the floor" holds for the first few j and then never again: the number of
  // drops is found by bisection over j, with the same capping of the same support (in index
  // order, so even the rounding is that of dropping one at a time).
  const dropOrder = Array.from(support).sort((a, b) => (scaled[a] as number) - (scaled[b] as number) || b - a);
  const rank = new Array<number>(k).fill(-1);
  for (let r = 0; r < positive; r++) rank[dropOrder[r] as number] = r;
  let lo = 1; // dropping once is settled above
  let hi = positive - 1; // one weight left can never be dropped
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    let again = false;
    if ((positive - mid - 1) * cap >= 1 - FEASIBILITY_SLACK) {
      const w = capAfterDrops(scaled, rank, mid, support, cap);
      again = (w[dropOrder[mid] as number] as number) < minFloor;
    }
    if (again) lo = mid + 1;
    else hi = mid;
  }
  return capAfterDrops(scaled, rank, lo, support, cap);
}

/** {@link capProportionally} on the weights whose drop rank is at least `drops` (ascending indices). */
function capAfterDrops(v: readonly number[], rank: readonly number[], drops: number, support: number[], cap: number): Float64Array {
  let size = 0;
  for (let i = 0; i < rank.length; i++) if ((rank[i] as number) >= drops) support[size++] = i;
  return capProportionally(v, support, size, cap);
}

/** wᵢ = min(cap, t·vᵢ) on support[0…size) (ascending indices) with Σw = 1; 0 elsewhere. */
function capProportionally(v: readonly number[], support: readonly number[], size: number, cap: number): Float64Array {
  const w = new Float64Array(v.length);
  const capped = new Array<number>(v.length).fill(0);
  let cappedCount = 0;
  for (;;) {
    let rest = 0;
    for (let a = 0; a < size; a++) {
      const i = support[a] as number;
      if (capped[i] === 0) rest += v[i] as number;
    }
    const left = 1 - cappedCount * cap;
    let newlyCapped = false;
    for (let a = 0; a < size; a++) {
      const i = support[a] as number;
      if (capped[i] === 1) {
        w[i] = cap;
        continue;
      }
      const wi = rest > 0 ? (left * (v[i] as number)) / rest : 0;
      if (wi > cap) {
        capped[i] = 1;
        cappedCount++;
        newlyCapped = true;
      }
      w[i] = wi;
    }
    if (!newlyCapped) return w;
  }
}

/**
 * Allocation by `method` with the bounds applied ({@link applyBounds}). `maximumSharpe` uses
 * `input.shrunkCov` when present (see {@link allocationInput}), otherwise `input.cov`.
 * `options.start` warm-starts the two optimisers (it never changes a unique optimum).
 * All NaN when the method is undefined for the data (a zero variance for inverseVariance/hrp,
 * no positive attainable mean for maximumSharpe, non-finite moments).
 * @throws "allocate requires a known method"
 * @throws "allocate requires a k×k covariance matrix" (also "k means")
 * @throws "allocate requires a cap in (0, 1]" / "allocate requires a floor in [0, cap]"
 * @throws "cap × models must be at least 1"
 * @example allocate("inverseVariance", { mu: [0, 0, 0], cov: [1, 0, 0, 0, 4, 0, 0, 0, 4], k: 3 }, { cap: 0.5 }) // => Float64Array [0.5, 0.25, 0.25]
 */
export function allocate(
  method: AllocationMethod,
  input: AllocationInput,
  bounds?: AllocationBounds & { readonly start?: ArrayLike<number> },
): Float64Array {
  const { k } = input;
  assertCov(input.cov, k, "allocate");
  if (input.mu.length !== k) throw new Error("allocate requires k means");
  if (input.shrunkCov !== undefined) assertCov(input.shrunkCov, k, "allocate");
  const { cap, floor } = resolveBounds(bounds, k, "allocate");
  const start = bounds?.start === undefined ? {} : { start: bounds.start };
  let raw: Float64Array;
  switch (method) {
    case "equal":
      raw = equalWeights(k);
      break;
    case "inverseVariance":
      raw = inverseVariance(input.cov, k);
      break;
    case "minimumVariance":
      raw = minimumVariance(input.cov, k, { cap, ...start });
      break;
    case "hrp":
      raw = hrpWeights(input.cov, k);
      break;
    case "maximumSharpe":
      raw = maximumSharpe(input.mu, input.shrunkCov ?? input.cov, k, { cap, ...start });
      break;
    default:
      throw new Error("allocate requires a known method");
  }
  return applyBounds(raw, { cap, floor });
}
