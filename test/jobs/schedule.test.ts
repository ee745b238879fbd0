import { REST } from "discord.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/env.js";
import type { AppContext } from "../../src/context.js";
import { createDigestRepository } from "../../src/db/repositories/digests.js";
import { createDiscordDelivery } from "../../src/discord/delivery.js";
import { startScheduler } from "../../src/jobs/schedule.js";
import { silentLogger } from "../../src/logger.js";
import { fakeClientOptions, startFakeDiscord, type FakeDiscord } from "../helpers/fake-discord/index.js";
import { ALICE, TOURNAMENT, fakeDiscordWorld, makeDigestWorld, type DigestWorld } from "./digest-fixtures.js";

let fake: FakeDiscord;
let world: DigestWorld;
let ctx: AppContext;

beforeAll(async () => {
  fake = await startFakeDiscord(fakeDiscordWorld());
  world = makeDigestWorld();
  const config = loadConfig({ DATABASE_PATH: world.store.path }, { createDirs: false });
  ctx = { config, logger: silentLogger, store: world.store, numerai: world.numerai, services: world.services, close: () => Promise.resolve() };
});

afterAll(async () => {
  await fake.close();
  await world.close();
});

describe("startScheduler", () => {
  it("warms the series cache every minute on every shard, and once at start", async () => {
    const registered = world.services.repos.registrations.registeredModels().length;
    expect(registered).toBeGreaterThan(0);
    const loads = world.services.series.loads;
    const one = startScheduler(ctx, { shard: { ids: [1], count: 2 } });
    expect(one.tasks.get("warm-series")).toBeDefined();
    const next = one.nextRuns()["warm-series"]!;
    expect(next.getTime() - Date.now()).toBeLessThanOrEqual(60_000);
    await one.stop(); // waits for the start-up run
    expect(world.services.series.loads).toBe(loads + registered);
  });

  it("runs the score sync only on shard 0", async () => {
    const zero = startScheduler(ctx, { shard: { ids: [0], count: 2 } });
    const one = startScheduler(ctx, { shard: { ids: [1], count: 2 } });
    expect([...zero.tasks.keys()]).toEqual(["sync-scores", "warm-series"]);
    expect([...one.tasks.keys()]).toEqual(["warm-series"]);
    await Promise.all([zero.stop(), one.stop()]);
  });

  it("schedules the digest dispatcher every 5 minutes on every shard and catches up once at start", async () => {
    // A subscription whose time was earlier this hour, made a week ago: due now.
    const now = new Date();
    const weekday = now.getUTCDay() === 0 ? 7 : now.getUTCDay();
    createDigestRepository(world.store, TOURNAMENT).subscribe(
      { kind: "dm", discordUserId: ALICE, guildId: null, channelId: null, weekday, hour: now.getUTCHours(), timezone: "UTC" },
      new Date(now.getTime() - 8 * 86_400_000),
    );
    const rest = new REST({ ...fakeClientOptions(fake).rest }).setToken(fake.token);
    const scheduler = startScheduler(ctx, { shard: { ids: [1], count: 2 }, digest: { discord: createDiscordDelivery(rest) } });
    // Alerts go through REST: only shard 0 checks them.
    expect([...scheduler.tasks.keys()]).toEqual(["warm-series", "digest-dispatch"]);
    const next = scheduler.nextRuns()["digest-dispatch"]!;
    expect(next.getUTCMinutes() % 5).toBe(0);
    expect(next.getTime() - Date.now()).toBeLessThanOrEqual(5 * 60_000);
    // Shard 1 does not send DMs; shard 0 does, once, right at start.
    await scheduler.stop();
    expect(fake.messages.get(fake.dmChannelFor(ALICE)) ?? []).toHaveLength(0);
    const zero = startScheduler(ctx, { shard: { ids: [0], count: 2 }, digest: { discord: createDiscordDelivery(rest) } });
    expect([...zero.tasks.keys()]).toEqual(["sync-scores", "warm-series", "digest-dispatch", "alerts"]);
    const alertsNext = zero.nextRuns()["alerts"]!;
    expect(alertsNext.getUTCMinutes()).toBe(7);
    expect(alertsNext.getTime() - Date.now()).toBeLessThanOrEqual(60 * 60_000);
    await expect.poll(() => (fake.messages.get(fake.dmChannelFor(ALICE)) ?? []).length, { timeout: 10_000 }).toBe(1);
    await zero.stop();
    rest.clearHashSweeper();
  });
});
