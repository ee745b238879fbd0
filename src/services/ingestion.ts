import type { Logger } from "../logger.js";
import type { Store } from "../db/open.js";
import type { ModelRepository, ModelRow, RegistrationRepository } from "../db/repositories/models.js";
import type { IngestionRun, IngestionRunRepository } from "../db/repositories/ingestion-runs.js";
import { isProcessAlive } from "../process-identity.js";
import type { ScoreReadRepository } from "../db/repositories/score-reads.js";
import type { RoundRecord, ScoreWriter } from "../db/repositories/scores.js";
import { asStorageError, StorageError } from "../db/errors.js";
import { AlreadyRunningError, UserFacingError } from "../errors.js";
import { createCsvParser, CsvSyntaxError, readCsvFile, type CsvRecord } from "./csv.js";
import { createDuplicateFinder, createErrorList, importReader, type ImportCell, type ImportReader, type ImportSink } from "./import-rows.js";
import { asUserFacing, validateModelName } from "./registrations.js";

/** What ingestion needs from the Numerai API (the real client satisfies it). */
export interface ScoreSource {
  lookupModel(name: string): Promise<{ id: string; name: string }>;
  roundPerformances(
    modelId: string,
    range?: { fromRound?: number; toRound?: number; lastNRounds?: number },
  ): Promise<readonly RoundRecord[]>;
  currentRound(): Promise<number>;
}

export interface IngestionDeps {
  readonly store: Store;
  readonly source: ScoreSource;
  readonly models: ModelRepository;
  readonly registrations: RegistrationRepository;
  readonly runs: IngestionRunRepository;
  readonly reads: ScoreReadRepository;
  readonly writer: ScoreWriter;
  readonly logger: Logger;
  readonly clock?: () => Date;
  /** Rounds re-fetched behind the current round on every sync (scores change daily for ~a month). */
  readonly syncLookbackRounds: number;
  /** Rounds per API call and per transaction during a backfill. */
  readonly backfillBatchRounds?: number;
  /** Whether the process that recorded a run still runs (default: src/process-identity.ts). */
  readonly isProcessAlive?: (owner: { pid: number | null; instance: string | null }) => boolean;
  /** Score rows per transaction during an import (default 10,000: a few MB of rows in memory; a commit per 10,000 rows costs little). */
  readonly importBatchRows?: number;
}

export interface Progress {
  readonly runId: number;
  readonly unitsDone: number;
  readonly unitsTotal: number;
  readonly rowsWritten: number;
  readonly model: string | null;
}

export interface BackfillRequest {
  readonly from: number;
  readonly to: number;
  /** One model by name; all registered models when absent. */
  readonly modelName?: string | undefined;
  readonly requestedBy?: string | undefined;
  readonly onProgress?: ((p: Progress) => void) | undefined;
}

export interface BackfillResult {
  readonly runId: number;
  readonly resumed: boolean;
  readonly models: readonly string[];
  readonly from: number;
  readonly to: number;
  readonly unitsTotal: number;
  /** Score rows written by this invocation (an upsert of identical data counts too). */
  readonly rowsWritten: number;
}

export interface SyncResult {
  readonly runId: number;
  readonly currentRound: number;
  readonly models: number;
  readonly rowsWritten: number;
  readonly failures: ReadonlyArray<{ model: string; error: string }>;
}

/** How a sync ended: every model saved, some failed (the others saved), or every model failed. */
export type SyncOutcome = "succeeded" | "partial" | "failed";

/** Derived from the failures, so the Discord reply, the CLI's exit code and the job's log agree. */
export function syncOutcome(r: Pick<SyncResult, "models" | "failures">): SyncOutcome {
  if (r.failures.length === 0) return "succeeded";
  return r.failures.length >= r.models ? "failed" : "partial";
}

/** The CSV to import: text in memory (a Discord attachment, size-limited) or a file path (read in chunks). */
export type ImportInput = { readonly text: string; readonly path?: undefined } | { readonly path: string; readonly text?: undefined };

export type ImportRequest = ImportInput & ImportOptions;

export interface ImportOptions {
  /** Score name of the values in a wide CSV (required for wide files). */
  readonly scoreName?: string | undefined;
  readonly requestedBy?: string | undefined;
  readonly fileName?: string | undefined;
}

