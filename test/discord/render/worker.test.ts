/**
 * The render worker's task function, called on this thread: it turns the event loop before it
 * renders, so the napi finalizers that free earlier charts' native pixels (run from the loop in
 * Node 20) get their turn even when piscina hands a busy worker task after task.
 */
import { describe, expect, it } from "vitest";
import { UserFacingError } from "../../../src/errors.js";
import renderTask from "../../../src/discord/render/worker.js";

describe("renderTask", () => {
  it("lets callbacks queued on the event loop run before it renders", async () => {
    let turned = false;
    setImmediate(() => {
      turned = true;
    });
    let turnedWhenRendering: boolean | undefined;
    const input = {
      get rounds(): never {
        turnedWhenRendering = turned;
        throw new UserFacingError("refused while rendering");
      },
    };
    const outcome = await renderTask({ kind: "prune", input });
    expect(outcome).toEqual({ ok: false, refusal: "refused while rendering" });
    expect(turnedWhenRendering).toBe(true);
  });
});
