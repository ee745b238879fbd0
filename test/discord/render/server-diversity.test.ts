import { describe, expect, it } from "vitest";
import { renderServerDiversity } from "../../../src/discord/render/server-diversity.js";
import { allText, expectWellFormed, serverDiversityResult, snapshotOf } from "./render-fixtures.js";

describe("renderServerDiversity", () => {
  it("renders a frozen result (snapshot) with the two histograms attached", () => {
    const payload = renderServerDiversity(serverDiversityResult());
    expectWellFormed(payload);
    expect(payload.embeds?.[0]?.image?.url).toBe("attachment://server-diversity.png");
    expect(snapshotOf(payload)).toMatchSnapshot();
  });

  it("reads a clear within-member excess as members being internally alike", () => {
    expect(allText(renderServerDiversity(serverDiversityResult()))).toContain("Members' own models are more alike than models of different members");
  });

  it("never prints NaN when no pair has enough shared rounds", () => {
    const payload = renderServerDiversity(serverDiversityResult({ nan: true }));
    expectWellFormed(payload);
    expect(allText(payload)).toContain("Within a member: no pairs with enough shared rounds.");
    expect(allText(payload)).toContain("Not enough data to compare the two groups yet.");
  });
});
