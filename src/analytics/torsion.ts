/**
 * Minimum-torsion effective number of bets (Meucci, Santangelo & Deguest 2015, "Risk budgeting
 * and diversification based on optimized uncorrelated factors", Risk 11/2015; SSRN 2276632).
 *
 * Definition. Treat the k models' per-round scores F as factors with covariance Σ, σ = √diag Σ,
 * C = σ⁻¹Σσ⁻¹ their correlation. A torsion t turns F into uncorrelated factors tF; the minimum-
 * torsion one keeps each tFᵢ as close as possible to its own model Fᵢ (least tracking error
 * Σᵢ Var((tF)ᵢ − Fᵢ)/σᵢ²). It is t_MT = σ·D·q·C^{−1/2}·σ⁻¹, where c = C^{1/2} (symmetric root),
 * q orthogonal and D diagonal solve the fixed point of the paper's appendix:
 *   q = (D C D)^{−1/2} D c   (the orthogonal polar factor of D c — a Procrustes step)
 *   D = diag(q c)
 * started from D = I. Weights b are the exposures; the factors' exposures are b_MT = t⁻ᵀb and
 * their risk contributions pₖ = (b_MT)ₖ (tΣb)ₖ / bᵀΣb, which sum to 1. ENB_MT = exp(−Σ pₖ ln pₖ).
 *
 * Negative contributions. Meucci's general formula can give pₖ < 0 for a torsion whose factors
 * are correlated; the minimum-torsion factors are uncorrelated (tΣtᵀ = σD²σ is diagonal), so
 * pₖ = (yₖ)² / ‖y‖² with y = q c σ b, ≥ 0 by construction. We compute that squared form, so no
 * rule for negatives is needed (0·ln 0 = 0).
 *
 * Why it is here: Meucci's (2009) entropy bets use principal portfolios, whose directions are
 * arbitrary when eigenvalues are close — four near-independent models can score 2 bets. The
 * minimum-torsion factors stay tied to the models themselves, so the figure is stable there.
 * It is not a count of independent bets: by symmetry, k equally held models with equal variances
 * and one common correlation ρ < 1 score exactly k, however close ρ is to 1.
 */
import { symmetricEigen } from "./eigen.js";

/**
 * The fixed point stops when max|g(d)ᵢ − dᵢ| ≤ this (g one step of the iteration) and returns g(d).
 * 1e-13 keeps ENB_MT within ~1e-12 of the plain iteration's limit on the real near-duplicate sets.
 */
export const MINIMUM_TORSION_TOLERANCE = 1e-13;
/**
 * Steps allowed. The plain iteration converges linearly and slowly next to a near-duplicate pair
 * (ρ ≈ 0.99999: ~2,400 steps, 30 ms for 10 models, seconds for 50); with Anderson mixing it takes
 * 10–30 steps on every matrix we tried, so hitting this means something is wrong.
 */
export const MINIMUM_TORSION_MAX_ITERATIONS = 2_000;
/**
 * When C is ill-conditioned (a near-copy and a near-mirror in one set) the step's rounding floor
 * can sit above the tolerance; after this many steps without a new smallest residual, the best
 * step is returned if its residual is at most MINIMUM_TORSION_STALL_TOLERANCE.
 */
export const MINIMUM_TORSION_STALL = 50;
export const MINIMUM_TORSION_STALL_TOLERANCE = 1e-9;
/** Anderson mixing memory: the last this many steps' differences (Walker & Ni 2011; 5 is their usual choice). */
export const MINIMUM_TORSION_MEMORY = 5;
/**
 * A correlation matrix whose smallest eigenvalue is at most this × the largest counts as singular:
 * C^{−1/2} is undefined, and above cond(C) ≈ 1e10 the fixed point no longer settles in double
 * precision (a copy at 1e-5 relative noise). The real near-duplicate pair (ρ = 0.99999) has 4e-6.
 */
export const MINIMUM_TORSION_SINGULAR = 1e-10;

interface TorsionParts {
  readonly sigma: Float64Array;
  readonly d: Float64Array;
  readonly q: Float64Array;
  readonly c: Float64Array;
  readonly cInverse: Float64Array;
  readonly iterations: number;
}

function assertSquare(m: ArrayLike<number>, k: number, name: string): void {
  if (!Number.isInteger(k) || k < 0 || m.length !== k * k) throw new Error(`${name} requires a k×k matrix`);
}

function hasNaN(m: ArrayLike<number>): boolean {
  for (let i = 0; i < m.length; i++) if (Number.isNaN(m[i])) return true;
  return false;
}

