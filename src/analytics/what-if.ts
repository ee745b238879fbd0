/**
 * What-if maths (issue 14): a fixed weight vector held over past aligned rounds, and the trade
 * from one weight vector to another. Each statistic is the one implementation elsewhere in
 * src/analytics; this file only composes them.
 *
 *   rₜ        = Σᵢ wᵢ·xᵢₜ with w normalised to Σw = 1           ({@link portfolioReturns})
 *   mean      = (1/n)·Σₜ rₜ
 *   sharpe    = mean / sd(r, ddof 1)                            ({@link sharpe})
 *   maxDD     = largest fall of Cₜ = r₁+…+rₜ (C₀ = 0) from its running peak ({@link maxDrawdown})
 *   cvar5     = mean of the ⌈5% · n⌉ worst rₜ                   ({@link cvar})
 *   turnover  = ½·Σᵢ |bᵢ − aᵢ|, the share of the portfolio traded to go from a to b
 */
import { maxDrawdown } from "./drawdown.js";
import { mean } from "./moments.js";
import { normalizeWeights, portfolioReturns } from "./portfolio.js";
import { sharpe } from "./sharpe.js";
import { cvar } from "./tail.js";

/** A weight vector's figures over the rounds it is held, and its cumulative sum for the chart. */
export interface HeldFigures {
  readonly mean: number;
  readonly sharpe: number;
  readonly maxDrawdown: number;
  readonly cvar5: number;
  /** Cₜ = r₁ + … + rₜ. */
  readonly cumulative: Float64Array;
}

/**
 * The module doc's figures for weights held over aligned columns.
 * @throws "normalizeWeights requires finite, non-negative weights" (and the shape errors of portfolioReturns)
 * @example heldFigures([[0.01, -0.02, 0.03], [0.02, 0.0, -0.01]], [1, 1]).cumulative // => Float64Array [0.015, 0.005, 0.015]
 */
export function heldFigures(columns: readonly ArrayLike<number>[], weights: ArrayLike<number>): HeldFigures {
  const r = portfolioReturns(columns, normalizeWeights(weights));
  const cumulative = new Float64Array(r.length);
  let c = 0;
  r.forEach((v, t) => {
    c += v;
    cumulative[t] = c;
  });
  return { mean: mean(r), sharpe: sharpe(r), maxDrawdown: maxDrawdown(r), cvar5: cvar(r, 0.05), cumulative };
}

/**
 * Turnover from weights a to weights b: ½·Σᵢ |bᵢ − aᵢ| (0 = no trade, 1 = everything moved).
 * @throws "weightTurnover requires weight vectors of equal length"
 * @example weightTurnover([0.5, 0.5], [0.2, 0.8]) // => 0.3
 */
export function weightTurnover(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error("weightTurnover requires weight vectors of equal length");
  let half = 0;
  for (let i = 0; i < a.length; i++) half += Math.abs((b[i] as number) - (a[i] as number));
  return half / 2;
}
