/**
 * The risk model: what every estimate of how models move together starts from — sample means and
 * covariance (ddof 1), correlation, and Ledoit–Wolf shrinkage — in one place, as PyPortfolioOpt's
 * `risk_models.py` is for it. Allocation, contribution, effective bets, pruning, the digest and the
 * walk-forward (through {@link RunningMoments}, the same estimates updated row by row) all use these.
 * Pure; no imports from the rest of the app.
 */
import { centreColumns, crossProducts, sumSquaredRowNorms } from "./dense.js";
import { mean } from "./moments.js";

/**
 * Covariance matrix of k equal-length columns, row-major k×k, symmetric by construction.
 * Columns are centred on their compensated means first (two-pass), which is as accurate as
 * Welford and vectorises better for the many-pairs case.
 * @throws "covarianceMatrix requires columns of equal length"
 * @example covarianceMatrix([[1, 2, 3], [1, 2, 4]]) // => Float64Array [1, 1.5, 1.5, 2.333…]
 */
export function covarianceMatrix(columns: readonly ArrayLike<number>[], correction = 1): Float64Array {
  return covarianceAbout(columns, columnMeans(columns), correction);
}

/** The compensated mean of each column. */
function columnMeans(columns: readonly ArrayLike<number>[]): Float64Array {
  const means = new Float64Array(columns.length);
  for (let i = 0; i < columns.length; i++) means[i] = mean(columns[i] as ArrayLike<number>);
  return means;
}

/** {@link covarianceMatrix} given the columns' means (so a caller that needs them too computes them once). */
function covarianceAbout(columns: readonly ArrayLike<number>[], means: Float64Array, correction: number): Float64Array {
  const k = columns.length;
  if (k === 0) return new Float64Array(0);
  const n = (columns[0] as ArrayLike<number>).length;
  for (const c of columns) {
    if (c.length !== n) throw new Error("covarianceMatrix requires columns of equal length");
  }
  if (n - correction <= 0) return new Float64Array(k * k).fill(NaN);
  return covarianceOfCentred(centreColumns(columns, n, means), k, n, correction);
}

/** Σ = G/(n − correction) from k centred columns packed model-major (d[i·n + t]); n − correction > 0. */
function covarianceOfCentred(d: Float64Array, k: number, n: number, correction: number): Float64Array {
  const g = crossProducts(d, k, n);
  const scale = n - correction;
  for (let i = 0; i < k * k; i++) g[i] = (g[i] as number) / scale;
  return g;
}

/**
 * Correlation matrix from a covariance matrix (row-major k×k): Σᵢⱼ / √(ΣᵢᵢΣⱼⱼ).
 * NaN where a variance is 0 (undefined), 1 on the diagonal otherwise.
 */
export function correlationFromCovariance(cov: Float64Array, k: number): Float64Array {
  const out = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const d = Math.sqrt((cov[i * k + i] as number) * (cov[j * k + j] as number));
      out[i * k + j] = d > 0 ? (i === j ? 1 : (cov[i * k + j] as number) / d) : NaN;
    }
  }
  return out;
}

/**
 * Pearson correlation matrix (row-major k×k) of equal-length aligned columns: the sample
 * covariance scaled by the standard deviations; NaN where a column is constant.
 * @example correlationMatrix([[1, 2, 3], [1, 2, 4]])[1] // => 0.9819805060619657 (numpy: np.corrcoef)
 */
export function correlationMatrix(columns: readonly ArrayLike<number>[]): Float64Array {
  return correlationFromCovariance(covarianceMatrix(columns), columns.length);
}

/**
 * @internal {@link correlationMatrix} of columns already centred on their (compensated) means and
 * packed model-major, d[i·n + t] = xᵢₜ − x̄ᵢ (as `centreColumns` packs them): for a caller that
 * keeps centred columns to reuse, e.g. one model's window shared by many portfolios. The same
 * numbers as correlationMatrix of the uncentred columns, bit for bit.
 * @throws "correlationOfCentred requires k·n values"
 * @example correlationOfCentred(Float64Array.of(-1, 0, 1, -2, -1, 3), 2, 3)[1] // => 0.944911182523068 (columns [1, 2, 3] and [1, 2, 6] centred: 5/√28)
 */
export function correlationOfCentred(d: Float64Array, k: number, n: number): Float64Array {
  if (d.length !== k * n) throw new Error("correlationOfCentred requires k·n values");
  if (n - 1 <= 0) return new Float64Array(k * k).fill(NaN);
  return correlationFromCovariance(covarianceOfCentred(d, k, n, 1), k);
}

