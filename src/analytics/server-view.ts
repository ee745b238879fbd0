/**
 * Views over a whole server's models: how correlated models are within one operator's stable
 * versus across operators, and histograms for the chart.
 */

/**
 * Splits the finite upper-triangle (i < j) correlations into pairs run by the same operator
 * ("within") and by different operators ("across"), in row-major order. NaN cells are skipped.
 * @throws "operatorPairCorrelations requires a k×k matrix"
 * @throws "operatorPairCorrelations requires one operator per model"
 * @example operatorPairCorrelations([1, 0.9, 0.1, 0.9, 1, 0.2, 0.1, 0.2, 1], 3, ["a", "a", "b"])
 *   // => { within: [0.9], across: [0.1, 0.2] }
 */
export function operatorPairCorrelations(
  corr: ArrayLike<number>,
  k: number,
  operatorOf: readonly string[],
): { within: number[]; across: number[] } {
  if (!Number.isInteger(k) || k < 0 || corr.length !== k * k) throw new Error("operatorPairCorrelations requires a k×k matrix");
  if (operatorOf.length !== k) throw new Error("operatorPairCorrelations requires one operator per model");
  const within: number[] = [];
  const across: number[] = [];
  for (let i = 0; i < k; i++) {
    for (let j = i + 1; j < k; j++) {
      const v = corr[i * k + j] as number;
      if (!Number.isFinite(v)) continue;
      if (operatorOf[i] === operatorOf[j]) within.push(v);
      else across.push(v);
    }
  }
  return { within, across };
}

/** Equal-width histogram: `counts[b]` values fall in [edges[b], edges[b+1]). */
export interface Histogram {
  /** bins + 1 edges, edges[0] = lo, edges[bins] = hi. */
  readonly edges: Float64Array;
  readonly counts: Int32Array;
}

/**
 * Equal-width histogram over [lo, hi], numpy.histogram's convention: bins are half-open
 * [a, b) except the last, which is closed [a, hi]; values outside the range and NaN are ignored.
 * Edges are lo + b·(hi − lo)/bins (numpy.linspace), and a value's bin is checked against those
 * exact edges so rounding never puts it on the wrong side of one.
 * @throws "histogram requires a positive integer number of bins"
 * @throws "histogram requires a finite range with lo < hi"
 * @example histogram([0.1, 0.5, 0.5, 1], 2, [0, 1]).counts // => Int32Array [1, 3]
 */
export function histogram(values: ArrayLike<number>, bins: number, range: readonly [number, number]): Histogram {
  if (!Number.isInteger(bins) || bins < 1) throw new Error("histogram requires a positive integer number of bins");
  const [lo, hi] = range;
  if (!Number.isFinite(lo) || !Number.isFinite(hi) || !(lo < hi)) throw new Error("histogram requires a finite range with lo < hi");
  const step = (hi - lo) / bins;
  const edges = Float64Array.from({ length: bins + 1 }, (_, b) => lo + b * step);
  edges[bins] = hi;
  const counts = new Int32Array(bins);
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (!(v >= lo && v <= hi)) continue;
    let b = Math.min(bins - 1, Math.floor((v - lo) / step));
    if (v < (edges[b] as number)) b--;
    else if (b < bins - 1 && v >= (edges[b + 1] as number)) b++;
    counts[b] = (counts[b] as number) + 1;
  }
  return { edges, counts };
}