export interface ImportResult {
  readonly runId: number;
  readonly format: "wide" | "long";
  readonly rows: number;
  readonly models: readonly string[];
  readonly scoreNames: readonly string[];
  readonly rounds: { readonly first: number; readonly last: number };
  /** Rows left out because their model's scores come from Numerai (imports never overwrite those). */
  readonly skipped: { readonly rows: number; readonly numeraiModels: readonly string[] };
}

/** Where a history fetch of several new models stands. */
export interface HistoryProgress {
  readonly total: number;
  readonly done: number;
  /** Rounds fetched so far, all models together. */
  readonly rounds: number;
  readonly failed: readonly string[];
  /**
   * Models whose history the database refused (a full disk, a read-only file): their
   * registration was taken back (`takenBack`), else they stay registered without scores.
   */
  readonly notStored: ReadonlyArray<{ readonly name: string; readonly takenBack: boolean }>;
  /** What the database said (names the disk, not Numerai), when it refused one. */
  readonly storageProblem: string | null;
}

/** The largest round range one backfill may ask for. */
export const MAX_BACKFILL_ROUNDS = 5000;
/** Import limit: all of Numerai's history (9,550 models, 1.74M cells) fits; memory does not grow with it. */
export const MAX_IMPORT_ROWS = 2_000_000;
const MAX_REPORTED_ERRORS = 10;

/** The file read for writing is not the file that was validated (it was edited meanwhile). */
class FileChangedError extends Error {}

interface BackfillCursor {
  modelIndex: number;
  nextRound: number;
  unitsDone: number;
}

