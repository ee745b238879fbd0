/**
 * Convex quadratic programmes on the capped simplex — the feasible set of every long-only
 * allocation with a per-model cap:
 *
 *   minimise ½·xᵀHx + cᵀx   subject to   Σᵢ xᵢ = 1,   0 ≤ xᵢ ≤ uᵢ
 *
 * Solved by a primal active-set method (Nocedal & Wright, Numerical Optimization, 2nd ed.,
 * Algorithm 16.3) specialised to bound constraints plus one equality: on the current face the
 * equality is eliminated (one free variable = 1 − Σ others) and the reduced Newton system is
 * solved by Cholesky, so every step lands exactly on the face's minimiser or on a new bound. The
 * factor is updated (O(m²)), not recomputed (O(m³)), as variables leave and enter the working set.
 * Finite termination; accuracy is that of one Cholesky solve, not of an iterative tolerance.
 *
 * H only needs to be positive SEMI-definite (duplicated models, more models than rounds): when
 * the reduced Hessian is numerically singular the step is regularised (proximal point with a
 * tiny ρ), which moves along zero-curvature descent directions until a bound stops it and
 * otherwise converges to the face minimiser.
 */

const MAX_PROXIMAL_STEPS = 100;
const LOWER = 0;
const FREE = 1;
const UPPER = 2;
const EXCLUDED = 3;

/** Result of {@link solveCappedSimplexQp}. */
export interface CappedSimplexQpSolution {
  /** The minimiser: Σx = 1, 0 ≤ x ≤ u. */
  readonly x: Float64Array;
  /** Lagrange multiplier ν of Σx = 1: at the optimum (Hx + c)ᵢ = ν for every free variable. */
  readonly nu: number;
  /** 1 where the variable is free (strictly between its bounds in the final working set). */
  readonly free: Uint8Array;
  /** Iterations used (steps plus multiplier checks). */
  readonly iterations: number;
}

/** Options of {@link solveCappedSimplexQp}. */
export interface CappedSimplexQpOptions {
  /** Upper bound uᵢ for every variable (one number for all). 0 excludes a variable. */
  readonly upper: number | ArrayLike<number>;
  /** Starting point (e.g. the previous solution); projected onto the feasible set first. */
  readonly start?: ArrayLike<number>;
}

/**
 * Euclidean projection of v onto {x : Σx = 1, 0 ≤ xᵢ ≤ uᵢ}: xᵢ = clamp(vᵢ − τ, 0, uᵢ) with τ
 * chosen so that the sum is 1 (the sum is piecewise linear and non-increasing in τ, so τ is found
 * exactly between two breakpoints).
 * @throws "projectOntoCappedSimplex requires upper bounds summing to at least 1"
 * @example projectOntoCappedSimplex([0, 0, 0, 0], [0.35, 0.35, 0.35, 0.35]) // => Float64Array [0.25, 0.25, 0.25, 0.25]
 */
export function projectOntoCappedSimplex(v: ArrayLike<number>, upper: ArrayLike<number>): Float64Array {
  const k = v.length;
  if (upper.length !== k) throw new Error("projectOntoCappedSimplex requires one upper bound per value");
  let total = 0;
  for (let i = 0; i < k; i++) total += upper[i] as number;
  if (!(total >= 1 - 1e-12)) throw new Error("projectOntoCappedSimplex requires upper bounds summing to at least 1");
  const sumAt = (tau: number): number => {
    let s = 0;
    for (let i = 0; i < k; i++) s += Math.min(upper[i] as number, Math.max(0, (v[i] as number) - tau));
    return s;
  };
  const breakpoints: number[] = [];
  for (let i = 0; i < k; i++) {
    if ((upper[i] as number) > 0) breakpoints.push((v[i] as number) - (upper[i] as number), v[i] as number);
  }
  breakpoints.sort((a, b) => a - b);
  // sumAt(first breakpoint) = Σu ≥ 1 and sumAt(last) = 0: find the segment where it crosses 1.
  let lo = breakpoints[0] as number;
  let sLo = sumAt(lo);
  let tau = lo;
  if (sLo > 1) {
    for (let j = 1; j < breakpoints.length; j++) {
      const hi = breakpoints[j] as number;
      const sHi = sumAt(hi);
      if (sHi <= 1) {
        tau = sHi === 1 || sLo === sHi ? hi : lo + ((sLo - 1) * (hi - lo)) / (sLo - sHi);
        break;
      }
      lo = hi;
      sLo = sHi;
    }
  }
  const x = new Float64Array(k);
  for (let i = 0; i < k; i++) x[i] = Math.min(upper[i] as number, Math.max(0, (v[i] as number) - tau));
  fixSum(x, upper);
  return x;
}

