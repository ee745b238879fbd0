/**
 * Portfolio use cases: read the store, align series by round, call the pure core, return plain
 * data. NaN in results means "not defined / not enough data"; renderers word it, never print it.
 */
import { alignByRound, type AlignedSeries } from "../analytics/align.js";
import { allocate as allocateWeights, ALLOCATION_METHODS, DEFAULT_CAP, DEFAULT_FLOOR, type AllocationMethod } from "../analytics/allocation.js";
import { prune as pruneModels } from "../analytics/prune.js";
import { WALK_FORWARD, walkForward, type WalkForwardPortfolio } from "../analytics/walk-forward.js";
import { pairwiseCorrelation } from "../analytics/correlation.js";
import { averageCorrelationBets, meucciEffectiveBets, participationRatio } from "../analytics/effective-bets.js";
import { leaveOutForSharedRounds } from "../analytics/shared-rounds.js";
import { minimumTorsionBets } from "../analytics/torsion.js";
import { hedgeValues, type HedgeValue } from "../analytics/hedge.js";
import { thresholdClusters } from "../analytics/clusters.js";
import { clusterOrder } from "../analytics/hrp.js";
import { leaveOneOutSharpe, portfolioReturns, portfolioSharpe, riskShares, sharpeGradient } from "../analytics/portfolio.js";
import { rollingParticipationRatio } from "../analytics/rolling-bets.js";
import { rollingCorrelationWithRest } from "../analytics/rolling-correlation.js";
import { rollingSharpe } from "../analytics/rolling-sharpe.js";
import { operatorPairCorrelations } from "../analytics/server-view.js";
import { summarize, type ModelStats } from "../analytics/summary.js";
import { resolvePortfolioWeights, type WeightOrigin, type WeightPolicy } from "../analytics/weights.js";
import type { ModelRepository, ModelRow, RegistrationRepository, UserSettingsRepository } from "../db/repositories/models.js";
import type { NmrColumns, ScoreReadRepository } from "../db/repositories/score-reads.js";
import { UserFacingError } from "../errors.js";
import { buildSeries, createSeriesCache, MAX_ROUNDS_OPTION, parseScoreChoice, roundSpan, type BuiltSeries, type RoundsUsed, type RoundWindow, type SeriesCache } from "./series.js";
import { quoteInput } from "./quote-input.js";
import { checkShareRange, checkShareTotal, type WeightEntry } from "./registrations.js";
import { allocationInput, correlationFromCovariance, sampleMoments } from "../analytics/risk-model.js";

export interface PortfolioDeps {
  readonly models: ModelRepository;
  readonly registrations: RegistrationRepository;
  readonly settings: UserSettingsRepository;
  readonly reads: ScoreReadRepository;
  /** Each model's series in memory until its scores are written again (default: one per service). */
  readonly series?: SeriesCache;
}

/** Whose models: a Discord user's registrations, or explicit model names from the store. */
export type Selection = { readonly userId: string } | { readonly modelNames: readonly string[] };

export interface AnalysisOptions extends RoundWindow {
  /** Score name, `score` (default) or `payout`. */
  readonly score?: string | undefined;
  /** Shares declared for this run (CLI --weights; null ignores a declared one), under the same rule as declared weights. */
  readonly weights?: readonly WeightEntry[] | undefined;
  /** Treat a round a model lacks as a 0 score (what Numerai pays a non-submission) instead of dropping the round. */
  readonly missingAsZero?: boolean | undefined;
  /** Fewest shared rounds a listwise statistic accepts. Default 20. */
  readonly minRounds?: number | undefined;
  /** How advice in a refusal spells options: `rounds:60` in Discord and the shell, `--rounds 60` on the CLI. */
  readonly optionSyntax?: OptionSyntax | undefined;
}

export type OptionSyntax = "slash" | "cli";

/**
 * What to do with a round one of the models lacks, for listwise statistics: the choices the
 * commands offer (`missing:`), their help text and the service's flag all come from here.
 */
export const MISSING_ROUNDS = {
  drop: "use only the rounds every model has (default)",
  zero: "count a round a model lacks as 0, what Numerai pays a model that did not submit",
} as const;
export type MissingRounds = keyof typeof MISSING_ROUNDS;

/** Advice spelled as the user would type it where they are: `missing:zero` / `--missing-zero`, `rounds:45` / `--rounds 45`. */
export function optionHint(syntax: OptionSyntax | undefined, option: { missing: Extract<MissingRounds, "zero"> } | { rounds: number }): string {
  if ("missing" in option) return syntax === "cli" ? "--missing-zero" : `missing:${option.missing}`;
  return syntax === "cli" ? `--rounds ${option.rounds}` : `rounds:${option.rounds}`;
}

/** How to leave models out where the user is: their registrations, or the names they passed. */
function removeHint(sel: Selection, syntax: OptionSyntax | undefined): string {
  if (!("userId" in sel)) return syntax === "cli" ? "Leave them out of --models." : "Leave them out of the models you name.";
  return syntax === "cli" ? "`modelfolio models remove NAME…` stops tracking a model." : "`/models remove` stops tracking a model.";
}

