/**
 * Numerically careful building blocks shared by every statistic: compensated sums,
 * Welford mean/variance and co-moments. Pure; no imports from the rest of the app.
 *
 * Policy (house style): programmer errors throw in simple-statistics' wording;
 * statistically undefined results return NaN.
 */

/**
 * A running Kahan–Babuška (Neumaier) compensated sum, for loops that need every partial sum
 * (a cumulative curve, a drawdown); `sum` is its total.
 */
export class RunningSum {
  private total = 0;
  private compensation = 0;
  /** Adds `v` and returns the compensated sum so far. */
  add(v: number): number {
    const t = this.total + v;
    if (Math.abs(this.total) >= Math.abs(v)) this.compensation += this.total - t + v;
    else this.compensation += v - t + this.total;
    this.total = t;
    return this.total + this.compensation;
  }
  get value(): number {
    return this.total + this.compensation;
  }
}

/**
 * Kahan–Babuška (Neumaier) compensated sum.
 * @example sum([0.1, 0.2, 0.3]) // => 0.6 (exact to the last ulp, unlike naive summation)
 */
export function sum(values: ArrayLike<number>): number {
  const running = new RunningSum();
  for (let i = 0; i < values.length; i++) running.add(values[i] as number);
  return running.value;
}

/**
 * Arithmetic mean, via a compensated sum. NaN for an empty series.
 * @example mean([1, 2, 3, 4]) // => 2.5
 */
export function mean(values: ArrayLike<number>): number {
  if (values.length === 0) return NaN;
  return sum(values) / values.length;
}

/**
 * Variance by Welford's online algorithm.
 * `correction` is the delta degrees of freedom: 1 = sample (ddof 1, the default), 0 = population.
 * NaN when fewer than `correction + 1` values.
 * @example variance([1, 2, 3, 4]) // => 1.6666666666666667 (numpy: np.var(x, ddof=1))
 */
export function variance(values: ArrayLike<number>, correction = 1): number {
  const n = values.length;
  if (n - correction <= 0) return NaN;
  let m = 0;
  let m2 = 0;
  for (let i = 0; i < n; i++) {
    const x = values[i] as number;
    const delta = x - m;
    m += delta / (i + 1);
    m2 += delta * (x - m);
  }
  return m2 / (n - correction);
}

/**
 * Standard deviation: √variance with the same `correction` (default sample, ddof 1).
 * @example standardDeviation([1, 2, 3, 4]) // => 1.2909944487358056
 */
export function standardDeviation(values: ArrayLike<number>, correction = 1): number {
  return Math.sqrt(variance(values, correction));
}

/**
 * Covariance of two equal-length series (Welford co-moment). `correction` as in {@link variance}.
 * @throws "covariance requires series of equal length"
 * @example covariance([1, 2, 3], [1, 2, 4]) // => 1.5 (numpy: np.cov(x, y, ddof=1)[0, 1])
 */
export function covariance(x: ArrayLike<number>, y: ArrayLike<number>, correction = 1): number {
  if (x.length !== y.length) throw new Error("covariance requires series of equal length");
  const n = x.length;
  if (n - correction <= 0) return NaN;
  let mx = 0;
  let my = 0;
  let c = 0;
  for (let i = 0; i < n; i++) {
    const xi = x[i] as number;
    const yi = y[i] as number;
    const dx = xi - mx;
    mx += dx / (i + 1);
    my += (yi - my) / (i + 1);
    c += dx * (yi - my);
  }
  return c / (n - correction);
}
