/**
 * Shared set-up for the digest tests: a real SQLite store with synthetic Numerai scores written
 * through the real score writer, registered to a few Discord users, and the services over it.
 */
import { ChannelType } from "discord.js";
import { openDatabase, type Store } from "../../src/db/open.js";
import type { RoundRecord } from "../../src/db/repositories/scores.js";
import { silentLogger } from "../../src/logger.js";
import { createNumeraiClient } from "../../src/numerai/client.js";
import type { NumeraiClient } from "../../src/numerai/types.js";
import { createServices, type Services } from "../../src/services/index.js";
import type { FakeDiscordOptions } from "../helpers/fake-discord/index.js";
import type { FakeModel } from "../helpers/fake-numerai.js";
import { syntheticModels } from "../helpers/synthetic-scores.js";
import { makeTestDb } from "../helpers/test-db.js";

export const TOURNAMENT = 8;
/** Guild ids owned by shard 0 and shard 1 of 2: (id >> 22) % 2. */
export const GUILD_0 = (1_000_000_000_000n << 22n).toString();
export const GUILD_1 = (1_000_000_000_001n << 22n).toString();
export const TEXT_0 = "1200000000000000001";
export const TEXT_1 = "1200000000000000002";
export const FORUM_1 = "1200000000000000003";
export const TEXT_0B = "1200000000000000004";
export const ALICE = "1400000000000000001";
export const BOB = "1400000000000000002";
export const CAROL = "1400000000000000003";
export const DAVE = "1400000000000000004";

/** Monday 2026-06-01 13:00 UTC: the default schedule's occurrence in the tests' week. */
export const MONDAY = new Date(Date.UTC(2026, 5, 1, 13));
export const minutes = (d: Date, m: number) => new Date(d.getTime() + m * 60_000);
export const days = (d: Date, n: number) => new Date(d.getTime() + n * 86_400_000);

export function fakeDiscordWorld(extra: Partial<FakeDiscordOptions> = {}): FakeDiscordOptions {
  return {
    users: [
      { id: ALICE, username: "alice" },
      { id: BOB, username: "bob", acceptsDms: false },
      { id: CAROL, username: "carol" },
      { id: DAVE, username: "dave" },
    ],
    guilds: [
      { id: GUILD_0, name: "Shard zero" },
      { id: GUILD_1, name: "Shard one" },
    ],
    channels: [
      { id: TEXT_0, type: ChannelType.GuildText, guildId: GUILD_0, name: "digests" },
      { id: TEXT_0B, type: ChannelType.GuildText, guildId: GUILD_0, name: "other" },
      { id: TEXT_1, type: ChannelType.GuildText, guildId: GUILD_1, name: "general" },
      { id: FORUM_1, type: ChannelType.GuildForum, guildId: GUILD_1, name: "weekly", availableTags: [{ id: "1300000000000000001", name: "digest" }] },
    ],
    ...extra,
  };
}

export function toRecords(model: FakeModel): RoundRecord[] {
  return model.rounds.map((r) => ({
    roundNumber: r.roundNumber,
    openTime: new Date(r.openTime),
    resolveTime: new Date(r.resolveTime),
    resolved: r.resolved,
    atRisk: r.atRisk,
    corrMultiplier: r.corrMultiplier,
    mmcMultiplier: r.mmcMultiplier,
    payoutFactor: r.payoutFactor,
    payoutPending: null,
    payoutSettled: null,
    target: r.target,
    scores: r.scores.map((s) => ({
      name: s.displayName,
      value: s.value,
      percentile: s.percentile,
      day: s.day,
      date: s.date ? new Date(s.date) : null,
      resolved: null,
    })),
  }));
}

export interface DigestWorld {
  readonly store: Store & { dir: string; cleanup(): void };
  readonly services: Services;
  readonly numerai: NumeraiClient;
  /** Model names per user. */
  readonly models: Readonly<Record<string, readonly string[]>>;
  close(): Promise<void>;
}

/** Users and their models: Alice 4 (two near-duplicates), Bob 2, Carol 3, Dave none. */
export function makeDigestWorld(options: { fromRound?: number; toRound?: number } = {}): DigestWorld {
  const store = makeTestDb();
  const numerai = createNumeraiClient({ url: "http://127.0.0.1:9", tournament: TOURNAMENT, timeoutMs: 100, concurrency: 1, maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1, logger: silentLogger });
  const services = createServices(store, numerai, silentLogger, { tournament: TOURNAMENT, syncLookbackRounds: 40 });
  const owners: Record<string, string[]> = {
    [ALICE]: ["alice_a", "alice_b", "alice_c", "alice_d"],
    [BOB]: ["bob_a", "bob_b"],
    [CAROL]: ["carol_a", "carol_b", "carol_c"],
  };
  const all = Object.values(owners).flat();
  const generated = syntheticModels({ names: all, fromRound: options.fromRound ?? 1000, toRound: options.toRound ?? 1300, seed: 11 });
  const { writer, models, registrations } = services.repos;
  for (const m of generated) models.upsertVerified(m.id, m.name);
  writer.writeBatch(() => {
    for (const m of generated) writer.writeRounds(m.id, toRecords(m));
  });
  for (const [user, names] of Object.entries(owners)) {
    for (const name of names) registrations.add(user, (models.findByName(name) as { id: string }).id);
  }
  return {
    store,
    services,
    numerai,
    models: owners,
    async close() {
      await numerai.close();
      store.cleanup();
    },
  };
}

/** A second connection to the same file, as another shard's process would have. */
export function secondConnection(world: DigestWorld): Store {
  return openDatabase(world.store.path);
}
