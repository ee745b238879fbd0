import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { silentLogger } from "../../src/logger.js";
import { createServices, type Services } from "../../src/services/index.js";
import type { ScoreSource } from "../../src/services/ingestion.js";
import type { ModelLookup } from "../../src/services/registrations.js";
import { makeTestDb } from "../helpers/test-db.js";

// Imports never touch the network: a source that fails loudly proves it.
const offline: ScoreSource & ModelLookup = {
  lookupModel: () => Promise.reject(new Error("offline")),
  accountModels: () => Promise.reject(new Error("offline")),
  roundPerformances: () => Promise.reject(new Error("offline")),
  currentRound: () => Promise.reject(new Error("offline")),
};

const SHARED = "../shared/data/vladthestaker/daily_data_corr_abs.csv";

describe("importCsv", () => {
  let db: ReturnType<typeof makeTestDb>;
  let services: Services;
  const rowCount = () => (db.sqlite.prepare("select count(*) n from scores").get() as { n: number }).n;
  beforeEach(() => {
    db = makeTestDb();
    services = createServices(db, offline, silentLogger, { tournament: 8, syncLookbackRounds: 40 });
  });
  afterEach(() => db.cleanup());

  it("imports a long CSV and reports models, names and rounds", () => {
    const res = services.ingestion.importCsv({
      text: "model,round,score,value\nalpha,900,canon_corr,0.01\nalpha,901,canon_corr,-2.5e-3\nbeta,900,canon_mmc,0.003\n",
    });
    expect(res).toMatchObject({ format: "long", rows: 3, models: ["alpha", "beta"], scoreNames: ["canon_corr", "canon_mmc"] });
    expect(res.rounds).toEqual({ first: 900, last: 901 });
    const v = db.sqlite.prepare("select value from scores where round_number = 901").get() as { value: number };
    expect(v.value).toBe(-0.0025);
  });

  it("reads past columns after value (an /export file's details), still all or nothing on their count", () => {
    const head = "model,round,score,value,source,percentile";
    const res = services.ingestion.importCsv({ text: `${head}\nalpha,900,canon_corr,0.01,numerai,0.5\nalpha,901,canon_mmc,-0.02,import,\n` });
    expect(res).toMatchObject({ format: "long", rows: 2, models: ["alpha"], scoreNames: ["canon_corr", "canon_mmc"] });
    expect(db.sqlite.prepare("select round_number r, name, value, percentile from scores order by r").all()).toEqual([
      { r: 900, name: "canon_corr", value: 0.01, percentile: null },
      { r: 901, name: "canon_mmc", value: -0.02, percentile: null },
    ]);
    expect(() => services.ingestion.importCsv({ text: `${head}\nbeta,900,canon_corr,0.01,numerai\n` })).toThrow(/line 2: expected 6 fields \(as many as the header\), found 5/);
    expect(services.repos.models.findByName("beta")).toBeUndefined();
  });

  it.each([
    ["not a number", "alpha,900,canon_corr,abc", /line 3: value "abc" is not a finite number/],
    ["NaN", "alpha,900,canon_corr,NaN", /line 3: value "NaN" is not a finite number/],
    ["infinity", "alpha,900,canon_corr,Infinity", /line 3: value "Infinity"/],
    ["a duplicate key", "alpha,899,canon_corr,0.02", /line 3: duplicate: alpha, round 899, canon_corr/],
    ["a bad round", "alpha,9x9,canon_corr,0.02", /line 3: round "9x9" is not a round number/],
    ["too few fields", "alpha,900,0.02", /line 3: expected 4 fields/],
  ])("writes nothing and names the line when one line has %s", (_what, badLine, message) => {
    const text = `model,round,score,value\nalpha,899,canon_corr,0.01\n${badLine}\nbeta,900,canon_corr,0.02\n`;
    expect(() => services.ingestion.importCsv({ text })).toThrow(message);
    expect(rowCount()).toBe(0);
    expect(services.repos.models.count()).toBe(0);
  });

  it("rejects rounds newer than the newest round the store knows", () => {
    db.sqlite.prepare("insert into rounds (tournament, number, resolved) values (8, 1000, 0)").run();
    expect(() => services.ingestion.importCsv({ text: "model,round,score,value\nalpha,1001,canon_corr,0.01\n" })).toThrow(
      /line 2: round 1001 is unknown \(the newest round is 1000\)/,
    );
    expect(rowCount()).toBe(0);
  });

  it("imports a wide CSV with NA cells, needing the score name", () => {
    const text = '"roundNumber","A","B"\n843,0.01,NA\n844,NA,-0.02\n845,0.03,0.04\n';
    expect(() => services.ingestion.importCsv({ text })).toThrow(/needs the score name/);
    const res = services.ingestion.importCsv({ text, scoreName: "canon_corr" });
    expect(res).toMatchObject({ format: "wide", rows: 4, models: ["a", "b"] });
    expect(rowCount()).toBe(4);
  });

  it("is idempotent: importing the same file twice leaves the same rows", () => {
    const text = "model,round,score,value\nalpha,900,canon_corr,0.01\n";
    services.ingestion.importCsv({ text });
    const before = db.sqlite.prepare("select * from scores").all();
    services.ingestion.importCsv({ text });
    expect(db.sqlite.prepare("select * from scores").all()).toEqual(before);
  });

  // Names from a file are as untrusted as names typed in Discord: the same rule, the whole file refused.
  it.each([
    ["a formula", "=HYPERLINK(1)", 3],
    ["a path", "../../etc/passwd", 3],
    ["a newline", '"alpha\nbeta"', 3],
    ["mentions", "<@&1> @everyone", 3],
  ])("refuses a long CSV whose model name is %s, naming the line and writing nothing", (_what, name, line) => {
    const text = `model,round,score,value\nalpha,899,canon_corr,0.01\n${name},900,canon_corr,0.02\nbeta,900,canon_corr,0.02\n`;
    expect(() => services.ingestion.importCsv({ text })).toThrow(new RegExp(`nothing was written: line ${line}: .* is not a Numerai model name`));
    expect(rowCount()).toBe(0);
    expect(services.repos.models.count()).toBe(0);
  });

  it("refuses a wide CSV whose model column is not a model name, naming the header line", () => {
    const text = '"roundNumber","A","=HYPERLINK(1)"\n843,0.01,0.02\n';
    expect(() => services.ingestion.importCsv({ text, scoreName: "canon_corr" })).toThrow(/line 1: model column .*is not a Numerai model name/);
    expect(rowCount()).toBe(0);
    expect(services.repos.models.count()).toBe(0);
  });

  describe("a model whose scores come from Numerai", () => {
    const numeraiValue = () =>
      (db.sqlite.prepare("select s.value from scores s join models m on m.id = s.model_id where m.name = 'alpha' and s.round_number = 900").get() as { value: number } | undefined)?.value;
    beforeEach(() => {
      services.repos.models.upsertVerified("numerai-id-alpha", "alpha");
      db.sqlite.prepare("insert into rounds (tournament, number, resolved) values (8, 900, 1)").run();
      services.repos.writer.writeScoreRows([{ modelId: "numerai-id-alpha", roundNumber: 900, name: "canon_corr", value: 0.5, percentile: null }]);
    });

    it("keeps its Numerai scores: the import skips its rows and says how many and why", () => {
      const res = services.ingestion.importCsv({
        text: "model,round,score,value\nalpha,900,canon_corr,-0.9\nalpha,899,canon_mmc,0.1\nbeta,900,canon_corr,0.02\n",
      });
      expect(numeraiValue()).toBe(0.5);
      expect(res).toMatchObject({ rows: 1, models: ["beta"], skipped: { rows: 2, numeraiModels: ["alpha"] } });
      expect(rowCount()).toBe(2);
      expect(services.repos.models.findByName("alpha")).toMatchObject({ id: "numerai-id-alpha", source: "numerai" });
    });

    it("refuses a file of only Numerai models' rows, writing nothing", () => {
      expect(() => services.ingestion.importCsv({ text: "model,round,score,value\nALPHA,900,canon_corr,-0.9\n" })).toThrow(
        /nothing was written: every row belongs to a model whose scores come from Numerai \(alpha\)/,
      );
      expect(numeraiValue()).toBe(0.5);
      expect(rowCount()).toBe(1);
      expect(db.sqlite.prepare("select count(*) n from ingestion_runs").get()).toEqual({ n: 0 });
    });
  });

  describe("in batches (3 rows per transaction here)", () => {
    let batched: Services;
    beforeEach(() => {
      batched = createServices(db, offline, silentLogger, { tournament: 8, syncLookbackRounds: 40, importBatchRows: 3 });
    });
    const longFile = (rows: number, value = (i: number) => i / 1000) =>
      ["model,round,score,value", ...Array.from({ length: rows }, (_, i) => `m_${i % 2},${1 + Math.floor(i / 2)},canon_corr,${value(i)}`)].join("\n") + "\n";
    const stored = () => db.sqlite.prepare("select model_id, round_number, name, value from scores order by model_id, round_number").all();
    const runs = () => db.sqlite.prepare("select status, units_total, units_done, rows_written from ingestion_runs order by id").all();

    it("streams a file from disk and records each batch's progress in the run", () => {
      const path = join(db.dir, "long.csv");
      writeFileSync(path, longFile(10));
      const cacheSize = db.sqlite.pragma("cache_size", { simple: true });
      const res = batched.ingestion.importCsv({ path, fileName: "long.csv" });
      // The import bounds SQLite's page cache while it runs, and gives the configured size back.
      expect(db.sqlite.pragma("cache_size", { simple: true })).toBe(cacheSize);
      expect(res).toMatchObject({ format: "long", rows: 10, models: ["m_0", "m_1"], rounds: { first: 1, last: 5 } });
      expect(rowCount()).toBe(10);
      expect(runs()).toEqual([{ status: "succeeded", units_total: 10, units_done: 10, rows_written: 10 }]);
    });

    // A trigger is a real failure of SQLite in the middle of the file, as a full disk or a killed process would be.
    it("keeps the batches committed before a failure, and a rerun writes each row once with the file's values", () => {
      db.sqlite.exec("create trigger fail_round_4 before insert on scores when new.round_number = 4 begin select raise(abort, 'simulated failure'); end");
      const text = longFile(10);
      expect(() => batched.ingestion.importCsv({ text })).toThrow(/simulated failure/);
      // Rows 0–5 (rounds 1–3) were committed in two batches; the third batch (round 4) rolled back whole.
      expect(rowCount()).toBe(6);
      expect(runs()).toEqual([{ status: "failed", units_total: 10, units_done: 6, rows_written: 6 }]);
      db.sqlite.exec("drop trigger fail_round_4");
      batched.ingestion.importCsv({ text });
      expect(stored()).toEqual(
        Array.from({ length: 10 }, (_, i) => ({ model_id: `import:8:m_${i % 2}`, round_number: 1 + Math.floor(i / 2), name: "canon_corr", value: i / 1000 })).sort(
          (a, b) => a.model_id.localeCompare(b.model_id) || a.round_number - b.round_number,
        ),
      );
    });

    it("validates the whole file before the first batch: a bad last line writes nothing", () => {
      const text = `${longFile(10)}m_0,99,canon_corr,oops\n`;
      expect(() => batched.ingestion.importCsv({ text })).toThrow(/nothing was written: line 12: value "oops"/);
      expect(rowCount()).toBe(0);
      expect(runs()).toEqual([]);
    });

    it("names every repeated key's line, in line order, among the other errors", () => {
      const text = `${longFile(6)}m_0,1,canon_corr,0.5\nm_1,2,canon_corr,x\nM_1,1,CANON_CORR,0.1\n`;
      expect(() => batched.ingestion.importCsv({ text })).toThrow(
        /line 8: duplicate: m_0, round 1, canon_corr appears more than once; line 9: value "x" is not a finite number; line 10: duplicate: m_1, round 1, canon_corr/,
      );
      expect(rowCount()).toBe(0);
    });
  });

  it("rejects a file with an unknown header", () => {
    expect(() => services.ingestion.importCsv({ text: "a,b\n1,2\n" })).toThrow(/neither a wide CSV/);
  });

  describe.skipIf(!existsSync(SHARED))("the real vladthestaker file (skipped: ../shared/data is absent)", () => {
    it("imports every non-NA cell of daily_data_corr_abs.csv", () => {
      const text = readFileSync(SHARED, "utf8");
      const res = services.ingestion.importCsv({ text, scoreName: "canon_corr", fileName: "daily_data_corr_abs.csv" });
      // Independent count of non-NA cells: every field after the first on every data line.
      const cells = text
        .trim()
        .split("\n")
        .slice(1)
        .flatMap((l) => l.split(",").slice(1))
        .filter((c) => c !== "NA").length;
      expect(res.rows).toBe(cells);
      expect(res.models).toHaveLength(32);
      expect(res.rounds).toEqual({ first: 843, last: 1197 });
      expect(rowCount()).toBe(cells);
    });
  });
});
