import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { seedDemo } from "../../src/demo/seed.js";
import { openDatabase } from "../../src/db/open.js";
import { SHELL_GUILD_ID, SHELL_USER_ID } from "../../src/shell/session.js";
import { pipeShell } from "../helpers/shell-pipe.js";


/** The demo's data (you, a friend, a third member) in a fresh database file under `dir`. */
function seededDemoDatabase(dir: string): string {
  const db = join(dir, "shell.db");
  const store = openDatabase(db);
  seedDemo(store, { you: SHELL_USER_ID, friend: "100000000000000011", third: "100000000000000012", guildId: SHELL_GUILD_ID });
  store.close();
  return db;
}

describe("the shell", () => {
  let dir: string;
  let db: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "modelfolio-shell-"));
    db = seededDemoDatabase(dir);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("runs commands piped on stdin, prints embeds as text and writes PNGs to the out folder", async () => {
    const out = await pipeShell(db, join(dir, "out"), ["/correlation score:canon_mmc", "/models list", "/server diversity"]);
    expect(out).toMatch(/> \/correlation score:canon_mmc/);
    expect(out).toMatch(/independent bets/);
    expect(out).toMatch(/lgbm_cyrus_1/); // markdown escapes removed for the terminal
    const png = /\[file written: (.+correlation\.png)\]/.exec(out)?.[1];
    expect(png && existsSync(png)).toBe(true);
    expect(readFileSync(png as string).subarray(1, 4).toString()).toBe("PNG");
    expect(out).toMatch(/within|across/i);
  });

  it("runs /export like Discord, writing the CSV attachment to the out folder", async () => {
    const out = await pipeShell(db, join(dir, "out"), ["/export"]);
    const file = /\[file written: (.+modelfolio-export\.csv)\]/.exec(out)?.[1];
    expect(file && existsSync(file)).toBe(true);
    const text = readFileSync(file as string, "utf8");
    expect(text.startsWith("model,round,score,value,source,")).toBe(true);
    const store = openDatabase(db);
    const stored = (
      store.sqlite
        .prepare("select count(*) n from scores s join registrations g on g.model_id = s.model_id where g.discord_user_id = ? and s.value is not null")
        .get(SHELL_USER_ID) as { n: number }
    ).n;
    store.close();
    expect(text.split("\r\n").filter(Boolean).length - 1).toBe(stored);
  });

  it("rejects what Discord would reject, with one line, and goes on", async () => {
    const out = await pipeShell(db, join(dir, "out"), ["correlation", "/nope", "/correlation rounds:abc", "/correlation bogus:1", "/help"]);
    expect(out).toMatch(/Commands start with "\/"/);
    expect(out).toMatch(/Unknown command \/nope/);
    expect(out).toMatch(/rounds must be a whole number/);
    expect(out).toMatch(/has no option "bogus"/);
    expect(out).toMatch(/How the numbers are defined/);
  });
});

/** Each command's output: the text after its "> /command" echo, up to the next one. */
function sections(out: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const part of out.split(/^> /m).slice(1)) {
    const nl = part.indexOf("\n");
    map.set(part.slice(0, nl), part.slice(nl + 1));
  }
  return map;
}

const declaredOf = (dbPath: string) => {
  const store = openDatabase(dbPath);
  try {
    return Object.fromEntries(
      store.sqlite
        .prepare("select m.name, r.declared_weight w from registrations r join models m on m.id = r.model_id where r.discord_user_id = ? and r.declared_weight is not null")
        .all(SHELL_USER_ID)
        .map((r) => [(r as { name: string }).name, (r as { w: number }).w]),
    );
  } finally {
    store.close();
  }
};

