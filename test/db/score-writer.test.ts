/**
 * The score writer against a real SQLite file: a later answer that carries less (NULLs, fewer
 * score names, no rounds) never takes away what is stored; a real change of a value updates it.
 */
import { describe, expect, it } from "vitest";
import { createScoreWriter, type RoundRecord } from "../../src/db/repositories/scores.js";
import { createModelRepository } from "../../src/db/repositories/models.js";
import { dumpStore } from "../faults/support.js";
import { testDbsPerTest } from "../helpers/test-db.js";

const MODEL = "6d99fd48-cb99-409f-966f-fe6a75ea2a34";
const newDb = testDbsPerTest();

function setup() {
  const db = newDb();
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

  // Rows go to SQLite in multi-row statements: chunk edges must neither drop nor repeat a row.
  it("writes every row of a round with more score names than one statement carries, and of a long import", () => {
    const { db, write } = setup();
    const names = Array.from({ length: 150 }, (_, i) => `s${String(i).padStart(3, "0")}`);
    write([round({ scores: names.map((n, i) => score(n, i / 1000)) })]);
    const writer = createScoreWriter(db.sqlite, 8);
    const rows = Array.from({ length: 200 }, (_, i) => ({ modelId: MODEL, roundNumber: 2000 + i, name: "canon_corr", value: i, percentile: null }));
    expect(writer.writeBatch(() => writer.writeScoreRows(rows))).toBe(200);
    const { scores } = dumpStore(db.sqlite);
    const stored = scores as Array<{ round_number: number; name: string; value: number }>;
    expect(stored.filter((s) => s.round_number === 1195).map((s) => [s.name, s.value])).toEqual(names.map((n, i) => [n, i / 1000]));
    expect(stored.filter((s) => s.round_number >= 2000).map((s) => s.value)).toEqual(rows.map((r) => r.value));
  });

  it("keeps a round's times when a later answer for another model has none, and never un-resolves it", () => {
    const { db, write } = setup();
    write([round()]);
    const stored = dumpStore(db.sqlite).rounds;
    write([round({ openTime: null, resolveTime: null, resolved: false })]);
    expect(dumpStore(db.sqlite).rounds).toEqual(stored);
    write([round({ openTime: new Date("2026-02-04T13:00:00Z") })]);
    expect(dumpStore(db.sqlite).rounds).toEqual([expect.objectContaining({ open_time: Date.parse("2026-02-04T13:00:00Z"), resolved: 1 })]);
  });
});
