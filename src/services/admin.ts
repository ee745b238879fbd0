/**
 * Operator use cases: the store's health at a glance (/admin status) and an online backup
 * (/admin backup). The backup path is always derived from the database's own folder — never
 * from user input — so a command cannot be used to write files elsewhere. Backups are
 * rate-limited (one per BACKUP_MIN_INTERVAL_MS, judged by the newest file, so a restart does not
 * reset it), rotated (the newest BACKUP_KEEP are kept), and refused when the disk has less free
 * space than the database takes.
 */
import { mkdirSync, readdirSync, renameSync, statfsSync, statSync, unlinkSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import type { Store } from "../db/open.js";
import type { IngestionRun, IngestionRunRepository } from "../db/repositories/ingestion-runs.js";
import type { ModelRepository, RegistrationRepository } from "../db/repositories/models.js";
import type { ScoreReadRepository } from "../db/repositories/score-reads.js";
import { UserFacingError } from "../errors.js";
import type { Logger } from "../logger.js";

export interface AdminDeps {
  readonly store: Pick<Store, "sqlite" | "path">;
  readonly models: Pick<ModelRepository, "count">;
  readonly registrations: Pick<RegistrationRepository, "registeredModels">;
  readonly reads: Pick<ScoreReadRepository, "counts" | "latestKnownRound">;
  readonly runs: Pick<IngestionRunRepository, "recent" | "lastSucceeded">;
  readonly logger: Logger;
  readonly clock?: () => Date;
  /** Free bytes for an unprivileged writer on the file system holding `dir` (tests stand in a full disk). */
  readonly freeBytes?: (dir: string) => number;
  readonly backupPolicy?: { readonly minIntervalMs: number; readonly keep: number };
}

export interface RunSummary {
  readonly id: number;
  readonly kind: IngestionRun["kind"];
  readonly status: IngestionRun["status"];
  readonly startedAt: Date;
  readonly finishedAt: Date | null;
  readonly rowsWritten: number;
  readonly requestedBy: string | null;
  readonly error: string | null;
}

export interface StoreStatus {
  readonly databasePath: string;
  /** Main file plus write-ahead log; null for an in-memory database. */
  readonly databaseBytes: number | null;
  readonly walBytes: number | null;
  readonly rows: {
    readonly models: number;
    readonly registeredModels: number;
    readonly scores: number;
    readonly modelRounds: number;
    readonly rounds: number;
  };
  readonly latestRound: number | null;
  readonly lastSync: RunSummary | null;
  readonly lastBackfill: RunSummary | null;
  readonly running: readonly RunSummary[];
  /** Recent runs whose process stopped before they finished (found "running" at a start-up). */
  readonly interrupted: readonly RunSummary[];
  readonly recentFailures: readonly RunSummary[];
}

export interface BackupResult {
  readonly path: string;
  readonly bytes: number;
  readonly ms: number;
  /** Older backups deleted by the rotation (file names). */
  readonly removed: readonly string[];
  readonly keep: number;
}

/** At most one backup per this interval: three quick /admin backup calls used to write three full copies. */
export const BACKUP_MIN_INTERVAL_MS = 10 * 60_000;
/** Backups kept by the rotation; older ones are deleted after a successful backup. */
export const BACKUP_KEEP = 5;
const BACKUP_FILE = /^modelfolio-(\d{4}-\d{2}-\d{2})T(\d{2})-(\d{2})-(\d{2})Z\.db$/;

const RECENT_RUNS = 50;
const MAX_FAILURES_SHOWN = 5;

const summary = (r: IngestionRun): RunSummary => ({
  id: r.id,
  kind: r.kind,
  status: r.status,
  startedAt: r.startedAt,
  finishedAt: r.finishedAt ?? null,
  rowsWritten: r.rowsWritten,
  requestedBy: r.requestedBy ?? null,
  error: r.error ?? null,
});

const mib = (n: number) => `${(n / 2 ** 20).toFixed(1)} MiB`;

function fileSize(path: string): number | null {
  try {
    return statSync(path).size;
  } catch {
    return null;
  }
}

function statfsFree(dir: string): number {
  const s = statfsSync(dir);
  return s.bavail * s.bsize;
}

/** The backups in `folder`, oldest first, with the time their name records. */
function listBackups(folder: string): Array<{ name: string; at: Date }> {
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return [];
  }
  return names
    .flatMap((name) => {
      const m = BACKUP_FILE.exec(name);
      return m ? [{ name, at: new Date(`${m[1]}T${m[2]}:${m[3]}:${m[4]}Z`) }] : [];
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** `2024-05-01T06-17-00Z`: sortable, and valid in file names on every OS (no colons). */
export function backupStamp(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, "Z").replace(/:/g, "-");
}

export function createAdminService(deps: AdminDeps) {
  const now = deps.clock ?? (() => new Date());
  const log = deps.logger.child({ module: "admin" });
  const inMemory = deps.store.path === ":memory:" || deps.store.path === "";
  const freeBytes = deps.freeBytes ?? statfsFree;
  const policy = deps.backupPolicy ?? { minIntervalMs: BACKUP_MIN_INTERVAL_MS, keep: BACKUP_KEEP };
  let backingUp = false;

  return {
    status(): StoreStatus {
      const counts = deps.reads.counts();
      const recent = deps.runs.recent(RECENT_RUNS);
      const sync = deps.runs.lastSucceeded("sync");
      const backfill = deps.runs.lastSucceeded("backfill");
      return {
        databasePath: deps.store.path,
        databaseBytes: inMemory ? null : fileSize(deps.store.path),
        walBytes: inMemory ? null : fileSize(`${deps.store.path}-wal`),
        rows: {
          models: deps.models.count(),
          registeredModels: deps.registrations.registeredModels().length,
          scores: counts.scores,
          modelRounds: counts.modelRounds,
          rounds: counts.rounds,
        },
        latestRound: deps.reads.latestKnownRound(),
        lastSync: sync ? summary(sync) : null,
        lastBackfill: backfill ? summary(backfill) : null,
        running: recent.filter((r) => r.status === "running").map(summary),
        interrupted: recent
          .filter((r) => r.status === "interrupted")
          .slice(0, MAX_FAILURES_SHOWN)
          .map(summary),
        recentFailures: recent
          .filter((r) => r.status === "failed")
          .slice(0, MAX_FAILURES_SHOWN)
          .map(summary),
      };
    },

    /**
     * SQLite's online backup API: a consistent copy while the bot keeps reading and writing.
     * Written to `<database folder>/backups/modelfolio-<UTC timestamp>.db` (first under a
     * `.partial` name, so a failed copy is never mistaken for a backup), then the oldest beyond
     * `keep` are deleted.
     * @throws UserFacingError for an in-memory database, within the rate limit, while another
     *   backup runs, or when the disk has less free space than the database takes
     */
    async backup(requestedBy?: string): Promise<BackupResult> {
      if (inMemory) throw new UserFacingError("This database lives in memory only; there is no file to back up.");
      if (backingUp) throw new UserFacingError("A backup is already running; try again when it has finished.");
      const dbPath = resolve(deps.store.path);
      const folder = join(dirname(dbPath), "backups");
      const at = now();
      const newest = listBackups(folder).at(-1);
      const sinceMs = newest ? at.getTime() - newest.at.getTime() : Infinity;
      if (sinceMs >= 0 && sinceMs < policy.minIntervalMs) {
        const waitMin = Math.ceil((policy.minIntervalMs - sinceMs) / 60_000);
        throw new UserFacingError(
          `At most one backup every ${Math.round(policy.minIntervalMs / 60_000)} minutes: the last one is ${newest?.name ?? ""}; try again in ${waitMin} min.`,
        );
      }
      const needed = (fileSize(dbPath) ?? 0) + (fileSize(`${dbPath}-wal`) ?? 0);
      const free = freeBytes(dirname(dbPath));
      if (free < needed) {
        throw new UserFacingError(
          `Backup refused, nothing was written: it needs about ${mib(needed)} and the disk has ${mib(free)} free.`,
        );
      }
      const path = join(folder, `modelfolio-${backupStamp(at)}.db`);
      if (fileSize(path) !== null) throw new UserFacingError("A backup was made this very second; try again in a moment.");
      backingUp = true;
      const partial = `${path}.partial`;
      try {
        mkdirSync(folder, { recursive: true });
        const started = Date.now();
        try {
          await deps.store.sqlite.backup(partial);
          renameSync(partial, path);
        } catch (err) {
          try {
            unlinkSync(partial);
          } catch {
            // nothing was left behind
          }
          throw err;
        }
        const ms = Date.now() - started;
        const removed: string[] = [];
        const all = listBackups(folder);
        for (const old of all.slice(0, Math.max(0, all.length - policy.keep))) {
          try {
            unlinkSync(join(folder, old.name));
            removed.push(old.name);
          } catch (err) {
            log.warn({ err, file: old.name }, "could not delete an old backup");
          }
        }
        const result = { path, bytes: fileSize(path) ?? 0, ms, removed, keep: policy.keep };
        log.info({ requestedBy, ...result }, "database backed up");
        return result;
      } finally {
        backingUp = false;
      }
    },
  };
}

export type AdminService = ReturnType<typeof createAdminService>;
