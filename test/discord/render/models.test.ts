import { describe, expect, it } from "vitest";
import {
  renderModelAdded,
  renderModelList,
  renderModelRemoved,
  renderScoresReady,
  renderServerOptIn,
  renderWeightSet,
  renderWeightSource,
} from "../../../src/discord/render/models.js";
import type { ModelOverview } from "../../../src/services/model-overview.js";
import { HOSTILE_NAMES, allText, expectNamesInert, expectWellFormed, modelNames, snapshotOf } from "./render-fixtures.js";

function overview(names: readonly string[], nan = false): ModelOverview {
  return {
    rows: names.map((name, i) => ({
      name,
      source: i === 1 ? "import" : "numerai",
      declaredWeight: i === 0 ? 1500 : i === 2 ? 12.5 : null,
      weight: nan ? NaN : 1 / names.length,
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
    ["weight cleared", renderWeightSet("alpha", null), "Cleared the declared weight of **alpha**."],
    ["weight source", renderWeightSource("equal"), "Portfolio views now use equal weights."],
    ["opt out, not in", renderServerOptIn(false, false), "You were not opted in here."],
  ])("words %s in one sentence", (_what, payload, content) => {
    expect(payload.content).toBe(content);
    expect(allText(payload)).not.toMatch(/NaN|Infinity/);
  });
});
