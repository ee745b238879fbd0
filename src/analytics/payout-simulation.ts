/**
 * Payout-rule simulation (issue 14, "What if"): what each model of a portfolio would have earned
 * over the same rounds under rules that reward diversity, beside today's rule. A simulation on
 * past scores, not a Numerai rule.
 */
import { leaveOneOutSharpe } from "./portfolio.js";
import { sampleMoments } from "./risk-model.js";

/** The bonus multipliers c simulated for rounds where the rest of the portfolio lost; 1 is today's rule. */
export const PAYOUT_SIMULATION_MULTIPLIERS = [1, 1.5, 2, 2.5, 3] as const;

/** One model's simulated earnings, each as its contribution to the portfolio (weight × per-unit sum). */
export interface SimulatedPayout {
  /** byMultiplier[m]: Σₜ wᵢ·mᵢₜ·xᵢₜ with mᵢₜ = multipliers[m] when the rest lost in round t, else 1. */
  readonly byMultiplier: Float64Array;
  /** Rounds where the rest of the portfolio lost (Σⱼ≠ᵢ wⱼxⱼₜ < 0). */
  readonly restLostRounds: number;
  /** P·ΔSRᵢ⁺ / Σⱼ ΔSRⱼ⁺: today's portfolio total split by positive leave-one-out Sharpe contribution; NaN when no model has one. */
  readonly byMarginalSharpe: number;
}

export interface PayoutSimulation {
  readonly multipliers: readonly number[];
  readonly models: readonly SimulatedPayout[];
  /** Σᵢ of each column: the portfolio's earnings per unit of total stake under each rule. */
  readonly portfolioByMultiplier: Float64Array;
  /** Equals today's total P (the marginal-Sharpe rule redistributes it), NaN when undefined. */
  readonly portfolioByMarginalSharpe: number;
}

/**
 * Simulated earnings of each model i with weight wᵢ over T aligned rounds of scores xᵢₜ:
 *
 *   restᵢₜ = Σⱼ≠ᵢ wⱼ·xⱼₜ                      (the rest of the portfolio's round score)
 *   Eᵢ(c)  = Σₜ wᵢ·mᵢₜ(c)·xᵢₜ,  mᵢₜ(c) = c if restᵢₜ < 0 else 1
 *            (the whole round score is multiplied, a loss as well as a gain; c = 1 is today's rule)
 *   P      = Σᵢ Eᵢ(1)                          (what the portfolio earned under today's rule)
 *   Mᵢ     = P · max(ΔSRᵢ, 0) / Σⱼ max(ΔSRⱼ, 0) (pay by marginal Sharpe contribution)
 *
 * where ΔSRᵢ = SR(w) − SR(w₋ᵢ) is the leave-one-out Sharpe contribution (`leaveOneOutSharpe`,
 * sample mean and covariance with ddof 1). Earnings are per unit of the portfolio's total stake.
 * @throws "simulatePayouts requires one weight per column" (also "columns of equal length", "finite values", "at least one column")
 * @example simulatePayouts([[0.01, -0.02, 0.03], [-0.01, 0.01, 0.02]], [0.5, 0.5], [1, 2]).models[0].byMultiplier // => Float64Array [0.01, 0.015]
 */
export function simulatePayouts(
  columns: readonly ArrayLike<number>[],
  weights: ArrayLike<number>,
  multipliers: readonly number[] = PAYOUT_SIMULATION_MULTIPLIERS,
): PayoutSimulation {
  const k = columns.length;
  if (k === 0) throw new Error("simulatePayouts requires at least one column");
  if (weights.length !== k) throw new Error("simulatePayouts requires one weight per column");
  const n = (columns[0] as ArrayLike<number>).length;
  for (const c of columns) {
    if (c.length !== n) throw new Error("simulatePayouts requires columns of equal length");
    for (let t = 0; t < n; t++) if (!Number.isFinite(c[t])) throw new Error("simulatePayouts requires finite values");
  }
  const total = new Float64Array(n);
  for (let i = 0; i < k; i++) {
    const c = columns[i] as ArrayLike<number>;
    const w = weights[i] as number;
    for (let t = 0; t < n; t++) total[t] = (total[t] as number) + w * (c[t] as number);
  }
  const { mu, cov } = sampleMoments(columns);
  const delta = leaveOneOutSharpe(mu, cov, k, weights);
  let positive = 0;
  for (const d of delta) if (d > 0) positive += d;
  const portfolioByMultiplier = new Float64Array(multipliers.length);
  const raw = [];
  for (let i = 0; i < k; i++) {
    const c = columns[i] as ArrayLike<number>;
    const w = weights[i] as number;
    const byMultiplier = new Float64Array(multipliers.length);
    let restLostRounds = 0;
    for (let t = 0; t < n; t++) {
      const own = w * (c[t] as number);
      const lost = (total[t] as number) - own < 0;
      if (lost) restLostRounds++;
      for (let m = 0; m < multipliers.length; m++) byMultiplier[m] = (byMultiplier[m] as number) + (lost ? (multipliers[m] as number) : 1) * own;
    }
    for (let m = 0; m < multipliers.length; m++) portfolioByMultiplier[m] = (portfolioByMultiplier[m] as number) + (byMultiplier[m] as number);
    raw.push({ byMultiplier, restLostRounds, delta: delta[i] as number });
  }
  let today = 0;
  for (const t of total) today += t;
  const models = raw.map((r) => ({
    byMultiplier: r.byMultiplier,
    restLostRounds: r.restLostRounds,
    byMarginalSharpe: positive > 0 ? (today * Math.max(r.delta, 0)) / positive : NaN,
  }));
  return { multipliers: [...multipliers], models, portfolioByMultiplier, portfolioByMarginalSharpe: positive > 0 ? today : NaN };
}
