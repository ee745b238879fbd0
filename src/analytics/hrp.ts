/**
 * Hierarchical risk parity (López de Prado, "Building Diversified Portfolios that Outperform
 * Out of Sample", 2016), step for step as PyPortfolioOpt's `HRPOpt(returns).optimize()`:
 *
 * 1. distance dᵢⱼ = √(clip((1 − ρᵢⱼ)/2, 0, 1)), passed to scipy as a condensed matrix
 *    (`ssd.squareform(matrix, checks=False)`), so the clustering runs on d itself;
 * 2. `scipy.cluster.hierarchy.linkage(dist, "single")` — {@link singleLinkage};
 * 3. leaf order `to_tree(link).pre_order()` — {@link quasiDiagonalOrder};
 * 4. recursive bisection of that ordered list into halves (not along the tree), each half's
 *    variance taken at its inverse-variance weights, the split α = 1 − V₁/(V₁ + V₂).
 */
import { argsort } from "./dense.js";

function assertSquare(m: ArrayLike<number>, k: number, name: string): void {
  if (!Number.isInteger(k) || k < 1 || m.length !== k * k) throw new Error(`${name} requires a k×k matrix`);
}

/**
 * HRP distance matrix from a correlation matrix: dᵢⱼ = √(clip((1 − ρᵢⱼ)/2, 0, 1)), row-major k×k.
 * @throws "hrpDistance requires a k×k matrix"
 * @example hrpDistance([1, 0.5, 0.5, 1], 2)[1] // => 0.5
 */
export function hrpDistance(corr: ArrayLike<number>, k: number): Float64Array {
  assertSquare(corr, k, "hrpDistance");
  const out = new Float64Array(k * k);
  for (let i = 0; i < k * k; i++) out[i] = Math.sqrt(Math.min(1, Math.max(0, (1 - (corr[i] as number)) / 2)));
  return out;
}

/**
 * Single-linkage agglomerative clustering of k points from a symmetric distance matrix, identical
 * to `scipy.cluster.hierarchy.linkage(squareform(d), "single")` including its tie-breaking:
 * Prim's minimum spanning tree from point 0 (first index wins ties), edges stably sorted by
 * distance, then relabelled with union-find. Returns the (k − 1)×4 linkage matrix, row-major:
 * [cluster a, cluster b (a < b), distance, size]; cluster k + i is the one formed by row i.
 * Only the upper triangle of `distance` is read (as squareform does).
 * @throws "singleLinkage requires a k×k matrix"
 * @throws "singleLinkage requires finite distances"
 * @example singleLinkage([0, 1, 4, 1, 0, 2, 4, 2, 0], 3) // => Float64Array [0, 1, 1, 2, 2, 3, 2, 3]
 */
export function singleLinkage(distance: ArrayLike<number>, k: number): Float64Array {
  assertSquare(distance, k, "singleLinkage");
  for (let i = 0; i < k; i++) {
    for (let j = i + 1; j < k; j++) {
      if (!Number.isFinite(distance[i * k + j])) throw new Error("singleLinkage requires finite distances");
    }
  }
  return primLinkage(distance, k);
}

