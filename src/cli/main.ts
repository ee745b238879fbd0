/**
 * The `modelfolio` command line: ingestion and model registration without Discord.
 * Exit 0 on success; otherwise one line on stderr and a non-zero exit (EXIT_CODE: 1 bad input, 2 usage, 3 fault).
 */
import { once } from "node:events";
import { closeSync, createWriteStream, openSync, renameSync, rmSync, statSync } from "node:fs";
import type { Writable } from "node:stream";
import { finished } from "node:stream/promises";
import { resolve } from "node:path";
import { parseArgs, type ParseArgsConfig } from "node:util";
import type { AppContext } from "../context.js";
import { asStorageError } from "../db/errors.js";
import { EXIT_CODE, isUserFacing, UserFacingError } from "../errors.js";
import type { Logger } from "../logger.js";
import { NumeraiError } from "../numerai/errors.js";
import { parseModelNames } from "../services/registrations.js";
import { toJson } from "./json.js";
import { SHELL_USER_ID } from "../shell/identity.js";

export const USAGE = `modelfolio — your Numerai models as a portfolio

Usage: modelfolio <command> [options]

Data
  backfill --from R1 --to R2 [--model NAME]   fetch rounds R1..R2 (all registered models, or one);
                                              resumable: run it again to continue after a stop
  sync                                        fetch recent and unresolved rounds of every registered model
  import FILE [--score NAME]                  import a CSV: wide (roundNumber + one column per model;
                                              --score names the values, e.g. canon_corr) or long
                                              (model,round,score,value); all or nothing
  export [--user ID] [--out FILE]             every stored score of a user's models as CSV (long import
                                              format plus each round's details), to stdout or FILE
  status                                      rows, last runs, failures
  shell                                       the bot's slash commands in this terminal; also reads
                                              commands from stdin, one per line, for scripts

Analysis (the same numbers the bot shows)
  analyze <correlation|bets|contribution|hedge|allocate|prune|performance|history|whatif>
          (--user ID | --models a,b,c) [--score NAME|score|payout] [--rounds N | --from R1 --to R2]
          [--method pearson|spearman | equal|inverse-variance|min-variance|hrp|max-sharpe|all]
          [--weights a=0.5,b=30%] [--cap 0.35] [--model NAME] [--missing-zero] [--min-overlap 20]
          [--window 60] (history: rounds in each rolling window)
          [--propose a=0.5,b=0.5] (whatif: proposed shares; or --method NAME for a method's suggestion)
          --weights: shares (0-1, 100% at most) for this run; a model not named gets its declared
          weight, else its Numerai stake share, else an equal share of what is left

Models (for a Discord user id; default: the shell's local user)
  models add NAME... [--user ID]              check the names on Numerai and register them (models
                                              with imported scores also without Numerai, saying so)
  models add --account USERNAME [--user ID]   every model of a Numerai account
  models list [--user ID]
  models remove NAME... [--user ID]

Options
  --json       machine-readable output (full precision)
  --help, -h   this help

Configuration comes from the environment (see .env.example); DATABASE_PATH picks the store.

Exit codes: ${EXIT_CODE.ok} done · ${EXIT_CODE.badInput} refused (bad input; nothing changed) · ${EXIT_CODE.usage} usage or configuration error ·
${EXIT_CODE.fault} fault (Numerai unreachable or failing, a sync where models failed, the database, a bug).`;

class UsageError extends Error {}

const OPTIONS = {
  from: { type: "string" },
  to: { type: "string" },
  model: { type: "string" },
  score: { type: "string" },
  user: { type: "string" },
  account: { type: "string" },
  json: { type: "boolean", default: false },
  models: { type: "string" },
  rounds: { type: "string" },
  method: { type: "string" },
  weights: { type: "string" },
  cap: { type: "string" },
  "missing-zero": { type: "boolean" },
  "min-overlap": { type: "string" },
  window: { type: "string" },
  propose: { type: "string" },
  out: { type: "string" },
  help: { type: "boolean", short: "h", default: false },
} as const satisfies ParseArgsConfig["options"];

type Values = { [K in keyof typeof OPTIONS]?: (typeof OPTIONS)[K]["type"] extends "boolean" ? boolean : string };

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  /** Where bulk output (an export) is streamed, honouring backpressure; absent: line by line through `out`. */
  readonly stdout?: Writable;
}

