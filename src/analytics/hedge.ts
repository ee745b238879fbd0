/**
 * Does a model pay when the rest of the portfolio does not? Conditional payout of model i
 * against the rest R₋ᵢ = the other models' weighted portfolio — one model (`hedgeValue`) or all
 * of them in one O(k·n) pass (`hedgeValues`).
 */
import { mean, RunningSum } from "./moments.js";

/** How model i behaves relative to the rest of the portfolio, round by round. */
export interface HedgeValue {
  /** Mean score of model i over rounds with R₋ᵢ < 0; NaN if there are none. */
  readonly meanWhenRestDown: number;
  /** Mean score of model i over rounds with R₋ᵢ ≥ 0; NaN if there are none. */
  readonly meanWhenRestUp: number;
  readonly countDown: number;
  readonly countUp: number;
  /** Round counts by rest direction × whether model i beat the rest (xᵢ > R₋ᵢ; ties are "lags"). */
  readonly quadrants: {
    readonly restUpModelBeats: number;
    readonly restUpModelLags: number;
    readonly restDownModelBeats: number;
    readonly restDownModelLags: number;
  };
  /** mean over rounds of (c·xᵢ when R₋ᵢ < 0, else xᵢ): model i's payout if bad-rest rounds counted c times. */
  readonly amplifiedPayout: number;
  /** Plain mean of model i, for comparison with `amplifiedPayout`. */
  readonly mean: number;
  readonly amplification: number;
}

/**
 * Conditional payout of model `index` against the rest of the portfolio, on aligned columns.
 * R₋ᵢ,ₜ = Σ_{j≠i} wⱼ·xⱼₜ / Σ_{j≠i} wⱼ. Rounds split into "rest down" (R₋ᵢ < 0) and "rest up"
 * (R₋ᵢ ≥ 0); within each, the model "beats" when xᵢ > R₋ᵢ strictly (a tie counts as "lags").
 * amplifiedPayout = (1/n)·Σₜ (c·xᵢₜ if R₋ᵢ,ₜ < 0 else xᵢₜ), c = `amplification` (default 2):
 * a model that pays in the rounds the rest loses gains more from the amplification.
 * With no other model, or no weight on the others, the rest is undefined: every mean is NaN
 * and every count 0 (`mean` is still the model's plain mean).
 * @throws "hedgeValue requires one weight per column"
 * @throws "hedgeValue requires columns of equal length"
 * @throws "hedgeValue requires an index of an existing column"
 * @throws "hedgeValue requires finite, non-negative weights"
 * @throws "hedgeValue requires a finite amplification"
 * @example hedgeValue([[0.02, -0.01, 0.03], [-0.01, 0.02, 0.01]], [1, 1], 0).meanWhenRestDown // => 0.02
 */
export function hedgeValue(
  columns: readonly ArrayLike<number>[],
  weights: ArrayLike<number>,
  index: number,
  options: { readonly amplification?: number } = {},
): HedgeValue {
  const k = columns.length;
  if (weights.length !== k) throw new Error("hedgeValue requires one weight per column");
  if (!Number.isInteger(index) || index < 0 || index >= k) throw new Error("hedgeValue requires an index of an existing column");
  const c = options.amplification ?? 2;
  if (!Number.isFinite(c)) throw new Error("hedgeValue requires a finite amplification");
  const x = columns[index] as ArrayLike<number>;
  const n = x.length;
  let restWeight = 0;
  for (let j = 0; j < k; j++) {
    const w = weights[j] as number;
    if (!Number.isFinite(w) || w < 0) throw new Error("hedgeValue requires finite, non-negative weights");
    if ((columns[j] as ArrayLike<number>).length !== n) throw new Error("hedgeValue requires columns of equal length");
    if (j !== index) restWeight += w;
  }
  const base = {
    quadrants: { restUpModelBeats: 0, restUpModelLags: 0, restDownModelBeats: 0, restDownModelLags: 0 },
    mean: mean(x),
    amplification: c,
  };
  if (!(restWeight > 0)) {
    return { ...base, meanWhenRestDown: NaN, meanWhenRestUp: NaN, countDown: 0, countUp: 0, amplifiedPayout: NaN };
  }
  const rest = new Float64Array(n);
  for (let j = 0; j < k; j++) {
    if (j === index) continue;
    const w = (weights[j] as number) / restWeight;
    if (w === 0) continue;
    const col = columns[j] as ArrayLike<number>;
    for (let t = 0; t < n; t++) rest[t] = (rest[t] as number) + w * (col[t] as number);
  }
  return hedgeAgainstRest(x, rest, n, c, base.mean);
}

/**
 * The figures of {@link HedgeValue} from model i's scores x and the rest's per-round R₋ᵢ. The
 * means are compensated sums taken in round order, as `mean` of the down-round, up-round and
 * amplified scores would take them, but summed as the rounds go by: no per-model arrays.
 */
function hedgeAgainstRest(x: ArrayLike<number>, rest: Float64Array, n: number, c: number, plainMean: number): HedgeValue {
  let nDown = 0;
  let nUp = 0;
  let downBeats = 0;
  let upBeats = 0;
  const down = new RunningSum();
  const up = new RunningSum();
  const amplified = new RunningSum();
  for (let t = 0; t < n; t++) {
    const xt = x[t] as number;
    const rt = rest[t] as number;
    const beats = xt > rt ? 1 : 0;
    if (rt < 0) {
      nDown++;
      downBeats += beats;
      down.add(xt);
      amplified.add(c * xt);
    } else {
      nUp++;
      upBeats += beats;
      up.add(xt);
      amplified.add(xt);
    }
  }
  return {
    quadrants: { restUpModelBeats: upBeats, restUpModelLags: nUp - upBeats, restDownModelBeats: downBeats, restDownModelLags: nDown - downBeats },
    mean: plainMean,
    amplification: c,
    meanWhenRestDown: nDown === 0 ? NaN : down.value / nDown,
    meanWhenRestUp: nUp === 0 ? NaN : up.value / nUp,
    countDown: nDown,
    countUp: nUp,
    amplifiedPayout: n === 0 ? NaN : amplified.value / n,
  };
}

