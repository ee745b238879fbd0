/**
 * Dense kernels shared by the covariance, correlation, Ledoit–Wolf and HRP code: centring columns
 * once into one flat buffer, the cross-product (Gram) matrix of those centred columns, and a
 * stable argsort.
 * Internal: not re-exported from index.ts.
 */

/**
 * Column i minus means[i], for k columns of length n, packed model-major into one buffer:
 * d[i·n + t]. Lengths are the caller's to check. (Means come from the caller — moments.ts's
 * compensated `mean` — so this file imports nothing.)
 * @example centreColumns([[1, 2, 3]], 3, [2]) // => Float64Array [-1, 0, 1]
 */
export function centreColumns(columns: readonly ArrayLike<number>[], n: number, means: ArrayLike<number>): Float64Array {
  const k = columns.length;
  const d = new Float64Array(k * n);
  for (let i = 0; i < k; i++) {
    const c = columns[i] as ArrayLike<number>;
    const m = means[i] as number;
    const o = i * n;
    for (let t = 0; t < n; t++) d[o + t] = (c[t] as number) - m;
  }
  return d;
}

/**
 * Cross products G[i·k + j] = Σₜ d[i·n + t]·d[j·n + t] of k packed rows of length n, symmetric.
 * Blocked two rows by two: each loaded value feeds two products, which roughly halves the time of
 * one dot product per pair in V8. Each entry is one plain left-to-right sum, as a naive dot product.
 * @example crossProducts(Float64Array.of(1, 2, 3, 4), 2, 2) // => Float64Array [5, 11, 11, 25]
 */
export function crossProducts(d: Float64Array, k: number, n: number): Float64Array {
  const g = new Float64Array(k * k);
  let i = 0;
  for (; i + 1 < k; i += 2) {
    let j = i;
    for (; j + 1 < k; j += 2) crossBlock(d, n, i, j, k, g);
    if (j < k) crossPair(d, n, i, j, k, g);
  }
  if (i < k) crossPair(d, n, i, i, k, g);
  return g;
}

/** Rows i, i+1 against rows j, j+1 (j ≥ i): four sums, written to both triangles. */
function crossBlock(d: Float64Array, n: number, i: number, j: number, k: number, g: Float64Array): void {
  const a0 = i * n;
  const a1 = a0 + n;
  const b0 = j * n;
  const b1 = b0 + n;
  let s00 = 0;
  let s01 = 0;
  let s10 = 0;
  let s11 = 0;
  for (let t = 0; t < n; t++) {
    const x0 = d[a0 + t] as number;
    const x1 = d[a1 + t] as number;
    const y0 = d[b0 + t] as number;
    const y1 = d[b1 + t] as number;
    s00 += x0 * y0;
    s01 += x0 * y1;
    s10 += x1 * y0;
    s11 += x1 * y1;
  }
  g[i * k + j] = s00;
  g[j * k + i] = s00;
  g[i * k + j + 1] = s01;
  g[(j + 1) * k + i] = s01;
  g[(i + 1) * k + j + 1] = s11;
  g[(j + 1) * k + i + 1] = s11;
  // On a diagonal block (j = i) s10 is the (i + 1, i) entry, already written as s01's mirror.
  if (j !== i) {
    g[(i + 1) * k + j] = s10;
    g[j * k + i + 1] = s10;
  }
}

/** The last row j (odd k) against rows i and i + 1 — or, for i = j, against itself. */
function crossPair(d: Float64Array, n: number, i: number, j: number, k: number, g: Float64Array): void {
  const a0 = i * n;
  const b0 = j * n;
  if (i === j) {
    let s = 0;
    for (let t = 0; t < n; t++) s += (d[a0 + t] as number) * (d[a0 + t] as number);
    g[i * k + i] = s;
    return;
  }
  const a1 = a0 + n;
  let s00 = 0;
  let s10 = 0;
  for (let t = 0; t < n; t++) {
    const y = d[b0 + t] as number;
    s00 += (d[a0 + t] as number) * y;
    s10 += (d[a1 + t] as number) * y;
  }
  g[i * k + j] = s00;
  g[j * k + i] = s00;
  g[(i + 1) * k + j] = s10;
  g[j * k + i + 1] = s10;
}

/**
 * Σₜ (Σᵢ d[i·n + t]²)²: the sum of squared row norms squared (scikit-learn's Ledoit–Wolf `beta_`).
 * @example sumSquaredRowNorms(Float64Array.of(1, 2, 3, 4), 2, 2) // => 500 ((1 + 9)² + (4 + 16)²)
 */
export function sumSquaredRowNorms(d: Float64Array, k: number, n: number): number {
  const q = new Float64Array(n);
  for (let i = 0; i < k; i++) addSquares(d, i * n, q);
  let s = 0;
  for (let t = 0; t < n; t++) s += (q[t] as number) * (q[t] as number);
  return s;
}

/** q[t] += d[offset + t]² for every t. (Its own function: V8 optimises a small hot loop sooner.) */
function addSquares(d: Float64Array, offset: number, q: Float64Array): void {
  for (let t = 0; t < q.length; t++) q[t] = (q[t] as number) + (d[offset + t] as number) ** 2;
}

/**
 * `indices` sorted ascending by their `values` (stable: ties keep their order in `indices`, as numpy's
 * mergesort): a bottom-up merge sort on typed arrays, several times faster than
 * `Int32Array.prototype.sort` with a comparator.
 * @example argsort([3, 1, 2], Int32Array.of(0, 1, 2)) // => Int32Array [1, 2, 0]
 */
export function argsort(values: ArrayLike<number>, indices: Int32Array): Int32Array {
  const n = indices.length;
  let src = Int32Array.from(indices);
  let dst = new Int32Array(n);
  for (let width = 1; width < n; width *= 2) {
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = Math.min(lo + width, n);
      const hi = Math.min(lo + 2 * width, n);
      let i = lo;
      let j = mid;
      let o = lo;
      while (i < mid && j < hi) {
        const a = src[i] as number;
        const b = src[j] as number;
        if ((values[b] as number) < (values[a] as number)) {
          dst[o++] = b;
          j++;
        } else {
          dst[o++] = a;
          i++;
        }
      }
      while (i < mid) dst[o++] = src[i++] as number;
      while (j < hi) dst[o++] = src[j++] as number;
    }
    const swap = src;
    src = dst;
    dst = swap;
  }
  return src;
}
