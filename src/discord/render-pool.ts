/**
 * Where charts are drawn: a piscina pool of worker threads (RENDER_WORKERS, default the cores up
 * to 4), so a crowd of analyses rasterises on every core while the main thread keeps answering
 * interactions and running the analyses against the process's one series cache (kept warm by
 * src/jobs/warm-series.ts; a cache per worker would be read cold and held N times). A task carries
 * a service's result in (structured clone: it may share arrays with the series cache, so nothing is
 * transferred in) and the payload out (PNG bytes transferred). One error path: a refusal inside the
 * worker comes back as the same UserFacingError; any other failure, a crashed worker included,
 * rejects with an Error that the router turns into its apology. piscina replaces a worker that
 * died. RENDER_WORKERS=0 renders on the main thread (the shell does too).
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Piscina } from "piscina";
import { UserFacingError } from "../errors.js";
import type { MessagePayload } from "./render/payload.js";
import { renderNow, type RenderInput, type RenderKind } from "./render/registry.js";
import type { RenderOutcome, RenderTask } from "./render/worker.js";

export interface Renderer {
  render<K extends RenderKind>(kind: K, input: RenderInput<K>): Promise<MessagePayload>;
  close(): Promise<void>;
}

/** Renders on the calling thread. */
export const inlineRenderer: Renderer = {
  render: (kind, input) => Promise.resolve().then(() => renderNow(kind, input)),
  close: () => Promise.resolve(),
};

/**
 * The worker module beside this one: compiled JavaScript when running from dist/, else the
 * TypeScript source, which a worker thread only loads with tsx's loader (it does not inherit a
 * loader registered at run time, as bin/launch.js and vitest do).
 */
export function workerModule(here: string = import.meta.url): { filename: string; execArgv: string[] } {
  const js = new URL("./render/worker.js", here);
  if (here.endsWith(".js") && existsSync(fileURLToPath(js))) return { filename: js.href, execArgv: [] };
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
  return { filename: new URL("./render/worker.ts", here).href, execArgv: ["--import", tsx] };
}

export function createRenderPool(options: { threads: number; filename?: string }): Renderer {
  const module = workerModule();
  const pool = new Piscina<RenderTask, RenderOutcome>({
    filename: options.filename ?? module.filename,
    execArgv: options.filename?.endsWith(".js") ? [] : module.execArgv,
    minThreads: options.threads,
    maxThreads: options.threads,
    // A chart task never waits on I/O: more than one at a time per thread only adds latency.
    concurrentTasksPerWorker: 1,
  });
  async function run(task: RenderTask): Promise<MessagePayload> {
    let outcome: RenderOutcome;
    try {
      outcome = await pool.run(task);
    } catch (err) {
      throw new Error(`rendering ${task.kind} failed in the render pool`, { cause: err });
    }
    if (!outcome.ok) throw new UserFacingError(outcome.refusal);
    // Transferred bytes arrive as Uint8Array; discord.js wants Buffers.
    return { ...outcome.payload, ...(outcome.payload.files ? { files: outcome.payload.files.map((f) => ({ ...f, data: Buffer.from(f.data.buffer, f.data.byteOffset, f.data.byteLength) })) } : {}) };
  }
  return {
    render: (kind, input) => run({ kind, input }),
    close: () => pool.destroy(),
  };
}

/** The pool for `threads` workers, or the inline renderer for 0. */
export function rendererFor(threads: number): Renderer {
  return threads === 0 ? inlineRenderer : createRenderPool({ threads });
}