export function createIngestionService(deps: IngestionDeps) {
  const now = deps.clock ?? (() => new Date());
  const batchRounds = deps.backfillBatchRounds ?? 50;
  const log = deps.logger.child({ module: "ingestion" });
  const active = new Set<string>();

  function exclusive<T>(key: string, what: string, fn: () => Promise<T>): Promise<T> {
    if (active.has(key)) return Promise.reject(new AlreadyRunningError(what));
    active.add(key);
    return fn().finally(() => active.delete(key));
  }

  /**
   * A full, read-only or failing database file leaves as a StorageError (a sentence the admin can
   * act on), logged here once with `context`. A StorageError was already logged where it was made;
   * other errors pass through untouched.
   */
  function storageFailure(err: unknown, context: Record<string, unknown>, what: string): unknown {
    if (err instanceof StorageError) return err;
    const storage = asStorageError(err);
    if (!storage) return err;
    log.error({ ...context, err, code: storage.code }, `${what}: the database refused the write`);
    return storage;
  }

  async function guardStorage<T>(what: string, context: Record<string, unknown>, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw storageFailure(err, context, what);
    }
  }

  /** Marks a run failed. Best effort: the failure may be the database refusing every write. */
  function recordFailure(runId: number, message: string): boolean {
    try {
      deps.runs.fail(runId, message, now());
      return true;
    } catch {
      return false;
    }
  }

  async function resolveModel(rawName: string): Promise<ModelRow> {
    // A name Numerai cannot have is refused here, without asking the API.
    const name = validateModelName(rawName);
    const known = deps.models.findByName(name);
    if (known && known.source === "numerai") return known;
    const found = await deps.source.lookupModel(name).catch(asUserFacing);
    return deps.models.upsertVerified(found.id, found.name);
  }

  function backfill(req: BackfillRequest): Promise<BackfillResult> {
    return guardStorage("backfill", { from: req.from, to: req.to, model: req.modelName }, () => runBackfill(req));
  }

  async function runBackfill(req: BackfillRequest): Promise<BackfillResult> {
    const { from, to } = req;
    if (!Number.isInteger(from) || !Number.isInteger(to) || from < 1 || to < 1) {
      throw new UserFacingError("Rounds must be whole numbers of 1 or more.");
    }
    if (from > to) throw new UserFacingError(`The first round (${from}) is after the last round (${to}).`);
    if (to - from + 1 > MAX_BACKFILL_ROUNDS) {
      throw new UserFacingError(`A backfill covers at most ${MAX_BACKFILL_ROUNDS} rounds; split ${from}–${to} into smaller ranges.`);
    }
    const targets = req.modelName ? [await resolveModel(req.modelName)] : deps.registrations.registeredModels();
    if (targets.length === 0) throw new UserFacingError("No models are registered yet, so there is nothing to backfill.");
    targets.sort((a, b) => a.id.localeCompare(b.id));
    const params = { from, to, modelIds: targets.map((m) => m.id), batchRounds };
    const windowsPerModel = Math.ceil((to - from + 1) / batchRounds);
    const unitsTotal = targets.length * windowsPerModel;

    return exclusive(`backfill:${from}:${to}:${params.modelIds.join(",")}`, "This backfill", async () => {
      const previous = deps.runs.findUnfinished("backfill", params);
      let cursor: BackfillCursor = { modelIndex: 0, nextRound: from, unitsDone: 0 };
      let runId: number;
      if (previous) {
        runId = previous.id;
        if (previous.cursor) cursor = previous.cursor as BackfillCursor;
        deps.runs.reopen(runId, now());
        log.info({ runId, cursor }, "resuming backfill");
      } else {
        runId = deps.runs.start("backfill", params, unitsTotal, req.requestedBy ?? null, now()).id;
        log.info({ runId, from, to, models: targets.length, requestedBy: req.requestedBy }, "backfill started");
      }
      let rowsWritten = 0;
      try {
        for (let m = cursor.modelIndex; m < targets.length; m++) {
          const model = targets[m] as ModelRow;
          let start = m === cursor.modelIndex ? cursor.nextRound : from;
          while (start <= to) {
            const end = Math.min(start + batchRounds - 1, to);
            const perfs = await deps.source.roundPerformances(model.id, { fromRound: start, toRound: end });
            const inWindow = perfs.filter((p) => p.roundNumber >= start && p.roundNumber <= end);
            const nextRound = end + 1;
            const done = nextRound > to;
            const nextCursor: BackfillCursor = {
              modelIndex: done ? m + 1 : m,
              nextRound: done ? from : nextRound,
              unitsDone: cursor.unitsDone + 1,
            };
            // Data and progress commit together: a crash leaves either both or neither.
            const written = deps.writer.writeBatch(() => {
              const n = deps.writer.writeRounds(model.id, inWindow);
              deps.runs.advance(runId, nextCursor, nextCursor.unitsDone, n, now());
              return n;
            });
            cursor = nextCursor;
            rowsWritten += written;
            req.onProgress?.({ runId, unitsDone: cursor.unitsDone, unitsTotal, rowsWritten, model: model.name });
            start = nextRound;
          }
        }
        deps.runs.succeed(runId, now());
        log.info({ runId, rowsWritten }, "backfill finished");
        return {
          runId,
          resumed: previous !== undefined,
          models: targets.map((t) => t.name),
          from,
          to,
          unitsTotal,
          rowsWritten,
        };
      } catch (err) {
        const storage = asStorageError(err);
        const recorded = recordFailure(runId, errorText(storage ?? err));
        if (storage) {
          log.error({ runId, err, code: storage.code, cursor, recorded }, "backfill stopped: the database refused the write; run it again with the same arguments to resume");
          throw storage;
        }
        log.error({ runId, err, cursor, recorded }, "backfill failed; run it again with the same arguments to resume");
        throw err;
      }
    });
  }

  async function sync(options: { requestedBy?: string | undefined; onProgress?: (p: Progress) => void } = {}): Promise<SyncResult> {
    return exclusive("sync", "A score sync", () => guardStorage("sync", {}, () => runSync(options)));
  }

  async function runSync(options: { requestedBy?: string | undefined; onProgress?: (p: Progress) => void }): Promise<SyncResult> {
    const targets = deps.registrations.registeredModels().filter((m) => m.source === "numerai");
    let currentRound: number;
    try {
      currentRound = await deps.source.currentRound();
    } catch (err) {
      // Between rounds the API answers "Current round not open for submissions"; the newest known round will do.
      const known = deps.reads.latestKnownRound();
      if (known === null) throw err;
      log.warn({ err: errorText(err), known }, "current round unavailable; syncing up to the newest known round");
      currentRound = known;
    }
    const runId = deps.runs.start("sync", { currentRound }, targets.length, options.requestedBy ?? null, now()).id;
    log.info({ runId, models: targets.length, currentRound }, "sync started");
    const failures: Array<{ model: string; error: string }> = [];
    let rowsWritten = 0;
    let unitsDone = 0;
    let storageStop: { error: StorageError; cause: unknown; model: string } | undefined;
    for (const model of targets) {
      try {
        const unresolved = deps.reads.unresolvedRounds(model.id);
        const fromRound = Math.max(1, Math.min(currentRound - deps.syncLookbackRounds, unresolved[0] ?? Infinity));
        const perfs = await deps.source.roundPerformances(model.id, { fromRound, toRound: currentRound });
        const written = deps.writer.writeBatch(() => {
          const n = deps.writer.writeRounds(model.id, perfs);
          deps.runs.advance(runId, { model: model.name }, ++unitsDone, n, now());
          return n;
        });
        rowsWritten += written;
      } catch (err) {
        const storage = asStorageError(err);
        if (storage) {
          // Every later model would hit the same wall: stop, and report it once.
          storageStop = { error: storage, cause: err, model: model.name };
          break;
        }
        unitsDone++;
        failures.push({ model: model.name, error: errorText(err) });
        log.error({ runId, model: model.name, err }, "sync of one model failed; the others go on");
      }
      options.onProgress?.({ runId, unitsDone, unitsTotal: targets.length, rowsWritten, model: model.name });
    }
    if (storageStop) {
      const recorded = recordFailure(runId, storageStop.error.message);
      log.error(
        { runId, model: storageStop.model, err: storageStop.cause, code: storageStop.error.code, unitsDone, recorded },
        "sync stopped: the database refused the write",
      );
      throw storageStop.error;
    }
    if (failures.length > 0) {
      deps.runs.fail(runId, failures.map((f) => `${f.model}: ${f.error}`).join("; "), now());
    } else {
      deps.runs.succeed(runId, now());
    }
    const outcome = syncOutcome({ models: targets.length, failures });
    if (outcome === "succeeded") log.info({ runId, rowsWritten }, "sync finished");
    else log.warn({ runId, rowsWritten, failures: failures.length, models: targets.length }, outcome === "failed" ? "sync failed for every model" : "sync finished with failures");
    return { runId, currentRound, models: targets.length, rowsWritten, failures };
  }

  /** The file's records, from the text in memory (a Discord attachment) or read from disk a chunk at a time (the CLI). */
  function eachRecord(req: ImportRequest, onRecord: (rec: CsvRecord) => void): void {
    if (req.path !== undefined) {
      readCsvFile(req.path, onRecord);
      return;
    }
    const parser = createCsvParser(onRecord);
    parser.push(req.text);
    parser.end();
  }

  /** Feeds every data record of the file to a reader made from its header; returns the format. */
  function readImport(req: ImportRequest, maxRound: number | null, sink: ImportSink, onHeader?: (format: "wide" | "long") => void): "wide" | "long" {
    let reader: ImportReader | undefined;
    eachRecord(req, (rec) => {
      if (reader) {
        reader.record(rec);
      } else {
        reader = importReader(rec, { scoreName: req.scoreName, maxRound }, sink);
        onHeader?.(reader.format);
      }
    });
    if (!reader) throw new UserFacingError("Import rejected: the file is empty.");
    return reader.format;
  }

  /**
   * Imports a CSV in memory that does not grow with the file: one pass validates every line
   * (nothing is written unless the whole file is valid), a second pass writes it `importBatchRows`
   * rows per transaction. A batch lands whole or not at all, each one records its progress in the
   * run, and every write is an upsert: after a crash, what was committed stays, and importing the
   * file again writes the same rows, never a second copy.
   */
  function importCsv(req: ImportRequest): ImportResult {
    const maxRound = deps.reads.latestKnownRound();
    const errors = createErrorList(MAX_REPORTED_ERRORS);
    const duplicates = createDuplicateFinder();
    const cellsOfModel = new Map<string, number>();
    let cells = 0;
    let format: "wide" | "long" | undefined;
    let long = false;
    const rejected = (err: unknown) =>
      err instanceof CsvSyntaxError ? new UserFacingError(`Import rejected, nothing was written: ${err.message}.`) : err;
    try {
      format = readImport(req, maxRound, {
        cell(c) {
          if (++cells > MAX_IMPORT_ROWS) throw new UserFacingError(`Import rejected: more than ${MAX_IMPORT_ROWS} rows.`);
          cellsOfModel.set(c.model, (cellsOfModel.get(c.model) ?? 0) + 1);
          // A wide file cannot repeat a key: its columns and its rounds are checked for repeats instead.
          if (long) duplicates.track(c);
        },
        error: (line, message) => errors.add(line, message),
      }, (f) => (long = f === "long"));
    } catch (err) {
      throw rejected(err);
    }
    // Pairs out of order are rare: only then read the file again to compare their keys, and only
    // when some key repeats, once more to name the lines that repeat one.
    let repeated = new Set<number>();
    if (format === "long" && duplicates.mayRepeat()) {
      try {
        readImport(req, maxRound, { cell: (c) => duplicates.addKey(c), error: () => undefined });
      } catch (err) {
        throw rejected(err);
      }
      repeated = duplicates.repeated();
    }
    const duplicateErrors = createErrorList(MAX_REPORTED_ERRORS);
    if (repeated.size > 0) {
      const firstSeen = new Set<number>();
      try {
        readImport(req, maxRound, {
          cell(c, line) {
            const key = duplicates.keyOf(c);
            if (!repeated.has(key)) return;
            if (firstSeen.has(key)) duplicateErrors.add(line, `duplicate: ${c.model}, round ${c.roundNumber}, ${c.name} appears more than once`);
            firstSeen.add(key);
          },
          error: () => undefined,
        });
      } catch (err) {
        throw rejected(err);
      }
    }
    const errorCount = errors.total + duplicateErrors.total;
    if (errorCount > 0) {
      const more = errorCount > MAX_REPORTED_ERRORS ? ` (and ${errorCount - MAX_REPORTED_ERRORS} more)` : "";
      const shown = errors.mergedWith(duplicateErrors).map((e) => `line ${e.line}: ${e.message}`);
      throw new UserFacingError(`Import rejected, nothing was written: ${shown.join("; ")}${more}.`);
    }
    if (cells === 0) throw new UserFacingError("Import rejected: the file holds no scores.");

    const allNames = [...cellsOfModel.keys()].sort();
    const batchRows = deps.importBatchRows ?? 10_000;
    // Model name → id, or null for a model whose scores come from Numerai (its rows are skipped).
    const ids = new Map<string, string | null>();
    let dataVersion: unknown;
    let runId: number | undefined;
    let cellsDone = 0;
    let rowsWritten = 0;
    let first = Infinity;
    let last = -Infinity;
    const numeraiModels = new Set<string>();
    const writtenModels = new Set<string>();
    const scoreNames = new Set<string>();

    // Inside each batch's transaction: a model whose id Numerai confirmed keeps Numerai's scores,
    // its rows are skipped, never written over. The names are looked up again whenever another
    // connection committed since the last batch (PRAGMA data_version), so a registration in a
    // sharded bot between two batches cannot slip under the import.
    const resolveNames = () => {
      for (const name of allNames) {
        if (deps.models.findByName(name)?.source === "numerai") {
          ids.set(name, null);
          numeraiModels.add(name);
        } else {
          ids.set(name, deps.models.ensureImported(name).id);
        }
      }
    };
    // The rows waiting for their transaction, as columns: a model is its index in allNames (-1: one
    // the validating pass never saw), a score name one shared string. No object per row outlives
    // the record it came from, so the heap holds one batch of numbers, not a batch of objects.
    const modelIndex = new Map(allNames.map((name, i) => [name, i]));
    const sharedNames = new Map<string, string>();
    const batch = {
      size: 0,
      lastLine: 0,
      models: new Int32Array(batchRows),
      rounds: new Float64Array(batchRows),
      values: new Float64Array(batchRows),
      names: new Array<string>(batchRows),
      ids: new Array<string>(batchRows),
    };
    const addToBatch = (c: ImportCell, line: number) => {
      const i = batch.size++;
      batch.models[i] = modelIndex.get(c.model) ?? -1;
      batch.rounds[i] = c.roundNumber;
      batch.values[i] = c.value;
      let name = sharedNames.get(c.name);
      if (name === undefined) sharedNames.set(c.name, (name = c.name));
      batch.names[i] = name;
      batch.lastLine = line;
    };
    const writeBatch = (final: boolean) =>
      deps.writer.writeBatch(() => {
        const version = deps.store.sqlite.pragma("data_version", { simple: true });
        if (runId === undefined || version !== dataVersion) resolveNames();
        dataVersion = version;
        if (runId === undefined) {
          const numerai = allNames.filter((n) => ids.get(n) === null);
          const skippedRows = numerai.reduce((sum, n) => sum + (cellsOfModel.get(n) ?? 0), 0);
          if (skippedRows === cells) {
            throw new UserFacingError(
              `Import rejected, nothing was written: every row belongs to a model whose scores come from Numerai (${nameListText(numerai)}); imports never overwrite them.`,
            );
          }
          const params = { fileName: req.fileName ?? null, format, scoreName: req.scoreName ?? null, rows: cells - skippedRows, skippedRows };
          runId = deps.runs.start("import", params, cells, req.requestedBy ?? null, now()).id;
        }
        // Rows of models whose scores come from Numerai are left out, the others moved up in place.
        let kept = 0;
        for (let i = 0; i < batch.size; i++) {
          const model = allNames[batch.models[i] as number];
          const modelId = model === undefined ? undefined : ids.get(model);
          if (model === undefined || modelId === undefined) throw new FileChangedError();
          if (modelId === null) continue;
          const round = batch.rounds[i] as number;
          const name = batch.names[i] as string;
          batch.ids[kept] = modelId;
          batch.rounds[kept] = round;
          batch.values[kept] = batch.values[i] as number;
          batch.names[kept] = name;
          kept++;
          writtenModels.add(model);
          scoreNames.add(name);
          if (round < first) first = round;
          if (round > last) last = round;
        }
        const n = deps.writer.writeScoreColumns({ length: kept, modelIds: batch.ids, roundNumbers: batch.rounds, names: batch.names, values: batch.values });
        cellsDone += batch.size;
        deps.runs.advance(runId, { line: batch.lastLine }, cellsDone, n, now());
        if (final) {
          if (cellsDone !== cells) throw new FileChangedError();
          deps.runs.succeed(runId, now());
        }
        rowsWritten += n;
      });

    try {
      deps.writer.withBoundedCache(() => {
        readImport(req, maxRound, {
          cell(c, line) {
            addToBatch(c, line);
            if (batch.size === batchRows) {
              writeBatch(false);
              batch.size = 0;
            }
          },
          error: () => {
            throw new FileChangedError();
          },
        });
        writeBatch(true);
      });
    } catch (err) {
      const thrown = err instanceof CsvSyntaxError ? new FileChangedError() : err;
      if (runId !== undefined) recordFailure(runId, errorText(thrown));
      if (thrown instanceof FileChangedError) {
        throw new UserFacingError(
          `The file changed while it was being imported: ${rowsWritten} rows were written before that was noticed. Import the file again.`,
        );
      }
      if (thrown instanceof UserFacingError && !(thrown instanceof StorageError)) throw thrown;
      throw storageFailure(thrown, { fileName: req.fileName, rows: cells, rowsWritten }, "import");
    }
    const skippedRows = cells - rowsWritten;
    const numerai = [...numeraiModels].sort();
    log.info({ runId, format, rows: rowsWritten, skippedRows, models: writtenModels.size, requestedBy: req.requestedBy }, "import finished");
    return {
      runId: runId as number,
      format,
      rows: rowsWritten,
      models: [...writtenModels].sort(),
      scoreNames: [...scoreNames].sort(),
      rounds: { first, last },
      skipped: { rows: skippedRows, numeraiModels: numerai },
    };
  }

  /** A newly registered model's whole history, in one transaction (the API returns all rounds when no range is given). */
  function fetchModelHistory(modelId: string, requestedBy?: string): Promise<{ rounds: number; rowsWritten: number }> {
    return guardStorage("model history", { modelId }, () => runFetchModelHistory(modelId, requestedBy));
  }

  async function runFetchModelHistory(modelId: string, requestedBy?: string): Promise<{ rounds: number; rowsWritten: number }> {
    const model = deps.models.findById(modelId);
    if (!model) throw new UserFacingError("That model is not in the store.");
    const perfs = await deps.source.roundPerformances(model.id);
    const runId = deps.runs.start("sync", { modelIds: [model.id], history: true }, 1, requestedBy ?? null, now()).id;
    const rowsWritten = deps.writer.writeBatch(() => {
      const n = deps.writer.writeRounds(model.id, perfs);
      deps.runs.advance(runId, null, 1, n, now());
      deps.runs.succeed(runId, now());
      return n;
    });
    log.info({ runId, model: model.name, rounds: perfs.length, rowsWritten }, "model history fetched");
    return { rounds: perfs.length, rowsWritten };
  }

  /**
   * Several new models' histories for `userId`, one after another (one API call each); a model
   * whose fetch fails is reported and the others go on (the daily sync retries it). When the
   * database refuses a history (full disk, read-only file) the rest would be refused too, so
   * fetching stops there, and that model and those not yet fetched are taken back, as for one
   * model (`fetchAddedModelHistory`). `onProgress` after each model.
   */
  async function fetchHistories(
    models: ReadonlyArray<{ id: string; name: string }>,
    options: { userId: string; onProgress?: (p: HistoryProgress) => void | Promise<void> },
  ): Promise<HistoryProgress> {
    const progress = { total: models.length, done: 0, rounds: 0, failed: [] as string[], notStored: [] as Array<{ name: string; takenBack: boolean }>, storageProblem: null as string | null };
    for (const [i, m] of models.entries()) {
      try {
        progress.rounds += (await fetchModelHistory(m.id, options.userId)).rounds;
      } catch (err) {
        const storage = asStorageError(err);
        if (!storage) {
          progress.failed.push(m.name);
          log.error({ model: m.name, err }, "history fetch of one model failed; the others go on");
        } else {
          progress.storageProblem = storage.message;
          for (const rest of models.slice(i)) progress.notStored.push({ name: rest.name, takenBack: takeBack(options.userId, rest.id, rest.name, storage) });
          progress.done = progress.total;
          break;
        }
      }
      progress.done++;
      await options.onProgress?.({ ...progress, failed: [...progress.failed], notStored: [...progress.notStored] });
    }
    return progress;
  }

  /**
   * The history of a model `userId` has just added (in the background, after the reply). When the
   * database refuses it (full disk, read-only file) the registration is taken back: the model would
   * look tracked while none of its scores can be stored. The error names the disk, not Numerai.
   */
  async function fetchAddedModelHistory(modelId: string, userId: string): Promise<{ rounds: number; rowsWritten: number }> {
    try {
      return await fetchModelHistory(modelId, userId);
    } catch (err) {
      if (!(err instanceof StorageError)) throw err;
      const name = deps.models.findById(modelId)?.name ?? modelId;
      const what = takeBack(userId, modelId, name, err) ? `${name} was not added.` : `${name} is registered, but none of its scores could be stored.`;
      throw new StorageError(`${what} ${err.message}`, err.code, { cause: err });
    }
  }

  /** Takes back a registration whose history the database refused; false when even that failed (it stays, without scores). */
  function takeBack(userId: string, modelId: string, name: string, err: StorageError): boolean {
    let undone = false;
    try {
      undone = deps.registrations.remove(userId, modelId);
    } catch (undoErr) {
      log.error({ err: undoErr, modelId, userId }, "could not take back the registration of a model whose history the database refused");
    }
    if (undone) log.warn({ model: name, userId, code: err.code }, "registration taken back: the database refused the model's history");
    return undone;
  }

  /**
   * For start-up: runs still "running" whose process is gone (SIGKILL, crash, power loss) become
   * "interrupted", so /admin status stops calling them running. A backfill among them resumes from
   * its cursor when run again with the same arguments. On a database that refuses writes this is
   * skipped with a warning: the command that needs the database will say what is wrong.
   */
  function markInterruptedRuns(): IngestionRun[] {
    const alive = deps.isProcessAlive ?? isProcessAlive;
    try {
      const gone = deps.runs.running().filter((r) => !alive({ pid: r.pid ?? null, instance: r.processInstance ?? null }));
      const marked = gone.filter((r) =>
        deps.runs.interrupt(r.id, `interrupted: the process running it${r.pid === null ? "" : ` (pid ${r.pid})`} stopped before it finished (killed or crashed)`, now()),
      );
      if (marked.length > 0) {
        log.warn({ runs: marked.map((r) => ({ id: r.id, kind: r.kind, pid: r.pid, unitsDone: r.unitsDone, unitsTotal: r.unitsTotal })) }, "runs whose process is gone marked interrupted");
      }
      return marked;
    } catch (err) {
      const storage = asStorageError(err);
      if (!storage) throw err;
      log.warn({ err, code: storage.code }, "could not mark interrupted runs: the database refused the write");
      return [];
    }
  }

  return { backfill, sync, importCsv, resolveModel, fetchModelHistory, fetchAddedModelHistory, fetchHistories, markInterruptedRuns };
}

export type IngestionService = ReturnType<typeof createIngestionService>;

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function nameListText(names: readonly string[], max = 10): string {
  const shown = names.slice(0, max).join(", ");
  return names.length > max ? `${shown} and ${names.length - max} more` : shown;
}