/** {@link singleLinkage} on a validated matrix whose strict upper triangle holds finite distances. */
function primLinkage(distance: ArrayLike<number>, k: number): Float64Array {
  const steps = k - 1;
  // Scratch of k entries as plain arrays: a typed array over 64 bytes is allocated outside V8's heap
  // (~0.5 µs each), and a walk-forward clusters once per rebalance.
  const from = new Array<number>(steps).fill(0);
  const to = new Array<number>(steps).fill(0);
  const height = new Array<number>(steps).fill(0);
  const merged = new Array<number>(k).fill(0);
  const nearest = new Array<number>(k).fill(Infinity);
  let x = 0;
  let y = 0;
  for (let s = 0; s < steps; s++) {
    let currentMin = Infinity;
    merged[x] = 1;
    for (let i = 0; i < k; i++) {
      if (merged[i] === 1) continue;
      const dist = (x < i ? distance[x * k + i] : distance[i * k + x]) as number;
      if ((nearest[i] as number) > dist) nearest[i] = dist;
      if ((nearest[i] as number) < currentMin) {
        y = i;
        currentMin = nearest[i] as number;
      }
    }
    from[s] = x;
    to[s] = y;
    height[s] = currentMin;
    x = y;
  }
  // Stable sort by height (numpy argsort kind="mergesort").
  const edges = new Int32Array(steps);
  for (let e = 0; e < steps; e++) edges[e] = e;
  const order = argsort(height, edges);
  const parent = new Array<number>(2 * k - 1);
  for (let i = 0; i < parent.length; i++) parent[i] = i;
  const size = new Array<number>(2 * k - 1).fill(1);
  const find = (node: number): number => {
    let root = node;
    while (parent[root] !== root) root = parent[root] as number;
    let p = node;
    while (parent[p] !== root) {
      const next = parent[p] as number;
      parent[p] = root;
      p = next;
    }
    return root;
  };
  const z = new Float64Array(steps * 4);
  for (let row = 0; row < steps; row++) {
    const e = order[row] as number;
    const a = find(from[e] as number);
    const b = find(to[e] as number);
    const label = k + row;
    parent[a] = label;
    parent[b] = label;
    size[label] = (size[a] as number) + (size[b] as number);
    z[row * 4] = Math.min(a, b);
    z[row * 4 + 1] = Math.max(a, b);
    z[row * 4 + 2] = height[e] as number;
    z[row * 4 + 3] = size[label];
  }
  return z;
}

/**
 * Leaves of a linkage tree from left to right — scipy's `to_tree(link).pre_order()`: the tree
 * node of row i has left child linkage[i][0] and right child linkage[i][1].
 * @throws "quasiDiagonalOrder requires a (k − 1)×4 linkage matrix"
 * @example quasiDiagonalOrder(Float64Array.of(0, 1, 1, 2, 2, 3, 2, 3), 3) // => [2, 0, 1]
 */
export function quasiDiagonalOrder(linkage: ArrayLike<number>, k: number): number[] {
  if (!Number.isInteger(k) || k < 1 || linkage.length !== (k - 1) * 4) {
    throw new Error("quasiDiagonalOrder requires a (k − 1)×4 linkage matrix");
  }
  const out: number[] = [];
  const stack = [2 * k - 2];
  while (stack.length > 0) {
    const node = stack.pop() as number;
    if (node < k) {
      out.push(node);
      continue;
    }
    const row = node - k;
    stack.push(linkage[row * 4 + 1] as number, linkage[row * 4] as number);
  }
  return out;
}

/**
 * HRP's seriation: the models' leaf order after single linkage on dᵢⱼ = √(clip((1 − ρᵢⱼ)/2, 0, 1))
 * (steps 1–3 above), so that models in one cluster sit next to each other — what hrpWeights
 * bisects, and the heatmap's row order. Only the strict upper triangle of `corr` is read. A pair
 * without a correlation (NaN: too few shared rounds) counts as uncorrelated (ρ = 0, d = √½), so
 * it neither joins nor splits clusters by itself.
 * @throws "clusterOrder requires a k×k matrix"
 * @example clusterOrder([1, 0, 0.9, 0, 1, 0, 0.9, 0, 1], 3) // => [1, 0, 2]
 */
export function clusterOrder(corr: ArrayLike<number>, k: number): number[] {
  assertSquare(corr, k, "clusterOrder");
  if (k === 1) return [0];
  const distance = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let j = i + 1; j < k; j++) distance[i * k + j] = distanceOf(corr[i * k + j] as number);
  }
  return quasiDiagonalOrder(primLinkage(distance, k), k);
}

