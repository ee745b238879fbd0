import { afterEach, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/open.js";
import { silentLogger } from "../../src/logger.js";
import { createNumeraiClient } from "../../src/numerai/client.js";
import type { NumeraiClient } from "../../src/numerai/types.js";
import { createServices, type Services } from "../../src/services/index.js";
import type { ScoreSource } from "../../src/services/ingestion.js";
import type { ModelLookup } from "../../src/services/registrations.js";
import { createSeriesCache } from "../../src/services/series.js";
import { createPortfolioService } from "../../src/services/portfolio.js";
import { startFakeNumerai, type FakeNumerai } from "../helpers/fake-numerai.js";
import { syntheticModels } from "../helpers/synthetic-scores.js";
import { makeTestDb } from "../helpers/test-db.js";

const USER = "111111111111111111";
const NAMES = ["alpha_one", "alpha_two", "beta_main"];
const CURRENT = 1010;

const offline: ScoreSource & ModelLookup = {
  lookupModel: () => Promise.reject(new Error("offline")),
  accountModels: () => Promise.reject(new Error("offline")),
  roundPerformances: () => Promise.reject(new Error("offline")),
  currentRound: () => Promise.reject(new Error("offline")),
};

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function testDb() {
  const db = makeTestDb();
  cleanups.push(() => db.cleanup());
  return db;
}

/** The same answer read straight from the store by a service with nothing in memory. */
function fresh(services: Services) {
  return createPortfolioService({ ...services.repos, series: createSeriesCache(services.repos.reads) });
}

/** A wide CSV of `models` over rounds 400–459 (1×corr rounds), values from `seed`. */
function wideCsv(models: readonly string[], seed: number): string {
  const lines = [`roundNumber,${models.join(",")}`];
  for (let r = 400; r < 460; r++) lines.push(`${r},${models.map((_, i) => (Math.sin(r * (i + 1) * seed) / 50).toFixed(6)).join(",")}`);
  return `${lines.join("\n")}\n`;
}

describe("createSeriesCache", () => {
  it("reads a model's series once, and again only after a sync through the ingestion service lands new scores", async () => {
    const today = syntheticModels({ names: NAMES, fromRound: 900, toRound: CURRENT, seed: 7, currentRound: CURRENT });
    const numerai: FakeNumerai = await startFakeNumerai({ models: today, currentRound: CURRENT });
    cleanups.push(() => numerai.close());
    const client: NumeraiClient = createNumeraiClient({ url: numerai.url, tournament: 8, timeoutMs: 2000, concurrency: 2, baseDelayMs: 1, logger: silentLogger });
    cleanups.push(() => client.close());
    const db = testDb();
    const services = createServices(db, client, silentLogger, { tournament: 8, syncLookbackRounds: 40 });
    const cache = createSeriesCache(services.repos.reads);
    const portfolio = createPortfolioService({ ...services.repos, series: cache });
    for (const n of NAMES) await services.registrations.add(USER, n);
    await services.ingestion.backfill({ from: 900, to: CURRENT });

    const before = portfolio.correlation({ userId: USER }, {});
    expect(cache.loads).toBe(3);
    expect(portfolio.correlation({ userId: USER }, {})).toEqual(before);
    expect(portfolio.contribution({ userId: USER }, {}).rows.length).toBe(3);
    expect(cache.loads).toBe(3); // nothing written: no model read again

    // A day later the open rounds' scores have moved; the sync writes them.
    // The same models, with the scores of the rounds a sync re-fetches moved.
    numerai.setModels(
      today.map((m) => ({
        ...m,
        rounds: m.rounds.map((r) =>
          r.roundNumber < CURRENT - 30 ? r : { ...r, scores: r.scores.map((x) => ({ ...x, value: x.value === null ? null : x.value + 0.01 })) },
        ),
      })),
    );
    const synced = await services.ingestion.sync();
    expect(synced).toMatchObject({ failures: [], models: 3 });
    expect(synced.rowsWritten).toBeGreaterThan(0);
    const after = portfolio.correlation({ userId: USER }, {});
    expect(cache.loads).toBe(6);
    expect(after).toEqual(fresh(services).correlation({ userId: USER }, {}));
    expect(after.matrix).not.toEqual(before.matrix);
    for (const opts of [{ score: "payout" }, { lastRounds: 30 }, { includeUnresolved: true }, { score: "canon_mmc" }]) {
      expect(portfolio.performance({ userId: USER }, opts)).toEqual(fresh(services).performance({ userId: USER }, opts));
    }
  });

  it("sees an import's new values on the next command", () => {
    const db = testDb();
    const services = createServices(db, offline, silentLogger, { tournament: 8, syncLookbackRounds: 40 });
    const sel = { modelNames: ["imp_a", "imp_b", "imp_c"] };
    services.ingestion.importCsv({ text: wideCsv(sel.modelNames, 1), scoreName: "canon_corr" });
    const before = services.portfolio.correlation(sel, {});
    services.ingestion.importCsv({ text: wideCsv(sel.modelNames, 2), scoreName: "canon_corr" });
    const after = services.portfolio.correlation(sel, {});
    expect(after).toEqual(fresh(services).correlation(sel, {}));
    expect(after.matrix).not.toEqual(before.matrix);
  });

  it("sees a write committed by another connection to the same file (another process, e.g. a shard)", () => {
    const db = testDb();
    const services = createServices(db, offline, silentLogger, { tournament: 8, syncLookbackRounds: 40 });
    const sel = { modelNames: ["imp_a", "imp_b", "imp_c"] };
    services.ingestion.importCsv({ text: wideCsv(sel.modelNames, 1), scoreName: "canon_corr" });
    const before = services.portfolio.performance(sel, {});

    const other = openDatabase(db.path);
    cleanups.push(() => other.close());
    createServices(other, offline, silentLogger, { tournament: 8, syncLookbackRounds: 40 }).ingestion.importCsv({
      text: `${wideCsv(["imp_b"], 3)}`,
      scoreName: "canon_corr",
    });
    const after = services.portfolio.performance(sel, {});
    expect(after).toEqual(fresh(services).performance(sel, {}));
    expect(after.rows.find((r) => r.name === "imp_b")?.stats).not.toEqual(before.rows.find((r) => r.name === "imp_b")?.stats);
    expect(after.rows.find((r) => r.name === "imp_a")).toEqual(before.rows.find((r) => r.name === "imp_a"));
  });

  it("answers rounds:N, round ranges and unresolved windows as a fresh read does", () => {
    const db = testDb();
    const services = createServices(db, offline, silentLogger, { tournament: 8, syncLookbackRounds: 40 });
    const sel = { modelNames: ["imp_a", "imp_b", "imp_c"] };
    services.ingestion.importCsv({ text: wideCsv(sel.modelNames, 1), scoreName: "canon_corr" });
    for (const opts of [{}, { lastRounds: 30 }, { fromRound: 410, toRound: 450 }, { includeUnresolved: true, lastRounds: 25 }]) {
      services.portfolio.performance(sel, opts); // cached after the first
      expect(services.portfolio.performance(sel, opts)).toEqual(fresh(services).performance(sel, opts));
    }
  });

  it("answers more models than it keeps in memory, reading the evicted ones again", () => {
    const db = testDb();
    const services = createServices(db, offline, silentLogger, { tournament: 8, syncLookbackRounds: 40 });
    const sel = { modelNames: ["imp_a", "imp_b", "imp_c"] };
    services.ingestion.importCsv({ text: wideCsv(sel.modelNames, 1), scoreName: "canon_corr" });
    // Room for one model's 60 rounds: the other two are evicted while the same command reads them.
    const small = createSeriesCache(services.repos.reads, { maxCachedRounds: 60 });
    const portfolio = createPortfolioService({ ...services.repos, series: small });
    expect(portfolio.correlation(sel, {})).toEqual(fresh(services).correlation(sel, {}));
    const loads = small.loads;
    portfolio.correlation(sel, {});
    expect(small.loads).toBeGreaterThan(loads);
  });
});
