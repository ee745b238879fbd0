/**
 * Risk-adjusted mean of one model's per-round scores: Sharpe and Sortino ratios.
 *
 * Numerai rounds resolve over ~20 scoring days and a new round opens every weekday, so
 * consecutive rounds overlap and the per-round series is strongly autocorrelated. The usual
 * √periodsPerYear annualisation assumes independent periods and therefore overstates the
 * annual Sharpe; it is applied only when asked for.
 */
import { annualisationFactor, assertFinite } from "./guards.js";
import { mean, standardDeviation } from "./moments.js";

/** Options shared by the ratio statistics. */
export interface RatioOptions {
  /** Multiply the per-round ratio by √periodsPerYear (default: not annualised). */
  readonly periodsPerYear?: number;
}

/**
 * Sharpe ratio per round: mean / sample standard deviation (ddof 1), × √periodsPerYear when given.
 * Rounds overlap (~20 scoring days), so the series is autocorrelated and the √n-style
 * annualisation overstates the true annual Sharpe.
 * NaN when fewer than two values or the deviation is 0.
 * @throws "sharpe requires finite values"
 * @throws "sharpe requires a positive periodsPerYear"
 * @example sharpe([0.01, 0.03, -0.01, 0.02]) // => 0.7319250547114 (numpy: x.mean() / x.std(ddof=1))
 */
export function sharpe(values: ArrayLike<number>, options?: RatioOptions): number {
  assertFinite(values, "sharpe");
  const factor = annualisationFactor(options, "sharpe");
  const sd = standardDeviation(values, 1);
  if (!(sd > 0)) return NaN;
  return (mean(values) / sd) * factor;
}

/**
 * Sortino ratio per round: mean / downside deviation, where the downside deviation is
 * √( (1/n)·Σ over ALL n rounds of min(r, 0)² ) (target 0; gains count as zero, not dropped).
 * × √periodsPerYear when given (same overlap caveat as {@link sharpe}).
 * NaN when there are no losing rounds (downside deviation 0) or no values.
 * @throws "sortino requires finite values"
 * @throws "sortino requires a positive periodsPerYear"
 * @example sortino([0.01, 0.03, -0.01, 0.02]) // => 2.5 (0.0125 / √(0.0001 / 4))
 */
export function sortino(values: ArrayLike<number>, options?: RatioOptions): number {
  assertFinite(values, "sortino");
  const factor = annualisationFactor(options, "sortino");
  const n = values.length;
  let downside = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i] as number;
    if (v < 0) downside += v * v;
  }
  if (!(downside > 0)) return NaN;
  return (mean(values) / Math.sqrt(downside / n)) * factor;
}
