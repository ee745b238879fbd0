/**
 * The real CLI (`modelfolio backfill`, a separate node process) killed with SIGKILL at seeded
 * random points of a backfill, ten times, restarted each time, then let finish: the database
 * equals an uninterrupted run row by row (runs included, timestamps aside) and SQLite's
 * integrity check is ok. After every kill the file is checked too: intact, and holding only
 * whole batches (the rows on disk are exactly those the run's progress records). A killed run
 * says "running" until the next start-up of the bot or the CLI, which records it as interrupted
 * (its process is gone), and `/admin status` and `modelfolio status` say so.
 */
import Database from "better-sqlite3";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import { commands } from "../../commands/index.js";
import { runCli } from "../../src/cli/main.js";
import { ADMIN, GUILD, startHarness } from "../helpers/bot-harness.js";
import { startFakeNumerai, type FakeNumerai } from "../helpers/fake-numerai.js";
import { mulberry32, syntheticModels } from "../helpers/synthetic-scores.js";
import { makeTestDb } from "../helpers/test-db.js";
import { dumpStore, integrityCheck, scoreCountsByModelRound, spawnTs, waitForExit } from "./support.js";

const USER = "111111111111111111";
const NAMES = ["alpha_one", "alpha_two", "beta_main", "gamma_x"];
const FROM = 400;
const TO = 1149;
const KILLS = 10;
/** Per answer: enough that the CLI spends most of its time between batches, as against the real API. */
const SLOW_MS = 40;
const BACKFILL = ["backfill", "--from", String(FROM), "--to", String(TO)];

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function fakeNumerai(): Promise<FakeNumerai> {
  const server = await startFakeNumerai({
    models: syntheticModels({ names: NAMES, fromRound: FROM, toRound: TO, seed: 5, currentRound: TO + 3 }),
    currentRound: TO + 3,
    slowMs: SLOW_MS,
  });
  cleanups.push(() => server.close());
  return server;
}

/** A database with the models registered through the CLI (in-process: same code, no start-up cost). */
async function registeredDb(url: string): Promise<{ path: string; env: Record<string, string> }> {
  const db = makeTestDb();
  db.close();
  cleanups.push(() => db.cleanup());
  const path = join(db.dir, "cli.db");
  const env = { DATABASE_PATH: path, NUMERAI_API_URL: url, NUMERAI_TIMEOUT_MS: "5000" };
  const err: string[] = [];
  for (const name of NAMES) {
    expect(await runCli(["models", "add", name, "--user", USER], env, { out: () => undefined, err: (l) => err.push(l) }), err.join("\n")).toBe(0);
  }
  return { path, env };
}

function openReadonly(path: string): Database.Database {
  const sqlite = new Database(path, { readonly: true, fileMustExist: true });
  cleanups.push(() => {
    if (sqlite.open) sqlite.close();
  });
  return sqlite;
}

interface KillRecord {
  plan: string;
  unitsDone: number | null;
}

