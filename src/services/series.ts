import type { RoundSeries } from "../analytics/align.js";
import { clippedPayout, roundScore } from "../analytics/payout-rules.js";
import type { ModelRow } from "../db/repositories/models.js";
import type { RoundFactRow, ScoreReadRepository } from "../db/repositories/score-reads.js";
import { UserFacingError } from "../errors.js";
import { quoteInput } from "./quote-input.js";

/**
 * What to analyse, per model per round:
 * - a stored score name (canon_corr, canon_mmc, bmc, …) as the API reported it;
 * - `score` (default): corr × corrMultiplier + mmc × mmcMultiplier with that round's multipliers;
 * - `payout`: clip(payoutFactor × score, ±clip), per unit of stake, by that round's period rules.
 */
export type ScoreChoice = { readonly kind: "stored"; readonly name: string } | { readonly kind: "score" } | { readonly kind: "payout" };

export interface RoundWindow {
  readonly fromRound?: number | undefined;
  readonly toRound?: number | undefined;
  /** The last N resolved rounds (by round number) that any selected model has. */
  readonly lastRounds?: number | undefined;
  /** Include rounds still being scored (their values change daily until resolved). Default false. */
  readonly includeUnresolved?: boolean | undefined;
}

/** First and last round of a set of rounds, and how many. */
export interface RoundSpan {
  readonly first: number | null;
  readonly last: number | null;
  readonly count: number;
}

/** The rounds an answer used, so every reply can state them. */
export interface RoundsUsed {
  /** `rounds:N` as asked, or null for every stored resolved round. */
  readonly requested: number | null;
  /** The resolved rounds any of the models has in the window. */
  readonly window: RoundSpan;
  /** Listwise statistics: the rounds all models share (or every window round, with missing rounds as 0). */
  readonly shared?: RoundSpan;
  readonly missingAsZero?: boolean;
}

export function roundSpan(rounds: Iterable<number>): RoundSpan {
  let first: number | null = null;
  let last: number | null = null;
  const seen = new Set<number>();
  for (const r of rounds) {
    seen.add(r);
    if (first === null || r < first) first = r;
    if (last === null || r > last) last = r;
  }
  return { first, last, count: seen.size };
}

export interface BuiltSeries {
  readonly models: readonly ModelRow[];
  readonly series: readonly RoundSeries[];
  readonly scoreLabel: string;
  /** Plain sentences on what was assumed (fallback multipliers, dropped rounds). */
  readonly notes: readonly string[];
  readonly window: { readonly fromRound: number | null; readonly toRound: number | null };
  readonly rounds: RoundsUsed;
}

export const MAX_ROUNDS_OPTION = 5000;

export function parseScoreChoice(raw: string | undefined | null): ScoreChoice {
  const v = (raw ?? "").trim().toLowerCase();
  if (v === "" || v === "score") return { kind: "score" };
  if (v === "payout") return { kind: "payout" };
  if (!/^[a-z][a-z0-9_]{0,63}$/.test(v)) throw new UserFacingError(`"${quoteInput(v)}" is not a score name.`);
  return { kind: "stored", name: v };
}

export function scoreChoiceLabel(c: ScoreChoice): string {
  return c.kind === "stored" ? c.name : c.kind === "score" ? "score (corr×mult + mmc×mult)" : "payout (per unit of stake)";
}

function validateWindow(w: RoundWindow): void {
  const check = (v: number | undefined, what: string) => {
    if (v !== undefined && (!Number.isInteger(v) || v < 1)) throw new UserFacingError(`${what} must be a whole number of 1 or more.`);
  };
  check(w.fromRound, "The first round");
  check(w.toRound, "The last round");
  check(w.lastRounds, "The number of rounds");
  if (w.lastRounds !== undefined && w.lastRounds > MAX_ROUNDS_OPTION) {
    throw new UserFacingError(`The number of rounds can be at most ${MAX_ROUNDS_OPTION}.`);
  }
  if (w.fromRound !== undefined && w.toRound !== undefined && w.fromRound > w.toRound) {
    throw new UserFacingError(`The first round (${w.fromRound}) is after the last round (${w.toRound}).`);
  }
  if (w.lastRounds !== undefined && w.fromRound !== undefined) {
    throw new UserFacingError("Give either a number of recent rounds or a first round, not both.");
  }
}

function groupByModel<T extends { modelId: string }>(rows: readonly T[]): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const r of rows) {
    const list = m.get(r.modelId);
    if (list) list.push(r);
    else m.set(r.modelId, [r]);
  }
  return m;
}

