/**
 * Disk full and read-only database. "Disk full" is SQLite's own SQLITE_FULL, produced by capping
 * the connection's `max_page_count` (what a full disk or a size quota returns); "read-only" is a
 * real file mode (the child runs as `nobody` when the test runs as root, since root ignores modes)
 * or a connection opened read-only. Expected every time: one clear sentence for the admin, one
 * error line in the log, nothing half-written, and no crash and no retry loop.
 */
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { commands } from "../../commands/index.js";
import { StorageError } from "../../src/db/errors.js";
import { openDatabase, type Store } from "../../src/db/open.js";
import { runScoreSync } from "../../src/jobs/sync-scores.js";
import type { Logger } from "../../src/logger.js";
import { createNumeraiClient } from "../../src/numerai/client.js";
import type { NumeraiClient } from "../../src/numerai/types.js";
import { createServices, type Services } from "../../src/services/index.js";
import { ADMIN, GUILD, startHarness } from "../helpers/bot-harness.js";
import { startFakeNumerai, type FakeNumerai } from "../helpers/fake-numerai.js";
import { syntheticModels } from "../helpers/synthetic-scores.js";
import { makeTestDb } from "../helpers/test-db.js";
import {
  captureLogs,
  dumpStore,
  integrityCheck,
  PINO_ERROR,
  scoreCountsByModelRound,
  spawnTs,
  unprivileged,
  unprivilegedSkipReason,
  waitForExit,
  type LogLine,
} from "./support.js";

const USER = "111111111111111111";
const NAMES = ["alpha_one", "alpha_two", "beta_main"];
const CURRENT = 1010;
const FROM = 900;
const TO = 1000;

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function fakeNumerai(): Promise<FakeNumerai> {
  const server = await startFakeNumerai({
    models: syntheticModels({ names: NAMES, fromRound: FROM, toRound: CURRENT, seed: 7, currentRound: CURRENT }),
    currentRound: CURRENT,
  });
  cleanups.push(() => server.close());
  return server;
}

interface Env {
  store: Store;
  client: NumeraiClient;
  services: Services;
}

function services(store: Store, url: string, logger: Logger): Env {
  const client = createNumeraiClient({ url, tournament: 8, timeoutMs: 2000, concurrency: 4, maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 20, logger });
  cleanups.push(() => client.close());
  return { store, client, services: createServices(store, client, logger, { tournament: 8, syncLookbackRounds: 40, backfillBatchRounds: 25 }) };
}

function testDb() {
  const db = makeTestDb();
  cleanups.push(() => {
    chmodSync(db.dir, 0o755);
    db.cleanup();
  });
  return db;
}

/** Caps the file at its current size plus `headroom` pages: the next writes beyond it get SQLITE_FULL. */
function fillDisk(store: Store, headroom: number): void {
  const pages = store.sqlite.pragma("page_count", { simple: true }) as number;
  store.sqlite.pragma(`max_page_count = ${pages + headroom}`);
}
function freeDisk(store: Store): void {
  store.sqlite.pragma("max_page_count = 1073741823");
}

const errorLines = (lines: readonly LogLine[]) => lines.filter((l) => l.level >= PINO_ERROR);

async function registerAll(e: Env) {
  for (const n of NAMES) await e.services.registrations.add(USER, n);
}

