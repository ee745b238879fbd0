/** The digest service over a real SQLite file with real migrations (no Discord involved). */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createDigestRepository } from "../../../src/db/repositories/digests.js";
import { UserFacingError } from "../../../src/errors.js";
import { DM_TARGET, parseSchedule } from "../../../src/services/digest/service.js";
import { ALICE, CAROL, DAVE, FORUM_1, GUILD_0, GUILD_1, MONDAY, TOURNAMENT, makeDigestWorld, minutes, type DigestWorld } from "../../jobs/digest-fixtures.js";

let world: DigestWorld;
beforeEach(() => {
  world = makeDigestWorld();
});
afterEach(async () => {
  await world.close();
});

const service = () => world.services.digest;
const none = { day: null, hour: null, timezone: null };

describe("parseSchedule", () => {
  it("takes what was typed and keeps the rest of the base schedule", () => {
    expect(parseSchedule({ day: " Friday ", hour: null, timezone: "australia/adelaide" }, { weekday: 1, hour: 7, timezone: "UTC" })).toEqual({ weekday: 5, hour: 7, timezone: "Australia/Adelaide" });
    expect(parseSchedule(none)).toEqual({ weekday: 1, hour: 13, timezone: "UTC" });
  });

  it.each([
    [{ day: "someday", hour: null, timezone: null }, /is not a day of the week/],
    [{ day: null, hour: 24, timezone: null }, /from 0 to 23/],
    [{ day: null, hour: null, timezone: "Mars/Olympus_Mons" }, /is not a timezone I know/],
  ])("refuses %j with a user-facing error", (request, message) => {
    expect(() => parseSchedule(request)).toThrow(UserFacingError);
    expect(() => parseSchedule(request)).toThrow(message);
  });
});

describe("createDigestService", () => {
  it("subscribes, keeps the active subscription's schedule for options left out, and gives the first time", () => {
    const first = service().subscribe(ALICE, DM_TARGET, { day: "friday", hour: 9, timezone: "Australia/Adelaide" }, MONDAY);
    expect(first).toMatchObject({ created: true, hasModels: true, schedule: { weekday: 5, hour: 9, timezone: "Australia/Adelaide" } });
    // Friday 2026-06-05 09:00 ACST (+9:30) = 2026-06-04 23:30 UTC (python zoneinfo).
    expect(first.first).toEqual({ at: new Date("2026-06-04T23:30:00.000Z"), week: "2026-06-05" });
    const updated = service().subscribe(ALICE, DM_TARGET, { day: null, hour: 18, timezone: null }, minutes(MONDAY, 1));
    expect(updated).toMatchObject({ created: false, schedule: { weekday: 5, hour: 18, timezone: "Australia/Adelaide" } });
    expect(service().subscribe(DAVE, DM_TARGET, none, MONDAY).hasModels).toBe(false);
  });

  it("changes nothing when the schedule is refused", () => {
    service().subscribe(ALICE, DM_TARGET, { day: null, hour: 9, timezone: "Europe/Paris" }, MONDAY);
    expect(() => service().subscribe(ALICE, DM_TARGET, { day: null, hour: 3, timezone: "Nowhere/Else" }, MONDAY)).toThrow(UserFacingError);
    expect(createDigestRepository(world.store, TOURNAMENT).findByTarget(`dm:${ALICE}`)).toMatchObject({ hour: 9, timezone: "Europe/Paris" });
  });

  it("reports the DM and the forum subscription of the caller's place, each with its next time, until unsubscribed", () => {
    service().subscribe(CAROL, DM_TARGET, none, MONDAY);
    service().subscribe(CAROL, { kind: "forum", guildId: GUILD_1, channelId: FORUM_1 }, { day: "tuesday", hour: null, timezone: null }, MONDAY);
    // Inside a post of the forum: the channel is the post, its parent the forum.
    const status = service().status(CAROL, { channelId: "1299999999999999999", parentChannelId: FORUM_1 }, minutes(MONDAY, 1));
    expect(status.map((s) => [s.subscription.kind, s.next?.week, s.last])).toEqual([
      ["dm", "2026-06-08", undefined],
      ["forum", "2026-06-02", undefined],
    ]);
    expect(service().status(CAROL, null, MONDAY)).toHaveLength(1);
    expect(service().unsubscribe(CAROL, DM_TARGET, minutes(MONDAY, 2))).toBe(true);
    expect(service().unsubscribe(CAROL, DM_TARGET, minutes(MONDAY, 3))).toBe(false);
    expect(service().status(CAROL, null, MONDAY)[0]).toMatchObject({ subscription: { status: "unsubscribed" }, next: null });
  });

  it("previews the week of the caller's local date, personal or of the server, and refuses what it cannot build", () => {
    service().subscribe(ALICE, DM_TARGET, { day: null, hour: null, timezone: "Asia/Kolkata" }, MONDAY);
    // 2026-06-01 20:00 UTC is already 2026-06-02 (01:30) in Kolkata.
    const late = new Date("2026-06-01T20:00:00.000Z");
    const personal = service().preview(ALICE, { server: false }, late);
    expect(personal).toMatchObject({ scope: "personal", week: "2026-06-02" });
    expect(personal.scope === "personal" && personal.digest.modelCount).toBe(4);
    world.services.repos.settings.setServerOptIn(GUILD_0, ALICE, true);
    const server = service().preview(ALICE, { server: true, guildId: GUILD_0 }, late);
    expect(server.scope === "server" && server.server.members.map((m) => m.userId)).toEqual([ALICE]);
    expect(() => service().preview(DAVE, { server: false }, late)).toThrow(/no models yet/);
    expect(() => service().preview(ALICE, { server: true, guildId: null }, late)).toThrow(/works inside a server/);
  });

  it("builds a run's digests from one reader: the same digest for a subscriber however often it is asked", () => {
    const run = service().startRun();
    run.prepare([ALICE, CAROL]);
    const a = run.personal(ALICE, MONDAY);
    expect(a?.modelCount).toBe(4);
    expect(run.personal(ALICE, MONDAY)).toEqual(a);
    expect(run.personal(DAVE, MONDAY)).toBeNull();
    expect(run.server(GUILD_0, MONDAY).members).toEqual([]);
  });
});
