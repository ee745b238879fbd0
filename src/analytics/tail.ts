/**
 * Tail risk of a per-round score series.
 */
import { assertFinite } from "./guards.js";
import { mean } from "./moments.js";

/**
 * Number of worst values that make up the α tail: ceil(α·n), at least 1.
 * α·n is rounded to 9 decimals first so that 0.07·100 (= 7.000000000000001 in binary) counts as 7.
 * @throws "tailCount requires alpha in (0, 1]"
 * @example tailCount(100, 0.07) // => 7
 */
export function tailCount(n: number, alpha: number): number {
  if (!(alpha > 0 && alpha <= 1)) throw new Error("tailCount requires alpha in (0, 1]");
  return Math.max(1, Math.ceil(Math.round(alpha * n * 1e9) / 1e9));
}

/**
 * Conditional value at risk (expected shortfall) expressed as a score: the mean of the worst
 * m = ceil(α·n) values (see {@link tailCount}), i.e. the values at or below the empirical α-quantile
 * taken as the m-th smallest value. Usually negative; lower is worse. NaN for an empty series.
 * numpy reference: np.sort(x)[:m].mean() with m = max(1, ceil(round(α·n, 9))).
 * @throws "cvar requires finite values"
 * @throws "tailCount requires alpha in (0, 1]"
 * @example cvar([0.03, -0.02, 0.01, -0.05, 0.02], 0.4) // => -0.035 (worst 2 of 5: −0.05, −0.02)
 */
export function cvar(values: ArrayLike<number>, alpha = 0.05): number {
  assertFinite(values, "cvar");
  const m = tailCount(values.length, alpha);
  if (values.length === 0) return NaN;
  return mean(smallest(values, m));
}

/**
 * The m smallest values in ascending order — what `Float64Array.from(values).sort().subarray(0, m)`
 * holds, without sorting all n: one pass keeping a sorted buffer of the m smallest seen (O(n)
 * while the tail is small; the walk-forward asks for ~9 of ~200 values per portfolio). A value equal
 * to the buffer's largest is not taken: equal values sum alike, so the mean is the sorted one's bit
 * for bit (±0 included: a compensated sum starting at +0 gives +0 for either).
 */
function smallest(values: ArrayLike<number>, m: number): Float64Array {
  const n = values.length;
  const out = new Float64Array(Math.min(m, n));
  let size = 0;
  for (let t = 0; t < n; t++) {
    const v = values[t] as number;
    if (size === out.length && !(v < (out[size - 1] as number))) continue;
    let i = size === out.length ? size - 1 : size++;
    for (; i > 0 && (out[i - 1] as number) > v; i--) out[i] = out[i - 1] as number;
    out[i] = v;
  }
  return out;
}