const defaultIo: CliIo = {
  out: (l) => process.stdout.write(`${l}\n`),
  err: (l) => process.stderr.write(`${l}\n`),
  stdout: process.stdout,
};

/**
 * Writes records, each followed by `eol`, waiting whenever the stream asks to, so a large export
 * never piles up in memory. A stream that failed (a bad path, a closed pipe) never drains: its
 * error is thrown instead of waited on.
 */
async function streamRecords(records: Iterable<string>, stream: Writable, eol: string): Promise<number> {
  // A function, not a property read: TypeScript would keep the first check's narrowing past write().
  const failed = (): Error | null => stream.errored;
  let n = 0;
  for (const record of records) {
    let error = failed();
    if (error) throw error;
    if (!stream.write(record + eol)) {
      error = failed();
      if (error) throw error;
      await once(stream, "drain");
    }
    n++;
  }
  return n;
}

function intOption(values: Values, name: "from" | "to"): number {
  const raw = values[name];
  if (raw === undefined) throw new UsageError(`--${name} is required`);
  if (!/^\d+$/.test(raw)) throw new UserFacingError(`--${name} must be a round number, not "${raw}"`);
  return Number(raw);
}

function requireUser(values: Values): string {
  const user = values.user ?? SHELL_USER_ID;
  if (!/^\d{1,20}$/.test(user)) throw new UserFacingError(`--user must be a Discord user id (digits), not "${user}"`);
  return user;
}

/** What a command asks the process to exit with, when it finished but not cleanly (a sync where models failed). */
interface Outcome {
  exitCode: number;
}

