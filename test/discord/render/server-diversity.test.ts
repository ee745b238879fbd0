import { describe, expect, it } from "vitest";
import { diversityReading, renderServerDiversity } from "../../../src/discord/render/server-diversity.js";
import { allText, expectWellFormed, serverDiversityResult, snapshotOf } from "./render-fixtures.js";

describe("renderServerDiversity", () => {
  it("renders a frozen result (snapshot) with the two histograms attached", () => {
    const payload = renderServerDiversity(serverDiversityResult());
    expectWellFormed(payload);
    expect(payload.embeds?.[0]?.image?.url).toBe("attachment://server-diversity.png");
    expect(snapshotOf(payload)).toMatchSnapshot();
  });

  it("reads a within-member excess as members' own models being more alike, with both means", () => {
    const text = allText(renderServerDiversity(serverDiversityResult()));
    expect(text).toMatch(/Pairs of one member's models correlate more than pairs from two members \(mean ρ 0\.\d\d vs 0\.\d\d\)/);
    expect(text).toMatch(/Near-duplicates \(ρ ≥ 0\.90\): \d+ of 30 pairs within a member, \d+ of 120 pairs across members/);
  });

  it("never prints NaN when no pair has enough shared rounds", () => {
    const payload = renderServerDiversity(serverDiversityResult({ nan: true }));
    expectWellFormed(payload);
    expect(allText(payload)).toContain("Within a member: no pairs with enough shared rounds.");
    expect(allText(payload)).toContain("Not enough data to compare the two groups yet.");
  });
});

describe("diversityReading", () => {
  // One rule: means that print the same at two decimals are equal; any printed difference is described.
  it.each([
    [0.23, 0.16, /one member's models correlate more .*0\.23 vs 0\.16/],
    [0.16, 0.23, /two members correlate more .*0\.23 vs 0\.16/],
    [0.2349, 0.2251, /correlate equally on average \(mean ρ 0\.23\)/],
    [0.2351, 0.2249, /one member's models correlate more .*0\.24 vs 0\.22/],
    [0.231, 0.224, /one member's models correlate more .*0\.23 vs 0\.22/],
    [0.5, 0.5, /correlate equally/],
  ])("within %s, across %s", (within, across, expected) => {
    expect(diversityReading(within, across)).toMatch(expected);
  });

  it("never says the groups correlate equally when the printed means differ", () => {
    expect(diversityReading(0.23, 0.16)).not.toMatch(/equally/);
  });

  it("says there is not enough data when a mean is not defined", () => {
    expect(diversityReading(NaN, 0.1)).toBe("Not enough data to compare the two groups yet.");
  });
});
