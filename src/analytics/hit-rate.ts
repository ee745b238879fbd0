/**
 * How often a model scores above zero.
 */
import { assertFinite } from "./guards.js";

/**
 * Hit rate: the fraction of rounds with a strictly positive score (a 0 is not a hit).
 * NaN for an empty series.
 * @throws "hitRate requires finite values"
 * @example hitRate([0.01, 0, -0.02, 0.03]) // => 0.5
 */
export function hitRate(values: ArrayLike<number>): number {
  assertFinite(values, "hitRate");
  if (values.length === 0) return NaN;
  let hits = 0;
  for (let i = 0; i < values.length; i++) if ((values[i] as number) > 0) hits++;
  return hits / values.length;
}
