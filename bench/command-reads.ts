/**
 * What one `/correlation` costs the store: SQLite statements run (counted by wrapping
 * better-sqlite3's `prepare` in this bench only), rows they returned, and the wall time of the
 * service call and of the service plus rendering (heatmap PNG), for a 10-model user with 1,000
 * rounds in the interaction benchmark's 2,000-model store. "cold" is a user's first command (or
 * the first after their models' scores were written); "warm" the ones after it.
 */
import type Database from "better-sqlite3";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase } from "../src/db/open.js";
import { renderCorrelation } from "../src/discord/render/correlation.js";
import { silentLogger } from "../src/logger.js";
import { createNumeraiClient } from "../src/numerai/client.js";
import { createServices } from "../src/services/index.js";
import { seededStore, userId } from "./interactions.js";

export interface StatementCount {
  readonly sql: string;
  readonly runs: number;
  readonly rows: number;
}

export interface CommandReadFigures {
  readonly cold: { statements: number; rows: number; serviceMs: number; totalMs: number; bySql: StatementCount[] };
  readonly warm: { statements: number; rows: number; serviceMs: number; totalMs: number; bySql: StatementCount[] };
}

/** Counts every execution of a statement prepared on `sqlite` from now on, by SQL text. */
function countStatements(sqlite: Database.Database) {
  const counts = new Map<string, { runs: number; rows: number }>();
  const prepare = sqlite.prepare.bind(sqlite);
  const record = (sql: string, rows: number) => {
    const key = sql.replace(/\s+/g, " ").replace(/(\?, )+\?/g, "?…").slice(0, 150);
    const c = counts.get(key) ?? { runs: 0, rows: 0 };
    c.runs++;
    c.rows += rows;
    counts.set(key, c);
  };
  sqlite.prepare = ((source: string) => {
    const stmt = prepare(source);
    // `raw()`, `pluck()` return the statement itself, so wrapping its own methods covers every mode.
    const all = stmt.all.bind(stmt);
    const get = stmt.get.bind(stmt);
    const run = stmt.run.bind(stmt);
    const iterate = stmt.iterate.bind(stmt);
    Object.assign(stmt, {
      all: (...a: unknown[]) => {
        const r = all(...a);
        record(source, r.length);
        return r;
      },
      get: (...a: unknown[]) => {
        const r = get(...a);
        record(source, r === undefined ? 0 : 1);
        return r;
      },
      run: (...a: unknown[]) => {
        record(source, 0);
        return run(...a);
      },
      iterate: function* (...a: unknown[]) {
        let n = 0;
        for (const row of iterate(...a)) {
          n++;
          yield row;
        }
        record(source, n);
      },
    });
    return stmt;
  }) as typeof sqlite.prepare;
  return {
    take(): StatementCount[] {
      const out = [...counts].map(([sql, c]) => ({ sql, ...c })).sort((a, b) => b.rows - a.rows);
      counts.clear();
      return out;
    },
  };
}

export async function benchCommandReads(opts: { warmRuns?: number; coldUsers?: number } = {}): Promise<CommandReadFigures> {
  const warmRuns = opts.warmRuns ?? 15;
  const coldUsers = opts.coldUsers ?? 7;
  const dir = mkdtempSync(join(tmpdir(), "modelfolio-bench-reads-"));
  const path = join(dir, "bench.db");
  try {
    seededStore(path, 200, 10, 1000);
    const store = openDatabase(path);
    // Never called: /correlation reads only the store.
    const numerai = createNumeraiClient({ url: "http://127.0.0.1:9", tournament: 8, timeoutMs: 1000, concurrency: 1, logger: silentLogger });
    const counter = countStatements(store.sqlite);
    const services = createServices(store, numerai, silentLogger, { tournament: 8, syncLookbackRounds: 40 });
    const once = (user: string) => {
      const t0 = performance.now();
      const result = services.portfolio.correlation({ userId: user }, {});
      const t1 = performance.now();
      renderCorrelation(result);
      return { serviceMs: t1 - t0, totalMs: performance.now() - t0 };
    };
    // JIT, fonts and statements warmed on a user not measured.
    once(userId(199));
    once(userId(199));
    counter.take();
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
    const figures = (runs: Array<{ serviceMs: number; totalMs: number }>, bySql: StatementCount[], perRun: number) => ({
      statements: bySql.reduce((s, c) => s + c.runs, 0) / perRun,
      rows: bySql.reduce((s, c) => s + c.rows, 0) / perRun,
      serviceMs: median(runs.map((r) => r.serviceMs)),
      totalMs: median(runs.map((r) => r.totalMs)),
      bySql: bySql.map((c) => ({ ...c, runs: c.runs / perRun, rows: c.rows / perRun })),
    });
    const coldRuns = Array.from({ length: coldUsers }, (_, u) => once(userId(u)));
    const cold = figures(coldRuns, counter.take(), coldUsers);
    const warmRunsOut = Array.from({ length: warmRuns }, () => once(userId(0)));
    const warm = figures(warmRunsOut, counter.take(), warmRuns);
    await numerai.close();
    store.close();
    return { cold, warm };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const f = await benchCommandReads();
  for (const [label, x] of [
    ["cold (first command of a user)", f.cold],
    ["warm (the same user again)", f.warm],
  ] as const) {
    console.log(
      `/correlation, ${label}: ${x.statements} statements, ${Math.round(x.rows).toLocaleString("en-US")} rows; service ${x.serviceMs.toFixed(1)} ms, with the PNG ${x.totalMs.toFixed(1)} ms (median)`,
    );
    for (const c of x.bySql) console.log(`  ${String(c.runs).padStart(3)} × ${String(Math.round(c.rows)).padStart(6)} rows  ${c.sql}`);
  }
}