/** "a", "a and b", "a, b and c". */
function nameList(names: readonly string[]): string {
  return names.length <= 1 ? (names[0] ?? "") : `${names.slice(0, -1).join(", ")} and ${names[names.length - 1] as string}`;
}

/** Where a view's weights came from as a whole: "mixed" when models got them from different places (see `origins`). */
export type WeightSource = "explicit" | WeightPolicy | "mixed";

export interface Weights {
  readonly values: Float64Array;
  readonly source: WeightSource;
  /** Per model: declared, Numerai stake or equal share (`resolvePortfolioWeights`); "explicit" when declared by CLI --weights. */
  readonly origins: ReadonlyArray<WeightOrigin | "explicit">;
}

/** The overall label of per-model origins. */
export function weightSourceOf(origins: ReadonlyArray<WeightOrigin | "explicit">): WeightSource {
  const kinds = new Set(origins);
  if (kinds.size !== 1) return "mixed";
  const only = origins[0] ?? "equal";
  return only === "stake" ? "api" : only;
}

/** Each model's weight and where it came from, for every analysis reply. */
export interface WeightUsed {
  readonly name: string;
  readonly weight: number;
  readonly origin: WeightOrigin | "explicit";
}

export function weightsUsed(names: readonly string[], w: Weights): WeightUsed[] {
  return names.map((name, i) => ({ name, weight: w.values[i] as number, origin: w.origins[i] ?? "equal" }));
}

/**
 * Each core method's user-facing name (the /allocate option value and the label in replies) and
 * its title (the choice Discord shows). The one table: the name map, the labels and the command's
 * choices derive from it, in ALLOCATION_METHODS' order.
 */
const METHOD_NAMING: Readonly<Record<AllocationMethod, { readonly label: string; readonly title: string }>> = {
  equal: { label: "equal", title: "equal weights" },
  inverseVariance: { label: "inverse-variance", title: "inverse variance" },
  minimumVariance: { label: "min-variance", title: "minimum variance" },
  hrp: { label: "hrp", title: "hierarchical risk parity" },
  maximumSharpe: { label: "max-sharpe", title: "maximum Sharpe" },
};
const METHOD_LABEL = (m: AllocationMethod): string => METHOD_NAMING[m].label;
/** User-facing method names → the core's. */
export const ALLOCATION_METHOD_NAMES: Readonly<Record<string, AllocationMethod>> = Object.fromEntries(
  ALLOCATION_METHODS.map((m) => [METHOD_LABEL(m), m]),
);
/** The choices of /allocate's `method` option: "all", then every method by its user-facing name. */
export const ALLOCATION_METHOD_CHOICES: ReadonlyArray<{ readonly name: string; readonly value: string }> = [
  { name: "all methods (default)", value: "all" },
  ...ALLOCATION_METHODS.map((m) => ({ name: METHOD_NAMING[m].title, value: METHOD_LABEL(m) })),
];
export const OVERFITTING_CAVEAT =
  "These weights are fitted on past rounds, which overlap in time (each round is scored for ~20 days), so the history is shorter than it looks. " +
  "In-sample figures flatter every optimiser: trust the out-of-sample rows, and prefer a method only if it beats equal weights there by a clear margin.";

export interface OosFigures {
  readonly rounds: number;
  readonly mean: number;
  readonly sharpe: number;
  readonly maxDrawdown: number;
  readonly cvar5: number;
  readonly turnover: number;
}

/** A walk-forward portfolio's out-of-sample figures, null when it was not run. */
export const oosOf = (p: WalkForwardPortfolio | undefined): OosFigures | null =>
  p ? { rounds: p.nRounds, mean: p.mean, sharpe: p.sharpe, maxDrawdown: p.maxDrawdown, cvar5: p.cvar5, turnover: p.turnover } : null;

/** Common rounds a walk-forward check needs: WALK_FORWARD.minFit to fit, resolutionLag to resolve, one to test. */
export const WALK_FORWARD_MIN_ROUNDS = WALK_FORWARD.minFit + WALK_FORWARD.resolutionLag + 1;

/** The note when there are too few common rounds for the walk-forward check. */
export function tooFewForWalkForward(n: number): string {
  return `Not enough common rounds for an out-of-sample check (${n}; it needs ${WALK_FORWARD_MIN_ROUNDS}: ${WALK_FORWARD.minFit} to fit, ${WALK_FORWARD.resolutionLag} for scores to resolve, then at least one to test).`;
}

/** Each round final at its resolve time when the API gave it, else by the calendar lag (walkForward's finalAt / openAt). */
export function walkForwardTimes(reads: ScoreReadRepository, rounds: readonly number[]): { finalAt: Float64Array; openAt: Float64Array; timedRounds: number } {
  const n = rounds.length;
  const times = n > 0 ? reads.roundTimes(rounds[0] as number, rounds[n - 1] as number) : new Map<number, { openTime: number | null; resolveTime: number | null }>();
  const finalAt = Float64Array.from(rounds, (r) => times.get(r)?.resolveTime ?? NaN);
  const openAt = Float64Array.from(rounds, (r) => times.get(r)?.openTime ?? NaN);
  return { finalAt, openAt, timedRounds: finalAt.filter(Number.isFinite).length };
}

