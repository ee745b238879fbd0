/**
 * Ingestion throughput: 1,000,000 score rows through the real write path (the score writer in
 * per-batch transactions, as backfill uses it) vs the same rows through a bare better-sqlite3
 * prepared INSERT in one transaction. Target: real path ≥ 0.7 × bare.
 */
import Database from "better-sqlite3";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase } from "../src/db/open.js";
import { createModelRepository } from "../src/db/repositories/models.js";
import { createScoreWriter, type RoundRecord } from "../src/db/repositories/scores.js";

const SCORE_NAMES = ["canon_corr", "canon_mmc", "v2_corr20", "mmc", "bmc", "corr60", "mmc60", "canon_bmc", "fnc_v3", "cort20"];

function makeRounds(modelIndex: number, from: number, count: number): RoundRecord[] {
  const out: RoundRecord[] = [];
  for (let r = from; r < from + count; r++) {
    out.push({
      roundNumber: r,
      openTime: new Date(Date.UTC(2024, 0, 1) + r * 86_400_000),
      resolveTime: null,
      resolved: true,
      atRisk: "100.000000000000000000",
      corrMultiplier: 0.75,
      mmcMultiplier: 2.25,
      payoutFactor: "0.092",
      payoutPending: "0.1",
      payoutSettled: "0.1",
      target: null,
      scores: SCORE_NAMES.map((name, i) => ({
        name,
        value: Math.sin(modelIndex * 7 + r * 0.37 + i) * 0.02,
        percentile: 0.5,
        day: 20,
        date: new Date(Date.UTC(2024, 1, 1) + r * 86_400_000),
        resolved: true,
      })),
    });
  }
  return out;
}

export interface IngestFigures {
  rows: number;
  realRowsPerSecond: number;
  bareRowsPerSecond: number;
  ratio: number;
}

export function benchIngest(models = 100, roundsPerModel = 1000, batchRounds = 50): IngestFigures {
  const dir = mkdtempSync(join(tmpdir(), "modelfolio-bench-"));
  try {
    // Real path: fresh migrated file, one transaction per (model, batch of rounds) — what backfill does.
    const store = openDatabase(join(dir, "real.db"));
    const repo = createModelRepository(store.db, 8);
    const writer = createScoreWriter(store.sqlite, 8);
    const ids = Array.from({ length: models }, (_, m) => repo.upsertVerified(`id-${m}`, `model_${m}`).id);
    const batches: Array<[string, RoundRecord[]]> = [];
    for (let m = 0; m < models; m++) {
      for (let r = 0; r < roundsPerModel; r += batchRounds) batches.push([ids[m] as string, makeRounds(m, 1 + r, batchRounds)]);
    }
    let rows = 0;
    const t0 = performance.now();
    for (const [id, recs] of batches) rows += writer.writeBatch(() => writer.writeRounds(id, recs));
    const realSeconds = (performance.now() - t0) / 1000;
    store.close();

    // Bare: the same score rows, plain INSERT, one transaction, same pragmas (WAL, NORMAL, 64 MiB cache) and table shape.
    const bare = new Database(join(dir, "bare.db"));
    bare.pragma("journal_mode = WAL");
    bare.pragma("synchronous = NORMAL");
    bare.pragma("cache_size = -65536");
    bare.exec(
      "CREATE TABLE scores (model_id TEXT NOT NULL, round_number INTEGER NOT NULL, name TEXT NOT NULL, value REAL, percentile REAL, day INTEGER, date INTEGER, resolved INTEGER NOT NULL, PRIMARY KEY (model_id, round_number, name))",
    );
    const insert = bare.prepare("INSERT INTO scores VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    const flat = batches.flatMap(([id, recs]) =>
      recs.flatMap((r) => r.scores.map((s) => [id, r.roundNumber, s.name, s.value, s.percentile, s.day, s.date?.getTime() ?? null, 1] as const)),
    );
    const t1 = performance.now();
    bare.transaction(() => {
      for (const row of flat) insert.run(...row);
    })();
    const bareSeconds = (performance.now() - t1) / 1000;
    bare.close();
    const realRowsPerSecond = rows / realSeconds;
    const bareRowsPerSecond = flat.length / bareSeconds;
    return { rows, realRowsPerSecond, bareRowsPerSecond, ratio: realRowsPerSecond / bareRowsPerSecond };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
