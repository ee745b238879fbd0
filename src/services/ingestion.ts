import type { Logger } from "../logger.js";
import type { Store } from "../db/open.js";
import type { ModelRepository, ModelRow, RegistrationRepository } from "../db/repositories/models.js";
import type { IngestionRun, IngestionRunRepository } from "../db/repositories/ingestion-runs.js";
import { isProcessAlive } from "../process-identity.js";
import type { ScoreReadRepository } from "../db/repositories/score-reads.js";
import type { RoundRecord, ScoreRow, ScoreWriter } from "../db/repositories/scores.js";
import { asStorageError, StorageError } from "../db/errors.js";
import { AlreadyRunningError, UserFacingError } from "../errors.js";
import { CsvSyntaxError, parseCsv } from "./csv.js";
import { asUserFacing, modelNameProblem, validateModelName } from "./registrations.js";
import { quoteInput } from "./quote-input.js";

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

export interface ImportRequest {
  readonly text: string;
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

/**
 * The long CSV's first columns. Columns after them are read past, so a `/export` file (these four,
 * then the round's details) imports as it is.
 */
export const LONG_CSV_COLUMNS = ["model", "round", "score", "value"] as const;

/** The largest round range one backfill may ask for. */
export const MAX_BACKFILL_ROUNDS = 5000;
/** Import limits: generous for real history (32 models × 355 rounds is ~11k cells), bounded for memory. */
export const MAX_IMPORT_ROWS = 2_000_000;
const MAX_REPORTED_ERRORS = 10;
const SCORE_NAME = /^[a-z][a-z0-9_]{0,63}$/;

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

  function importCsv(req: ImportRequest): ImportResult {
    let records;
    try {
      records = parseCsv(req.text);
    } catch (err) {
      if (err instanceof CsvSyntaxError) throw new UserFacingError(`Import rejected, nothing was written: ${err.message}.`);
      throw err;
    }
    const header = records[0];
    if (!header) throw new UserFacingError("Import rejected: the file is empty.");
    const head = header.fields.map((f) => f.trim());
    const maxRound = deps.reads.latestKnownRound();
    const errors: string[] = [];
    const addError = (line: number, msg: string) => {
      errors.push(`line ${line}: ${msg}`);
    };
    const parseRound = (line: number, raw: string): number | null => {
      const t = raw.trim();
      if (!/^\d+$/.test(t) || Number(t) < 1) {
        addError(line, `round "${clip(t)}" is not a round number`);
        return null;
      }
      const n = Number(t);
      if (maxRound !== null && n > maxRound) {
        addError(line, `round ${n} is unknown (the newest round is ${maxRound})`);
        return null;
      }
      return n;
    };
    const parseValue = (line: number, raw: string, what: string): number | null => {
      const t = raw.trim();
      // Number("") is 0 and Number("0x1") is 1: only plain decimal notation is a score.
      const n = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t) ? Number(t) : NaN;
      if (!Number.isFinite(n)) {
        addError(line, `${what} "${clip(t)}" is not a finite number`);
        return null;
      }
      return n;
    };