describe("backfill", () => {
  it("stops at a full disk with one clear error and one log line, keeps only whole batches, and resumes once there is space", async () => {
    const server = await fakeNumerai();
    const clean = services(testDb(), server.url, captureLogs().logger);
    await registerAll(clean);
    await clean.services.ingestion.backfill({ from: FROM, to: TO });
    const reference = dumpStore(clean.store.sqlite);
    const referenceCounts = scoreCountsByModelRound(clean.store.sqlite);

    const { logger, lines } = captureLogs();
    const full = services(testDb(), server.url, logger);
    await registerAll(full);
    fillDisk(full.store, 12);
    const err = await full.services.ingestion.backfill({ from: FROM, to: TO }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StorageError);
    expect((err as StorageError).message).toMatch(/^The database is full: the disk has no space left/);
    expect((err as StorageError).code).toBe("SQLITE_FULL");

    const errors = errorLines(lines);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ module: "ingestion", code: "SQLITE_FULL", msg: expect.stringMatching(/backfill stopped: the database refused the write/) });
    expect(errors[0]?.runId).toEqual(expect.any(Number));

    // The disk filled mid-way: some batches committed, not all.
    const run = full.services.repos.runs.recent(1, "backfill")[0]!;
    expect(run.unitsDone).toBeGreaterThan(0);
    expect(run.unitsDone).toBeLessThan(run.unitsTotal);
    // Nothing half-written: the rows on disk are exactly those the run recorded, every stored
    // model-round has all of its scores, and each equals the reference.
    const partial = dumpStore(full.store.sqlite);
    expect(partial.scores).toHaveLength(run.rowsWritten);
    for (const [key, n] of scoreCountsByModelRound(full.store.sqlite)) expect(n).toBe(referenceCounts.get(key));
    for (const row of partial.modelRounds) expect(reference.modelRounds).toContainEqual(row);
    for (const row of partial.scores) expect(reference.scores).toContainEqual(row);
    expect(integrityCheck(full.store.sqlite)).toBe("ok");

    freeDisk(full.store);
    const resumed = await full.services.ingestion.backfill({ from: FROM, to: TO });
    expect(resumed.resumed).toBe(true);
    expect(dumpStore(full.store.sqlite)).toEqual(reference);
  });

  it("is refused on a read-only database with a clear error, logged once, changing nothing", async () => {
    const server = await fakeNumerai();
    const db = testDb();
    await registerAll(services(db, server.url, captureLogs().logger));
    const before = dumpStore(db.sqlite);
    const readonly = openDatabase(join(db.dir, "test.db"), { readonly: true });
    cleanups.push(() => readonly.close());

    const { logger, lines } = captureLogs();
    const e = services(readonly, server.url, logger);
    const err = await e.services.ingestion.backfill({ from: FROM, to: TO }).catch((x: unknown) => x);
    expect(err).toBeInstanceOf(StorageError);
    expect((err as Error).message).toMatch(/^The database is read-only: modelfolio cannot write to its file/);
    expect(errorLines(lines)).toEqual([expect.objectContaining({ module: "ingestion", code: "SQLITE_READONLY", from: FROM, to: TO })]);
    expect(dumpStore(db.sqlite)).toEqual(before);
  });
});

describe("importCsv", () => {
  it("writes nothing into a full database and says why", async () => {
    const server = await fakeNumerai();
    const { logger, lines } = captureLogs();
    const e = services(testDb(), server.url, logger);
    const before = dumpStore(e.store.sqlite);
    const csv = ["model,round,score,value", ...Array.from({ length: 20_000 }, (_, i) => `imp_${i % 40},${1 + Math.floor(i / 40)},canon_corr,${(i % 97) / 1000}`)].join("\n");
    fillDisk(e.store, 4);
    expect(() => e.services.ingestion.importCsv({ text: csv, fileName: "big.csv" })).toThrow(/^The database is full/);
    expect(dumpStore(e.store.sqlite)).toEqual(before);
    expect(errorLines(lines)).toEqual([expect.objectContaining({ module: "ingestion", code: "SQLITE_FULL", fileName: "big.csv", rows: 20_000 })]);
    expect(integrityCheck(e.store.sqlite)).toBe("ok");
  });
});

describe("runScoreSync", () => {
  it("stops at the first refused write, logs it once from ingestion with the model, and the next run works", async () => {
    const server = await fakeNumerai();
    const { logger, lines } = captureLogs();
    const e = services(testDb(), server.url, logger);
    await registerAll(e);
    const requestsBefore = server.requests.length;
    fillDisk(e.store, 3);

    expect(await runScoreSync({ services: e.services, logger }, new Date("2026-03-02T06:17:00Z"))).toBeNull();
    const ingestionErrors = errorLines(lines).filter((l) => l.module === "ingestion");
    expect(ingestionErrors).toHaveLength(1);
    expect(ingestionErrors[0]).toMatchObject({ code: "SQLITE_FULL", model: expect.any(String), msg: "sync stopped: the database refused the write" });
    // It stopped at the first model instead of failing each in turn: current round + one model's request.
    expect(server.requests.length - requestsBefore).toBe(2);
    expect(lines.some((l) => l.job === "sync-scores" && l.msg === "score sync failed")).toBe(true);

    freeDisk(e.store);
    const next = await runScoreSync({ services: e.services, logger }, new Date("2026-03-03T06:17:00Z"));
    expect(next?.failures).toEqual([]);
    expect(next?.rowsWritten).toBeGreaterThan(0);
    expect(integrityCheck(e.store.sqlite)).toBe("ok");
  });
});