/**
 * Sample mean vector μ and sample covariance Σ (ddof 1, row-major k×k) of equal-length,
 * already aligned columns (use `alignByRound` first).
 * @throws "covarianceMatrix requires columns of equal length"
 * @example sampleMoments([Float64Array.of(1, 2, 3), Float64Array.of(1, 2, 4)]).cov // => Float64Array [1, 1.5, 1.5, 2.333333333333333]
 */
export function sampleMoments(columns: readonly ArrayLike<number>[]): { mu: Float64Array; cov: Float64Array; k: number } {
  const mu = columnMeans(columns);
  return { mu, cov: covarianceAbout(columns, mu, 1), k: columns.length };
}

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
  const means = columnMeans(columns);
  if (n < 2) return { estimate: { cov: new Float64Array(k * k).fill(NaN), shrinkage: NaN }, means, gram: null, n };
  const d = centreColumns(columns, n, means);
  const gram = crossProducts(d, k, n);
  const emp = new Float64Array(k * k);
  for (let i = 0; i < k * k; i++) emp[i] = (gram[i] as number) / n;
  return { estimate: ledoitWolfFromMoments(emp, k, n, sumSquaredRowNorms(d, k, n)), means, gram, n };
}

/**
 * Means, sample covariance (ddof 1) and Ledoit–Wolf shrunk covariance of aligned columns — the
 * `AllocationInput` every allocation method needs. One centring and one cross-product pass serve both
 * covariances.
 * @throws "ledoitWolf requires at least one column"
 * @throws "ledoitWolf requires columns of equal length"
 * @throws "ledoitWolf requires finite values"
 * @example allocationInput([[1, 2, 3, 4], [2, 1, 4, 3]]).shrinkage // => 0.4444444444444444
 */
export function allocationInput(columns: readonly ArrayLike<number>[]): {
  mu: Float64Array;
  cov: Float64Array;
  k: number;
  shrunkCov: Float64Array;
  shrinkage: number;
} {
  const { estimate, means, gram, n } = ledoitWolfWithCrossProducts(columns);
  const k = columns.length;
  const cov = new Float64Array(k * k);
  if (gram === null) cov.fill(NaN);
  else for (let i = 0; i < k * k; i++) cov[i] = (gram[i] as number) / (n - 1);
  return { mu: means, cov, k, shrunkCov: estimate.cov, shrinkage: estimate.shrinkage };
}

/**
 * Running sums over a window of rows of shifted data yₜ = xₜ − c, enough for the mean, the
 * covariance and the Ledoit–Wolf shrinkage: Σy, Σyyᵀ, Σ‖y‖², Σ‖y‖⁴ and Σ‖y‖²·y. The shift c only
 * improves rounding; every statistic is shift-invariant. Rows come packed round-major
 * (x[t·k + i]), so each update reads one contiguous row.
 */
export class RunningMoments {
  private n = 0;
  private readonly s1: Float64Array;
  private readonly s11: Float64Array;
  private readonly p: Float64Array;
  private a = 0;
  private a2 = 0;
  private readonly row: Float64Array;
  private readonly block: Float64Array;
  private readonly emp: Float64Array;
  private readonly mean: Float64Array;
  private readonly cov: Float64Array;

  constructor(
    private readonly rows: Float64Array,
    private readonly shift: Float64Array,
    private readonly k: number,
  ) {
    this.s1 = new Float64Array(k);
    this.s11 = new Float64Array(k * k);
    this.p = new Float64Array(k);
    this.row = new Float64Array(k);
    this.block = new Float64Array(4 * k);
    this.emp = new Float64Array(k * k);
    this.mean = new Float64Array(k);
    this.cov = new Float64Array(k * k);
  }

  /** Adds (sign 1) or removes (sign −1) rows [from, to). */
  update(from: number, to: number, sign: 1 | -1): void {
    let t = from;
    // Four rows per sweep of the k×k sums: one load and store of each sum per four products.
    for (; t + 4 <= to; t += 4) this.updateFour(t, sign);
    for (; t < to; t++) this.updateOne(t, sign);
  }