/** HRP's distance of a correlation, √(clip((1 − ρ)/2, 0, 1)); a missing one (NaN) counts as ρ = 0. */
function distanceOf(rho: number): number {
  return Math.sqrt(Math.min(1, Math.max(0, (1 - (Number.isNaN(rho) ? 0 : rho)) / 2)));
}

/**
 * Variance of the cluster items[lo…hi) held at its inverse-variance weights (PyPortfolioOpt
 * `_get_cluster_var`).
 */
function clusterVariance(cov: ArrayLike<number>, k: number, items: readonly number[], lo: number, hi: number, w: number[]): number {
  const m = hi - lo;
  let total = 0;
  for (let a = 0; a < m; a++) {
    const i = items[lo + a] as number;
    w[a] = 1 / (cov[i * k + i] as number);
    total += w[a] as number;
  }
  for (let a = 0; a < m; a++) w[a] = (w[a] as number) / total;
  let v = 0;
  for (let a = 0; a < m; a++) {
    const row = (items[lo + a] as number) * k;
    let s = 0;
    for (let b = 0; b < m; b++) s += (cov[row + (items[lo + b] as number)] as number) * (w[b] as number);
    v += (w[a] as number) * s;
  }
  return v;
}

/**
 * Hierarchical-risk-parity weights (sum 1, all positive) from a covariance matrix, as
 * PyPortfolioOpt's HRPOpt with returns (correlation ρᵢⱼ = Σᵢⱼ/√(ΣᵢᵢΣⱼⱼ), not rounded).
 * Weights are scale-invariant in Σ, so sample or population covariance give the same result.
 * All NaN when a variance is 0 or any entry is not finite (correlation undefined).
 * @throws "hrpWeights requires a k×k matrix"
 * @example hrpWeights([1, 0, 0, 4], 2) // => Float64Array [0.8, 0.19999999999999996] (two models: inverse variance)
 */
export function hrpWeights(cov: ArrayLike<number>, k: number): Float64Array {
  assertSquare(cov, k, "hrpWeights");
  for (let i = 0; i < k * k; i++) if (!Number.isFinite(cov[i])) return new Float64Array(k).fill(NaN);
  for (let i = 0; i < k; i++) if (!((cov[i * k + i] as number) > 0)) return new Float64Array(k).fill(NaN);
  if (k === 1) return Float64Array.of(1);
  // clusterOrder of the correlation ρᵢⱼ = Σᵢⱼ/√(ΣᵢᵢΣⱼⱼ), its distances taken straight from Σ.
  const distance = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    const vi = cov[i * k + i] as number;
    for (let j = i + 1; j < k; j++) distance[i * k + j] = distanceOf((cov[i * k + j] as number) / Math.sqrt(vi * (cov[j * k + j] as number)));
  }
  const order = quasiDiagonalOrder(primLinkage(distance, k), k);
  const w = new Float64Array(k).fill(1);
  const scratch = new Array<number>(k).fill(0);
  // Bisection of the ordered list into halves, breadth-first as PyPortfolioOpt. Clusters are
  // ranges [lo, hi) of `order`; every weight is multiplied by its ancestors' factors top-down,
  // whatever the order within a level, so the rounding is PyPortfolioOpt's.
  let level = [0, k];
  while (level.length > 0) {
    const next: number[] = [];
    for (let c = 0; c < level.length; c += 2) {
      const lo = level[c] as number;
      const hi = level[c + 1] as number;
      if (hi - lo <= 1) continue;
      const mid = lo + Math.floor((hi - lo) / 2);
      const v1 = clusterVariance(cov, k, order, lo, mid, scratch);
      const v2 = clusterVariance(cov, k, order, mid, hi, scratch);
      const alpha = 1 - v1 / (v1 + v2);
      for (let a = lo; a < mid; a++) w[order[a] as number] = (w[order[a] as number] as number) * alpha;
      for (let a = mid; a < hi; a++) w[order[a] as number] = (w[order[a] as number] as number) * (1 - alpha);
      next.push(lo, mid, mid, hi);
    }
    level = next;
  }
  return w;
}
