import { describe, expect, it } from "vitest";
import { renderPerformance } from "../../../src/discord/render/performance.js";
import { HOSTILE_NAMES, allText, expectNamesInert, expectWellFormed, modelNames, performanceResult, snapshotOf } from "./render-fixtures.js";

describe("renderPerformance", () => {
  it("renders a frozen three-model result (snapshot)", () => {
    const payload = renderPerformance(performanceResult(modelNames(3)));
    expectWellFormed(payload);
    expect(snapshotOf(payload)).toMatchSnapshot();
  });

  it("shows one model's statistics as fields with the cumulative chart", () => {
    const payload = renderPerformance(performanceResult(["only_model"]));
    expectWellFormed(payload);
    const fields = payload.embeds?.[0]?.fields ?? [];
    expect(fields.map((f) => f.name)).toEqual([
      "Rounds",
      "Mean",
      "Std dev",
      "Sharpe",
      "Sortino",
      "Max drawdown",
      "Calmar",
      "Hit rate",
      "CVaR 5%",
      "Paid in NMR (as Numerai reported)",
      "Definitions",
    ]);
    expect(fields[9]?.value).toBe("+3.2500 NMR over 40 staked rounds (0.067% per unit staked, mean at risk 120.50); at risk 130.00 in round 839");
    expect(fields[0]?.value).toBe("120 (rounds 800–839)");
    expect(payload.embeds?.[0]?.image?.url).toBe("attachment://performance.png");
    expect(payload.files?.[0]?.name).toBe("performance.png");
  });

  it("stays within limits for 200 models and attaches every row as CSV", () => {
    const payload = renderPerformance(performanceResult(modelNames(200)));
    expectWellFormed(payload);
    const csv = payload.files?.find((f) => f.name === "performance.csv")?.data.toString("utf8") ?? "";
    expect(csv.trim().split("\n")).toHaveLength(201);
  });

  it("keeps hostile model names inert", () => {
    const payload = renderPerformance(performanceResult(HOSTILE_NAMES));
    expectWellFormed(payload);
    expectNamesInert(payload);
  });

  it("never prints NaN or Infinity, for one model or many", () => {
    expectWellFormed(renderPerformance(performanceResult(modelNames(4), { nan: true })));
    const one = renderPerformance(performanceResult(["m"], { nan: true }));
    expectWellFormed(one);
    expect(allText(one)).toContain("Not enough data: no scores in this window.");
  });
});
