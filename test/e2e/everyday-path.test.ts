/**
 * Issue 11's closing script, through the real shell (parser, router, error path, services,
 * renderers) on a real SQLite file and the committed real-score fixture: import the history,
 * register every model offline for the local user, declare two weights, and ask
 * `/correlation rounds:60`, `/contribution`, `/allocate` and `/prune`. Every reply must state the
 * rounds and the weights it used, and none of the traps the issue found may appear: 0.0% for a
 * model without a declared weight, two models cut to the same name, advice to "count missing
 * rounds as 0" where no option does that, or a chart with nothing in it.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough, Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/env.js";
import { openDatabase } from "../../src/db/open.js";
import { startShellSession } from "../../src/shell/session.js";

const FIXTURE = join(import.meta.dirname, "../fixtures/vladthestaker");
const CORR = join(FIXTURE, "daily_data_corr_abs.csv");
const MMC = join(FIXTURE, "daily_data_mmc_abs.csv");
/** The fixture's models, as Discord names them (lower case). */
const MODELS = (readFileSync(CORR, "utf8").split("\n")[0] as string).replaceAll('"', "").toLowerCase().split(",").slice(1);
const DECLARED = { v52_lgbm_teager2b60: "20.0%", fearindex: "15.0%" } as const;
const ANALYSES = ["/correlation rounds:60", "/contribution", "/allocate", "/prune"] as const;
const IMPORT_CORR = `/admin import file:${CORR} score:canon_corr`;
const IMPORT_MMC = `/admin import file:${MMC} score:canon_mmc`;
const ADD = `/models add name:"${MODELS.join(" ")}"`;
const WEIGHTS = '/models weight weights:"v52_lgbm_teager2b60=0.2 fearindex=0.15"';
const SCRIPT = [IMPORT_CORR, IMPORT_MMC, ADD, WEIGHTS, ...ANALYSES];

let dir: string;
const replies = new Map<string, string>();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "modelfolio-everyday-"));
  const dbPath = join(dir, "everyday.db");
  openDatabase(dbPath).close();
  const input = new PassThrough();
  let text = "";
  const output = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString("utf8");
      done();
    },
  });
  input.end(`${SCRIPT.join("\n")}\n`);
  // An unreachable Numerai: the whole path must work offline.
  const config = loadConfig({ DATABASE_PATH: dbPath, NUMERAI_API_URL: "http://127.0.0.1:9", NUMERAI_TIMEOUT_MS: "500", LOG_LEVEL: "silent" }, { createDirs: false });
  await startShellSession(config, { interactive: false, input, output, outDir: join(dir, "out") });
  // Each command's output starts with the echoed line "> /command …".
  const parts = text.split(/^> /m).slice(1);
  expect(parts).toHaveLength(SCRIPT.length);
  SCRIPT.forEach((line, i) => {
    const part = parts[i] as string;
    expect(part.startsWith(line), part.slice(0, 200)).toBe(true);
    replies.set(line, part.slice(line.length));
  });
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const reply = (line: string) => replies.get(line) ?? "";
/** The value of a "-- Weights used…" field: the lines up to the next field. */
const weightsField = (text: string) => /^-- Weights used[^\n]*\n([^\n]+)/m.exec(text)?.[1] ?? "";
/** The first column of each row of each code-block table (header and rule lines left out). */
function tableFirstColumns(text: string): string[][] {
  return [...text.matchAll(/```\n([\s\S]*?)```/g)].map((m) =>
    (m[1] as string)
      .trim()
      .split("\n")
      .slice(2)
      .map((row) => row.split(/\s+/)[0] as string),
  );
}

describe("a participant's everyday path on real scores (issue 11's closing script)", () => {
  it("imports the history and registers every model offline, saying they were not checked with Numerai", () => {
    expect(reply(IMPORT_CORR)).toMatch(new RegExp(`for ${MODELS.length} models .*score canon_corr`));
    expect(reply(IMPORT_MMC)).toMatch(new RegExp(`for ${MODELS.length} models .*score canon_mmc`));
    const added = reply(ADD);
    expect(added).toMatch(new RegExp(`Added ${MODELS.length} models`));
    expect(added).toMatch(/not checked with Numerai\*\* \(Numerai could not be reached\)/);
    // The weight reply lists every model with the weight it now gets: none at 0.
    const weights = reply(WEIGHTS);
    expect(weights).toMatch(/Declared: \*\*v52_lgbm_teager2b60\*\* 20\.0%, \*\*fearindex\*\* 15\.0%/);
    expect(weights).not.toMatch(/\s0\.0%/);
  });

  it.each(ANALYSES)("%s states the rounds it used", (line) => {
    const text = reply(line);
    const rounds = /^Rounds: (.+)$/m.exec(text)?.[1];
    expect(rounds, text.slice(0, 400)).toBeDefined();
    expect(rounds).toMatch(line.includes("rounds:60") ? /^the last 60 resolved rounds \(\d+–1197\)/ : /^all \d+ resolved rounds \(843–1197\); \d+ shared by all models/);
  });

  it.each(ANALYSES)("%s states every model's weight and where it came from: the two declared, an equal share for the rest, none at 0", (line) => {
    const text = reply(line);
    const field = weightsField(text);
    const equal = (1 - 0.35) / (MODELS.length - 2);
    expect(field).toMatch(/^declared: v52_lgbm_teager2b60 20\.0%, fearindex 15\.0% · equal share, [\d.]+% each: /);
    expect(field).toContain(`equal share, ${(equal * 100).toFixed(1)}% each:`);
    for (const name of MODELS) expect(field, name).toContain(name);
    expect(text).not.toMatch(/\s0\.0%/);
    for (const [name, share] of Object.entries(DECLARED)) expect(field).toContain(`${name} ${share}`);
  });

  it.each(ANALYSES)("%s offers no advice that no option gives and keeps every cut name distinct", (line) => {
    const text = reply(line);
    expect(text).not.toMatch(/count(ing)? missing rounds as 0/i);
    expect(text).not.toMatch(/Error id|unexpected/i);
    for (const column of tableFirstColumns(text).filter((c) => c.length === MODELS.length)) {
      expect(new Set(column).size, column.join(", ")).toBe(MODELS.length);
    }
  });

  it("sends only charts with something in them: the heatmap's pairs all have a correlation, the bars one per model", () => {
    const correlation = reply("/correlation rounds:60");
    expect(correlation).not.toMatch(/not enough data|nothing to show/i);
    const files = [...correlation.matchAll(/\[file written: (.+)\]/g)].map((m) => m[1] as string);
    expect(files.some((f) => f.endsWith(".png") && existsSync(f))).toBe(true);
    // The matrix the heatmap draws, as the reply's CSV: every off-diagonal cell a number.
    const csv = files.find((f) => f.endsWith(".csv"));
    expect(csv).toBeDefined();
    const rows = readFileSync(csv as string, "utf8").trim().split("\n").slice(1);
    const cells = rows.flatMap((r) => r.split(",").slice(1));
    expect(cells.length).toBeGreaterThan(0);
    expect(cells.filter((c) => !Number.isFinite(Number(c)))).toEqual([]);

    const contribution = reply("/contribution");
    expect(contribution).toMatch(/\[file written: .+contribution\.png\]/);
    expect(tableFirstColumns(contribution).find((c) => c.length === MODELS.length)).toBeDefined();
  });
});
