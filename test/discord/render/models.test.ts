import { describe, expect, it } from "vitest";
import {
  renderModelAdded,
  renderModelList,
  renderModelRemoved,
  renderScoresReady,
  renderServerOptIn,
  renderWeightsSet,
  renderWeightSource,
} from "../../../src/discord/render/models.js";
import type { ModelOverview } from "../../../src/services/model-overview.js";
import { HOSTILE_NAMES, allText, expectNamesInert, expectWellFormed, modelNames, snapshotOf } from "./render-fixtures.js";

function overview(names: readonly string[], nan = false): ModelOverview {
  return {
    rows: names.map((name, i) => ({
      name,
      source: i === 1 ? "import" : "numerai",
      declaredWeight: i === 0 ? 0.25 : i === 2 ? 0.125 : null,
      weight: nan ? NaN : 1 / names.length,
      origin: i === 0 || i === 2 ? ("declared" as const) : i === 3 ? ("stake" as const) : ("equal" as const),
      latest: i === names.length - 1 ? null : { round: 950 - i, corr: nan ? NaN : 0.0123 - i * 0.001, mmc: i === 0 ? null : 0.004 },
    })),
    weightSource: "declared",
    chosenSource: null,
  };
}

describe("renderModelList", () => {
  it("renders a frozen list (snapshot), marking imported models and missing scores", () => {
    const payload = renderModelList(overview(modelNames(4)));
    expectWellFormed(payload);
    expect(snapshotOf(payload)).toMatchSnapshot();
  });

  it("points a user without models to /models add", () => {
    expect(renderModelList({ rows: [], weightSource: "declared", chosenSource: null }).content).toContain("/models add");
  });

  it("stays within limits for 200 models and attaches every model as CSV", () => {
    const payload = renderModelList(overview(modelNames(200)));
    expectWellFormed(payload);
    expect(payload.files?.find((f) => f.name === "models.csv")?.data.toString("utf8").trim().split("\n")).toHaveLength(201);
  });

  it("keeps hostile names inert and never prints NaN", () => {
    const payload = renderModelList(overview(HOSTILE_NAMES, true));
    expectWellFormed(payload);
    expectNamesInert(payload);
  });
});

describe("model confirmations", () => {
  it.each([
    ["added", renderModelAdded("**bold**", false), "Added **\\*\\*bold\\*\\***. Fetching its scores now; you will get a message when they are in."],
    ["already had", renderModelAdded("alpha", true), "You already track **alpha**."],
    ["scores ready", renderScoresReady("alpha", 312), "Scores for **alpha** are in: 312 rounds."],
    ["removed", renderModelRemoved("@everyone"), "Removed **@\u200beveryone** from your models. Its stored scores stay for others who track it."],
    [
      "weights set",
      renderWeightsSet([{ name: "alpha", weight: null }, { name: "beta", weight: 0.3 }], overview(["alpha", "beta"])),
      "Declared: cleared **alpha**, **beta** 30.0%. Declared weights are shares of your portfolio; models without one get their share of your Numerai stakes if they have one, else an equal share of what is left.",
    ],
    ["weight source", renderWeightSource("equal"), "Portfolio views now use equal weights."],
    ["opt out, not in", renderServerOptIn(false, false), "You were not opted in here."],
  ])("words %s in one sentence", (_what, payload, content) => {
    expect(payload.content).toBe(content);
    expect(allText(payload)).not.toMatch(/NaN|Infinity/);
  });
});