export const DEFAULT_MIN_OVERLAP = 20;
/** Per-round Sharpe must rise by more than this for prune to drop a model. */
export const DEFAULT_PRUNE_THRESHOLD = 0.005;
export const DEFAULT_MIN_ROUNDS = 20;
export const NEAR_DUPLICATE_RHO = 0.9;
/**
 * The two weighted bets figures (Meucci's entropy and minimum-torsion) "disagree" when they differ
 * by more than this many bets; the reply then says to trust minimum-torsion (README, effective bets).
 */
export const BETS_DISAGREEMENT = 1;
export const MAX_ANALYSIS_MODELS = 200;
/**
 * /history's rolling window in shared rounds: 60 daily rounds are about twelve weeks, long enough
 * for a correlation to mean something, short enough to show a change within a year.
 */
export const HISTORY_WINDOW = { default: 60, min: 10, max: 500 } as const;

export interface ListwiseData {
  readonly built: BuiltSeries;
  readonly names: readonly string[];
  readonly aligned: AlignedSeries;
  readonly weights: Weights;
  readonly mu: Float64Array;
  readonly cov: Float64Array;
  readonly k: number;
  readonly rounds: RoundsUsed;
}

/** What Numerai paid a model in NMR over the rounds of an answer, from the amounts it reported. */
export interface NmrPayouts {
  /** Rounds with a stake at risk (> 0) and a reported payout. */
  readonly stakedRounds: number;
  /** Σ payout over those rounds (settled, else pending), NMR. */
  readonly paid: number;
  /** Mean stake at risk over those rounds, NMR. */
  readonly meanAtRisk: number;
  /** paid ÷ Σ at risk: the per-unit return Numerai actually paid. */
  readonly perUnit: number;
  readonly latestAtRisk: number;
  readonly latestRound: number;
}

/**
 * NMR figures of one model over `rounds`, from its stored round facts; null when Numerai reported
 * no stake in any of them (unstaked, or imported scores). Amounts are the API's decimal strings.
 */
function nmrPayouts(facts: NmrColumns, rounds: readonly number[]): NmrPayouts | null {
  const wanted = new Set(rounds);
  let paid = 0;
  let atRisk = 0;
  let count = 0;
  let latest: { round: number; atRisk: number } | null = null;
  for (let f = 0; f < facts.rounds.length; f++) {
    const round = facts.rounds[f] as number;
    if (!wanted.has(round)) continue;
    const stake = facts.atRisk[f] as number;
    const payout = facts.payout[f] as number;
    if (!(stake > 0) || !Number.isFinite(payout)) continue;
    paid += payout;
    atRisk += stake;
    count++;
    if (latest === null || round > latest.round) latest = { round, atRisk: stake };
  }
  if (latest === null) return null;
  return { stakedRounds: count, paid, meanAtRisk: atRisk / count, perUnit: paid / atRisk, latestAtRisk: latest.atRisk, latestRound: latest.round };
}

