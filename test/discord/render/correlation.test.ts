import { describe, expect, it } from "vitest";
import { effectiveBetsText, renderCorrelation } from "../../../src/discord/render/correlation.js";
import { DISAGREEING_BETS, HOSTILE_NAMES, NAN_BETS, allText, correlationResult, expectNamesInert, expectWellFormed, modelNames, snapshotOf } from "./render-fixtures.js";

describe("renderCorrelation", () => {
  it("renders a frozen five-model result (snapshot)", () => {
    const payload = renderCorrelation(correlationResult(modelNames(5)));
    expectWellFormed(payload);
    expect(snapshotOf(payload)).toMatchSnapshot();
  });

  it("leads with the participation ratio as independent bets and shows all four measures", () => {
    const text = allText(renderCorrelation(correlationResult(modelNames(12))));
    expect(text).toContain("Your 12 models behave like **2.7 independent bets**");
    expect(text).toContain("average-correlation bets **3.1**");
    expect(text).toContain("with your weights, Meucci's entropy bets **2.5** and minimum-torsion bets **3.9**");
  });

  it("lists near-duplicate clusters and the most correlated pair first", () => {
    const r = correlationResult(modelNames(6));
    const payload = renderCorrelation(r);
    const fields = payload.embeds?.[0]?.fields ?? [];
    const top = fields.find((f) => f.name.startsWith("Most correlated"));
    const first = r.pairs[0]!;
    expect(top?.value.split("\n")[3]).toContain(first.a);
    expect(top?.value.split("\n")[3]).toContain(first.b);
    expect(fields.find((f) => f.name.startsWith("Near-duplicates"))?.value).toContain("3 models: model\\_001, model\\_002, model\\_003");
  });

  it("attaches the heatmap and references it from the embed", () => {
    const payload = renderCorrelation(correlationResult(modelNames(4)));
    expect(payload.files?.map((f) => f.name)).toEqual(["correlation.png"]);
    expect(payload.embeds?.[0]?.image?.url).toBe("attachment://correlation.png");
  });

  it("stays within Discord's limits for 200 models and attaches the matrix as CSV", () => {
    const payload = renderCorrelation(correlationResult(modelNames(200)));
    expectWellFormed(payload);
    const csv = payload.files?.find((f) => f.name === "correlation.csv");
    expect(csv?.data.toString("utf8").split("\n")).toHaveLength(202); // header, 200 rows, final newline
  });

  it("lays the heatmap's matrix out in the service's cluster order and says so", () => {
    const names = modelNames(16);
    const order = names.map((_, i) => (i * 5) % 16); // 5 is coprime to 16: a permutation
    const r = correlationResult(names, { order });
    const payload = renderCorrelation(r);
    const rows = (payload.files?.find((f) => f.name === "correlation.csv")?.data.toString("utf8") ?? "").trim().split("\n");
    expect(rows[0]).toBe(["model", ...order.map((i) => names[i])].join(","));
    const [a, b] = [order[1] as number, order[2] as number];
    expect(Number(rows[2]?.split(",")[3])).toBe(r.matrix.values[a * 16 + b]);
    expect(payload.embeds?.[0]?.description).toContain("models in cluster order (the single linkage HRP uses), so near-duplicates sit together");
  });

  it("keeps hostile model names inert and the tables intact", () => {
    const payload = renderCorrelation(correlationResult(HOSTILE_NAMES));
    expectWellFormed(payload);
    expectNamesInert(payload);
  });

  it("never prints NaN or Infinity when statistics are undefined", () => {
    const payload = renderCorrelation(correlationResult(modelNames(8), { nan: true }));
    expectWellFormed(payload);
    expect(allText(payload)).toContain("not defined here");
  });

  it("says why the effective number of bets is missing when the service could not compute it", () => {
    const r = { ...correlationResult(modelNames(3)), bets: { error: "Only 5 rounds are shared by all 3 models (at least 20 needed)." } };
    const payload = renderCorrelation(r);
    expectWellFormed(payload);
    expect(payload.embeds?.[0]?.description).toContain("not computed. Only 5 rounds are shared");
  });

  it("says so when no pair has enough shared rounds", () => {
    const r = { ...correlationResult(modelNames(2)), pairs: [] };
    expect(allText(renderCorrelation(r))).toContain("No pair shares 20 or more rounds");
  });
});

describe("effectiveBetsText", () => {
  it("uses one decimal for the headline", () => {
    expect(effectiveBetsText({ ...DISAGREEING_BETS, participationRatio: 1.04999 }, 3)).toContain("behave like **1.0 independent bets**");
  });

  it("says to set the entropy bets aside for minimum-torsion when they differ by more than the threshold", () => {
    const text = effectiveBetsText(DISAGREEING_BETS, 3);
    expect(text).toContain("**Which to trust:** the headline for how many independent bets you hold; minimum-torsion for how evenly your weights spread risk");
    expect(text).toContain("The entropy bets differ from minimum-torsion by more than 1 here: set them aside");
  });

  it("states the rule without a verdict when the weighted figures agree", () => {
    const text = effectiveBetsText({ ...DISAGREEING_BETS, minimumTorsion: 2.8, weightedDisagree: false }, 3);
    expect(text).toContain("Which to trust: the headline for how many independent bets you hold;");
    expect(text).toContain("over the entropy bets whenever the two differ by more than 1.");
    expect(text).not.toContain("**Which to trust:**");
  });

  it("says why minimum-torsion bets are missing when they are not defined", () => {
    expect(effectiveBetsText({ ...NAN_BETS, participationRatio: 1 }, 3)).toContain(
      "minimum-torsion bets not defined (a model is a copy of others to within rounding, or there are fewer shared rounds than models)",
    );
  });
});