async function dispatch(ctx: AppContext, positionals: string[], values: Values, io: CliIo, outcome: Outcome): Promise<unknown> {
  const [command, sub] = positionals;
  const args = positionals.slice(2);
  const { ingestion, registrations, repos } = ctx.services;
  switch (command) {
    case "backfill": {
      const from = intOption(values, "from");
      const to = intOption(values, "to");
      let lastShown = 0;
      const result = await ingestion.backfill({
        from,
        to,
        modelName: values.model,
        requestedBy: "cli",
        onProgress: (p) => {
          if (!values.json && Date.now() - lastShown > 1000) {
            lastShown = Date.now();
            io.err(`  ${p.unitsDone}/${p.unitsTotal} batches, ${p.rowsWritten} score rows (${p.model ?? ""})`);
          }
        },
      });
      if (!values.json) {
        io.out(
          `${result.resumed ? "Resumed and finished" : "Finished"} backfill #${result.runId}: rounds ${from}–${to}, ` +
            `${result.models.length} model(s), ${result.rowsWritten} score rows written.`,
        );
      }
      return result;
    }
    case "sync": {
      const result = await ingestion.sync({ requestedBy: "cli" });
      const { syncOutcome } = await import("../services/ingestion.js");
      const status = syncOutcome(result);
      if (!values.json) {
        const failed = result.failures.length;
        io.out(
          status === "succeeded"
            ? `Sync #${result.runId} up to round ${result.currentRound}: ${result.models} model(s), ${result.rowsWritten} score rows.`
            : status === "failed"
              ? `Sync #${result.runId} up to round ${result.currentRound} FAILED: none of the ${result.models} model(s) could be fetched; nothing was written.`
              : `Sync #${result.runId} up to round ${result.currentRound} partly failed: ${failed} of ${result.models} model(s) failed, ` +
                `${result.models - failed} saved (${result.rowsWritten} score rows).`,
        );
        for (const f of result.failures) io.out(`  failed: ${f.model}: ${f.error}`);
      }
      if (status !== "succeeded") outcome.exitCode = EXIT_CODE.fault;
      return result;
    }
    case "import": {
      const file = sub;
      if (!file) throw new UsageError("import needs a FILE");
      // Checked here for a clear message; the import then streams the file (its size does not matter).
      try {
        if (!statSync(file).isFile()) throw new UserFacingError(`${file} is not a file`);
        closeSync(openSync(file, "r"));
      } catch (err) {
        if (isUserFacing(err)) throw err;
        throw new UserFacingError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
      }
      const result = ingestion.importCsv({ path: file, scoreName: values.score, fileName: file, requestedBy: "cli" });
      if (!values.json) {
        io.out(
          `Imported ${result.rows} ${result.format} rows (${result.scoreNames.join(", ")}) for ${result.models.length} model(s), ` +
            `rounds ${result.rounds.first}–${result.rounds.last}.`,
        );
        if (result.skipped.rows > 0) {
          io.out(
            `Skipped ${result.skipped.rows} rows of ${result.skipped.numeraiModels.join(", ")}: their scores come from Numerai, and imports never overwrite them.`,
          );
        }
      }
      return result;
    }
    case "models": {
      const user = requireUser(values);
      if (sub === "add") {
        if ((args.length === 0) === (values.account === undefined)) throw new UsageError("models add takes NAME... or --account USERNAME");
        const res = values.account === undefined ? await registrations.addMany(user, args.flatMap((a) => parseModelNames(a))) : await registrations.addAccount(user, values.account);
        if (!values.json) {
          for (const m of res.added) {
            io.out(
              m.unchecked === null
                ? `Registered ${m.name} (${m.id}).`
                : `Registered ${m.name} from its imported scores, not checked with Numerai (${m.unchecked === "unreachable" ? "Numerai could not be reached" : "Numerai has no model by that name"}).`,
            );
          }
          for (const name of res.alreadyHad) io.out(`${name} was already registered.`);
          // The CLI leaves fetching to the resumable backfill (the bot fetches each new model's history itself).
          if (res.added.some((m) => m.unchecked === null)) io.out("Fetch their history with: modelfolio backfill --from R1 --to R2");
        }
        return res;
      }
      if (sub === "remove") {
        if (args.length === 0) throw new UsageError("models remove needs a NAME");
        const res = registrations.removeMany(user, args.join(" "));
        if (!values.json) io.out(`Removed ${res.names.join(", ")}.`);
        return res;
      }
      if (sub === "list") {
        const rows = registrations.list(user);
        if (!values.json) {
          if (rows.length === 0) io.out("No models registered.");
          for (const r of rows) io.out(`${r.name}\t${r.declaredWeight ?? "-"}\t${r.id}`);
        }
        return rows;
      }
      throw new UsageError("models takes add, list or remove");
    }
    case "analyze": {
      const { analysisText, runAnalysis } = await import("./analyze.js");
      const result = runAnalysis(ctx, sub, values);
      if (!values.json) io.out(analysisText(sub as string, result, resolve("out")));
      return result;
    }
    case "export": {
      const user = requireUser(values);
      if (values.out === undefined && values.json) throw new UsageError("export prints CSV; --json goes with --out FILE");
      const { CSV_EOL } = await import("../services/export.js");
      const { models, records } = ctx.services.exporter.lines(user);
      if (values.out === undefined) {
        if (!io.stdout) {
          for (const r of records) io.out(r);
          return { models };
        }
        // A closed pipe's error is read by streamRecords (stream.errored); the listener keeps it from
        // being an uncaught 'error' event, and stays: the event can come a tick after the last write.
        io.stdout.on("error", () => undefined);
        try {
          await streamRecords(records, io.stdout, CSV_EOL);
        } catch (err) {
          // The reader went away (`| head`): the export was wanted only that far, as with any Unix tool.
          if ((err as NodeJS.ErrnoException).code !== "EPIPE") throw err;
        }
        return { models };
      }
      // Written beside the target and renamed at the end: a failed export never leaves half a file under FILE.
      const target = resolve(values.out);
      const partial = `${target}.partial`;
      const file = createWriteStream(partial);
      file.on("error", () => undefined); // read through file.errored by streamRecords and finished()
      try {
        const rows = (await streamRecords(records, file, CSV_EOL)) - 1;
        file.end();
        await finished(file);
        renameSync(partial, target);
        if (!values.json) io.out(`Exported ${rows} scores of ${models.length} model(s) to ${target}.`);
        return { models, rows, file: target };
      } catch (err) {
        file.destroy();
        rmSync(partial, { force: true });
        const cause = (file.errored ?? err) as NodeJS.ErrnoException;
        // A path that cannot be written is the input's fault; a full disk is not.
        if (["ENOENT", "ENOTDIR", "EISDIR", "EACCES", "EPERM"].includes(cause.code ?? "")) throw new UserFacingError(`cannot write ${values.out}: ${cause.code}`);
        throw err;
      }
    }
    case "status": {
      const counts = repos.reads.counts();
      const runs = repos.runs.recent(10);
      const result = { database: ctx.store.path, models: repos.models.count(), ...counts, recentRuns: runs };
      if (!values.json) {
        io.out(`${result.database}: ${result.models} models, ${counts.scores} score rows, ${counts.rounds} rounds.`);
        for (const r of runs) {
          io.out(`  #${r.id} ${r.kind} ${r.status} ${r.unitsDone}/${r.unitsTotal} ${r.startedAt.toISOString()}${r.error ? ` — ${r.error}` : ""}`);
        }
      }
      return result;
    }
    default:
      throw new UsageError(command ? `unknown command "${command}"` : "no command given");
  }
}

