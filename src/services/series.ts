import type { RoundSeries } from "../analytics/align.js";
import { clippedPayout, PAYOUT_RULES, payoutRuleFor, roundScore } from "../analytics/payout-rules.js";
import type { ModelRow } from "../db/repositories/models.js";
import type { MultiplierColumns, NmrColumns, ScoreReadRepository, ScoreRowColumns } from "../db/repositories/score-reads.js";
import { SCORE_NAME } from "../db/schema.js";
import { UserFacingError } from "../errors.js";
import { quoteInput } from "./quote-input.js";
import { WeightedLru } from "./weighted-lru.js";

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
  if (!SCORE_NAME.test(v)) throw new UserFacingError(`"${quoteInput(v)}" is not a score name.`);
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
  cache: SeriesCache = createSeriesCache(reads),
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
    const recent = cache.recentRounds(ids, { limit: window.lastRounds, toRound, includeUnresolved: unresolved });
    const oldest = recent[recent.length - 1];
    if (oldest === undefined) {
      const span = cache.roundSpan(ids);
      throw new UserFacingError(
        span.last === null
          ? "None of these models has any stored scores yet."
          : `None of these models has a resolved round yet${toRound !== undefined ? ` up to round ${toRound}` : ""}: the stored ones are still being scored.`,
      );
    }
    fromRound = oldest;
  }
  const range = { fromRound, toRound };

  let perModel = new Map<string, Map<number, number>>();
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
  }
  const series: RoundSeries[] =
    choice.kind === "stored"
      ? models.map((m) => {
          const values = perModel.get(m.id) ?? new Map<number, number>();
          const rounds = [...values.keys()].sort((a, b) => a - b);
          return { rounds, values: rounds.map((r) => values.get(r) as number) };
        })
      : cache.combined(ids, range, unresolved, choice.kind === "payout", notes);
  return {
    models,
    series,
    scoreLabel: scoreChoiceLabel(choice),
    notes,
    window: { fromRound: fromRound ?? null, toRound: toRound ?? null },
    rounds: { requested: window.lastRounds ?? null, window: roundSpan(series.flatMap((s) => s.rounds)) },
  };
}


// ------------------------------------------------------------------------ the combined-series cache

/** Score names the combined score can draw on in any payout period. */
const COMBINED_NAMES = [...new Set(PAYOUT_RULES.flatMap((r) => [...r.corrNames, ...r.mmcNames]))];
const NAME_INDEX = new Map(COMBINED_NAMES.map((n, i) => [n, i]));

/** Model-rounds a cache keeps in memory at most (~60 bytes each): bounds memory however many models are asked for. */
export const DEFAULT_MAX_CACHED_ROUNDS = 1_500_000;

// Per derived round: why it is (not) in the series, counted into the reply's notes.
const FALLBACK_MULTIPLIERS = 1;
const MISSING_PART = 2;
const FALLBACK_FACTOR = 4;
const MISSING_FACTOR = 8;

/** One model's combined score per round for one mode; NaN where the round is left out (see `flags`). */
interface Derived {
  readonly rounds: Int32Array;
  readonly values: Float64Array;
  readonly flags: Uint8Array;
  /** The rounds kept (not left out for a missing part or factor), made on first use: the arrays above when none is left out. */
  kept?: { readonly rounds: Int32Array; readonly values: Float64Array };
}

/** One model's series as typed arrays. */
export interface TypedSeries {
  readonly rounds: Int32Array;
  readonly values: Float64Array;
}

function keptOf(d: Derived): TypedSeries {
  if (d.kept) return d.kept;
  let dropped = 0;
  for (let t = 0; t < d.flags.length; t++) if ((d.flags[t] as number) & (MISSING_PART | MISSING_FACTOR)) dropped++;
  if (dropped === 0) d.kept = { rounds: d.rounds, values: d.values };
  else {
    const rounds = new Int32Array(d.rounds.length - dropped);
    const values = new Float64Array(rounds.length);
    let k = 0;
    for (let t = 0; t < d.flags.length; t++) {
      if ((d.flags[t] as number) & (MISSING_PART | MISSING_FACTOR)) continue;
      rounds[k] = d.rounds[t] as number;
      values[k++] = d.values[t] as number;
    }
    d.kept = { rounds, values };
  }
  return d.kept;
}

