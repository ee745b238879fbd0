import { afterEach, describe, expect, it } from "vitest";
import { createIngestionRunRepository } from "../../src/db/repositories/ingestion-runs.js";
import { silentLogger } from "../../src/logger.js";
import { createNumeraiClient } from "../../src/numerai/client.js";
import type { NumeraiClient } from "../../src/numerai/types.js";
import { currentProcess, type ProcessIdentity } from "../../src/process-identity.js";
import { createServices, type Services } from "../../src/services/index.js";
import { startFakeNumerai, type FakeNumerai, type FaultPlan } from "../helpers/fake-numerai.js";
import { syntheticModels } from "../helpers/synthetic-scores.js";
import { makeTestDb } from "../helpers/test-db.js";

const USER = "111111111111111111";
const NAMES = ["alpha_one", "alpha_two", "beta_main"];
const CURRENT = 1010;

interface Env {
  db: ReturnType<typeof makeTestDb>;
  client: NumeraiClient;
  services: Services;
}

const open: Env[] = [];
const servers: FakeNumerai[] = [];

async function fake(faults?: FaultPlan): Promise<FakeNumerai> {
  const server = await startFakeNumerai({
    models: syntheticModels({ names: NAMES, fromRound: 900, toRound: CURRENT, seed: 7, currentRound: CURRENT }),
    currentRound: CURRENT,
    ...(faults ? { faults } : {}),
  });
  servers.push(server);
  return server;
}

function env(url: string, maxAttempts = 12): Env {
  const db = makeTestDb();
  const client = createNumeraiClient({ url, tournament: 8, timeoutMs: 300, concurrency: 4, maxAttempts, baseDelayMs: 1, maxDelayMs: 20, logger: silentLogger });
  const services = createServices(db, client, silentLogger, { tournament: 8, syncLookbackRounds: 40, backfillBatchRounds: 25 });
  const e = { db, client, services };
  open.push(e);
  return e;
}

/** Every stored fact, row by row, in a fixed order (what "the final database is identical" means). */
function dump(e: Env) {
  const q = (sql: string) => e.db.sqlite.prepare(sql).all();
  return {
    models: q("select id, name, tournament, source from models order by id"),
    registrations: q("select discord_user_id, model_id, declared_weight from registrations order by discord_user_id, model_id"),
    rounds: q("select * from rounds order by tournament, number"),
    modelRounds: q("select * from model_rounds order by model_id, round_number"),
    scores: q("select * from scores order by model_id, round_number, name"),
  };
}

async function registerAll(e: Env) {
  for (const n of NAMES) await e.services.registrations.add(USER, n);
}

afterEach(async () => {
  for (const e of open.splice(0)) {
    await e.client.close();
    e.db.cleanup();
  }
  for (const s of servers.splice(0)) await s.close();
});

