/**
 * The real `modelfolio` CLI as a child process: the exit code a script sees for each kind of
 * failure (the README's table, from one constant), every configuration problem in one run, and
 * what its logs look like in a pipe (JSON) and on a terminal (short readable lines).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { EXIT_CODE } from "../../src/errors.js";
import { REPO_ROOT, spawnTs, waitForExit } from "../faults/support.js";
import { makeTestDb } from "../helpers/test-db.js";

const USER = "300000000000000002";
let db: ReturnType<typeof makeTestDb>;
beforeEach(() => {
  db = makeTestDb();
  db.close();
});
afterEach(() => db.cleanup());

/** A server that accepts connections and never answers: Numerai timing out. */
let silent: Server | undefined;
afterEach(async () => {
  silent?.closeAllConnections();
  await new Promise<void>((resolve) => (silent ? silent.close(() => resolve()) : resolve()));
  silent = undefined;
});

function cli(args: string[], env: Record<string, string>) {
  return waitForExit(spawnTs("src/cli/main.ts", args, { DATABASE_PATH: join(db.dir, "cli.db"), ...env }), 60_000);
}

/** The JSON log lines of a child's stderr (everything else is the CLI's own one-line message). */
const jsonLines = (stderr: string) => stderr.split("\n").filter((l) => l.startsWith("{"));

describe("modelfolio exit codes", () => {
  it("documents in the README exactly the codes the CLI uses", () => {
    const readme = readFileSync(join(REPO_ROOT, "README.md"), "utf8");
    const m = /exit code (\d) on success,\s+(\d) for bad input,\s+(\d) for usage or configuration errors,\s+(\d) for faults/.exec(readme);
    expect(m, "the README's exit-code sentence").not.toBeNull();
    expect(m?.slice(1).map(Number)).toEqual([EXIT_CODE.ok, EXIT_CODE.badInput, EXIT_CODE.usage, EXIT_CODE.fault]);
  });

  it("exits with the fault code, one line and JSON logs with one module key when Numerai refuses the connection", async () => {
    const res = await cli(["models", "add", "alpha_one", "--user", USER], { NUMERAI_API_URL: "http://127.0.0.1:9", LOG_LEVEL: "warn" });
    expect(res.code).toBe(EXIT_CODE.fault);
    const own = res.stderr.split("\n").filter((l) => l !== "" && !l.startsWith("{"));
    expect(own).toEqual([expect.stringMatching(/^modelfolio: network error calling Numerai API \(v3UserProfile\): ECONNREFUSED$/)]);
    // Each failed attempt is logged once, as JSON (stderr is a pipe), naming its module once.
    const logs = jsonLines(res.stderr);
    expect(logs.length).toBeGreaterThan(0);
    for (const line of logs) {
      expect(line.match(/"module":/g), line).toHaveLength(1);
      expect(JSON.parse(line)).toMatchObject({ module: "numerai" });
    }
  });

  it("exits with the fault code when Numerai does not answer in time", async () => {
    silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent?.listen(0, "127.0.0.1", resolve));
    const address = silent.address();
    const port = typeof address === "object" && address ? address.port : 0;
    const res = await cli(["models", "add", "alpha_one", "--user", USER], { NUMERAI_API_URL: `http://127.0.0.1:${port}`, NUMERAI_TIMEOUT_MS: "150", LOG_LEVEL: "silent" });
    expect(res.code).toBe(EXIT_CODE.fault);
    expect(res.stderr.trim()).toMatch(/^modelfolio: Numerai API did not answer .* within 150 ms$/);
  });

  it("exits with the usage code and lists every configuration problem at once, a lone Numerai public id among them", async () => {
    const res = await cli(["status"], { NUMERAI_PUBLIC_ID: "public-id-only", SYNC_CRON: "every day", NUMERAI_CONCURRENCY: "0" });
    expect(res.code).toBe(EXIT_CODE.usage);
    expect(res.stderr).toMatch(/NUMERAI_CONCURRENCY/);
    expect(res.stderr).toMatch(/SYNC_CRON: is not a valid cron expression/);
    expect(res.stderr).toMatch(/NUMERAI_PUBLIC_ID and NUMERAI_SECRET_KEY: set both or neither/);
    expect(res.stderr).not.toContain("public-id-only");
  });
});

describe("modelfolio logs on a terminal", () => {
  let child: ChildProcess | undefined;
  afterEach(() => {
    child?.kill("SIGKILL");
    child = undefined;
  });

  it("prints short readable lines, not JSON, when stderr is a terminal", async () => {
    // `script` runs the CLI on a pseudo-terminal, as a person's shell would.
    const loader = pathToFileURL(join(REPO_ROOT, "node_modules/tsx/dist/loader.mjs")).href;
    const command = [process.execPath, "--import", loader, join(REPO_ROOT, "src/cli/main.ts"), "models", "add", "alpha_one", "--user", USER].join(" ");
    child = spawn("script", ["-qec", command, "/dev/null"], {
      cwd: db.dir,
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: db.dir, TERM: "dumb", DATABASE_PATH: join(db.dir, "tty.db"), NUMERAI_API_URL: "http://127.0.0.1:9", LOG_LEVEL: "warn" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const res = await waitForExit(child, 60_000);
    expect(res.code).toBe(EXIT_CODE.fault);
    // eslint-disable-next-line no-control-regex -- colour codes, if any, are not part of the text
    const lines = res.stdout.replace(/\u001b\[[0-9;]*m/g, "").split(/\r?\n/).filter(Boolean);
    const logLines = lines.filter((l) => /WARN/.test(l));
    expect(logLines.length).toBeGreaterThan(0);
    for (const l of logLines) {
      // One line each: time, level, the module leading the message, then the fields.
      expect(l).toMatch(/^\[\d\d:\d\d:\d\d\] WARN: numerai: Numerai request failed; retrying \{"operation":"v3UserProfile","attempt":\d/);
      expect(l).not.toMatch(/"module"|"pid"|"hostname"/);
    }
    expect(lines.some((l) => l.startsWith("{"))).toBe(false);
    expect(lines.at(-1)).toMatch(/^modelfolio: network error calling Numerai API/);
  });
});
