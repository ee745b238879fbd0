/**
 * Eigendecomposition of a real symmetric matrix by the cyclic Jacobi method.
 * Jacobi is slower than Householder + QL but is the most accurate dense method (small
 * eigenvalues keep relative accuracy) and is simple enough to audit; k ≤ a few hundred here.
 */

/** Eigenpairs of a symmetric k×k matrix. */
export interface SymmetricEigen {
  /** Eigenvalues, descending. */
  readonly values: Float64Array;
  /** k×k row-major; column j (`vectors[r * k + j]`) is the unit eigenvector of `values[j]`. */
  readonly vectors: Float64Array;
}

const MAX_SWEEPS = 100;

/**
 * Cyclic Jacobi on a validated symmetric k×k matrix. Every rotation applied to the matrix is also
 * applied to rows p and q of `tracked` (k×m, row-major), so tracked ends as Eᵀ·tracked₀:
 * the identity yields the eigenvectors as rows, a vector x yields its projection Eᵀx.
 * Returns the eigenvalues descending and `order[j]` = the row of `tracked` for `values[j]`.
 */
function jacobi(matrix: ArrayLike<number>, k: number, tracked: Float64Array, m: number, name: string): { values: Float64Array; order: number[] } {
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

/**
 * Eigenvalues and eigenvectors of a symmetric matrix A = E·diag(λ)·Eᵀ (row-major k×k).
 *
 * Cyclic Jacobi with Rutishauser's refinements (Numerical Recipes §11.1): threshold pivoting
 * in the first three sweeps, diagonal updates accumulated separately to limit rounding, and
 * off-diagonal entries negligible next to both diagonal entries set to exactly 0 after sweep 4.
 * Converged when every off-diagonal entry is exactly 0 (quadratic convergence gets there in
 * ~6–10 sweeps). Signs of eigenvectors are arbitrary, as in LAPACK.
 *
 * @throws "symmetricEigen requires a k×k matrix" when `matrix.length !== k * k`
 * @throws "symmetricEigen requires a finite matrix" on NaN/±Infinity entries
 * @throws "symmetricEigen requires a symmetric matrix" when |aᵢⱼ − aⱼᵢ| > 1e-10·max|a|
 * @example symmetricEigen(Float64Array.of(2, 1, 1, 2), 2).values // => Float64Array [3, 1]
 */
export function symmetricEigen(matrix: ArrayLike<number>, k: number): SymmetricEigen {
  const vt = new Float64Array(Number.isInteger(k) && k > 0 ? k * k : 0);
  for (let i = 0; i < k; i++) vt[i * k + i] = 1;
  const { values, order } = jacobi(matrix, k, vt, k, "symmetricEigen");
  const vectors = new Float64Array(k * k);
  order.forEach((src, col) => {
    for (let r = 0; r < k; r++) vectors[r * k + col] = vt[src * k + r] as number;
  });
  return { values, vectors };
}

/**
 * Eigenvalues of a symmetric matrix A = E·diag(λ)·Eᵀ and the projection Eᵀx of a vector on its
 * eigenvectors, without forming E: the Jacobi rotations are applied to x instead of to the
 * identity, which halves the work. `projection[j]` pairs with `values[j]` (descending); its sign
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
  const tracked = Float64Array.from(x);
  const { values, order } = jacobi(matrix, k, tracked, 1, "symmetricEigenProjection");
  return { values, projection: Float64Array.from(order, (i) => tracked[i] as number) };
}
