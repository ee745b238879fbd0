/**
 * The render pool's worker (piscina): one task = one reply rendered from a service's result (the
 * service ran on the main thread, against the process's one series cache). Nothing is kept
 * between tasks but the loaded fonts and glyph outlines. A UserFacingError is returned as its
 * sentence (an Error crossing threads loses its class), so the router's one error path shows it as
 * the same ephemeral refusal; any other error is thrown and reaches the router as a fault (the
 * apology with an error id). The PNG bytes go back to the main thread transferred, not copied.
 */
import { setImmediate as nextTurn } from "node:timers/promises";
import { move, transferableSymbol, valueSymbol } from "piscina";
import { isUserFacing } from "../../errors.js";
import type { MessagePayload } from "./payload.js";
import { renderNow, type RenderKind } from "./registry.js";

export interface RenderTask {
  readonly kind: RenderKind;
  readonly input: unknown;
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
    payload = renderNow(task.kind, task.input as never);
  } catch (err) {
    if (isUserFacing(err)) return { ok: false, refusal: err.message };
    throw err;
  }
  const outcome: RenderOutcome = { ok: true, payload };
  const transfer = ownedBuffers(payload);
  return transfer.length === 0 ? outcome : moving(outcome, transfer);
}
