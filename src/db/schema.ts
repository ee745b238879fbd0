/**
 * The whole store in one file. drizzle-kit generates drizzle/ from it (`npm run db:generate`);
 * CI fails when the two drift apart. Timestamps are integer milliseconds since the epoch.
 * NMR amounts (at-risk stake, payouts, payout factor) are kept as the API's decimal strings so
 * nothing is lost to binary floating point.
 */
import { sql } from "drizzle-orm";
import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { WEIGHT_POLICIES } from "../analytics/weights.js";
import { ALERT_KIND_NAMES } from "../services/alert-kinds.js";

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

/** Per-user preferences: which weights to use (null: declared, else API stakes, else equal). */
export const userSettings = sqliteTable("user_settings", {
  discordUserId: text("discord_user_id").primaryKey(),
  weightSource: text("weight_source", { enum: WEIGHT_POLICIES }),
  updatedAt: createdAt(),
});

/**
 * Members who agreed to show their models in one server's views. Per guild, because the bot
 * (Guilds intent only) cannot list a guild's members, and agreeing in one server is not agreeing in all.
 */
export const serverOptIns = sqliteTable(
  "server_opt_ins",
  {
    guildId: text("guild_id").notNull(),
    discordUserId: text("discord_user_id").notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.guildId, t.discordUserId] })],
);

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

/** What a score name (scores.name) may be: the API's names (canon_corr, mmc60, …) and what /import and the score options accept. */
export const SCORE_NAME = /^[a-z][a-z0-9_]{0,63}$/;

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
  // No secondary index: every read filters by model first, which the primary key serves, and a
  // second B-tree would halve ingest speed on large backfills.
  (t) => [primaryKey({ columns: [t.modelId, t.roundNumber, t.name] })],
);

/**
 * How many times the score writer has written each model's scores or round facts: readers that
 * keep a model's series in memory (src/services/series.ts) compare it, with one small query per
 * command, to see a write from this process or any other sharing the file. Follows a re-keyed model id.
 */
export const scoreVersions = sqliteTable("score_versions", {
  modelId: text("model_id")
    .primaryKey()
    .references(() => models.id, { onDelete: "cascade", onUpdate: "cascade" }),
  version: integer("version").notNull(),
});

/** Every sync, backfill and import: what was asked, how far it got, how it ended. A backfill resumes from `cursor`. */
export const ingestionRuns = sqliteTable(
  "ingestion_runs",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    kind: text("kind", { enum: ["sync", "backfill", "import"] }).notNull(),
    params: text("params", { mode: "json" }).notNull(),
    // "interrupted": found "running" at a start-up while the process that ran it was gone (killed, crashed).
    status: text("status", { enum: ["running", "succeeded", "failed", "interrupted"] }).notNull(),
    cursor: text("cursor", { mode: "json" }),
    unitsTotal: integer("units_total").notNull().default(0),
    unitsDone: integer("units_done").notNull().default(0),
    rowsWritten: integer("rows_written").notNull().default(0),
    error: text("error"),
    requestedBy: text("requested_by"),
    // The process running it (src/process-identity.ts): how a start-up tells a run in progress in
    // another process from one whose process is gone.
    pid: integer("pid"),
    processInstance: text("process_instance"),
    startedAt: integer("started_at", { mode: "timestamp_ms" }).notNull(),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
    finishedAt: integer("finished_at", { mode: "timestamp_ms" }),
  },
  (t) => [index("ingestion_runs_kind_status_idx").on(t.kind, t.status)],
);

/**
 * Weekly digest subscriptions: one per target (a user's DMs, or one guild channel). Rows are kept
 * on unsubscribe or disable (status changes) so the delivery ledger keeps its history and a
 * re-subscription keeps its id. `activeFrom`: occurrences before it are never delivered (a new
 * subscription posts nothing until its first scheduled time).
 */
