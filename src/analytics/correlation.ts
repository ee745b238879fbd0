/**
 * Correlation between models' per-round scores: Pearson, Spearman and the pairwise-complete
 * correlation matrix of a set of models.
 */
import type { RoundSeries } from "./align.js";
import { alignOuter } from "./align.js";
import { argsort, crossProducts } from "./dense.js";

function assertPair(x: ArrayLike<number>, y: ArrayLike<number>, name: string): void {
  if (x.length !== y.length) throw new Error(`${name} requires series of equal length`);
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i]) || !Number.isFinite(y[i])) throw new Error(`${name} requires finite values`);
  }
}

/** Pearson r of the first n entries of two buffers; corrected two-pass means, clamped to [−1, 1]. */
function pearsonOf(x: ArrayLike<number>, y: ArrayLike<number>, n: number): number {
  if (n < 2) return NaN;
  const mx = meanOf(x, n);
  const my = meanOf(y, n);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = (x[i] as number) - mx;
    const dy = (y[i] as number) - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  const d = Math.sqrt(sxx * syy);
  if (!(d > 0)) return NaN;
  return Math.max(-1, Math.min(1, sxy / d));
}

/** Mean of the first n entries, refined by the mean residual (the corrected two-pass algorithm). */
function meanOf(x: ArrayLike<number>, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += x[i] as number;
  const m = s / n;
  let r = 0;
  for (let i = 0; i < n; i++) r += (x[i] as number) - m;
  return m + r / n;
}

/** x minus its mean (as {@link pearsonOf} centres it), written to out[offset…offset + n). */
function centreInto(x: ArrayLike<number>, n: number, out: Float64Array, offset: number): void {
  const m = meanOf(x, n);
  for (let i = 0; i < n; i++) out[offset + i] = (x[i] as number) - m;
}

/** 1 where the aligned column has a value (not NaN), and how many it has. */
function presence(column: Float64Array): { mask: Uint8Array; count: number } {
  const T = column.length;
  const mask = new Uint8Array(T);
  let count = 0;
  for (let t = 0; t < T; t++) {
    if (!Number.isNaN(column[t])) {
      mask[t] = 1;
      count++;
    }
  }
  return { mask, count };
}

/** Rounds present in both masks. */
function countBoth(a: Uint8Array, b: Uint8Array): number {
  let m = 0;
  for (let t = 0; t < a.length; t++) m += (a[t] as number) & (b[t] as number);
  return m;
}

/** Pearson r of x and y on the m rounds present in both masks, gathered into bx and by. */
function maskedPearson(x: Float64Array, y: Float64Array, fx: Uint8Array, fy: Uint8Array, bx: Float64Array, by: Float64Array, m: number): number {
  let u = 0;
  for (let t = 0; t < fx.length; t++) {
    if (fx[t] === 1 && fy[t] === 1) {
      bx[u] = x[t] as number;
      by[u] = y[t] as number;
      u++;
    }
  }
  return pearsonOf(bx, by, m);
}

/** Positions of the column's values, sorted by value. */
function valueOrder(column: Float64Array, mask: Uint8Array, count: number): Int32Array {
  const idx = new Int32Array(count);
  let m = 0;
  for (let t = 0; t < column.length; t++) if (mask[t] === 1) idx[m++] = t;
  return argsort(column, idx);
}

/** Average ranks of model i's whole history (cached: a model meets many partners). */
function ownRanks(
  cache: (Float64Array | undefined)[],
  i: number,
  orders: readonly Int32Array[],
  columns: readonly Float64Array[],
  T: number,
): Float64Array {
  let r = cache[i];
  if (!r) {
    r = new Float64Array(T);
    const order = orders[i] as Int32Array;
    assignAverageRanks(order, order.length, columns[i] as Float64Array, r);
    cache[i] = r;
  }
  return r;
}

/** Average ranks (into `out`) of a model's values on the rounds where `other` is present. */
function ranksWithin(order: Int32Array, column: Float64Array, other: Uint8Array, filtered: Int32Array, out: Float64Array): Float64Array {
  let m = 0;
  for (let u = 0; u < order.length; u++) {
    const t = order[u] as number;
    if (other[t] === 1) filtered[m++] = t;
  }
  assignAverageRanks(filtered, m, column, out);
  return out;
}

