/**
 * /whatif: proposed weights (typed, or a method's suggestion) against the user's current ones over
 * the same rounds, in sample and walk-forward out of sample, and the payout-rule simulation.
 */
import { allocate as allocateWeights, DEFAULT_CAP, DEFAULT_FLOOR, type AllocationMethod } from "../analytics/allocation.js";
import { maxDrawdown } from "../analytics/drawdown.js";
import { mean } from "../analytics/moments.js";
import { simulatePayouts } from "../analytics/payout-simulation.js";
import { portfolioReturns } from "../analytics/portfolio.js";
import { sharpe } from "../analytics/sharpe.js";
import { cvar } from "../analytics/tail.js";
import { WALK_FORWARD, walkForward } from "../analytics/walk-forward.js";
import { weightTurnover } from "../analytics/what-if.js";
import type { ScoreReadRepository } from "../db/repositories/score-reads.js";
import { UserFacingError } from "../errors.js";
import {
  ALLOCATION_METHOD_NAMES,
  WALK_FORWARD_MIN_ROUNDS,
  oosOf,
  tooFewForWalkForward,
  walkForwardTimes,
  weightsUsed,
  type AnalysisOptions,
  type OosFigures,
  type PortfolioService,
  type Selection,
} from "./portfolio.js";
import { quoteInput } from "./quote-input.js";
import { allocationInput } from "../analytics/risk-model.js";

/** The what-if's one-sentence over-fitting caveat. */
export const WHAT_IF_CAVEAT =
  "Weights chosen after looking at these rounds always look good on them: trust the out-of-sample rows, and switch only if the proposal beats your current weights there by a clear margin.";

/** What to compare with the current weights: typed shares, or the suggestion of an /allocate method. */
export type Proposal = { readonly weights: string } | { readonly method: string };

/** Mean, Sharpe, max drawdown, CVaR 5% (and turnover) of one weighted portfolio over a set of rounds. */
export type WhatIfFigures = OosFigures;

function figures(returns: Float64Array, turnover: number): WhatIfFigures {
  return { rounds: returns.length, mean: mean(returns), sharpe: sharpe(returns), maxDrawdown: maxDrawdown(returns), cvar5: returns.length === 0 ? NaN : cvar(returns, 0.05), turnover };
}

/** A typed name: a model's full name, or a short form a reply showed (head…tail) that fits exactly one. */
function matchName(typed: string, names: readonly string[]): number {
  const t = typed.trim().toLowerCase().replace(/\.\.\./g, "…");
  const exact = names.indexOf(t);
  if (exact >= 0) return exact;
  const cut = t.indexOf("…");
  if (cut < 0) return -1;
  const head = t.slice(0, cut);
  const tail = t.slice(cut + 1);
  const hits = names.map((n, i) => (n.length >= head.length + tail.length && n.startsWith(head) && n.endsWith(tail) ? i : -1)).filter((i) => i >= 0);
  return hits.length === 1 ? (hits[0] as number) : -1;
}

/**
 * `a=0.5 b=0.3 c=0.2` (spaces, commas or semicolons; shares or percentages) over the user's
 * models. Models not named get 0. Shares not summing to 1 are divided by their sum, and the
 * result says so. Refuses (changing nothing) an unknown name, listing the user's models; a name
 * given twice; a share that is not a non-negative number; and shares summing to 0.
 */
export function parseProposedWeights(text: string, names: readonly string[]): { values: Float64Array; givenTotal: number; unnamed: string[] } {
  const pairs = text.split(/[\s,;]+/).filter(Boolean);
  const example = `e.g. weights:"${names.slice(0, 2).map((n, i) => `${n}=${i === 0 ? "0.6" : "0.4"}`).join(" ")}"`;
  if (pairs.length === 0) throw new UserFacingError(`Give the proposed weights as name=share pairs, ${example}.`);
  const values = new Float64Array(names.length);
  const named = new Set<number>();
  for (const pair of pairs) {
    const eq = pair.indexOf("=");
    if (eq <= 0) throw new UserFacingError(`"${quoteInput(pair, 40)}" is not name=share; ${example}.`);
    const i = matchName(pair.slice(0, eq), names);
    if (i < 0) throw new UserFacingError(`You have no model called ${quoteInput(pair.slice(0, eq), 40)}. Your models: ${names.join(", ")}.`);
    if (named.has(i)) throw new UserFacingError(`${names[i] as string} is named twice.`);
    named.add(i);
    const raw = pair.slice(eq + 1).trim();
    const share = /^-?(\d+(\.\d*)?|\.\d+)%?$/.test(raw) ? Number(raw.replace("%", "")) / (raw.endsWith("%") ? 100 : 1) : NaN;
    if (!Number.isFinite(share)) throw new UserFacingError(`The weight of ${names[i] as string} must be a number such as 0.3 or 30%, not "${quoteInput(raw, 20)}".`);
    if (share < 0) throw new UserFacingError(`The weight of ${names[i] as string} is negative (${quoteInput(raw, 20)}); weights are long-only shares of 0 or more.`);
    values[i] = share;
  }
  let total = 0;
  for (const v of values) total += v;
  if (!(total > 0)) throw new UserFacingError("The proposed weights add up to 0; give at least one model a positive share.");
  for (let i = 0; i < values.length; i++) values[i] = (values[i] as number) / total;
  return { values, givenTotal: total, unnamed: names.filter((_, i) => !named.has(i)) };
}