describe("backfill", () => {
  it("stores every round of every registered model, with all score names and round facts", async () => {
    const e = env((await fake()).url);
    await registerAll(e);
    const res = await e.services.ingestion.backfill({ from: 900, to: 1000 });
    expect(res.models).toHaveLength(3);
    const d = dump(e);
    const names = new Set((d.scores as Array<{ name: string }>).map((s) => s.name));
    for (const n of ["canon_corr", "canon_mmc", "v2_corr20", "mmc", "bmc", "corr60", "mmc60"]) expect(names.has(n)).toBe(true);
    expect(d.modelRounds.length).toBeGreaterThan(250);
    const run = e.services.repos.runs.get(res.runId);
    expect(run?.status).toBe("succeeded");
    expect(run?.unitsDone).toBe(run?.unitsTotal);
  });

  it("ends complete and equal to a fault-free run under 20% injected faults", async () => {
    const clean = env((await fake()).url);
    await registerAll(clean);
    await clean.services.ingestion.backfill({ from: 900, to: 1000 });

    const faulty = env((await fake({ rate: 0.2, kinds: ["500", "429", "timeout", "truncated", "malformed", "null-fields"], seed: 42, retryAfterSeconds: 0, holdMs: 600 })).url, 20);
    await registerAll(faulty);
    await faulty.services.ingestion.backfill({ from: 900, to: 1000 });
    expect(dump(faulty)).toEqual(dump(clean));
  });

  it("resumes after an abort and ends identical to an uninterrupted run; running again changes nothing", async () => {
    const clean = env((await fake()).url);
    await registerAll(clean);
    await clean.services.ingestion.backfill({ from: 900, to: 1000 });

    const server = await fake();
    const e = env(server.url, 1);
    await registerAll(e);
    // Requests 1–5 answer; the sixth fails hard (a 400 is never retried), mid-backfill.
    server.setFaults({ rate: 0, kinds: [], sequence: ["ok", "ok", "ok", "ok", "ok", "400"] });
    await expect(e.services.ingestion.backfill({ from: 900, to: 1000 })).rejects.toThrow();
    const failed = e.services.repos.runs.recent(1, "backfill")[0];
    expect(failed?.status).toBe("failed");
    expect(failed?.unitsDone).toBe(5);
    const requestsBefore = server.requests.length;

    server.setFaults(undefined);
    const resumed = await e.services.ingestion.backfill({ from: 900, to: 1000 });
    expect(resumed.resumed).toBe(true);
    expect(resumed.runId).toBe(failed?.id);
    // It continued where it stopped: 3 models × 5 windows = 15 units, 5 done before (a window
    // whose answer has a hole in its round numbers is asked twice, to confirm the hole).
    const windows = server.requests.slice(requestsBefore).map((r) => {
      const v = (r.body as { variables: Record<string, unknown> }).variables;
      return `${String(v.modelId)}/${String(v.roundNumberGte)}`;
    });
    expect(new Set(windows).size).toBe(10);
    expect(windows.length).toBeLessThanOrEqual(20);
    expect(dump(e)).toEqual(dump(clean));

    const again = await e.services.ingestion.backfill({ from: 900, to: 1000 });
    expect(again.resumed).toBe(false);
    expect(dump(e)).toEqual(dump(clean));
  });

  it("refuses bad ranges with a clear sentence and writes nothing", async () => {
    const e = env((await fake()).url);
    await registerAll(e);
    await expect(e.services.ingestion.backfill({ from: 1000, to: 900 })).rejects.toThrow("The first round (1000) is after the last round (900).");
    await expect(e.services.ingestion.backfill({ from: 0, to: 900 })).rejects.toThrow(/whole numbers of 1 or more/);
    expect(dump(e).scores).toEqual([]);
    expect(e.services.repos.runs.recent(5)).toEqual([]);
  });
});

describe("models add", () => {
  it('answers "no Numerai model called X" for an unknown name and stores nothing', async () => {
    const e = env((await fake()).url);
    await expect(e.services.registrations.add(USER, "no_such_model")).rejects.toThrow("no Numerai model called no_such_model");
    expect(dump(e).models).toEqual([]);
    expect(dump(e).registrations).toEqual([]);
  });

  it("rejects names that cannot be Numerai model names before calling the API", async () => {
    const server = await fake();
    const e = env(server.url);
    await expect(e.services.registrations.add(USER, "'; drop table models; --")).rejects.toThrow(/is not a Numerai model name/);
    expect(server.requests).toHaveLength(0);
  });
});

