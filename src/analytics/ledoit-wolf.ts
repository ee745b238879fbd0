/**
 * Ledoit–Wolf shrinkage of a covariance matrix toward a scaled identity, exactly as
 * scikit-learn's `LedoitWolf().fit(X)` (sklearn.covariance, `ledoit_wolf_shrinkage`).
 */
import { centreColumns, crossProducts, sumSquaredRowNorms } from "./dense.js";
import { mean } from "./moments.js";

/** A shrunk covariance (row-major k×k) and the shrinkage intensity δ ∈ [0, 1] that produced it. */
export interface LedoitWolfEstimate {
  readonly cov: Float64Array;
  readonly shrinkage: number;
}

/**
 * @internal The Ledoit–Wolf step from sufficient statistics, shared with walk-forward's running
 * moments. `empiricalCov` is the population (ddof 0) covariance S of n centred rows x̃ₜ;
 * `sumSquaredRowNorms` is Σₜ (Σᵢ x̃ₜᵢ²)² (the sum of all entries of X̃²ᵀX̃², sklearn's `beta_`).
 */
export function ledoitWolfFromMoments(
  empiricalCov: ArrayLike<number>,
  k: number,
  n: number,
  sumSquaredRowNorms: number,
): LedoitWolfEstimate {
  let trace = 0;
  for (let i = 0; i < k; i++) trace += empiricalCov[i * k + i] as number;
  const mu = trace / k;
  let shrinkage = 0;
  if (k > 1) {
    // sklearn: delta_ = Σ (X̃ᵀX̃)² / n² = ‖S‖²_F; beta = (beta_/n − delta_)/(k·n);
    // delta = (delta_ − 2μ·tr S + kμ²)/k = ‖S − μI‖²_F / k; shrinkage = min(beta, delta)/delta.
    let frobenius = 0;
    for (let i = 0; i < k * k; i++) frobenius += (empiricalCov[i] as number) ** 2;
    let beta = (sumSquaredRowNorms / n - frobenius) / (k * n);
    const delta = (frobenius - 2 * mu * trace + k * mu * mu) / k;
    beta = Math.min(beta, delta);
    shrinkage = beta === 0 ? 0 : beta / delta;
  }
  const cov = new Float64Array(k * k);
  for (let i = 0; i < k * k; i++) cov[i] = (1 - shrinkage) * (empiricalCov[i] as number);
  for (let i = 0; i < k; i++) cov[i * k + i] = (cov[i * k + i] as number) + shrinkage * mu;
  return { cov, shrinkage };
}

function allFinite(values: ArrayLike<number>): boolean {
  for (let t = 0; t < values.length; t++) if (!Number.isFinite(values[t])) return false;
  return true;
}

/**
 * Ledoit–Wolf shrunk covariance of k equal-length, aligned columns (scikit-learn's LedoitWolf):
 * Σ̂ = (1 − δ)·S + δ·μ·I, with S the population covariance (ddof 0) of the centred data,
 * μ = tr(S)/k, and δ = min(β, d²)/d² where d² = ‖S − μI‖²_F / k and
 * β = (Σₜ ‖x̃ₜ‖⁴ / n − ‖S‖²_F) / (k·n). δ = 0 for a single column. Note Σ̂ is on the ddof-0 scale.
 * NaN (cov and shrinkage) with fewer than two rows.
 * @throws "ledoitWolf requires at least one column"
 * @throws "ledoitWolf requires columns of equal length"
 * @throws "ledoitWolf requires finite values"
 * @example ledoitWolf([[1, 2, 3, 4], [2, 1, 4, 3]]).shrinkage // => 0.4444444444444444 (sklearn LedoitWolf().fit(X).shrinkage_)
 */
export function ledoitWolf(columns: readonly ArrayLike<number>[]): LedoitWolfEstimate {
  return ledoitWolfWithCrossProducts(columns).estimate;
}

/**
 * @internal {@link ledoitWolf} (same checks and messages) that also returns what it computed on
 * the way — the column means and the cross products G = X̃ᵀX̃ of the centred columns — so a caller
 * that needs the sample covariance too (G/(n − 1)) pays for the O(n·k²) pass once.
 * `gram` is null with fewer than two rows.
 */
export function ledoitWolfWithCrossProducts(columns: readonly ArrayLike<number>[]): {
  estimate: LedoitWolfEstimate;
  means: Float64Array;
  gram: Float64Array | null;
  n: number;
} {
  const k = columns.length;
  if (k === 0) throw new Error("ledoitWolf requires at least one column");
  const n = (columns[0] as ArrayLike<number>).length;
  for (const c of columns) {
    if (c.length !== n) throw new Error("ledoitWolf requires columns of equal length");
    if (!allFinite(c)) throw new Error("ledoitWolf requires finite values");
  }
  const means = Float64Array.from(columns, (c) => mean(c));
  if (n < 2) return { estimate: { cov: new Float64Array(k * k).fill(NaN), shrinkage: NaN }, means, gram: null, n };
  const d = centreColumns(columns, n, means);
  const gram = crossProducts(d, k, n);
  const emp = new Float64Array(k * k);
  for (let i = 0; i < k * k; i++) emp[i] = (gram[i] as number) / n;
  return { estimate: ledoitWolfFromMoments(emp, k, n, sumSquaredRowNorms(d, k, n)), means, gram, n };
}
