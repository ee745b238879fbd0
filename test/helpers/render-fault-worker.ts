/**
 * A render-pool worker for the error-path tests: the real worker, except that /prune's render
 * refuses (a UserFacingError thrown inside the worker) and /performance's kills the worker
 * thread, as a native crash or an out-of-memory would. Every other kind renders for real.
 */
import { UserFacingError } from "../../src/errors.js";
import renderTask, { type RenderTask } from "../../src/discord/render/worker.js";

export const REFUSAL = "This refusal was raised inside the render worker.";

export default function faultyRenderTask(task: RenderTask): ReturnType<typeof renderTask> {
  if (task.kind === "prune") return renderTask({ kind: "prune", input: { get rounds(): never { throw new UserFacingError(REFUSAL); } } });
  if (task.kind === "performance") process.exit(70);
  return renderTask(task);
}
