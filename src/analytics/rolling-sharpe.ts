/** Sharpe ratio over a trailing window of rounds: how the risk-adjusted score moved through time. */
import { assertFinite } from "./guards.js";
import { rollingApply } from "./rolling-window.js";
import { sharpe } from "./sharpe.js";

/**
 * Per-round Sharpe (mean / sample sd, ddof 1, not annualised) of each trailing window of
 * `window` rounds: value t uses rounds t − window + 1 … t (pandas `s.rolling(window).mean() /
 * s.rolling(window).std()`). NaN before the first full window and where the window's scores do
 * not vary. Rounds overlap in time, so neighbouring windows share most of their information.
 * @throws "rollingSharpe requires finite values"
 * @throws "rollingSharpe requires a whole window of at least 2"
 * @example rollingSharpe([0.01, 0.03, -0.01, 0.02], 3) // => Float64Array [NaN, NaN, 0.5, 0.6405126152203486] (pandas: s.rolling(3).mean() / s.rolling(3).std())
 */
export function rollingSharpe(values: ArrayLike<number>, window: number): Float64Array {
  assertFinite(values, "rollingSharpe");
  const xs = Float64Array.from(values);
  return rollingApply(xs.length, window, (s, e) => sharpe(xs.subarray(s, e)), "rollingSharpe");
}
