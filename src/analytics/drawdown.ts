/**
 * Drawdown of a per-round score series. Scores are additive (a payout is stake × score, not
 * compounded), so the equity curve is the cumulative SUM of scores, starting at 0 before the
 * first round.
 */
import { assertFinite } from "./guards.js";
import { mean, RunningSum } from "./moments.js";

/**
 * Maximum drawdown of the cumulative sum Cₜ = r₁ + … + rₜ with C₀ = 0:
 * max over t of ( max_{s ≤ t} Cₛ − Cₜ ), reported as a positive number.
 * NaN when there is no drawdown (the curve never falls below its running peak) or no values.
 * @throws "maxDrawdown requires finite values"
 * @example maxDrawdown([0.02, -0.01, -0.03, 0.01]) // => 0.04 (±1 ulp; peak 0.02 → trough −0.02)
 */
export function maxDrawdown(values: ArrayLike<number>): number {
  assertFinite(values, "maxDrawdown");
  // A compensated running sum so long series do not accumulate rounding.
  const cumulative = new RunningSum();
  let peak = 0;
  let worst = 0;
  for (let i = 0; i < values.length; i++) {
    const level = cumulative.add(values[i] as number);
    if (level > peak) peak = level;
    else if (peak - level > worst) worst = peak - level;
  }
  return worst > 0 ? worst : NaN;
}

/**
 * Calmar ratio: mean per-round score / maximum drawdown (× periodsPerYear when given, which turns
 * the mean into an annual sum, the classic "annual return / max drawdown").
 * NaN when the maximum drawdown is undefined (no drawdown, or no values).
 * @throws "calmar requires finite values"
 * @throws "calmar requires a positive periodsPerYear"
 * @example calmar([0.02, -0.01, -0.03, 0.01]) // => -0.0625 (mean −0.0025 / drawdown 0.04)
 */
export function calmar(values: ArrayLike<number>, options?: { readonly periodsPerYear?: number }): number {
  assertFinite(values, "calmar");
  const p = options?.periodsPerYear;
  if (p !== undefined && (!Number.isFinite(p) || p <= 0)) throw new Error("calmar requires a positive periodsPerYear");
  const dd = maxDrawdown(values);
  if (Number.isNaN(dd)) return NaN;
  return (mean(values) * (p ?? 1)) / dd;
}
