/**
 * Greedy backward elimination: which models could go without hurting the portfolio? Each step
 * drops the model whose removal raises the objective most, as long as the rise exceeds a
 * threshold, and records why (its closest correlate, the Sharpe change) so a reason can be worded
 * ("ρ = 0.97 with X", "ΔSR +0.04").
 */
import { meucciEffectiveBets } from "./effective-bets.js";
import { portfolioSharpe } from "./portfolio.js";
import { correlationFromCovariance } from "./risk-model.js";
import { checkedWeightTotal } from "./weights.js";

/**
 * What a removal must improve.
 * - `sharpe`: the portfolio Sharpe wᵀμ/√(wᵀΣw) of the remaining models (weights renormalised
 *   over them; the ratio is scale-invariant).
 * - `enbPerStake`: Meucci's effective number of bets of the remaining models (on their own
 *   covariance block, weights renormalised) divided by the share of the original stake they keep,
 *   Σ_{i∈S} wᵢ / Σ_all wᵢ — effective bets per unit of stake. Dropping a model frees its stake,
 *   so the ratio rises unless the model carried its share of the diversification.
 */
export type PruneObjective = "sharpe" | "enbPerStake";

/** Inputs of {@link prune}. */
export interface PruneOptions {
  readonly mu: ArrayLike<number>;
  /** Sample covariance, row-major k×k. */
  readonly cov: ArrayLike<number>;
  readonly k: number;
  /** Current (or suggested) weights, non-negative; models with weight 0 are not considered. */
  readonly weights: ArrayLike<number>;
  readonly objective: PruneObjective;
  /** Minimum rise of the objective for a removal (e.g. 0 for "any improvement"). */
  readonly threshold: number;
  /** Model names, copied into the steps. */
  readonly names?: readonly string[];
  /** Correlation matrix for `mostCorrelatedWith` (default: from `cov`). */
  readonly corr?: ArrayLike<number>;
}

/** One removal. */
export interface PruneStep {
  readonly index: number;
  readonly name?: string;
  readonly objectiveBefore: number;
  readonly objectiveAfter: number;
  /** objectiveAfter − objectiveBefore (> threshold). */
  readonly delta: number;
  readonly sharpeBefore: number;
  readonly sharpeAfter: number;
  readonly deltaSharpe: number;
  /** The remaining model most correlated with the dropped one (−1 when no correlation is defined). */
  readonly mostCorrelatedWith: number;
  readonly mostCorrelatedWithName?: string;
  /** That correlation (NaN when none). */
  readonly rho: number;
  /** Weights after the removal, renormalised over the remaining models. */
  readonly weights: Float64Array;
}

/** Result of {@link prune}: the removals in order, the models kept and their renormalised weights. */
export interface PruneResult {
  readonly steps: readonly PruneStep[];
  readonly kept: readonly number[];
  readonly weights: Float64Array;
}

function renormalised(weights: ArrayLike<number>, kept: readonly number[], k: number): Float64Array {
  const w = new Float64Array(k);
  let total = 0;
  for (const i of kept) total += weights[i] as number;
  for (const i of kept) w[i] = (weights[i] as number) / total;
  return w;
}

/**
 * Greedy backward elimination of models from a weighted portfolio.
 * Start from the models with positive weight; at each step try removing each remaining model
 * (weights renormalised over the rest), pick the removal with the highest objective (first index
 * on ties; NaN objectives are skipped), and drop it if objective − current objective > threshold
 * (plus a 1e-12 relative allowance, so a rise that is only rounding does not count).
 * Stops when no removal clears the threshold, when one model is left, or when the current
 * objective is NaN (e.g. zero portfolio variance). Cost: O(k²) objective evaluations (each an
 * eigendecomposition for enbPerStake).
 * @throws "prune requires a k×k covariance matrix" (also "k means", "k weights", "k names", "a k×k correlation matrix")
 * @throws "prune requires finite, non-negative weights" / "prune requires a positive weight"
 * @throws "prune requires a finite threshold"
 * @throws "prune requires a known objective"
 * @example prune({ mu: [0.02, 0.001, 0.02], cov: [1e-4, 0, 0, 0, 1e-4, 0, 0, 0, 1e-4], k: 3, weights: [1, 1, 1], objective: "sharpe", threshold: 0 }).steps[0].index // => 1 (dropping the weak model lifts the Sharpe from 2.3671 to 2.8284)
 */