describe("weights in the shell (issue 11 item 1)", () => {
  let dir: string;
  let db: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "modelfolio-shell-"));
    db = seededDemoDatabase(dir);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("two declared weights leave every other model its stake share, and each analysis says which weight each model got and from where", async () => {
    const out = sections(
      await pipeShell(db, join(dir, "out"), [
        "/models weight model:lgbm_cyrus_1 weight:0.3",
        "/models weight model:nn_teager_1 weight:0.2",
        "/models list",
        "/contribution",
        "/prune",
        "/allocate",
        "/correlation",
      ]),
    );
    const list = out.get("/models list") ?? "";
    const rows = list.split("\n").filter((l) => /^\S+\s+(\d+|n\/a)\s/.test(l));
    expect(rows).toHaveLength(11);
    for (const row of rows) expect(row, row).not.toMatch(/\s0\.0%/);
    expect(list).toMatch(/lgbm_cyrus_1 .*30\.0% +30\.0% +declared/);
    expect(rows.filter((r) => /stake$/.test(r))).toHaveLength(9);
    for (const cmd of ["/contribution", "/prune", "/allocate", "/correlation"]) {
      const text = out.get(cmd) ?? "";
      expect(text, cmd).toMatch(/-- Weights used/);
      expect(text, cmd).toMatch(/declared: lgbm_cyrus_1 30\.0%, nn_teager_1 20\.0% · Numerai stake: /);
    }
    // Prune no longer keeps only the two declared models because the rest weigh 0.
    expect(out.get("/prune")).not.toMatch(/Kept \(2\)/);
  });

  it("sets several at once, refuses a bad list without changing anything, and clears one", async () => {
    const out = sections(
      await pipeShell(db, join(dir, "out"), [
        '/models weight weights:"lgbm_cyrus_1=0.5 nn_teager_1=30%"',
        '/models weight weights:"lgbm_cyrus_1=0.6 nn_teager_1=0.5"',
        '/models weight weights:"lgbm_cyrus_1=0.1 no_such_model=0.1"',
        '/models weight weights:"lgbm_cyrus_1=lots"',
        "/models weight model:lgbm_cyrus_1 weight:0.2 weights:lgbm_cyrus_1=0.1",
        "/models weight model:nn_teager_1",
      ]),
    );
    expect(out.get('/models weight weights:"lgbm_cyrus_1=0.5 nn_teager_1=30%"')).toMatch(/Declared: \*\*lgbm_cyrus_1\*\* 50\.0%, \*\*nn_teager_1\*\* 30\.0%/);
    expect(out.get('/models weight weights:"lgbm_cyrus_1=0.6 nn_teager_1=0.5"')).toMatch(/add up to 110\.0%/);
    expect(out.get('/models weight weights:"lgbm_cyrus_1=0.1 no_such_model=0.1"')).toMatch(/You have no model called no_such_model/);
    expect(out.get('/models weight weights:"lgbm_cyrus_1=lots"')).toMatch(/must be a share from 0 to 1/);
    expect(out.get("/models weight model:lgbm_cyrus_1 weight:0.2 weights:lgbm_cyrus_1=0.1")).toMatch(/Give either model/);
    expect(out.get("/models weight model:nn_teager_1")).toMatch(/Declared: cleared \*\*nn_teager_1\*\*/);
    // The refused lines changed nothing; the clear removed only nn_teager_1's.
    expect(declaredOf(db)).toEqual({ lgbm_cyrus_1: 0.5 });
  });
});

describe("imported models offline (issue 11 item 4)", () => {
  let dir: string;
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("registers imported models without Numerai (saying so) and /correlation works on their history", async () => {
    dir = mkdtempSync(join(tmpdir(), "modelfolio-shell-"));
    const db = join(dir, "offline.db");
    openDatabase(db).close();
    // A cut of the committed real-score fixture: four models, the last 120 rounds.
    const lines = readFileSync(join(import.meta.dirname, "../fixtures/vladthestaker/daily_data_corr_abs.csv"), "utf8").trim().split("\n");
    const cols = [0, 1, 3, 12, 13];
    const cut = [lines[0] as string, ...lines.slice(-120)].map((l) => l.split(",").filter((_, i) => cols.includes(i)).join(","));
    const csv = join(dir, "cut.csv");
    writeFileSync(csv, `${cut.join("\n")}\n`);
    const out = sections(
      await pipeShell(db, join(dir, "out"), [
        `/admin import file:${csv} score:canon_corr`,
        '/models add name:"numerai_swmm fearindex v5_lgbm_cyrusd integration_test"',
        "/models add name:not_imported_model",
        "/correlation score:canon_corr",
      ]),
    );
    const added = out.get('/models add name:"numerai_swmm fearindex v5_lgbm_cyrusd integration_test"') ?? "";
    expect(added).toMatch(/Added 4 models/);
    expect(added).toMatch(/not checked with Numerai.*Numerai could not be reached/s);
    // A name with no imported scores still needs Numerai, and says it could not be reached.
    expect(out.get("/models add name:not_imported_model")).toMatch(/Numerai's API is not answering/);
    expect(out.get("/correlation score:canon_corr")).toMatch(/Your 4 models behave like \*\*\d\.\d independent bets\*\*/);
    const store = openDatabase(db);
    try {
      expect(store.sqlite.prepare("select count(*) n from registrations where discord_user_id = ?").get(SHELL_USER_ID)).toEqual({ n: 4 });
    } finally {
      store.close();
    }
  });
});

describe("npm start without a token", () => {
  it("exits 1 with one line naming DISCORD_TOKEN when not on a terminal", () => {
    const res = spawnSync(process.execPath, ["--import", "tsx", "src/index.ts"], {
      input: "",
      encoding: "utf8",
      env: { PATH: process.env.PATH, DATABASE_PATH: join(tmpdir(), "modelfolio-never.db"), DISCORD_TOKEN: "" },
      timeout: 60_000,
    });
    expect(res.status).toBe(1);
    expect(res.stderr.trim().split("\n").filter((l) => !/nodedir/.test(l))).toEqual([
      "DISCORD_TOKEN is missing: set it to run the bot, or run `npm start` in a terminal for the offline shell.",
    ]);
  });
});