  /** Centres row t into `out` (at offset) and returns ‖y‖². */
  private load(t: number, out: Float64Array, offset: number): number {
    const { k, rows, shift } = this;
    const o = t * k;
    let a = 0;
    for (let i = 0; i < k; i++) {
      const y = (rows[o + i] as number) - (shift[i] as number);
      out[offset + i] = y;
      a += y * y;
    }
    return a;
  }

  private updateOne(t: number, sign: 1 | -1): void {
    const { k, row, s1, s11, p } = this;
    const a = this.load(t, row, 0);
    this.n += sign;
    this.a += sign * a;
    this.a2 += sign * a * a;
    for (let i = 0; i < k; i++) {
      const yi = sign * (row[i] as number);
      s1[i] = (s1[i] as number) + yi;
      p[i] = (p[i] as number) + a * yi;
      const ri = i * k;
      for (let j = i; j < k; j++) s11[ri + j] = (s11[ri + j] as number) + yi * (row[j] as number);
    }
  }

  private updateFour(t: number, sign: 1 | -1): void {
    const { k, block, s1, s11, p } = this;
    const a0 = this.load(t, block, 0);
    const a1 = this.load(t + 1, block, k);
    const a2 = this.load(t + 2, block, 2 * k);
    const a3 = this.load(t + 3, block, 3 * k);
    this.n += 4 * sign;
    this.a += sign * (a0 + a1 + a2 + a3);
    this.a2 += sign * (a0 * a0 + a1 * a1 + a2 * a2 + a3 * a3);
    const k2 = 2 * k;
    const k3 = 3 * k;
    for (let i = 0; i < k; i++) {
      const y0 = sign * (block[i] as number);
      const y1 = sign * (block[k + i] as number);
      const y2 = sign * (block[k2 + i] as number);
      const y3 = sign * (block[k3 + i] as number);
      s1[i] = (s1[i] as number) + (y0 + y1 + y2 + y3);
      p[i] = (p[i] as number) + (a0 * y0 + a1 * y1 + a2 * y2 + a3 * y3);
      const ri = i * k;
      for (let j = i; j < k; j++) {
        s11[ri + j] =
          (s11[ri + j] as number) +
          (y0 * (block[j] as number) + y1 * (block[k + j] as number) + y2 * (block[k2 + j] as number) + y3 * (block[k3 + j] as number));
      }
    }
  }

  /**
   * Mean (of x), sample covariance (ddof 1) and, when `shrunk`, the Ledoit–Wolf covariance of the
   * current window. The mean and covariance are this instance's own arrays, overwritten by the
   * next snapshot: a walk-forward takes one per rebalance, and a k-sized typed array costs as much
   * as the O(k²) arithmetic here.
   */
  snapshot(shrunk: boolean): { mu: Float64Array; cov: Float64Array; shrunkCov: Float64Array | undefined } {
    const { k, n, s11, emp } = this;
    const m = this.mean;
    for (let i = 0; i < k; i++) m[i] = (this.s1[i] as number) / n;
    const cov = this.cov;
    for (let i = 0; i < k; i++) {
      const mi = m[i] as number;
      for (let j = i; j < k; j++) {
        const e = (s11[i * k + j] as number) / n - mi * (m[j] as number);
        emp[i * k + j] = e;
        emp[j * k + i] = e;
        cov[i * k + j] = (e * n) / (n - 1);
        cov[j * k + i] = (e * n) / (n - 1);
      }
    }
    // Σₜ(‖yₜ − m‖²)² = Σ‖y‖⁴ − 4·m·Σ‖y‖²y + 4·mᵀ(Σyyᵀ)m + 2‖m‖²·Σ‖y‖² − 3n‖m‖⁴
    let pm = 0;
    let mm = 0;
    let mSm = 0;
    for (let i = 0; i < k; i++) {
      const mi = m[i] as number;
      pm += (this.p[i] as number) * mi;
      mm += mi * mi;
      let row = 0;
      for (let j = 0; j < i; j++) row += (s11[j * k + i] as number) * (m[j] as number);
      for (let j = i; j < k; j++) row += (s11[i * k + j] as number) * (m[j] as number);
      mSm += mi * row;
    }
    const beta = this.a2 - 4 * pm + 4 * mSm + 2 * mm * this.a - 3 * n * mm * mm;
    const shrunkCov = shrunk ? ledoitWolfFromMoments(emp, k, n, beta).cov : undefined;
    for (let i = 0; i < k; i++) m[i] = (m[i] as number) + (this.shift[i] as number);
    return { mu: m, cov, shrunkCov };
  }
}
