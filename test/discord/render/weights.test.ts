import { describe, expect, it } from "vitest";
import { weightsUsedText } from "../../../src/discord/render/weights.js";

describe("weightsUsedText", () => {
  it("groups by origin, largest first, and says a shared equal share once", () => {
    expect(
      weightsUsedText([
        { name: "b", weight: 0.2, origin: "declared" },
        { name: "a", weight: 0.3, origin: "declared" },
        { name: "c", weight: 0.3, origin: "stake" },
        { name: "d", weight: 0.1, origin: "equal" },
        { name: "e", weight: 0.1, origin: "equal" },
      ]),
    ).toBe("declared: a 30.0%, b 20.0% · Numerai stake: c 30.0% · equal share, 10.0% each: d, e");
  });

  it("falls back to counts per origin when the names do not fit", () => {
    const used = Array.from({ length: 200 }, (_, i) => ({ name: `model_${i}`, weight: 1 / 200, origin: i < 100 ? ("stake" as const) : ("equal" as const) }));
    expect(weightsUsedText(used, 1024)).toBe("Numerai stake: 100 models, 50.0% in all · equal share: 100 models, 50.0% in all");
  });
});
