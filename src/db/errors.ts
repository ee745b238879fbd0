import { UserFacingError } from "../errors.js";

/**
 * SQLite could not store or read the file itself: the disk is full, the file or its folder is
 * read-only, the disk failed. Nothing of the failing step was written (every write is one
 * transaction), so the message can be shown as is: it says what happened and what to do.
 */
export class StorageError extends UserFacingError {
  /** SQLite's extended result code, e.g. `SQLITE_FULL`, `SQLITE_READONLY_DBMOVED`. */
  readonly code: string;
  constructor(message: string, code: string, options: { cause: unknown }) {
    super(message, options);
    this.name = "StorageError";
    this.code = code;
  }
}

const MESSAGES: Readonly<Record<string, string>> = {
  SQLITE_FULL:
    "The database is full: the disk has no space left (or the file reached its size limit). The step that hit it wrote nothing; free some space and run it again.",
  SQLITE_READONLY:
    "The database is read-only: modelfolio cannot write to its file (check the permissions of the file and its folder, and whether the disk is mounted read-only). Nothing was written.",
  SQLITE_CANTOPEN:
    "The database file cannot be opened: check that its folder exists and that modelfolio may read and write there.",
  SQLITE_IOERR:
    "The disk failed while the database was being read or written (I/O error). The step that hit it wrote nothing; check the disk and run it again.",
  SQLITE_CORRUPT: "The database file is damaged; restore it from a backup.",
  SQLITE_NOTADB: "The database file is not a SQLite database; check DATABASE_PATH.",
  SQLITE_BUSY: "The database is locked by another process; try again when it has finished.",
};

/**
 * The storage failure inside `err`, worded for the person who asked, or undefined when `err` is
 * not one (constraint violations and the like are programmer errors and stay as they are).
 */
export function asStorageError(err: unknown): StorageError | undefined {
  if (err instanceof StorageError) return err;
  const code = typeof err === "object" && err !== null ? (err as { code?: unknown }).code : undefined;
  if (typeof code !== "string" || !code.startsWith("SQLITE_")) return undefined;
  // Extended codes (SQLITE_IOERR_WRITE, SQLITE_READONLY_DIRECTORY, …) share their family's message.
  const family = code.split("_").slice(0, 2).join("_");
  const message = MESSAGES[family];
  return message === undefined ? undefined : new StorageError(message, code, { cause: err });
}
