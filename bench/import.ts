/**
 * CSV import at the size of Numerai's whole history: a 2,000,000-row long CSV (8,000 models ×
 * 250 rounds, one score name, ~70 MB) generated in a temp dir, imported by `modelfolio import
 * FILE` (the CLI's own entry, `runCli`) into a fresh store, in a fresh child process so the peak
 * RSS is the import's own. Target: peak RSS ≤ 250 MB.
 */
import { peakRssMb } from "./peak-rss.js";
import { spawnSync } from "node:child_process";
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { mulberry32 } from "../src/random.js";

const CHILD_FLAG = "--import-bench-child";
const CLI = fileURLToPath(new URL("../src/cli/main.ts", import.meta.url));

export interface ImportBenchOptions {
  readonly models?: number;
  readonly rounds?: number;
  /** Another checkout's src/cli/main.ts, to measure an older import path against the same file. */
  readonly cliModule?: string;
}

export interface ImportFigures {
  readonly rows: number;
  readonly fileMb: number;
  /** The import itself, inside the child (module loading excluded). */
  readonly seconds: number;
  readonly rowsPerSecond: number;
  readonly peakRssMb: number;
  /** RSS of the child once the CLI's modules are loaded, before the import starts: the part that is not the import's. */
  readonly loadedRssMb: number;
}

/** Writes the CSV a block of lines at a time: the generator must not need the memory the import is measured for. */
function writeCsv(path: string, models: number, rounds: number): number {
  const random = mulberry32(13);
  const fd = openSync(path, "w");
  try {
    writeSync(fd, "model,round,score,value\n");
    for (let m = 0; m < models; m++) {
      const lines: string[] = [];
      for (let r = 0; r < rounds; r++) lines.push(`model_${m},${900 + r},canon_corr,${((random() - 0.5) * 0.1).toFixed(8)}`);
      writeSync(fd, `${lines.join("\n")}\n`);
    }
  } finally {
    closeSync(fd);
  }
  return models * rounds;
}

async function measure(cli: string, csv: string, dbPath: string): Promise<{ exit: number; seconds: number; peakRssMb: number; loadedRssMb: number; out: string[] }> {
  const { runCli } = (await import(pathToFileURL(cli).href)) as { runCli: (argv: string[], env: NodeJS.ProcessEnv, io: { out(l: string): void; err(l: string): void }) => Promise<number> };
  const loadedRssMb = process.memoryUsage().rss / 2 ** 20;
  const out: string[] = [];
  const io = { out: (l: string) => out.push(l), err: (l: string) => out.push(l) };
  const t0 = performance.now();
  const exit = await runCli(["import", csv, "--json"], { ...process.env, DATABASE_PATH: dbPath, LOG_LEVEL: "warn" }, io);
  const seconds = (performance.now() - t0) / 1000;
  return { exit, seconds, peakRssMb: peakRssMb(), loadedRssMb, out: out.slice(-3).map((l) => l.slice(0, 300)) };
}

export function benchImport(options: ImportBenchOptions = {}): ImportFigures {
  const { models = 8_000, rounds = 250, cliModule = CLI } = options;
  const dir = mkdtempSync(join(tmpdir(), "modelfolio-bench-import-"));
  try {
    const csv = join(dir, "history.csv");
    const rows = writeCsv(csv, models, rounds);
    const child = spawnSync(process.execPath, ["--import", "tsx", fileURLToPath(import.meta.url), CHILD_FLAG, cliModule, csv, join(dir, "import.db")], {
      encoding: "utf8",
      maxBuffer: 1 << 20,
    });
    const last = child.stdout.trim().split("\n").at(-1) ?? "";
    if (child.status !== 0 || !last.startsWith("{")) throw new Error(`import bench child failed (${child.status}): ${child.stderr.slice(-2000)} ${last}`);
    const r = JSON.parse(last) as Awaited<ReturnType<typeof measure>>;
    if (r.exit !== 0) throw new Error(`modelfolio import exited ${r.exit}: ${r.out.join(" / ")}`);
    return { rows, fileMb: statSync(csv).size / 2 ** 20, seconds: r.seconds, rowsPerSecond: rows / r.seconds, peakRssMb: r.peakRssMb, loadedRssMb: r.loadedRssMb };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === CHILD_FLAG) {
  const [cli, csv, dbPath] = process.argv.slice(3) as [string, string, string];
  console.log(JSON.stringify(await measure(cli, csv, dbPath)));
} else if (process.argv[1] === fileURLToPath(import.meta.url)) {
  // `tsx bench/import.ts [path/to/other/src/cli/main.ts]` on its own.
  const f = benchImport(process.argv[2] ? { cliModule: process.argv[2] } : {});
  console.log(
    `Import of ${f.rows.toLocaleString("en-US")} rows (${f.fileMb.toFixed(0)} MB CSV): ${f.seconds.toFixed(1)} s, ` +
      `${Math.round(f.rowsPerSecond).toLocaleString("en-US")} rows/s, peak RSS ${f.peakRssMb.toFixed(0)} MB (${f.loadedRssMb.toFixed(0)} MB with the CLI loaded, before the import)`,
  );
}
