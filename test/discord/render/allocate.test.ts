import { describe, expect, it } from "vitest";
import { renderAllocate } from "../../../src/discord/render/allocate.js";
import { HOSTILE_NAMES, allText, allocateResult, expectNamesInert, expectWellFormed, modelNames, snapshotOf } from "./render-fixtures.js";

describe("renderAllocate", () => {
  it("says when a round counted as final: its resolve time from Numerai where given, else the calendar", () => {
    const base = allocateResult(modelNames(3));
    const mixed = allText(renderAllocate({ ...base, walkForward: { ...base.walkForward, timedRounds: 120, rounds: 150 } }));
    expect(mixed).toContain(
      "each used only once its score was final: by its resolve time from Numerai, against the opening of the round the weights are for (120 of 150 rounds), " +
        "else by Numerai's calendar, 24 rounds after it opened (a round resolves 31–33 days after opening).",
    );
  });

  it("renders a frozen four-model result (snapshot)", () => {
    const payload = renderAllocate(allocateResult(modelNames(4)));
    expectWellFormed(payload);
    expect(snapshotOf(payload)).toMatchSnapshot();
  });

  it("shows current weights beside every method, the out-of-sample table and the caveat", () => {
    const payload = renderAllocate(allocateResult(modelNames(3)));
    const embed = payload.embeds?.[0];
    expect(embed?.description).toMatch(/model\s+now\s+equal\s+inv-var\s+min-var\s+HRP\s+max-SR/);
    const fields = embed?.fields ?? [];
    expect(fields[0]?.name).toBe("In sample vs out of sample (70 rounds from round 880)");
    // equal appears once, though it is both a method and a baseline.
    expect(fields[0]?.value.match(/^equal /gm)).toHaveLength(1);
    expect(fields[0]?.value).toMatch(/^current /m);
    expect(fields.find((f) => f.name === "Over-fitting")?.value).toBe("These weights are fitted on past rounds. Trust the out-of-sample rows.");
  });

  it("explains the missing out-of-sample check instead of printing empty numbers", () => {
    const payload = renderAllocate(allocateResult(modelNames(3), { noOos: true }));
    expectWellFormed(payload);
    const text = allText(payload);
    expect(text).toContain("Out of sample: not enough common rounds to test any method yet");
    expect(text).toContain("Not enough common rounds for an out-of-sample check");
  });

  it("stays within limits for 200 models and attaches every weight as CSV", () => {
    const payload = renderAllocate(allocateResult(modelNames(200)));
    expectWellFormed(payload);
    const csv = payload.files?.find((f) => f.name === "allocation.csv")?.data.toString("utf8") ?? "";
    expect(csv.split("\n")[0]).toBe("model,current,equal,inverse-variance,min-variance,hrp,max-sharpe");
    expect(csv.trim().split("\n")).toHaveLength(201);
  });

  it("keeps hostile model names inert", () => {
    const payload = renderAllocate(allocateResult(HOSTILE_NAMES));
    expectWellFormed(payload);
    expectNamesInert(payload);
  });

  it("never prints NaN or Infinity, and says why a method is undefined", () => {
    const payload = renderAllocate(allocateResult(modelNames(5), { nan: true }));
    expectWellFormed(payload);
    expect(allText(payload)).toContain("**max-SR**: not defined: no model has a positive mean score");
  });
});
