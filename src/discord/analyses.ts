/**
 * The analyses whose reply is a chart: the service call on the main thread (against the process's
 * one series cache), the rendering through the bot's renderer (its pool, issue 13). Each name is a
 * portfolio service method and the renderer of its result, so the list is one list of names. A
 * request is plain data: who, the options, and what the reply carries besides the result.
 */
import type { PortfolioService, Selection } from "../services/portfolio.js";
import type { RenderInput } from "./render/registry.js";

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
