/**
 * What an import file means, one record at a time: the header picks the format (wide: a
 * "roundNumber" column, then one column per model; long: model,round,score,value), and each data
 * record becomes score cells or errors naming its line. Nothing here holds the file: the import
 * reads it once to validate and once to write (and, only for a long file whose rows repeat or go
 * back in rounds, once or twice more to find the repeated keys), so memory does not grow with its length.
 */
import type { CsvRecord } from "./csv.js";
import { SCORE_NAME } from "../db/schema.js";
import { UserFacingError } from "../errors.js";
import { quoteInput } from "./quote-input.js";
import { modelNameProblem } from "./registrations.js";

/** One score of the file, before model names become ids. */
export interface ImportCell {
  readonly model: string;
  readonly roundNumber: number;
  readonly name: string;
  readonly value: number;
}

export interface ImportSink {
  cell(cell: ImportCell, line: number): void;
  error(line: number, message: string): void;
}

export interface ImportReader {
  readonly format: "wide" | "long";
  record(rec: CsvRecord): void;
}

/**
 * The long CSV's first columns. Columns after them are read past, so a `/export` file (these four,
 * then the round's details) imports as it is.
 */
export const LONG_CSV_COLUMNS = ["model", "round", "score", "value"] as const;

/** A cell of the file, quoted and cut to 40 characters for an error line. */
const quoted = (s: string) => quoteInput(s, 40);

/**
 * The reader for the file whose first record is `header`.
 * @throws UserFacingError when the header cannot be used at all (unknown shape, no score name for a wide file)
 */
export function importReader(header: CsvRecord, options: { scoreName?: string | undefined; maxRound: number | null }, sink: ImportSink): ImportReader {
  const head = header.fields.map((f) => f.trim());
  const { maxRound } = options;
  const parseRound = (line: number, raw: string): number | null => {
    const t = raw.trim();
    if (!/^\d+$/.test(t) || Number(t) < 1) {
      sink.error(line, `round "${quoted(t)}" is not a round number`);
      return null;
    }
    const n = Number(t);
    if (maxRound !== null && n > maxRound) {
      sink.error(line, `round ${n} is unknown (the newest round is ${maxRound})`);
      return null;
    }
    return n;
  };
  const parseValue = (line: number, raw: string, what: string): number | null => {
    const t = raw.trim();
    // Number("") is 0 and Number("0x1") is 1: only plain decimal notation is a score.
    const n = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t) ? Number(t) : NaN;
    if (!Number.isFinite(n)) {
      sink.error(line, `${what} "${quoted(t)}" is not a finite number`);
      return null;
    }
    return n;
  };

  const isLong = head.length >= LONG_CSV_COLUMNS.length && head.slice(0, LONG_CSV_COLUMNS.length).join(",").toLowerCase() === LONG_CSV_COLUMNS.join(",");
  if (isLong) {
    const shape = head.length === LONG_CSV_COLUMNS.length ? LONG_CSV_COLUMNS.join(",") : "as many as the header";
    return {
      format: "long",
      record(rec) {
        if (rec.fields.length !== head.length) {
          sink.error(rec.line, `expected ${head.length} fields (${shape}), found ${rec.fields.length}`);
          return;
        }
        const [modelRaw, roundRaw, scoreRaw, valueRaw] = rec.fields as [string, string, string, string, ...string[]];
        const model = modelRaw.trim().toLowerCase();
        const name = scoreRaw.trim().toLowerCase();
        const badName = model ? modelNameProblem(modelRaw) : "the model name is empty";
        if (badName !== null) sink.error(rec.line, badName);
        const goodScore = SCORE_NAME.test(name);
        if (!goodScore) sink.error(rec.line, `score name "${quoted(scoreRaw)}" is not a score name (letters, digits, _)`);
        const round = parseRound(rec.line, roundRaw);
        const value = parseValue(rec.line, valueRaw, "value");
        if (badName !== null || round === null || value === null || !goodScore) return;
        sink.cell({ model, roundNumber: round, name, value }, rec.line);
      },
    };
  }
  if ((head[0] ?? "").replace(/^"|"$/g, "") === "roundNumber") {
    const name = (options.scoreName ?? "").trim().toLowerCase();
    if (!name) throw new UserFacingError("A wide CSV needs the score name of its values (e.g. --score canon_corr).");
    if (!SCORE_NAME.test(name)) throw new UserFacingError(`"${quoted(name)}" is not a score name (letters, digits, _).`);
    const modelCols = head.slice(1).map((h) => h.toLowerCase());
    if (modelCols.length === 0) throw new UserFacingError("Import rejected: the header names no model columns.");
    const dupCol = modelCols.find((c, i) => modelCols.indexOf(c) !== i);
    if (dupCol !== undefined) sink.error(header.line, `model column "${quoted(dupCol)}" appears twice`);
    if (modelCols.some((c) => c === "")) sink.error(header.line, "a model column has no name");
    for (const c of modelCols) {
      const badName = c === "" ? null : modelNameProblem(c);
      if (badName !== null) sink.error(header.line, `model column ${badName}`);
    }
    // One entry per data line (a few thousand rounds), not per cell.
    const seenRounds = new Set<number>();
    return {
      format: "wide",
      record(rec) {
        if (rec.fields.length !== head.length) {
          sink.error(rec.line, `expected ${head.length} fields, found ${rec.fields.length}`);
          return;
        }
        const round = parseRound(rec.line, rec.fields[0] as string);
        if (round !== null) {
          if (seenRounds.has(round)) sink.error(rec.line, `duplicate: round ${round} appears more than once`);
          seenRounds.add(round);
        }
        for (let i = 0; i < modelCols.length; i++) {
          const model = modelCols[i] as string;
          const raw = (rec.fields[i + 1] as string).trim();
          if (raw === "NA" || raw === "") continue;
          const value = parseValue(rec.line, raw, model);
          if (round !== null && value !== null) sink.cell({ model, roundNumber: round, name, value }, rec.line);
        }
      },
    };
  }
  throw new UserFacingError(
    'Import rejected: the header is neither a wide CSV ("roundNumber", then one column per model) nor a long one ("model,round,score,value").',
  );
}