export function createWhatIfService(deps: { readonly portfolio: PortfolioService; readonly reads: ScoreReadRepository }) {
  return {
    /**
     * The proposal against the current weights (the same resolution as /allocate and the digest) on
     * the rounds all models share: in-sample figures and cumulative score, walk-forward out of
     * sample (a method refitted as /allocate does; typed weights held fixed), the switch's turnover,
     * and each model's simulated earnings under the rest-lost bonus and marginal-Sharpe rules.
     */
    whatIf(sel: Selection, opts: AnalysisOptions & { proposal: Proposal }) {
      let method: AllocationMethod | null = null;
      if ("method" in opts.proposal) {
        const raw = opts.proposal.method.trim().toLowerCase();
        if (!(raw in ALLOCATION_METHOD_NAMES)) {
          throw new UserFacingError(`Unknown method "${quoteInput(raw, 30)}". Use one of: ${Object.keys(ALLOCATION_METHOD_NAMES).join(", ")}.`);
        }
        method = ALLOCATION_METHOD_NAMES[raw] as AllocationMethod;
      }
      // Typed weights are checked against the user's models before any series is read.
      const models = deps.portfolio.selectModels(sel, 2);
      const typed = "weights" in opts.proposal ? parseProposedWeights(opts.proposal.weights, models.map((m) => m.name)) : null;
      const d = deps.portfolio.listwise(sel, opts);
      const current = d.weights.values;
      let proposed: Float64Array;
      let label: string;
      if (typed) {
        // listwise keeps the selection's order; map by name to be safe.
        const order = models.map((m) => m.name);
        proposed = Float64Array.from(d.names, (n) => typed.values[order.indexOf(n)] as number);
        label = "your proposal";
      } else {
        const methodName = Object.keys(ALLOCATION_METHOD_NAMES).find((k) => ALLOCATION_METHOD_NAMES[k] === method) as string;
        proposed = allocateWeights(method as AllocationMethod, allocationInput(d.aligned.columns), { cap: DEFAULT_CAP, floor: DEFAULT_FLOOR });
        if (!proposed.every(Number.isFinite)) {
          throw new UserFacingError(`${methodName} has no suggestion on these rounds (no portfolio within the cap has a positive mean, or a model does not vary). Try another method: ${Object.keys(ALLOCATION_METHOD_NAMES).filter((k) => k !== methodName).join(", ")}.`);
        }
        label = `${methodName}'s suggestion`;
      }
      const n = d.aligned.rounds.length;
      const currentReturns = portfolioReturns(d.aligned.columns, current);
      const proposedReturns = portfolioReturns(d.aligned.columns, proposed);
      const switchTurnover = weightTurnover(current, proposed);
      const cumulative = (xs: Float64Array) => {
        let c = 0;
        return Float64Array.from(xs, (x) => (c += x));
      };
      const notes = [...d.built.notes];
      let oos: { current: OosFigures | null; proposed: OosFigures | null; rounds: number; firstRound: number | null } | null = null;
      if (n >= WALK_FORWARD_MIN_ROUNDS) {
        const { finalAt, openAt } = walkForwardTimes(deps.reads, d.aligned.rounds);
        const run = (methods: AllocationMethod[], held: Float64Array) =>
          walkForward({ rounds: d.aligned.rounds, columns: d.aligned.columns, finalAt, openAt, methods, ...WALK_FORWARD, cap: DEFAULT_CAP, floor: DEFAULT_FLOOR, currentWeights: held });
        const base = run(method ? [method] : [], current);
        const proposal = method ? base.portfolios.find((p) => p.name === method) : run([], proposed).portfolios.find((p) => p.name === "current");
        oos = { current: oosOf(base.portfolios.find((p) => p.name === "current")), proposed: oosOf(proposal), rounds: base.oosRounds.length, firstRound: base.oosRounds[0] ?? null };
      } else notes.push(tooFewForWalkForward(n));
      const sim = simulatePayouts(d.aligned.columns, current);
      return {
        names: d.names,
        label,
        method: method === null ? null : label,
        current: { weights: current, source: d.weights.source, used: weightsUsed(d.names, d.weights) },
        proposed: {
          weights: proposed,
          normalisedFrom: typed && Math.abs(typed.givenTotal - 1) > 1e-9 ? typed.givenTotal : null,
          unnamed: typed?.unnamed ?? [],
        },
        inSample: { current: figures(currentReturns, 0), proposed: figures(proposedReturns, switchTurnover) },
        oos,
        walkForward: { ...WALK_FORWARD, refitted: method !== null },
        cumulative: { rounds: d.aligned.rounds, current: cumulative(currentReturns), proposed: cumulative(proposedReturns) },
        payout: {
          multipliers: sim.multipliers,
          rows: d.names.map((name, i) => ({ name, weight: current[i] as number, ...(sim.models[i] as (typeof sim.models)[number]) })),
          portfolioByMultiplier: sim.portfolioByMultiplier,
          portfolioByMarginalSharpe: sim.portfolioByMarginalSharpe,
        },
        caveat: WHAT_IF_CAVEAT,
        commonRounds: n,
        rounds: d.rounds,
        scoreLabel: d.built.scoreLabel,
        notes,
      };
    },
  };
}

export type WhatIfService = ReturnType<typeof createWhatIfService>;
