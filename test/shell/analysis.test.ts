/**
 * The analysis commands through the real shell (parser, router, error path, renderers) on a real
 * SQLite file: which rounds `rounds:N` uses, what a refusal advises, names that stay apart when
 * cut, and what /server diversity and /allocate say (issue 11 items 2, 5, 6).
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/main.js";
import { openDatabase } from "../../src/db/open.js";
import { createModelRepository, createRegistrationRepository, createUserSettingsRepository } from "../../src/db/repositories/models.js";
import { createScoreWriter, type RoundRecord } from "../../src/db/repositories/scores.js";
import { gaussian, mulberry32 } from "../../src/random.js";
import { SHELL_GUILD_ID, SHELL_USER_ID } from "../../src/shell/session.js";
import { pipeShell } from "../helpers/shell-pipe.js";

const FRIEND = "100000000000000011";
const FIRST = 900;
const LAST = 1090;
/** Like Numerai: the newest 25 rounds are still being scored. */
const LAST_RESOLVED = LAST - 25;

interface Spec {
  readonly name: string;
  readonly owner: string;
  readonly idea: number;
  readonly firstRound?: number;
  readonly lastRound?: number;
}

/** Scores from a small factor model (shared market, the model's idea, noise); rounds after LAST_RESOLVED unresolved. */
/** A round's open and resolve times as the API gives them (default: none, as in imported history). */
type RoundTimes = (round: number) => { openTime: Date; resolveTime: Date } | null;

function seed(dbPath: string, specs: readonly Spec[], times: RoundTimes = () => null): void {
  const store = openDatabase(dbPath);
  const models = createModelRepository(store.db, 8);
  const regs = createRegistrationRepository(store.db, 8);
  const settings = createUserSettingsRepository(store.db);
  const writer = createScoreWriter(store.sqlite, 8);
  const normal = gaussian(mulberry32(11));
  const n = LAST - FIRST + 1;
  const market = Array.from({ length: n }, () => normal());
  const ideas = Array.from({ length: 8 }, () => Array.from({ length: n }, () => normal()));
  writer.writeBatch(() => {
    specs.forEach((m, i) => {
      const id = `test-${String(i).padStart(4, "0")}-0000-4000-8000-000000000000`;
      models.upsertVerified(id, m.name);
      regs.add(m.owner, id);
      const records: RoundRecord[] = [];
      for (let round = m.firstRound ?? FIRST; round <= (m.lastRound ?? LAST); round++) {
        const t = round - FIRST;
        const resolved = round <= LAST_RESOLVED;
        const corr = 0.003 + 0.01 * (0.4 * (market[t] as number) + 0.8 * (ideas[m.idea]?.[t] as number) + 0.4 * normal());
        const mmc = 0.001 + 0.005 * ((ideas[m.idea]?.[t] as number) + normal());
        records.push({
          roundNumber: round,
          openTime: times(round)?.openTime ?? null,
          resolveTime: times(round)?.resolveTime ?? null,
          resolved,
          atRisk: null,
          corrMultiplier: 0.5,
          mmcMultiplier: 2,
          payoutFactor: null,
          payoutPending: null,
          payoutSettled: null,
          target: null,
          scores: [
            { name: "canon_corr", value: corr, percentile: null, day: resolved ? 20 : 10, date: null, resolved },
            { name: "canon_mmc", value: mmc, percentile: null, day: resolved ? 20 : 10, date: null, resolved },
          ],
        });
      }
      writer.writeRounds(id, records);
    });
    for (const owner of new Set(specs.map((s) => s.owner))) settings.setServerOptIn(SHELL_GUILD_ID, owner, true);
  });
  store.close();
}

/** Pipes lines into the real shell; returns what each command printed, keyed by the line. */
async function shell(dbPath: string, outDir: string, lines: string[]): Promise<string[]> {
  const text = await pipeShell(dbPath, outDir, lines);
  // Each command's output starts with the echoed line "> /command …".
  const parts = text.split(/^> /m).slice(1);
  expect(parts).toHaveLength(lines.length);
  return parts;
}

const pngs = (reply: string) => [...reply.matchAll(/\[file written: (.+\.png)\]/g)].map((m) => m[1]);