export function prune(options: PruneOptions): PruneResult {
  const { mu, cov, k, weights, objective, threshold, names } = options;
  if (!Number.isInteger(k) || k < 1 || cov.length !== k * k) throw new Error("prune requires a k×k covariance matrix");
  if (mu.length !== k) throw new Error("prune requires k means");
  if (weights.length !== k) throw new Error("prune requires k weights");
  if (names !== undefined && names.length !== k) throw new Error("prune requires k names");
  if (options.corr !== undefined && options.corr.length !== k * k) throw new Error("prune requires a k×k correlation matrix");
  if (!Number.isFinite(threshold)) throw new Error("prune requires a finite threshold");
  if (objective !== "sharpe" && objective !== "enbPerStake") throw new Error("prune requires a known objective");
  const total = checkedWeightTotal(weights, "prune");
  const corr = options.corr ?? correlationFromCovariance(Float64Array.from(cov), k);

  const sharpeOf = (kept: readonly number[]): number => portfolioSharpe(mu, cov, k, renormalised(weights, kept, k));
  const objectiveOf = (kept: readonly number[]): number => {
    if (objective === "sharpe") return sharpeOf(kept);
    const m = kept.length;
    const sub = new Float64Array(m * m);
    const w = new Float64Array(m);
    let stake = 0;
    kept.forEach((i, a) => {
      w[a] = weights[i] as number;
      stake += weights[i] as number;
      kept.forEach((j, b) => {
        sub[a * m + b] = cov[i * k + j] as number;
      });
    });
    return meucciEffectiveBets(sub, m, w) / (stake / total);
  };

  let kept: number[] = [];
  for (let i = 0; i < k; i++) if ((weights[i] as number) > 0) kept.push(i);
  const steps: PruneStep[] = [];
  let current = objectiveOf(kept);
  let currentSharpe = sharpeOf(kept);
  while (kept.length > 1 && !Number.isNaN(current)) {
    let best = -1;
    let bestValue = -Infinity;
    for (const j of kept) {
      const value = objectiveOf(kept.filter((i) => i !== j));
      if (value > bestValue) {
        bestValue = value;
        best = j;
      }
    }
    // A rise within rounding (1e-12 relative) is no rise: otherwise ties like ENB 3/1 vs 2/(2/3) drop models.
    if (best < 0 || !(bestValue - current > threshold + 1e-12 * Math.abs(current))) break;
    const rest = kept.filter((i) => i !== best);
    let partner = -1;
    let rho = NaN;
    for (const j of rest) {
      const r = corr[best * k + j] as number;
      if (!Number.isNaN(r) && (partner < 0 || r > rho)) {
        partner = j;
        rho = r;
      }
    }
    const sharpeAfter = sharpeOf(rest);
    steps.push({
      index: best,
      ...(names === undefined ? {} : { name: names[best] as string }),
      objectiveBefore: current,
      objectiveAfter: bestValue,
      delta: bestValue - current,
      sharpeBefore: currentSharpe,
      sharpeAfter,
      deltaSharpe: sharpeAfter - currentSharpe,
      mostCorrelatedWith: partner,
      ...(names === undefined || partner < 0 ? {} : { mostCorrelatedWithName: names[partner] as string }),
      rho,
      weights: renormalised(weights, rest, k),
    });
    kept = rest;
    current = bestValue;
    currentSharpe = sharpeAfter;
  }
  return { steps, kept, weights: renormalised(weights, kept, k) };
}
