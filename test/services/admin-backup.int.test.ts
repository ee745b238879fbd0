/**
 * /admin backup on a real SQLite file: at most one per interval (judged by the newest file, so a
 * restart does not reset it), the newest N kept, and no copy started on a disk too full for it.
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createModelRepository, createRegistrationRepository } from "../../src/db/repositories/models.js";
import { createIngestionRunRepository } from "../../src/db/repositories/ingestion-runs.js";
import { createScoreReadRepository } from "../../src/db/repositories/score-reads.js";
import { silentLogger } from "../../src/logger.js";
import { BACKUP_KEEP, BACKUP_MIN_INTERVAL_MS, createAdminService, type AdminDeps } from "../../src/services/admin.js";
import { makeTestDb } from "../helpers/test-db.js";

const T0 = Date.parse("2026-05-01T06:00:00Z");
const MIN = 60_000;

describe("admin backup", () => {
  let db: ReturnType<typeof makeTestDb>;
  let clock: number;
  const backups = () => (existsSync(join(db.dir, "backups")) ? readdirSync(join(db.dir, "backups")).sort() : []);
  const service = (extra: Partial<AdminDeps> = {}) =>
    createAdminService({
      store: db,
      models: createModelRepository(db.db, 8),
      registrations: createRegistrationRepository(db.db, 8),
      reads: createScoreReadRepository(db.db, 8),
      runs: createIngestionRunRepository(db.db),
      logger: silentLogger,
      clock: () => new Date(clock),
      freeBytes: () => 1e12,
      ...extra,
    });

  beforeEach(() => {
    db = makeTestDb();
    clock = T0;
  });
  afterEach(() => db.cleanup());

  it("allows one backup per interval, even across a restart, then one again", async () => {
    expect(BACKUP_MIN_INTERVAL_MS).toBe(10 * MIN);
    await service().backup("u1");
    expect(backups()).toEqual(["modelfolio-2026-05-01T06-00-00Z.db"]);
    clock = T0 + 1000;
    await expect(service().backup("u1")).rejects.toThrow(/At most one backup every 10 minutes: .*try again in 10 min/);
    clock = T0 + 9 * MIN;
    // A fresh service (a restarted bot) reads the limit from the files.
    await expect(service().backup("u1")).rejects.toThrow(/try again in 1 min/);
    expect(backups()).toHaveLength(1);
    clock = T0 + 10 * MIN;
    await service().backup("u1");
    expect(backups()).toHaveLength(2);
  });

  it("refuses a second backup while one is running", async () => {
    const admin = service({ backupPolicy: { minIntervalMs: 0, keep: 5 } });
    const first = admin.backup("u1");
    clock = T0 + 5000;
    await expect(admin.backup("u1")).rejects.toThrow(/already running/);
    await first;
    expect(backups()).toHaveLength(1);
  });

  it("keeps the newest 5 and deletes the older ones, leaving other files alone", async () => {
    expect(BACKUP_KEEP).toBe(5);
    const admin = service();
    // The folder already holds a file that is not a backup: the rotation must leave it alone.
    mkdirSync(join(db.dir, "backups"));
    writeFileSync(join(db.dir, "backups", "notes.txt"), "mine");
    const made: string[] = [];
    for (let i = 0; i < 7; i += 1) {
      clock = T0 + i * 11 * MIN;
      const r = await admin.backup("u1");
      made.push(r.path.split("/").at(-1) as string);
      expect(r.removed).toEqual(i < 5 ? [] : [made[i - 5]]);
    }
    expect(backups()).toEqual([...made.slice(2), "notes.txt"].sort());
  });

  it("refuses when the disk has less free space than the database, writing nothing", async () => {
    const admin = service({ freeBytes: () => 1024 });
    await expect(admin.backup("u1")).rejects.toThrow(/Backup refused, nothing was written: it needs about .* MiB and the disk has 0\.0 MiB free/);
    expect(existsSync(join(db.dir, "backups"))).toBe(false);
  });

  it("asks the real file system for free space by default", async () => {
    const admin = createAdminService({
      store: db,
      models: createModelRepository(db.db, 8),
      registrations: createRegistrationRepository(db.db, 8),
      reads: createScoreReadRepository(db.db, 8),
      runs: createIngestionRunRepository(db.db),
      logger: silentLogger,
    });
    expect((await admin.backup()).bytes).toBeGreaterThan(0);
  });
});
