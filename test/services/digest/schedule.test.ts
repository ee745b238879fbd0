import { describe, expect, it } from "vitest";
import {
  canonicalTimeZone,
  DAY_MS,
  latestOccurrence,
  localDate,
  localTime,
  nextOccurrence,
  previousOccurrence,
  utcOffsetMinutes,
  zonedInstant,
  type DigestSchedule,
} from "../../../src/services/digest/schedule.js";

const HOUR_MS = 3_600_000;
const iso = (ms: number | Date) => new Date(ms).toISOString();

describe("latestOccurrence", () => {
  const monday13 = { weekday: 1, hour: 13, timezone: "UTC" };

  it("is the scheduled time itself at that time, and the week before just before it", () => {
    const at = new Date(Date.UTC(2026, 5, 1, 13));
    expect(latestOccurrence(at, monday13)).toEqual({ at, week: "2026-06-01" });
    expect(latestOccurrence(new Date(at.getTime() - 1), monday13)).toEqual({ at: new Date(Date.UTC(2026, 4, 25, 13)), week: "2026-05-25" });
    expect(nextOccurrence(at, monday13)).toEqual({ at: new Date(Date.UTC(2026, 5, 8, 13)), week: "2026-06-08" });
    expect(previousOccurrence({ at, week: "2026-06-01" }, monday13).week).toBe("2026-05-25");
  });

  // python: datetime(2026,3,30,13,tzinfo=ZoneInfo("Europe/Paris")).astimezone(timezone.utc) → 11:00; 2026-03-23 → 12:00
  it("follows daylight saving time in the subscriber's timezone", () => {
    const paris = { weekday: 1, hour: 13, timezone: "Europe/Paris" };
    expect(latestOccurrence(new Date(Date.UTC(2026, 2, 30, 11)), paris)).toEqual({ at: new Date(Date.UTC(2026, 2, 30, 11)), week: "2026-03-30" });
    expect(latestOccurrence(new Date(Date.UTC(2026, 2, 30, 10, 59)), paris)).toEqual({ at: new Date(Date.UTC(2026, 2, 23, 12)), week: "2026-03-23" });
  });

  it("uses the subscriber's local date as the week: Monday 01:00 in Tokyo is Sunday in UTC", () => {
    const tokyo = { weekday: 1, hour: 1, timezone: "Asia/Tokyo" };
    expect(latestOccurrence(new Date(Date.UTC(2026, 4, 31, 16)), tokyo)).toEqual({ at: new Date(Date.UTC(2026, 4, 31, 16)), week: "2026-06-01" });
  });
});

