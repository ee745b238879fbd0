import { describe, expect, it } from "vitest";
import { limitViolations } from "../../../src/discord/render/payload.js";
import { renderWhatIf, type WhatIfResult } from "../../../src/discord/render/what-if.js";

/** A what-if result for `k` models (numbers arbitrary): only the shape matters to the renderer. */
function result(k: number): WhatIfResult {
  const names = Array.from({ length: k }, (_, i) => `model_number_${String(i).padStart(3, "0")}`);
  const w = new Float64Array(k).fill(1 / k);
  const f = { rounds: 100, mean: 0.01, sharpe: 0.3, maxDrawdown: 0.1, cvar5: -0.03, turnover: 0 };
  const rounds = { requested: null, window: { count: 100, first: 1, last: 100 }, shared: { count: 100, first: 1, last: 100 }, missingAsZero: false };
  return {
    names,
    label: "your proposal",
    method: null,
    current: { weights: w, source: "equal", used: names.map((name) => ({ name, weight: 1 / k, origin: "equal" as const })) },
    proposed: { weights: w, normalisedFrom: null, unnamed: [] },
    inSample: { current: f, proposed: f },
    oos: { current: f, proposed: f, rounds: 20, firstRound: 81 },
    walkForward: { minFit: 60, rebalanceEvery: 20, resolutionLag: 24, refitted: false },
    cumulative: { rounds: Array.from({ length: 100 }, (_, t) => t + 1), current: new Float64Array(100), proposed: new Float64Array(100) },
    payout: {
      multipliers: [1, 1.5, 2, 2.5, 3],
      rows: names.map((name) => ({ name, weight: 1 / k, byMultiplier: new Float64Array(5).fill(0.01), restLostRounds: 30, byMarginalSharpe: 0.01 })),
      portfolioByMultiplier: new Float64Array(5).fill(0.01 * k),
      portfolioByMarginalSharpe: 0.01 * k,
    },
    caveat: "caveat",
    commonRounds: 100,
    rounds,
    scoreLabel: "score",
    notes: [],
  } as unknown as WhatIfResult;
}

describe("renderWhatIf", () => {
  it("stays within Discord's limits with 60 models and says how many rows each cut table shows", () => {
    const p = renderWhatIf(result(60));
    expect(limitViolations(p)).toEqual([]);
    const embed = p.embeds?.[0];
    expect(embed?.description).toMatch(/Showing \d+ of 60 rows; `modelfolio analyze whatif --json` gives them all\./);
    expect(embed?.fields?.find((x) => x.name.startsWith("Payout rules"))?.value).toMatch(/Showing \d+ of 61 rows/);
  });

  it("says nothing about cut rows when every row fits", () => {
    const p = renderWhatIf(result(3));
    expect(JSON.stringify(p.embeds)).not.toContain("Showing");
  });
});