/**
 * Finds repeated (model, round, score) keys of a long file without a set of millions of strings,
 * and usually without memory per cell. A key can only repeat within a model+score pair whose
 * rounds do not strictly increase down the file, and files list each pair's rounds in order (an
 * export, Numerai's history; by model or by round alike). So the validating pass `track`s every
 * cell and keeps one number per pair, its last round. Only when some pair is out of order
 * (`mayRepeat`) does a second pass give `addKey` the cells of those pairs: each one float64
 * (index of its pair × 2^26 + index of its round; both stay below 2^26 because a file holds at
 * most a few million cells), sorted once at the end.
 */
export function createDuplicateFinder() {
  const pairs = new Map<string, number>();
  const rounds = new Map<number, number>();
  // Per pair: the last round seen (0: none; rounds start at 1), and whether one came out of order.
  let lastRound = new Float64Array(1 << 10);
  let unordered = new Uint8Array(1 << 10);
  let unorderedPairs = 0;
  let keys = new Float64Array(0);
  let count = 0;

  function pairOf(cell: ImportCell): number {
    const pairKey = `${cell.model}\u0000${cell.name}`;
    let pair = pairs.get(pairKey);
    if (pair === undefined) {
      pairs.set(pairKey, (pair = pairs.size));
      if (pair === lastRound.length) {
        const last = new Float64Array(pair * 2);
        last.set(lastRound);
        lastRound = last;
        const flags = new Uint8Array(pair * 2);
        flags.set(unordered);
        unordered = flags;
      }
    }
    return pair;
  }

  function keyOf(cell: ImportCell): number {
    let round = rounds.get(cell.roundNumber);
    if (round === undefined) rounds.set(cell.roundNumber, (round = rounds.size));
    return pairOf(cell) * 2 ** 26 + round;
  }

  /** Every cell of the validating pass. */
  function track(cell: ImportCell): void {
    const pair = pairOf(cell);
    if (unordered[pair] === 1) return;
    if (cell.roundNumber > (lastRound[pair] as number)) {
      lastRound[pair] = cell.roundNumber;
    } else {
      unordered[pair] = 1;
      unorderedPairs++;
    }
  }

  /** Whether some pair's rounds came out of order: only then can a key repeat, and `addKey` needs a pass. */
  const mayRepeat = () => unorderedPairs > 0;

  /** Every cell of the pass after `track`'s, when `mayRepeat`: the keys of the pairs out of order are kept. */
  function addKey(cell: ImportCell): void {
    const pair = pairOf(cell);
    if (unordered[pair] !== 1) return;
    if (count === keys.length) {
      const grown = new Float64Array(Math.max(1 << 16, keys.length * 2));
      grown.set(keys);
      keys = grown;
    }
    keys[count++] = keyOf(cell);
  }

  /** The keys `addKey` saw more than once. Call once, after the last `addKey`. */
  function repeated(): Set<number> {
    const sorted = keys.subarray(0, count).sort();
    const out = new Set<number>();
    for (let i = 1; i < sorted.length; i++) if (sorted[i] === sorted[i - 1]) out.add(sorted[i] as number);
    keys = new Float64Array(0);
    return out;
  }

  return { track, mayRepeat, addKey, keyOf, repeated };
}

/** The first `max` errors in line order, and how many there were: a file of a million bad lines costs no more. */
export function createErrorList(max: number) {
  const kept: Array<{ line: number; message: string }> = [];
  let total = 0;
  return {
    add(line: number, message: string): void {
      total++;
      if (kept.length < max) kept.push({ line, message });
    },
    get total() {
      return total;
    },
    /** Both lists' kept errors merged by line (this one first on a tie), cut to `max`. */
    mergedWith(other: { readonly kept: ReadonlyArray<{ line: number; message: string }> }) {
      return [...kept, ...other.kept].sort((a, b) => a.line - b.line).slice(0, max);
    },
    kept: kept as ReadonlyArray<{ line: number; message: string }>,
  };
}
