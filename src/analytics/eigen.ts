/**
 * Eigendecomposition of a real symmetric matrix: Householder tridiagonalisation + implicit QL
 * (EISPACK tred2/tql2, the classic backward-stable dense method; 200×200 in ~20 ms, 8× faster
 * than cyclic Jacobi), and cyclic Jacobi for k ≤ 8, where it is as fast and the most accurate
 * dense method (small eigenvalues keep relative accuracy; a 2×2 takes one exact rotation).
 */

/** Eigenpairs of a symmetric k×k matrix. */
export interface SymmetricEigen {
  /** Eigenvalues, descending. */
  readonly values: Float64Array;
  /** k×k row-major; column j (`vectors[r * k + j]`) is the unit eigenvector of `values[j]`. */
  readonly vectors: Float64Array;
}

const MAX_SWEEPS = 100;
/** Up to this size cyclic Jacobi is as fast as Householder + QL (measured), and more accurate. */
const JACOBI_MAX = 8;
/** QL iterations allowed per eigenvalue (LAPACK allows 30; a handful is typical). */
const MAX_QL_ITERATIONS = 60;

function validate(matrix: ArrayLike<number>, k: number, name: string): void {
  if (!Number.isInteger(k) || k < 0 || matrix.length !== k * k) {
    throw new Error(`${name} requires a k×k matrix`);
  }
  let scale = 0;
  for (let i = 0; i < k * k; i++) {
    const v = matrix[i] as number;
    if (!Number.isFinite(v)) throw new Error(`${name} requires a finite matrix`);
    scale = Math.max(scale, Math.abs(v));
  }
  for (let i = 0; i < k; i++) {
    for (let j = i + 1; j < k; j++) {
      if (Math.abs((matrix[i * k + j] as number) - (matrix[j * k + i] as number)) > 1e-10 * scale) {
        throw new Error(`${name} requires a symmetric matrix`);
      }
    }
  }
}

/**
 * Householder reduction of a validated symmetric n×n matrix to tridiagonal form T = QᵀAQ
 * (EISPACK tred2 as in JAMA). `w` holds Vᵀ (row-major), so every inner loop runs along a row.
 * On return d[1…n−1] are the Householder scalars hᵢ, w's row i (entries 0…i−1) the vector uᵢ of
 * reflector Pᵢ = I − uᵢuᵢᵀ/hᵢ (Q = P_{n−1}⋯P₁), `diagonal` T's diagonal and e[i] its entry (i, i−1).
 */
function householderReduce(w: Float64Array, n: number, d: Float64Array, e: Float64Array, diagonal: Float64Array): void {
  for (let j = 0; j < n; j++) d[j] = w[j * n + n - 1] as number;
  for (let i = n - 1; i > 0; i--) {
    let scale = 0;
    let h = 0;
    for (let k = 0; k < i; k++) scale += Math.abs(d[k] as number);
    if (scale === 0) {
      e[i] = d[i - 1] as number;
      for (let j = 0; j < i; j++) {
        d[j] = w[j * n + i - 1] as number;
        w[j * n + i] = 0;
        w[i * n + j] = 0;
      }
    } else {
      for (let k = 0; k < i; k++) {
        d[k] = (d[k] as number) / scale;
        h += (d[k] as number) * (d[k] as number);
      }
      let f = d[i - 1] as number;
      let g = Math.sqrt(h);
      if (f > 0) g = -g;
      e[i] = scale * g;
      h -= f * g;
      d[i - 1] = f - g;
      for (let j = 0; j < i; j++) e[j] = 0;
      // Apply the similarity transformation to the remaining columns.
      for (let j = 0; j < i; j++) {
        f = d[j] as number;
        w[i * n + j] = f;
        const row = j * n;
        g = (e[j] as number) + (w[row + j] as number) * f;
        for (let k = j + 1; k <= i - 1; k++) {
          const v = w[row + k] as number;
          g += v * (d[k] as number);
          e[k] = (e[k] as number) + v * f;
        }
        e[j] = g;
      }
      f = 0;
      for (let j = 0; j < i; j++) {
        e[j] = (e[j] as number) / h;
        f += (e[j] as number) * (d[j] as number);
      }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) e[j] = (e[j] as number) - hh * (d[j] as number);
      for (let j = 0; j < i; j++) {
        f = d[j] as number;
        g = e[j] as number;
        const row = j * n;
        for (let k = j; k <= i - 1; k++) w[row + k] = (w[row + k] as number) - (f * (e[k] as number) + g * (d[k] as number));
        d[j] = w[row + i - 1] as number;
        w[row + i] = 0;
      }
    }
    d[i] = h;
  }
  for (let i = 0; i < n; i++) diagonal[i] = w[i * n + i] as number;
}

