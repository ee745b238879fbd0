/**
 * The renderers whose work is heavy enough for the render pool (charts drawn to PNG), by name:
 * the one list the worker dispatches on and the inline renderer uses, so a kind cannot exist in
 * one and not the other. Each takes a service's result (plain data: structured-clonable) and
 * returns the reply payload.
 */
import { renderAllocate } from "./allocate.js";
import { renderContribution } from "./contribution.js";
import { renderCorrelation } from "./correlation.js";
import { renderHistory } from "./history.js";
import type { MessagePayload } from "./payload.js";
import { renderPerformance } from "./performance.js";
import { renderPrune } from "./prune.js";
import { renderServerDiversity } from "./server-diversity.js";

export const RENDERERS = {
  allocate: renderAllocate,
  contribution: renderContribution,
  correlation: renderCorrelation,
  history: renderHistory,
  performance: renderPerformance,
  prune: renderPrune,
  serverDiversity: renderServerDiversity,
} as const satisfies Record<string, (input: never) => MessagePayload>;

export type RenderKind = keyof typeof RENDERERS;
export type RenderInput<K extends RenderKind> = Parameters<(typeof RENDERERS)[K]>[0];

/** Renders `input` with the renderer called `kind`, on this thread. */
export function renderNow<K extends RenderKind>(kind: K, input: RenderInput<K>): MessagePayload {
  const render = RENDERERS[kind] as (input: RenderInput<K>) => MessagePayload;
  return render(input);
}
