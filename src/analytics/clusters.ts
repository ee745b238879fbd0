/**
 * Near-duplicate clusters: the connected components of the graph whose edges are the pairs with
 * correlation at or above a threshold (single linkage at that level), found by union–find.
 */

/**
 * Clusters of two or more of the k models, each as ascending indices, ordered by their first
 * index. `corr` is the row-major k×k correlation matrix; NaN pairs are no edge.
 * @throws "thresholdClusters requires a k×k matrix"
 * @example thresholdClusters(Float64Array.of(1, 0.95, 0.1, 0.95, 1, 0.2, 0.1, 0.2, 1), 3, 0.9) // => [[0, 1]]
 */
export function thresholdClusters(corr: ArrayLike<number>, k: number, threshold: number): number[][] {
  if (!Number.isInteger(k) || k < 0 || corr.length !== k * k) throw new Error("thresholdClusters requires a k×k matrix");
  const parent = Int32Array.from({ length: k }, (_, i) => i);
  const find = (i: number): number => {
    let r = i;
    while (parent[r] !== r) r = parent[r] as number;
    // Path compression: later finds are O(1).
    while (parent[i] !== r) {
      const next = parent[i] as number;
      parent[i] = r;
      i = next;
    }
    return r;
  };
  for (let i = 0; i < k; i++) {
    for (let j = i + 1; j < k; j++) {
      if ((corr[i * k + j] as number) >= threshold) parent[find(i)] = find(j);
    }
  }
  const groups = new Map<number, number[]>();
  for (let i = 0; i < k; i++) {
    const root = find(i);
    const group = groups.get(root);
    if (group) group.push(i);
    else groups.set(root, [i]);
  }
  return [...groups.values()].filter((g) => g.length > 1);
}