/** The latest finite stake in `nmr` up to `toRound`, NaN when none. */
function latestFiniteStake(nmr: NmrColumns, toRound: number | null): number {
  const { rounds, atRisk } = nmr;
  for (let f = rounds.length - 1; f >= 0; f--) {
    if (toRound !== null && (rounds[f] as number) > toRound) continue;
    const v = atRisk[f] as number;
    if (Number.isFinite(v)) return v;
  }
  return NaN;
}

/** Stakes a stake lookup reads before it reads every round's (a stake that is not a number is rare). */
const RECENT_STAKES = 5;

/** What the store holds of one model, as of `version` of its score writes. */
interface CachedModel {
  readonly id: string;
  readonly version: number;
  /** Every round with any score row (any name), ascending, and whether any of its rows is resolved. */
  readonly rounds: Int32Array;
  readonly anyResolved: Uint8Array;
  /** Bit i: combined name i has a non-null value in that round; `resolvedMask`: and it is resolved. */
  readonly valueMask: Uint8Array;
  readonly resolvedMask: Uint8Array;
  /** Only the combined names the model has: column of each name (-1: none), values NaN where absent. */
  readonly column: Int8Array;
  readonly columns: readonly Float64Array[];
  /** Stated multipliers by round (NaN where null). */
  readonly multipliers: MultiplierColumns;
  /**
   * Payout factors and stakes, read on first need (payout, or a stake before a given round): text
   * to parse, and most commands only need the latest stake (`latestStake`, one small query).
   * Read after the version was: never older than it, and a newer write is seen on the next use.
   */
  nmr?: NmrColumns;
  /** Latest finite stake at risk by the round it is asked up to (null: any round). */
  readonly latestStake: Map<number | null, number>;
  readonly derived: Map<string, Derived>;
}

const nullIfNaN = (v: number) => (Number.isNaN(v) ? null : v);

/** Distinct rounds of a model's score rows (ordered by round): its weight in the cache. */
function roundsIn(cells: ScoreRowColumns): number {
  let n = 0;
  for (let i = 0; i < cells.rounds.length; i++) if (i === 0 || cells.rounds[i] !== cells.rounds[i - 1]) n++;
  return n;
}

/** The cached form of one model's score rows: one entry per round, a column per combined name it has. */
function cachedModel(id: string, version: number, cells: ScoreRowColumns, multipliers: MultiplierColumns): CachedModel {
  const rows = cells.rounds.length;
  const n = roundsIn(cells);
  const rounds = new Int32Array(n);
  const anyResolved = new Uint8Array(n);
  const valueMask = new Uint8Array(n);
  const resolvedMask = new Uint8Array(n);
  const column = new Int8Array(COMBINED_NAMES.length).fill(-1);
  const columns: Float64Array[] = [];
  let t = -1;
  for (let i = 0; i < rows; i++) {
    if (i === 0 || cells.rounds[i] !== cells.rounds[i - 1]) rounds[++t] = cells.rounds[i] as number;
    const resolved = cells.resolved[i] as number;
    anyResolved[t] = (anyResolved[t] as number) | resolved;
    const code = cells.codes[i] as number;
    const v = cells.values[i] as number;
    if (code >= COMBINED_NAMES.length || Number.isNaN(v)) continue;
    if (column[code] === -1) {
      column[code] = columns.length;
      columns.push(new Float64Array(n).fill(NaN));
    }
    (columns[column[code] as number] as Float64Array)[t] = v;
    valueMask[t] = (valueMask[t] as number) | (1 << code);
    if (resolved) resolvedMask[t] = (resolvedMask[t] as number) | (1 << code);
  }
  return { id, version, rounds, anyResolved, valueMask, resolvedMask, column, columns, multipliers, latestStake: new Map(), derived: new Map() };
}