/**
 * Keeps Σx = 1 exact against rounding drift: puts the residual 1 − Σx on the variable with the
 * most room to absorb it (only among the FREE ones when `state` is given).
 */
function fixSum(x: Float64Array, upper: ArrayLike<number>, state?: Uint8Array): void {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] as number;
  const residual = 1 - s;
  if (residual === 0) return;
  let best = -1;
  let room = -1;
  for (let i = 0; i < x.length; i++) {
    if (state !== undefined && state[i] !== FREE) continue;
    const xi = x[i] as number;
    const r = residual > 0 ? (upper[i] as number) - xi : xi;
    if (r > room) {
      room = r;
      best = i;
    }
  }
  if (best >= 0 && room >= Math.abs(residual)) x[best] = (x[best] as number) + residual;
}

/**
 * In-place Cholesky factorisation of the m×m matrix a + ρI stored row-major with row stride
 * `stride` (lower triangle overwritten with L) — the one factorisation both the plain face solve
 * and {@link FaceFactor} use. Returns false when a pivot is ≤ `minPivot` (numerically singular
 * for our purposes).
 */
function cholesky(a: Float64Array, m: number, rho: number, minPivot: number, stride: number = m): boolean {
  for (let j = 0; j < m; j++) {
    const rj = j * stride;
    let d = (a[rj + j] as number) + rho;
    for (let p = 0; p < j; p++) d -= (a[rj + p] as number) ** 2;
    if (!(d > minPivot)) return false;
    const ljj = Math.sqrt(d);
    a[rj + j] = ljj;
    for (let i = j + 1; i < m; i++) {
      const ri = i * stride;
      let s = a[ri + j] as number;
      for (let p = 0; p < j; p++) s -= (a[ri + p] as number) * (a[rj + p] as number);
      a[ri + j] = s / ljj;
    }
  }
  return true;
}

/** Solves (LLᵀ) y = b in place in b, L the lower triangle of `l` (m×m, row stride `stride`). */
function choleskySolve(l: Float64Array, m: number, b: Float64Array, stride: number = m): void {
  for (let i = 0; i < m; i++) {
    let s = b[i] as number;
    for (let p = 0; p < i; p++) s -= (l[i * stride + p] as number) * (b[p] as number);
    b[i] = s / (l[i * stride + i] as number);
  }
  for (let i = m - 1; i >= 0; i--) {
    let s = b[i] as number;
    for (let p = i + 1; p < m; p++) s -= (l[p * stride + i] as number) * (b[p] as number);
    b[i] = s / (l[i * stride + i] as number);
  }
}

/**
 * Factorises the reduced Hessian of the face spanned by free[0..f): with p_last = −Σ others,
 * R_ab = H_ab − H_a,last − H_last,b + H_last,last. Writes R + ρI's Cholesky factor into `l`
 * ((f−1)² entries); ρ = 0 unless R is numerically singular. Returns true when regularised.
 * `gradientScale` (largest |gradient| on the face) sets ρ when the curvature is negligible next to
 * it, so a zero-curvature descent direction gets a step long enough to reach a bound.
 */
