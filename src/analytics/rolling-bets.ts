/** The effective number of bets over a trailing window of rounds: how diversity moved through time. */
import { participationRatio } from "./effective-bets.js";
import { assertFinite } from "./guards.js";
import { isConstant, rollingApply } from "./rolling-window.js";
import { correlationFromCovariance, covarianceMatrix } from "./risk-model.js";

/**
 * Participation ratio (Σλ)²/Σλ² of the sample correlation matrix of each trailing window of
 * `window` aligned rounds (the same headline "effective bets" as /correlation, window by window).
 * NaN before the first full window and where a model's scores do not vary in the window (its
 * correlations are undefined).
 * @throws "rollingParticipationRatio requires columns of equal length"
 * @throws "rollingParticipationRatio requires finite values"
 * @throws "rollingParticipationRatio requires a whole window of at least 2"
 * @example rollingParticipationRatio([[1, 2, 3, 5], [1, 3, 2, 4]], 3) // => Float64Array [NaN, NaN, 1.6, 1.4] (numpy eigvalsh of corrcoef per window)
 */
export function rollingParticipationRatio(columns: readonly ArrayLike<number>[], window: number): Float64Array {
  const name = "rollingParticipationRatio";
  const n = columns.length === 0 ? 0 : (columns[0] as ArrayLike<number>).length;
  const cols = columns.map((c) => {
    if (c.length !== n) throw new Error(`${name} requires columns of equal length`);
    assertFinite(c, name);
    return Float64Array.from(c);
  });
  const k = cols.length;
  return rollingApply(
    n,
    window,
    (s, e) => {
      if (k === 0 || cols.some((c) => isConstant(c, s, e))) return NaN;
      const cov = covarianceMatrix(
        cols.map((c) => c.subarray(s, e)),
        1,
      );
      return participationRatio(correlationFromCovariance(cov, k), k);
    },
    name,
  );
}
