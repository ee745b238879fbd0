/**
 * The score writer against a real SQLite file: a later answer that carries less (NULLs, fewer
 * score names, no rounds) never takes away what is stored; a real change of a value updates it.
 */
import { afterEach, describe, expect, it } from "vitest";
import { createScoreWriter, type RoundRecord } from "../../src/db/repositories/scores.js";
import { createModelRepository } from "../../src/db/repositories/models.js";
import { dumpStore } from "../faults/support.js";
import { makeTestDb } from "../helpers/test-db.js";

const MODEL = "6d99fd48-cb99-409f-966f-fe6a75ea2a34";
const dbs: Array<ReturnType<typeof makeTestDb>> = [];
afterEach(() => {
  for (const db of dbs.splice(0)) db.cleanup();
});

function setup() {
  const db = makeTestDb();
  dbs.push(db);
  createModelRepository(db.db, 8).upsertVerified(MODEL, "quirky");
  const writer = createScoreWriter(db.sqlite, 8);
  const write = (records: RoundRecord[]) => writer.writeBatch(() => writer.writeRounds(MODEL, records));
  return { db, write };
}

const score = (name: string, value: number | null, day: number | null = 20) => ({ name, value, percentile: value === null ? null : 0.5, day, date: day === null ? null : new Date("2026-03-06T00:00:00Z"), resolved: null });
const round = (over: Partial<RoundRecord> = {}): RoundRecord => ({
  roundNumber: 1195,
  openTime: new Date("2026-02-03T13:00:00Z"),
  resolveTime: new Date("2026-03-06T20:00:00Z"),
  resolved: true,
  atRisk: "100.000000000000000000",
  corrMultiplier: 0.75,
  mmcMultiplier: 2.25,
  payoutFactor: "0.091874215530268813",
  payoutPending: "-0.130781189357151106",
  payoutSettled: "-0.130781189357151106",
  target: "main",
  scores: [score("canon_corr", 0.0094), score("canon_mmc", -0.0095)],
  ...over,
});

describe("createScoreWriter", () => {
  it("keeps stored values when a later answer has NULLs, fewer score names or no scores", () => {
    const { db, write } = setup();
    write([round()]);
    const stored = dumpStore(db.sqlite);
    write([
      round({ atRisk: null, corrMultiplier: null, mmcMultiplier: null, payoutFactor: null, payoutPending: null, payoutSettled: null, target: null, openTime: null, resolveTime: null, scores: [score("canon_corr", null, null)] }),
    ]);
    write([round({ scores: [] })]);
    write([]);
    expect(dumpStore(db.sqlite)).toEqual(stored);
  });

  it("updates a value that really changed, and adds a new score name", () => {
    const { db, write } = setup();
    write([round({ resolved: false, payoutSettled: "0.000000000000000000", scores: [score("canon_corr", 0.001, 12)] })]);
    write([round({ scores: [score("canon_corr", 0.0094), score("mmc", -0.0095)] })]);
    const { modelRounds, scores } = dumpStore(db.sqlite);
    expect(modelRounds).toEqual([expect.objectContaining({ payout_settled: "-0.130781189357151106", resolved: 1 })]);
    expect(scores).toEqual([
      expect.objectContaining({ name: "canon_corr", value: 0.0094, day: 20, resolved: 1 }),
      expect.objectContaining({ name: "mmc", value: -0.0095 }),
    ]);
  });
});
