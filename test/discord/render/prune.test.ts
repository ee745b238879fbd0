import { describe, expect, it } from "vitest";
import { pruneReason, renderPrune, type PruneResult } from "../../../src/discord/render/prune.js";
import { HOSTILE_NAMES, SHARED_ROUNDS, allText, expectNamesInert, expectWellFormed, modelNames } from "./render-fixtures.js";

function pruneResult(names: readonly string[], drops: number, nan = false): PruneResult {
  let sharpe = 0.6;
  const steps = names.slice(0, drops).map((drop, i) => {
    const before = sharpe;
    sharpe += 0.01;
    return {
      drop,
      sharpeBefore: nan ? NaN : before,
      sharpeAfter: nan ? NaN : sharpe,
      deltaSharpe: nan ? NaN : 0.01,
      mostCorrelatedWith: i % 2 === 0 ? (names[names.length - 1] as string) : null,
      rho: nan ? NaN : 0.95,
    };
  });
  const kept = names.slice(drops);
  return {
    steps,
    kept,
    keptWeights: kept.map(() => 1 / kept.length),
    portfolioSharpeBefore: nan ? NaN : 0.6,
    portfolioSharpeAfter: nan ? Infinity : sharpe,
    threshold: 0.005,
    nearDuplicateRho: 0.9,
    weightSource: "equal",
    weights: names.map((name) => ({ name, weight: 1 / names.length, origin: "equal" as const })),
    commonRounds: 150,
    rounds: SHARED_ROUNDS,
    scoreLabel: "canon_corr",
    notes: [],
  };
}

describe("renderPrune", () => {
  it("renders a frozen three-step result (snapshot)", () => {
    const payload = renderPrune(pruneResult(modelNames(6), 3));
    expectWellFormed(payload);
    expect(payload).toMatchSnapshot();
  });

  it("says there is nothing to drop when no step helps", () => {
    const payload = renderPrune(pruneResult(modelNames(4), 0));
    expectWellFormed(payload);
    expect(payload.embeds?.[0]?.description).toBe(
      "Nothing to drop: no single removal raises your portfolio Sharpe (0.600 per round) by more than 0.005.\n" +
        "Rounds: all 150 resolved rounds (800–949), all shared by every model.",
    );
  });

  it("stays within limits for 200 models with 150 steps and attaches every step as CSV", () => {
    const payload = renderPrune(pruneResult(modelNames(200), 150));
    expectWellFormed(payload);
    const csv = payload.files?.find((f) => f.name === "prune.csv")?.data.toString("utf8") ?? "";
    expect(csv.trim().split("\n")).toHaveLength(151);
  });

  it("keeps hostile model names inert", () => {
    const payload = renderPrune(pruneResult(HOSTILE_NAMES, 6));
    expectWellFormed(payload);
    expectNamesInert(payload);
  });

  it("never prints NaN or Infinity", () => {
    const payload = renderPrune(pruneResult(modelNames(5), 2, true));
    expectWellFormed(payload);
    expect(allText(payload)).toContain("Portfolio Sharpe n/a → n/a.");
  });
});

describe("pruneReason", () => {
  const step = { drop: "a", sharpeBefore: 0.5, sharpeAfter: 0.52, deltaSharpe: 0.02, mostCorrelatedWith: "b", rho: 0.95 };
  it("names the near-duplicate a drop copies", () => {
    expect(pruneReason(step, 0.9)).toBe("ρ = 0.95 with b; dropping it raises Sharpe by 0.020");
  });
  it("else gives the Sharpe rise and the closest model, or only the rise when there is none", () => {
    expect(pruneReason({ ...step, rho: 0.4 }, 0.9)).toBe("dropping it raises Sharpe by 0.020 (ΔSR +0.020); closest: b (ρ = 0.40)");
    expect(pruneReason({ ...step, mostCorrelatedWith: null, rho: NaN }, 0.9)).toBe("dropping it raises Sharpe by 0.020 (ΔSR +0.020)");
  });
});