/**
 * Each model's stored series and round facts in memory, read once and reused until the score
 * writer writes that model again (in this process or another: the writer bumps the model's row
 * in `score_versions` in the same transaction, and every use checks the versions of the models it
 * needs with one small query). Answers equal `buildSeries`' reads of the store one by one.
 */
export function createSeriesCache(reads: ScoreReadRepository, options: { maxCachedRounds?: number } = {}) {
  const cache = new WeightedLru<CachedModel>(options.maxCachedRounds ?? DEFAULT_MAX_CACHED_ROUNDS, (m) => m.rounds.length);
  let loads = 0;

  /** The cached entry of `id` if it is as new as the store's version of it, else undefined. */
  function currentEntry(id: string, versions: ReadonlyMap<string, number>): CachedModel | undefined {
    const hit = cache.get(id);
    return hit !== undefined && hit.version === (versions.get(id) ?? 0) ? hit : undefined;
  }

  /** Reads one model's series and multipliers from the store (counted in `loads`); `cells` when already read. */
  function loadModel(id: string, version: number, cells: ScoreRowColumns = reads.scoreRowColumns(id, COMBINED_NAMES)): CachedModel {
    loads++;
    return cachedModel(id, version, cells, reads.multiplierColumns(id));
  }

  /** The models, current as of the store now: one version query, then one read of each model that changed or was never read. */
  function modelsOf(ids: readonly string[]): CachedModel[] {
    const unique = [...new Set(ids)];
    const versions = reads.scoreVersions(unique);
    // Versions are read before the rows: a write in between leaves a newer version to see next time, never a stale entry.
    const current = new Map<string, CachedModel>();
    for (const id of unique) {
      let model = currentEntry(id, versions);
      if (model === undefined) {
        model = loadModel(id, versions.get(id) ?? 0);
        cache.set(id, model);
      }
      // Answered from `current` even when more is asked at once than the cache keeps.
      current.set(id, model);
    }
    return ids.map((id) => current.get(id) as CachedModel);
  }

  function nmrOf(m: CachedModel): NmrColumns {
    m.nmr ??= reads.nmrColumns(m.id);
    return m.nmr;
  }

  /** A model's latest finite stake at risk up to `toRound` (NaN when none), read from the store: the newest few, else every round's. */
  function stakeInStore(id: string, toRound: number | null): number {
    const recent = reads.latestStakes(id, toRound, RECENT_STAKES).map(Number);
    return recent.find((v) => Number.isFinite(v)) ?? (recent.length < RECENT_STAKES ? NaN : latestFiniteStake(reads.nmrColumns(id), toRound));
  }

  /** A model's latest finite stake at risk up to `toRound` (NaN when none), as the weights use it. */
  function latestStakeOf(m: CachedModel, toRound: number | null): number {
    let stake = m.latestStake.get(toRound);
    if (stake !== undefined) return stake;
    stake = m.nmr ? latestFiniteStake(m.nmr, toRound) : stakeInStore(m.id, toRound);
    m.latestStake.set(toRound, stake);
    return stake;
  }

  function derive(m: CachedModel, unresolved: boolean, payout: boolean): Derived {
    const key = `${unresolved}/${payout}`;
    const done = m.derived.get(key);
    if (done) return done;
    const present = unresolved ? m.valueMask : m.resolvedMask;
    const facts = m.multipliers;
    const nmr = payout ? nmrOf(m) : null;
    let g = 0;
    const rounds: number[] = [];
    const values: number[] = [];
    const flags: number[] = [];
    let t = 0;
    // One lookup for the whole model, reading round t: a closure per round was a tenth of a read.
    const valueOf = (name: string): number | undefined => {
      const i = NAME_INDEX.get(name) as number;
      if (((present[t] as number) & (1 << i)) === 0) return undefined;
      return (m.columns[m.column[i] as number] as Float64Array)[t];
    };
    let f = 0;
    for (; t < m.rounds.length; t++) {
      // A round counts when any combined name has a value there (resolved, unless asked otherwise).
      if (present[t] === 0) continue;
      const round = m.rounds[t] as number;
      while (f < facts.rounds.length && (facts.rounds[f] as number) < round) f++;
      const hasFact = f < facts.rounds.length && facts.rounds[f] === round;
      const scored = roundScore(
        round,
        hasFact ? { corr: nullIfNaN(facts.corrMultiplier[f] as number), mmc: nullIfNaN(facts.mmcMultiplier[f] as number) } : null,
        valueOf,
      );
      let flag = scored.fallbackMultipliers ? FALLBACK_MULTIPLIERS : 0;
      let value = scored.value;
      if (Number.isNaN(value)) {
        flag |= MISSING_PART;
      } else if (payout) {
        const factors = nmr as NmrColumns;
        while (g < factors.rounds.length && (factors.rounds[g] as number) < round) g++;
        let pf = g < factors.rounds.length && factors.rounds[g] === round ? (factors.payoutFactor[g] as number) : NaN;
        if (!Number.isFinite(pf)) {
          if (scored.rule.defaultPayoutFactor === null) {
            flag |= MISSING_FACTOR;
            pf = NaN;
          } else {
            pf = scored.rule.defaultPayoutFactor;
            flag |= FALLBACK_FACTOR;
          }
        }
        value = Number.isNaN(pf) ? NaN : clippedPayout(value, pf, scored.rule.clip);
      }
      rounds.push(round);
      values.push(value);
      flags.push(flag);
    }
    const d = { rounds: Int32Array.from(rounds), values: Float64Array.from(values), flags: Uint8Array.from(flags) };
    m.derived.set(key, d);
    return d;
  }

  return {
    /**
     * The `score` (or `payout`) series of each model within the range, keyed by round, and notes on
     * what was assumed: the same series and sentences as reading each score name from the store.
     */
    combined(
      ids: readonly string[],
      range: { fromRound: number | undefined; toRound: number | undefined },
      unresolved: boolean,
      payout: boolean,
      notes: string[],
    ): RoundSeries[] {
      let fallbackMultipliers = 0;
      let fallbackFactor = 0;
      let missingFactor = 0;
      let missingPart = 0;
      const periodNotes = new Set<string>();
      const from = range.fromRound ?? -Infinity;
      const to = range.toRound ?? Infinity;
      const out = modelsOf(ids).map((m) => {
        const d = derive(m, unresolved, payout);
        const rounds: number[] = [];
        const values: number[] = [];
        for (let t = 0; t < d.rounds.length; t++) {
          const round = d.rounds[t] as number;
          if (round < from || round > to) continue;
          const flag = d.flags[t] as number;
          if (flag & FALLBACK_MULTIPLIERS) {
            fallbackMultipliers++;
            periodNotes.add(payoutRuleFor(round).note);
          }
          if (flag & MISSING_PART) missingPart++;
          if (flag & FALLBACK_FACTOR) fallbackFactor++;
          if (flag & MISSING_FACTOR) missingFactor++;
          if (flag & (MISSING_PART | MISSING_FACTOR)) continue;
          rounds.push(round);
          values.push(d.values[t] as number);
        }
        return { rounds, values };
      });
      if (fallbackMultipliers > 0) {
        notes.push(
          `${fallbackMultipliers} model-rounds had no multipliers from the API; the official ones for their period were used (${[...periodNotes].join("; ")}).`,
        );
      }
      if (missingPart > 0) notes.push(`${missingPart} model-rounds lacked a corr or mmc score and were left out.`);
      if (fallbackFactor > 0) notes.push(`${fallbackFactor} model-rounds had no payout factor; the period's default was used.`);
      if (missingFactor > 0) notes.push(`${missingFactor} model-rounds had no payout factor and were left out of payout.`);
      return out;
    },

    /** As `reads.recentRounds`: the newest distinct rounds with any score of these models, newest first. */
    recentRounds(ids: readonly string[], opts: { limit?: number; toRound?: number | undefined; includeUnresolved?: boolean }): number[] {
      const seen = new Set<number>();
      for (const m of modelsOf(ids)) {
        for (let t = 0; t < m.rounds.length; t++) {
          const round = m.rounds[t] as number;
          if ((opts.includeUnresolved || m.anyResolved[t] === 1) && (opts.toRound === undefined || round <= opts.toRound)) seen.add(round);
        }
      }
      const sorted = [...seen].sort((a, b) => b - a);
      return opts.limit !== undefined ? sorted.slice(0, opts.limit) : sorted;
    },

    /** First and last round with any score of these models. */
    roundSpan(ids: readonly string[]): { first: number | null; last: number | null } {
      let first: number | null = null;
      let last: number | null = null;
      for (const m of modelsOf(ids)) {
        if (m.rounds.length === 0) continue;
        const a = m.rounds[0] as number;
        const b = m.rounds[m.rounds.length - 1] as number;
        if (first === null || a < first) first = a;
        if (last === null || b > last) last = b;
      }
      return { first, last };
    },

    /**
     * Each model's latest finite stake at risk up to `toRound` (NaN when none), as the weights use
     * it: from the cache for a model it holds current, else with one small query, without reading
     * the model's series (/models list, a quick command, never pays for a cold read).
     */
    latestStakes(ids: readonly string[], toRound: number | null): number[] {
      const versions = reads.scoreVersions([...new Set(ids)]);
      return ids.map((id) => {
        const hit = currentEntry(id, versions);
        return hit ? latestStakeOf(hit, toRound) : stakeInStore(id, toRound);
      });
    },

    /** Each model's payout factors, stakes and payouts by round (read on first need, then kept with the model). */
    nmr(ids: readonly string[]): NmrColumns[] {
      return modelsOf(ids).map(nmrOf);
    },

    /**
     * Refresh-ahead (src/jobs/warm-series.ts): reads the models of `ids` that are not current, in
     * order, so a command finds them in memory. A stale entry is always replaced (same weight);
     * a model not held is added only while the cache has room for it without dropping anything,
     * since what commands read recently matters more than what might be asked. Looking at or
     * refreshing a held model is not a use of it (a minute's tick would otherwise reorder the whole
     * cache by registration); a model added goes in as the most recent. `full`: it stopped for want
     * of room, leaving the rest unread.
     */
    warm(ids: readonly string[]): { read: number; full: boolean } {
      const versions = reads.scoreVersions([...new Set(ids)]);
      let read = 0;
      for (const id of ids) {
        const version = versions.get(id) ?? 0;
        const held = cache.peek(id);
        if (held?.version === version) continue;
        const cells = reads.scoreRowColumns(id, COMBINED_NAMES);
        // Weighed before it is stored: a model that does not fit is left unread, not read and dropped.
        if (held === undefined && cells.rounds.length > 0 && cache.room < roundsIn(cells)) return { read, full: true };
        read++;
        cache.replace(id, loadModel(id, version, cells));
      }
      return { read, full: false };
    },

    /** Reads the models that are not current in the cache, so later calls for them only check versions (a digest batch's models at once). */
    preload(ids: readonly string[]): void {
      modelsOf(ids);
    },

    /**
     * What a digest needs of each model, with one version check: its `score` series over every
     * resolved round and its latest finite stake at risk (NaN when none). The arrays are the
     * cache's own: read them, never write them.
     */
    resolvedScores(ids: readonly string[]): { series: TypedSeries[]; stakes: number[] } {
      const ms = modelsOf(ids);
      return { series: ms.map((m) => keptOf(derive(m, false, false))), stakes: ms.map((m) => latestStakeOf(m, null)) };
    },

    /** Models read from the store so far (a model read again after a write counts again): for tests and benchmarks. */
    get loads(): number {
      return loads;
    },
  };
}

export type SeriesCache = ReturnType<typeof createSeriesCache>;