function factorReduced(
  h: ArrayLike<number>,
  k: number,
  free: ArrayLike<number>,
  f: number,
  l: Float64Array,
  gradientScale: number,
): boolean {
  const m = f - 1;
  if (m <= 0) return false;
  const last = free[m] as number;
  const hll = h[last * k + last] as number;
  let maxDiag = 0;
  for (let a = 0; a < m; a++) {
    const ia = free[a] as number;
    const hal = h[ia * k + last] as number;
    for (let b = 0; b <= a; b++) {
      const ib = free[b] as number;
      l[a * m + b] = (h[ia * k + ib] as number) - hal - (h[last * k + ib] as number) + hll;
    }
    maxDiag = Math.max(maxDiag, l[a * m + a] as number);
  }
  const r = l.slice(0, m * m);
  // A pivot below 1e-10 of the largest diagonal means a condition number beyond ~1e10: treat the
  // face as singular and take a proximal (ρ-regularised) step instead of a wild Newton step.
  if (maxDiag > 1e-300 && cholesky(l, m, 0, 1e-10 * maxDiag)) return false;
  l.set(r);
  const rho = 1e-10 * Math.max(maxDiag, gradientScale);
  if (!cholesky(l, m, rho > 1e-300 ? rho : 1, 0)) {
    throw new Error("solveCappedSimplexQp requires a positive semi-definite matrix");
  }
  return true;
}

/** p = argmin ½pᵀHp − dᵀp over face directions (Σp = 0, p = 0 off the face), from factorReduced's l. */
function reducedSolve(
  l: Float64Array,
  free: ArrayLike<number>,
  f: number,
  d: ArrayLike<number>,
  sign: number,
  q: Float64Array,
  p: Float64Array,
): void {
  p.fill(0);
  const m = f - 1;
  if (m <= 0) return;
  const last = free[m] as number;
  const dl = d[last] as number;
  for (let a = 0; a < m; a++) q[a] = sign * ((d[free[a] as number] as number) - dl);
  choleskySolve(l, m, q);
  let s = 0;
  for (let a = 0; a < m; a++) {
    p[free[a] as number] = q[a] as number;
    s += q[a] as number;
  }
  p[last] = -s;
}

/**
 * Cholesky factor of the current face's reduced Hessian, kept up to date as variables leave and
 * enter the face — O(m²) per change instead of O(m³) per iteration — which is what makes a cold
 * start (every variable free, one leaving per step) cheap.
 *
 * The face's directions are parametrised by every free variable but a reference one r
 * (p_r = −Σ others): R_ab = H_ab − H_ar − H_rb + H_rr, as {@link factorReduced}. A leaving
 * variable's row and column are deleted from L by Givens rotations, an entering one's appended by
 * one forward substitution; only when r itself leaves is L rebuilt. A singular face gets the same
 * proximal regularisation R + ρI as factorReduced, with ρ kept while within a factor 2 of
 * 1e-10·max(max diag R, gradient scale) so that updates stay valid.
 */
class FaceFactor {
  private ref = -1;
  private m = 0;
  private rho = 0;
  private valid = false;
  /** Face size at the last failed attempt to drop the regularisation (don't retry until it changes). */
  private failedUnregularisedAt = -1;
  /** order[0…m): the non-reference free variables in factor order. */
  private readonly order: Int32Array;
  /** Lower-triangular m×m factor, row stride `stride` (grown on demand: warm starts have small faces). */
  private l: Float64Array;
  private stride: number;
  private readonly scratch: Float64Array;

  private h: ArrayLike<number> = [];

  constructor(private readonly k: number) {
    this.order = new Int32Array(k);
    this.stride = 0;
    this.l = new Float64Array(0);
    this.scratch = new Float64Array(k);
  }

  /** Starts a new problem on H (the buffers, sized for k, are reused). */
  reset(h: ArrayLike<number>): void {
    this.h = h;
    this.ref = -1;
    this.m = 0;
    this.rho = 0;
    this.valid = false;
    this.failedUnregularisedAt = -1;
  }

  /** Room for an m×m factor; existing rows are kept. */
  private reserve(m: number): void {
    if (m <= this.stride) return;
    const stride = Math.min(this.k, Math.max(m, 2 * this.stride, 8));
    const l = new Float64Array(stride * stride);
    for (let a = 0; a < this.m; a++) l.set(this.l.subarray(a * this.stride, a * this.stride + a + 1), a * stride);
    this.l = l;
    this.stride = stride;
  }