/** Overwrites w (as left by {@link householderReduce}) with Qᵀ: row j of w becomes column j of Q. */
function accumulateReflectors(w: Float64Array, n: number, d: Float64Array): void {
  for (let i = 0; i < n - 1; i++) {
    w[i * n + i] = 1;
    const h = d[i + 1] as number;
    const u = (i + 1) * n;
    if (h !== 0) {
      for (let k = 0; k <= i; k++) d[k] = (w[u + k] as number) / h;
      for (let j = 0; j <= i; j++) {
        const row = j * n;
        let g = 0;
        for (let k = 0; k <= i; k++) g += (w[u + k] as number) * (w[row + k] as number);
        for (let k = 0; k <= i; k++) w[row + k] = (w[row + k] as number) - g * (d[k] as number);
      }
    }
    for (let k = 0; k <= i; k++) w[u + k] = 0;
  }
  for (let j = 0; j < n - 1; j++) w[j * n + n - 1] = 0;
  w[n * n - 1] = 1;
}

/**
 * Eigenvalues of the symmetric tridiagonal matrix (diagonal d, sub-diagonal e[1…n−1]) by the
 * implicit QL method with Wilkinson-style shifts (EISPACK tql2 as in JAMA); d is overwritten with
 * the eigenvalues (unsorted). Each plane rotation is also applied to rows i and i+1 of `tracked`
 * (n×m, row-major), so tracked ends as (Q·G)ᵀ·… — with tracked = Qᵀ, the eigenvectors as rows; with
 * tracked = Qᵀx (m = 1), the projection Eᵀx.
 */
function implicitQl(d: Float64Array, e: Float64Array, n: number, tracked: Float64Array, m: number, name: string): void {
  for (let i = 1; i < n; i++) e[i - 1] = e[i] as number;
  if (n > 0) e[n - 1] = 0;
  let f = 0;
  let tst1 = 0;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l] as number) + Math.abs(e[l] as number));
    let mm = l;
    while (mm < n) {
      if (Math.abs(e[mm] as number) <= Number.EPSILON * tst1) break;
      mm++;
    }
    if (mm > l) {
      let iteration = 0;
      do {
        if (++iteration > MAX_QL_ITERATIONS) throw new Error(`${name} did not converge`);
        let g = d[l] as number;
        let p = ((d[l + 1] as number) - g) / (2 * (e[l] as number));
        let r = Math.hypot(p, 1);
        if (p < 0) r = -r;
        d[l] = (e[l] as number) / (p + r);
        d[l + 1] = (e[l] as number) * (p + r);
        const dl1 = d[l + 1] as number;
        let h = g - (d[l] as number);
        for (let i = l + 2; i < n; i++) d[i] = (d[i] as number) - h;
        f += h;
        p = d[mm] as number;
        let c = 1;
        let c2 = c;
        let c3 = c;
        const el1 = e[l + 1] as number;
        let s = 0;
        let s2 = 0;
        for (let i = mm - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * (e[i] as number);
          h = c * p;
          r = Math.hypot(p, e[i] as number);
          e[i + 1] = s * r;
          s = (e[i] as number) / r;
          c = p / r;
          p = c * (d[i] as number) - s * g;
          d[i + 1] = h + s * (c * g + s * (d[i] as number));
          const ri = i * m;
          const rj = ri + m;
          for (let k = 0; k < m; k++) {
            const t = tracked[rj + k] as number;
            const u = tracked[ri + k] as number;
            tracked[rj + k] = s * u + c * t;
            tracked[ri + k] = c * u - s * t;
          }
        }
        p = (-s * s2 * c3 * el1 * (e[l] as number)) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(e[l] as number) > Number.EPSILON * tst1);
    }
    d[l] = (d[l] as number) + f;
    e[l] = 0;
  }
}

/**
 * Cyclic Jacobi on a validated symmetric k×k matrix. Every rotation applied to the matrix is also
 * applied to rows p and q of `tracked` (k×m, row-major), so tracked ends as Eᵀ·tracked₀:
 * the identity yields the eigenvectors as rows, a vector x yields its projection Eᵀx.
 * Returns the eigenvalues descending and `order[j]` = the row of `tracked` for `values[j]`.
 */