describe("/admin backfill", () => {
  it("tells the admin the database is full, in one ephemeral sentence, with one error in the log", async () => {
    const h = await startHarness(commands);
    cleanups.push(() => h.close());
    for (const n of ["alpha_one", "alpha_two"]) await h.ctx.services.registrations.add(ADMIN, n);
    fillDisk(h.ctx.store, 20);
    const errorsBefore = errorLines(h.logs as LogLine[]).length;

    const handle = h.discord.sendInteraction(
      h.discord.chatInput({ name: "admin", subcommand: "backfill", options: { from: 900, to: 1190 }, user: ADMIN, guildId: GUILD }),
    );
    const reply = await handle.awaitCall((c) => c.kind === "edit-original" && /database is full/.test(JSON.stringify(c.call.json)), 20_000);
    expect(JSON.stringify(reply.call.json)).toMatch(/free some space and run it again/);
    const newErrors = errorLines(h.logs as LogLine[]).slice(errorsBefore);
    expect(newErrors).toEqual([expect.objectContaining({ module: "ingestion", code: "SQLITE_FULL", msg: expect.stringMatching(/^backfill stopped/) })]);
    expect(integrityCheck(h.ctx.store.sqlite)).toBe("ok");
  });
});

describe("/models add", () => {
  it("on a full disk takes the registration back and says the disk is full, not Numerai", async () => {
    const h = await startHarness(commands);
    cleanups.push(() => h.close());
    // Room for the model and its registration, not for its history.
    fillDisk(h.ctx.store, 6);
    const errorsBefore = errorLines(h.logs as LogLine[]).length;

    const handle = h.discord.sendInteraction(h.discord.chatInput({ name: "models", subcommand: "add", options: { name: "alpha_one" }, user: ADMIN, guildId: GUILD }));
    const added = await handle.awaitCall((c) => c.kind === "edit-original", 20_000);
    expect(JSON.stringify(added.call.json)).toMatch(/Added \*\*alpha(\\\\)?_one\*\*/);
    const followUp = await handle.awaitCall((c) => c.kind === "followup", 20_000);
    const text = JSON.stringify(followUp.call.json);
    expect(text).toMatch(/alpha_one was not added\. The database is full: the disk has no space left/);
    expect(text).not.toMatch(/Numerai|fetch the scores/);
    expect(h.ctx.services.registrations.list(ADMIN)).toEqual([]);
    expect(errorLines(h.logs as LogLine[]).slice(errorsBefore)).toContainEqual(expect.objectContaining({ module: "ingestion", code: "SQLITE_FULL" }));
    expect(integrityCheck(h.ctx.store.sqlite)).toBe("ok");

    // With space again, the same command adds it with its scores.
    freeDisk(h.ctx.store);
    const again = h.discord.sendInteraction(h.discord.chatInput({ name: "models", subcommand: "add", options: { name: "alpha_one" }, user: ADMIN, guildId: GUILD }));
    expect(JSON.stringify((await again.awaitCall((c) => c.kind === "followup", 20_000)).call.json)).not.toMatch(/not added/);
    expect(h.ctx.services.registrations.list(ADMIN).map((r) => r.name)).toEqual(["alpha_one"]);
  });
});

describe("/models add with several names", () => {
  const unescape = (json: unknown) => JSON.stringify(json).replace(/\\\\_/g, "_");
  const addAll = (h: Awaited<ReturnType<typeof startHarness>>) =>
    h.discord.sendInteraction(h.discord.chatInput({ name: "models", subcommand: "add", options: { name: "alpha_one alpha_two beta_main" }, user: ADMIN, guildId: GUILD }));
  const finalReply = async (handle: ReturnType<typeof addAll>) =>
    unescape((await handle.awaitCall((c) => c.kind === "edit-original" && /History fetched/.test(JSON.stringify(c.call.json)), 20_000)).call.json);

  it("on a full disk takes back the models whose history could not be stored, and the progress reply says so and names the disk", async () => {
    const h = await startHarness(commands);
    cleanups.push(() => h.close());
    // Room for the models and their registrations, not for any history.
    fillDisk(h.ctx.store, 6);
    const errorsBefore = errorLines(h.logs as LogLine[]).length;

    const handle = addAll(h);
    const text = await finalReply(handle);
    expect(text).toMatch(/History fetched: 0\/3 models/);
    expect(text).toMatch(/alpha_one, alpha_two, beta_main were not added\*\*: the database could not store their history/);
    expect(text).toMatch(/The database is full: the disk has no space left/);
    expect(text).toMatch(/No model was added\./);
    expect(text).not.toMatch(/Numerai|daily sync/);
    expect(h.ctx.services.registrations.list(ADMIN)).toEqual([]);
    expect(errorLines(h.logs as LogLine[]).slice(errorsBefore)).toContainEqual(expect.objectContaining({ module: "ingestion", code: "SQLITE_FULL" }));
    expect(integrityCheck(h.ctx.store.sqlite)).toBe("ok");

    // With space again, the same command adds all three with their scores.
    freeDisk(h.ctx.store);
    const again = await finalReply(addAll(h));
    expect(again).toMatch(/History fetched: 3\/3 models/);
    expect(again).not.toMatch(/not added/);
    expect(h.ctx.services.registrations.list(ADMIN).map((r) => r.name).sort()).toEqual(["alpha_one", "alpha_two", "beta_main"]);
  });
});