  private reduced(a: number, b: number): number {
    const { h, k, ref } = this;
    return (h[a * k + b] as number) - (h[a * k + ref] as number) - (h[ref * k + b] as number) + (h[ref * k + ref] as number);
  }

  private maxDiag(): number {
    let maxDiag = 0;
    for (let a = 0; a < this.m; a++) {
      const i = this.order[a] as number;
      maxDiag = Math.max(maxDiag, this.reduced(i, i));
    }
    return maxDiag;
  }

  /** Cholesky of R + ρI in place; false when a pivot is ≤ minPivot. */
  private factor(rho: number, minPivot: number): boolean {
    this.reserve(this.m);
    const { l, stride, m, order } = this;
    for (let a = 0; a < m; a++) {
      const ia = order[a] as number;
      for (let b = 0; b <= a; b++) l[a * stride + b] = this.reduced(ia, order[b] as number);
    }
    return cholesky(l, m, rho, minPivot, stride);
  }

  /**
   * Factors the face from scratch, deciding as factorReduced does: unregularised when every pivot
   * exceeds 1e-10·max diag R, else R + ρI. Unregularised, the reference is the free variable with
   * the smallest gradient — the one the step most wants to raise, so the least likely to leave
   * (which would force another rebuild); on a non-singular face the step does not depend on that
   * choice. Regularised, it is the last free variable, as in factorReduced: there the proximal
   * path, and so which of the equally good minimisers is reached, does depend on it.
   */
  private rebuild(state: Uint8Array, g: Float64Array, gradientScale: number): void {
    const { k } = this;
    this.valid = true;
    this.failedUnregularisedAt = -1;
    let ref = -1;
    for (let i = 0; i < k; i++) if (state[i] === FREE && (ref < 0 || (g[i] as number) <= (g[ref] as number))) ref = i;
    this.reference(state, ref);
    let maxDiag = this.maxDiag();
    if (this.m === 0 || (maxDiag > 1e-300 && this.factor(0, 1e-10 * maxDiag))) {
      this.rho = 0;
      return;
    }
    this.failedUnregularisedAt = this.m;
    let last = -1;
    for (let i = 0; i < k; i++) if (state[i] === FREE) last = i;
    if (last !== ref) {
      this.reference(state, last);
      maxDiag = this.maxDiag();
    }
    this.rho = regularisation(maxDiag, gradientScale);
    if (!this.factor(this.rho, 0)) throw new Error("solveCappedSimplexQp requires a positive semi-definite matrix");
  }

  /** Parametrises the face by every free variable but `ref`, in index order. */
  private reference(state: Uint8Array, ref: number): void {
    this.ref = ref;
    this.m = 0;
    for (let i = 0; i < this.k; i++) if (state[i] === FREE && i !== ref) this.order[this.m++] = i;
  }

  /** Variable i leaves the face. */
  leave(i: number): void {
    if (!this.valid) return;
    if (i === this.ref) {
      this.valid = false;
      return;
    }
    const { l, stride, order } = this;
    const m = this.m;
    let p = 0;
    while (p < m && order[p] !== i) p++;
    if (p === m) {
      this.valid = false;
      return;
    }
    // Drop row p of L; rows below it keep one entry right of their new diagonal, which Givens
    // rotations on neighbouring columns fold back (L Lᵀ is unchanged by right rotations).
    for (let a = p; a < m - 1; a++) {
      order[a] = order[a + 1] as number;
      const dst = a * stride;
      const src = dst + stride;
      for (let b = 0; b <= a + 1; b++) l[dst + b] = l[src + b] as number;
    }
    for (let j = p; j < m - 1; j++) {
      const a = l[j * stride + j] as number;
      const b = l[j * stride + j + 1] as number;
      const r = Math.hypot(a, b);
      if (!(r > 0)) {
        // Only a zero pivot gets here (not expected: pivots stay above the singularity cut).
        this.valid = false;
        return;
      }
      const c = a / r;
      const s = b / r;
      for (let row = j; row < m - 1; row++) {
        const o = row * stride;
        const u = l[o + j] as number;
        const v = l[o + j + 1] as number;
        l[o + j] = c * u + s * v;
        l[o + j + 1] = c * v - s * u;
      }
      l[j * stride + j + 1] = 0;
    }
    this.m = m - 1;
  }

