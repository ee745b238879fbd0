/** What-if comparisons of two weight vectors over the same rounds. */

/**
 * One-way turnover of switching from weights `from` to `to`: ½·Σᵢ|toᵢ − fromᵢ| (0 = no change,
 * 1 = a wholly different portfolio). The same measure the walk-forward uses between rebalances.
 * @throws "weightTurnover requires weight vectors of equal length"
 * @example weightTurnover([0.5, 0.5, 0], [0.2, 0.3, 0.5]) // => 0.5
 */
export function weightTurnover(from: ArrayLike<number>, to: ArrayLike<number>): number {
  if (from.length !== to.length) throw new Error("weightTurnover requires weight vectors of equal length");
  let half = 0;
  for (let i = 0; i < from.length; i++) half += Math.abs((to[i] as number) - (from[i] as number));
  return half / 2;
}