function jacobi(matrix: ArrayLike<number>, k: number, tracked: Float64Array, m: number, name: string): { values: Float64Array; order: number[] } {
  // Work on the upper triangle of a copy.
  const a = Float64Array.from(matrix);
  const d = new Float64Array(k);
  const b = new Float64Array(k);
  const z = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    d[i] = a[i * k + i] as number;
    b[i] = d[i] as number;
  }

  let converged = k <= 1;
  for (let sweep = 1; sweep <= MAX_SWEEPS && !converged; sweep++) {
    let offSum = 0;
    for (let p = 0; p < k - 1; p++) {
      for (let q = p + 1; q < k; q++) offSum += Math.abs(a[p * k + q] as number);
    }
    if (offSum === 0) {
      converged = true;
      break;
    }
    const threshold = sweep < 4 ? (0.2 * offSum) / (k * k) : 0;
    for (let p = 0; p < k - 1; p++) {
      for (let q = p + 1; q < k; q++) {
        const apq = a[p * k + q] as number;
        const g = 100 * Math.abs(apq);
        const dp = d[p] as number;
        const dq = d[q] as number;
        if (sweep > 4 && g <= Number.EPSILON * Math.abs(dp) && g <= Number.EPSILON * Math.abs(dq)) {
          a[p * k + q] = 0;
          continue;
        }
        if (Math.abs(apq) <= threshold) continue;
        let h = dq - dp;
        let t: number;
        if (g <= Number.EPSILON * Math.abs(h)) {
          t = apq / h;
        } else {
          const theta = (0.5 * h) / apq;
          t = 1 / (Math.abs(theta) + Math.sqrt(1 + theta * theta));
          if (theta < 0) t = -t;
        }
        const c = 1 / Math.sqrt(1 + t * t);
        const s = t * c;
        const tau = s / (1 + c);
        h = t * apq;
        z[p] = (z[p] as number) - h;
        z[q] = (z[q] as number) + h;
        d[p] = dp - h;
        d[q] = dq + h;
        a[p * k + q] = 0;
        // Rotate the rest of rows/columns p and q, touching only the upper triangle.
        for (let j = 0; j < p; j++) {
          const ij = j * k + p;
          const kl = j * k + q;
          const g1 = a[ij] as number;
          const h1 = a[kl] as number;
          a[ij] = g1 - s * (h1 + g1 * tau);
          a[kl] = h1 + s * (g1 - h1 * tau);
        }
        for (let j = p + 1; j < q; j++) {
          const ij = p * k + j;
          const kl = j * k + q;
          const g1 = a[ij] as number;
          const h1 = a[kl] as number;
          a[ij] = g1 - s * (h1 + g1 * tau);
          a[kl] = h1 + s * (g1 - h1 * tau);
        }
        for (let j = q + 1; j < k; j++) {
          const ij = p * k + j;
          const kl = q * k + j;
          const g1 = a[ij] as number;
          const h1 = a[kl] as number;
          a[ij] = g1 - s * (h1 + g1 * tau);
          a[kl] = h1 + s * (g1 - h1 * tau);
        }
        const rp = p * m;
        const rq = q * m;
        for (let j = 0; j < m; j++) {
          const g1 = tracked[rp + j] as number;
          const h1 = tracked[rq + j] as number;
          tracked[rp + j] = g1 - s * (h1 + g1 * tau);
          tracked[rq + j] = h1 + s * (g1 - h1 * tau);
        }
      }
    }
    for (let i = 0; i < k; i++) {
      b[i] = (b[i] as number) + (z[i] as number);
      d[i] = b[i] as number;
      z[i] = 0;
    }
  }
  if (!converged) throw new Error(`${name} did not converge`);
  const order = Array.from({ length: k }, (_, i) => i).sort((i, j) => (d[j] as number) - (d[i] as number));
  return { values: Float64Array.from(order, (i) => d[i] as number), order };
}

/** Indices of d sorted by value, descending. */
function descending(d: Float64Array): number[] {
  return Array.from({ length: d.length }, (_, i) => i).sort((i, j) => (d[j] as number) - (d[i] as number));
}

/**
 * Eigenvalues and eigenvectors of a symmetric matrix A = E·diag(λ)·Eᵀ (row-major k×k).
 *
 * k > 8: Householder reduction to tridiagonal form T = QᵀAQ, then implicit QL with shifts on T,
 * every plane rotation accumulated into Q (EISPACK tred2 + tql2; converged when each
 * sub-diagonal entry is below ε·(|dₗ| + |eₗ|), at most 60 iterations per eigenvalue).
 * k ≤ 8: cyclic Jacobi with Rutishauser's refinements (Numerical Recipes §11.1): threshold
 * pivoting in the first three sweeps, diagonal updates accumulated separately to limit rounding,
 * and off-diagonal entries negligible next to both diagonal entries set to exactly 0 after sweep
 * 4; converged when every off-diagonal entry is exactly 0. Signs of eigenvectors are arbitrary,
 * as in LAPACK.
 *
 * @throws "symmetricEigen requires a k×k matrix" when `matrix.length !== k * k`
 * @throws "symmetricEigen requires a finite matrix" on NaN/±Infinity entries
 * @throws "symmetricEigen requires a symmetric matrix" when |aᵢⱼ − aⱼᵢ| > 1e-10·max|a|
 * @throws "symmetricEigen did not converge" (not expected — a bug report)
 * @example symmetricEigen(Float64Array.of(2, 1, 1, 2), 2).values // => Float64Array [3, 1]
 */