  /** Variable i enters the face. */
  enter(i: number): void {
    if (!this.valid) return;
    this.reserve(this.m + 1);
    const { l, stride, order, scratch } = this;
    const m = this.m;
    for (let b = 0; b < m; b++) {
      let s = this.reduced(i, order[b] as number);
      for (let p = 0; p < b; p++) s -= (l[m * stride + p] as number) * (l[b * stride + p] as number);
      const v = s / (l[b * stride + b] as number);
      l[m * stride + b] = v;
      scratch[b] = v;
    }
    let d = this.reduced(i, i) + this.rho;
    for (let b = 0; b < m; b++) d -= (scratch[b] as number) ** 2;
    if (!(d > 0)) {
      this.valid = false;
      return;
    }
    l[m * stride + m] = Math.sqrt(d);
    order[m] = i;
    this.m = m + 1;
  }

  /**
   * Makes the factor fit the face for this iteration and returns whether it is regularised:
   * rebuilt when invalid, when an update left an unregularised pivot ≤ 1e-10·max diag R, when ρ has
   * drifted more than 2× from its target, or (once per face size) when R alone looks well
   * conditioned again.
   */
  prepare(state: Uint8Array, g: Float64Array, gradientScale: number): boolean {
    if (!this.valid) {
      this.rebuild(state, g, gradientScale);
      return this.rho > 0;
    }
    const { l, stride, m } = this;
    const maxDiag = this.maxDiag();
    let minPivot = Infinity;
    for (let a = 0; a < m; a++) minPivot = Math.min(minPivot, (l[a * stride + a] as number) ** 2);
    if (this.rho === 0) {
      if (m === 0 || (maxDiag > 1e-300 && minPivot > 1e-10 * maxDiag)) return false;
      this.rebuild(state, g, gradientScale);
      return this.rho > 0;
    }
    const target = regularisation(maxDiag, gradientScale);
    const drifted = target > 2 * this.rho || target < this.rho / 2;
    const wellConditioned = minPivot - this.rho > 1e-9 * maxDiag && this.failedUnregularisedAt !== m;
    if (drifted || wellConditioned) this.rebuild(state, g, gradientScale);
    return this.rho > 0;
  }

  /** p = argmin ½pᵀHp − sign·dᵀp over the face directions (see reducedSolve). */
  solve(d: ArrayLike<number>, sign: number, q: Float64Array, p: Float64Array): void {
    const { l, stride, m, order, ref } = this;
    p.fill(0);
    if (m === 0) return;
    const dr = d[ref] as number;
    for (let a = 0; a < m; a++) q[a] = sign * ((d[order[a] as number] as number) - dr);
    choleskySolve(l, m, q, stride);
    let total = 0;
    for (let a = 0; a < m; a++) {
      p[order[a] as number] = q[a] as number;
      total += q[a] as number;
    }
    p[ref] = -total;
  }
}

/** ρ of a singular face: 1e-10 of the larger of the curvature and gradient scales (1 if both are 0). */
function regularisation(maxDiag: number, gradientScale: number): number {
  const rho = 1e-10 * Math.max(maxDiag, gradientScale);
  return rho > 1e-300 ? rho : 1;
}

/**
 * @internal Minimiser of ½pᵀHp − dᵀp over the face directions spanned by `freeIdx` (Σp = 0,
 * p = 0 off the face) — how the solution of the QP moves when its linear term moves by −d.
 */
export function faceDirection(h: ArrayLike<number>, k: number, freeIdx: readonly number[], d: ArrayLike<number>): Float64Array {
  const f = freeIdx.length;
  const l = new Float64Array(Math.max(1, (f - 1) * (f - 1)));
  let scale = 0;
  for (const i of freeIdx) scale = Math.max(scale, Math.abs(d[i] as number));
  factorReduced(h, k, freeIdx, f, l, scale);
  const p = new Float64Array(k);
  reducedSolve(l, freeIdx, f, d, 1, new Float64Array(Math.max(1, f)), p);
  return p;
}

