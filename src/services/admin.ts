/**
 * Operator use cases: the store's health at a glance (/admin status) and an online backup
 * (/admin backup). The backup path is always derived from the database's own folder — never
 * from user input — so a command cannot be used to write files elsewhere.
 */
import { mkdirSync, statSync } from "node:fs";
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
  readonly recentFailures: readonly RunSummary[];
}

export interface BackupResult {
  readonly path: string;
  readonly bytes: number;
  readonly ms: number;
}

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

function fileSize(path: string): number | null {
  try {
    return statSync(path).size;
  } catch {
    return null;
  }
}

/** `2024-05-01T06-17-00Z`: sortable, and valid in file names on every OS (no colons). */
export function backupStamp(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, "Z").replace(/:/g, "-");
}

export function createAdminService(deps: AdminDeps) {
  const now = deps.clock ?? (() => new Date());
  const log = deps.logger.child({ module: "admin" });
  const inMemory = deps.store.path === ":memory:" || deps.store.path === "";

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
        recentFailures: recent
          .filter((r) => r.status === "failed")
          .slice(0, MAX_FAILURES_SHOWN)
          .map(summary),
      };
    },

    /**
     * SQLite's online backup API: a consistent copy while the bot keeps reading and writing.
     * Written to `<database folder>/backups/modelfolio-<UTC timestamp>.db`.
     * @throws UserFacingError for an in-memory database or when the file already exists
     */
    async backup(requestedBy?: string): Promise<BackupResult> {
      if (inMemory) throw new UserFacingError("This database lives in memory only; there is no file to back up.");
      const folder = join(dirname(resolve(deps.store.path)), "backups");
      mkdirSync(folder, { recursive: true });
      const path = join(folder, `modelfolio-${backupStamp(now())}.db`);
      if (fileSize(path) !== null) throw new UserFacingError("A backup was made this very second; try again in a moment.");
      const started = Date.now();
      await deps.store.sqlite.backup(path);
      const result = { path, bytes: fileSize(path) ?? 0, ms: Date.now() - started };
      log.info({ requestedBy, ...result }, "database backed up");
      return result;
    },
  };
}

export type AdminService = ReturnType<typeof createAdminService>;
