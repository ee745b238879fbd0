/**
 * A strict RFC 4180 CSV reader: quoted fields, doubled quotes, CRLF or LF. It reports the
 * physical line each record starts on, so import errors can name the line. It reads
 * incrementally (text in chunks, records out one at a time), so a file of millions of rows is
 * never in memory at once.
 */
import { closeSync, openSync, readSync } from "node:fs";

export interface CsvRecord {
  readonly line: number;
  readonly fields: string[];
}

export class CsvSyntaxError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
    this.name = "CsvSyntaxError";
  }
}

const QUOTE = 34;
const COMMA = 44;
const LF = 10;
const CR = 13;

/**
 * An incremental parser: `push` text in pieces of any size (a quote, a CRLF or a record may
 * straddle two pieces), then `end`. Records go to `onRecord` as soon as they are complete;
 * an exception thrown there stops the parse.
 */
export function createCsvParser(onRecord: (record: CsvRecord) => void) {
  let fields: string[] = [];
  let field = "";
  let line = 1;
  let recordLine = 1;
  let inQuotes = false;
  let atStart = true;
  // The previous piece ended on a quote inside a quoted field (closing, or the first of a doubled one)...
  let quotePending = false;
  // ...or on a CR that ended a record (an LF opening the next piece belongs to it).
  let crPending = false;

  const endRecord = () => {
    fields.push(field);
    // A blank line is no record.
    if (!(fields.length === 1 && fields[0] === "")) onRecord({ line: recordLine, fields });
    fields = [];
    field = "";
  };

  function push(text: string): void {
    const n = text.length;
    if (n === 0) return;
    let i = 0;
    if (atStart) {
      atStart = false;
      if (text.charCodeAt(0) === 0xfeff) i = 1;
    }
    if (crPending) {
      crPending = false;
      if (text.charCodeAt(i) === LF) i++;
    }
    if (quotePending) {
      quotePending = false;
      if (text.charCodeAt(i) === QUOTE) {
        field += '"';
        i++;
      } else {
        inQuotes = false;
      }
    }
    // Characters are copied a run at a time (slice), not one by one.
    let runStart = i;
    for (; i < n; i++) {
      const c = text.charCodeAt(i);
      if (inQuotes) {
        if (c === QUOTE) {
          field += text.slice(runStart, i);
          if (i + 1 === n) {
            quotePending = true;
          } else if (text.charCodeAt(i + 1) === QUOTE) {
            field += '"';
            i++;
          } else {
            inQuotes = false;
          }
          runStart = i + 1;
        } else if (c === LF) {
          line++;
        }
        continue;
      }
      if (c === QUOTE) {
        if (field !== "" || i > runStart) throw new CsvSyntaxError(line, "a quote inside an unquoted field");
        inQuotes = true;
        runStart = i + 1;
      } else if (c === COMMA) {
        fields.push(field + text.slice(runStart, i));
        field = "";
        runStart = i + 1;
      } else if (c === LF || c === CR) {
        field += text.slice(runStart, i);
        if (c === CR) {
          if (i + 1 === n) crPending = true;
          else if (text.charCodeAt(i + 1) === LF) i++;
        }
        endRecord();
        line++;
        recordLine = line;
        runStart = i + 1;
      } else if (c === 0) {
        throw new CsvSyntaxError(line, "binary data (a NUL byte); this is not a CSV file");
      }
    }
    if (runStart < n) field += text.slice(runStart, n);
  }

  function end(): void {
    if (quotePending) {
      quotePending = false;
      inQuotes = false;
    }
    if (inQuotes) throw new CsvSyntaxError(recordLine, "a quoted field is never closed");
    if (field !== "" || fields.length > 0) endRecord();
  }

  /** The physical line the parser has reached (for errors found outside it, such as bad UTF-8). */
  const currentLine = () => line;

  return { push, end, currentLine };
}

export function parseCsv(text: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  const parser = createCsvParser((r) => records.push(r));
  parser.push(text);
  parser.end();
  return records;
}

/** Plain decimal notation: a spreadsheet reads it as a number, so a leading "-" or "+" is harmless. */
const DECIMAL = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
/** Characters that make a spreadsheet treat a cell as a formula (OWASP "CSV injection"). */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One RFC 4180 field: quoted (with doubled quotes) when it holds a comma, quote or line break.
 * Text that a spreadsheet would run as a formula gets a leading `'`, unless it is a plain number;
 * undefined numbers (NaN, ±Infinity, null) are empty fields.
 * @example csvCell("=HYPERLINK(1)") // => "'=HYPERLINK(1)"
 */
export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "";
  const guarded = FORMULA_START.test(value) && !DECIMAL.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(guarded) ? `"${guarded.replace(/"/g, '""')}"` : guarded;
}

/** One CSV record, without its line break. */
export function csvRecord(cells: ReadonlyArray<string | number | null | undefined>): string {
  return cells.map(csvCell).join(",");
}

/**
 * Reads a CSV file `chunkBytes` at a time, synchronously (the caller writes to SQLite
 * synchronously anyway), decoding strict UTF-8: memory stays at one chunk plus one record.
 * The default chunk is 64 KiB on purpose: Node decodes a chunk of more than ~1 MB into an
 * *external* string (malloc'd, freed only by a full GC), and one of more than 128 KiB lands in
 * V8's old generation; with 1 MiB chunks a 2M-row import held ~60 MB of decoded chunks nobody
 * read any more. A 64 KiB string dies young, in the scavenger, like the records cut from it.
 * @throws CsvSyntaxError for bad CSV or bytes that are not UTF-8, with the line
 */
export function readCsvFile(path: string, onRecord: (record: CsvRecord) => void, chunkBytes = 1 << 16): void {
  const parser = createCsvParser(onRecord);
  const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
  const decode = (bytes?: Uint8Array) => {
    try {
      return bytes ? decoder.decode(bytes, { stream: true }) : decoder.decode();
    } catch {
      throw new CsvSyntaxError(parser.currentLine(), "the file is not UTF-8 text");
    }
  };
  const buffer = Buffer.allocUnsafe(chunkBytes);
  const fd = openSync(path, "r");
  try {
    for (;;) {
      const n = readSync(fd, buffer, 0, chunkBytes, null);
      if (n === 0) break;
      parser.push(decode(buffer.subarray(0, n)));
    }
    parser.push(decode());
    parser.end();
  } finally {
    closeSync(fd);
  }
}