export async function runCli(argv: string[], env: NodeJS.ProcessEnv = process.env, io: CliIo = defaultIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (err) {
    io.err(`modelfolio: ${(err as Error).message}. See modelfolio --help.`);
    return EXIT_CODE.usage;
  }
  const values = parsed.values as Values;
  if (values.help || parsed.positionals.length === 0 || parsed.positionals[0] === "help") {
    io.out(USAGE);
    return values.help || parsed.positionals[0] === "help" ? EXIT_CODE.ok : EXIT_CODE.usage;
  }
  let ctx: AppContext | undefined;
  let databasePath: string | undefined;
  let logger: Logger | undefined;
  // Loaded only past --help: config, the store, discord.js and pino take most of a second to
  // import, and `modelfolio --help` should answer at once.
  const { ConfigError, loadConfig, loadDotEnv } = await import("../config/env.js");
  try {
    if (env === process.env) loadDotEnv();
    const config = loadConfig(env);
    databasePath = config.databasePath;
    if (parsed.positionals[0] === "shell") {
      const { startShellSession } = await import("../shell/session.js");
      await startShellSession(config, { interactive: process.stdin.isTTY === true });
      return EXIT_CODE.ok;
    }
    // The CLI speaks on stdout; logs go to stderr and only warnings unless LOG_LEVEL says otherwise.
    // Synchronous, so log lines and the closing one-line message reach the terminal in order.
    const [{ createLogger }, { createAppContext }] = await Promise.all([import("../logger.js"), import("../context.js")]);
    logger = createLogger(env.LOG_LEVEL ? config.logLevel : "warn");
    ctx = createAppContext(config, logger);
    const outcome: Outcome = { exitCode: EXIT_CODE.ok };
    const result = await dispatch(ctx, parsed.positionals, values, io, outcome);
    if (values.json) io.out(toJson(result));
    return outcome.exitCode;
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`modelfolio: ${err.message}. See modelfolio --help.`);
      return EXIT_CODE.usage;
    }
    if (err instanceof ConfigError) {
      io.err(`modelfolio: ${err.message}`);
      return EXIT_CODE.usage;
    }
    // Disk full, read-only file, I/O error: a fault, but one the operator can fix, so say which.
    const storage = asStorageError(err);
    if (storage) {
      // A StorageError was logged where it was made; a raw one (opening the file) is logged here.
      if (storage !== err) logger?.error({ module: "cli", err, code: storage.code, database: databasePath }, "the database refused the operation");
      io.err(`modelfolio: ${storage.message} (${storage.code}, DATABASE_PATH=${databasePath ?? "?"})`);
      return EXIT_CODE.fault;
    }
    if (isUserFacing(err)) {
      io.err(`modelfolio: ${err.message}`);
      return EXIT_CODE.badInput;
    }
    // Numerai unreachable (DNS, refused, reset), timing out or failing: not the input's fault, so
    // not "bad input"; a script should retry later. (An unknown model name arrives as user-facing.)
    if (err instanceof NumeraiError) {
      io.err(`modelfolio: ${err.message}`);
      return EXIT_CODE.fault;
    }
    io.err(`modelfolio: unexpected error: ${err instanceof Error ? err.message : String(err)}`);
    return EXIT_CODE.fault;
  } finally {
    await ctx?.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith("/src/cli/main.ts")) {
  process.exitCode = await runCli(process.argv.slice(2));
}
