import Database from "better-sqlite3";
import { drizzle, type BetterSQLite3Database } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import { fileURLToPath } from "node:url";
import * as schema from "./schema.js";

/** drizzle over the raw connection (`$client`: for statements drizzle cannot stream, and the hot reads that prepare their own). */
export type Db = BetterSQLite3Database<typeof schema> & { readonly $client: Database.Database };

export interface Store {
  readonly db: Db;
  /** The raw connection, for pragmas, online backup and the bulk-insert fast path. */
  readonly sqlite: Database.Database;
  readonly path: string;
  close(): void;
}

/** drizzle/ at the repository root, wherever this module is loaded from (src/ or dist/src/). */
export const MIGRATIONS_FOLDER = fileURLToPath(new URL("../../drizzle", import.meta.url).href.replace("/dist/drizzle", "/drizzle"));

/**
 * Opens (creating if needed) the SQLite file, sets WAL, foreign keys and a busy timeout, and
 * applies the committed migrations. Safe to call at every start-up: applied migrations are skipped.
 */
export function openDatabase(path: string, options: { readonly?: boolean } = {}): Store {
  const sqlite = new Database(path, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
  sqlite.pragma("busy_timeout = 5000");
  if (!options.readonly) {
    if (path !== ":memory:") sqlite.pragma("journal_mode = WAL");
    // NORMAL is durable across application crashes in WAL mode (only an OS crash can lose the last commit).
    sqlite.pragma("synchronous = NORMAL");
    // 64 MiB page cache: large backfills and imports touch the scores B-tree all over.
    sqlite.pragma("cache_size = -65536");
    // Checkpoint at ~40 MB of WAL instead of SQLite's 4 MB: backfills and imports commit every
    // batch, and each checkpoint copies pages back and fsyncs; fewer, larger ones copy each hot
    // page (rounds, B-tree interiors) once instead of every few batches. Ingest ran ~20% faster.
    sqlite.pragma("wal_autocheckpoint = 10000");
  }
  sqlite.pragma("foreign_keys = ON");
  const db = drizzle({ client: sqlite, schema });
  if (!options.readonly) migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });
  return {
    db,
    sqlite,
    path,
    close: () => {
      if (sqlite.open) sqlite.close();
    },
  };
}
