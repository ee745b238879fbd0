/**
 * Shared by the fault tests: log capture, a row-by-row dump of the store, and the real CLI / bot
 * run as child processes (so a SIGKILL or a permission is real, not simulated in-process).
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { fileURLToPath, pathToFileURL } from "node:url";
import type Database from "better-sqlite3";
import { afterEach } from "vitest";
import { createLogger, type Logger } from "../../src/logger.js";

export const REPO_ROOT = fileURLToPath(new URL("../..", import.meta.url));
const TSX_LOADER = pathToFileURL(join(REPO_ROOT, "node_modules/tsx/dist/loader.mjs")).href;

export type LogLine = Record<string, unknown> & { level: number; msg?: string };

/** A pino logger whose JSON lines land in `lines`, parsed. */
export function captureLogs(level = "debug"): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString("utf8").split("\n").filter(Boolean)) lines.push(JSON.parse(line) as LogLine);
      done();
    },
  });
  return { logger: createLogger(level, sink), lines };
}

export const PINO_ERROR = 50;
export const PINO_WARN = 40;

/**
 * Every stored fact, row by row, in a fixed order: what "the final database is identical" means.
 * Creation and run timestamps are left out (they record when, not what).
 */
export function dumpStore(sqlite: Database.Database) {
  const q = (sql: string) => sqlite.prepare(sql).all();
  return {
    models: q("select id, name, tournament, source from models order by id"),
    registrations: q("select discord_user_id, model_id, declared_weight from registrations order by discord_user_id, model_id"),
    rounds: q("select * from rounds order by tournament, number"),
    modelRounds: q("select * from model_rounds order by model_id, round_number"),
    scores: q("select * from scores order by model_id, round_number, name"),
    runs: q("select kind, params, status, cursor, units_total, units_done, rows_written, error, requested_by from ingestion_runs order by id"),
  };
}

export function integrityCheck(sqlite: Database.Database): string {
  return sqlite.pragma("integrity_check", { simple: true }) as string;
}

/** Score rows per model-round; a model-round whose count differs from the reference's is half-written. */
export function scoreCountsByModelRound(sqlite: Database.Database): Map<string, number> {
  const rows = sqlite.prepare("select model_id, round_number, count(*) n from scores group by model_id, round_number").all() as Array<{
    model_id: string;
    round_number: number;
    n: number;
  }>;
  return new Map(rows.map((r) => [`${r.model_id}/${r.round_number}`, r.n]));
}

/** Privileges for a child that must really be refused a write: root ignores file modes, `nobody` does not. */
export function unprivileged(): { uid?: number; gid?: number } {
  return process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
}

/**
 * Why an unprivileged child cannot run from this checkout, or null when it can. As root the child
 * runs as `nobody`, which must be able to read the tsx loader and the sources: a checkout inside a
 * folder only root may enter (a `mktemp -d` folder is 0700) is out of its reach.
 */
export function unprivilegedSkipReason(): string | null {
  const ids = unprivileged();
  if (ids.uid === undefined) return null;
  const files = [fileURLToPath(TSX_LOADER), join(REPO_ROOT, "src/cli/main.ts"), join(REPO_ROOT, "src/index.ts")];
  const probe = spawnSync(process.execPath, ["-e", "for (const f of process.argv.slice(1)) require('node:fs').accessSync(f, require('node:fs').constants.R_OK)", ...files], {
    ...ids,
    cwd: tmpdir(),
    stdio: "ignore",
    timeout: 20_000,
  });
  return probe.status === 0
    ? null
    : `skipped: these tests run their child as nobody (uid 65534, since root ignores file modes), and nobody cannot read ${REPO_ROOT} (a parent folder is closed to other users)`;
}

/**
 * Starts `node --import tsx <script> ...args` from the repository, in `cwd` (not the repository, so
 * a developer's .env is never read), with only the variables given (plus PATH and HOME).
 */
export function spawnTs(
  script: "src/cli/main.ts" | "src/index.ts",
  args: readonly string[],
  env: Record<string, string>,
  options: { cwd?: string; uid?: number; gid?: number } = {},
): ChildProcess {
  const child = spawn(process.execPath, ["--import", TSX_LOADER, join(REPO_ROOT, script), ...args], {
    cwd: options.cwd ?? tmpdir(),
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: tmpdir(), ...env },
    stdio: ["ignore", "pipe", "pipe"],
    ...(options.uid !== undefined ? { uid: options.uid } : {}),
    ...(options.gid !== undefined ? { gid: options.gid } : {}),
  });
  running.add(child);
  child.once("exit", () => running.delete(child));
  return child;
}

// Children still running when a test ends (it failed mid-way) are killed, never left behind.
const running = new Set<ChildProcess>();
afterEach(() => {
  for (const child of running) child.kill("SIGKILL");
  running.clear();
});

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Collects a child's output until it exits; rejects if it has not exited within `timeoutMs` (and kills it). */
export function waitForExit(child: ChildProcess, timeoutMs = 30_000): Promise<Exit> {
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (d: Buffer) => (stdout += d.toString("utf8")));
  child.stderr?.on("data", (d: Buffer) => (stderr += d.toString("utf8")));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`child ${child.pid} did not exit within ${timeoutMs} ms; stderr so far:\n${stderr}`));
    }, timeoutMs);
    child.once("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}
