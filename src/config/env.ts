import { existsSync, mkdirSync } from "node:fs";
import { availableParallelism } from "node:os";
import { dirname, resolve } from "node:path";
import cron from "node-cron";
import { z } from "zod";
import { EXIT_CODE } from "../errors.js";

/** Thrown when the environment is invalid; `.problems` lists every problem, each naming its variable. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

const emptyToUndefined = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);
const optionalString = z.preprocess(emptyToUndefined, z.string().optional());
const intWithDefault = (def: number, min: number, max: number) =>
  z.preprocess(emptyToUndefined, z.coerce.number().int().min(min).max(max).default(def));
const cronExpression = (def: string) =>
  z.preprocess(
    emptyToUndefined,
    z
      .string()
      .default(def)
      .refine((v) => cron.validate(v), { message: "is not a valid cron expression" }),
  );
/** Render threads when RENDER_WORKERS is unset: the machine's cores, at most 4 (each holds resvg and the fonts, ~40 MB). */
const DEFAULT_RENDER_WORKERS = Math.min(availableParallelism(), 4);

const snowflake = z.string().regex(/^\d{17,20}$/, "must be a Discord id (17–20 digits)");

const envSchema = z.object({
  DATABASE_PATH: z.preprocess(emptyToUndefined, z.string().default("./data/modelfolio.db")),
  NUMERAI_API_URL: z.preprocess(emptyToUndefined, z.url().default("https://api-tournament.numer.ai")),
  NUMERAI_TOURNAMENT: intWithDefault(8, 1, 1000),
  NUMERAI_PUBLIC_ID: optionalString,
  NUMERAI_SECRET_KEY: optionalString,
  NUMERAI_CONCURRENCY: intWithDefault(4, 1, 64),
  NUMERAI_TIMEOUT_MS: intWithDefault(30_000, 100, 600_000),
  SYNC_CRON: cronExpression("17 6 * * *"),
  SYNC_LOOKBACK_ROUNDS: intWithDefault(40, 1, 1000),
  LOG_LEVEL: z.preprocess(
    emptyToUndefined,
    z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  ),
  DISCORD_TOKEN: optionalString,
  DISCORD_APPLICATION_ID: z.preprocess(emptyToUndefined, snowflake.optional()),
  DISCORD_API_BASE: z.preprocess(emptyToUndefined, z.url().optional()),
  DISCORD_DEV_GUILD_ID: z.preprocess(emptyToUndefined, snowflake.optional()),
  DIGEST_CATCHUP_DAYS: intWithDefault(3, 0, 6),
  DIGEST_CONCURRENCY: intWithDefault(4, 1, 16),
  // Charts are most of a crowd's CPU: by default one render thread per core, at most 4.
  RENDER_WORKERS: intWithDefault(DEFAULT_RENDER_WORKERS, 0, 64),
  // Unset: the series cache's own bound (src/services/series.ts, DEFAULT_MAX_CACHED_ROUNDS).
  SERIES_CACHE_ROUNDS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1_000).max(1_000_000_000).optional()),
  DISCOURSE_URL: z.preprocess(emptyToUndefined, z.url().optional()),
  DISCOURSE_API_KEY: optionalString,
  DISCOURSE_USERNAME: z.preprocess(emptyToUndefined, z.string().default("system")),
  DISCOURSE_CATEGORY: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).optional()),
  ADMIN_USER_IDS: z.preprocess(
    (v) =>
      typeof v === "string"
        ? v
            .split(",")
            .map((s) => s.trim())
            .filter(Boolean)
        : v,
    z.array(snowflake).default([]),
  ),
});

/**
 * Rules that tie variables together. Checked on the raw environment, beside the field checks, so
 * one run reports every problem: a public id without its secret shows up together with a bad
 * cron expression, not after it is fixed.
 */
function crossFieldProblems(env: NodeJS.ProcessEnv): string[] {
  const set = (key: string) => emptyToUndefined(env[key]) !== undefined;
  const problems: string[] = [];
  if (set("NUMERAI_PUBLIC_ID") !== set("NUMERAI_SECRET_KEY")) {
    problems.push("NUMERAI_PUBLIC_ID and NUMERAI_SECRET_KEY: set both or neither");
  }
  if (set("DISCOURSE_URL") !== set("DISCOURSE_API_KEY") || (set("DISCOURSE_URL") && !set("DISCOURSE_CATEGORY"))) {
    problems.push("DISCOURSE_URL, DISCOURSE_API_KEY and DISCOURSE_CATEGORY: set all three to post digests to Discourse, or none");
  }
  return problems;
}

/** The environment's variables as the app's settings (camelCase); `Config` is this schema's output. */
const configSchema = envSchema.transform((e) => ({
  databasePath: e.DATABASE_PATH === ":memory:" ? e.DATABASE_PATH : resolve(e.DATABASE_PATH),
  numeraiApiUrl: e.NUMERAI_API_URL,
  numeraiTournament: e.NUMERAI_TOURNAMENT,
  numeraiPublicId: e.NUMERAI_PUBLIC_ID,
  numeraiSecretKey: e.NUMERAI_SECRET_KEY,
  numeraiConcurrency: e.NUMERAI_CONCURRENCY,
  numeraiTimeoutMs: e.NUMERAI_TIMEOUT_MS,
  syncCron: e.SYNC_CRON,
  syncLookbackRounds: e.SYNC_LOOKBACK_ROUNDS,
  logLevel: e.LOG_LEVEL,
  discordToken: e.DISCORD_TOKEN,
  discordApplicationId: e.DISCORD_APPLICATION_ID,
  discordApiBase: e.DISCORD_API_BASE,
  discordDevGuildId: e.DISCORD_DEV_GUILD_ID,
  adminUserIds: Object.freeze(e.ADMIN_USER_IDS),
  digestCatchupDays: e.DIGEST_CATCHUP_DAYS,
  digestConcurrency: e.DIGEST_CONCURRENCY,
  renderWorkers: e.RENDER_WORKERS,
  seriesCacheRounds: e.SERIES_CACHE_ROUNDS,
  discourseUrl: e.DISCOURSE_URL,
  discourseApiKey: e.DISCOURSE_API_KEY,
  discourseUsername: e.DISCOURSE_USERNAME,
  discourseCategory: e.DISCOURSE_CATEGORY,
}));

export type Config = Readonly<z.output<typeof configSchema>>;

/**
 * Parses the environment once, reporting every problem at once with the variable's name.
 * Creates the database's folder. Secrets stay in the returned object and are never logged
 * (the logger redacts them).
 * @throws ConfigError listing all problems
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, options: { createDirs?: boolean } = {}): Config {
  const parsed = configSchema.safeParse(env);
  const problems = parsed.success
    ? []
    : parsed.error.issues.map((issue) => {
        const key = issue.path.join(".") || "(environment)";
        // Never echo the offending value: it might be a secret.
        return `${key}: ${issue.message}`;
      });
  problems.push(...crossFieldProblems(env));
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  const config = parsed.data;
  if (options.createDirs !== false && config.databasePath !== ":memory:") {
    mkdirSync(dirname(config.databasePath), { recursive: true });
  }
  return config;
}

/** Loads ./.env into process.env when the file exists; variables already set win. */
export function loadDotEnv(path = ".env"): void {
  if (existsSync(path)) process.loadEnvFile(path);
}

/**
 * For entry points: reads ./.env and the environment, or prints every problem on stderr and
 * exits with code 2 (a configuration error will not fix itself by retrying).
 */
export function loadConfigOrExit(): Config {
  try {
    loadDotEnv();
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(EXIT_CODE.usage);
    }
    throw err;
  }
}
