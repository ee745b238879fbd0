/**
 * Trailing windows over aligned rounds: the shared shape of every rolling statistic. Window t
 * holds rounds t − window + 1 … t, so a value at round t uses only rounds up to t (what was known
 * then); the first window − 1 positions have no full window and are NaN in every rolling series.
 */

/**
 * Checks a window length against a series of `n` rounds.
 * @throws "<name> requires a whole window of at least 2"
 */
export function assertWindow(window: number, name: string): void {
  if (!Number.isInteger(window) || window < 2) throw new Error(`${name} requires a whole window of at least 2`);
}

/**
 * `statistic(start, end)` of each trailing window [t − window + 1, t], NaN before the first full one.
 * @throws "<name> requires a whole window of at least 2"
 * @example rollingApply(4, 2, (s, e) => e - s, "demo") // => Float64Array [NaN, 2, 2, 2]
 */
export function rollingApply(n: number, window: number, statistic: (start: number, end: number) => number, name: string): Float64Array {
  assertWindow(window, name);
  const out = new Float64Array(n).fill(NaN);
  for (let t = window - 1; t < n; t++) out[t] = statistic(t - window + 1, t + 1);
  return out;
}

/**
 * Whether xs[start, end) holds one value only: such a window has no correlation. Checked on the
 * values, not the variance, which rounding leaves at ~1e-38 instead of 0 for a repeated decimal.
 * @example isConstant([0.005, 0.005, 0.005], 0, 3) // => true
 */
export function isConstant(xs: ArrayLike<number>, start: number, end: number): boolean {
  for (let t = start + 1; t < end; t++) if (xs[t] !== xs[start]) return false;
  return true;
}
