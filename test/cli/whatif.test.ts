/**
 * `modelfolio analyze whatif` on a real SQLite file with real scores imported the way a user
 * imports them, against the numpy reference (test/fixtures/payout-simulation, case
 * "vlad5-canon_corr-equal": the same five models on canon_corr, equal current weights).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/main.js";
import { EXIT_CODE } from "../../src/errors.js";
import { expectAllClose } from "../analytics/reference.js";
import { makeTestDb } from "../helpers/test-db.js";

interface Case {
  name: string;
  models: string[];
  rounds: number[];
  weights: number[];
  expected: { byMultiplier: number[]; restLostRounds: number; byMarginalSharpe: number }[];
}
const REF = (JSON.parse(readFileSync(new URL("../fixtures/payout-simulation/payout-simulation.json", import.meta.url), "utf8")) as { cases: Case[] }).cases.find(
  (c) => c.name === "vlad5-canon_corr-equal",
) as Case;
const MODELS = REF.models.map((m) => m.toLowerCase());

interface WhatIfJson {
  names: string[];
  current: { weights: number[] };
  proposed: { weights: number[]; normalisedFrom: number | null; unnamed: string[] };
  cumulative: { rounds: number[] };
  payout: { rows: { name: string; byMultiplier: number[]; restLostRounds: number; byMarginalSharpe: number | null }[] };
}

describe("modelfolio analyze whatif", () => {
  let db: ReturnType<typeof makeTestDb>;
  let env: NodeJS.ProcessEnv;
  let out: string[];
  let err: string[];
  const io = { out: (l: string) => out.push(l), err: (l: string) => err.push(l) };
  beforeEach(async () => {
    db = makeTestDb();
    db.close();
    env = { DATABASE_PATH: join(db.dir, "cli.db"), NUMERAI_API_URL: "http://127.0.0.1:9", NUMERAI_TIMEOUT_MS: "200" };
    out = [];
    err = [];
    expect(await runCli(["import", "test/fixtures/vladthestaker/daily_data_corr_abs.csv", "--score", "canon_corr"], env, io)).toBe(EXIT_CODE.ok);
    out = [];
  });
  afterEach(() => db.cleanup());

  it("simulates the payout rules as numpy does on the same rounds (1e-9), and states the proposal's normalisation", async () => {
    const propose = `${MODELS[0]}=3,${MODELS[1]}=1`;
    const code = await runCli(["analyze", "whatif", "--models", MODELS.join(","), "--score", "canon_corr", "--from", String(REF.rounds[0]), "--to", String(REF.rounds.at(-1)), "--propose", propose, "--json"], env, io);
    expect(err).toEqual([]);
    expect(code).toBe(EXIT_CODE.ok);
    const res = JSON.parse(out.join("\n")) as WhatIfJson;
    expect(res.cumulative.rounds).toEqual(REF.rounds);
    expectAllClose(res.current.weights, REF.weights, 1e-12, "current weights");
    expect(res.proposed.weights).toEqual([0.75, 0.25, 0, 0, 0]);
    expect(res.proposed.normalisedFrom).toBe(4);
    expect(res.proposed.unnamed).toEqual(MODELS.slice(2));
    REF.expected.forEach((e, i) => {
      const row = res.payout.rows[i]!;
      expect(row.name).toBe(MODELS[i]);
      expectAllClose(row.byMultiplier, e.byMultiplier, 1e-9, `${row.name} by multiplier`);
      expect(row.restLostRounds).toBe(e.restLostRounds);
      expectAllClose([row.byMarginalSharpe ?? NaN], [e.byMarginalSharpe], 1e-9, `${row.name} by ΔSR`);
    });
  });

  it("prints the comparison and the simulation in text, and writes the chart", async () => {
    expect(await runCli(["analyze", "whatif", "--models", MODELS.join(","), "--score", "canon_corr", "--method", "hrp"], env, io)).toBe(EXIT_CODE.ok);
    const text = out.join("\n");
    expect(text).toContain("**hrp's suggestion** against your current weights");
    expect(text).toContain("Simulation, not a Numerai rule");
    expect(text).toMatch(/\[file written: .+whatif\.png\]/);
  });

  it("refuses an unknown model with exit 1, listing the selected models", async () => {
    const code = await runCli(["analyze", "whatif", "--models", MODELS.join(","), "--score", "canon_corr", "--propose", "nosuch=1"], env, io);
    expect(code).toBe(EXIT_CODE.badInput);
    expect(err.join("\n")).toContain(`You have no model called nosuch. Your models: ${MODELS.join(", ")}.`);
  });

  it("refuses an unknown --method naming the methods there are", async () => {
    expect(await runCli(["analyze", "whatif", "--models", MODELS.join(","), "--method", "magic"], env, io)).toBe(EXIT_CODE.badInput);
    expect(err.join("\n")).toContain('Unknown method "magic". Use one of: equal, inverse-variance, min-variance, hrp, max-sharpe.');
  });

  it("refuses neither --propose nor --method", async () => {
    expect(await runCli(["analyze", "whatif", "--models", MODELS.join(",")], env, io)).toBe(EXIT_CODE.badInput);
    expect(err.join("\n")).toContain("whatif takes either --propose");
  });
});
