import { and, desc, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "../open.js";
import { ingestionRuns } from "../schema.js";
import type { ProcessIdentity } from "../../process-identity.js";

export type IngestionKind = "sync" | "backfill" | "import";
export type IngestionRun = typeof ingestionRuns.$inferSelect;

/** Stable JSON (sorted keys) so equal parameters compare equal as text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );
}

/** `owner`: the process this repository writes for, recorded on every run it starts or reopens. */
export function createIngestionRunRepository(db: Db, owner: ProcessIdentity | null = null) {
  const ownerColumns = { pid: owner?.pid ?? null, processInstance: owner?.instance ?? null };
  return {
    start(kind: IngestionKind, params: unknown, unitsTotal: number, requestedBy: string | null, now: Date): IngestionRun {
      const row = db
        .insert(ingestionRuns)
        .values({
          kind,
          params: JSON.parse(canonicalJson(params)) as unknown,
          status: "running",
          unitsTotal,
          requestedBy,
          ...ownerColumns,
          startedAt: now,
          updatedAt: now,
        })
        .returning()
        .get();
      return row;
    },

    /** The newest unfinished run of this kind with exactly these parameters (a backfill to resume). */
    findUnfinished(kind: IngestionKind, params: unknown): IngestionRun | undefined {
      return db
        .select()
        .from(ingestionRuns)
        .where(
          and(
            eq(ingestionRuns.kind, kind),
            inArray(ingestionRuns.status, ["running", "failed", "interrupted"]),
            sql`${ingestionRuns.params} = ${canonicalJson(params)}`,
          ),
        )
        .orderBy(desc(ingestionRuns.id))
        .get();
    },

    /** Must be called inside the same transaction as the batch it records, so progress and data agree. */
    advance(id: number, cursor: unknown, unitsDone: number, rowsAdded: number, now: Date): void {
      db.update(ingestionRuns)
        .set({
          cursor,
          unitsDone,
          rowsWritten: sql`${ingestionRuns.rowsWritten} + ${rowsAdded}`,
          updatedAt: now,
          status: "running",
          error: null,
        })
        .where(eq(ingestionRuns.id, id))
        .run();
    },

    reopen(id: number, now: Date): void {
      db.update(ingestionRuns).set({ status: "running", updatedAt: now, ...ownerColumns }).where(eq(ingestionRuns.id, id)).run();
    },

    /** Runs recorded as running, oldest first (some may belong to processes that are gone). */
    running(): IngestionRun[] {
      return db.select().from(ingestionRuns).where(eq(ingestionRuns.status, "running")).orderBy(ingestionRuns.id).all();
    },

    /** Marks a run whose process is gone; only while it still says "running" (its process may have just finished it). */
    interrupt(id: number, error: string, now: Date): boolean {
      const result = db
        .update(ingestionRuns)
        .set({ status: "interrupted", updatedAt: now, error: error.slice(0, 2000) })
        .where(and(eq(ingestionRuns.id, id), eq(ingestionRuns.status, "running")))
        .run();
      return result.changes > 0;
    },

    succeed(id: number, now: Date): void {
      db.update(ingestionRuns)
        .set({ status: "succeeded", updatedAt: now, finishedAt: now, error: null })
        .where(eq(ingestionRuns.id, id))
        .run();
    },

    fail(id: number, error: string, now: Date): void {
      db.update(ingestionRuns)
        .set({ status: "failed", updatedAt: now, finishedAt: now, error: error.slice(0, 2000) })
        .where(eq(ingestionRuns.id, id))
        .run();
    },

    get(id: number): IngestionRun | undefined {
      return db.select().from(ingestionRuns).where(eq(ingestionRuns.id, id)).get();
    },

    recent(limit = 10, kind?: IngestionKind): IngestionRun[] {
      return db
        .select()
        .from(ingestionRuns)
        .where(kind ? eq(ingestionRuns.kind, kind) : undefined)
        .orderBy(desc(ingestionRuns.id))
        .limit(limit)
        .all();
    },

    lastSucceeded(kind: IngestionKind): IngestionRun | undefined {
      return db
        .select()
        .from(ingestionRuns)
        .where(and(eq(ingestionRuns.kind, kind), eq(ingestionRuns.status, "succeeded")))
        .orderBy(desc(ingestionRuns.id))
        .get();
    },
  };
}

export type IngestionRunRepository = ReturnType<typeof createIngestionRunRepository>;
