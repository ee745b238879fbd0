/**
 * The series warm-up job against a real SQLite file: it reads every registered model once, a
 * command then reads nothing, a write by another connection is read again on the next run, the
 * event loop turns between slices, and a full cache is never emptied to make room.
 */
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/open.js";
import { runSeriesWarmup } from "../../src/jobs/warm-series.js";
import { silentLogger } from "../../src/logger.js";
import { createServices, type Services } from "../../src/services/index.js";
import type { ScoreSource } from "../../src/services/ingestion.js";
import type { ModelLookup } from "../../src/services/registrations.js";
import { createPortfolioService } from "../../src/services/portfolio.js";
import { createSeriesCache } from "../../src/services/series.js";
import { makeTestDb } from "../helpers/test-db.js";

const USER = "111111111111111111";
const NAMES = ["imp_a", "imp_b", "imp_c"];
const AT = new Date("2026-12-03T12:00:00Z");

const offline: ScoreSource & ModelLookup = {
  lookupModel: () => Promise.reject(new Error("offline")),
  accountModels: () => Promise.reject(new Error("offline")),
  roundPerformances: () => Promise.reject(new Error("offline")),
  currentRound: () => Promise.reject(new Error("offline")),
};

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0).reverse()) c();
});

/** A wide CSV of `models` over rounds 400–459 (60 rounds each), values from `seed`. */
function wideCsv(models: readonly string[], seed: number): string {
  const lines = [`roundNumber,${models.join(",")}`];
  for (let r = 400; r < 460; r++) lines.push(`${r},${models.map((_, i) => (Math.sin(r * (i + 1) * seed) / 50).toFixed(6)).join(",")}`);
  return `${lines.join("\n")}\n`;
}

/** Three imported models of 60 rounds, registered by USER. */
function world() {
  const db = makeTestDb();
  cleanups.push(() => db.cleanup());
  const services = createServices(db, offline, silentLogger, { tournament: 8, syncLookbackRounds: 40 });
  services.ingestion.importCsv({ text: wideCsv(NAMES, 1), scoreName: "canon_corr" });
  const ids = NAMES.map((n) => services.repos.models.findByName(n)?.id as string);
  for (const id of ids) services.repos.registrations.add(USER, id);
  return { db, services, ids };
}

const ctxOf = (services: Services) => ({ services, logger: silentLogger });
const fresh = (services: Services) => createPortfolioService({ ...services.repos, series: createSeriesCache(services.repos.reads) });

describe("runSeriesWarmup", () => {
  it("reads each registered model once, so the next command reads nothing", async () => {
    const { services } = world();
    expect(await runSeriesWarmup(ctxOf(services), AT)).toMatchObject({ models: 3, read: 3, full: false });
    expect(services.series.loads).toBe(3);
    const answer = services.portfolio.correlation({ userId: USER }, {});
    expect(services.series.loads).toBe(3);
    expect(answer).toEqual(fresh(services).correlation({ userId: USER }, {}));
    expect(await runSeriesWarmup(ctxOf(services), AT)).toMatchObject({ models: 3, read: 0, full: false });
    expect(services.series.loads).toBe(3);
  });

  it("reads again exactly the model another connection wrote, and the next command sees the write", async () => {
    const { db, services } = world();
    await runSeriesWarmup(ctxOf(services), AT);
    const before = services.portfolio.performance({ userId: USER }, {});
    const other = openDatabase(db.path);
    cleanups.push(() => other.close());
    createServices(other, offline, silentLogger, { tournament: 8, syncLookbackRounds: 40 }).ingestion.importCsv({ text: wideCsv(["imp_b"], 3), scoreName: "canon_corr" });

    expect(await runSeriesWarmup(ctxOf(services), AT)).toMatchObject({ read: 1 });
    expect(services.series.loads).toBe(4);
    const after = services.portfolio.performance({ userId: USER }, {});
    expect(services.series.loads).toBe(4);
    expect(after).toEqual(fresh(services).performance({ userId: USER }, {}));
    expect(after.rows.find((r) => r.name === "imp_b")?.stats).not.toEqual(before.rows.find((r) => r.name === "imp_b")?.stats);
  });

  it("lets the event loop turn between slices, and joins a run already going", async () => {
    const { services } = world();
    const run = runSeriesWarmup(ctxOf(services), AT, { slice: 1 });
    expect(runSeriesWarmup(ctxOf(services), AT)).toBe(run);
    // Queued after the run's first turn: it runs while the run is still reading.
    const seen = new Promise<number>((resolve) => setImmediate(() => resolve(services.series.loads)));
    expect(await seen).toBeLessThan(3);
    expect(await run).toMatchObject({ read: 3 });
    expect(runSeriesWarmup(ctxOf(services), AT)).not.toBe(run);
  });

  it("leaves the order in which the cache drops models to the commands", async () => {
    const { services, ids } = world();
    const [a, b, c] = ids as [string, string, string];
    // Room for two: commands read b, then a, so b is the one to drop next.
    const small = createSeriesCache(services.repos.reads, { maxCachedRounds: 130 });
    small.preload([b]);
    small.preload([a]);
    // The warm-up looks at a and b (in registration order) and finds no room for c.
    expect(await runSeriesWarmup(ctxOf({ ...services, series: small }), AT)).toMatchObject({ read: 0, full: true });
    small.preload([c]); // a command: b goes, as if the warm-up had not run
    expect(small.loads).toBe(3);
    small.preload([a, c]);
    expect(small.loads).toBe(3);
    small.preload([b]);
    expect(small.loads).toBe(4);
  });

  it("stops when the cache is full instead of dropping what a command read", async () => {
    const { services, ids } = world();
    // Room for two models of 60 rounds: a command has read imp_c, the warm-up adds imp_a and stops.
    const small = createSeriesCache(services.repos.reads, { maxCachedRounds: 130 });
    small.preload([ids[2] as string]);
    expect(await runSeriesWarmup(ctxOf({ ...services, series: small }), AT)).toMatchObject({ models: 3, read: 1, full: true });
    expect(small.loads).toBe(2);
    small.preload([ids[2] as string, ids[0] as string]);
    expect(small.loads).toBe(2);
  });
});