/** E·diag(f(λ))·Eᵀ from a symmetric eigendecomposition. */
function spectralFunction(vectors: Float64Array, values: Float64Array, k: number, f: (x: number) => number): Float64Array {
  const fl = Float64Array.from(values, f);
  const out = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let j = i; j < k; j++) {
      let s = 0;
      for (let m = 0; m < k; m++) s += (vectors[i * k + m] as number) * (fl[m] as number) * (vectors[j * k + m] as number);
      out[i * k + j] = s;
      out[j * k + i] = s;
    }
  }
  return out;
}

function multiply(a: Float64Array, b: Float64Array, k: number): Float64Array {
  const out = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let m = 0; m < k; m++) {
      const aim = a[i * k + m] as number;
      if (aim === 0) continue;
      for (let j = 0; j < k; j++) out[i * k + j] = (out[i * k + j] as number) + aim * (b[m * k + j] as number);
    }
  }
  return out;
}

/** D·C·D, exactly symmetric (symmetricEigen checks symmetry at 1e-10). */
function scaledCorrelation(corr: Float64Array, d: Float64Array, k: number): Float64Array {
  const u = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let j = i; j < k; j++) {
      const v = (d[i] as number) * (corr[i * k + j] as number) * (d[j] as number);
      u[i * k + j] = v;
      u[j * k + i] = v;
    }
  }
  return u;
}

/** q = (D C D)^{−1/2}·D·c, the orthogonal polar factor of D·c (C = c², so (Dc)(Dc)ᵀ = DCD). */
function polarStep(corr: Float64Array, c: Float64Array, d: Float64Array, k: number): Float64Array {
  const { values, vectors } = symmetricEigen(scaledCorrelation(corr, d, k), k);
  const dc = new Float64Array(k * k);
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) dc[i * k + j] = (d[i] as number) * (c[i * k + j] as number);
  return multiply(spectralFunction(vectors, values, k, (x) => 1 / Math.sqrt(x)), dc, k);
}

/**
 * Anderson acceleration (type II) of a fixed point x = g(x): the next iterate is
 * g(xᵢ) − ΔG·γ with γ = argmin ‖fᵢ − ΔF·γ‖, fᵢ = g(xᵢ) − xᵢ, ΔF/ΔG the differences of the last
 * `memory` residuals/images. Same limit as the plain iteration, far fewer steps. Falls back to the
 * plain step (and forgets its history) when the mixed iterate is not finite and positive, or
 * (the caller's check) when a step grew the residual.
 */
class AndersonMixer {
  private readonly images: Float64Array[] = [];
  private readonly residuals: Float64Array[] = [];
  constructor(
    private readonly k: number,
    private readonly memory: number,
  ) {}

  next(x: Float64Array, gx: Float64Array): Float64Array {
    const k = this.k;
    const f = Float64Array.from(gx, (v, i) => v - (x[i] as number));
    this.images.push(gx);
    this.residuals.push(f);
    if (this.images.length > this.memory + 1) {
      this.images.shift();
      this.residuals.shift();
    }
    const m = this.residuals.length - 1;
    if (m === 0) return gx;
    // Least squares by modified Gram–Schmidt on the residual differences; columns that add
    // nothing new (norm below 1e-12 of the original) are dropped.
    const qCols: Float64Array[] = [];
    const gCols: Float64Array[] = [];
    const r: number[][] = [];
    for (let j = 0; j < m; j++) {
      const df = Float64Array.from(this.residuals[j + 1] as Float64Array, (v, i) => v - ((this.residuals[j] as Float64Array)[i] as number));
      const dg = Float64Array.from(this.images[j + 1] as Float64Array, (v, i) => v - ((this.images[j] as Float64Array)[i] as number));
      const original = Math.hypot(...df);
      const row: number[] = [];
      for (const qc of qCols) {
        let dot = 0;
        for (let i = 0; i < k; i++) dot += (qc[i] as number) * (df[i] as number);
        for (let i = 0; i < k; i++) df[i] = (df[i] as number) - dot * (qc[i] as number);
        row.push(dot);
      }
      const norm = Math.hypot(...df);
      if (!(norm > 1e-12 * original)) continue;
      for (let i = 0; i < k; i++) df[i] = (df[i] as number) / norm;
      row.push(norm);
      qCols.push(df);
      gCols.push(dg);
      r.push(row);
    }
    // Solve R·γ = Qᵀf (R upper triangular, stored by column in r).
    const n = qCols.length;
    const rhs = qCols.map((qc) => qc.reduce((s, v, i) => s + v * (f[i] as number), 0));
    const gamma = new Array<number>(n).fill(0);
    for (let i = n - 1; i >= 0; i--) {
      let s = rhs[i] as number;
      for (let j = i + 1; j < n; j++) s -= ((r[j] as number[])[i] as number) * (gamma[j] as number);
      gamma[i] = s / ((r[i] as number[])[i] as number);
    }
    const out = Float64Array.from(gx);
    for (let j = 0; j < n; j++) {
      const dg = gCols[j] as Float64Array;
      for (let i = 0; i < k; i++) out[i] = (out[i] as number) - (gamma[j] as number) * (dg[i] as number);
    }
    if (out.every((v) => Number.isFinite(v) && v > 0)) return out;
    this.reset();
    return gx;
  }