export const digestSubscriptions = sqliteTable(
  "digest_subscriptions",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    /** dm: the user's DMs; channel: a text/announcement channel; forum: a forum channel (a thread per week). */
    kind: text("kind", { enum: ["dm", "channel", "forum"] }).notNull(),
    /** `dm:<userId>` or `channel:<channelId>`: at most one subscription per place. */
    targetKey: text("target_key").notNull(),
    /** The subscriber (for a channel: who subscribed it; told when the digest is turned off). */
    discordUserId: text("discord_user_id").notNull(),
    guildId: text("guild_id"),
    channelId: text("channel_id"),
    /** ISO weekday, 1 = Monday … 7 = Sunday, in `timezone`. */
    weekday: integer("weekday").notNull(),
    hour: integer("hour").notNull(),
    timezone: text("timezone").notNull(),
    status: text("status", { enum: ["active", "unsubscribed", "disabled"] }).notNull(),
    disabledReason: text("disabled_reason"),
    disabledAt: integer("disabled_at", { mode: "timestamp_ms" }),
    /** When the subscriber was told about the disable (at most once per disable). */
    noticeSentAt: integer("notice_sent_at", { mode: "timestamp_ms" }),
    activeFrom: integer("active_from", { mode: "timestamp_ms" }).notNull(),
    createdAt: createdAt(),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [
    uniqueIndex("digest_subscriptions_target_unique").on(t.targetKey),
    index("digest_subscriptions_status_idx").on(t.status),
    index("digest_subscriptions_user_idx").on(t.discordUserId),
  ],
);

/**
 * The delivery ledger: one row per (subscription, week), planned → sent | failed | skipped.
 * `nonce` (derived from the key) goes out with the Discord message (`enforce_nonce`), and the
 * footer carries it too, so a post whose recording was lost is found again instead of re-posted.
 * `leaseUntil` is the claim of the process delivering it (another process leaves the row alone until it lapses).
 */
export const digestDeliveries = sqliteTable(
  "digest_deliveries",
  {
    subscriptionId: integer("subscription_id")
      .notNull()
      .references(() => digestSubscriptions.id, { onDelete: "cascade" }),
    /** The local date (subscriber's timezone) of the scheduled occurrence, YYYY-MM-DD. */
    week: text("week").notNull(),
    scheduledFor: integer("scheduled_for", { mode: "timestamp_ms" }).notNull(),
    status: text("status", { enum: ["planned", "sent", "failed", "skipped"] }).notNull(),
    nonce: text("nonce").notNull(),
    attempts: integer("attempts").notNull().default(0),
    leaseUntil: integer("lease_until", { mode: "timestamp_ms" }),
    /** Where it went: the DM channel, the channel, or the forum thread. */
    channelId: text("channel_id"),
    /** Forum: the thread's planned title (recorded before creating it) and its id once known. */
    threadName: text("thread_name"),
    threadId: text("thread_id"),
    messageId: text("message_id"),
    /** Optional Discourse copy of a server digest. */
    discourseTopicId: integer("discourse_topic_id"),
    /** Why it failed or was skipped, or the last transient error while still planned. */
    detail: text("detail"),
    plannedAt: integer("planned_at", { mode: "timestamp_ms" }).notNull(),
    lastAttemptAt: integer("last_attempt_at", { mode: "timestamp_ms" }),
    finishedAt: integer("finished_at", { mode: "timestamp_ms" }),
  },
  (t) => [
    primaryKey({ columns: [t.subscriptionId, t.week] }),
    uniqueIndex("digest_deliveries_nonce_unique").on(t.nonce),
    index("digest_deliveries_status_idx").on(t.status),
  ],
);

/**
 * Alert subscriptions (/alerts): one per (user, kind). All of a user's alerts go to one place
 * (their DMs or one channel) so that the day's conditions make one message. Rows are kept on
 * unsubscribe or disable (status changes). `baselineAt` is null until the first scheduled check
 * after subscribing: that check records what is already true and fires nothing.
 */
