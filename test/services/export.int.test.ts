/**
 * The export service on a real SQLite file: the demo portfolio written through the real write
 * path, plus imported history. The CSV must re-import into an empty store as the same rows.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { seedDemo } from "../../src/demo/seed.js";
import { silentLogger } from "../../src/logger.js";
import { parseCsv } from "../../src/services/csv.js";
import { CSV_EOL, EXPORT_HEADER } from "../../src/services/export.js";
import { createServices, type Services } from "../../src/services/index.js";
import type { ScoreSource } from "../../src/services/ingestion.js";
import type { ModelLookup } from "../../src/services/registrations.js";
import { makeTestDb } from "../helpers/test-db.js";

const offline: ScoreSource & ModelLookup = {
  lookupModel: () => Promise.reject(new Error("offline")),
  accountModels: () => Promise.reject(new Error("offline")),
  roundPerformances: () => Promise.reject(new Error("offline")),
  currentRound: () => Promise.reject(new Error("offline")),
};

const YOU = "100000000000000001";
const FRIEND = "100000000000000011";
const NOW = new Date("2026-11-20T12:00:00Z");

type Db = ReturnType<typeof makeTestDb>;
const open = (db: Db) => createServices(db, offline, silentLogger, { tournament: 8, syncLookbackRounds: 40 });
const csvOf = (services: Services, user: string) => [...services.exporter.lines(user).records].map((r) => r + CSV_EOL).join("");

/** Every stored score with a value of a user's models: model name, round, score name, value. */
function scoreRows(db: Db, user: string): Array<[string, number, string, number]> {
  return db.sqlite
    .prepare(
      `select m.name, s.round_number, s.name, s.value from scores s join models m on m.id = s.model_id
       join registrations g on g.model_id = m.id where g.discord_user_id = ? and s.value is not null
       order by m.name, s.round_number, s.name`,
    )
    .raw(true)
    .all(user) as Array<[string, number, string, number]>;
}

describe("exporter", () => {
  let db: Db;
  let other: Db | undefined;
  let services: Services;
  beforeEach(() => {
    db = makeTestDb();
    seedDemo(db, { you: YOU, friend: FRIEND, third: "100000000000000012", guildId: "1", now: NOW });
    services = open(db);
  });
  afterEach(() => {
    db.cleanup();
    other?.cleanup();
    other = undefined;
  });

  it("re-imports with the long import into an empty database as the same score rows", () => {
    const csv = csvOf(services, YOU);
    other = makeTestDb();
    const fresh = open(other);
    const res = fresh.ingestion.importCsv({ text: csv, fileName: "export.csv" });
    expect(res.format).toBe("long");
    const before = scoreRows(db, YOU);
    expect(before.length).toBeGreaterThan(5000);
    expect(res.rows).toBe(before.length);
    // Register the imported models for the same user, then compare row by row (values bit for bit).
    fresh.repos.registrations.addMany(YOU, res.models.map((n) => fresh.repos.models.findByName(n)!.id));
    expect(scoreRows(other, YOU)).toEqual(before);
    // And the second export's first four columns equal the first's.
    const firstFour = (text: string) => parseCsv(text).map((r) => r.fields.slice(0, 4).join(","));
    expect(firstFour(csvOf(fresh, YOU))).toEqual(firstFour(csv));
  });

  it("writes one header and orders records by model, round and score name", () => {
    const records = parseCsv(csvOf(services, YOU));
    expect(records[0]?.fields).toEqual([...EXPORT_HEADER]);
    expect(EXPORT_HEADER.slice(0, 4)).toEqual(["model", "round", "score", "value"]);
    const keys = records.slice(1).map((r) => [r.fields[0] as string, Number(r.fields[1]), r.fields[2] as string] as const);
    const sorted = [...keys].sort((a, b) => a[0].localeCompare(b[0]) || a[1] - b[1] || a[2].localeCompare(b[2]));
    expect(keys).toEqual(sorted);
    expect(new Set(keys.map((k) => k[0])).size).toBe(services.registrations.list(YOU).length);
  });

  it("carries each round's multipliers, payouts, resolved flag and resolve time from the store", () => {
    const records = parseCsv(csvOf(services, YOU));
    const col = (name: string) => EXPORT_HEADER.indexOf(name);
    const row = records.slice(1).find((r) => r.fields[col("resolved")] === "true");
    expect(row).toBeDefined();
    const [model, round] = [row!.fields[0], Number(row!.fields[1])];
    const fact = db.sqlite
      .prepare(
        `select mr.corr_multiplier c, mr.mmc_multiplier m, mr.payout_settled p, r.resolve_time t from model_rounds mr
         join models x on x.id = mr.model_id join rounds r on r.number = mr.round_number where x.name = ? and mr.round_number = ?`,
      )
      .get(model, round) as { c: number; m: number; p: string; t: number };
    expect(Number(row!.fields[col("corr_multiplier")])).toBe(fact.c);
    expect(Number(row!.fields[col("mmc_multiplier")])).toBe(fact.m);
    expect(row!.fields[col("payout_settled")]).toBe(fact.p);
    expect(row!.fields[col("resolve_time")]).toBe(new Date(fact.t).toISOString());
    expect(records.some((r) => r.fields[col("resolved")] === "false")).toBe(true);
  });

  it("says where each value came from: numerai for rounds Numerai reported, import otherwise", () => {
    services.ingestion.importCsv({ text: "model,round,score,value\nzz_imported,1200,canon_corr,0.25\nzz_imported,1201,canon_corr,-0.5\n" });
    services.repos.registrations.addMany(YOU, [services.repos.models.findByName("zz_imported")!.id]);
    const records = parseCsv(csvOf(services, YOU)).slice(1);
    const source = EXPORT_HEADER.indexOf("source");
    const imported = records.filter((r) => r.fields[0] === "zz_imported");
    expect(imported.map((r) => [r.fields[1], r.fields[3], r.fields[source]])).toEqual([
      ["1200", "0.25", "import"],
      ["1201", "-0.5", "import"],
    ]);
    expect(records.filter((r) => r.fields[0] !== "zz_imported").every((r) => r.fields[source] === "numerai")).toBe(true);
  });

  it("leaves out scores that have no value", () => {
    const id = services.registrations.list(YOU)[0]!.id;
    db.sqlite.prepare("insert into scores (model_id, round_number, name, value, resolved) values (?, 1300, 'tc', null, 1)").run(id);
    expect(parseCsv(csvOf(services, YOU)).some((r) => r.fields[2] === "tc")).toBe(false);
  });

  it("refuses a user with no models, saying to add one with /models add", () => {
    expect(() => services.exporter.lines("999")).toThrow(/no models to export yet\. Add one with `\/models add`/);
    expect(() => services.exporter.file("999", 1e6)).toThrow(/\/models add/);
  });

  it("builds the attachment only while it fits, and says when it does not", () => {
    const whole = Buffer.from(csvOf(services, YOU), "utf8");
    const fits = services.exporter.file(YOU, whole.length);
    expect(fits.fits).toBe(true);
    if (fits.fits) {
      expect(fits.data.equals(whole)).toBe(true);
      expect(fits.rows).toBe(scoreRows(db, YOU).length);
    }
    const tooBig = services.exporter.file(YOU, whole.length - 1);
    expect(tooBig).toMatchObject({ fits: false, maxBytes: whole.length - 1, userId: YOU });
  });
});
