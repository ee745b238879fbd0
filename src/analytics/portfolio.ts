/**
 * A weighted portfolio of models: its per-round returns, Sharpe, Sharpe gradient, leave-one-out
 * Sharpe and Euler risk shares. μ and Σ are the sample mean and sample covariance (ddof 1) of
 * listwise-aligned columns — `sampleMoments` of risk-model.ts.
 */

function quadraticForm(cov: ArrayLike<number>, k: number, w: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < k; i++) {
    let row = 0;
    for (let j = 0; j < k; j++) row += (cov[i * k + j] as number) * (w[j] as number);
    s += (w[i] as number) * row;
  }
  return s;
}

function covTimes(cov: ArrayLike<number>, k: number, w: ArrayLike<number>): Float64Array {
  const out = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    let row = 0;
    for (let j = 0; j < k; j++) row += (cov[i * k + j] as number) * (w[j] as number);
    out[i] = row;
  }
  return out;
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>, k: number): number {
  let s = 0;
  for (let i = 0; i < k; i++) s += (a[i] as number) * (b[i] as number);
  return s;
}

function assertShapes(name: string, mu: ArrayLike<number> | null, cov: ArrayLike<number>, k: number, w: ArrayLike<number>): void {
  if (cov.length !== k * k) throw new Error(`${name} requires a k×k covariance matrix`);
  if (mu !== null && mu.length !== k) throw new Error(`${name} requires k means`);
  if (w.length !== k) throw new Error(`${name} requires k weights`);
}

/**
 * Per-round portfolio return rₜ = Σᵢ wᵢ·xᵢₜ over aligned columns.
 * Weights are used as given (not normalised).
 * @throws "portfolioReturns requires one weight per column"
 * @throws "portfolioReturns requires columns of equal length"
 * @example portfolioReturns([Float64Array.of(1, 2), Float64Array.of(3, 4)], [0.5, 0.5]) // => Float64Array [2, 3]
 */
export function portfolioReturns(columns: readonly ArrayLike<number>[], weights: ArrayLike<number>): Float64Array {
  if (columns.length !== weights.length) throw new Error("portfolioReturns requires one weight per column");
  const n = columns.length === 0 ? 0 : (columns[0] as ArrayLike<number>).length;
  const out = new Float64Array(n);
  columns.forEach((c, i) => {
    if (c.length !== n) throw new Error("portfolioReturns requires columns of equal length");
    const wi = weights[i] as number;
    for (let t = 0; t < n; t++) out[t] = (out[t] as number) + wi * (c[t] as number);
  });
  return out;
}

/**
 * Weights rescaled to sum to 1: wᵢ / Σⱼ wⱼ.
 * @throws "normalizeWeights requires finite, non-negative weights"
 * @throws "normalizeWeights requires at least one positive weight"
 * @example normalizeWeights([1, 3]) // => Float64Array [0.25, 0.75]
 */
export function normalizeWeights(weights: ArrayLike<number>): Float64Array {
  let total = 0;
  for (let i = 0; i < weights.length; i++) {
    const v = weights[i] as number;
    if (!Number.isFinite(v) || v < 0) throw new Error("normalizeWeights requires finite, non-negative weights");
    total += v;
  }
  if (!(total > 0)) throw new Error("normalizeWeights requires at least one positive weight");
  return Float64Array.from(weights, (v) => v / total);
}

/**
 * Portfolio Sharpe per round: SR(w) = wᵀμ / √(wᵀΣw). NaN when wᵀΣw ≤ 0 (no risk: undefined).
 * Scale-invariant in w, so weights need not be normalised.
 * @throws "portfolioSharpe requires a k×k covariance matrix" (also "k means", "k weights")
 * @example portfolioSharpe([0.01, 0.02], [0.0004, 0, 0, 0.0009], 2, [0.5, 0.5]) // => 0.8320502943378437
 */
export function portfolioSharpe(mu: ArrayLike<number>, cov: ArrayLike<number>, k: number, weights: ArrayLike<number>): number {
  assertShapes("portfolioSharpe", mu, cov, k, weights);
  const variance = quadraticForm(cov, k, weights);
  if (!(variance > 0)) return NaN;
  return dot(weights, mu, k) / Math.sqrt(variance);
}

/**
 * Gradient of the portfolio Sharpe in the weights:
 * ∂SR/∂wᵢ = μᵢ/σ − (wᵀμ)·(Σw)ᵢ/σ³ with σ = √(wᵀΣw).
 * Because SR is scale-invariant, wᵀ∇SR = 0: the gradient says which models to tilt toward.
 * All NaN when σ = 0.
 * @throws "sharpeGradient requires a k×k covariance matrix" (also "k means", "k weights")
 * @example sharpeGradient([0.01, 0.02], [0.0004, 0, 0, 0.0009], 2, [0.5, 0.5]) // => Float64Array [0.0426692…, -0.0426692…]
 */
