import type Database from "better-sqlite3";

/** What the store needs of one model-round; the Numerai client's RoundPerformance satisfies it. */
export interface RoundRecord {
  readonly roundNumber: number;
  readonly openTime: Date | null;
  readonly resolveTime: Date | null;
  readonly resolved: boolean;
  readonly atRisk: string | null;
  readonly corrMultiplier: number | null;
  readonly mmcMultiplier: number | null;
  readonly payoutFactor: string | null;
  readonly payoutPending: string | null;
  readonly payoutSettled: string | null;
  readonly target: string | null;
  readonly scores: readonly ScoreRecord[];
}

export interface ScoreRecord {
  readonly name: string;
  readonly value: number | null;
  readonly percentile: number | null;
  readonly day: number | null;
  readonly date: Date | null;
  readonly resolved: boolean | null;
}

/** A bare score row, as a CSV import produces it. */
export interface ScoreRow {
  readonly modelId: string;
  readonly roundNumber: number;
  readonly name: string;
  readonly value: number;
  readonly percentile: number | null;
}

/** Bare score rows as columns: row i is (`modelIds[i]`, `roundNumbers[i]`, `names[i]`, `values[i]`) for i < `length`. */
export interface ScoreColumns {
  readonly length: number;
  readonly modelIds: readonly string[];
  readonly roundNumbers: ArrayLike<number>;
  readonly names: readonly string[];
  readonly values: ArrayLike<number>;
}

type ScoreParam = string | number | null;
/** Rows per multi-row upsert: 8 parameters each, well under SQLite's limit of 32,766. */
const SCORE_CHUNK = 64;

const ms = (d: Date | null) => (d === null ? null : d.getTime());

/**
 * Write path for scores. Prepared statements on the raw connection: this is the hot path of
 * every sync, backfill and import (1M rows in the benchmark), and drizzle's per-call query
 * building would dominate it. Every write is an upsert, so writing the same data twice changes nothing.
 *
 * An answer never takes away what an earlier one stored: a NULL in a new answer keeps the stored
 * value (coalesce), a score name or round absent from a new answer keeps its row (nothing here
 * deletes), and "resolved" never goes back to 0. A real new value (scores move daily until the
 * round resolves) replaces the old one.
 */
