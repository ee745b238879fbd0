/**
 * Argument checks shared by the per-model statistics. Internal: not re-exported from index.ts.
 */

/**
 * Throws unless every value is finite; `name` is the calling statistic, for the message.
 * @throws "<name> requires finite values"
 * @example assertFinite([0.01, NaN], "sharpe") // throws "sharpe requires finite values"
 */
export function assertFinite(values: ArrayLike<number>, name: string): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) throw new Error(`${name} requires finite values`);
  }
}

/**
 * √periodsPerYear, or 1 when not given.
 * @throws "<name> requires a positive periodsPerYear"
 * @example annualisationFactor({ periodsPerYear: 52 }, "sharpe") // => 7.211102550927978
 */
export function annualisationFactor(options: { readonly periodsPerYear?: number } | undefined, name: string): number {
  const p = options?.periodsPerYear;
  if (p === undefined) return 1;
  if (!Number.isFinite(p) || p <= 0) throw new Error(`${name} requires a positive periodsPerYear`);
  return Math.sqrt(p);
}