/**
 * Pearson correlation r = Σ(x−x̄)(y−ȳ) / √(Σ(x−x̄)²·Σ(y−ȳ)²) of two equal-length series
 * (already aligned by round). NaN when fewer than two values or either series is constant.
 * @throws "pearson requires series of equal length"
 * @throws "pearson requires finite values"
 * @example pearson([1, 2, 3, 4], [1, 3, 2, 4]) // => 0.8 (scipy.stats.pearsonr)
 */
export function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number {
  assertPair(x, y, "pearson");
  return pearsonOf(x, y, x.length);
}

/**
 * Ranks 1…n of the values, ties sharing the average of the ranks they span
 * (scipy.stats.rankdata(method="average")).
 * @throws "rank requires finite values"
 * @example rank([10, 20, 10, 30]) // => Float64Array [1.5, 3, 1.5, 4]
 */
export function rank(values: ArrayLike<number>): Float64Array {
  const n = values.length;
  for (let i = 0; i < n; i++) if (!Number.isFinite(values[i])) throw new Error("rank requires finite values");
  const order = argsort(values, Int32Array.from({ length: n }, (_, i) => i));
  const out = new Float64Array(n);
  assignAverageRanks(order, n, values, out);
  return out;
}

/** Writes average ranks into out[order[·]] for the first m indices of `order` (sorted by value). */
function assignAverageRanks(order: Int32Array, m: number, values: ArrayLike<number>, out: Float64Array): void {
  let s = 0;
  while (s < m) {
    const v = values[order[s] as number] as number;
    let e = s;
    while (e + 1 < m && values[order[e + 1] as number] === v) e++;
    const average = (s + e) / 2 + 1;
    for (let u = s; u <= e; u++) out[order[u] as number] = average;
    s = e + 1;
  }
}

/**
 * Spearman rank correlation: Pearson correlation of the average ranks ({@link rank}).
 * NaN when fewer than two values or either series is constant.
 * @throws "spearman requires series of equal length"
 * @throws "spearman requires finite values"
 * @example spearman([1, 2, 3, 4], [1, 30, 20, 400]) // => 0.8 (scipy.stats.spearmanr)
 */
export function spearman(x: ArrayLike<number>, y: ArrayLike<number>): number {
  assertPair(x, y, "spearman");
  return pearsonOf(rank(x), rank(y), x.length);
}

/** Pairwise-complete correlation matrix of k models. */
export interface PairwiseCorrelation {
  readonly k: number;
  /** k×k row-major; NaN where the overlap is below `minOverlap` or the correlation is undefined. */
  readonly values: Float64Array;
  /** k×k row-major count of rounds both models have; the diagonal is each model's own count. */
  readonly overlap: Int32Array;
}

/**
 * Pairwise-complete correlation matrix (pandas `DataFrame.corr(method, min_periods)`): each pair
 * is correlated on the rounds both models have — the rounds `alignPair` returns — so models that
 * started late or skipped rounds still get a cell from their shared history. Spearman ranks
 * within each pair's overlap. Cells with fewer than `minOverlap` shared rounds, or an undefined
 * correlation (a constant series on the overlap), are NaN. The diagonal is 1 when the model has
 * ≥ max(minOverlap, 2) rounds and is not constant, NaN otherwise.
 * Because pairs use different rounds, the matrix need not be positive semi-definite.
 *
 * The series are aligned once on the union of rounds and pairs are walked on that dense grid,
 * O(k²·T) with no per-pair allocation; models present in every round are centred once and all
 * their pairs come from one blocked cross-product pass (200 models × 1000 rounds: ~10 ms).
 * @throws "pairwiseCorrelation requires minOverlap to be a non-negative integer"
 * @throws "alignOuter requires strictly ascending rounds"
 * @example pairwiseCorrelation([{rounds:[1,2,3,4],values:[1,2,3,4]},{rounds:[2,3,4,5],values:[2,1,4,3]}],
 *   { method: "pearson", minOverlap: 3 }).values[1] // => 0.6546536707079772 (rounds 2–4)
 */