/** Work buffers of one solve. Reused across solves of the same size (a walk-forward runs hundreds):
 * the solver never calls out while it uses them, so one set per size is enough. */
interface QpWorkspace {
  readonly k: number;
  readonly state: Uint8Array;
  readonly g: Float64Array;
  readonly support: Int32Array;
  readonly free: Int32Array;
  readonly face: FaceFactor;
  readonly q: Float64Array;
  readonly p: Float64Array;
}

/** Scratch space of one solve, made per call: no module state, so concurrent or re-entrant solves cannot share it. */
function workspaceFor(k: number): QpWorkspace {
  return {
    k,
    state: new Uint8Array(k),
    g: new Float64Array(k),
    support: new Int32Array(k),
    free: new Int32Array(k),
    face: new FaceFactor(k),
    q: new Float64Array(k),
    p: new Float64Array(k),
  };
}

/**
 * Minimises ½·xᵀHx + cᵀx over {x : Σx = 1, 0 ≤ xᵢ ≤ uᵢ} for a symmetric positive semi-definite H
 * (row-major k×k). Exact (to one Cholesky solve) and finite; warm-startable via `start`.
 * When H is singular the minimiser may not be unique; the one returned is reached from `start`
 * (default: the equal-weight point clipped to the bounds).
 * @throws "solveCappedSimplexQp requires a k×k matrix" (also "k linear terms", "finite inputs")
 * @throws "solveCappedSimplexQp requires upper bounds summing to at least 1"
 * @throws "solveCappedSimplexQp did not converge" (cycling; not expected — a bug report)
 * @example solveCappedSimplexQp([1, 0, 0, 3], undefined, 2, { upper: 1 }).x // => Float64Array [0.75, 0.25]
 */
export function solveCappedSimplexQp(
  h: ArrayLike<number>,
  c: ArrayLike<number> | undefined,
  k: number,
  options: CappedSimplexQpOptions,
): CappedSimplexQpSolution {
  if (!Number.isInteger(k) || k < 1 || h.length !== k * k) throw new Error("solveCappedSimplexQp requires a k×k matrix");
  if (c !== undefined && c.length !== k) throw new Error("solveCappedSimplexQp requires k linear terms");
  // 0·v is 0 for finite v and NaN otherwise: one branch-free pass instead of a test per entry.
  let nonFinite = 0;
  for (let i = 0; i < h.length; i++) nonFinite += (h[i] as number) * 0;
  const linear = c === undefined ? new Float64Array(k) : Float64Array.from(c);
  for (let i = 0; i < k; i++) nonFinite += (linear[i] as number) * 0;
  if (nonFinite !== 0) throw new Error("solveCappedSimplexQp requires finite inputs");
  const upper =
    typeof options.upper === "number" ? new Float64Array(k).fill(options.upper) : Float64Array.from(options.upper);
  let badUpper = upper.length !== k;
  for (let i = 0; i < upper.length; i++) if (!((upper[i] as number) >= 0)) badUpper = true;
  if (badUpper) throw new Error("solveCappedSimplexQp requires k non-negative upper bounds");
  for (let i = 0; i < k; i++) upper[i] = Math.min(upper[i] as number, 1);
  return solveValidatedQp(h, linear, k, upper, options.start);
}

/**
 * @internal {@link solveCappedSimplexQp} for callers that have already checked their inputs
 * (allocation.ts checks Σ and μ once for several solves): h finite k×k, `linear` finite of length
 * k, `upper` in [0, 1] of length k. Reads its arguments, never writes them.
 */
