import { describe, expect, it } from "vitest";
import { HISTORY_FILE_NAME, renderHistory } from "../../../src/discord/render/history.js";
import { readPngHeader } from "./charts/decode-png.js";
import { HOSTILE_NAMES, allText, expectNamesInert, expectWellFormed, historyResult, modelNames } from "./render-fixtures.js";

describe("renderHistory", () => {
  it("attaches the stacked chart at 1× and states first and latest effective bets and Sharpe", () => {
    const r = historyResult(modelNames(4));
    const payload = renderHistory(r);
    expectWellFormed(payload);
    const embed = payload.embeds?.[0];
    expect(embed?.image?.url).toBe(`attachment://${HISTORY_FILE_NAME}`);
    expect(readPngHeader(payload.files?.[0]?.data as Buffer).width).toBe(800);
    expect(embed?.description).toContain(`**Effective bets**: ${r.betsFirst!.value.toFixed(1)} (round 1020) → **${r.betsLatest!.value.toFixed(1)} (round 1080)**.`);
    expect(embed?.fields?.map((f) => f.name)).toEqual(["Weights used", "Definitions"]);
  });

  it("stays within limits for 200 models, drawing the 8 most correlated with the rest", () => {
    const payload = renderHistory(historyResult(modelNames(200)));
    expectWellFormed(payload);
    expect(payload.embeds?.[0]?.description).toMatch(/Showing \d+ of 200 models, most correlated with the rest first\./);
  });

  it("keeps hostile model names inert", () => {
    expectNamesInert(renderHistory(historyResult(HOSTILE_NAMES)));
  });

  it("never prints NaN when the latest windows are undefined", () => {
    const payload = renderHistory(historyResult(modelNames(3), { nan: true }));
    expectWellFormed(payload);
    expect(allText(payload)).toContain("**Effective bets**:");
    expect(allText(payload)).toMatch(/→ \*\*n\/a\*\*/);
  });
});