export function pairwiseCorrelation(
  series: readonly RoundSeries[],
  options: { readonly method: "pearson" | "spearman"; readonly minOverlap: number },
): PairwiseCorrelation {
  const { method, minOverlap } = options;
  if (!Number.isInteger(minOverlap) || minOverlap < 0) {
    throw new Error("pairwiseCorrelation requires minOverlap to be a non-negative integer");
  }
  const k = series.length;
  const { rounds, columns } = alignOuter(series);
  const T = rounds.length;
  const values = new Float64Array(k * k).fill(NaN);
  const overlap = new Int32Array(k * k);
  const counts: number[] = [];
  const finite: Uint8Array[] = [];
  for (let i = 0; i < k; i++) {
    const f = presence(columns[i] as Float64Array);
    finite.push(f.mask);
    counts.push(f.count);
  }
  // Per model: axis positions of its finite values sorted by value, so ranks within any
  // pair's overlap come from one linear walk instead of a sort per pair.
  const orders: Int32Array[] = [];
  if (method === "spearman") {
    for (let i = 0; i < k; i++) orders.push(valueOrder(columns[i] as Float64Array, finite[i] as Uint8Array, counts[i] as number));
  }
  // Models present in every round: their pairs need no masking, so centre them once, packed into
  // one buffer, and one cross-product pass gives every such pair's Σ(x−x̄)(y−ȳ) and Σ(x−x̄)².
  const slot = new Int32Array(k).fill(-1);
  let nComplete = 0;
  if (T >= 2) for (let i = 0; i < k; i++) if (counts[i] === T) slot[i] = nComplete++;
  const packed = new Float64Array(nComplete * T);
  const scratch = method === "spearman" ? new Float64Array(T) : null;
  for (let i = 0; i < k; i++) {
    const s = slot[i] as number;
    if (s < 0) continue;
    if (scratch === null) centreInto(columns[i] as Float64Array, T, packed, s * T);
    else {
      assignAverageRanks(orders[i] as Int32Array, T, columns[i] as Float64Array, scratch);
      centreInto(scratch, T, packed, s * T);
    }
  }
  const gram = crossProducts(packed, nComplete, T);
  const bx = new Float64Array(T);
  const by = new Float64Array(T);
  const rx = new Float64Array(T);
  const ry = new Float64Array(T);
  const filtered = new Int32Array(T);

  const ownRankCache: (Float64Array | undefined)[] = [];
  for (let i = 0; i < k; i++) {
    const ci = columns[i] as Float64Array;
    const fi = finite[i] as Uint8Array;
    const count = counts[i] as number;
    overlap[i * k + i] = count;
    if (count >= minOverlap && !Number.isNaN(maskedPearson(ci, ci, fi, fi, bx, bx, count))) values[i * k + i] = 1;
    const si = slot[i] as number;
    for (let j = i + 1; j < k; j++) {
      const cj = columns[j] as Float64Array;
      const fj = finite[j] as Uint8Array;
      const sj = slot[j] as number;
      const bothComplete = si >= 0 && sj >= 0;
      let m = 0;
      if (bothComplete) m = T;
      else m = countBoth(fi, fj);
      overlap[i * k + j] = m;
      overlap[j * k + i] = m;
      if (m < minOverlap || m < 2) continue;
      let r: number;
      if (bothComplete) {
        const d = Math.sqrt((gram[si * nComplete + si] as number) * (gram[sj * nComplete + sj] as number));
        const dot = gram[si * nComplete + sj] as number;
        r = d > 0 ? Math.max(-1, Math.min(1, dot / d)) : NaN;
      } else {
        let sx: Float64Array = ci;
        let sy: Float64Array = cj;
        if (method === "spearman") {
          // A model whose every round is in the overlap keeps the ranks of its own history.
          sx = m === counts[i] ? ownRanks(ownRankCache, i, orders, columns, T) : ranksWithin(orders[i] as Int32Array, ci, fj, filtered, rx);
          sy = m === counts[j] ? ownRanks(ownRankCache, j, orders, columns, T) : ranksWithin(orders[j] as Int32Array, cj, fi, filtered, ry);
        }
        r = maskedPearson(sx, sy, fi, fj, bx, by, m);
      }
      values[i * k + j] = r;
      values[j * k + i] = r;
    }
  }
  return { k, values, overlap };
}