// Every expected instant below: python3, zoneinfo (tzdata 2025), e.g.
// datetime(2026, 3, 30, 8, tzinfo=ZoneInfo("Australia/Adelaide")).astimezone(timezone.utc).
describe("nextOccurrence across daylight-saving changes", () => {
  it.each<[string, DigestSchedule, string, string]>([
    // Europe: clocks forward on 2026-03-29, back on 2026-10-25 (CET +1 / CEST +2).
    ["Europe, spring", { weekday: 1, hour: 13, timezone: "Europe/Paris" }, "2026-03-23T12:00:00.000Z", "2026-03-30T11:00:00.000Z"],
    ["Europe, autumn", { weekday: 1, hour: 13, timezone: "Europe/Paris" }, "2026-10-19T11:00:00.000Z", "2026-10-26T12:00:00.000Z"],
    ["Europe, on the changeover Sunday", { weekday: 7, hour: 9, timezone: "Europe/London" }, "2026-03-22T09:00:00.000Z", "2026-03-29T08:00:00.000Z"],
    // US: forward on 2026-03-08, back on 2026-11-01 (EST −5 / EDT −4).
    ["US, spring", { weekday: 7, hour: 9, timezone: "America/New_York" }, "2026-03-01T14:00:00.000Z", "2026-03-08T13:00:00.000Z"],
    ["US, autumn", { weekday: 7, hour: 9, timezone: "America/New_York" }, "2026-10-25T13:00:00.000Z", "2026-11-01T14:00:00.000Z"],
    // Half-hour zones: India has no DST (+5:30); Adelaide is +10:30 until 2026-04-05 and from 2026-10-04, +9:30 between.
    ["India (+5:30)", { weekday: 1, hour: 9, timezone: "Asia/Kolkata" }, "2026-05-25T03:30:00.000Z", "2026-06-01T03:30:00.000Z"],
    ["Adelaide, autumn", { weekday: 1, hour: 8, timezone: "Australia/Adelaide" }, "2026-03-29T21:30:00.000Z", "2026-04-05T22:30:00.000Z"],
    ["Adelaide, spring", { weekday: 1, hour: 8, timezone: "Australia/Adelaide" }, "2026-09-27T22:30:00.000Z", "2026-10-04T21:30:00.000Z"],
  ])("%s: the same wall-clock time a week later", (_, schedule, before, after) => {
    const first = latestOccurrence(new Date(before), schedule);
    expect(iso(first.at)).toBe(before);
    const next = nextOccurrence(first.at, schedule);
    expect(iso(next.at)).toBe(after);
    // The week key is the local date, seven days on; the gap is a week give or take the hour that moved.
    expect(Date.parse(next.week) - Date.parse(first.week)).toBe(7 * DAY_MS);
    expect(Math.abs(next.at.getTime() - first.at.getTime() - 7 * DAY_MS)).toBeLessThanOrEqual(HOUR_MS);
    expect(previousOccurrence(next, schedule)).toEqual(first);
    expect(localTime(next.at.getTime(), schedule.timezone)).toMatchObject({ hour: schedule.hour, minute: 0 });
  });

  it("keys a half-hour zone's Monday morning by its local date, though it is Sunday in UTC", () => {
    const adelaide = { weekday: 1, hour: 8, timezone: "Australia/Adelaide" };
    expect(latestOccurrence(new Date("2026-03-29T21:30:00.000Z"), adelaide)).toEqual({ at: new Date("2026-03-29T21:30:00.000Z"), week: "2026-03-30" });
    const kolkataMidnight = { weekday: 1, hour: 0, timezone: "Asia/Kolkata" };
    expect(latestOccurrence(new Date("2026-05-31T18:30:00.000Z"), kolkataMidnight).week).toBe("2026-06-01");
    expect(latestOccurrence(new Date("2026-05-31T18:29:59.999Z"), kolkataMidnight).week).toBe("2026-05-25");
  });

  it("sends a digest scheduled in a repeated hour once, at its first occurrence", () => {
    // 01:00 on 2026-11-01 happens twice in New York: 05:00 and 06:00 UTC.
    const s = { weekday: 7, hour: 1, timezone: "America/New_York" };
    const first = latestOccurrence(new Date("2026-11-01T05:00:00.000Z"), s);
    expect(first).toEqual({ at: new Date("2026-11-01T05:00:00.000Z"), week: "2026-11-01" });
    expect(latestOccurrence(new Date("2026-11-01T06:30:00.000Z"), s)).toEqual(first);
    expect(iso(nextOccurrence(new Date("2026-11-01T06:30:00.000Z"), s).at)).toBe("2026-11-08T06:00:00.000Z");
  });

  it.each(["Europe/Paris", "America/New_York", "Asia/Kolkata", "Australia/Adelaide", "Australia/Lord_Howe"])(
    "walks two years of weekly times in %s without skipping or repeating a week",
    (timezone) => {
      const s = { weekday: 7, hour: 2, timezone };
      let occ = latestOccurrence(new Date("2026-01-01T00:00:00.000Z"), s);
      for (let i = 0; i < 104; i++) {
        const next = nextOccurrence(occ.at, s);
        expect(Date.parse(next.week) - Date.parse(occ.week), `${timezone} after ${occ.week}`).toBe(7 * DAY_MS);
        expect(next.at.getTime()).toBeGreaterThan(occ.at.getTime());
        expect(latestOccurrence(next.at, s)).toEqual(next);
        occ = next;
      }
    },
  );
});

