/**
 * The render pool's worker (piscina): one task = one reply rendered from a service's result, or
 * (an analysis task) the service call too, against this worker's own read-only connection to the
 * bot's SQLite file and its own series cache: those are the only state kept between tasks, and
 * the cache checks the store's score versions on every use, so a write by the main thread (a sync,
 * an import) is seen by the next task. A UserFacingError is returned as its sentence (an Error crossing threads
 * loses its class), so the router's one error path shows it as the same ephemeral refusal; any
 * other error is thrown and reaches the router as a fault (the apology with an error id). The PNG
 * bytes go back to the main thread transferred, not copied.
 */
import { setImmediate as nextTurn } from "node:timers/promises";
import { move, transferableSymbol, valueSymbol, workerData } from "piscina";
import { openDatabase } from "../../db/open.js";
import { createModelRepository, createRegistrationRepository, createUserSettingsRepository } from "../../db/repositories/models.js";
import { createScoreReadRepository } from "../../db/repositories/score-reads.js";
import { isUserFacing } from "../../errors.js";
import { createPortfolioService, type PortfolioService } from "../../services/portfolio.js";
import { createSeriesCache } from "../../services/series.js";
import { runAnalysis, type AnalysisKind, type AnalysisRequest } from "../analyses.js";
import type { MessagePayload } from "./payload.js";
import { renderNow, type RenderKind } from "./registry.js";

/** What a pool that runs analyses gives each worker: the store to open read-only. */
export interface AnalysisWorkerData {
  readonly databasePath: string;
  readonly tournament: number;
  readonly maxCachedRounds: number;
}

export type RenderTask =
  | { readonly kind: RenderKind; readonly input: unknown }
  | { readonly kind: AnalysisKind; readonly request: AnalysisRequest };

let portfolio: PortfolioService | null = null;

/** This worker's portfolio service over its own read-only connection, opened on the first analysis. */
function portfolioOfWorker(): PortfolioService {
  if (portfolio) return portfolio;
  const data = workerData as AnalysisWorkerData | undefined;
  if (!data?.databasePath) throw new Error("this render pool was started without a database: it renders, it does not run analyses");
  const store = openDatabase(data.databasePath, { readonly: true });
  const reads = createScoreReadRepository(store.db, data.tournament);
  portfolio = createPortfolioService({
    models: createModelRepository(store.db, data.tournament),
    registrations: createRegistrationRepository(store.db, data.tournament),
    settings: createUserSettingsRepository(store.db),
    reads,
    series: createSeriesCache(reads, { maxCachedRounds: data.maxCachedRounds }),
  });
  return portfolio;
}

export type RenderOutcome = { readonly ok: true; readonly payload: MessagePayload } | { readonly ok: false; readonly refusal: string };

/** The ArrayBuffers a payload's files own outright (a Buffer cut from Node's shared pool is copied instead). */
export function ownedBuffers(payload: MessagePayload): ArrayBuffer[] {
  const owned = new Set<ArrayBuffer>();
  for (const f of payload.files ?? []) {
    const b = f.data.buffer;
    if (b instanceof ArrayBuffer && f.data.byteOffset === 0 && f.data.byteLength === b.byteLength) owned.add(b);
  }
  return [...owned];
}

/** What piscina sends back with `transfer` moved, not copied (its Transferable shape, marked by `move`). */
function moving(value: RenderOutcome, transfer: ArrayBuffer[]): object {
  return move({ [transferableSymbol]: transfer, [valueSymbol]: value });
}

/**
 * One task, after a turn of this thread's event loop. resvg's images hold their pixels in native
 * memory that Node frees in napi finalizers, and Node 20 runs those from the event loop
 * (setImmediate) after a GC. A busy piscina worker takes task after task without returning to its
 * loop, so nothing was ever freed: ~2.5–5 MB per chart, the pool's RSS growing ~750 MB an hour in
 * the soak. The turn lets the finalizers of earlier charts run; it costs well under a millisecond.
 */
export default async function renderTask(task: RenderTask): Promise<RenderOutcome | object> {
  await nextTurn();
  let payload: MessagePayload;
  try {
    payload = "request" in task ? runAnalysis(portfolioOfWorker(), task.kind, task.request) : renderNow(task.kind, task.input as never);
  } catch (err) {
    if (isUserFacing(err)) return { ok: false, refusal: err.message };
    throw err;
  }
  const outcome: RenderOutcome = { ok: true, payload };
  const transfer = ownedBuffers(payload);
  return transfer.length === 0 ? outcome : moving(outcome, transfer);
}
