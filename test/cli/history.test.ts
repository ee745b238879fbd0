/**
 * `modelfolio analyze history` on a real SQLite file with the real scores imported the way a user
 * imports them, against the pandas/numpy reference (test/fixtures/rolling, case
 * "vlad10-canon_corr-w60-declared": the same ten models on canon_corr, the same declared weights).
 */
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/main.js";
import { EXIT_CODE } from "../../src/errors.js";
import { expectAllClose } from "../analytics/reference.js";
import { ROLLING_CASES } from "../analytics/rolling-reference.js";
import { makeTestDb } from "../helpers/test-db.js";

const REF = ROLLING_CASES.find((c) => c.name === "vlad10-canon_corr-w60-declared") as (typeof ROLLING_CASES)[number] & { declared: number[] };
const MODELS = REF.models.map((m) => m.toLowerCase());
// Nine declared shares; the tenth model gets the 10% they leave, as the weights rule says.
const WEIGHTS = REF.declared.map((w, i) => `${MODELS[i]}=${w}`).join(",");

interface HistoryJson {
  window: number;
  roundNumbers: number[];
  models: { name: string; weight: number; correlation: (number | null)[] }[];
  bets: (number | null)[];
  sharpe: (number | null)[];
}

describe("modelfolio analyze history", () => {
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

  it("gives each model's rolling ρ with the rest, rolling effective bets and rolling Sharpe as numpy/pandas compute them (1e-9)", async () => {
    const code = await runCli(["analyze", "history", "--models", MODELS.join(","), "--score", "canon_corr", "--weights", WEIGHTS, "--window", "60", "--json"], env, io);
    expect(err).toEqual([]);
    expect(code).toBe(EXIT_CODE.ok);
    const res = JSON.parse(out.join("\n")) as HistoryJson;
    expect(res.window).toBe(60);
    expect(res.roundNumbers).toEqual(REF.rounds);
    expectAllClose(
      res.models.map((m) => m.weight),
      REF.weights,
      1e-12,
      "weights",
    );
    const num = (xs: (number | null)[]) => xs.map((x) => x ?? NaN);
    REF.models.forEach((m, i) => expectAllClose(num(res.models[i]?.correlation ?? []), REF.correlationWithRest[i] as (number | null)[], 1e-9, m, 1));
    expectAllClose(num(res.bets), REF.participationRatio, 1e-9, "bets");
    expectAllClose(num(res.sharpe), REF.portfolioSharpe, 1e-9, "sharpe");
  });

  it("prints the first and latest effective bets and Sharpe in text, and writes the chart", async () => {
    expect(await runCli(["analyze", "history", "--models", MODELS.join(","), "--score", "canon_corr", "--weights", WEIGHTS], env, io)).toBe(EXIT_CODE.ok);
    const text = out.join("\n");
    const first = REF.participationRatio.findIndex((x) => x !== null);
    const last = REF.participationRatio.length - 1;
    expect(text).toContain(`**Effective bets**: ${(REF.participationRatio[first] as number).toFixed(1)} (round ${REF.rounds[first]}) → **${(REF.participationRatio[last] as number).toFixed(1)} (round ${REF.rounds[last]})**.`);
    expect(text).toContain(`**Portfolio Sharpe**: ${(REF.portfolioSharpe[first] as number).toFixed(2)} (round ${REF.rounds[first]}) → **${(REF.portfolioSharpe[last] as number).toFixed(2)} (round ${REF.rounds[last]})**.`);
    expect(text).toMatch(/\[file written: .+history\.png\]/);
  });

  it("refuses a window longer than the shared rounds allow with exit 1, saying a shorter window needs fewer", async () => {
    const code = await runCli(["analyze", "history", "--models", MODELS.join(","), "--score", "canon_corr", "--rounds", "100", "--window", "120"], env, io);
    expect(code).toBe(EXIT_CODE.badInput);
    expect(err.join("\n")).toMatch(/A 120-round window needs 121; a shorter one \(--window 10 or more\) needs fewer\./);
  });

  it("refuses a window outside 10–500 before reading any score", async () => {
    expect(await runCli(["analyze", "history", "--models", MODELS.join(","), "--window", "5"], env, io)).toBe(EXIT_CODE.badInput);
    expect(err.join("\n")).toContain("The window must be a whole number of rounds from 10 to 500.");
  });
});
