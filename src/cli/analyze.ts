/** `modelfolio analyze <statistic>`: the numbers without Discord, as text or full-precision JSON. */
import type { AppContext } from "../context.js";
import { renderAllocate } from "../discord/render/allocate.js";
import { renderContribution } from "../discord/render/contribution.js";
import { renderCorrelation } from "../discord/render/correlation.js";
import type { MessagePayload } from "../discord/render/payload.js";
import { renderHistory } from "../discord/render/history.js";
import { renderPerformance } from "../discord/render/performance.js";
import { roundsText } from "../discord/render/format.js";
import { renderPrune } from "../discord/render/prune.js";
import { renderWhatIf } from "../discord/render/what-if.js";
import { payloadToText } from "../shell/shell.js";
import { UserFacingError } from "../errors.js";
import { weightsUsedText } from "../discord/render/weights.js";
import { ALLOCATION_METHOD_NAMES, type AnalysisOptions, type PortfolioService, type Selection } from "../services/portfolio.js";
import { parseWeightList, type WeightEntry } from "../services/registrations.js";

export const ANALYSES = ["correlation", "bets", "contribution", "hedge", "allocate", "prune", "performance", "history", "whatif"] as const;
export type Analysis = (typeof ANALYSES)[number];

export interface AnalyzeArgs {
  readonly user?: string | undefined;
  readonly models?: string | undefined;
  readonly score?: string | undefined;
  readonly rounds?: string | undefined;
  readonly from?: string | undefined;
  readonly to?: string | undefined;
  readonly method?: string | undefined;
  readonly weights?: string | undefined;
  readonly model?: string | undefined;
  readonly cap?: string | undefined;
  readonly "missing-zero"?: boolean | undefined;
  readonly "min-overlap"?: string | undefined;
  readonly window?: string | undefined;
  /** whatif: proposed shares, `a=0.5,b=0.3` (or --method for an allocation method's suggestion). */
  readonly propose?: string | undefined;
}

const int = (raw: string | undefined, what: string): number | undefined => {
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw)) throw new UserFacingError(`${what} must be a whole number, not "${raw}"`);
  return Number(raw);
};

const num = (raw: string | undefined, what: string): number | undefined => {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (raw.trim() === "" || !Number.isFinite(n)) throw new UserFacingError(`${what} must be a number, not "${raw}"`);
  return n;
};

export function parseSelection(args: AnalyzeArgs): Selection {
  if (args.user && args.models) throw new UserFacingError("Give --user or --models, not both.");
  if (args.user) {
    if (!/^\d{1,20}$/.test(args.user)) throw new UserFacingError(`--user must be a Discord user id, not "${args.user}"`);
    return { userId: args.user };
  }
  if (args.models) return { modelNames: args.models.split(",").map((s) => s.trim()).filter(Boolean) };
  throw new UserFacingError("Say whose models: --user <discord id> or --models a,b,c.");
}

/** `a=0.5,b=30%,c=clear`: shares declared for this run, in `/models weight weights:`'s syntax (any bad pair refuses all). */
export function parseWeights(raw: string | undefined): WeightEntry[] | undefined {
  if (raw === undefined) return undefined;
  if (raw.trim() === "") throw new UserFacingError("--weights takes name=share pairs separated by commas, e.g. --weights a=0.5,b=0.3");
  return parseWeightList(raw);
}

export function parseAnalysisOptions(args: AnalyzeArgs): AnalysisOptions & { minOverlap?: number; method?: "pearson" | "spearman" } {
  const lastRounds = int(args.rounds, "--rounds");
  const fromRound = int(args.from, "--from");
  const toRound = int(args.to, "--to");
  const minOverlap = int(args["min-overlap"], "--min-overlap");
  const corrMethod = args.method === "pearson" || args.method === "spearman" ? args.method : undefined;
  return {
    score: args.score,
    lastRounds,
    fromRound,
    toRound,
    weights: parseWeights(args.weights),
    missingAsZero: args["missing-zero"] ?? false,
    optionSyntax: "cli",
    ...(minOverlap !== undefined ? { minOverlap } : {}),
    ...(corrMethod ? { method: corrMethod } : {}),
  };
}

