import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/main.js";
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
});
