import { describe, expect, it } from "vitest";
import { leaveOneOutSentences, renderContribution } from "../../../src/discord/render/contribution.js";
import { HOSTILE_NAMES, allText, contributionResult, expectNamesInert, expectWellFormed, hedge, modelNames, snapshotOf, stats } from "./render-fixtures.js";

const row = (name: string, leaveOneOut: number) => ({
  name,
  weight: 0.5,
  stats: stats(1),
  gradient: 0,
  leaveOneOut,
  riskShare: 0.5,
  hedge: hedge(1),
});

describe("renderContribution", () => {
  it("renders a frozen four-model result (snapshot)", () => {
    const payload = renderContribution(contributionResult(modelNames(4)));
    expectWellFormed(payload);
    expect(snapshotOf(payload)).toMatchSnapshot();
  });

  it("attaches the leave-one-out bar chart and names which measure says helps or hurts", () => {
    const payload = renderContribution(contributionResult(modelNames(4)));
    expect(payload.files?.map((f) => f.name)).toEqual(["contribution.png"]);
    expect(payload.embeds?.[0]?.image?.url).toBe("attachment://contribution.png");
    const text = allText(payload);
    expect(text).toContain("**LOO ΔSR** — leave-one-out");
    expect(text).toMatch(/Removing \*\*model\\_\d{3}\*\* would lower your Sharpe by \d\.\d{3}, so it helps the most\./);
  });

  it("stays within limits for 200 models, showing the rows that fit and attaching every row as CSV", () => {
    const payload = renderContribution(contributionResult(modelNames(200)));
    expectWellFormed(payload);
    expect(payload.embeds?.[0]?.description).toMatch(/Showing \d+ of 200 models/);
    const csv = payload.files?.find((f) => f.name === "contribution.csv")?.data.toString("utf8") ?? "";
    expect(csv.trim().split("\n")).toHaveLength(201);
  });

  it("keeps hostile model names inert", () => {
    const payload = renderContribution(contributionResult(HOSTILE_NAMES));
    expectWellFormed(payload);
    expectNamesInert(payload);
  });

  it("never prints NaN or Infinity when statistics are undefined", () => {
    const payload = renderContribution(contributionResult(modelNames(5), { nan: true }));
    expectWellFormed(payload);
    expect(allText(payload)).toContain("Leave-one-out is not defined here");
  });
});

describe("leaveOneOutSentences", () => {
  it("names the model whose removal lowers the Sharpe as helping and the one whose removal raises it as hurting", () => {
    expect(leaveOneOutSentences([row("a", 0.04), row("b", 0.001), row("c", -0.02)])).toEqual([
      "Removing **a** would lower your Sharpe by 0.040, so it helps the most.",
      "Removing **c** would raise your Sharpe by 0.020, so it hurts the most.",
    ]);
  });

  it("leaves models without weight out of helps/hurts, and the renderer says why", () => {
    const rows = [row("a", 0.04), { ...row("b", 0), weight: 0 }, { ...row("c", 0), weight: 0 }];
    expect(leaveOneOutSentences(rows)).toEqual([
      "Removing **a** would lower your Sharpe by 0.040, so it helps the most.",
      "No model hurts: removing any single one would not raise your Sharpe.",
    ]);
    const r = contributionResult(["a", "b", "c"]);
    const payload = renderContribution({ ...r, rows: r.rows.map((x, i) => ({ ...x, weight: i === 0 ? 1 : 0 })) });
    expect(payload.embeds?.[0]?.description).toContain("2 models have weight 0, so removing them changes nothing");
  });

  it("says no model hurts when every leave-one-out is positive", () => {
    expect(leaveOneOutSentences([row("a", 0.04), row("b", 0.01)])[1]).toBe("No model hurts: removing any single one would not raise your Sharpe.");
  });
});