export function solveValidatedQp(
  h: ArrayLike<number>,
  linear: ArrayLike<number>,
  k: number,
  upper: Float64Array,
  start: ArrayLike<number> | undefined,
): CappedSimplexQpSolution {
  let upperSum = 0;
  for (let i = 0; i < k; i++) upperSum += upper[i] as number;
  if (upperSum >= 1 - 1e-12 && upperSum <= 1 + 1e-12) {
    // Σu = 1: the feasible set is the single point x = u (Σx made exactly 1 against the 1e-12 slack).
    const x = Float64Array.from(upper);
    fixSum(x, upper);
    return { x, nu: NaN, free: new Uint8Array(k), iterations: 0 };
  }
  const x = startingPoint(start, upper);
  const { state, g, support, free, face, q, p } = workspaceFor(k);
  face.reset(h);
  let freeCount = 0;
  for (let i = 0; i < k; i++) {
    const ui = upper[i] as number;
    // Snap rounding-level distances to a bound onto the bound.
    if ((x[i] as number) <= 1e-15) x[i] = 0;
    else if ((x[i] as number) >= ui - 1e-15) x[i] = ui;
    const xi = x[i] as number;
    if (ui === 0) state[i] = EXCLUDED;
    else if (xi <= 0) state[i] = LOWER;
    else if (xi >= ui) state[i] = UPPER;
    else {
      state[i] = FREE;
      freeCount++;
    }
  }
  if (freeCount === 0) {
    // A vertex: declare one positive variable free so the working set stays independent.
    let positive = 0;
    while ((x[positive] as number) <= 0) positive++;
    state[positive] = FREE;
  }

  let fScale = 0;
  for (let i = 0; i < k; i++) fScale = Math.max(fScale, Math.abs(h[i * k + i] as number), Math.abs(linear[i] as number));
  if (fScale === 0) fScale = 1;
  const multiplierTol = 1e-12 * fScale;
  // Proximal steps on a singular face stop once they promise less than this decrease, or after
  // MAX_PROXIMAL_STEPS on one face (directions of curvature far below ρ converge slowly and are
  // worth nothing to the objective).
  const decreaseTol = 1e-18 * fScale;

  const maxChanges = 200 + 50 * k;
  let changes = 0;
  let proximalSteps = 0;
  let degenerate = 0;
  let iterations = 0;
  let nu = NaN;
  fullGradient(h, linear, x, k, support, g);
  for (; ; iterations++) {
    if (changes > maxChanges) throw new Error("solveCappedSimplexQp did not converge");
    let f = 0;
    for (let i = 0; i < k; i++) if (state[i] === FREE) free[f++] = i;

    let faceOptimal = f <= 1;
    if (!faceOptimal) {
      let gradientScale = 0;
      for (let a = 0; a < f; a++) gradientScale = Math.max(gradientScale, Math.abs(g[free[a] as number] as number));
      const regularised = face.prepare(state, g, gradientScale);
      face.solve(g, -1, q, p);
      let slope = 0;
      let pMax = 0;
      for (let a = 0; a < f; a++) {
        const i = free[a] as number;
        slope += (g[i] as number) * (p[i] as number);
        pMax = Math.max(pMax, Math.abs(p[i] as number));
      }
      if (pMax === 0 || (regularised && (-slope <= decreaseTol || proximalSteps >= MAX_PROXIMAL_STEPS))) {
        faceOptimal = true;
      } else {
        let alpha = 1;
        let blocking = -1;
        for (let a = 0; a < f; a++) {
          const i = free[a] as number;
          const pi = p[i] as number;
          const xi = x[i] as number;
          // Room is clamped at 0: rounding may leave a free variable a hair outside its bounds.
          const ratio = pi < 0 ? Math.max(0, xi) / -pi : pi > 0 ? Math.max(0, (upper[i] as number) - xi) / pi : Infinity;
          if (ratio < alpha) {
            alpha = ratio;
            blocking = i;
          }
        }
        for (let a = 0; a < f; a++) {
          const i = free[a] as number;
          x[i] = (x[i] as number) + alpha * (p[i] as number);
        }
        if (blocking >= 0) {
          x[blocking] = (p[blocking] as number) < 0 ? 0 : (upper[blocking] as number);
          state[blocking] = (p[blocking] as number) < 0 ? LOWER : UPPER;
          face.leave(blocking);
          // A step that moves nothing material is degenerate; count them for Bland's rule.
          degenerate = alpha * pMax <= 1e-15 ? degenerate + 1 : 0;
          changes++;
          proximalSteps = 0;
        } else if (regularised) {
          proximalSteps++;
        }
        fixSum(x, upper, state);
        if (blocking >= 0 || regularised) {
          // Within a face the gradient moves by H·Δx (Δx lives on the free variables only). Only
          // the free variables' entries are read before the face optimum, where g is recomputed
          // in full, so only they are updated: O(f²) instead of O(k·f).
          for (let a = 0; a < f; a++) {
            const i = free[a] as number;
            if (state[i] !== FREE) continue;
            const row = i * k;
            let s = 0;
            for (let b = 0; b < f; b++) {
              const j = free[b] as number;
              s += (h[row + j] as number) * (p[j] as number);
            }
            g[i] = (g[i] as number) + alpha * s;
          }
          continue; // a new bound, or a proximal step: iterate on the face until it stalls
        }
        faceOptimal = true;
      }
    }

    // Face optimum: Hx + c = ν on the free variables. Check the bounds' multipliers on a freshly
    // computed gradient.
    fullGradient(h, linear, x, k, support, g);
    let gSum = 0;
    let nFree = 0;
    for (let i = 0; i < k; i++) {
      if (state[i] === FREE) {
        gSum += g[i] as number;
        nFree++;
      }
    }
    nu = gSum / nFree;
    let release = -1;
    let worst = multiplierTol;
    for (let i = 0; i < k; i++) {
      const s = state[i];
      // Raising a variable at 0 (or lowering one at its cap) pays gᵢ − ν per unit.
      const violation = s === LOWER ? nu - (g[i] as number) : s === UPPER ? (g[i] as number) - nu : 0;
      if (violation > worst) {
        worst = violation;
        release = i;
        // Bland's rule after repeated zero-length steps: lowest index, which cannot cycle.
        if (degenerate > k) break;
      }
    }
    if (release < 0) break;
    state[release] = FREE;
    face.enter(release);
    changes++;
    proximalSteps = 0;
  }
  for (let i = 0; i < k; i++) x[i] = Math.min(upper[i] as number, Math.max(0, x[i] as number));
  fixSum(x, upper);
  const freeOut = new Uint8Array(k);
  for (let i = 0; i < k; i++) if (state[i] === FREE) freeOut[i] = 1;
  return { x, nu, free: freeOut, iterations };
}