  reset(): void {
    this.images.length = 0;
    this.residuals.length = 0;
  }
}

/** The fixed point, or null when the minimum-torsion matrix is not defined (NaN, a constant model, a singular C, no convergence). */
function solve(cov: ArrayLike<number>, k: number, name: string): TorsionParts | null {
  assertSquare(cov, k, name);
  if (k === 0 || hasNaN(cov)) return null;
  const sigma = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    const v = cov[i * k + i] as number;
    if (!(v > 0)) return null;
    sigma[i] = Math.sqrt(v);
  }
  const corr = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) corr[i * k + j] = (cov[i * k + j] as number) / ((sigma[i] as number) * (sigma[j] as number));
    corr[i * k + i] = 1;
  }
  const eig = symmetricEigen(corr, k);
  const largest = eig.values[0] as number;
  const smallest = eig.values[k - 1] as number;
  if (!(smallest > MINIMUM_TORSION_SINGULAR * largest)) return null;
  const c = spectralFunction(eig.vectors, eig.values, k, Math.sqrt);
  const cInverse = spectralFunction(eig.vectors, eig.values, k, (x) => 1 / Math.sqrt(x));

  // One step d ↦ diag(q c) with q = (DCD)^{−1/2}·D·c: q c = (DCD)^{−1/2}·D·C, so with
  // DCD = W·M·Wᵀ only Wᵀ(DC) is formed — q itself is needed once, at the end.
  const step = (x: Float64Array): Float64Array => {
    const { values, vectors } = symmetricEigen(scaledCorrelation(corr, x, k), k);
    // z = Wᵀ·D·C, accumulated row by row so the inner loop runs along contiguous memory.
    const z = new Float64Array(k * k);
    for (let r = 0; r < k; r++) {
      const xr = x[r] as number;
      const row = r * k;
      for (let m = 0; m < k; m++) {
        const w = (vectors[row + m] as number) * xr;
        if (w === 0) continue;
        const zm = m * k;
        for (let i = 0; i < k; i++) z[zm + i] = (z[zm + i] as number) + w * (corr[row + i] as number);
      }
    }
    const next = new Float64Array(k);
    for (let m = 0; m < k; m++) {
      const scale = 1 / Math.sqrt(values[m] as number);
      for (let i = 0; i < k; i++) next[i] = (next[i] as number) + (vectors[i * k + m] as number) * scale * (z[m * k + i] as number);
    }
    return next;
  };
  const anderson = new AndersonMixer(k, MINIMUM_TORSION_MEMORY);
  const done = (d: Float64Array, iterations: number): TorsionParts => ({ sigma, d, q: polarStep(corr, c, d, k), c, cInverse, iterations });
  let x: Float64Array = new Float64Array(k).fill(1);
  let best = { residual: Infinity, d: x, iteration: 0 };
  let previousResidual = Infinity;
  for (let iteration = 1; iteration <= MINIMUM_TORSION_MAX_ITERATIONS; iteration++) {
    const gx = step(x);
    let residual = 0;
    for (let i = 0; i < k; i++) residual = Math.max(residual, Math.abs((gx[i] as number) - (x[i] as number)));
    if (!Number.isFinite(residual)) return null;
    if (residual <= MINIMUM_TORSION_TOLERANCE) return done(gx, iteration);
    if (residual < best.residual) best = { residual, d: gx, iteration };
    // At a rounding floor above the tolerance (an ill-conditioned C) the residual only wanders:
    // take the best step seen once it has not improved for a while.
    if (iteration - best.iteration >= MINIMUM_TORSION_STALL && best.residual <= MINIMUM_TORSION_STALL_TOLERANCE) return done(best.d, iteration);
    // Safeguard: a step that grows the residual means the mixing went astray (near-collinear
    // history on an ill-conditioned C) — forget the history and take the plain step.
    if (residual > previousResidual) {
      anderson.reset();
      x = gx;
    } else {
      x = anderson.next(x, gx);
    }
    previousResidual = residual;
  }
  // Not expected below the singularity cut; undefined rather than a throw, so one reply's
  // ill-conditioned matrix costs its figure, not the whole reply.
  return null;
}

