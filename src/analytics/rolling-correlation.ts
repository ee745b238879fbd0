/**
 * Each model's correlation with the rest of the portfolio over a trailing window: whether a model
 * still diversifies the others, or has drifted into them.
 */
import { pearson } from "./correlation.js";
import { assertFinite } from "./guards.js";
import { isConstant, rollingApply } from "./rolling-window.js";

/**
 * For each model i and each trailing window of `window` aligned rounds, the Pearson correlation
 * of xᵢ with the rest of the portfolio rₜ = Σⱼ≠ᵢ wⱼ·xⱼₜ (scale-free, so the rest's weights need not
 * be renormalised). NaN before the first full window, where either side does not vary in the
 * window, and for every window of a model when the rest has no weight (k = 1, or all other wⱼ = 0).
 * @throws "rollingCorrelationWithRest requires one weight per column"
 * @throws "rollingCorrelationWithRest requires columns of equal length"
 * @throws "rollingCorrelationWithRest requires finite values"
 * @throws "rollingCorrelationWithRest requires a whole window of at least 2"
 * @example rollingCorrelationWithRest([[1, 2, 3, 5], [1, 3, 2, 4], [2, 1, 4, 3]], [1, 1, 1], 3)[0] // => Float64Array [NaN, NaN, 0.9819805060619659, 0.9285714285714286] (numpy corrcoef of a with b + c per window)
 */
export function rollingCorrelationWithRest(columns: readonly ArrayLike<number>[], weights: ArrayLike<number>, window: number): Float64Array[] {
  const name = "rollingCorrelationWithRest";
  if (columns.length !== weights.length) throw new Error(`${name} requires one weight per column`);
  const n = columns.length === 0 ? 0 : (columns[0] as ArrayLike<number>).length;
  for (const c of columns) {
    if (c.length !== n) throw new Error(`${name} requires columns of equal length`);
    assertFinite(c, name);
  }
  assertFinite(weights, name);
  const total = new Float64Array(n);
  columns.forEach((c, j) => {
    for (let t = 0; t < n; t++) total[t] = (total[t] as number) + (weights[j] as number) * (c[t] as number);
  });
  return columns.map((c, i) => {
    const wi = weights[i] as number;
    const own = Float64Array.from(c);
    let restWeight = 0;
    for (let j = 0; j < columns.length; j++) if (j !== i) restWeight += Math.abs(weights[j] as number);
    // The rest by subtraction from the whole portfolio: O(n) per model instead of O(n·k).
    const rest = Float64Array.from(total, (v, t) => v - wi * (own[t] as number));
    return rollingApply(n, window, (s, e) => (restWeight > 0 && !isConstant(own, s, e) && !isConstant(rest, s, e) ? pearson(own.subarray(s, e), rest.subarray(s, e)) : NaN), name);
  });
}
