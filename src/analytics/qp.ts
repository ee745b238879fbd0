/**
 * Convex quadratic programmes on the capped simplex — the feasible set of every long-only
 * allocation with a per-model cap:
 *
 *   minimise ½·xᵀHx + cᵀx   subject to   Σᵢ xᵢ = 1,   0 ≤ xᵢ ≤ uᵢ
 *
 * Solved by a primal active-set method (Nocedal & Wright, Numerical Optimization, 2nd ed.,
 * Algorithm 16.3) specialised to bound constraints plus one equality: on the current face the
 * equality is eliminated (x_last = 1 − Σ others) and the reduced Newton system is solved by
 * Cholesky, so every step lands exactly on the face's minimiser or on a new bound. Finite
 * termination; accuracy is that of one Cholesky solve, not of an iterative tolerance.
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

/** Puts the rounding residual of Σx − 1 on the variable with the most room to absorb it. */
function fixSum(x: Float64Array, upper: ArrayLike<number>): void {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] as number;
  const residual = 1 - s;
  if (residual === 0) return;
  let best = -1;
  let room = -1;
  for (let i = 0; i < x.length; i++) {
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
 * In-place Cholesky factorisation of the m×m row-major matrix a + ρI (lower triangle overwritten
 * with L). Returns false when a pivot is ≤ `minPivot` (numerically singular for our purposes).
 */
function cholesky(a: Float64Array, m: number, rho: number, minPivot: number): boolean {
  for (let j = 0; j < m; j++) {
    let d = (a[j * m + j] as number) + rho;
    for (let p = 0; p < j; p++) d -= (a[j * m + p] as number) ** 2;
    if (!(d > minPivot)) return false;
    const ljj = Math.sqrt(d);
    a[j * m + j] = ljj;
    for (let i = j + 1; i < m; i++) {
      let s = a[i * m + j] as number;
      for (let p = 0; p < j; p++) s -= (a[i * m + p] as number) * (a[j * m + p] as number);
      a[i * m + j] = s / ljj;
    }
  }
  return true;
}

/** Solves (LLᵀ) y = b in place in b, L the lower triangle of `l` (m×m row-major). */
function choleskySolve(l: Float64Array, m: number, b: Float64Array): void {
  for (let i = 0; i < m; i++) {
    let s = b[i] as number;
    for (let p = 0; p < i; p++) s -= (l[i * m + p] as number) * (b[p] as number);
    b[i] = s / (l[i * m + i] as number);
  }
  for (let i = m - 1; i >= 0; i--) {
    let s = b[i] as number;
    for (let p = i + 1; p < m; p++) s -= (l[p * m + i] as number) * (b[p] as number);
    b[i] = s / (l[i * m + i] as number);
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
  for (let i = 0; i < h.length; i++) {
    if (!Number.isFinite(h[i])) throw new Error("solveCappedSimplexQp requires finite inputs");
  }
  const linear = c === undefined ? new Float64Array(k) : Float64Array.from(c);
  if (linear.some((v) => !Number.isFinite(v))) throw new Error("solveCappedSimplexQp requires finite inputs");
  const upper =
    typeof options.upper === "number" ? new Float64Array(k).fill(options.upper) : Float64Array.from(options.upper);
  if (upper.length !== k || upper.some((u) => !(u >= 0))) {
    throw new Error("solveCappedSimplexQp requires k non-negative upper bounds");
  }
  let upperSum = 0;
  for (let i = 0; i < k; i++) {
    upper[i] = Math.min(upper[i] as number, 1);
    upperSum += upper[i] as number;
  }
  if (upperSum >= 1 - 1e-12 && upperSum <= 1 + 1e-12) {
    // Σu = 1: the feasible set is the single point x = u.
    const x = Float64Array.from(upper);
    return { x, nu: NaN, free: new Uint8Array(k), iterations: 0 };
  }
  const x = startingPoint(options.start, upper);
  const state = new Uint8Array(k);
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
    state[x.findIndex((v) => v > 0)] = FREE;
  }

  let fScale = 0;
  for (let i = 0; i < k; i++) fScale = Math.max(fScale, Math.abs(h[i * k + i] as number), Math.abs(linear[i] as number));
  if (fScale === 0) fScale = 1;
  const multiplierTol = 1e-12 * fScale;
  // Proximal steps on a singular face stop once they promise less than this decrease, or after
  // MAX_PROXIMAL_STEPS on one face (directions of curvature far below ρ converge slowly and are
  // worth nothing to the objective).
  const decreaseTol = 1e-18 * fScale;

  const g = new Float64Array(k);
  const gradient = (): void => {
    for (let i = 0; i < k; i++) {
      let s = linear[i] as number;
      for (let j = 0; j < k; j++) s += (h[i * k + j] as number) * (x[j] as number);
      g[i] = s;
    }
  };
  const free = new Int32Array(k);
  const l = new Float64Array(k * k);
  const q = new Float64Array(k);
  const p = new Float64Array(k);

  const maxChanges = 200 + 50 * k;
  let changes = 0;
  let proximalSteps = 0;
  let degenerate = 0;
  let iterations = 0;
  let nu = NaN;
  gradient();
  for (; ; iterations++) {
    if (changes > maxChanges) throw new Error("solveCappedSimplexQp did not converge");
    let f = 0;
    for (let i = 0; i < k; i++) if (state[i] === FREE) free[f++] = i;

    let faceOptimal = f <= 1;
    if (!faceOptimal) {
      let gradientScale = 0;
      for (let a = 0; a < f; a++) gradientScale = Math.max(gradientScale, Math.abs(g[free[a] as number] as number));
      const regularised = factorReduced(h, k, free, f, l, gradientScale);
      reducedSolve(l, free, f, g, -1, q, p);
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
          // A step that moves nothing material is degenerate; count them for Bland's rule.
          degenerate = alpha * pMax <= 1e-15 ? degenerate + 1 : 0;
          changes++;
          proximalSteps = 0;
        } else if (regularised) {
          proximalSteps++;
        }
        fixSumOnFree(x, state, upper);
        if (blocking >= 0 || regularised) {
          // Within a face the gradient moves by H·Δx (Δx lives on the free variables only).
          for (let i = 0; i < k; i++) {
            let s = 0;
            for (let a = 0; a < f; a++) {
              const j = free[a] as number;
              s += (h[i * k + j] as number) * (p[j] as number);
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
    gradient();
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
    changes++;
    proximalSteps = 0;
  }
  for (let i = 0; i < k; i++) x[i] = Math.min(upper[i] as number, Math.max(0, x[i] as number));
  fixSum(x, upper);
  const freeOut = Uint8Array.from(state, (s) => (s === FREE ? 1 : 0));
  return { x, nu, free: freeOut, iterations };
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
      const x = Float64Array.from({ length: k }, (_, i) => Math.min(upper[i] as number, start[i] as number));
      fixSum(x, upper);
      return x;
    }
  }
  return projectOntoCappedSimplex(start ?? new Float64Array(k), upper);
}

/** Keeps Σx = 1 exact against rounding drift, on the free variable with the most room for it. */
function fixSumOnFree(x: Float64Array, state: Uint8Array, upper: Float64Array): void {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] as number;
  const residual = 1 - s;
  if (residual === 0) return;
  let best = -1;
  let room = 0;
  for (let i = 0; i < x.length; i++) {
    if (state[i] !== FREE) continue;
    const r = residual > 0 ? (upper[i] as number) - (x[i] as number) : (x[i] as number);
    if (r > room) {
      room = r;
      best = i;
    }
  }
  if (best >= 0 && room >= Math.abs(residual)) x[best] = (x[best] as number) + residual;
}