describe("analysis commands in the shell", () => {
  let dir: string;
  let db: string;
  let out: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "modelfolio-analysis-"));
    db = join(dir, "shell.db");
    out = join(dir, "out");
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const three: Spec[] = [
    { name: "alpha_one", owner: SHELL_USER_ID, idea: 0 },
    { name: "alpha_two", owner: SHELL_USER_ID, idea: 0 },
    { name: "beta_main", owner: SHELL_USER_ID, idea: 1 },
  ];

  describe("rounds:N", () => {
    it.each(["/correlation rounds:30", "/contribution rounds:30", "/allocate rounds:30", "/prune rounds:30", "/performance rounds:30"])(
      "%s uses the last 30 resolved rounds and says which",
      async (line) => {
        seed(db, three);
        const [reply] = await shell(db, out, [line]);
        expect(reply).toContain(`Rounds: the last 30 resolved rounds (${LAST_RESOLVED - 29}–${LAST_RESOLVED})`);
        expect(reply).not.toMatch(/has the fewest|count missing rounds as 0|not computed/);
      },
    );

    it.each(["/correlation", "/contribution", "/allocate method:hrp", "/performance"])("%s in the shell prints no explore buttons or numer.ai links (Discord only)", async (line) => {
      seed(db, three);
      const [reply] = await shell(db, out, [line]);
      expect(reply).toContain("alpha_one");
      expect(reply).not.toMatch(/numer\.ai\/|Use these weights|On numer\.ai|page 1 of/);
    });

    it("/correlation rounds:30 computes the effective bets from 30 shared rounds and sends no empty heatmap", async () => {
      seed(db, three);
      const [reply] = await shell(db, out, ["/correlation rounds:30"]);
      expect(reply).toMatch(/independent bets[\s\S]*from the 30 rounds all 3 models share/);
      expect(pngs(reply ?? "")).toHaveLength(1);
      expect(reply).not.toMatch(/Grey hatched cells/);
    });

    it("/server diversity rounds:30 states the rounds too", async () => {
      seed(db, [...three, { name: "friend_x", owner: FRIEND, idea: 2 }]);
      const [reply] = await shell(db, out, ["/server diversity rounds:30"]);
      expect(reply).toContain(`Rounds: the last 30 resolved rounds (${LAST_RESOLVED - 29}–${LAST_RESOLVED})`);
    });

    it("without rounds: uses every resolved round and says so", async () => {
      seed(db, three);
      const [reply] = await shell(db, out, ["/contribution"]);
      expect(reply).toContain(`Rounds: all ${LAST_RESOLVED - FIRST + 1} resolved rounds (${FIRST}–${LAST_RESOLVED}), all shared by every model.`);
    });

    it("answers a window with no pair of 20 shared rounds with one clear sentence instead of an all-n/a heatmap", async () => {
      seed(db, three);
      const [reply] = await shell(db, out, ["/correlation rounds:5"]);
      expect(reply).toMatch(/No two of your 3 models share 20 or more of the last 5 resolved rounds \(\d+–\d+\), so no correlation is defined\. Leave out rounds: to use all 166 stored resolved rounds\./);
      expect(pngs(reply ?? "")).toHaveLength(0);
    });
  });

  describe("/correlation's heatmap", () => {
    it("lists the models in cluster order, so each family of near-duplicates is one block", async () => {
      // 16 models (over 15, so the matrix also goes along as correlation.csv), four ideas interleaved.
      const specs: Spec[] = Array.from({ length: 16 }, (_, i) => ({ name: `m${String(i).padStart(2, "0")}_idea${i % 4}`, owner: SHELL_USER_ID, idea: i % 4 }));
      seed(db, specs);
      const [reply] = await shell(db, out, ["/correlation"]);
      const csvPath = /\[file written: (.+correlation\.csv)\]/.exec(reply ?? "")?.[1];
      expect(csvPath).toBeDefined();
      const header = readFileSync(csvPath as string, "utf8").split(/\r?\n/)[0]?.split(",").slice(1) ?? [];
      expect([...header].sort()).toEqual(specs.map((m) => m.name).sort());
      const ideas = header.map((n) => n.slice(-1));
      // Contiguous blocks: the idea changes exactly three times along the order.
      expect(ideas.filter((v, i) => i > 0 && v !== ideas[i - 1])).toHaveLength(3);
      expect(reply).toContain("models in cluster order (the single linkage HRP uses), so near-duplicates sit together");
    });
  });

  describe("a refusal for too few shared rounds", () => {
    const withLate: Spec[] = [...three, { name: "late_model", owner: SHELL_USER_ID, idea: 2, firstRound: LAST_RESOLVED - 5 }];

    it("names the model that is the limit, and offers missing:zero, which the command then accepts", async () => {
      seed(db, withLate);
      const [refused, zero] = await shell(db, out, ["/contribution rounds:30", "/contribution rounds:30 missing:zero"]);
      expect(refused).toContain(
        "Only 6 of the last 30 resolved rounds (1036–1065) are shared by all 4 models; at least 20 are needed. " +
          "Without late_model (it has only 6 of them), the other 3 models share 30. `/models remove` stops tracking a model. With missing:zero a round a model lacks counts as 0, giving 30 rounds.",
      );
      expect(zero).toMatch(/Portfolio Sharpe/);
      expect(zero).toContain("Rounds: the last 30 resolved rounds (1036–1065); a round a model lacks counts as 0.");
    });

    it("names the model whose removal actually gives enough rounds when two models never overlap, not the one with the fewest", async () => {
      // early_model (900–960) and late_model (1001–1065) never overlap; short_model (1040–1065) has the fewest rounds,
      // but without it the others still share none: only leaving out early_model leaves 26 shared rounds.
      seed(db, [
        { name: "alpha_one", owner: SHELL_USER_ID, idea: 0 },
        { name: "early_model", owner: SHELL_USER_ID, idea: 1, lastRound: 960 },
        { name: "late_model", owner: SHELL_USER_ID, idea: 2, firstRound: 1001 },
        { name: "short_model", owner: SHELL_USER_ID, idea: 3, firstRound: 1040 },
      ]);
      const [reply] = await shell(db, out, ["/contribution"]);
      expect(reply).toContain(
        `Only 0 of the ${LAST_RESOLVED - FIRST + 1} stored resolved rounds (${FIRST}–${LAST_RESOLVED}) are shared by all 4 models; at least 20 are needed. ` +
          "Without early_model (it has only 61 of them), the other 3 models share 26. `/models remove` stops tracking a model. " +
          `With missing:zero a round a model lacks counts as 0, giving ${LAST_RESOLVED - FIRST + 1} rounds.`,
      );
      expect(reply).not.toMatch(/Without (short_model|late_model|alpha_one)/);
    });

    it("names every smallest removal that works, and more than one model when one is not enough", async () => {
      seed(db, [
        { name: "alpha_one", owner: SHELL_USER_ID, idea: 0 },
        { name: "alpha_two", owner: SHELL_USER_ID, idea: 0 },
        { name: "early_a", owner: SHELL_USER_ID, idea: 1, lastRound: 960 },
        { name: "early_b", owner: SHELL_USER_ID, idea: 2, lastRound: 950 },
        { name: "late_model", owner: SHELL_USER_ID, idea: 3, firstRound: 1001 },
      ]);
      const [both, one] = await shell(db, out, ["/contribution", "/contribution rounds:100"]);
      // All rounds: leaving out late_model alone gives 51 shared (900–950); leaving out both early ones gives 65.
      expect(both).toContain("Without late_model (it has only 65 of them), the other 4 models share 51.");
      // The last 100 resolved rounds (966–1065): the early models have none, so both must go.
      expect(one).toContain("Without early_a and early_b, the other 3 models share 65.");
    });

    it("names no model when every model has the same rounds, and offers a rounds: that would give enough", async () => {
      seed(db, three);
      const [reply] = await shell(db, out, ["/prune rounds:10"]);
      expect(reply).toContain("The last 10 resolved rounds (1056–1065) are too few: at least 20 shared rounds are needed. With rounds:20, 20 rounds are shared.");
      expect(reply).not.toMatch(/alpha_one|alpha_two|beta_main|missing:zero/);
    });

    it.each(["contribution", "bets", "hedge", "prune"])("modelfolio analyze %s --rounds 30 uses and states the last 30 resolved rounds", async (analysis) => {
      seed(db, three);
      const lines: string[] = [];
      const env = { DATABASE_PATH: db, NUMERAI_API_URL: "http://127.0.0.1:9", LOG_LEVEL: "silent" };
      expect(await runCli(["analyze", analysis, "--user", SHELL_USER_ID, "--rounds", "30"], env, { out: (l) => lines.push(l), err: () => {} })).toBe(0);
      expect(lines.join("\n")).toContain(`Rounds: the last 30 resolved rounds (${LAST_RESOLVED - 29}–${LAST_RESOLVED}), all shared by every model.`);
    });

    it("offers on the CLI the CLI's own options", async () => {
      seed(db, withLate);
      const err: string[] = [];
      const code = await runCli(["analyze", "contribution", "--user", SHELL_USER_ID, "--rounds", "30"], { DATABASE_PATH: db, NUMERAI_API_URL: "http://127.0.0.1:9", LOG_LEVEL: "silent" }, { out: () => {}, err: (l) => err.push(l) });
      expect(code).toBe(1);
      expect(err.join("\n")).toContain("Without late_model (it has only 6 of them), the other 3 models share 30. `modelfolio models remove NAME…` stops tracking a model. With --missing-zero a round a model lacks counts as 0, giving 30 rounds.");
      expect(err.join("\n")).not.toMatch(/missing:zero|rounds:\d/);
    });

    it("is offered in /help and refused by the shell for a value Discord would refuse", async () => {
      seed(db, three);
      const [help, bad] = await shell(db, out, ["/help", "/correlation missing:maybe"]);
      expect(help).toMatch(/\*\*missing\*\*|missing: what a round/);
      expect(help).toMatch(/`zero` — count a round a model lacks as 0/);
      expect(bad).toMatch(/missing must be one of: drop, zero/);
    });
  });

  describe("model names cut to fit", () => {
    const twins: Spec[] = [
      { name: "v52_lgbm_teager2b60", owner: SHELL_USER_ID, idea: 0 },
      { name: "v52_lgbm_teager2b20", owner: SHELL_USER_ID, idea: 0 },
      { name: "beta_main", owner: SHELL_USER_ID, idea: 1 },
    ];

    it.each(["/correlation", "/contribution", "/allocate", "/performance"])("%s keeps v52_lgbm_teager2b60 and v52_lgbm_teager2b20 apart", async (line) => {
      seed(db, twins);
      const [reply] = await shell(db, out, [line]);
      expect(reply).not.toContain("v52_lgbm_teager2b…");
      const shown = new Set([...(reply as string).matchAll(/v52_lgbm\S*/g)].map((m) => m[0].replace(/[`*,.:;)]+$/, "")));
      expect([...shown].some((s) => s.endsWith("b60"))).toBe(true);
      expect([...shown].some((s) => s.endsWith("b20"))).toBe(true);
    });

    it("/whatif in the shell takes the cut names its own reply shows, and refuses an unknown one listing the models", async () => {
      seed(db, twins);
      const [first] = await shell(db, out, ["/whatif method:equal"]);
      expect(pngs(first as string)).toHaveLength(1);
      const cut = [...(first as string).matchAll(/^(v52_lgbm\S*b60) /gm)].map((m) => m[1] as string)[0];
      expect(cut).toContain("…");
      const [ok, unknown] = await shell(db, out, [`/whatif weights:${cut}=1`, "/whatif weights:nosuch=1"]);
      expect(ok).toMatch(/^v52_lgbm\S*b60 +\d+% +100%$/m);
      expect(ok).toContain("Not named, so 0 in the proposal: ");
      expect(unknown).toContain("You have no model called nosuch. Your models: ");
      expect(pngs(unknown as string)).toHaveLength(0);
    });

    it("modelfolio analyze correlation prints them apart too", async () => {
      seed(db, twins);
      const lines: string[] = [];
      const code = await runCli(
        ["analyze", "correlation", "--models", "v52_lgbm_teager2b60,v52_lgbm_teager2b20,beta_main"],
        { DATABASE_PATH: db, NUMERAI_API_URL: "http://127.0.0.1:9", LOG_LEVEL: "silent" },
        { out: (l) => lines.push(l), err: () => {} },
      );
      expect(code).toBe(0);
      const text = lines.join("\n");
      expect(text).not.toContain("v52_lgbm_teager2b…");
      expect(text).toMatch(/v52_lgbm\S*b60/);
      expect(text).toMatch(/v52_lgbm\S*b20/);
    });
  });

  describe("/server diversity", () => {
    it("describes the gap between the two means it prints, never 'about equally' for different means", async () => {
      // Two members, each with near-copies of their own idea: pairs within a member correlate more.
      seed(db, [
        { name: "a_one", owner: SHELL_USER_ID, idea: 0 },
        { name: "a_two", owner: SHELL_USER_ID, idea: 0 },
        { name: "a_three", owner: SHELL_USER_ID, idea: 1 },
        { name: "b_one", owner: FRIEND, idea: 2 },
        { name: "b_two", owner: FRIEND, idea: 2 },
        { name: "b_three", owner: FRIEND, idea: 3 },
      ]);
      const [reply] = await shell(db, out, ["/server diversity"]);
      const within = Number(/Within a member: mean ρ \*\*(-?[\d.]+)\*\*/.exec(reply as string)?.[1]);
      const across = Number(/Across members: mean ρ \*\*(-?[\d.]+)\*\*/.exec(reply as string)?.[1]);
      expect(within).toBeGreaterThan(across);
      expect(reply).not.toMatch(/about equally|equally on average/);
      expect(reply).toContain(`Pairs of one member's models correlate more than pairs from two members (mean ρ ${within.toFixed(2)} vs ${across.toFixed(2)})`);
      expect(reply).toMatch(/Near-duplicates \(ρ ≥ 0\.90\): \d+ of 6 pairs within a member, \d+ of 9 pairs across members\./);
    });
  });

  describe("/allocate", () => {
    it("method:equal does not say equal 'did best' when nothing was compared", async () => {
      seed(db, three);
      const [equal, all] = await shell(db, out, ["/allocate method:equal", "/allocate"]);
      expect(equal).not.toMatch(/did best/);
      expect(equal).toMatch(/Out of sample, \*\*equal\*\* had Sharpe -?[\d.]+ per round, against -?[\d.]+ for your current weights\./);
      expect(all).toMatch(/did best of 5 methods/);
    });

    it("counts a round final at the resolve time Numerai gave, else by the calendar, and says which", async () => {
      const DAY = 86_400_000;
      // One round a day, each resolved 7 days after it opened: final 7 rounds later, not 24.
      const fast: RoundTimes = (round) => ({ openTime: new Date((round - FIRST) * DAY), resolveTime: new Date((round - FIRST + 7) * DAY) });
      seed(db, three, fast);
      const [timed] = await shell(db, out, ["/allocate"]);
      // First refit: the first round whose opening has 60 final rounds before it, round FIRST + 66.
      expect(timed).toContain(`out of sample (${LAST_RESOLVED - FIRST - 66 + 1} rounds from round ${FIRST + 66})`);
      expect(timed).toContain(
        `each used only once its score was final: by its resolve time from Numerai, against the opening of the round the weights are for (all ${LAST_RESOLVED - FIRST + 1} rounds).`,
      );
    });

    it("without resolve times uses Numerai's calendar, 24 rounds, and says so", async () => {
      seed(db, three);
      const [reply] = await shell(db, out, ["/allocate"]);
      expect(reply).toContain(`out of sample (${LAST_RESOLVED - FIRST - 83 + 1} rounds from round ${FIRST + 83})`);
      expect(reply).toContain(
        "each used only once its score was final: by Numerai's calendar, 24 rounds after it opened (a round resolves 31–33 days after opening; Numerai gave no resolve times for these rounds).",
      );
    });
  });
  describe("/history", () => {
    it("draws the rolling series over the last 60 resolved rounds with a 20-round window, saying both", async () => {
      seed(db, three);
      const [reply] = await shell(db, out, ["/history rounds:60 window:20"]);
      expect(reply).toContain(`Rounds: the last 60 resolved rounds (${LAST_RESOLVED - 59}–${LAST_RESOLVED}), all shared by every model.`);
      expect(reply).toContain("3 models on score (corr×mult + mmc×mult), over a rolling window of 20 of the 60 rounds they share.");
      // The first full window ends at the 20th shared round.
      expect(reply).toMatch(new RegExp(`\\*\\*Effective bets\\*\\*: \\d\\.\\d \\(round ${LAST_RESOLVED - 40}\\) → \\*\\*\\d\\.\\d \\(round ${LAST_RESOLVED}\\)\\*\\*`));
      expect(pngs(reply ?? "")).toHaveLength(1);
    });

    it("refuses a window the shared rounds cannot fill through the one error path, advising a shorter one", async () => {
      seed(db, three);
      const [reply] = await shell(db, out, ["/history rounds:30 window:40"]);
      expect(reply).toContain("A 40-round window needs 41; a shorter one (window:10 or more) needs fewer.");
      expect(pngs(reply ?? "")).toHaveLength(0);
    });
  });
});
