import { and, asc, desc, eq, gte, inArray, lte, max, min, sql } from "drizzle-orm";
import type Database from "better-sqlite3";
import type { Db } from "../open.js";
import { models, modelRounds, rounds, SCORE_NAME, scores } from "../schema.js";

export interface RoundRange {
  readonly fromRound?: number | undefined;
  readonly toRound?: number | undefined;
}

export interface ScoreValueRow {
  readonly modelId: string;
  readonly roundNumber: number;
  readonly value: number;
}

export interface RoundFactRow {
  readonly modelId: string;
  readonly roundNumber: number;
  readonly atRisk: string | null;
  readonly corrMultiplier: number | null;
  readonly mmcMultiplier: number | null;
  readonly payoutFactor: string | null;
  readonly payoutPending: string | null;
  readonly payoutSettled: string | null;
  readonly resolved: boolean;
}

/**
 * What an export row carries besides model, round, score name and value, keyed as the schema
 * names them (so the CSV's column names come from the schema, not from a second list).
 * `source` is derived per row: a round Numerai reported has a model_rounds row; imports write none.
 */
export const EXPORT_DETAIL_COLUMNS = {
  source: models.source,
  percentile: scores.percentile,
  resolved: scores.resolved,
  resolveTime: rounds.resolveTime,
  corrMultiplier: modelRounds.corrMultiplier,
  mmcMultiplier: modelRounds.mmcMultiplier,
  payoutFactor: modelRounds.payoutFactor,
  atRisk: modelRounds.atRisk,
  payoutPending: modelRounds.payoutPending,
  payoutSettled: modelRounds.payoutSettled,
} as const;

/** One stored score with its round's facts, as the export writes it. */
export interface ExportRow {
  readonly model: string;
  readonly roundNumber: number;
  readonly name: string;
  readonly value: number;
  readonly source: "numerai" | "import";
  readonly percentile: number | null;
  readonly resolved: boolean;
  readonly resolveTime: Date | null;
  readonly corrMultiplier: number | null;
  readonly mmcMultiplier: number | null;
  readonly payoutFactor: string | null;
  readonly atRisk: string | null;
  readonly payoutPending: string | null;
  readonly payoutSettled: string | null;
}

type RawExportRow = [string, number, string, number, string | null, number | null, number, number | null, number | null, number | null, string | null, string | null, string | null, string | null];

/**
 * One round of one model for the given score names: [round, any row resolved (0/1), bit i set when
 * name i's row is resolved, then each name's value or null]. Rows with a null value count for
 * neither the mask nor the values, as `values()` skips them.
 */
export type ScoreCell = [number, number, number, ...Array<number | null>];

/** One model-round's facts: [round, corrMultiplier, mmcMultiplier, payoutFactor, atRisk] (decimal strings as stored). */
export type FactCell = [number, number | null, number | null, string | null, string | null];

/** Model ids bound per statement (well under SQLite's 32,766 variables). */
const ID_CHUNK = 500;

