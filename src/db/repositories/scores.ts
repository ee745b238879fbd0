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
       resolved = max(rounds.resolved, excluded.resolved)`,
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
  const upsertScore = sqlite.prepare(
    `INSERT INTO scores (model_id, round_number, name, value, percentile, day, date, resolved) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (model_id, round_number, name) DO UPDATE SET
       value = coalesce(excluded.value, scores.value),
       percentile = coalesce(excluded.percentile, scores.percentile),
       day = coalesce(excluded.day, scores.day),
       date = coalesce(excluded.date, scores.date),
       resolved = max(scores.resolved, excluded.resolved)`,
  );

  // Inside the writing transaction, so a reader in any process sees the new version and the new rows together.
  const bumpVersion = sqlite.prepare(
    `INSERT INTO score_versions (model_id, version) VALUES (?, 1)
     ON CONFLICT (model_id) DO UPDATE SET version = score_versions.version + 1`,
  );

  /** Writes rounds of one model. Must run inside a transaction (see `writeBatch`). Returns score rows written. */
  function writeRounds(modelId: string, records: readonly RoundRecord[]): number {
    let written = 0;
    if (records.length > 0) bumpVersion.run(modelId);
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
        upsertScore.run(modelId, r.roundNumber, s.name, s.value, s.percentile, s.day, ms(s.date), resolved ? 1 : 0);
        written++;
      }
    }
    return written;
  }

  /** Writes bare score rows (imports). Must run inside a transaction. Imported history counts as resolved. */
  function writeScoreRows(rows: readonly ScoreRow[]): number {
    for (const id of new Set(rows.map((r) => r.modelId))) bumpVersion.run(id);
    for (const row of rows) {
      upsertScore.run(row.modelId, row.roundNumber, row.name, row.value, row.percentile, null, null, 1);
    }
    return rows.length;
  }

  /** Runs `fn` in one IMMEDIATE transaction: all of it lands, or none of it. */
  function writeBatch<T>(fn: () => T): T {
    return sqlite.transaction(fn).immediate();
  }

  return { writeRounds, writeScoreRows, writeBatch };
}

export type ScoreWriter = ReturnType<typeof createScoreWriter>;
