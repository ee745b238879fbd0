/**
 * The analyses a worker thread can run whole — the service call and its reply's rendering — with
 * its own read-only SQLite connection and series cache, so a crowd of them spreads over the cores
 * while the main thread keeps answering Discord (issue 13). Each name is a portfolio service
 * method and the renderer of its result, so the list is one list of names. A request is plain
 * data (structured-clonable): who, the options, and what the reply carries besides the result.
 */
import type { PortfolioService, Selection } from "../services/portfolio.js";
import type { MessagePayload } from "./render/payload.js";
import { renderNow, type RenderInput } from "./render/registry.js";

export const ANALYSIS_KINDS = ["correlation", "contribution", "performance"] as const;

export type AnalysisKind = (typeof ANALYSIS_KINDS)[number];

export interface AnalysisRequest<K extends AnalysisKind = AnalysisKind> {
  readonly selection: Selection;
  readonly options: Parameters<PortfolioService[K]>[1];
  /** Merged into the service's result before rendering: what Discord's reply carries besides it (the view). */
  readonly extra: Omit<RenderInput<K>, keyof ReturnType<PortfolioService[K]>>;
}

/** The service's result for an analysis, ready for its renderer. */
export function analysisResult<K extends AnalysisKind>(portfolio: PortfolioService, kind: K, request: AnalysisRequest<K>): RenderInput<K> {
  const method = portfolio[kind] as (selection: Selection, options: AnalysisRequest<K>["options"]) => ReturnType<PortfolioService[K]>;
  return { ...method(request.selection, request.options), ...request.extra };
}

/** Runs an analysis and renders its reply on this thread. */
export function runAnalysis<K extends AnalysisKind>(portfolio: PortfolioService, kind: K, request: AnalysisRequest<K>): MessagePayload {
  return renderNow(kind, analysisResult(portfolio, kind, request));
}
