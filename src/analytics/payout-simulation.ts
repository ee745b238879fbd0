/**
 * Payout-rule simulation (issue 14): what a portfolio's models would have earned under rules that
 * reward diversity, side by side with today's rule. A SIMULATION on past per-round payouts: it
 * assumes every model would have been submitted and staked exactly as it was.
 *
 * Inputs: aligned per-round payouts xᵢₜ (per unit of stake, today's rule; n rounds × k models) and
 * stake weights wᵢ ≥ 0 with Σw > 0, normalised here to sum to 1.
 *
 * Today's rule:  Eᵢ = wᵢ · Σₜ xᵢₜ                              (model i's stake-weighted total)
 *
 * "Rest lost pays c×": the rest of the portfolio for model i in round t is Rᵢₜ = Σⱼ≠ᵢ wⱼxⱼₜ; in the
 * rounds where Rᵢₜ < 0, model i's payout (gain or loss alike) is multiplied by c:
 *                Eᵢ(c) = wᵢ · Σₜ xᵢₜ · (c if Rᵢₜ < 0 else 1)
 *
 * "Pay by marginal Sharpe contribution": the same pool P = Σᵢ Eᵢ that today's rule paid is split in
 * proportion to each model's positive leave-one-out Sharpe contribution ΔSRᵢ⁺ = max(ΔSRᵢ, 0)
 * ({@link leaveOneOutSharpe}, sample moments ddof 1):
 *                Mᵢ = P · ΔSRᵢ⁺ / Σⱼ ΔSRⱼ⁺        (all NaN when no model raises the Sharpe)
 */
import { assertFinite } from "./guards.js";
import { leaveOneOutSharpe, normalizeWeights, sampleMoments } from "./portfolio.js";

/** The multipliers c the simulation reports, 1 (today's rule) to 3. */
export const REST_LOST_MULTIPLIERS = [1, 1.5, 2, 2.5, 3] as const;

/** Per-model and total earnings under each simulated rule. */
export interface PayoutSimulation {
  /** Eᵢ under today's rule, per model. */
  readonly today: Float64Array;
  /** Eᵢ(c) per multiplier, in the order of `multipliers`. */
  readonly restLost: readonly { readonly multiplier: number; readonly earned: Float64Array }[];
  /** Mᵢ: today's pool split by positive leave-one-out Sharpe contribution. */
  readonly marginalSharpe: Float64Array;
  /** Rounds in which each model's rest of the portfolio lost (Rᵢₜ < 0). */
  readonly restLostRounds: Int32Array;
}

/**
 * The three rules of the module doc on aligned payout columns.
 * @throws "simulatePayouts requires one weight per column"
 * @throws "simulatePayouts requires columns of equal length"
 * @throws "simulatePayouts requires finite values"
 * @example simulatePayouts([[0.01, -0.02], [-0.01, 0.03]], [0.5, 0.5]).restLost[4].earned // => Float64Array [0.005, 0.04]
 */
export function simulatePayouts(
  columns: readonly ArrayLike<number>[],
  weights: ArrayLike<number>,
  multipliers: readonly number[] = REST_LOST_MULTIPLIERS,
): PayoutSimulation {
  if (columns.length !== weights.length) throw new Error("simulatePayouts requires one weight per column");
  const k = columns.length;
  const n = k === 0 ? 0 : (columns[0] as ArrayLike<number>).length;
  for (const c of columns) {
    if (c.length !== n) throw new Error("simulatePayouts requires columns of equal length");
    assertFinite(c, "simulatePayouts");
  }
  const w = normalizeWeights(weights);
  const total = new Float64Array(n);
  columns.forEach((c, i) => {
    for (let t = 0; t < n; t++) total[t] = (total[t] as number) + (w[i] as number) * (c[t] as number);
  });
  const today = new Float64Array(k);
  const lostSums = new Float64Array(k);
  const restLostRounds = new Int32Array(k);
  columns.forEach((c, i) => {
    const wi = w[i] as number;
    let all = 0;
    let lost = 0;
    for (let t = 0; t < n; t++) {
      const x = c[t] as number;
      all += x;
      if ((total[t] as number) - wi * x < 0) {
        lost += x;
        restLostRounds[i] = (restLostRounds[i] as number) + 1;
      }
    }
    today[i] = wi * all;
    lostSums[i] = wi * lost;
  });
  const restLost = multipliers.map((m) => ({
    multiplier: m,
    earned: Float64Array.from(today, (e, i) => e + (m - 1) * (lostSums[i] as number)),
  }));
  return { today, restLost, marginalSharpe: marginalSharpeSplit(columns, w, today), restLostRounds };
}

function marginalSharpeSplit(columns: readonly ArrayLike<number>[], w: Float64Array, today: Float64Array): Float64Array {
  const k = columns.length;
  const { mu, cov } = sampleMoments(columns);
  const delta = leaveOneOutSharpe(mu, cov, k, w);
  let positive = 0;
  for (const d of delta) if (d > 0) positive += d;
  const pool = today.reduce((s, e) => s + e, 0);
  if (!(positive > 0)) return new Float64Array(k).fill(NaN);
  return Float64Array.from(delta, (d) => (d > 0 ? (pool * d) / positive : 0));
}
