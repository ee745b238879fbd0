import { describe, expect, it } from "vitest";
import { latestRoundAt, roundOpenTime, roundResolveTime } from "../../src/demo/calendar.js";

describe("latestRoundAt", () => {
  it.each([
    // numerai-api.md §4: round 1343 opened Friday 2026-08-28; rounds open at 13:00 UTC.
    ["2026-08-28T13:00:00Z", 1343],
    ["2026-08-28T12:59:59Z", 1342],
    // Sunday and Monday: Saturday's round is still the newest.
    ["2026-08-30T09:00:00Z", 1344],
    ["2026-08-31T23:00:00Z", 1344],
    ["2026-09-01T13:00:00Z", 1345],
    ["2026-12-02T18:00:00Z", 1411],
    ["2022-10-25T13:00:00Z", 340],
  ])("at %s the newest open round is %i", (at, round) => {
    expect(latestRoundAt(new Date(at))).toBe(round);
  });

  it("agrees with roundOpenTime for every round of two years", () => {
    for (let n = 1100; n < 1620; n++) {
      const open = roundOpenTime(n).getTime();
      expect(latestRoundAt(new Date(open))).toBe(n);
      expect(latestRoundAt(new Date(open - 1))).toBe(n - 1);
    }
  });

  it("refuses a time before daily rounds began", () => {
    expect(() => latestRoundAt(new Date("2022-10-25T12:00:00Z"))).toThrow(RangeError);
  });
});

describe("roundResolveTime", () => {
  // numerai-api.md §4: Tue and Wed rounds resolve ~31 days later (Fri, Sat), Thu–Sat ~33 days (Tue, Wed, Thu).
  it.each([
    [1410, "Fri", 31],
    [1411, "Sat", 31],
    [1412, "Tue", 33],
    [1413, "Wed", 33],
    [1414, "Thu", 33],
  ])("resolves round %i on a %s, %i days after it opened", (round, weekday, days) => {
    const resolve = roundResolveTime(round);
    expect(resolve.toUTCString().slice(0, 3)).toBe(weekday);
    expect(Math.floor((resolve.getTime() - roundOpenTime(round).getTime()) / 86_400_000)).toBe(days);
  });
});
