/**
 * Effective number of independent bets in a set of models — three views of "how many models
 * do you really have": spectral concentration, average correlation, and Meucci's entropy of
 * principal-portfolio risk.
 */
import { symmetricEigenProjection } from "./eigen.js";

function hasNaN(m: ArrayLike<number>): boolean {
  for (let i = 0; i < m.length; i++) if (Number.isNaN(m[i])) return true;
  return false;
}

function assertSquare(m: ArrayLike<number>, k: number, name: string): void {
  if (!Number.isInteger(k) || k < 0 || m.length !== k * k) throw new Error(`${name} requires a k×k matrix`);
}

/**
 * Participation ratio of a correlation (or covariance) matrix's eigenvalues: (Σλ)² / Σλ².
 * Computed as tr(C)² / ‖C‖²_F, which equals the eigenvalue form for any symmetric matrix
 * without an eigendecomposition. 1 when one factor explains everything, k for k uncorrelated
 * models. NaN when any entry is NaN, k = 0, or the matrix is 0.
 * @throws "participationRatio requires a k×k matrix"
 * @example participationRatio([1, 0.5, 0.5, 1], 2) // => 1.6 (eigenvalues 1.5, 0.5: 4 / 2.5)
 */
export function participationRatio(corr: ArrayLike<number>, k: number): number {
  assertSquare(corr, k, "participationRatio");
  if (k === 0 || hasNaN(corr)) return NaN;
  let trace = 0;
  let frobenius = 0;
  for (let i = 0; i < k; i++) trace += corr[i * k + i] as number;
  for (let i = 0; i < k * k; i++) frobenius += (corr[i] as number) * (corr[i] as number);
  if (!(frobenius > 0)) return NaN;
  return (trace * trace) / frobenius;
}

/**
 * Effective bets from the average correlation: N / (1 + (N − 1)·ρ̄), ρ̄ the mean of the
 * off-diagonal entries, clipped to [1, N]. When ρ̄ ≤ −1/(N − 1) (denominator ≤ 0: maximally
 * diversified) the result is N. N = 1 gives 1. NaN when any entry is NaN or N = 0.
 * @throws "averageCorrelationBets requires a k×k matrix"
 * @example averageCorrelationBets([1, 0.5, 0.2, 0.5, 1, 0.3, 0.2, 0.3, 1], 3) // => 1.8 (ρ̄ = 1/3: 3 / (1 + 2/3))
 */
export function averageCorrelationBets(corr: ArrayLike<number>, k: number): number {
  assertSquare(corr, k, "averageCorrelationBets");
  if (k === 0 || hasNaN(corr)) return NaN;
  if (k === 1) return 1;
  let off = 0;
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) if (i !== j) off += corr[i * k + j] as number;
  }
  const rhoBar = off / (k * (k - 1));
  const denominator = 1 + (k - 1) * rhoBar;
  if (!(denominator > 0)) return k;
  return Math.min(k, Math.max(1, k / denominator));
}

/**
 * Meucci's (2009) effective number of bets: exp(−Σᵢ pᵢ ln pᵢ), with 0·ln 0 = 0, where pᵢ is the
 * share of portfolio variance carried by principal portfolio i: Σ = EΛEᵀ, w̃ = Eᵀw,
 * pᵢ = w̃ᵢ²λᵢ / Σⱼ w̃ⱼ²λⱼ. Ranges over [1, k]. Eigenvalues below 0 (rounding, or a pairwise
 * matrix that is not PSD) are treated as 0, and so are contributions below k·ε·λ_max·‖w‖² (rounding
 * noise of the decomposition). Weights need not be normalised.
 * NaN when any entry is NaN or the portfolio variance is 0 (to rounding).
 * @throws "meucciEffectiveBets requires a k×k matrix"
 * @throws "meucciEffectiveBets requires k weights"
 * @example meucciEffectiveBets([1, 0, 0, 1], 2, [0.5, 0.5]) // => 2
 */
export function meucciEffectiveBets(cov: ArrayLike<number>, k: number, weights: ArrayLike<number>): number {
  assertSquare(cov, k, "meucciEffectiveBets");
  if (weights.length !== k) throw new Error("meucciEffectiveBets requires k weights");
  if (k === 0 || hasNaN(cov) || hasNaN(weights)) return NaN;
  const { values, projection } = symmetricEigenProjection(cov, k, weights);
  // Contributions at the rounding level of the decomposition are noise, not risk: without this
  // cut a riskless portfolio (w along a zero eigenvalue) would report 1 bet instead of NaN.
  let weightNorm = 0;
  for (let r = 0; r < k; r++) weightNorm += (weights[r] as number) ** 2;
  const noise = k * Number.EPSILON * Math.max(0, values[0] as number) * weightNorm;
  const contributions = new Float64Array(k);
  let total = 0;
  for (let j = 0; j < k; j++) {
    const wt = projection[j] as number;
    const c = wt * wt * Math.max(0, values[j] as number);
    if (c > noise) {
      contributions[j] = c;
      total += c;
    }
  }
  if (!(total > 0)) return NaN;
  let entropy = 0;
  for (let j = 0; j < k; j++) {
    const p = (contributions[j] as number) / total;
    if (p > 0) entropy -= p * Math.log(p);
  }
  return Math.exp(entropy);
}