export function createScoreReadRepository(db: Db, tournament: number) {
  const sqlite = db.$client;
  const cellStatements = new Map<string, Database.Statement<unknown[]>>();
  /** One pass over each model's primary-key range for every name at once (one scan instead of one per name). */
  function cellStatement(names: readonly string[], ids: number) {
    const key = `${names.join("\u0000")}\u0001${ids}`;
    let stmt = cellStatements.get(key);
    if (!stmt) {
      // Names are the code's own constants, written into the SQL (checked, so nothing is ever injected).
      if (!names.every((n) => SCORE_NAME.test(n))) throw new Error("scoreCells requires plain score names");
      const hit = (i: number) => `name = '${names[i] as string}' AND value IS NOT NULL`;
      const mask = names.map((_, i) => `max(CASE WHEN ${hit(i)} AND resolved THEN ${2 ** i} ELSE 0 END)`).join(" + ");
      const values = names.map((_, i) => `max(CASE WHEN ${hit(i)} THEN value END)`).join(", ");
      const idParams = Array.from({ length: ids }, () => "?").join(", ");
      stmt = sqlite
        .prepare(
          `SELECT model_id, round_number, max(resolved), ${mask}, ${values} FROM scores
           WHERE model_id IN (${idParams}) GROUP BY model_id, round_number ORDER BY model_id, round_number`,
        )
        .raw();
      cellStatements.set(key, stmt);
    }
    return stmt;
  }
  const factStatements = new Map<number, Database.Statement<unknown[]>>();
  function factStatement(ids: number) {
    let stmt = factStatements.get(ids);
    if (!stmt) {
      stmt = sqlite
        .prepare(
          `SELECT model_id, round_number, corr_multiplier, mmc_multiplier, payout_factor, at_risk FROM model_rounds
           WHERE model_id IN (${Array.from({ length: ids }, () => "?").join(", ")}) ORDER BY model_id, round_number`,
        )
        .raw();
      factStatements.set(ids, stmt);
    }
    return stmt;
  }
  const versionStatements = new Map<number, Database.Statement<unknown[]>>();
  function versionStatement(ids: number) {
    let stmt = versionStatements.get(ids);
    if (!stmt) {
      stmt = sqlite.prepare(`SELECT model_id, version FROM score_versions WHERE model_id IN (${Array.from({ length: ids }, () => "?").join(", ")})`).raw();
      versionStatements.set(ids, stmt);
    }
    return stmt;
  }
  const chunked = <T>(ids: readonly string[], fn: (chunk: string[]) => T[]): T[] => {
    const out: T[] = [];
    for (let i = 0; i < ids.length; i += ID_CHUNK) out.push(...fn(ids.slice(i, i + ID_CHUNK)));
    return out;
  };
  const roundFilter = (col: typeof scores.roundNumber | typeof modelRounds.roundNumber, range: RoundRange) =>
    and(
      range.fromRound !== undefined ? gte(col, range.fromRound) : undefined,
      range.toRound !== undefined ? lte(col, range.toRound) : undefined,
    );

  return {
    /** How often the score writer has written each model (absent: never, or before versions were kept). */
    scoreVersions(modelIds: readonly string[]): Map<string, number> {
      return new Map(chunked(modelIds, (ids) => versionStatement(ids.length).all(...ids) as Array<[string, number]>));
    },

    /** Every round any score row of these models has, with the given names' values ([model id, ...ScoreCell]), by model then round. */
    scoreCells(modelIds: readonly string[], names: readonly string[]): Array<[string, ...ScoreCell]> {
      return chunked(modelIds, (ids) => cellStatement(names, ids.length).all(...ids) as Array<[string, ...ScoreCell]>);
    },

    /** Every model-round fact of these models ([model id, ...FactCell]), by model then round. */
    factCells(modelIds: readonly string[]): Array<[string, ...FactCell]> {
      return chunked(modelIds, (ids) => factStatement(ids.length).all(...ids) as Array<[string, ...FactCell]>);
    },

    /** Non-null values of one score name, ordered by model then round; resolved rounds only unless asked. */
    values(modelIds: readonly string[], name: string, range: RoundRange = {}, includeUnresolved = false): ScoreValueRow[] {
      if (modelIds.length === 0) return [];
      return db
        .select({ modelId: scores.modelId, roundNumber: scores.roundNumber, value: scores.value })
        .from(scores)
        .where(
          and(
            inArray(scores.modelId, [...modelIds]),
            eq(scores.name, name),
            sql`${scores.value} IS NOT NULL`,
            includeUnresolved ? undefined : eq(scores.resolved, true),
            roundFilter(scores.roundNumber, range),
          ),
        )
        .orderBy(asc(scores.modelId), asc(scores.roundNumber))
        .all() as ScoreValueRow[];
    },

    roundFacts(modelIds: readonly string[], range: RoundRange = {}): RoundFactRow[] {
      if (modelIds.length === 0) return [];
      return db
        .select({
          modelId: modelRounds.modelId,
          roundNumber: modelRounds.roundNumber,
          atRisk: modelRounds.atRisk,
          corrMultiplier: modelRounds.corrMultiplier,
          mmcMultiplier: modelRounds.mmcMultiplier,
          payoutFactor: modelRounds.payoutFactor,
          payoutPending: modelRounds.payoutPending,
          payoutSettled: modelRounds.payoutSettled,
          resolved: modelRounds.resolved,
        })
        .from(modelRounds)
        .where(and(inArray(modelRounds.modelId, [...modelIds]), roundFilter(modelRounds.roundNumber, range)))
        .orderBy(asc(modelRounds.modelId), asc(modelRounds.roundNumber))
        .all();
    },

    /** Distinct score names stored for these models (for validation and autocomplete). */
    scoreNames(modelIds: readonly string[]): string[] {
      if (modelIds.length === 0) return [];
      return db
        .selectDistinct({ name: scores.name })
        .from(scores)
        .where(inArray(scores.modelId, [...modelIds]))
        .orderBy(asc(scores.name))
        .all()
        .map((r) => r.name);
    },

    /** Rounds of a model the store holds but that were not resolved when last fetched. */
    unresolvedRounds(modelId: string): number[] {
      return db
        .selectDistinct({ n: scores.roundNumber })
        .from(scores)
        .where(and(eq(scores.modelId, modelId), eq(scores.resolved, false)))
        .orderBy(asc(scores.roundNumber))
        .all()
        .map((r) => r.n);
    },

    /**
     * The newest distinct rounds these models have scores for, newest first: resolved ones only
     * unless asked (a round is resolved when Numerai says its scores are final), at most `limit`.
     */
    recentRounds(modelIds: readonly string[], opts: { limit?: number; toRound?: number | undefined; includeUnresolved?: boolean } = {}): number[] {
      if (modelIds.length === 0) return [];
      const q = db
        .selectDistinct({ n: scores.roundNumber })
        .from(scores)
        .where(
          and(
            inArray(scores.modelId, [...modelIds]),
            opts.includeUnresolved ? undefined : eq(scores.resolved, true),
            opts.toRound !== undefined ? lte(scores.roundNumber, opts.toRound) : undefined,
          ),
        )
        .orderBy(desc(scores.roundNumber));
      return (opts.limit !== undefined ? q.limit(opts.limit) : q).all().map((r) => r.n);
    },

    roundSpan(modelIds: readonly string[]): { first: number | null; last: number | null } {
      if (modelIds.length === 0) return { first: null, last: null };
      const row = db
        .select({ first: min(scores.roundNumber), last: max(scores.roundNumber) })
        .from(scores)
        .where(inArray(scores.modelId, [...modelIds]))
        .get();
      return { first: row?.first ?? null, last: row?.last ?? null };
    },

    /** Open and resolve times (ms) of the tournament's rounds first…last that the API gave; rounds without either are left out. */
    roundTimes(first: number, last: number): Map<number, { openTime: number | null; resolveTime: number | null }> {
      const rows = db
        .select({ n: rounds.number, open: rounds.openTime, resolve: rounds.resolveTime })
        .from(rounds)
        .where(and(eq(rounds.tournament, tournament), gte(rounds.number, first), lte(rounds.number, last)))
        .all();
      const out = new Map<number, { openTime: number | null; resolveTime: number | null }>();
      for (const r of rows) {
        if (r.open !== null || r.resolve !== null) out.set(r.n, { openTime: r.open?.getTime() ?? null, resolveTime: r.resolve?.getTime() ?? null });
      }
      return out;
    },

    /** The newest round the store knows for the tournament (from the API), if any. */
    latestKnownRound(): number | null {
      const row = db
        .select({ n: rounds.number })
        .from(rounds)
        .where(eq(rounds.tournament, tournament))
        .orderBy(desc(rounds.number))
        .limit(1)
        .get();
      return row?.n ?? null;
    },

    /**
     * Every stored score with a value of these models, ordered by model name, round, score name,
     * one row at a time: one query per model, read in primary-key order, so nothing is sorted or
     * held in memory however large the history is.
     */
    *exportRows(modelIds: readonly string[]): Generator<ExportRow> {
      if (modelIds.length === 0) return;
      const ordered = db
        .select({ id: models.id })
        .from(models)
        .where(inArray(models.id, [...modelIds]))
        .orderBy(asc(models.name))
        .all();
      for (const { id } of ordered) {
        const query = db
          .select({
            model: models.name,
            round: scores.roundNumber,
            name: scores.name,
            value: scores.value,
            reported: modelRounds.modelId,
            percentile: scores.percentile,
            resolved: scores.resolved,
            resolveTime: rounds.resolveTime,
            corrMultiplier: modelRounds.corrMultiplier,
            mmcMultiplier: modelRounds.mmcMultiplier,
            payoutFactor: modelRounds.payoutFactor,
            atRisk: modelRounds.atRisk,
            payoutPending: modelRounds.payoutPending,
            payoutSettled: modelRounds.payoutSettled,
          })
          .from(scores)
          .innerJoin(models, eq(models.id, scores.modelId))
          .leftJoin(modelRounds, and(eq(modelRounds.modelId, scores.modelId), eq(modelRounds.roundNumber, scores.roundNumber)))
          .leftJoin(rounds, and(eq(rounds.tournament, models.tournament), eq(rounds.number, scores.roundNumber)))
          .where(and(eq(scores.modelId, id), sql`${scores.value} IS NOT NULL`))
          .orderBy(asc(scores.roundNumber), asc(scores.name))
          .toSQL();
        // drizzle has no row iterator; better-sqlite3's raw iterate streams the same query.
        const stmt = db.$client.prepare(query.sql).raw(true);
        for (const r of stmt.iterate(...query.params) as IterableIterator<RawExportRow>) {
          yield {
            model: r[0],
            roundNumber: r[1],
            name: r[2],
            value: r[3],
            source: r[4] === null ? "import" : "numerai",
            percentile: r[5],
            resolved: r[6] === 1,
            resolveTime: r[7] === null ? null : new Date(r[7]),
            corrMultiplier: r[8],
            mmcMultiplier: r[9],
            payoutFactor: r[10],
            atRisk: r[11],
            payoutPending: r[12],
            payoutSettled: r[13],
          };
        }
      }
    },

    counts(): { scores: number; modelRounds: number; rounds: number } {
      const one = (table: typeof scores | typeof modelRounds | typeof rounds) =>
        db.select({ n: sql<number>`count(*)` }).from(table).get()?.n ?? 0;
      return { scores: one(scores), modelRounds: one(modelRounds), rounds: one(rounds) };
    },
  };
}

export type ScoreReadRepository = ReturnType<typeof createScoreReadRepository>;
