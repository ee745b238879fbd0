/**
 * `modelfolio export`, as a user runs it: the real CLI in its own process on a real SQLite file
 * (the demo portfolio), offline. Every spawned process is killed in afterEach if still running.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { seedDemo } from "../../src/demo/seed.js";
import { EXIT_CODE } from "../../src/errors.js";
import { parseCsv } from "../../src/services/csv.js";
import { EXPORT_HEADER } from "../../src/services/export.js";
import { makeTestDb } from "../helpers/test-db.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const YOU = "100000000000000001";
const NOW = new Date("2026-11-20T12:00:00Z");
const running = new Set<ChildProcess>();

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cli(args: string[], databasePath: string): Promise<Run> {
  const child = spawn(process.execPath, ["--import", "tsx", "src/cli/main.ts", ...args], {
    cwd: ROOT,
    // Offline: an export needs no network, and `models add` of imported models must not wait for it.
    env: { PATH: process.env.PATH, DATABASE_PATH: databasePath, NUMERAI_API_URL: "http://127.0.0.1:9", NUMERAI_TIMEOUT_MS: "200" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  running.add(child);
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (c: Buffer) => (stdout += c.toString("utf8")));
  child.stderr.on("data", (c: Buffer) => (stderr += c.toString("utf8")));
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => {
      running.delete(child);
      resolve({ code, stdout, stderr });
    });
  });
}

const storedCount = (db: ReturnType<typeof makeTestDb>) =>
  (
    db.sqlite
      .prepare("select count(*) n from scores s join registrations g on g.model_id = s.model_id where g.discord_user_id = ? and s.value is not null")
      .get(YOU) as { n: number }
  ).n;

describe("modelfolio export", () => {
  let db: ReturnType<typeof makeTestDb>;
  let empty: ReturnType<typeof makeTestDb>;
  beforeEach(() => {
    db = makeTestDb();
    seedDemo(db, { you: YOU, friend: "100000000000000011", third: "100000000000000012", guildId: "1", now: NOW });
    empty = makeTestDb();
  });
  afterEach(() => {
    for (const child of running) child.kill("SIGKILL");
    running.clear();
    db.cleanup();
    empty.cleanup();
  });

  it("streams the CSV to stdout: a header, then every stored score, with CRLF line breaks", async () => {
    const res = await cli(["export", "--user", YOU], db.path);
    expect(res.stderr).toBe("");
    expect(res.code).toBe(EXIT_CODE.ok);
    expect(res.stdout.startsWith(`${EXPORT_HEADER.join(",")}\r\n`)).toBe(true);
    const records = parseCsv(res.stdout);
    expect(records.length - 1).toBe(storedCount(db));
    expect(res.stdout.split("\r\n").length - 1).toBe(records.length);
  }, 60_000);

  it("writes --out FILE whole, leaving no partial file, and says how many scores", async () => {
    const file = join(db.dir, "scores.csv");
    const res = await cli(["export", "--user", YOU, "--out", file], db.path);
    expect(res.code).toBe(EXIT_CODE.ok);
    expect(res.stdout).toMatch(new RegExp(`^Exported ${storedCount(db)} scores of 11 model\\(s\\) to .*scores\\.csv\\.\\n$`));
    expect(parseCsv(readFileSync(file, "utf8")).length - 1).toBe(storedCount(db));
    expect(readdirSync(db.dir).filter((f) => f.endsWith(".partial"))).toEqual([]);
  }, 60_000);

  it("round-trips: the file imports into an empty database and exports again as the same rows", async () => {
    const file = join(db.dir, "scores.csv");
    expect((await cli(["export", "--user", YOU, "--out", file], db.path)).code).toBe(EXIT_CODE.ok);
    const imported = await cli(["import", file], empty.path);
    expect(imported.stderr).toBe("");
    expect(imported.stdout).toMatch(new RegExp(`^Imported ${storedCount(db)} long rows .* for 11 model\\(s\\)`));
    const names = [...new Set(parseCsv(readFileSync(file, "utf8")).slice(1).map((r) => r.fields[0] as string))];
    expect((await cli(["models", "add", ...names, "--user", YOU], empty.path)).code).toBe(EXIT_CODE.ok);
    const again = await cli(["export", "--user", YOU], empty.path);
    expect(again.code).toBe(EXIT_CODE.ok);
    const firstFour = (text: string) => parseCsv(text).map((r) => r.fields.slice(0, 4).join(","));
    expect(firstFour(again.stdout)).toEqual(firstFour(readFileSync(file, "utf8")));
  }, 90_000);

  it("refuses an --out path that cannot be written with one line and exit 1, leaving nothing behind", async () => {
    const file = join(db.dir, "no-such-folder", "scores.csv");
    const res = await cli(["export", "--user", YOU, "--out", file], db.path);
    expect(res.code).toBe(EXIT_CODE.badInput);
    expect(res.stderr).toMatch(/^modelfolio: cannot write .*scores\.csv: ENOENT\n$/);
    expect(existsSync(join(db.dir, "no-such-folder"))).toBe(false);
  }, 60_000);

  it("stops quietly with exit 0 when the reader closes the pipe early (| head)", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", "src/cli/main.ts", "export", "--user", YOU], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, DATABASE_PATH: db.path, NUMERAI_API_URL: "http://127.0.0.1:9" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    running.add(child);
    let stderr = "";
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString("utf8")));
    // Read the header, then hang up, as `head -1` does.
    await new Promise<void>((resolve) => child.stdout.once("data", () => resolve()));
    child.stdout.destroy();
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    running.delete(child);
    expect(stderr).toBe("");
    expect(code).toBe(EXIT_CODE.ok);
  }, 60_000);

  it("refuses a user with no models with one line and exit 1, writing nothing", async () => {
    const file = join(db.dir, "none.csv");
    const res = await cli(["export", "--user", "42", "--out", file], db.path);
    expect(res.code).toBe(EXIT_CODE.badInput);
    expect(res.stderr).toMatch(/^modelfolio: You have no models to export yet\. .*modelfolio models add NAME.*\n$/);
    expect(existsSync(file)).toBe(false);
  }, 60_000);
});