export const alertSubscriptions = sqliteTable(
  "alert_subscriptions",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    discordUserId: text("discord_user_id").notNull(),
    kind: text("kind", { enum: ALERT_KIND_NAMES }).notNull(),
    threshold: real("threshold").notNull(),
    /** The window of the last N resolved rounds (null for kinds that use none). */
    rounds: integer("rounds"),
    target: text("target", { enum: ["dm", "channel"] }).notNull(),
    guildId: text("guild_id"),
    channelId: text("channel_id"),
    status: text("status", { enum: ["active", "unsubscribed", "disabled"] }).notNull(),
    disabledReason: text("disabled_reason"),
    disabledAt: integer("disabled_at", { mode: "timestamp_ms" }),
    baselineAt: integer("baseline_at", { mode: "timestamp_ms" }),
    lastCheckAt: integer("last_check_at", { mode: "timestamp_ms" }),
    createdAt: createdAt(),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [uniqueIndex("alert_subscriptions_user_kind_unique").on(t.discordUserId, t.kind), index("alert_subscriptions_status_idx").on(t.status)],
);

/**
 * What the last check saw, per subscription and subject (a pair `pair:<a>|<b>`, a model
 * `model:<id>`, or `portfolio`): whether the condition held, and the value it measured. An alert
 * fires when a subject's condition becomes true (or, for bets-drop, when the value fell by more
 * than the threshold since the previous check).
 */
export const alertStates = sqliteTable(
  "alert_states",
  {
    subscriptionId: integer("subscription_id")
      .notNull()
      .references(() => alertSubscriptions.id, { onDelete: "cascade" }),
    subject: text("subject").notNull(),
    active: integer("active", { mode: "boolean" }).notNull(),
    value: real("value"),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.subscriptionId, t.subject] })],
);

/**
 * One row per occurrence of an alert, written in the same transaction as the state change that
 * detected it (so an occurrence is recorded exactly once), and attached to the user's delivery of
 * a day when that delivery is planned (`deliveryDay`, null while waiting).
 */
export const alertEvents = sqliteTable(
  "alert_events",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    subscriptionId: integer("subscription_id")
      .notNull()
      .references(() => alertSubscriptions.id, { onDelete: "cascade" }),
    discordUserId: text("discord_user_id").notNull(),
    subject: text("subject").notNull(),
    /** The sentence the message shows, fixed at detection. */
    text: text("text").notNull(),
    detectedAt: integer("detected_at", { mode: "timestamp_ms" }).notNull(),
    deliveryDay: text("delivery_day"),
  },
  (t) => [index("alert_events_user_day_idx").on(t.discordUserId, t.deliveryDay)],
);

/**
 * The alert delivery ledger: at most one message per user per UTC day, planned → sent | failed.
 * Same exactly-once shape as digest_deliveries: planned before posting, claimed with a lease,
 * posted with `nonce` + `enforce_nonce`, found again by nonce when an attempt's outcome was lost.
 */
export const alertDeliveries = sqliteTable(
  "alert_deliveries",
  {
    discordUserId: text("discord_user_id").notNull(),
    day: text("day").notNull(),
    status: text("status", { enum: ["planned", "sent", "failed"] }).notNull(),
    nonce: text("nonce").notNull(),
    target: text("target", { enum: ["dm", "channel"] }).notNull(),
    /** The channel (for DMs: the DM channel, recorded before posting). */
    channelId: text("channel_id"),
    messageId: text("message_id"),
    attempts: integer("attempts").notNull().default(0),
    leaseUntil: integer("lease_until", { mode: "timestamp_ms" }),
    detail: text("detail"),
    plannedAt: integer("planned_at", { mode: "timestamp_ms" }).notNull(),
    finishedAt: integer("finished_at", { mode: "timestamp_ms" }),
  },
  (t) => [primaryKey({ columns: [t.discordUserId, t.day] }), uniqueIndex("alert_deliveries_nonce_unique").on(t.nonce), index("alert_deliveries_status_idx").on(t.status)],
);