const UNPRIVILEGED_SKIP = unprivilegedSkipReason();
const unprivilegedLabel = UNPRIVILEGED_SKIP ? ` (${UNPRIVILEGED_SKIP})` : "";

describe("modelfolio CLI on a read-only database", () => {
  it.skipIf(UNPRIVILEGED_SKIP !== null).each([
    { what: "file (its folder writable)", folderMode: 0o777, commands: ["backfill", "import"] },
    { what: "file in a read-only folder", folderMode: 0o555, commands: ["backfill"] },
  ])(`exits once with code 3 and one clear line for a read-only $what, logging it once and writing nothing${unprivilegedLabel}`, async ({ folderMode, commands: which }) => {
    const server = await fakeNumerai();
    const db = testDb();
    await registerAll(services(db, server.url, captureLogs().logger));
    const before = dumpStore(db.sqlite);
    db.close();
    const path = join(db.dir, "test.db");
    const csv = join(db.dir, "scores.csv");
    writeFileSync(csv, "model,round,score,value\nzz_model,950,canon_corr,0.01\n");
    chmodSync(path, 0o444);
    chmodSync(csv, 0o444);
    chmodSync(db.dir, folderMode);
    const env = { DATABASE_PATH: path, NUMERAI_API_URL: server.url, NUMERAI_TIMEOUT_MS: "2000" };
    const argv: Record<string, string[]> = { backfill: ["backfill", "--from", String(FROM), "--to", String(TO)], import: ["import", csv] };

    for (const command of which) {
      const exit = await waitForExit(spawnTs("src/cli/main.ts", argv[command]!, env, unprivileged()), 30_000);
      expect(exit.code, exit.stderr).toBe(3);
      const stderr = exit.stderr.trim().split("\n");
      expect(stderr.at(-1)).toMatch(/^modelfolio: The database is read-only: .*\(SQLITE_READONLY\w*, DATABASE_PATH=.*test\.db\)$/);
      // One JSON log line at error level, then the sentence; no stack trace on the terminal, no retries.
      const logged = stderr.filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as LogLine);
      expect(logged.filter((l) => l.level >= PINO_ERROR), exit.stderr).toEqual([expect.objectContaining({ code: expect.stringMatching(/^SQLITE_READONLY/) })]);
      expect(stderr.filter((l) => /^\s+at /.test(l))).toEqual([]);
    }
    chmodSync(db.dir, 0o755);
    chmodSync(path, 0o644);
    const after = openDatabase(path, { readonly: true });
    expect(dumpStore(after.sqlite)).toEqual(before);
    after.close();
  });
});

describe("the bot (src/index.ts)", () => {
  it.skipIf(UNPRIVILEGED_SKIP !== null)(`exits once with code 1 and one clear line when its database folder cannot be written${unprivilegedLabel}`, async () => {
    const db = testDb();
    chmodSync(db.dir, 0o755);
    const folder = join(db.dir, "locked");
    mkdirSync(folder);
    chmodSync(folder, 0o555);
    const started = Date.now();
    const exit = await waitForExit(
      spawnTs("src/index.ts", [], { DATABASE_PATH: join(folder, "bot.db"), DISCORD_TOKEN: "not-a-real-token", LOG_LEVEL: "info" }, unprivileged()),
      30_000,
    );
    expect(exit.code, exit.stderr).toBe(1);
    const stderr = exit.stderr.trim().split("\n");
    expect(stderr.at(-1)).toMatch(/^modelfolio: The database file cannot be opened: .*\(SQLITE_CANTOPEN, DATABASE_PATH=.*bot\.db\)$/);
    expect(stderr.filter((l) => l.includes('"level":60'))).toHaveLength(1);
    expect(stderr.filter((l) => /^\s+at /.test(l))).toEqual([]);
    expect(Date.now() - started).toBeLessThan(30_000);
  });
});
