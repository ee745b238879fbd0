/**
 * `/export` and `modelfolio export`: every stored score of a user's models as a long CSV, one
 * record per (model, round, score name), in model, round, score order. The first four columns are
 * the long import format's, so the file re-imports with `modelfolio import`; the rest are the
 * round's details (source, percentile, resolved, resolve time, multipliers, payout factor, stake,
 * payouts), named as the schema names them.
 */
import type { RegistrationRepository } from "../db/repositories/models.js";
import { EXPORT_DETAIL_COLUMNS, type ExportRow, type ScoreReadRepository } from "../db/repositories/score-reads.js";
import { UserFacingError } from "../errors.js";
import { csvRecord } from "./csv.js";
import { LONG_CSV_COLUMNS } from "./import-rows.js";

export interface ExportDeps {
  readonly registrations: RegistrationRepository;
  readonly reads: ScoreReadRepository;
}

/** RFC 4180 line break. */
export const CSV_EOL = "\r\n";

const DETAIL_KEYS = Object.keys(EXPORT_DETAIL_COLUMNS) as Array<keyof typeof EXPORT_DETAIL_COLUMNS>;

/** The header record: the long import's columns, then the schema's names of the details. */
export const EXPORT_HEADER: readonly string[] = [...LONG_CSV_COLUMNS, ...DETAIL_KEYS.map((k) => EXPORT_DETAIL_COLUMNS[k].name)];

function detailCell(row: ExportRow, key: (typeof DETAIL_KEYS)[number]): string | number | null {
  const v = row[key];
  if (v instanceof Date) return v.toISOString();
  if (typeof v === "boolean") return v ? "true" : "false";
  return v;
}

/** One row as a CSV record (no line break). Values keep full precision (shortest round-trip form). */
export function exportRecord(row: ExportRow): string {
  return csvRecord([row.model, row.roundNumber, row.name, row.value, ...DETAIL_KEYS.map((k) => detailCell(row, k))]);
}

export interface ExportLines {
  readonly models: readonly string[];
  /** The header, then one record per stored score, each without its line break; read lazily. */
  readonly records: Iterable<string>;
}

/** A whole export in memory, or the point where it stopped because it would not fit. */
export type ExportFile =
  | { readonly fits: true; readonly models: readonly string[]; readonly rows: number; readonly data: Buffer }
  | { readonly fits: false; readonly models: readonly string[]; readonly maxBytes: number; readonly userId: string };

export function createExportService(deps: ExportDeps) {
  /** The caller's models, or the sentence that says what to do first. */
  function modelsOf(userId: string) {
    const models = deps.registrations.listForUser(userId);
    if (models.length === 0) {
      throw new UserFacingError("You have no models to export yet. Add one with `/models add` (in a terminal: `modelfolio models add NAME`), then export again.");
    }
    return models;
  }

  /** For streaming (the CLI): nothing is read until `records` is iterated. */
  function lines(userId: string): ExportLines {
    const models = modelsOf(userId);
    const ids = models.map((m) => m.id);
    function* records(): Generator<string> {
      yield csvRecord(EXPORT_HEADER);
      for (const row of deps.reads.exportRows(ids)) yield exportRecord(row);
    }
    return { models: models.map((m) => m.name).sort(), records: records() };
  }

  /**
   * For an attachment: the CSV while it stays within `maxBytes`; stops reading as soon as it
   * would not (the caller says so and points to the CLI).
   */
  function file(userId: string, maxBytes: number): ExportFile {
    const { models, records } = lines(userId);
    const chunks: Buffer[] = [];
    let bytes = 0;
    let rows = -1;
    for (const record of records) {
      const chunk = Buffer.from(record + CSV_EOL, "utf8");
      bytes += chunk.length;
      if (bytes > maxBytes) return { fits: false, models, maxBytes, userId };
      chunks.push(chunk);
      rows++;
    }
    return { fits: true, models, rows, data: Buffer.concat(chunks, bytes) };
  }

  return { lines, file };
}

export type ExportService = ReturnType<typeof createExportService>;