/**
 * The minimum-torsion matrix t_MT = σ·D·q·C^{−1/2}·σ⁻¹ of a covariance matrix (definition at the
 * top of this file): t_MT·F are uncorrelated factors, each as close as possible to one model.
 * Row-major k×k; all NaN when undefined: a NaN entry, a model with zero variance, a singular
 * correlation matrix (one model is a combination of the others; see MINIMUM_TORSION_SINGULAR),
 * or no convergence within MINIMUM_TORSION_MAX_ITERATIONS (not expected — a bug report).
 * @throws "minimumTorsion requires a k×k matrix" (also "a symmetric matrix", from the eigensolver)
 * @example minimumTorsion([4, 0, 0, 1], 2).t // => Float64Array [1, 0, 0, 1] (already uncorrelated)
 */
export function minimumTorsion(cov: ArrayLike<number>, k: number): { readonly t: Float64Array; readonly iterations: number } {
  const parts = solve(cov, k, "minimumTorsion");
  if (!parts) return { t: new Float64Array(k * k).fill(NaN), iterations: 0 };
  const { sigma, d, q, cInverse } = parts;
  const qc = multiply(q, cInverse, k);
  const t = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) t[i * k + j] = ((sigma[i] as number) * (d[i] as number) * (qc[i * k + j] as number)) / (sigma[j] as number);
  }
  return { t, iterations: parts.iterations };
}

/** Minimum-torsion bets of a weighted portfolio. */
export interface MinimumTorsionBets {
  /** ENB_MT = exp(−Σ pₖ ln pₖ), in [1, k]. */
  readonly enb: number;
  /** pₖ, the share of portfolio variance carried by minimum-torsion factor k (≥ 0, sum 1). */
  readonly contributions: Float64Array;
  /** b_MT = t_MTᵀ⁻¹·b, the portfolio's exposure to each minimum-torsion factor. */
  readonly exposures: Float64Array;
}

/**
 * Minimum-torsion effective number of bets of weights b on covariance Σ: exp(−Σₖ pₖ ln pₖ),
 * pₖ = (b_MT)ₖ(t_MT Σ b)ₖ / bᵀΣb (definition at the top of this file). 1 when one factor carries
 * all the risk, k for k uncorrelated equal-risk holdings; unlike Meucci's principal-portfolio
 * version it does not jump when eigenvalues are close. Weights need not be normalised.
 * All NaN when t_MT is undefined (see {@link minimumTorsion}) or the portfolio variance is 0.
 * @throws "minimumTorsionBets requires a k×k matrix"
 * @throws "minimumTorsionBets requires k weights"
 * @example minimumTorsionBets([1, 0, 0, 1], 2, [0.5, 0.5]).enb // => 2
 */
export function minimumTorsionBets(cov: ArrayLike<number>, k: number, weights: ArrayLike<number>): MinimumTorsionBets {
  assertSquare(cov, k, "minimumTorsionBets");
  if (weights.length !== k) throw new Error("minimumTorsionBets requires k weights");
  const undefinedResult = { enb: NaN, contributions: new Float64Array(k).fill(NaN), exposures: new Float64Array(k).fill(NaN) };
  if (hasNaN(weights)) return undefinedResult;
  const parts = solve(cov, k, "minimumTorsionBets");
  if (!parts) return undefinedResult;
  const { sigma, d, q, c } = parts;
  // y = q·c·σb; tΣb = σD·y and t⁻ᵀb = (σD)⁻¹·y, so pₖ = yₖ² / bᵀΣb and bᵀΣb = ‖c σ b‖² = ‖y‖².
  const sb = Float64Array.from(sigma, (s, i) => s * (weights[i] as number));
  const qc = multiply(q, c, k);
  const y = new Float64Array(k);
  let total = 0;
  for (let i = 0; i < k; i++) {
    let s = 0;
    for (let j = 0; j < k; j++) s += (qc[i * k + j] as number) * (sb[j] as number);
    y[i] = s;
    total += s * s;
  }
  if (!(total > 0)) return undefinedResult;
  const contributions = Float64Array.from(y, (v) => (v * v) / total);
  let entropy = 0;
  for (const p of contributions) if (p > 0) entropy -= p * Math.log(p);
  const exposures = Float64Array.from(y, (v, i) => v / ((sigma[i] as number) * (d[i] as number)));
  return { enb: Math.exp(entropy), contributions, exposures };
}
