import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openDatabase, type Store } from "../../src/db/open.js";
import { roundOpenTime, roundResolveTime, SCORE_DAYS, scoringDayAt } from "../../src/demo/calendar.js";
import { seedDemo } from "../../src/demo/seed.js";

const NOW = new Date("2026-12-02T18:00:00Z"); // a Wednesday; round 1411 opened at 13:00

describe("seedDemo", () => {
  let dir: string;
  let store: Store;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "modelfolio-demo-seed-"));
    store = openDatabase(join(dir, "demo.db"));
  });
  afterEach(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("follows Numerai's calendar up to now: old rounds resolved when Numerai resolves them, the newest still scoring", () => {
    const seeded = seedDemo(store, { you: "100000000000000001", friend: "100000000000000011", third: "100000000000000012", guildId: "1", now: NOW });
    expect(seeded.rounds.last).toBe(1411);
    const rounds = store.sqlite.prepare("select number, open_time, resolve_time, resolved from rounds order by number").all() as Array<{
      number: number;
      open_time: number;
      resolve_time: number;
      resolved: number;
    }>;
    // A round's first score comes about six days after it opens (the Saturday after, for a Tuesday
    // round): 1407 (Thursday 2026-11-26) got its first today; 1408–1411 have none yet.
    expect(rounds.at(-1)?.number).toBe(1407);
    for (const r of rounds) {
      expect(r.open_time).toBe(roundOpenTime(r.number).getTime());
      expect(r.resolve_time).toBe(roundResolveTime(r.number).getTime());
      expect(r.resolved === 1, `round ${r.number}`).toBe(r.resolve_time <= NOW.getTime());
    }
    const resolved = rounds.filter((r) => r.resolved === 1).map((r) => r.number);
    // 1387 (a Thursday round) resolved on Tuesday 2026-12-01; 1388 resolves tonight at 20:00.
    expect(resolved.at(-1)).toBe(1387);
    expect(rounds.filter((r) => r.resolved === 0).map((r) => r.number)).toEqual(Array.from({ length: 1407 - 1387 }, (_, i) => 1388 + i));
    // Five rounds resolved in the seven days before now, one per scoring weekday.
    expect(rounds.filter((r) => r.resolved === 1 && r.resolve_time > NOW.getTime() - 7 * 86_400_000).map((r) => r.number)).toEqual([1383, 1384, 1385, 1386, 1387]);
    // Scores carry the day Numerai would be at: 20 for resolved rounds, fewer for the rest.
    const days = store.sqlite.prepare("select round_number, max(day) day from scores group by round_number").all() as Array<{ round_number: number; day: number }>;
    for (const d of days) expect(d.day, `round ${d.round_number}`).toBe(Math.min(SCORE_DAYS, scoringDayAt(d.round_number, NOW)));
  });

  it("states each period's multipliers, and the 60-day scores v3 rounds pay on", () => {
    seedDemo(store, { you: "100000000000000001", friend: "100000000000000011", third: "100000000000000012", guildId: "1", now: NOW });
    const at = (round: number) =>
      store.sqlite.prepare("select corr_multiplier c, mmc_multiplier m, payout_factor pf from model_rounds where round_number = ? limit 1").get(round) as { c: number; m: number; pf: string };
    expect(at(1342)).toMatchObject({ c: 0.75, m: 2.25 });
    expect(at(1343)).toEqual({ c: 3, m: 15, pf: "1.000000000000000000" });
    const names = store.sqlite.prepare("select distinct name from scores where round_number = 1343 order by name").all() as Array<{ name: string }>;
    expect(names.map((n) => n.name)).toEqual(expect.arrayContaining(["canon_corr60", "canon_mmc60", "canon_corr", "canon_mmc"]));
  });
});