    type Pending = { model: string; roundNumber: number; name: string; value: number };
    const pending: Pending[] = [];
    const seen = new Set<string>();
    let format: "wide" | "long";
    const isLong = head.length >= LONG_CSV_COLUMNS.length && head.slice(0, LONG_CSV_COLUMNS.length).join(",").toLowerCase() === LONG_CSV_COLUMNS.join(",");
    if (isLong) {
      format = "long";
      const shape = head.length === LONG_CSV_COLUMNS.length ? LONG_CSV_COLUMNS.join(",") : "as many as the header";
      for (const rec of records.slice(1)) {
        if (rec.fields.length !== head.length) {
          addError(rec.line, `expected ${head.length} fields (${shape}), found ${rec.fields.length}`);
          continue;
        }
        const [modelRaw, roundRaw, scoreRaw, valueRaw] = rec.fields as [string, string, string, string, ...string[]];
        const model = modelRaw.trim().toLowerCase();
        const name = scoreRaw.trim().toLowerCase();
        const badName = model ? modelNameProblem(modelRaw) : "the model name is empty";
        if (badName !== null) addError(rec.line, badName);
        if (!SCORE_NAME.test(name)) addError(rec.line, `score name "${clip(scoreRaw)}" is not a score name (letters, digits, _)`);
        const round = parseRound(rec.line, roundRaw);
        const value = parseValue(rec.line, valueRaw, "value");
        if (badName !== null || round === null || value === null || !SCORE_NAME.test(name)) continue;
        const key = `${model}\u0000${round}\u0000${name}`;
        if (seen.has(key)) addError(rec.line, `duplicate: ${model}, round ${round}, ${name} appears more than once`);
        seen.add(key);
        pending.push({ model, roundNumber: round, name, value });
        if (pending.length > MAX_IMPORT_ROWS) throw new UserFacingError(`Import rejected: more than ${MAX_IMPORT_ROWS} rows.`);
      }
    } else if ((head[0] ?? "").replace(/^"|"$/g, "") === "roundNumber") {
      format = "wide";
      const name = (req.scoreName ?? "").trim().toLowerCase();
      if (!name) throw new UserFacingError("A wide CSV needs the score name of its values (e.g. --score canon_corr).");
      if (!SCORE_NAME.test(name)) throw new UserFacingError(`"${clip(name)}" is not a score name (letters, digits, _).`);
      const modelCols = head.slice(1).map((h) => h.toLowerCase());
      if (modelCols.length === 0) throw new UserFacingError("Import rejected: the header names no model columns.");
      const dupCol = modelCols.find((c, i) => modelCols.indexOf(c) !== i);
      if (dupCol !== undefined) addError(header.line, `model column "${clip(dupCol)}" appears twice`);
      if (modelCols.some((c) => c === "")) addError(header.line, "a model column has no name");
      for (const c of modelCols) {
        const badName = c === "" ? null : modelNameProblem(c);
        if (badName !== null) addError(header.line, `model column ${badName}`);
      }
      for (const rec of records.slice(1)) {
        if (rec.fields.length !== head.length) {
          addError(rec.line, `expected ${head.length} fields, found ${rec.fields.length}`);
          continue;
        }
        const round = parseRound(rec.line, rec.fields[0] as string);
        if (round !== null) {
          if (seen.has(String(round))) addError(rec.line, `duplicate: round ${round} appears more than once`);
          seen.add(String(round));
        }
        modelCols.forEach((model, i) => {
          const raw = (rec.fields[i + 1] as string).trim();
          if (raw === "NA" || raw === "") return;
          const value = parseValue(rec.line, raw, `${model}`);
          if (round !== null && value !== null) pending.push({ model, roundNumber: round, name, value });
        });
        if (pending.length > MAX_IMPORT_ROWS) throw new UserFacingError(`Import rejected: more than ${MAX_IMPORT_ROWS} rows.`);
      }
    } else {
      throw new UserFacingError(
        'Import rejected: the header is neither a wide CSV ("roundNumber", then one column per model) nor a long one ("model,round,score,value").',
      );
    }
    if (errors.length > 0) {
      const more = errors.length > MAX_REPORTED_ERRORS ? ` (and ${errors.length - MAX_REPORTED_ERRORS} more)` : "";
      throw new UserFacingError(
        `Import rejected, nothing was written: ${errors.slice(0, MAX_REPORTED_ERRORS).join("; ")}${more}.`,
      );
    }
    if (pending.length === 0) throw new UserFacingError("Import rejected: the file holds no scores.");

    const allNames = [...new Set(pending.map((p) => p.model))].sort();
    let runId: number;
    let written: Pending[] = [];
    let numeraiModels: string[] = [];
    try {
      runId = deps.writer.writeBatch(() => {
        // A model whose id Numerai confirmed keeps Numerai's scores: its rows are skipped, never
        // written over (decided inside the transaction, so a registration cannot slip in between).
        numeraiModels = allNames.filter((n) => deps.models.findByName(n)?.source === "numerai");
        const skip = new Set(numeraiModels);
        written = pending.filter((p) => !skip.has(p.model));
        if (written.length === 0) {
          throw new UserFacingError(
            `Import rejected, nothing was written: every row belongs to a model whose scores come from Numerai (${nameListText(numeraiModels)}); imports never overwrite them.`,
          );
        }
        const params = { fileName: req.fileName ?? null, format, scoreName: req.scoreName ?? null, rows: written.length, skippedRows: pending.length - written.length };
        const run = deps.runs.start("import", params, 1, req.requestedBy ?? null, now());
        const ids = new Map(allNames.filter((n) => !skip.has(n)).map((n) => [n, deps.models.ensureImported(n).id]));
        const rows: ScoreRow[] = written.map((p) => ({
          modelId: ids.get(p.model) as string,
          roundNumber: p.roundNumber,
          name: p.name,
          value: p.value,
          percentile: null,
        }));
        const n = deps.writer.writeScoreRows(rows);
        deps.runs.advance(run.id, null, 1, n, now());
        deps.runs.succeed(run.id, now());
        return run.id;
      });
    } catch (err) {
      if (err instanceof UserFacingError && !(err instanceof StorageError)) throw err;
      throw storageFailure(err, { fileName: req.fileName, rows: pending.length }, "import");
    }
    const modelNames = allNames.filter((n) => !numeraiModels.includes(n));
    const skippedRows = pending.length - written.length;
    let first = Infinity;
    let last = -Infinity;
    for (const p of written) {
      first = Math.min(first, p.roundNumber);
      last = Math.max(last, p.roundNumber);
    }
    log.info({ runId, format, rows: written.length, skippedRows, models: modelNames.length, requestedBy: req.requestedBy }, "import finished");
    return {
      runId,
      format,
      rows: written.length,
      models: modelNames,
      scoreNames: [...new Set(written.map((p) => p.name))].sort(),
      rounds: { first, last },
      skipped: { rows: skippedRows, numeraiModels },
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

function clip(s: string, n = 40): string {
  return quoteInput(s, n);
}
