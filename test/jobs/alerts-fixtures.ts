/**
 * Set-up for the alert tests: a real SQLite file with the real migrations, four models of Alice
 * and one of Bob whose scores the test writes round by round through the real score writer, so
 * each condition can be made true after the baseline.
 */
import { openDatabase, type Store } from "../../src/db/open.js";
import type { RoundRecord } from "../../src/db/repositories/scores.js";
import { silentLogger } from "../../src/logger.js";
import { createNumeraiClient } from "../../src/numerai/client.js";
import type { NumeraiClient } from "../../src/numerai/types.js";
import { mulberry32 } from "../../src/random.js";
import { createServices, type Services } from "../../src/services/index.js";
import { makeTestDb } from "../helpers/test-db.js";
import { ALICE, BOB, TOURNAMENT } from "./digest-fixtures.js";

export const ALICE_MODELS = ["al_x", "al_y", "al_z", "al_w"] as const;
export const BOB_MODELS = ["bo_a", "bo_b"] as const;

/** One resolved round whose combined score (0.5·corr + 2·mmc before round 1175) is exactly `value`. */
function record(round: number, value: number): RoundRecord {
  return {
    roundNumber: round,
    openTime: new Date(Date.UTC(2026, 0, 1) + round * 86_400_000),
    resolveTime: new Date(Date.UTC(2026, 0, 1) + (round + 30) * 86_400_000),
    resolved: true,
    atRisk: null,
    corrMultiplier: 0.5,
    mmcMultiplier: 2,
    payoutFactor: null,
    payoutPending: null,
    payoutSettled: null,
    target: null,
    scores: [
      { name: "v2_corr20", value: 2 * value, percentile: null, day: 20, date: null, resolved: true },
      { name: "mmc", value: 0, percentile: null, day: 20, date: null, resolved: true },
    ],
  };
}

export interface AlertWorld {
  readonly store: Store & { dir: string; cleanup(): void };
  readonly services: Services;
  /** A client of nothing (port 9): these tests never call Numerai. */
  readonly numerai: NumeraiClient;
  /** Writes rounds: `values(model, round)` gives each model's score, or null for no score. */
  write(from: number, to: number, values: (model: string, round: number) => number | null): void;
  /** Services over a new connection to the same file: what a restarted process has. */
  reopen(): { store: Store; services: Services; close(): Promise<void> };
  close(): Promise<void>;
}

const numeraiStub = () =>
  createNumeraiClient({ url: "http://127.0.0.1:9", tournament: TOURNAMENT, timeoutMs: 100, concurrency: 1, maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1, logger: silentLogger });

export function makeAlertWorld(): AlertWorld {
  const store = makeTestDb();
  const numerai = numeraiStub();
  const services = createServices(store, numerai, silentLogger, { tournament: TOURNAMENT, syncLookbackRounds: 40 });
  const { models, registrations, writer } = services.repos;
  const owners: Record<string, readonly string[]> = { [ALICE]: ALICE_MODELS, [BOB]: BOB_MODELS };
  for (const [user, names] of Object.entries(owners)) {
    for (const [i, name] of names.entries()) {
      const id = `00000000-0000-4000-8000-${String(user === ALICE ? i : 10 + i).padStart(12, "0")}`;
      models.upsertVerified(id, name);
      registrations.add(user, id);
    }
  }
  const idOf = (name: string) => (models.findByName(name) as { id: string }).id;
  return {
    store,
    services,
    numerai,
    write(from, to, values) {
      writer.writeBatch(() => {
        for (const name of [...ALICE_MODELS, ...BOB_MODELS]) {
          const recs: RoundRecord[] = [];
          for (let r = from; r <= to; r++) {
            const v = values(name, r);
            if (v !== null) recs.push(record(r, v));
          }
          writer.writeRounds(idOf(name), recs);
        }
      });
    },
    reopen() {
      const again = openDatabase(store.path);
      const n = numeraiStub();
      return {
        store: again,
        services: createServices(again, n, silentLogger, { tournament: TOURNAMENT, syncLookbackRounds: 40 }),
        async close() {
          await n.close();
          again.close();
        },
      };
    },
    async close() {
      await numerai.close();
      store.cleanup();
    },
  };
}

/** Independent noise per model and round (small: no drawdown near 0.1 over 60 rounds). */
export function noise(model: string, round: number): number {
  let h = round * 2654435761;
  for (const c of model) h = Math.imul(h ^ c.charCodeAt(0), 16777619);
  return (mulberry32(h >>> 0)() - 0.5) * 0.01;
}
