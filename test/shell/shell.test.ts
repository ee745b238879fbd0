import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough, Writable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/env.js";
import { seedDemo } from "../../src/demo/seed.js";
import { openDatabase } from "../../src/db/open.js";
import { SHELL_GUILD_ID, SHELL_USER_ID, startShellSession } from "../../src/shell/session.js";

/** Pipes lines into the real shell on a seeded database and returns everything it printed. */
async function pipe(dbPath: string, outDir: string, lines: string[]): Promise<string> {
  const input = new PassThrough();
  let text = "";
  const output = new Writable({
    write(chunk: Buffer, _e, done) {
      text += chunk.toString("utf8");
      done();
    },
  });
  input.end(`${lines.join("\n")}\n`);
  const config = loadConfig({ DATABASE_PATH: dbPath, NUMERAI_API_URL: "http://127.0.0.1:9", LOG_LEVEL: "silent" }, { createDirs: false });
  await startShellSession(config, { interactive: false, input, output, outDir });
  return text;
}

describe("the shell", () => {
  let dir: string;
  let db: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "modelfolio-shell-"));
    db = join(dir, "shell.db");
    const store = openDatabase(db);
    seedDemo(store, { you: SHELL_USER_ID, friend: "100000000000000011", third: "100000000000000012", guildId: SHELL_GUILD_ID });
    store.close();
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("runs commands piped on stdin, prints embeds as text and writes PNGs to the out folder", async () => {
    const out = await pipe(db, join(dir, "out"), ["/correlation score:canon_mmc", "/models list", "/server diversity"]);
    expect(out).toMatch(/> \/correlation score:canon_mmc/);
    expect(out).toMatch(/independent bets/);
    expect(out).toMatch(/lgbm_cyrus_1/); // markdown escapes removed for the terminal
    const png = /\[file written: (.+correlation\.png)\]/.exec(out)?.[1];
    expect(png && existsSync(png)).toBe(true);
    expect(readFileSync(png as string).subarray(1, 4).toString()).toBe("PNG");
    expect(out).toMatch(/within|across/i);
  });

  it("rejects what Discord would reject, with one line, and goes on", async () => {
    const out = await pipe(db, join(dir, "out"), ["correlation", "/nope", "/correlation rounds:abc", "/correlation bogus:1", "/help"]);
    expect(out).toMatch(/Commands start with "\/"/);
    expect(out).toMatch(/Unknown command \/nope/);
    expect(out).toMatch(/rounds must be a whole number/);
    expect(out).toMatch(/has no option "bogus"/);
    expect(out).toMatch(/How the numbers are defined/);
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