export function runAnalysis(ctx: AppContext, analysis: string | undefined, args: AnalyzeArgs): unknown {
  if (!analysis || !(ANALYSES as readonly string[]).includes(analysis)) {
    throw new UserFacingError(`analyze takes one of: ${ANALYSES.join(", ")}`);
  }
  const sel = parseSelection(args);
  const opts = parseAnalysisOptions(args);
  const p = ctx.services.portfolio;
  switch (analysis as Analysis) {
    case "correlation":
      return p.correlation(sel, opts);
    case "bets":
      return p.bets(sel, opts);
    case "contribution":
      return p.contribution(sel, opts);
    case "hedge":
      return p.hedge(sel, opts);
    case "performance":
      return p.performance(sel, { ...opts, model: args.model });
    case "history":
      return p.history(sel, { ...opts, window: int(args.window, "--window") });
    case "whatif": {
      // An unknown --method reaches the service, which names the methods there are.
      const method = args.method;
      if ((args.propose === undefined) === (method === undefined)) {
        throw new UserFacingError(`whatif takes either --propose a=0.5,b=0.5 or --method ${Object.keys(ALLOCATION_METHOD_NAMES).join("|")}, not both or neither.`);
      }
      return ctx.services.whatIf.whatIf(sel, { ...opts, proposal: args.propose !== undefined ? { weights: args.propose } : { method: method as string } });
    }
    case "allocate":
    case "prune": {
      const cap = num(args.cap, "--cap");
      return analysis === "allocate"
        ? p.allocate(sel, { ...opts, method: args.method, ...(cap !== undefined ? { cap } : {}) })
        : p.prune(sel, opts);
    }
  }
}

const f = (x: number, digits = 4) => (Number.isFinite(x) ? x.toFixed(digits) : "n/a");

/**
 * The text the shell would show for the same numbers (the bot's renderers, charts written to
 * `outDir`); bets and hedge, which have no command of their own, get a plain table.
 */
export function analysisText(analysis: string, result: unknown, outDir: string): string {
  let payload: MessagePayload;
  const p = result as never;
  switch (analysis as Analysis) {
    case "correlation":
      payload = renderCorrelation(p);
      break;
    case "contribution":
      payload = renderContribution(p);
      break;
    case "allocate":
      payload = renderAllocate(p);
      break;
    case "prune":
      payload = renderPrune(p);
      break;
    case "performance":
      payload = renderPerformance(p);
      break;
    case "history":
      payload = renderHistory(p);
      break;
    case "whatif":
      payload = renderWhatIf(p);
      break;
    case "bets": {
      const b = result as ReturnType<PortfolioService["bets"]>;
      return [
        roundsText(b.rounds),
        `Weights used (entropy and minimum-torsion bets): ${weightsUsedText(b.weights)}`,
        `${b.names.length} models over ${b.commonRounds} common rounds behave like:`,
        `  participation ratio      ${f(b.participationRatio, 2)} independent bets`,
        `  average-correlation bets ${f(b.averageCorrelation, 2)}`,
        `  Meucci (weights: ${b.weightSource}) ${f(b.meucci, 2)}`,
        `  minimum-torsion (weights: ${b.weightSource}) ${f(b.minimumTorsion, 2)}`,
        b.weightedDisagree
          ? `  Meucci and minimum-torsion differ by more than ${b.disagreementThreshold}: trust minimum-torsion for how your weights spread risk, the participation ratio for how many bets.`
          : `  (trust the participation ratio for how many bets, minimum-torsion for how your weights spread risk)`,
      ].join("\n");
    }
    case "hedge": {
      const h = result as ReturnType<PortfolioService["hedge"]>;
      const width = Math.max(5, ...h.rows.map((r) => r.name.length));
      return [
        roundsText(h.rounds),
        `Weights used (the rest): ${weightsUsedText(h.weights)}`,
        `Hedge value over ${h.commonRounds} common rounds (rest = your other models):`,
        `${"model".padEnd(width)}  rest down  rest up   amplified  plain mean  rounds rest down`,
        ...h.rows.map(
          (r) => `${r.name.padEnd(width)}  ${f(r.meanWhenRestDown).padStart(9)}  ${f(r.meanWhenRestUp).padStart(7)}  ${f(r.amplifiedPayout).padStart(9)}  ${f(r.mean).padStart(10)}  ${r.countDown}`,
        ),
      ].join("\n");
    }
  }
  return payloadToText(payload, outDir, 1);
}