/** total += w·x and magnitude += |w·x|, round by round. */
function addWeighted(x: ArrayLike<number>, w: number, total: Float64Array, magnitude: Float64Array): void {
  for (let t = 0; t < total.length; t++) {
    const v = w * (x[t] as number);
    total[t] = (total[t] as number) + v;
    magnitude[t] = (magnitude[t] as number) + Math.abs(v);
  }
}

/**
 * R₋ᵢ,ₜ = (Sₜ − wᵢ·xᵢₜ) / Σ_{j≠i} wⱼ into `rest`; where it lies within the rounding bound
 * slack·Σⱼ|wⱼxⱼₜ| / Σ_{j≠i} wⱼ of 0 or of xᵢₜ, summed directly instead, term for term as
 * {@link hedgeValue} sums it.
 */
function restBySubtraction(
  columns: readonly ArrayLike<number>[],
  weights: ArrayLike<number>,
  i: number,
  restWeight: number,
  total: Float64Array,
  magnitude: Float64Array,
  slack: number,
  rest: Float64Array,
): void {
  const x = columns[i] as ArrayLike<number>;
  const wi = weights[i] as number;
  for (let t = 0; t < rest.length; t++) {
    const xt = x[t] as number;
    let rt = ((total[t] as number) - wi * xt) / restWeight;
    const tol = (slack * (magnitude[t] as number)) / restWeight;
    if (Math.abs(rt) <= tol || Math.abs(xt - rt) <= tol) {
      rt = 0;
      for (let j = 0; j < columns.length; j++) {
        if (j === i) continue;
        const w = (weights[j] as number) / restWeight;
        if (w !== 0) rt += w * ((columns[j] as ArrayLike<number>)[t] as number);
      }
    }
    rest[t] = rt;
  }
}

/**
 * {@link hedgeValue} of every model at once: `hedgeValues(columns, weights, options)[i]` equals
 * `hedgeValue(columns, weights, i, options)` field for field. The whole portfolio Sₜ = Σⱼ wⱼ·xⱼₜ
 * is summed once and each rest taken by subtraction, R₋ᵢ,ₜ = (Sₜ − wᵢ·xᵢₜ) / Σ_{j≠i} wⱼ, so the
 * cost is O(k·n) instead of O(k²·n). Where that rounding could flip a comparison (R₋ᵢ,ₜ or
 * xᵢₜ − R₋ᵢ,ₜ within a rounding bound of 0) the rest is summed directly as hedgeValue sums it,
 * so the classification is identical, ties included.
 * @throws "hedgeValues requires one weight per column"
 * @throws "hedgeValues requires columns of equal length"
 * @throws "hedgeValues requires finite, non-negative weights"
 * @throws "hedgeValues requires a finite amplification"
 * @example hedgeValues([[0.02, -0.01, 0.03], [-0.01, 0.02, 0.01]], [1, 1])[0].meanWhenRestDown // => 0.02
 */
export function hedgeValues(
  columns: readonly ArrayLike<number>[],
  weights: ArrayLike<number>,
  options: { readonly amplification?: number } = {},
): HedgeValue[] {
  const k = columns.length;
  if (weights.length !== k) throw new Error("hedgeValues requires one weight per column");
  const c = options.amplification ?? 2;
  if (!Number.isFinite(c)) throw new Error("hedgeValues requires a finite amplification");
  if (k === 0) return [];
  const n = (columns[0] as ArrayLike<number>).length;
  for (let j = 0; j < k; j++) {
    const w = weights[j] as number;
    if (!Number.isFinite(w) || w < 0) throw new Error("hedgeValues requires finite, non-negative weights");
    if ((columns[j] as ArrayLike<number>).length !== n) throw new Error("hedgeValues requires columns of equal length");
  }
  const total = new Float64Array(n);
  const magnitude = new Float64Array(n);
  for (let j = 0; j < k; j++) {
    const w = weights[j] as number;
    if (w !== 0) addWeighted(columns[j] as ArrayLike<number>, w, total, magnitude);
  }
  // |subtracted − direct| ≤ 2·γ_{k+3}·Σⱼ|wⱼxⱼₜ| / Σ_{j≠i}wⱼ (both are k-term sums); doubled for margin.
  const slack = 4 * (k + 4) * Number.EPSILON;
  const rest = new Float64Array(n);
  const out: HedgeValue[] = [];
  for (let i = 0; i < k; i++) {
    const x = columns[i] as ArrayLike<number>;
    let restWeight = 0;
    for (let j = 0; j < k; j++) if (j !== i) restWeight += weights[j] as number;
    const plainMean = mean(x);
    if (!(restWeight > 0)) {
      out.push({
        quadrants: { restUpModelBeats: 0, restUpModelLags: 0, restDownModelBeats: 0, restDownModelLags: 0 },
        mean: plainMean,
        amplification: c,
        meanWhenRestDown: NaN,
        meanWhenRestUp: NaN,
        countDown: 0,
        countUp: 0,
        amplifiedPayout: NaN,
      });
      continue;
    }
    restBySubtraction(columns, weights, i, restWeight, total, magnitude, slack, rest);
    out.push(hedgeAgainstRest(x, rest, n, c, plainMean));
  }
  return out;
}