export function createPortfolioService(deps: PortfolioDeps) {
  const cache = deps.series ?? createSeriesCache(deps.reads);
  function selectModels(sel: Selection, minModels: number): ModelRow[] {
    let rows: ModelRow[];
    if ("userId" in sel) {
      rows = deps.registrations.listForUser(sel.userId);
      if (rows.length === 0) throw new UserFacingError("You have no models yet. Add one with /models add.");
    } else {
      const unknown: string[] = [];
      rows = [];
      for (const name of new Set(sel.modelNames.map((n) => n.trim().toLowerCase()).filter(Boolean))) {
        const m = deps.models.findByName(name);
        if (m) rows.push(m);
        else unknown.push(name);
      }
      if (unknown.length > 0) throw new UserFacingError(`No stored model called ${unknown.slice(0, 5).join(", ")}.`);
    }
    if (rows.length > MAX_ANALYSIS_MODELS) throw new UserFacingError(`At most ${MAX_ANALYSIS_MODELS} models can be analysed at once.`);
    if (rows.length < minModels) {
      throw new UserFacingError(`This needs at least ${minModels} models; ${rows.length === 1 ? "there is only one" : `there are ${rows.length}`}.`);
    }
    return rows;
  }

  function read(sel: Selection, opts: AnalysisOptions, minModels: number): BuiltSeries {
    const models = selectModels(sel, minModels);
    return buildSeries(deps.reads, models, parseScoreChoice(opts.score), opts, cache);
  }

  /**
   * The weights by `resolvePortfolioWeights`: declared, else Numerai stake share, else equal. CLI
   * `--weights` declares shares for this run only (over the user's own, "clear" ignores one) under
   * the same rule and checks, so a model it does not name still gets its stake or equal share.
   */
  function resolveWeights(sel: Selection, models: readonly ModelRow[], toRound: number | null, given?: readonly WeightEntry[]): Weights {
    const userId = "userId" in sel ? sel.userId : null;
    // Weights given for this run mean the declared rule, whatever source the user chose.
    const chosen = given ? null : userId ? deps.settings.get(userId).weightSource : null;
    const regs = userId ? deps.registrations.listForUser(userId) : [];
    const declared = models.map((m) => regs.find((r) => r.id === m.id)?.declaredWeight ?? null);
    const named = new Set<number>();
    if (given) {
      checkShareRange(given);
      for (const e of given) {
        const i = models.findIndex((m) => m.name === e.name.trim().toLowerCase());
        if (i < 0) throw new UserFacingError(`--weights names ${e.name}, which is not among the selected models.`);
        declared[i] = e.weight;
        if (e.weight !== null) named.add(i);
      }
      checkShareTotal(declared, "lower some in --weights, or NAME=clear to ignore a declared one");
    }
    // The latest stake at risk of each model, from the cached facts (no query when the models are current).
    const stakes = chosen === "equal" ? models.map(() => NaN) : cache.latestStakes(models.map((m) => m.id), toRound);
    const resolved = resolvePortfolioWeights(
      models.map((_, i) => ({ declared: declared[i] ?? null, stake: stakes[i] ?? NaN })),
      chosen,
    );
    const origins = resolved.origins.map((o, i) => (o === "declared" && named.has(i) ? ("explicit" as const) : o));
    return { values: resolved.values, source: weightSourceOf(origins), origins };
  }

  /** "the last 30 resolved rounds (1136–1165)" / "the 266 stored resolved rounds (900–1165)". */
  function windowPhrase(built: BuiltSeries): string {
    const w = built.rounds.window;
    const span = w.first === null ? "" : w.first === w.last ? ` (${w.first})` : ` (${w.first}–${w.last})`;
    if (built.rounds.requested === null) return `the ${w.count} stored resolved ${w.count === 1 ? "round" : "rounds"}${span}`;
    return w.count < built.rounds.requested
      ? `the ${w.count} resolved ${w.count === 1 ? "round" : "rounds"} there are${span}, of the last ${built.rounds.requested} asked for`
      : `the last ${built.rounds.requested} resolved rounds${span}`;
  }

  /**
   * Why too few rounds are shared, and only advice the user can act on where they are: the
   * fewest models whose removal would give enough shared rounds (an exact search, so two models
   * that never overlap are not "fixed" by dropping the shorter when others remain disjoint), and
   * how to leave them out; counting missing rounds as 0 and widening `rounds` are offered only
   * when they would give enough rounds.
   */
  function tooFewShared(sel: Selection, built: BuiltSeries, shared: number, minRounds: number, opts: AnalysisOptions): string {
    const names = built.models.map((m) => m.name);
    const k = names.length;
    const counts = built.series.map((s) => s.values.filter(Number.isFinite).length);
    const parts = [
      shared === built.rounds.window.count
        ? `${windowPhrase(built).replace(/^t/, "T")} are too few: at least ${minRounds} shared rounds are needed.`
        : `Only ${shared} of ${windowPhrase(built)} are shared by all ${k} models; at least ${minRounds} are needed.`,
    ];
    // The removals that would actually give enough shared rounds (not merely the shortest model).
    const leaveOut = leaveOutForSharedRounds(built.series, minRounds).options;
    if (leaveOut.length > 0) {
      const without = (o: (typeof leaveOut)[number]) => nameList(o.removed.map((i) => names[i] as string));
      const [first, ...more] = leaveOut as [(typeof leaveOut)[number], ...typeof leaveOut];
      const rest = k - first.removed.length;
      const only = first.removed.length === 1 ? ` (it has only ${counts[first.removed[0] as number]} of them)` : "";
      const alternatives = more.map((o) => `; or without ${without(o)}, ${o.shared}`).join("");
      parts.push(`Without ${without(first)}${only}, the other ${rest === 1 ? "model has" : `${rest} models share`} ${first.shared}${alternatives}. ${removeHint(sel, opts.optionSyntax)}`);
    }
    const advice: string[] = [];
    if (!opts.missingAsZero && built.rounds.window.count >= minRounds) {
      advice.push(`with ${optionHint(opts.optionSyntax, { missing: "zero" })} a round a model lacks counts as 0, giving ${built.rounds.window.count} rounds`);
    }
    if (built.rounds.requested !== null) {
      // How many recent resolved rounds would give enough shared ones, from the whole history.
      const all = read(sel, { ...opts, lastRounds: undefined }, 2);
      const sharedAll = alignByRound(all.series, { missing: opts.missingAsZero ? "zero" : "drop" }).rounds;
      const needed = sharedAll[sharedAll.length - minRounds];
      if (needed !== undefined) {
        const n = deps.reads.recentRounds(
          built.models.map((m) => m.id),
          { toRound: opts.toRound },
        ).filter((r) => r >= needed).length;
        if (n > built.rounds.requested && n <= MAX_ROUNDS_OPTION) advice.push(`with ${optionHint(opts.optionSyntax, { rounds: n })}, ${minRounds} rounds are shared`);
      }
    }
    if (advice.length > 0) parts.push(`${advice.join("; ")}.`.replace(/^./, (c) => c.toUpperCase()));
    return parts.join(" ");
  }

  /** Rounds every selected model shares (or the union, missing as 0); refuses when too few, saying what would help. */
  /** What every listwise reply states about its inputs: the weights used, the common rounds, the score, the notes. */
  function listwiseBasis(d: ReturnType<typeof listwise>) {
    return {
      weightSource: d.weights.source,
      weights: weightsUsed(d.names, d.weights),
      commonRounds: d.aligned.rounds.length,
      rounds: d.rounds,
      scoreLabel: d.built.scoreLabel,
      notes: d.built.notes,
    };
  }

  function listwise(sel: Selection, opts: AnalysisOptions, minModels = 2, built: BuiltSeries = read(sel, opts, minModels)): ListwiseData {
    const minRounds = opts.minRounds ?? DEFAULT_MIN_ROUNDS;
    const aligned = alignByRound(built.series, { missing: opts.missingAsZero ? "zero" : "drop" });
    const names = built.models.map((m) => m.name);
    if (aligned.rounds.length < minRounds) throw new UserFacingError(tooFewShared(sel, built, aligned.rounds.length, minRounds, opts));
    const { mu, cov, k } = sampleMoments(aligned.columns);
    const weights = resolveWeights(sel, built.models, built.window.toRound, opts.weights);
    const rounds: RoundsUsed = { ...built.rounds, shared: roundSpan(aligned.rounds), missingAsZero: opts.missingAsZero ?? false };
    return { built, names, aligned, weights, mu, cov, k, rounds };
  }

  function effectiveBets(d: ListwiseData) {
    const corr = correlationFromCovariance(d.cov, d.k);
    const meucci = meucciEffectiveBets(d.cov, d.k, d.weights.values);
    const minimumTorsion = minimumTorsionBets(d.cov, d.k, d.weights.values).enb;
    return {
      participationRatio: participationRatio(corr, d.k),
      averageCorrelation: averageCorrelationBets(corr, d.k),
      meucci,
      minimumTorsion,
      weightedDisagree: Math.abs(meucci - minimumTorsion) > BETS_DISAGREEMENT,
      disagreementThreshold: BETS_DISAGREEMENT,
      models: d.k,
      commonRounds: d.aligned.rounds.length,
      weights: weightsUsed(d.names, d.weights),
    };
  }

  return {
    selectModels,
    listwise,
    resolveWeights,

    /** Pairwise-complete correlation for display, plus listwise effective bets when there are enough shared rounds. */
    correlation(sel: Selection, opts: AnalysisOptions & { method?: "pearson" | "spearman"; minOverlap?: number }) {
      const built = read(sel, opts, 2);
      const method = opts.method ?? "pearson";
      const minOverlap = opts.minOverlap ?? DEFAULT_MIN_OVERLAP;
      const matrix = pairwiseCorrelation(built.series, { method, minOverlap });
      const names = built.models.map((m) => m.name);
      const k = names.length;
      const pairs: Array<{ a: string; b: string; rho: number; overlap: number }> = [];
      for (let i = 0; i < k; i++) {
        for (let j = i + 1; j < k; j++) {
          const rho = matrix.values[i * k + j] as number;
          if (Number.isFinite(rho)) pairs.push({ a: names[i] as string, b: names[j] as string, rho, overlap: matrix.overlap[i * k + j] as number });
        }
      }
      if (pairs.length === 0) {
        // An all-"n/a" heatmap answers nothing: say so instead of drawing it.
        let advice = "";
        if (built.rounds.requested !== null) {
          const all = read(sel, { ...opts, lastRounds: undefined }, 2);
          const wider = pairwiseCorrelation(all.series, { method, minOverlap }).values;
          if (wider.some((v, i) => Math.floor(i / k) !== i % k && Number.isFinite(v))) {
            advice = ` Leave out ${opts.optionSyntax === "cli" ? "--rounds" : "rounds:"} to use all ${all.rounds.window.count} stored resolved rounds.`;
          }
        }
        throw new UserFacingError(`No two of your ${k} models share ${minOverlap} or more of ${windowPhrase(built)}, so no correlation is defined.${advice}`);
      }
      pairs.sort((x, y) => y.rho - x.rho);
      const clusters = thresholdClusters(matrix.values, k, NEAR_DUPLICATE_RHO).map((c) => c.map((i) => names[i] as string));
      let bets: ReturnType<typeof effectiveBets> | { error: string };
      try {
        // The series this answer already read (same selection and options): read once per command.
        bets = effectiveBets(listwise(sel, opts, 2, built));
      } catch (err) {
        if (!(err instanceof UserFacingError)) throw err;
        bets = { error: err.message };
      }
      return {
        names,
        method,
        minOverlap,
        matrix,
        // The heatmap's row order: HRP's seriation, so near-duplicate blocks sit together.
        order: clusterOrder(matrix.values, k),
        pairs,
        clusters,
        nearDuplicateRho: NEAR_DUPLICATE_RHO,
        bets,
        scoreLabel: built.scoreLabel,
        notes: built.notes,
        window: built.window,
        rounds: built.rounds,
      };
    },

    bets(sel: Selection, opts: AnalysisOptions) {
      const d = listwise(sel, opts);
      return { names: d.names, weightSource: d.weights.source, ...effectiveBets(d), scoreLabel: d.built.scoreLabel, notes: d.built.notes, rounds: d.rounds };
    },

    /** Per model: own Sharpe, marginal Sharpe (gradient, leave-one-out), Euler risk share, hedge value. */
    contribution(sel: Selection, opts: AnalysisOptions & { amplification?: number }) {
      const d = listwise(sel, opts);
      const w = d.weights.values;
      const gradient = sharpeGradient(d.mu, d.cov, d.k, w);
      const loo = leaveOneOutSharpe(d.mu, d.cov, d.k, w);
      const shares = riskShares(d.cov, d.k, w);
      const hedges = hedgeValues(d.aligned.columns, w, opts.amplification !== undefined ? { amplification: opts.amplification } : {});
      const rows = d.names.map((name, i) => {
        const column = d.aligned.columns[i] as Float64Array;
        const hedge = hedges[i] as HedgeValue;
        return {
          name,
          weight: w[i] as number,
          stats: summarize(column),
          gradient: gradient[i] as number,
          leaveOneOut: loo[i] as number,
          riskShare: shares[i] as number,
          hedge,
        };
      });
      rows.sort((a, b) => (Number.isNaN(b.leaveOneOut) ? -1 : b.leaveOneOut - a.leaveOneOut));
      return {
        rows,
        portfolioSharpe: portfolioSharpe(d.mu, d.cov, d.k, w),
        portfolio: summarize(portfolioReturns(d.aligned.columns, w)),
        ...listwiseBasis(d),
      };
    },

    hedge(sel: Selection, opts: AnalysisOptions & { amplification?: number }) {
      const d = listwise(sel, opts);
      const hedges = hedgeValues(d.aligned.columns, d.weights.values, opts.amplification !== undefined ? { amplification: opts.amplification } : {});
      return {
        rows: d.names.map((name, i) => ({
          name,
          ...(hedges[i] as HedgeValue),
        })),
        ...listwiseBasis(d),
      };
    },

    /**
     * Suggested long-only weights by each method on the common rounds, beside the current ones,
     * with a walk-forward out-of-sample check of every method against equal and current weights.
     */
    allocate(sel: Selection, opts: AnalysisOptions & { method?: string | undefined; cap?: number; floor?: number }) {
      const raw = (opts.method ?? "all").trim().toLowerCase();
      if (raw !== "all" && !(raw in ALLOCATION_METHOD_NAMES)) {
        throw new UserFacingError(`Unknown method "${quoteInput(raw, 30)}". Use one of: all, ${Object.keys(ALLOCATION_METHOD_NAMES).join(", ")}.`);
      }
      const methods: AllocationMethod[] = raw === "all" ? Object.values(ALLOCATION_METHOD_NAMES) : [ALLOCATION_METHOD_NAMES[raw] as AllocationMethod];
      const cap = opts.cap ?? DEFAULT_CAP;
      const floor = opts.floor ?? DEFAULT_FLOOR;
      if (!(cap > 0 && cap <= 1)) throw new UserFacingError("The cap must be above 0 and at most 1.");
      if (!(floor >= 0 && floor <= cap)) throw new UserFacingError("The floor must be between 0 and the cap.");
      const d = listwise(sel, opts);
      if (d.k * cap < 1 - 1e-12) {
        throw new UserFacingError(`With ${d.k} models a cap of ${cap} cannot add up to 100%; use a cap of at least ${Math.ceil((1 / d.k) * 100) / 100}.`);
      }
      const input = allocationInput(d.aligned.columns);
      const n = d.aligned.rounds.length;
      const inputs: Record<AllocationMethod, string> = {
        equal: "no inputs: 1/N each, then the cap and floor",
        inverseVariance: `each model's sample variance (ddof 1) over the ${n} common rounds`,
        minimumVariance: `the sample covariance (ddof 1) of the ${n} common rounds; long-only, capped`,
        hrp: `sample correlation and covariance of the ${n} common rounds; single linkage on √(½(1−ρ)), recursive bisection (López de Prado 2016)`,
        maximumSharpe: `sample means and the Ledoit–Wolf shrunk covariance (shrinkage ${input.shrinkage.toFixed(3)}) of the ${n} common rounds; long-only, capped`,
      };
      const suggestions = methods.map((m) => {
        const weights = allocateWeights(m, input, { cap, floor });
        const defined = weights.every((w) => Number.isFinite(w));
        return {
          method: METHOD_LABEL(m),
          weights,
          defined,
          ...(defined
            ? {}
            : {
                undefinedReason:
                  m === "maximumSharpe"
                    ? "not defined: no portfolio within the cap has a positive mean score on these rounds"
                    : "not defined: a model's scores do not vary on these rounds",
              }),
          inSampleSharpe: defined ? portfolioSharpe(d.mu, d.cov, d.k, weights) : NaN,
          inputs: inputs[m],
        };
      });
      const notes = [...d.built.notes];
      let wf: ReturnType<typeof walkForward> | null = null;
      const { finalAt, openAt, timedRounds } = walkForwardTimes(deps.reads, d.aligned.rounds);
      if (n >= WALK_FORWARD_MIN_ROUNDS) {
        wf = walkForward({
          rounds: d.aligned.rounds,
          columns: d.aligned.columns,
          finalAt,
          openAt,
          methods,
          minFit: WALK_FORWARD.minFit,
          rebalanceEvery: WALK_FORWARD.rebalanceEvery,
          resolutionLag: WALK_FORWARD.resolutionLag,
          cap,
          floor,
          currentWeights: d.weights.values,
        });
      } else {
        notes.push(tooFewForWalkForward(n));
      }
      const byName = (name: string) => wf?.portfolios.find((p) => p.name === name);
      return {
        names: d.names,
        current: { weights: d.weights.values, source: d.weights.source, used: weightsUsed(d.names, d.weights), inSampleSharpe: portfolioSharpe(d.mu, d.cov, d.k, d.weights.values) },
        suggestions: suggestions.map((s2) => ({ ...s2, oos: oosOf(byName(ALLOCATION_METHOD_NAMES[s2.method] as string)) })),
        baselines: { equal: oosOf(byName("equal")), current: oosOf(byName("current")) },
        walkForward: { ...WALK_FORWARD, oosRounds: wf?.oosRounds.length ?? 0, firstOosRound: wf?.oosRounds[0] ?? null, timedRounds, rounds: n },
        cap,
        floor,
        commonRounds: n,
        rounds: d.rounds,
        caveat: OVERFITTING_CAVEAT,
        scoreLabel: d.built.scoreLabel,
        notes,
      };
    },

    /**
     * Greedy backward elimination: drop the model whose removal most raises portfolio Sharpe
     * (weights renormalised over the rest, same rounds), while it rises by more than `threshold`.
     */
    prune(sel: Selection, opts: AnalysisOptions & { threshold?: number }) {
      const threshold = opts.threshold ?? DEFAULT_PRUNE_THRESHOLD;
      if (!Number.isFinite(threshold) || threshold < 0) throw new UserFacingError("The threshold must be a number of 0 or more.");
      const d = listwise(sel, opts);
      const result = pruneModels({ mu: d.mu, cov: d.cov, k: d.k, weights: d.weights.values, objective: "sharpe", threshold, names: d.names });
      const steps = result.steps.map((st) => {
        const partner = st.mostCorrelatedWithName ?? null;
        return {
          drop: d.names[st.index] as string,
          sharpeBefore: st.sharpeBefore,
          sharpeAfter: st.sharpeAfter,
          deltaSharpe: st.deltaSharpe,
          mostCorrelatedWith: partner,
          rho: st.rho,
        };
      });
      return {
        steps,
        kept: result.kept.map((i) => d.names[i] as string),
        keptWeights: result.kept.map((i) => result.weights[i] as number),
        portfolioSharpeBefore: portfolioSharpe(d.mu, d.cov, d.k, d.weights.values),
        portfolioSharpeAfter: steps.length > 0 ? (steps[steps.length - 1] as { sharpeAfter: number }).sharpeAfter : portfolioSharpe(d.mu, d.cov, d.k, d.weights.values),
        threshold,
        nearDuplicateRho: NEAR_DUPLICATE_RHO,
        ...listwiseBasis(d),
      };
    },

    /**
     * Through time, on the rounds all models share: each model's correlation with the rest of the
     * portfolio (the user's weights), the participation ratio and the portfolio's Sharpe, each over
     * the trailing `window` rounds. A value at round t uses only rounds up to t.
     */
    history(sel: Selection, opts: AnalysisOptions & { window?: number | undefined }) {
      const window = opts.window ?? HISTORY_WINDOW.default;
      if (!Number.isInteger(window) || window < HISTORY_WINDOW.min || window > HISTORY_WINDOW.max) {
        throw new UserFacingError(`The window must be a whole number of rounds from ${HISTORY_WINDOW.min} to ${HISTORY_WINDOW.max}.`);
      }
      // A history needs two full windows: one point is no line.
      let d: ListwiseData;
      try {
        d = listwise(sel, { ...opts, minRounds: Math.max(window + 1, opts.minRounds ?? DEFAULT_MIN_ROUNDS) });
      } catch (err) {
        if (!(err instanceof UserFacingError) || window <= HISTORY_WINDOW.min) throw err;
        throw new UserFacingError(`${err.message} A ${window}-round window needs ${window + 1}; a shorter one (${opts.optionSyntax === "cli" ? `--window ${HISTORY_WINDOW.min}` : `window:${HISTORY_WINDOW.min}`} or more) needs fewer.`);
      }
      const w = d.weights.values;
      const correlations = rollingCorrelationWithRest(d.aligned.columns, w, window);
      const bets = rollingParticipationRatio(d.aligned.columns, window);
      const sharpe = rollingSharpe(portfolioReturns(d.aligned.columns, w), window);
      const rounds = d.aligned.rounds;
      // Each series' first and last defined value (a window where a model is flat has none).
      const firstDefined = (xs: Float64Array) => {
        const t = xs.findIndex(Number.isFinite);
        return t < 0 ? null : { round: rounds[t] as number, value: xs[t] as number };
      };
      const lastDefined = (xs: Float64Array) => {
        const t = xs.findLastIndex(Number.isFinite);
        return t < 0 ? null : { round: rounds[t] as number, value: xs[t] as number };
      };
      return {
        window,
        roundNumbers: rounds,
        models: d.names.map((name, i) => ({ name, weight: w[i] as number, correlation: correlations[i] as Float64Array, latest: lastDefined(correlations[i] as Float64Array) })),
        bets,
        sharpe,
        betsFirst: firstDefined(bets),
        betsLatest: lastDefined(bets),
        sharpeFirst: firstDefined(sharpe),
        sharpeLatest: lastDefined(sharpe),
        weightSource: d.weights.source,
        weights: weightsUsed(d.names, d.weights),
        commonRounds: rounds.length,
        rounds: d.rounds,
        scoreLabel: d.built.scoreLabel,
        notes: d.built.notes,
      };
    },

    /** Each model over its own observed rounds, with its cumulative score for a chart and its NMR payouts where Numerai reported a stake. */
    performance(sel: Selection, opts: AnalysisOptions & { model?: string | undefined; periodsPerYear?: number }) {
      const wanted = opts.model?.trim().toLowerCase();
      // Checked before any series is read, so a wrong name is refused cheaply.
      if (wanted && !selectModels(sel, 1).some((m) => m.name === wanted)) {
        throw new UserFacingError(`You have no model called ${quoteInput(wanted)}.`);
      }
      const built = read(sel, opts, 1);
      const idx = wanted ? built.models.findIndex((m) => m.name === wanted) : -1;
      const picked = idx >= 0 ? [idx] : built.models.map((_, i) => i);
      const facts = cache.nmr(picked.map((i) => (built.models[i] as ModelRow).id));
      const rows = picked.map((i) => {
        const s = built.series[i] as { rounds: readonly number[]; values: readonly number[] };
        let cum = 0;
        const stats: ModelStats | null = s.values.length > 0 ? summarize(s.values, opts.periodsPerYear ? { periodsPerYear: opts.periodsPerYear } : {}) : null;
        return {
          name: (built.models[i] as ModelRow).name,
          firstRound: s.rounds[0] ?? null,
          lastRound: s.rounds[s.rounds.length - 1] ?? null,
          stats,
          cumulative: s.rounds.map((r, t) => ({ round: r, value: (cum += s.values[t] as number) })),
          nmr: nmrPayouts(facts[picked.indexOf(i)] as NmrColumns, s.rounds),
        };
      });
      if (rows.every((r) => r.stats === null)) {
        throw new UserFacingError(`${idx >= 0 ? `${quoteInput(wanted ?? "")} has` : "None of your models has"} scores in ${windowPhrase(built)}.`);
      }
      return { rows, scoreLabel: built.scoreLabel, notes: built.notes, periodsPerYear: opts.periodsPerYear ?? null, rounds: built.rounds };
    },

    /** Within- vs across-operator pair correlations for a set of opted-in users' models. */
    serverDiversity(guildId: string, opts: AnalysisOptions & { method?: "pearson" | "spearman"; minOverlap?: number }) {
      const optedIn = deps.settings.optedIn(guildId);
      const regs = deps.registrations.listForUsers(optedIn);
      // A model two members both registered counts once, for the first member.
      const seen = new Set<string>();
      const models: ModelRow[] = [];
      const operatorOf: string[] = [];
      for (const r of regs) {
        if (seen.has(r.id)) continue;
        seen.add(r.id);
        models.push(r);
        operatorOf.push(r.discordUserId);
      }
      if (new Set(operatorOf).size < 2 || models.length < 3) {
        throw new UserFacingError("A server view needs at least two opted-in members with three models between them. Members opt in with /server optin.");
      }
      const built = buildSeries(deps.reads, models, parseScoreChoice(opts.score), opts, cache);
      const matrix = pairwiseCorrelation(built.series, { method: opts.method ?? "pearson", minOverlap: opts.minOverlap ?? DEFAULT_MIN_OVERLAP });
      const split = operatorPairCorrelations(matrix.values, models.length, operatorOf);
      const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);
      if (![...split.within, ...split.across].some(Number.isFinite)) {
        throw new UserFacingError(`No two of the opted-in members' models share ${opts.minOverlap ?? DEFAULT_MIN_OVERLAP} or more of ${windowPhrase(built)}, so there is nothing to compare yet.`);
      }
      return {
        members: new Set(operatorOf).size,
        models: models.length,
        within: { values: split.within, mean: mean(split.within) },
        across: { values: split.across, mean: mean(split.across) },
        nearDuplicateRho: NEAR_DUPLICATE_RHO,
        scoreLabel: built.scoreLabel,
        notes: built.notes,
        rounds: built.rounds,
      };
    },
  };
}

export type PortfolioService = ReturnType<typeof createPortfolioService>;