/**
 * g = Hx + c. Terms with xⱼ = 0 add exactly 0, so the sum runs over the support of x only (an
 * optimum's support is usually a small share of the models); `support` is scratch.
 */
function fullGradient(
  h: ArrayLike<number>,
  linear: ArrayLike<number>,
  x: Float64Array,
  k: number,
  support: Int32Array,
  g: Float64Array,
): void {
  let nnz = 0;
  for (let j = 0; j < k; j++) if ((x[j] as number) !== 0) support[nnz++] = j;
  for (let i = 0; i < k; i++) {
    const row = i * k;
    let s = linear[i] as number;
    for (let a = 0; a < nnz; a++) {
      const j = support[a] as number;
      s += (h[row + j] as number) * (x[j] as number);
    }
    g[i] = s;
  }
}

/** A feasible warm start is used as is (up to rounding); anything else is projected. */
function startingPoint(start: ArrayLike<number> | undefined, upper: Float64Array): Float64Array {
  const k = upper.length;
  if (start !== undefined && start.length === k) {
    let s = 0;
    let feasible = true;
    for (let i = 0; i < k && feasible; i++) {
      const v = start[i] as number;
      feasible = v >= 0 && v <= (upper[i] as number) + 1e-12;
      s += v;
    }
    if (feasible && Math.abs(s - 1) <= 1e-9) {
      const x = new Float64Array(k);
      for (let i = 0; i < k; i++) x[i] = Math.min(upper[i] as number, start[i] as number);
      fixSum(x, upper);
      return x;
    }
  }
  return projectOntoCappedSimplex(start ?? new Float64Array(k), upper);
}