describe("modelfolio backfill", () => {
  it("killed with SIGKILL ten times at random points and restarted, ends identical to an uninterrupted run", { timeout: 120_000 }, async () => {
    const cleanServer = await fakeNumerai();
    const server = await fakeNumerai();
    const clean = await registeredDb(cleanServer.url);
    const killed = await registeredDb(server.url);

    // The uninterrupted reference runs meanwhile, through the same CLI code.
    const reference = runCli(BACKFILL, clean.env, { out: () => undefined, err: () => undefined });

    const rng = mulberry32(20260302);
    const kills: KillRecord[] = [];
    let referenceCounts: Map<string, number> | undefined;
    for (let i = 0; i < KILLS; i++) {
      const child = spawnTs("src/cli/main.ts", BACKFILL, killed.env);
      const exit = waitForExit(child, 60_000);
      let exited = false;
      void exit.then(() => (exited = true), () => (exited = true));
      // A fifth of the kills land during start-up; the rest when the 1st–4th request of this run arrives, plus 0–60 ms,
      // so they hit a request in flight, the write of a batch, or the gap between two.
      let plan: string;
      if (rng() < 0.2) {
        const ms = Math.floor(rng() * 1500);
        plan = `start-up +${ms} ms`;
        await sleep(ms);
      } else {
        const base = server.requests.length;
        const requests = 1 + Math.floor(rng() * 4);
        const jitter = Math.floor(rng() * 60);
        plan = `request ${requests} +${jitter} ms`;
        while (!exited && server.requests.length < base + requests) await sleep(2);
        await sleep(jitter);
      }
      expect(exited, `run ${i} finished before its kill (${plan})`).toBe(false);
      child.kill("SIGKILL");
      expect((await exit).signal).toBe("SIGKILL");

      if (!referenceCounts) {
        expect(await reference).toBe(0);
        referenceCounts = scoreCountsByModelRound(openReadonly(clean.path));
      }
      const sqlite = openReadonly(killed.path);
      expect(integrityCheck(sqlite)).toBe("ok");
      expect(sqlite.pragma("foreign_key_check")).toEqual([]);
      const run = sqlite.prepare("select units_done, rows_written from ingestion_runs where kind = 'backfill'").all() as Array<{ units_done: number; rows_written: number }>;
      expect(run.length).toBeLessThanOrEqual(1);
      const scores = (sqlite.prepare("select count(*) n from scores").get() as { n: number }).n;
      expect(scores).toBe(run[0]?.rows_written ?? 0);
      for (const [key, n] of scoreCountsByModelRound(sqlite)) expect(n, key).toBe(referenceCounts.get(key));
      kills.push({ plan, unitsDone: run[0]?.units_done ?? null });
      sqlite.close();
    }

    // The last kill left the run "running"; the bot's start-up finds its process gone.
    const runStatus = () => {
      const sqlite = openReadonly(killed.path);
      const row = sqlite.prepare("select id, status, error from ingestion_runs where kind = 'backfill'").get() as { id: number; status: string; error: string | null };
      sqlite.close();
      return row;
    };
    expect(runStatus().status).toBe("running");
    const bot = await startHarness(commands, { env: { DATABASE_PATH: killed.path } });
    let botOpen = true;
    const closeBot = async () => {
      if (botOpen) await bot.close();
      botOpen = false;
    };
    cleanups.push(closeBot);
    expect(runStatus()).toMatchObject({ id: 1, status: "interrupted", error: expect.stringMatching(/^interrupted: the process running it \(pid \d+\) stopped before it finished/) });
    expect(bot.logs).toContainEqual(expect.objectContaining({ module: "ingestion", msg: "runs whose process is gone marked interrupted", runs: [expect.objectContaining({ id: 1, kind: "backfill" })] }));
    const status = bot.discord.sendInteraction(bot.discord.chatInput({ name: "admin", subcommand: "status", user: ADMIN, guildId: GUILD }));
    const reply = await status.awaitCall((c) => c.kind === "edit-original", 20_000);
    expect(JSON.stringify(reply.call.json)).toContain("interrupted (process gone): backfill #1");
    await closeBot();
    const cliStatus: string[] = [];
    expect(await runCli(["status"], killed.env, { out: (l) => cliStatus.push(l), err: () => undefined })).toBe(0);
    expect(cliStatus.join("\n")).toMatch(/#1 backfill interrupted/);

    const last = await waitForExit(spawnTs("src/cli/main.ts", BACKFILL, killed.env), 60_000);
    expect(last.code, last.stderr).toBe(0);
    expect(last.stdout).toMatch(/^Resumed and finished backfill #1: rounds 400–1149, 4 model\(s\)/);

    const got = openReadonly(killed.path);
    const want = openReadonly(clean.path);
    expect(integrityCheck(got)).toBe("ok");
    expect(dumpStore(got)).toEqual(dumpStore(want));
    // The kills really were spread over the run, not all at one place.
    const progress = kills.map((k) => k.unitsDone ?? 0);
    expect(new Set(progress).size, JSON.stringify(kills)).toBeGreaterThanOrEqual(5);
    expect(progress.every((p, j) => j === 0 || p >= (progress[j - 1] ?? 0)), JSON.stringify(kills)).toBe(true);
  });
});
