/**
 * The whole store in one file. drizzle-kit generates drizzle/ from it (`npm run db:generate`);
 * CI fails when the two drift apart. Timestamps are integer milliseconds since the epoch.
 * NMR amounts (at-risk stake, payouts, payout factor) are kept as the API's decimal strings so
 * nothing is lost to binary floating point.
 */
import { sql } from "drizzle-orm";
import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

const createdAt = () =>
  integer("created_at", { mode: "timestamp_ms" })
    .notNull()
    .default(sql`(cast(unixepoch('subsec') * 1000 as integer))`);

/** Numerai models known to the store. `source` = 'numerai' (id verified by the API) or 'import' (id made locally from a CSV import, replaced by the real id when the model is registered). */
export const models = sqliteTable(
  "models",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    tournament: integer("tournament").notNull(),
    source: text("source", { enum: ["numerai", "import"] }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("models_tournament_name_unique").on(t.tournament, t.name)],
);

/** A Discord user's registration of a model, with an optional declared stake weight. */
export const registrations = sqliteTable(
  "registrations",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    discordUserId: text("discord_user_id").notNull(),
    modelId: text("model_id")
      .notNull()
      .references(() => models.id, { onDelete: "cascade", onUpdate: "cascade" }),
    declaredWeight: real("declared_weight"),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("registrations_user_model_unique").on(t.discordUserId, t.modelId),
    index("registrations_model_idx").on(t.modelId),
  ],
);

/** Per-user preferences: which weights to use and whether the user's models appear in server views. */
export const userSettings = sqliteTable("user_settings", {
  discordUserId: text("discord_user_id").primaryKey(),
  weightSource: text("weight_source", { enum: ["declared", "api", "equal"] }),
  serverOptIn: integer("server_opt_in", { mode: "boolean" }).notNull().default(false),
  updatedAt: createdAt(),
});

/** Tournament rounds seen in any response. */
export const rounds = sqliteTable(
  "rounds",
  {
    tournament: integer("tournament").notNull(),
    number: integer("number").notNull(),
    openTime: integer("open_time", { mode: "timestamp_ms" }),
    resolveTime: integer("resolve_time", { mode: "timestamp_ms" }),
    resolved: integer("resolved", { mode: "boolean" }).notNull().default(false),
  },
  (t) => [primaryKey({ columns: [t.tournament, t.number] })],
);

/**
 * Facts of one model in one round, as the API reports them for that round. Deliberately no
 * fetch timestamp: re-fetching identical data must leave the row identical (audit lives in ingestion_runs).
 */
export const modelRounds = sqliteTable(
  "model_rounds",
  {
    modelId: text("model_id")
      .notNull()
      .references(() => models.id, { onDelete: "cascade", onUpdate: "cascade" }),
    roundNumber: integer("round_number").notNull(),
    atRisk: text("at_risk"),
    corrMultiplier: real("corr_multiplier"),
    mmcMultiplier: real("mmc_multiplier"),
    payoutFactor: text("payout_factor"),
    payoutPending: text("payout_pending"),
    payoutSettled: text("payout_settled"),
    target: text("target"),
    resolved: integer("resolved", { mode: "boolean" }).notNull().default(false),
  },
  (t) => [primaryKey({ columns: [t.modelId, t.roundNumber] }), index("model_rounds_round_idx").on(t.roundNumber)],
);

/** One score of one model in one round: every score name the API returns is kept. */
export const scores = sqliteTable(
  "scores",
  {
    modelId: text("model_id")
      .notNull()
      .references(() => models.id, { onDelete: "cascade", onUpdate: "cascade" }),
    roundNumber: integer("round_number").notNull(),
    name: text("name").notNull(),
    value: real("value"),
    percentile: real("percentile"),
    day: integer("day"),
    date: integer("date", { mode: "timestamp_ms" }),
    resolved: integer("resolved", { mode: "boolean" }).notNull().default(false),
  },
  (t) => [primaryKey({ columns: [t.modelId, t.roundNumber, t.name] }), index("scores_name_idx").on(t.name, t.roundNumber)],
);

/** Every sync, backfill and import: what was asked, how far it got, how it ended. A backfill resumes from `cursor`. */
export const ingestionRuns = sqliteTable(
  "ingestion_runs",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    kind: text("kind", { enum: ["sync", "backfill", "import"] }).notNull(),
    params: text("params", { mode: "json" }).notNull(),
    status: text("status", { enum: ["running", "succeeded", "failed"] }).notNull(),
    cursor: text("cursor", { mode: "json" }),
    unitsTotal: integer("units_total").notNull().default(0),
    unitsDone: integer("units_done").notNull().default(0),
    rowsWritten: integer("rows_written").notNull().default(0),
    error: text("error"),
    requestedBy: text("requested_by"),
    startedAt: integer("started_at", { mode: "timestamp_ms" }).notNull(),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
    finishedAt: integer("finished_at", { mode: "timestamp_ms" }),
  },
  (t) => [index("ingestion_runs_kind_status_idx").on(t.kind, t.status)],
);
