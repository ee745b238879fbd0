/**
 * Issue 10, item 1: Numerai answers that are well-formed but wrong. The committed real scores (17
 * models, rounds 843–1197) are backfilled and then synced twice against a stand-in that damages 20%
 * of its answers at random (seeded) with every fault it knows: a round with `submissionScores: null`,
 * payouts null, a round left out, an empty score list for a scored round, a GraphQL "Internal server
 * error", 500, 429, answers held past the timeout, truncated and garbled bodies, null required
 * fields, reset connections. Between the two syncs a day passes: the open rounds' scores move and
 * the oldest resolves. In one run, with no rerun, the store equals a fault-free run's row by row,
 * and the moved values are stored.
 */
import { afterEach, describe, expect, it } from "vitest";
import { runScoreSync } from "../../src/jobs/sync-scores.js";
import type { Logger } from "../../src/logger.js";
import { createNumeraiClient } from "../../src/numerai/client.js";
import type { NumeraiClient } from "../../src/numerai/types.js";
import { createServices, type Services } from "../../src/services/index.js";
import { startFakeNumerai, TRANSIENT_FAULT_KINDS, type FakeModel, type FakeNumerai, type FaultPlan } from "../helpers/fake-numerai.js";
import { fixtureModels } from "../helpers/fixture-models.js";
import { nowForCurrentRound } from "../helpers/synthetic-scores.js";
import { makeTestDb } from "../helpers/test-db.js";
import { captureLogs, dumpStore, integrityCheck, PINO_ERROR, type LogLine } from "./support.js";

const USER = "111111111111111111";
/** Opens on a Tuesday, so the next day is a scoring day. */
const CURRENT = 1200;
const FROM = 843;
const TO = 1197;
const DAY_MS = 86_400_000;
const TODAY = nowForCurrentRound(CURRENT);
const TOMORROW = new Date(TODAY.getTime() + DAY_MS);

interface Env {
  db: ReturnType<typeof makeTestDb>;
  client: NumeraiClient;
  services: Services;
  logger: Logger;
  lines: LogLine[];
}

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function fakeNumerai(models: FakeModel[], faults?: FaultPlan): Promise<FakeNumerai> {
  const server = await startFakeNumerai({ models, currentRound: CURRENT, ...(faults ? { faults } : {}) });
  cleanups.push(() => server.close());
  return server;
}

function env(url: string): Env {
  const db = makeTestDb();
  const { logger, lines } = captureLogs("info");
  // The shipped retry budget; only the delays and the timeout are shortened.
  const client = createNumeraiClient({ url, tournament: 8, timeoutMs: 250, concurrency: 4, baseDelayMs: 1, maxDelayMs: 20, logger });
  const services = createServices(db, client, logger, { tournament: 8, syncLookbackRounds: 40, backfillBatchRounds: 25 });
  cleanups.push(async () => {
    await client.close();
    db.cleanup();
  });
  return { db, client, services, logger, lines };
}

type ScoreRow = { model_id: string; round_number: number; name: string; value: number | null; day: number | null; resolved: number };
const scoreKey = (r: ScoreRow) => `${r.model_id}/${r.round_number}/${r.name}`;

describe("a full backfill and two syncs while 20% of Numerai's answers are wrong", () => {
  it.each([{ seed: 1 }, { seed: 2 }])(
    "end equal to a fault-free run, row by row, in one run (seed $seed)",
    { timeout: 60_000 },
    async ({ seed }) => {
      const today = fixtureModels({ currentRound: CURRENT, now: TODAY });
      const tomorrow = fixtureModels({ currentRound: CURRENT, now: TOMORROW });
      const cleanServer = await fakeNumerai(today);
      const faultyServer = await fakeNumerai(today, { rate: 0.2, kinds: TRANSIENT_FAULT_KINDS, seed, retryAfterSeconds: 0, holdMs: 400 });
      const clean = env(cleanServer.url);
      const faulty = env(faultyServer.url);

      for (const e of [clean, faulty]) {
        for (const m of today) await e.services.registrations.add(USER, m.name);
        await e.services.ingestion.backfill({ from: FROM, to: TO });
        expect(await runScoreSync({ services: e.services, logger: e.logger }, TODAY)).toMatchObject({ failures: [] });
      }
      const afterFirstSync = dumpStore(clean.db.sqlite).scores as ScoreRow[];

      cleanServer.setModels(tomorrow);
      faultyServer.setModels(tomorrow);
      for (const e of [clean, faulty]) {
        expect(await runScoreSync({ services: e.services, logger: e.logger }, TOMORROW)).toMatchObject({ failures: [] });
      }

      const want = dumpStore(clean.db.sqlite);
      const got = dumpStore(faulty.db.sqlite);
      expect(got.scores).toHaveLength(want.scores.length);
      expect(got.scores).toEqual(want.scores);
      expect(got.modelRounds).toEqual(want.modelRounds);
      expect(got.rounds).toEqual(want.rounds);
      expect(got).toEqual(want);
      expect(integrityCheck(faulty.db.sqlite)).toBe("ok");
      expect(faulty.lines.filter((l) => l.level >= PINO_ERROR)).toEqual([]);

      // The faults really happened, of every kind: more requests than the fault-free run needed.
      expect(faultyServer.requests.length).toBeGreaterThan(cleanServer.requests.length * 1.15);
      // Every fixture round of every model is stored, each with its scores.
      const expectedScores = today.reduce((n, m) => n + m.rounds.filter((r) => r.roundNumber <= TO).reduce((k, r) => k + r.scores.length, 0), 0);
      expect(want.scores.length).toBeGreaterThanOrEqual(expectedScores);
      expect(want.modelRounds.length).toBe(today.reduce((n, m) => n + m.rounds.length, 0));

      // The second sync's real changes were stored: moved values, a later day, a round resolved.
      const before = new Map(afterFirstSync.map((r) => [scoreKey(r), r]));
      const moved = (want.scores as ScoreRow[]).filter((r) => before.get(scoreKey(r))?.value !== r.value);
      expect(moved.length).toBeGreaterThan(100);
      const tomorrowValue = new Map(tomorrow.flatMap((m) => m.rounds.flatMap((r) => r.scores.map((s) => [`${m.id}/${r.roundNumber}/${s.displayName}`, s.value]))));
      for (const r of moved) expect(r.value, scoreKey(r)).toBe(tomorrowValue.get(scoreKey(r)));
      const newlyResolved = (want.scores as ScoreRow[]).filter((r) => r.resolved === 1 && before.get(scoreKey(r))?.resolved === 0);
      expect(newlyResolved.length).toBeGreaterThan(0);
    },
  );
});