export function createScoreWriter(sqlite: Database.Database, tournament: number) {
  const upsertRound = sqlite.prepare(
    `INSERT INTO rounds (tournament, number, open_time, resolve_time, resolved) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (tournament, number) DO UPDATE SET
       open_time = coalesce(excluded.open_time, rounds.open_time),
       resolve_time = coalesce(excluded.resolve_time, rounds.resolve_time),
       resolved = max(rounds.resolved, excluded.resolved)
     -- Every model of a batch repeats the same round: leave an unchanged row alone rather than rewrite it.
     WHERE excluded.open_time IS NOT NULL AND excluded.open_time IS NOT rounds.open_time
        OR excluded.resolve_time IS NOT NULL AND excluded.resolve_time IS NOT rounds.resolve_time
        OR excluded.resolved > rounds.resolved`,
  );
  const upsertModelRound = sqlite.prepare(
    `INSERT INTO model_rounds (model_id, round_number, at_risk, corr_multiplier, mmc_multiplier, payout_factor,
       payout_pending, payout_settled, target, resolved) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (model_id, round_number) DO UPDATE SET
       at_risk = coalesce(excluded.at_risk, model_rounds.at_risk),
       corr_multiplier = coalesce(excluded.corr_multiplier, model_rounds.corr_multiplier),
       mmc_multiplier = coalesce(excluded.mmc_multiplier, model_rounds.mmc_multiplier),
       payout_factor = coalesce(excluded.payout_factor, model_rounds.payout_factor),
       payout_pending = coalesce(excluded.payout_pending, model_rounds.payout_pending),
       payout_settled = coalesce(excluded.payout_settled, model_rounds.payout_settled),
       target = coalesce(excluded.target, model_rounds.target),
       resolved = max(model_rounds.resolved, excluded.resolved)`,
  );
  // One statement per chunk of rows, not per row: a call into SQLite costs about as much as the
  // row it writes, and a round carries ~10 score names. Statements are prepared once per chunk size.
  const scoreStatements = new Map<number, Database.Statement>();
  const scoreStatement = (rows: number) => {
    let st = scoreStatements.get(rows);
    if (!st) {
      st = sqlite.prepare(
        `INSERT INTO scores (model_id, round_number, name, value, percentile, day, date, resolved) VALUES ${Array(rows).fill("(?, ?, ?, ?, ?, ?, ?, ?)").join(", ")}
         ON CONFLICT (model_id, round_number, name) DO UPDATE SET
           value = coalesce(excluded.value, scores.value),
           percentile = coalesce(excluded.percentile, scores.percentile),
           day = coalesce(excluded.day, scores.day),
           date = coalesce(excluded.date, scores.date),
           resolved = max(scores.resolved, excluded.resolved)`,
      );
      scoreStatements.set(rows, st);
    }
    return st;
  };
  /** Upserts `params.length / 8` score rows, SCORE_CHUNK at a time. */
  const upsertScores = (params: ScoreParam[]) => {
    for (let at = 0; at < params.length; at += SCORE_CHUNK * 8) {
      const chunk = at === 0 && params.length <= SCORE_CHUNK * 8 ? params : params.slice(at, at + SCORE_CHUNK * 8);
      scoreStatement(chunk.length / 8).run(chunk);
    }
  };

  // Inside the writing transaction, so a reader in any process sees the new version and the new rows together.
  const bumpVersion = sqlite.prepare(
    `INSERT INTO score_versions (model_id, version) VALUES (?, 1)
     ON CONFLICT (model_id) DO UPDATE SET version = score_versions.version + 1`,
  );

  /** Writes rounds of one model. Must run inside a transaction (see `writeBatch`). Returns score rows written. */
  function writeRounds(modelId: string, records: readonly RoundRecord[]): number {
    let written = 0;
    if (records.length > 0) bumpVersion.run(modelId);
    // Score rows of every round go out together, SCORE_CHUNK per statement: one statement per round
    // (~10 rows) spent a third of the path on calls into SQLite.
    const params: ScoreParam[] = [];
    for (const r of records) {
      upsertRound.run(tournament, r.roundNumber, ms(r.openTime), ms(r.resolveTime), r.resolved ? 1 : 0);
      upsertModelRound.run(
        modelId,
        r.roundNumber,
        r.atRisk,
        r.corrMultiplier,
        r.mmcMultiplier,
        r.payoutFactor,
        r.payoutPending,
        r.payoutSettled,
        r.target,
        r.resolved ? 1 : 0,
      );
      for (const s of r.scores) {
        const resolved = s.resolved ?? r.resolved;
        params.push(modelId, r.roundNumber, s.name, s.value, s.percentile, s.day, ms(s.date), resolved ? 1 : 0);
        if (params.length === SCORE_CHUNK * 8) upsertScores(params.splice(0));
      }
      written += r.scores.length;
    }
    upsertScores(params);
    return written;
  }

  /** Writes bare score rows (imports). Must run inside a transaction. Imported history counts as resolved. */
  function writeScoreRows(rows: readonly ScoreRow[]): number {
    for (const id of new Set(rows.map((r) => r.modelId))) bumpVersion.run(id);
    const params: ScoreParam[] = [];
    for (const row of rows) {
      params.push(row.modelId, row.roundNumber, row.name, row.value, row.percentile, null, null, 1);
      if (params.length === SCORE_CHUNK * 8) upsertScores(params.splice(0));
    }
    upsertScores(params);
    return rows.length;
  }

  /**
   * Writes an import's batch held as columns (row i: `modelIds[i]`, `roundNumbers[i]`, `names[i]`,
   * `values[i]`, the first `length` of each), so a batch of thousands of rows is a few arrays, not
   * an object per row. Must run inside a transaction. Imported history counts as resolved.
   */
  function writeScoreColumns(cols: ScoreColumns): number {
    const { length, modelIds, roundNumbers, names, values } = cols;
    const models = new Set<string>();
    for (let i = 0; i < length; i++) models.add(modelIds[i] as string);
    for (const id of models) bumpVersion.run(id);
    const params: ScoreParam[] = [];
    for (let i = 0; i < length; i++) {
      params.push(modelIds[i] as string, roundNumbers[i] as number, names[i] as string, values[i] as number, null, null, null, 1);
      if (params.length === SCORE_CHUNK * 8) upsertScores(params.splice(0));
    }
    upsertScores(params);
    return length;
  }

  /**
   * Runs a bulk write (an import of millions of rows) with SQLite's page cache bounded to
   * `kib`, then restores the configured size. Sorted bulk writes touch each page about once, so
   * a large cache only keeps pages nobody reads again, and the process's peak memory with them.
   * 4 MiB: in bench/import.ts (2M rows) 16 MiB cost 18 MB more peak RSS for no speed, in the
   * file's model-major order and in round-major order (every row a different model) alike.
   */
  function withBoundedCache<T>(fn: () => T, kib = 4096): T {
    const configured = sqlite.pragma("cache_size", { simple: true }) as number;
    // Negative: KiB; positive: pages.
    const configuredKib = configured < 0 ? -configured : (configured * (sqlite.pragma("page_size", { simple: true }) as number)) / 1024;
    if (configuredKib <= kib) return fn();
    sqlite.pragma(`cache_size = -${kib}`);
    try {
      return fn();
    } finally {
      sqlite.pragma(`cache_size = ${configured}`);
    }
  }

  /** Runs `fn` in one IMMEDIATE transaction: all of it lands, or none of it. */
  function writeBatch<T>(fn: () => T): T {
    return sqlite.transaction(fn).immediate();
  }

  return { writeRounds, writeScoreRows, writeScoreColumns, writeBatch, withBoundedCache };
}

export type ScoreWriter = ReturnType<typeof createScoreWriter>;
