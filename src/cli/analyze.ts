/** `modelfolio analyze <statistic>`: the numbers without Discord, as text or full-precision JSON. */
import type { AppContext } from "../context.js";
import { UserFacingError } from "../errors.js";
import type { AnalysisOptions, Selection } from "../services/portfolio.js";

export const ANALYSES = ["correlation", "bets", "contribution", "hedge", "allocate", "prune", "performance"] as const;
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

export function parseWeights(raw: string | undefined): Record<string, number> | undefined {
  if (raw === undefined) return undefined;
  const out: Record<string, number> = {};
  for (const part of raw.split(",")) {
    const [name, value] = part.split("=");
    const w = Number(value);
    if (!name || value === undefined || value.trim() === "" || !Number.isFinite(w)) {
      throw new UserFacingError(`--weights takes name=number pairs separated by commas, not "${part}"`);
    }
    out[name.trim().toLowerCase()] = w;
  }
  return out;
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
    ...(minOverlap !== undefined ? { minOverlap } : {}),
    ...(corrMethod ? { method: corrMethod } : {}),
  };
}

/** Typed arrays become plain arrays and NaN becomes null, so `--json` is valid JSON at full precision. */
export function toJson(value: unknown): string {
  return JSON.stringify(
    value,
    (_k, v: unknown) => {
      if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return Array.from(v as unknown as ArrayLike<number>);
      if (v instanceof Map) return Object.fromEntries(v as Map<unknown, unknown>) as unknown;
      return v;
    },
    2,
  );
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
    case "allocate":
    case "prune": {
      const cap = num(args.cap, "--cap");
      return analysis === "allocate"
        ? p.allocate(sel, { ...opts, method: args.method, ...(cap !== undefined ? { cap } : {}) })
        : p.prune(sel, opts);
    }
  }
}