export function sharpeGradient(mu: ArrayLike<number>, cov: ArrayLike<number>, k: number, weights: ArrayLike<number>): Float64Array {
  assertShapes("sharpeGradient", mu, cov, k, weights);
  const variance = quadraticForm(cov, k, weights);
  if (!(variance > 0)) return new Float64Array(k).fill(NaN);
  const sigma = Math.sqrt(variance);
  const ret = dot(weights, mu, k);
  const sw = covTimes(cov, k, weights);
  return Float64Array.from({ length: k }, (_, i) => (mu[i] as number) / sigma - (ret * (sw[i] as number)) / (sigma * variance));
}

/**
 * Leave-one-out Sharpe contribution: ΔSRᵢ = SR(w) − SR(w₋ᵢ), where w₋ᵢ drops model i and
 * renormalises the remaining weights. Positive means model i raises the portfolio's Sharpe.
 * NaN for every model when k = 1 (nothing left), and for model i when the rest has no weight
 * or no variance.
 * @throws "leaveOneOutSharpe requires a k×k covariance matrix" (also "k means", "k weights")
 * @example leaveOneOutSharpe([0.01, 0.02], [0.0004, 0, 0, 0.0009], 2, [0.5, 0.5]) // => Float64Array [0.1653836…, 0.3320502…]
 */
export function leaveOneOutSharpe(mu: ArrayLike<number>, cov: ArrayLike<number>, k: number, weights: ArrayLike<number>): Float64Array {
  assertShapes("leaveOneOutSharpe", mu, cov, k, weights);
  const out = new Float64Array(k).fill(NaN);
  if (k < 2) return out;
  const full = portfolioSharpe(mu, cov, k, weights);
  const rest = Float64Array.from(weights);
  // The rest's moments by subtraction, O(k) per model instead of an O(k²) quadratic form:
  // w₋ᵢᵀμ = wᵀμ − wᵢμᵢ and w₋ᵢᵀΣw₋ᵢ = wᵀΣw − 2wᵢ(Σw)ᵢ + wᵢ²Σᵢᵢ. Where a difference keeps less than
  // 1e-3 of its terms' magnitude, it is recomputed directly so the rounding stays ~k·ε relative.
  const sw = covTimes(cov, k, weights);
  const variance = dot(weights, sw, k);
  const ret = dot(weights, mu, k);
  let absRet = 0;
  for (let j = 0; j < k; j++) absRet += Math.abs((weights[j] as number) * (mu[j] as number));
  for (let i = 0; i < k; i++) {
    const wi = weights[i] as number;
    // SR is scale-invariant, so zeroing wᵢ equals dropping i and renormalising — unless nothing is left.
    let restTotal = 0;
    for (let j = 0; j < k; j++) if (j !== i) restTotal += Math.abs(weights[j] as number);
    if (!(restTotal > 0)) continue;
    const cross = 2 * wi * (sw[i] as number);
    const own = wi * wi * (cov[i * k + i] as number);
    const restVariance = variance - cross + own;
    const restRet = ret - wi * (mu[i] as number);
    if (restVariance > 1e-3 * (Math.abs(variance) + Math.abs(cross) + own) && Math.abs(restRet) > 1e-3 * absRet) {
      out[i] = full - restRet / Math.sqrt(restVariance);
    } else {
      rest[i] = 0;
      out[i] = full - portfolioSharpe(mu, cov, k, rest);
      rest[i] = wi;
    }
  }
  return out;
}

/**
 * Euler risk shares: wᵢ·(Σw)ᵢ / wᵀΣw — each model's share of portfolio variance; sums to 1.
 * A share can be negative (a hedge). All NaN when wᵀΣw ≤ 0.
 * @throws "riskShares requires a k×k covariance matrix" (also "k weights")
 * @example riskShares([0.0004, 0, 0, 0.0009], 2, [0.5, 0.5]) // => Float64Array [0.3076923…, 0.6923076…]
 */
export function riskShares(cov: ArrayLike<number>, k: number, weights: ArrayLike<number>): Float64Array {
  assertShapes("riskShares", null, cov, k, weights);
  const variance = quadraticForm(cov, k, weights);
  if (!(variance > 0)) return new Float64Array(k).fill(NaN);
  const sw = covTimes(cov, k, weights);
  return Float64Array.from({ length: k }, (_, i) => ((weights[i] as number) * (sw[i] as number)) / variance);
}
