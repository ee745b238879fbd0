/**
 * One model's statistics over its own observed rounds (no alignment with other models).
 */
import { calmar, maxDrawdown } from "./drawdown.js";
import { hitRate } from "./hit-rate.js";
import { mean, standardDeviation } from "./moments.js";
import { assertFinite } from "./guards.js";
import { sharpe, sortino } from "./sharpe.js";
import { cvar } from "./tail.js";

/** Per-model statistics; see each field's function for the exact definition. */
export interface ModelStats {
  readonly n: number;
  readonly mean: number;
  /** Sample standard deviation (ddof 1). */
  readonly std: number;
  readonly sharpe: number;
  readonly sortino: number;
  /** Positive; NaN when there is no drawdown. */
  readonly maxDrawdown: number;
  readonly calmar: number;
  readonly hitRate: number;
  /** Mean of the worst ceil(0.05·n) scores. */
  readonly cvar5: number;
}

/**
 * All per-model statistics of a score series in one record. `mean` and `std` are per round;
 * `sharpe`, `sortino` (× √periodsPerYear) and `calmar` (× periodsPerYear) are annualised only
 * when `periodsPerYear` is given — rounds overlap, so annualised figures overstate.
 * Undefined entries are NaN (e.g. a single round: std, sharpe NaN).
 * @throws "summarize requires finite values"
 * @throws "sharpe requires a positive periodsPerYear"
 * @example summarize([0.01, 0.03, -0.01, 0.02]).sortino // => 2.5
 */
export function summarize(values: ArrayLike<number>, options?: { readonly periodsPerYear?: number }): ModelStats {
  assertFinite(values, "summarize");
  const ratioOptions = options?.periodsPerYear === undefined ? undefined : { periodsPerYear: options.periodsPerYear };
  return {
    n: values.length,
    mean: mean(values),
    std: standardDeviation(values, 1),
    sharpe: sharpe(values, ratioOptions),
    sortino: sortino(values, ratioOptions),
    maxDrawdown: maxDrawdown(values),
    calmar: calmar(values, ratioOptions),
    hitRate: hitRate(values),
    cvar5: cvar(values, 0.05),
  };
}
