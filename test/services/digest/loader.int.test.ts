import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDigestRepository } from "../../../src/db/repositories/digests.js";
import { createDigestLoader } from "../../../src/services/digest/loader.js";
import { buildDigestFor } from "../../../src/services/digest/server.js";
import { buildWeeklyDigest } from "../../../src/services/digest/weekly.js";
import { buildSeries, createSeriesCache } from "../../../src/services/series.js";
import { ALICE, BOB, CAROL, DAVE, MONDAY, TOURNAMENT, makeDigestWorld, type DigestWorld } from "../../jobs/digest-fixtures.js";

let world: DigestWorld;

beforeAll(() => {
  world = makeDigestWorld();
  const { registrations, models, settings } = world.services.repos;
  // Carol declares two shares (carol_b gets what is left); Bob chose equal weights; Alice has none, so her API stakes count.
  registrations.setDeclaredWeight(CAROL, models.findByName("carol_a")!.id, 0.6);
  registrations.setDeclaredWeight(CAROL, models.findByName("carol_c")!.id, 0.2);
  settings.setWeightSource(BOB, "equal");
  // Rounds whose stated multipliers differ from their period's, or are half missing.
  const a = models.findByName("alice_a")!.id;
  const set = world.store.sqlite.prepare("UPDATE model_rounds SET corr_multiplier = ?, mmc_multiplier = ? WHERE model_id = ? AND round_number = ?");
  set.run(0.6, 2.5, a, 1200);
  set.run(0.75, null, a, 1201);
  set.run(1.5, null, a, 1202);
  set.run(0, 3, a, 1203);
});

afterAll(async () => {
  await world.close();
});

describe("createDigestLoader", () => {
  it("reads each model's combined score exactly as the portfolio service's buildSeries does", () => {
    const series = createSeriesCache(world.services.repos.reads);
    const loader = createDigestLoader(createDigestRepository(world.store, TOURNAMENT), series);
    loader.prepare([ALICE, BOB, CAROL]);
    expect(series.loads).toBe(9); // each distinct model read once, for the batch
    for (const user of [ALICE, BOB, CAROL]) {
      const regs = world.services.repos.registrations.listForUser(user);
      const expected = buildSeries(world.services.repos.reads, regs, { kind: "score" });
      const data = loader.subscriber(user);
      expect(data.models.map((m) => m.name)).toEqual(regs.map((r) => r.name));
      data.models.forEach((m, i) => {
        expect(Array.from(m.series.rounds)).toEqual(expected.series[i]!.rounds);
        expect(Array.from(m.series.values)).toEqual(expected.series[i]!.values);
      });
    }
    expect(series.loads).toBe(9);
  });

  it("resolves weights as the portfolio service does (resolvePortfolioWeights: declared, else stake share, else equal), unless the user chose", () => {
    const loader = createDigestLoader(createDigestRepository(world.store, TOURNAMENT), createSeriesCache(world.services.repos.reads));
    loader.prepare([ALICE, BOB, CAROL]);
    for (const user of [ALICE, BOB, CAROL]) {
      const regs = world.services.repos.registrations.listForUser(user);
      const expected = world.services.portfolio.resolveWeights({ userId: user }, regs, null);
      const data = loader.subscriber(user);
      expect(data.weightSource).toBe(expected.source);
      expect(Array.from(data.weights)).toEqual(Array.from(expected.values));
    }
    expect(loader.subscriber(ALICE).weightSource).toBe("api");
    expect(loader.subscriber(BOB).weightSource).toBe("equal");
    const carol = Array.from(loader.subscriber(CAROL).weights);
    [0.6, 0.2, 0.2].forEach((w, i) => expect(carol[i]).toBeCloseTo(w, 12));
    expect(loader.subscriber(CAROL).weightSource).toBe("mixed");
  });

  it("keeps at most its memory bound of series, reloading what it dropped, with the same results", () => {
    const repo = createDigestRepository(world.store, TOURNAMENT);
    const unbounded = createDigestLoader(repo, createSeriesCache(world.services.repos.reads));
    // Room for about two models' series (each has ~300 rounds).
    const small = createSeriesCache(world.services.repos.reads, { maxCachedRounds: 700 });
    const bounded = createDigestLoader(repo, small);
    const users = [ALICE, CAROL, BOB, ALICE];
    for (const user of users) expect(buildDigestFor(bounded, user, MONDAY)).toEqual(buildDigestFor(unbounded, user, MONDAY));
    // Alice's three models were dropped for the others' and read again.
    expect(small.loads).toBeGreaterThan(9);
  });

  it("forgets the registrations of earlier batches beyond its bound, reading them again with the same results", () => {
    const repo = createDigestRepository(world.store, TOURNAMENT);
    const unbounded = createDigestLoader(repo, createSeriesCache(world.services.repos.reads));
    const bounded = createDigestLoader(repo, createSeriesCache(world.services.repos.reads), { maxHeldUsers: 1 });
    unbounded.prepare([ALICE, BOB, CAROL]);
    bounded.prepare([ALICE, BOB]);
    bounded.prepare([CAROL]);
    for (const user of [CAROL, ALICE, BOB, CAROL]) {
      expect(bounded.subscriber(user)).toEqual(unbounded.subscriber(user));
      expect(buildDigestFor(bounded, user, MONDAY)).toEqual(buildDigestFor(unbounded, user, MONDAY));
    }
  });

  it("builds no digest for a user without models", () => {
    const loader = createDigestLoader(createDigestRepository(world.store, TOURNAMENT), createSeriesCache(world.services.repos.reads));
    expect(buildDigestFor(loader, DAVE, MONDAY)).toBeNull();
    const alice = buildDigestFor(loader, ALICE, MONDAY)!;
    const data = loader.subscriber(ALICE);
    expect(alice).toEqual(buildWeeklyDigest({ ...data, resolveTimes: loader.resolveTimes(), periodEnd: MONDAY }));
    expect(alice.newRounds.length).toBeGreaterThan(0);
  });
});