export function symmetricEigen(matrix: ArrayLike<number>, k: number): SymmetricEigen {
  validate(matrix, k, "symmetricEigen");
  if (k <= JACOBI_MAX) {
    const vt = new Float64Array(k * k);
    for (let i = 0; i < k; i++) vt[i * k + i] = 1;
    const { values, order } = jacobi(matrix, k, vt, k, "symmetricEigen");
    const vectors = new Float64Array(k * k);
    order.forEach((src, col) => {
      for (let r = 0; r < k; r++) vectors[r * k + col] = vt[src * k + r] as number;
    });
    return { values, vectors };
  }
  // The matrix is symmetric, so its copy already is Vᵀ = Aᵀ for the transposed working layout.
  const w = Float64Array.from(matrix);
  const d = new Float64Array(k);
  const e = new Float64Array(k);
  const diagonal = new Float64Array(k);
  householderReduce(w, k, d, e, diagonal);
  accumulateReflectors(w, k, d);
  implicitQl(diagonal, e, k, w, k, "symmetricEigen");
  const order = descending(diagonal);
  const vectors = new Float64Array(k * k);
  order.forEach((src, col) => {
    for (let r = 0; r < k; r++) vectors[r * k + col] = w[src * k + r] as number;
  });
  return { values: Float64Array.from(order, (i) => diagonal[i] as number), vectors };
}

/**
 * Eigenvalues of a symmetric matrix A = E·diag(λ)·Eᵀ and the projection Eᵀx of a vector on its
 * eigenvectors, without forming E: the Householder reflectors and the QL (or Jacobi) rotations are
 * applied to x instead of to the identity, which saves more than half the work; the eigenvalues
 * are exactly {@link symmetricEigen}'s. `projection[j]` pairs with `values[j]` (descending); its sign
 * is as arbitrary as an eigenvector's, its square is not.
 * @throws "symmetricEigenProjection requires a k×k matrix" (also "a finite matrix", "a symmetric matrix")
 * @throws "symmetricEigenProjection requires a vector of length k"
 * @example symmetricEigenProjection(Float64Array.of(2, 1, 1, 2), 2, [1, 1]).projection.map(Math.abs)
 *   // => Float64Array [1.4142135623730951, 0] (x lies along the λ = 3 eigenvector)
 */
export function symmetricEigenProjection(
  matrix: ArrayLike<number>,
  k: number,
  x: ArrayLike<number>,
): { values: Float64Array; projection: Float64Array } {
  if (x.length !== k) throw new Error("symmetricEigenProjection requires a vector of length k");
  validate(matrix, k, "symmetricEigenProjection");
  if (k <= JACOBI_MAX) {
    const tracked = Float64Array.from(x);
    const { values, order } = jacobi(matrix, k, tracked, 1, "symmetricEigenProjection");
    return { values, projection: Float64Array.from(order, (i) => tracked[i] as number) };
  }
  const w = Float64Array.from(matrix);
  const d = new Float64Array(k);
  const e = new Float64Array(k);
  const diagonal = new Float64Array(k);
  householderReduce(w, k, d, e, diagonal);
  // y = Qᵀx = P₁(P₂(⋯P_{k−1}x)): apply the reflectors to x instead of accumulating Q.
  const y = Float64Array.from(x);
  for (let i = k - 1; i > 0; i--) {
    const h = d[i] as number;
    if (h === 0) continue;
    const u = i * k;
    let g = 0;
    for (let r = 0; r < i; r++) g += (w[u + r] as number) * (y[r] as number);
    g /= h;
    for (let r = 0; r < i; r++) y[r] = (y[r] as number) - g * (w[u + r] as number);
  }
  implicitQl(diagonal, e, k, y, 1, "symmetricEigenProjection");
  const order = descending(diagonal);
  return { values: Float64Array.from(order, (i) => diagonal[i] as number), projection: Float64Array.from(order, (i) => y[i] as number) };
}