describe("zonedInstant", () => {
  // python zoneinfo: 2026-03-08 02:00 does not exist in New York (→ 03:00 EDT = 07:00 UTC);
  // 2026-11-01 01:00 happens twice (first, fold=0, is 05:00 UTC).
  it("moves a time the clocks skip to just after the gap, and picks the first of a repeated time", () => {
    expect(new Date(zonedInstant(2026, 3, 8, 2, "America/New_York")).toISOString()).toBe("2026-03-08T07:00:00.000Z");
    expect(new Date(zonedInstant(2026, 11, 1, 1, "America/New_York")).toISOString()).toBe("2026-11-01T05:00:00.000Z");
    expect(new Date(zonedInstant(2026, 6, 5, 9, "Asia/Tokyo")).toISOString()).toBe("2026-06-05T00:00:00.000Z");
  });

  // python zoneinfo, fold=0 (the offset before the change), as above.
  it.each<[string, [number, number, number, number], string]>([
    ["Europe/Paris", [2026, 3, 29, 2], "2026-03-29T01:00:00.000Z"], // skipped: 03:00 CEST
    ["Europe/Paris", [2026, 10, 25, 2], "2026-10-25T00:00:00.000Z"], // repeated: the CEST one
    ["Europe/London", [2026, 3, 29, 1], "2026-03-29T01:00:00.000Z"], // skipped: 02:00 BST
    ["Europe/London", [2026, 10, 25, 1], "2026-10-25T00:00:00.000Z"], // repeated: the BST one
    ["Australia/Adelaide", [2026, 10, 4, 2], "2026-10-03T16:30:00.000Z"], // skipped: 03:00 ACDT
    ["Australia/Adelaide", [2026, 4, 5, 2], "2026-04-04T15:30:00.000Z"], // repeated: the ACDT one
    ["Asia/Kolkata", [2026, 6, 1, 0], "2026-05-31T18:30:00.000Z"],
  ])("%s %j → %s", (timezone, [y, m, d, h], expected) => {
    expect(iso(zonedInstant(y, m, d, h, timezone))).toBe(expected);
  });
});

describe("utcOffsetMinutes", () => {
  it.each<[string, string, number]>([
    ["UTC", "2026-06-01T00:00:00Z", 0],
    ["Asia/Kolkata", "2026-01-15T00:00:00Z", 330],
    ["Asia/Kathmandu", "2026-01-15T00:00:00Z", 345],
    ["Australia/Adelaide", "2026-01-15T00:00:00Z", 630],
    ["Australia/Adelaide", "2026-06-15T00:00:00Z", 570],
    ["America/New_York", "2026-01-15T00:00:00Z", -300],
    ["America/New_York", "2026-07-15T00:00:00Z", -240],
    // The instant of the change: 2026-03-29 01:00 UTC in Paris.
    ["Europe/Paris", "2026-03-29T00:59:59Z", 60],
    ["Europe/Paris", "2026-03-29T01:00:00Z", 120],
  ])("%s at %s is %d minutes", (timezone, at, minutes) => {
    expect(utcOffsetMinutes(Date.parse(at), timezone)).toBe(minutes);
  });
});

describe("localDate", () => {
  it("is the calendar date on the zone's wall clock", () => {
    expect(localDate(new Date("2026-05-31T18:30:00Z"), "Asia/Kolkata")).toBe("2026-06-01");
    expect(localDate(new Date("2026-05-31T18:29:00Z"), "Asia/Kolkata")).toBe("2026-05-31");
    expect(localDate(new Date("2026-05-31T18:30:00Z"), "UTC")).toBe("2026-05-31");
  });
});

describe("canonicalTimeZone", () => {
  it.each([
    ["europe/paris", "Europe/Paris"],
    ["UTC", "UTC"],
    ["America/New_York", "America/New_York"],
    ["Mars/Olympus_Mons", null],
    ["", null],
  ])("maps %s to %s", (input, expected) => {
    expect(canonicalTimeZone(input)).toBe(expected);
  });
});