describe("sync", () => {
  it("fetches recent rounds and keeps re-fetching unresolved ones until they resolve", async () => {
    // The API's current round is a month past the models' data: the first sync sees rounds near
    // 1010 still scoring; later the same rounds resolve, outside the 40-round lookback.
    const later = CURRENT + 60;
    const server = await startFakeNumerai({
      models: syntheticModels({ names: NAMES, fromRound: 900, toRound: CURRENT, seed: 7, currentRound: CURRENT }),
      currentRound: later,
    });
    servers.push(server);
    const e = env(server.url);
    await registerAll(e);
    // The first fetch of a new model covers its whole history (what /models add does in the background).
    await e.services.ingestion.backfill({ from: 900, to: CURRENT });
    const model = e.services.registrations.list(USER)[0]!;
    const unresolvedBefore = e.services.repos.reads.unresolvedRounds(model.id);
    expect(unresolvedBefore.length).toBeGreaterThan(0);
    expect(Math.min(...unresolvedBefore)).toBeLessThan(later - 40);

    server.setModels(syntheticModels({ names: NAMES, fromRound: 900, toRound: later, seed: 7, currentRound: later }));
    const res = await e.services.ingestion.sync();
    expect(res.currentRound).toBe(later);
    expect(res.failures).toEqual([]);
    const stillOpen = e.services.repos.reads.unresolvedRounds(model.id);
    for (const r of unresolvedBefore) expect(stillOpen).not.toContain(r);
    expect(e.services.repos.runs.recent(1, "sync")[0]?.status).toBe("succeeded");
  });

  it("refuses to run twice at once", async () => {
    const e = env((await fake()).url);
    await registerAll(e);
    const a = e.services.ingestion.sync();
    await expect(e.services.ingestion.sync()).rejects.toThrow(/already running/);
    await a;
  });
});

describe("markInterruptedRuns", () => {
  it("marks runs whose process is gone (no such pid, a reused pid, nothing recorded) interrupted and leaves a live process's run alone", () => {
    const e = env("http://127.0.0.1:9");
    const now = new Date("2026-03-02T06:17:00Z");
    const me = currentProcess();
    const runsOf = (owner: ProcessIdentity | null) => createIngestionRunRepository(e.db.db, owner);
    const live = runsOf(me).start("sync", { a: 1 }, 1, null, now);
    const noSuchPid = runsOf({ pid: 2 ** 22 + 7, instance: me.instance }).start("backfill", { a: 2 }, 4, null, now);
    // This process's pid, started at another time: a predecessor whose pid was reused (pid 1 in a container).
    const reused = runsOf({ pid: me.pid, instance: `${me.instance}0` }).start("backfill", { a: 3 }, 4, null, now);
    const unowned = runsOf(null).start("sync", { a: 4 }, 1, null, now);
    const finished = runsOf(null).start("sync", { a: 5 }, 1, null, now);
    runsOf(null).succeed(finished.id, now);

    const marked = e.services.ingestion.markInterruptedRuns();
    expect(marked.map((r) => r.id)).toEqual([noSuchPid.id, reused.id, unowned.id]);
    const status = (id: number) => e.services.repos.runs.get(id)?.status;
    expect([live, noSuchPid, reused, unowned, finished].map((r) => status(r.id))).toEqual(["running", "interrupted", "interrupted", "interrupted", "succeeded"]);
    expect(e.services.admin.status().interrupted.map((r) => r.id)).toEqual([unowned.id, reused.id, noSuchPid.id]);
    expect(e.services.admin.status().running.map((r) => r.id)).toEqual([live.id]);
    // Done once: the next start-up finds nothing more to mark.
    expect(e.services.ingestion.markInterruptedRuns()).toEqual([]);
  });

  it("resumes an interrupted backfill from its cursor", async () => {
    const clean = env((await fake()).url);
    await registerAll(clean);
    await clean.services.ingestion.backfill({ from: 900, to: 1000 });
    const server = await fake();
    const e = env(server.url, 1);
    await registerAll(e);
    server.setFaults({ rate: 0, kinds: [], sequence: ["ok", "ok", "ok", "400"] });
    await expect(e.services.ingestion.backfill({ from: 900, to: 1000 })).rejects.toThrow();
    const run = e.services.repos.runs.recent(1, "backfill")[0]!;
    // As a SIGKILL leaves it: still "running", by a process that is gone.
    e.db.sqlite.prepare("update ingestion_runs set status = 'running', pid = null where id = ?").run(run.id);
    expect(e.services.ingestion.markInterruptedRuns().map((r) => r.id)).toEqual([run.id]);
    server.setFaults(undefined);
    const resumed = await e.services.ingestion.backfill({ from: 900, to: 1000 });
    expect(resumed).toMatchObject({ runId: run.id, resumed: true });
    expect(e.services.repos.runs.get(run.id)).toMatchObject({ status: "succeeded", error: null, pid: process.pid });
    expect(dump(e)).toEqual(dump(clean));
  });
});
