/**
 * A cheap fingerprint of the whole store, to prove a refused command changed nothing: every
 * table's row count, the sum of score values and rounds, and a hash of every row of the small
 * tables that hold people's choices (registrations, settings, opt-ins, models, runs, digests).
 */
import { createHash } from "node:crypto";
import type Database from "better-sqlite3";

const HASHED_TABLES = [
  "registrations",
  "user_settings",
  "server_opt_ins",
  "models",
  "ingestion_runs",
  "digest_subscriptions",
  "digest_deliveries",
] as const;

export function dbFingerprint(sqlite: Database.Database): string {
  const tables = (sqlite.prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like '__drizzle%' order by name").all() as Array<{ name: string }>).map(
    (t) => t.name,
  );
  const parts: string[] = [];
  for (const t of tables) {
    parts.push(`${t}:${(sqlite.prepare(`select count(*) n from "${t}"`).get() as { n: number }).n}`);
  }
  const s = sqlite.prepare("select total(value) v, total(round_number) r, total(length(name)) l from scores").get() as { v: number; r: number; l: number };
  parts.push(`scores:${s.v}:${s.r}:${s.l}`);
  const mr = sqlite.prepare("select total(round_number) r, total(resolved) d, total(length(coalesce(at_risk,''))) a from model_rounds").get() as { r: number; d: number; a: number };
  parts.push(`model_rounds:${mr.r}:${mr.d}:${mr.a}`);
  for (const t of HASHED_TABLES) {
    if (!tables.includes(t)) continue;
    const hash = createHash("sha256");
    for (const row of sqlite.prepare(`select * from "${t}" order by rowid`).raw().iterate()) hash.update(JSON.stringify(row));
    parts.push(`${t}#${hash.digest("hex").slice(0, 16)}`);
  }
  return parts.join(" ");
}

export interface StoreSnapshot {
  readonly changes: number;
  readonly fingerprint: string;
}

/**
 * Fingerprints the store only when it may have changed: SQLite's total_changes() counts every
 * row this connection inserted, updated or deleted (the app writes through this one connection),
 * so an unchanged count proves an unchanged store and the full fingerprint is needed only after writes.
 */
export function createStoreWatch(sqlite: Database.Database) {
  const totalChanges = sqlite.prepare("select total_changes() n");
  const changes = () => (totalChanges.get() as { n: number }).n;
  let cached: StoreSnapshot | null = null;
  return {
    snapshot(): StoreSnapshot {
      const n = changes();
      if (cached?.changes !== n) cached = { changes: n, fingerprint: dbFingerprint(sqlite) };
      return cached;
    },
    /** How the store differs from `before`, or null when it does not. */
    differenceFrom(before: StoreSnapshot): string | null {
      if (changes() === before.changes) return null;
      const after = this.snapshot();
      return after.fingerprint === before.fingerprint ? null : `before ${before.fingerprint}\n  after  ${after.fingerprint}`;
    },
  };
}
