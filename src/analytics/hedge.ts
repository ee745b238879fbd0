/**
 * Does a model pay when the rest of the portfolio does not? Conditional payout of model i
 * against the rest R₋ᵢ = the other models' weighted portfolio.
 */
import { mean } from "./moments.js";

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
  const down: number[] = [];
  const up: number[] = [];
  const amplified = new Float64Array(n);
  const q = base.quadrants;
  for (let t = 0; t < n; t++) {
    const xt = x[t] as number;
    const rt = rest[t] as number;
    const beats = xt > rt;
    if (rt < 0) {
      down.push(xt);
      amplified[t] = c * xt;
      if (beats) q.restDownModelBeats++;
      else q.restDownModelLags++;
    } else {
      up.push(xt);
      amplified[t] = xt;
      if (beats) q.restUpModelBeats++;
      else q.restUpModelLags++;
    }
  }
  return {
    ...base,
    meanWhenRestDown: mean(down),
    meanWhenRestUp: mean(up),
    countDown: down.length,
    countUp: up.length,
    amplifiedPayout: mean(amplified),
  };
}
