import { and, asc, desc, eq, gte, inArray, lte, sql } from "drizzle-orm";
import type Database from "better-sqlite3";
import type { Db } from "../open.js";
import { models, modelRounds, rounds, scores } from "../schema.js";

export interface RoundRange {
  readonly fromRound?: number | undefined;
  readonly toRound?: number | undefined;
}

export interface ScoreValueRow {
  readonly modelId: string;
  readonly roundNumber: number;
  readonly value: number;
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

/** Code of a score row whose name is none of the names asked for (`ScoreRowColumns.codes`). */
export const OTHER_SCORE_NAME = 255;

/** One model's score rows as typed columns, ordered by round (then name, as the primary key keeps them). */
export interface ScoreRowColumns {
  readonly rounds: Int32Array;
  /** Index of the row's name in the names asked for, or OTHER_SCORE_NAME. */
  readonly codes: Uint8Array;
  /** The stored value, NaN where it is null. */
  readonly values: Float64Array;
  readonly resolved: Uint8Array;
}

/** One model's stated multipliers (model_rounds) as typed columns by round, NaN where null. */
export interface MultiplierColumns {
  readonly rounds: Int32Array;
  readonly corrMultiplier: Float64Array;
  readonly mmcMultiplier: Float64Array;
}

/** One model's NMR facts (model_rounds, decimal text) as numbers (`Number(text)`) by round, NaN where null. */
export interface NmrColumns {
  readonly rounds: Int32Array;
  readonly payoutFactor: Float64Array;
  readonly atRisk: Float64Array;
  /** The settled payout, else the pending one. */
  readonly payout: Float64Array;
}

/**
 * Growable typed columns the collecting aggregates below write the rows of the statement being
 * stepped into. Reads are synchronous and a step never runs a query, so one sink per kind of row
 * serves every connection. An aggregate hands SQLite's values to a JS function per row with no
 * row array: building an array per row was most of a cold read.
 */
class RowSink {
  length = 0;
  rounds = new Int32Array(1024);
  bytes: Uint8Array[];
  floats: Float64Array[];
  constructor(byteColumns: number, floatColumns: number) {
    this.bytes = Array.from({ length: byteColumns }, () => new Uint8Array(1024));
    this.floats = Array.from({ length: floatColumns }, () => new Float64Array(1024));
  }
  /** Index of a new row at `round`, growing the columns when full. */
  push(round: number): number {
    const n = this.length;
    if (n === this.rounds.length) {
      const rounds = new Int32Array(n * 2);
      rounds.set(this.rounds);
      this.rounds = rounds;
      this.bytes = this.bytes.map((c) => {
        const grown = new Uint8Array(n * 2);
        grown.set(c);
        return grown;
      });
      this.floats = this.floats.map((c) => {
        const grown = new Float64Array(n * 2);
        grown.set(c);
        return grown;
      });
    }
    this.rounds[n] = round;
    this.length = n + 1;
    return n;
  }
  /**
   * The rows collected since the last take, by round: SQLite steps them in primary-key order, so
   * this is a copy; rows out of order are stable-sorted by round first.
   */
  take(): { rounds: Int32Array; bytes: Uint8Array[]; floats: Float64Array[] } {
    const n = this.length;
    this.length = 0;
    let order: Int32Array | null = null;
    for (let i = 1; i < n; i++) {
      if ((this.rounds[i] as number) < (this.rounds[i - 1] as number)) {
        order = Int32Array.from({ length: n }, (_, j) => j).sort((x, y) => (this.rounds[x] as number) - (this.rounds[y] as number) || x - y);
        break;
      }
    }
    const pick = <T extends Int32Array | Uint8Array | Float64Array>(c: T): T => {
      const out = c.slice(0, n) as T;
      if (order) for (let i = 0; i < n; i++) out[i] = c[order[i] as number] as number;
      return out;
    };
    return { rounds: pick(this.rounds), bytes: this.bytes.map(pick), floats: this.floats.map(pick) };
  }
}

const SCORE_ROWS = new RowSink(2, 1);
const MULTIPLIER_ROWS = new RowSink(0, 2);
const NMR_ROWS = new RowSink(0, 3);
const COLLECT_SCORE_ROWS = "modelfolio_collect_score_rows";
const COLLECT_MULTIPLIER_ROWS = "modelfolio_collect_multiplier_rows";
const COLLECT_NMR_ROWS = "modelfolio_collect_nmr_rows";
const orNaN = (v: number | null) => (v === null ? NaN : v);
const decimalOrNaN = (text: string | null) => (text === null ? NaN : Number(text));

function collectScoreRow(n: number, round: number, code: number, value: number | null, resolved: number): number {
  const i = SCORE_ROWS.push(round);
  (SCORE_ROWS.bytes[0] as Uint8Array)[i] = code;
  (SCORE_ROWS.bytes[1] as Uint8Array)[i] = resolved;
  (SCORE_ROWS.floats[0] as Float64Array)[i] = orNaN(value);
  return n + 1;
}

function collectMultiplierRow(n: number, round: number, corr: number | null, mmc: number | null): number {
  const i = MULTIPLIER_ROWS.push(round);
  (MULTIPLIER_ROWS.floats[0] as Float64Array)[i] = orNaN(corr);
  (MULTIPLIER_ROWS.floats[1] as Float64Array)[i] = orNaN(mmc);
  return n + 1;
}

function collectNmrRow(n: number, round: number, payoutFactor: string | null, atRisk: string | null, payout: string | null): number {
  const i = NMR_ROWS.push(round);
  (NMR_ROWS.floats[0] as Float64Array)[i] = decimalOrNaN(payoutFactor);
  (NMR_ROWS.floats[1] as Float64Array)[i] = decimalOrNaN(atRisk);
  (NMR_ROWS.floats[2] as Float64Array)[i] = decimalOrNaN(payout);
  return n + 1;
}

/** Model ids bound per statement (well under SQLite's 32,766 variables). */
const ID_CHUNK = 500;

export function createScoreReadRepository(db: Db, tournament: number) {
  const sqlite = db.$client;
  // better-sqlite3 types a step as (total, next); it passes every argument of the call.
  sqlite.aggregate(COLLECT_SCORE_ROWS, { start: 0, step: collectScoreRow as unknown as (n: number, next: number) => number });
  sqlite.aggregate(COLLECT_MULTIPLIER_ROWS, { start: 0, step: collectMultiplierRow as unknown as (n: number, next: number) => number });
  sqlite.aggregate(COLLECT_NMR_ROWS, { start: 0, step: collectNmrRow as unknown as (n: number, next: number) => number });
  const scoreRowStatements = new Map<string, Database.Statement<unknown[]>>();
  /** One pass over the model's primary-key range, every row into the sink (names coded by the CASE). */
  function scoreRowStatement(names: readonly string[]) {
    const key = names.join("\u0000");
    let stmt = scoreRowStatements.get(key);
    if (!stmt) {
      if (names.length >= OTHER_SCORE_NAME) throw new Error(`scoreRowColumns codes at most ${OTHER_SCORE_NAME - 1} score names`);
      const code = names.length === 0 ? `${OTHER_SCORE_NAME}` : `CASE name ${names.map((_, i) => `WHEN ? THEN ${i}`).join(" ")} ELSE ${OTHER_SCORE_NAME} END`;
      stmt = sqlite.prepare(`SELECT ${COLLECT_SCORE_ROWS}(round_number, ${code}, value, resolved) FROM scores WHERE model_id = ?`).pluck();
      scoreRowStatements.set(key, stmt);
    }
    return stmt;
  }
  const multiplierStatement = sqlite
    .prepare(`SELECT ${COLLECT_MULTIPLIER_ROWS}(round_number, corr_multiplier, mmc_multiplier) FROM model_rounds WHERE model_id = ?`)
    .pluck();
  const nmrStatement = sqlite.prepare(`SELECT ${COLLECT_NMR_ROWS}(round_number, payout_factor, at_risk, coalesce(payout_settled, payout_pending)) FROM model_rounds WHERE model_id = ?`).pluck();
  const lastRoundStatement = sqlite.prepare("SELECT max(round_number) FROM scores WHERE model_id = ?").pluck();
  const newestStatements = new Map<number, Database.Statement<unknown[]>>();
  function newestStatement(names: number) {
    let stmt = newestStatements.get(names);
    if (!stmt) {
      stmt = sqlite
        .prepare(
          `SELECT round_number, name, value FROM scores WHERE model_id = ? AND name IN (${Array.from({ length: names }, () => "?").join(", ")})
           AND resolved = 1 AND value IS NOT NULL ORDER BY round_number DESC LIMIT ?`,
        )
        .raw();
      newestStatements.set(names, stmt);
    }
    return stmt;
  }
  const latestStakeStatement = sqlite
    .prepare("SELECT at_risk FROM model_rounds WHERE model_id = ? AND round_number <= ? AND at_risk IS NOT NULL ORDER BY round_number DESC LIMIT ?")
    .pluck();
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

    /** Every score row of one model (any name; `names` are coded by index), by round. */
    scoreRowColumns(modelId: string, names: readonly string[]): ScoreRowColumns {
      scoreRowStatement(names).get(...names, modelId);
      const { rounds, bytes, floats } = SCORE_ROWS.take();
      return { rounds, codes: bytes[0] as Uint8Array, resolved: bytes[1] as Uint8Array, values: floats[0] as Float64Array };
    },

    /** One model's stated multipliers, by round. */
    multiplierColumns(modelId: string): MultiplierColumns {
      multiplierStatement.get(modelId);
      const { rounds, floats } = MULTIPLIER_ROWS.take();
      return { rounds, corrMultiplier: floats[0] as Float64Array, mmcMultiplier: floats[1] as Float64Array };
    },

    /** One model's payout factors, stakes at risk and payouts, by round (text parsed in JS: a second read, made only when needed). */
    nmrColumns(modelId: string): NmrColumns {
      nmrStatement.get(modelId);
      const { rounds, floats } = NMR_ROWS.take();
      return { rounds, payoutFactor: floats[0] as Float64Array, atRisk: floats[1] as Float64Array, payout: floats[2] as Float64Array };
    },

    /** The newest round with any score row of one model (null: none); an index seek. */
    lastRound(modelId: string): number | null {
      return lastRoundStatement.get(modelId) as number | null;
    },

    /** One model's newest resolved, non-null values of these score names ([round, name, value]), newest round first, at most `limit`. */
    newestValues(modelId: string, names: readonly string[], limit: number): Array<[number, string, number]> {
      if (names.length === 0) return [];
      return newestStatement(names.length).all(modelId, ...names, limit) as Array<[number, string, number]>;
    },

    /** One model's newest stakes at risk (NMR decimal text) up to `toRound`, newest first, at most `limit`. */
    latestStakes(modelId: string, toRound: number | null, limit: number): string[] {
      return latestStakeStatement.all(modelId, toRound ?? Number.MAX_SAFE_INTEGER, limit) as string[];
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
