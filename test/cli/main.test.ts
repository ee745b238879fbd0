import { spawnSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/main.js";
import { openDatabase } from "../../src/db/open.js";
import { createModelRepository } from "../../src/db/repositories/models.js";
import { createScoreWriter, type RoundRecord } from "../../src/db/repositories/scores.js";
import { EXIT_CODE } from "../../src/errors.js";
import { gaussian, mulberry32 } from "../../src/random.js";
import { startFakeNumerai, type FakeNumerai } from "../helpers/fake-numerai.js";
import { syntheticModels } from "../helpers/synthetic-scores.js";
import { makeTestDb } from "../helpers/test-db.js";

const DATA = "../shared/data/vladthestaker";

describe("runCli", () => {
  let db: ReturnType<typeof makeTestDb>;
  let env: NodeJS.ProcessEnv;
  let out: string[];
  let err: string[];
  const io = { out: (l: string) => out.push(l), err: (l: string) => err.push(l) };
  beforeEach(() => {
    db = makeTestDb();
    db.close();
    // An unreachable API: none of these commands may need the network.
    env = { DATABASE_PATH: join(db.dir, "cli.db"), NUMERAI_API_URL: "http://127.0.0.1:9", NUMERAI_TIMEOUT_MS: "200" };
    out = [];
    err = [];
  });
  afterEach(() => db.cleanup());

  it("prints help and exits 0 with --help, 2 with no command", async () => {
    expect(await runCli(["--help"], env, io)).toBe(0);
    expect(out.join("\n")).toMatch(/Usage: modelfolio <command>/);
    expect(await runCli([], env, io)).toBe(2);
  });

  it("answers --help without loading discord.js, the database driver, drizzle, pino or the renderer", () => {
    // A resolve hook that refuses the heavy packages: importing any of them fails the run.
    // They are what made `modelfolio --help` take most of a second even when compiled.
    const refuse = `export async function resolve(specifier, context, next) {
      if (/^(discord\\.js|better-sqlite3|drizzle-orm|pino|@resvg\\/resvg-js)(\\/|$)/.test(specifier)) throw new Error("--help loaded " + specifier);
      return next(specifier, context);
    }`;
    const register = `import { register } from "node:module"; register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(refuse)}`)});`;
    const res = spawnSync(
      process.execPath,
      ["--import", "tsx", "--import", `data:text/javascript,${encodeURIComponent(register)}`, "src/cli/main.ts", "--help"],
      { cwd: fileURLToPath(new URL("../..", import.meta.url)), encoding: "utf8", timeout: 20_000 },
    );
    expect(res.stderr).toBe("");
    expect(res.stdout).toMatch(/Usage: modelfolio <command>/);
    expect(res.status).toBe(0);
  });

  it("exits 2 with one line for unknown options and commands", async () => {
    expect(await runCli(["frobnicate"], env, io)).toBe(2);
    expect(await runCli(["sync", "--bogus"], env, io)).toBe(2);
    expect(err).toHaveLength(2);
    expect(err[0]).toMatch(/unknown command "frobnicate"/);
  });

  it("exits 2 naming every bad variable when the configuration is invalid", async () => {
    expect(await runCli(["status"], { ...env, NUMERAI_TOURNAMENT: "x", LOG_LEVEL: "loud" }, io)).toBe(2);
    expect(err.join("\n")).toMatch(/NUMERAI_TOURNAMENT[\s\S]*LOG_LEVEL/);
  });

  it("imports a long CSV, reports JSON, and refuses a bad file with exit 1 and the line", async () => {
    const file = join(db.dir, "long.csv");
    writeFileSync(file, "model,round,score,value\nalpha,900,canon_corr,0.01\nbeta,900,canon_corr,0.02\n");
    expect(await runCli(["import", file, "--json"], env, io)).toBe(0);
    expect(JSON.parse(out.join("\n"))).toMatchObject({ rows: 2, format: "long", models: ["alpha", "beta"] });
    const bad = join(db.dir, "bad.csv");
    writeFileSync(bad, "model,round,score,value\nalpha,901,canon_corr,zzz\n");
    expect(await runCli(["import", bad], env, io)).toBe(1);
    expect(err.at(-1)).toMatch(/line 2: value "zzz" is not a finite number/);
  });

  it("registers several imported models offline for the local user, saying they were not checked, and removes several", async () => {
    const file = join(db.dir, "long.csv");
    writeFileSync(file, "model,round,score,value\nalpha,900,canon_corr,0.01\nbeta,900,canon_corr,0.02\ngamma,900,canon_corr,0.03\n");
    expect(await runCli(["import", file], env, io)).toBe(0);
    out = [];
    expect(await runCli(["models", "add", "alpha", "beta", "gamma"], env, io), err.join("\n")).toBe(0);
    expect(out.filter((l) => /from its imported scores, not checked with Numerai \(Numerai could not be reached\)/.test(l))).toHaveLength(3);
    out = [];
    expect(await runCli(["models", "list", "--json"], env, io)).toBe(0);
    expect((JSON.parse(out.join("\n")) as Array<{ name: string }>).map((r) => r.name)).toEqual(["alpha", "beta", "gamma"]);
    out = [];
    expect(await runCli(["models", "remove", "alpha", "gamma", "--user", "100000000000000001"], env, io)).toBe(0);
    expect(out).toEqual(["Removed alpha, gamma."]);
    expect(await runCli(["models", "add"], env, io)).toBe(2);
    expect(err.at(-1)).toMatch(/models add takes NAME\.\.\. or --account USERNAME/);
  });

  it("analyze --weights declares shares under the bot's weight rule: a model it does not name gets its stake share or an equal share, never 0, and each weight says where it came from", async () => {
    // Four models, 60 resolved rounds; gamma and delta have Numerai stakes (100 and 300 NMR), beta none.
    const store = openDatabase(env.DATABASE_PATH as string);
    const models = createModelRepository(store.db, 8);
    const writer = createScoreWriter(store.sqlite, 8);
    const normal = gaussian(mulberry32(5));
    const stakes: Record<string, string | null> = { alpha: null, beta: null, gamma: "100", delta: "300" };
    writer.writeBatch(() => {
      Object.entries(stakes).forEach(([name, atRisk], i) => {
        const id = `cli-${i}-0000-4000-8000-000000000000`;
        models.upsertVerified(id, name);
        const records: RoundRecord[] = [];
        for (let round = 900; round < 960; round++) {
          records.push({
            roundNumber: round, openTime: null, resolveTime: null, resolved: true, atRisk,
            corrMultiplier: 0.5, mmcMultiplier: 2, payoutFactor: null, payoutPending: null, payoutSettled: null, target: null,
            scores: [{ name: "canon_corr", value: 0.01 * normal(), percentile: null, day: 20, date: null, resolved: true }],
          });
        }
        writer.writeRounds(id, records);
      });
    });
    store.close();
    const args = ["--models", "alpha,beta,gamma,delta", "--score", "canon_corr", "--weights", "alpha=0.4"];

    expect(await runCli(["analyze", "contribution", ...args, "--json"], env, io), err.join("\n")).toBe(EXIT_CODE.ok);
    const json = JSON.parse(out.join("\n")) as { weights: Array<{ name: string; weight: number; origin: string }> };
    // R = 0.6 over three undeclared slots: beta (no stake) 0.2; gamma and delta pool 0.4 as 1:3.
    expect(Object.fromEntries(json.weights.map((w) => [w.name, [Number(w.weight.toFixed(6)), w.origin]]))).toEqual({
      alpha: [0.4, "explicit"],
      beta: [0.2, "equal"],
      gamma: [0.1, "stake"],
      delta: [0.3, "stake"],
    });

    for (const analysis of ["contribution", "bets", "hedge", "allocate", "prune", "correlation"]) {
      out = [];
      expect(await runCli(["analyze", analysis, ...args], env, io), `${analysis}: ${err.join("\n")}`).toBe(EXIT_CODE.ok);
      const text = out.join("\n");
      expect(text, analysis).toMatch(/--weights: alpha 40\.0%/);
      expect(text, analysis).toMatch(/Numerai stake: delta 30\.0%, gamma 10\.0%/);
      expect(text, analysis).toMatch(/equal share: beta 20\.0%/);
      expect(text, analysis).not.toMatch(/ 0\.0%/);
    }

    expect(await runCli(["analyze", "bets", "--models", "alpha,beta,gamma,delta", "--score", "canon_corr", "--weights", "alpha=0.7,beta=0.5"], env, io)).toBe(EXIT_CODE.badInput);
    expect(err.at(-1)).toMatch(/would add up to 120\.0%/);
    expect(await runCli(["analyze", "bets", "--models", "alpha,beta", "--score", "canon_corr", "--weights", "alpha=2"], env, io)).toBe(EXIT_CODE.badInput);
    expect(err.at(-1)).toMatch(/must be a share from 0 to 1/);
  });

  it("refuses a backfill with from > to before touching the network", async () => {
    expect(await runCli(["backfill", "--from", "10", "--to", "5", "--model", "x"], env, io)).toBe(1);
    expect(err.at(-1)).toMatch(/first round \(10\) is after the last round \(5\)/);
  });

  it.skipIf(!existsSync(DATA))("analyses imported real scores as full-precision JSON (skipped without ../shared/data)", async () => {
    expect(await runCli(["import", `${DATA}/daily_data_corr_abs.csv`, "--score", "canon_corr"], env, io)).toBe(0);
    out = [];
    expect(await runCli(["analyze", "correlation", "--models", "fearindex,ssh48", "--score", "canon_corr", "--json"], env, io)).toBe(0);
    const res = JSON.parse(out.join("\n")) as { names: string[]; matrix: { values: Array<number | null> } };
    expect(res.names).toEqual(["fearindex", "ssh48"]);
    expect(res.matrix.values).toHaveLength(4);
    expect(typeof res.matrix.values[1]).toBe("number");
  });

  it("prints minimum-torsion bets beside the others and which to trust (committed fixture, numpy/scipy reference)", async () => {
    // Reference: test/fixtures/torsion/torsion.json, case "…canon_corr, equal weights" (make_torsion.py).
    expect(await runCli(["import", "test/fixtures/vladthestaker/daily_data_corr_abs.csv", "--score", "canon_corr"], env, io)).toBe(0);
    out = [];
    const models = "v5_lgbm_ct_blend,v5_lgbm_cyrusd,integration_test,nb_example_model,nb_hello_numerai,fearindex";
    expect(await runCli(["analyze", "bets", "--models", models, "--score", "canon_corr"], env, io)).toBe(0);
    const text = out.join("\n");
    expect(text).toContain("6 models over 354 common rounds behave like:");
    expect(text).toContain("participation ratio      1.53 independent bets");
    expect(text).toContain("Meucci (weights: equal) 1.01");
    expect(text).toContain("minimum-torsion (weights: equal) 5.98");
    expect(text).toContain("Meucci and minimum-torsion differ by more than 1: trust minimum-torsion for how your weights spread risk, the participation ratio for how many bets.");
  });

  describe("sync", () => {
    let numerai: FakeNumerai | undefined;
    afterEach(async () => {
      await numerai?.close();
      numerai = undefined;
    });

    it("says FAILED and exits with the fault code when every model fails, and with counts when some do", async () => {
      const names = ["alpha_one", "alpha_two"];
      numerai = await startFakeNumerai({ models: syntheticModels({ names, fromRound: 1100, toRound: 1190, seed: 3, currentRound: 1190 }), currentRound: 1190 });
      const live = { ...env, NUMERAI_API_URL: numerai.url, LOG_LEVEL: "silent" };
      for (const name of names) expect(await runCli(["models", "add", name, "--user", "300000000000000002"], live, io)).toBe(EXIT_CODE.ok);
      // The current round answers; each model's scores answer HTTP 400 (not retried).
      numerai.setFaults({ rate: 1, kinds: ["400"], sequence: ["ok"] });
      out = [];
      expect(await runCli(["sync"], live, io)).toBe(EXIT_CODE.fault);
      expect(out[0]).toMatch(/^Sync #\d+ up to round 1190 FAILED: none of the 2 model\(s\) could be fetched; nothing was written\.$/);
      expect(out.slice(1)).toEqual([expect.stringMatching(/^ {2}failed: alpha_one: .*HTTP 400/), expect.stringMatching(/^ {2}failed: alpha_two: .*HTTP 400/)]);
      numerai.setFaults({ rate: 0, kinds: ["400"], sequence: ["ok", "400"] });
      out = [];
      expect(await runCli(["sync"], live, io)).toBe(EXIT_CODE.fault);
      expect(out[0]).toMatch(/^Sync #\d+ up to round 1190 partly failed: 1 of 2 model\(s\) failed, 1 saved \(\d+ score rows\)\.$/);
      numerai.setFaults(undefined);
      out = [];
      expect(await runCli(["sync"], live, io)).toBe(EXIT_CODE.ok);
      expect(out).toEqual([expect.stringMatching(/^Sync #\d+ up to round 1190: 2 model\(s\), \d+ score rows\.$/)]);
    });
  });
});