/** Reads one series per model for the chosen score, keyed by round (never zipped by index). */
export function buildSeries(
  reads: ScoreReadRepository,
  models: readonly ModelRow[],
  choice: ScoreChoice,
  window: RoundWindow = {},
): BuiltSeries {
  validateWindow(window);
  const ids = models.map((m) => m.id);
  const notes: string[] = [];
  const toRound = window.toRound;
  let fromRound = window.fromRound;
  const unresolved = window.includeUnresolved ?? false;
  if (window.lastRounds !== undefined) {
    // The last N rounds whose scores are final, not the last N round numbers: the newest ~20
    // rounds are still being scored and would leave only a handful of usable rounds.
    const recent = reads.recentRounds(ids, { limit: window.lastRounds, toRound, includeUnresolved: unresolved });
    const oldest = recent[recent.length - 1];
    if (oldest === undefined) {
      const span = reads.roundSpan(ids);
      throw new UserFacingError(
        span.last === null
          ? "None of these models has any stored scores yet."
          : `None of these models has a resolved round yet${toRound !== undefined ? ` up to round ${toRound}` : ""}: the stored ones are still being scored.`,
      );
    }
    fromRound = oldest;
  }
  const range = { fromRound, toRound };

  let perModel: Map<string, Map<number, number>>;
  if (choice.kind === "stored") {
    const rows = reads.values(ids, choice.name, range, unresolved);
    if (rows.length === 0) {
      const known = reads.scoreNames(ids);
      if (!known.includes(choice.name)) {
        throw new UserFacingError(
          `No score called ${choice.name} is stored for these models. Known: ${known.slice(0, 20).join(", ") || "none yet"}; or use score or payout.`,
        );
      }
    }
    perModel = new Map([...groupByModel(rows)].map(([id, rs]) => [id, new Map(rs.map((r) => [r.roundNumber, r.value]))]));
  } else {
    perModel = combinedSeries(reads, ids, range, unresolved, choice.kind === "payout", notes);
  }
  const series: RoundSeries[] = models.map((m) => {
    const values = perModel.get(m.id) ?? new Map<number, number>();
    const rounds = [...values.keys()].sort((a, b) => a - b);
    return { rounds, values: rounds.map((r) => values.get(r) as number) };
  });
  return {
    models,
    series,
    scoreLabel: scoreChoiceLabel(choice),
    notes,
    window: { fromRound: fromRound ?? null, toRound: toRound ?? null },
    rounds: { requested: window.lastRounds ?? null, window: roundSpan(series.flatMap((s) => s.rounds)) },
  };
}

function combinedSeries(
  reads: ScoreReadRepository,
  ids: readonly string[],
  range: { fromRound: number | undefined; toRound: number | undefined },
  unresolved: boolean,
  payout: boolean,
  notes: string[],
): Map<string, Map<number, number>> {
  // Every name any period may need; each round picks its period's names in order of preference.
  const names = ["canon_corr", "v2_corr20", "canon_mmc", "mmc", "canon_corr60", "corr60", "canon_mmc60", "mmc60"];
  const byName = new Map(names.map((n) => [n, groupByModel(reads.values(ids, n, range, unresolved))]));
  const facts = groupByModel(reads.roundFacts(ids, range));
  const out = new Map<string, Map<number, number>>();
  let fallbackMultipliers = 0;
  let fallbackFactor = 0;
  let missingFactor = 0;
  let missingPart = 0;
  const periodNotes = new Set<string>();
  for (const id of ids) {
    const values = new Map<string, Map<number, number>>();
    for (const n of names) {
      values.set(n, new Map((byName.get(n)?.get(id) ?? []).map((r) => [r.roundNumber, r.value])));
    }
    const factByRound = new Map<number, RoundFactRow>((facts.get(id) ?? []).map((f) => [f.roundNumber, f]));
    const roundsSeen = new Set<number>();
    for (const n of names) for (const r of (values.get(n) as Map<number, number>).keys()) roundsSeen.add(r);
    const series = new Map<number, number>();
    for (const round of [...roundsSeen].sort((a, b) => a - b)) {
      const fact = factByRound.get(round);
      const scored = roundScore(round, fact ? { corr: fact.corrMultiplier, mmc: fact.mmcMultiplier } : null, (name) => values.get(name)?.get(round));
      const rule = scored.rule;
      if (scored.fallbackMultipliers) {
        fallbackMultipliers++;
        periodNotes.add(rule.note);
      }
      if (Number.isNaN(scored.value)) {
        missingPart++;
        continue;
      }
      let value = scored.value;
      if (payout) {
        let pf = fact?.payoutFactor != null ? Number(fact.payoutFactor) : NaN;
        if (!Number.isFinite(pf)) {
          if (rule.defaultPayoutFactor === null) {
            missingFactor++;
            continue;
          }
          pf = rule.defaultPayoutFactor;
          fallbackFactor++;
        }
        value = clippedPayout(value, pf, rule.clip);
      }
      series.set(round, value);
    }
    out.set(id, series);
  }
  if (fallbackMultipliers > 0) {
    notes.push(
      `${fallbackMultipliers} model-rounds had no multipliers from the API; the official ones for their period were used (${[...periodNotes].join("; ")}).`,
    );
  }
  if (missingPart > 0) notes.push(`${missingPart} model-rounds lacked a corr or mmc score and were left out.`);
  if (fallbackFactor > 0) notes.push(`${fallbackFactor} model-rounds had no payout factor; the period's default was used.`);
  if (missingFactor > 0) notes.push(`${missingFactor} model-rounds had no payout factor and were left out of payout.`);
  return out;
}
