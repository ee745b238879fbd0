/**
 * Property-based fuzz of every command through `runCommand`, the router's one error path, on a
 * real SQLite file seeded with the demo data set and the stand-in Numerai API. Options are
 * generated from each command's JSON definition with the types Discord enforces, but with values
 * that are sometimes outside min/max, max_length or the declared choices, to prove the server
 * re-checks. For every case: nothing throws out of the router, no promise rejection goes
 * unhandled, something is sent, every payload is within Discord's limits, no NaN or Infinity is
 * shown, no apology (an unexpected fault) is needed, and a refused command leaves the database
 * exactly as it was and calls out to nothing it should not.
 *
 * Reproduce a failure with FUZZ_SEED=<seed printed by fast-check>; the default seed is fixed so
 * the suite is deterministic. FUZZ_SCALE multiplies the number of cases; FUZZ_PROFILE=1 prints the
 * time spent per command, subcommand and outcome (2: also per refusal reason).
 */
import {
  ApplicationCommandOptionType,
  type APIApplicationCommandBasicOption,
  type APIApplicationCommandOption,
  type APIApplicationCommandSubcommandOption,
} from "discord.js";
import fc from "fast-check";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commands } from "../../commands/index.js";
import { loadConfig } from "../../src/config/env.js";
import { createAppContext, type AppContext } from "../../src/context.js";
import { openDatabase } from "../../src/db/open.js";
import { seedDemo } from "../../src/demo/seed.js";
import { createBotContext } from "../../src/discord/bot.js";
import type { AttachmentInput, Caller, Command } from "../../src/discord/command.js";
import { limitViolations } from "../../src/discord/render/payload.js";
import { runCommand } from "../../src/discord/router.js";
import { createLogger } from "../../src/logger.js";
import { startAttachmentServer, type AttachmentServer } from "../helpers/attachment-server.js";
import { callerOf, commandInput, payloadText, recordingResponder, type Invocation, type OptionValue } from "../helpers/command-input.js";
import { createStoreWatch } from "../helpers/db-fingerprint.js";
import { startFakeNumerai, type FakeNumerai } from "../helpers/fake-numerai.js";
import { CSV_FORMULAS, HOSTILE_TOKENS, NUMBER_WORDS, PATH_TRAVERSALS } from "../helpers/hostile-strings.js";
import { syntheticModels } from "../helpers/synthetic-scores.js";

const SEED = Number(process.env.FUZZ_SEED ?? 20260506);
/** FUZZ_SCALE=10 runs ten times as many cases (a deeper, slower search). */
const SCALE = Number(process.env.FUZZ_SCALE ?? 1);
const YOU = "100000000000000101";
const FRIEND = "100000000000000102";
const THIRD = "100000000000000103";
const STRANGER = "100000000000000104";
const BOT_ADMIN = "100000000000000105";
const GUILD = "100000000000000002";
/** Models Numerai knows that nobody has added yet. */
const NEW_NAMES = ["newcomer_one", "newcomer_two", "fresh_model"];
const CURRENT_ROUND = 1190;
const NUMERAI_FIRST_ROUND = 1131;
const MODEL_NAME = /^[A-Za-z0-9_]{1,64}$/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Cases per command: ≥ 10,000 in all, fewer where a valid case draws charts on 11 models. */
const RUNS: Record<string, number> = {
  models: 3100,
  correlation: 150,
  contribution: 400,
  allocate: 1000,
  prune: 800,
  performance: 700,
  server: 800,
  help: 100,
  digest: 600,
  alerts: 500,
  admin: 3100,
};

/**
 * How often each subcommand is drawn (default 10). A valid /admin sync asks Numerai about every
 * registered model and is the slowest case by far, so it is drawn rarely.
 */
const SUBCOMMAND_WEIGHTS: Record<string, Record<string, number>> = {
  admin: { backfill: 12, import: 16, status: 4, backup: 3, sync: 1 },
  models: { add: 6, remove: 6, list: 2, weight: 8, "weight-source": 4 },
  server: { diversity: 6, optin: 3, optout: 3 },
};

let dir: string;
let ctx: AppContext;
let watch: ReturnType<typeof createStoreWatch>;
let bot: ReturnType<typeof createBotContext>;
let numerai: FakeNumerai;
let files: AttachmentServer;
let demoNames: string[];
const faults: string[] = [];
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
let casesRun = 0;
/** Cases that were answered rather than refused, per command: the fuzz must also do real work. */
const answered: Record<string, number> = {};
const PROFILE: Record<string, { n: number; ms: number }> | null = process.env.FUZZ_PROFILE ? {} : null;

beforeAll(async () => {
  process.on("unhandledRejection", onUnhandled);
  dir = mkdtempSync(join(tmpdir(), "modelfolio-fuzz-"));
  const path = join(dir, "fuzz.db");
  const store = openDatabase(path);
  seedDemo(store, { you: YOU, friend: FRIEND, third: THIRD, guildId: GUILD });
  const seeded = store.sqlite.prepare("select id, name from models order by name").all() as Array<{ id: string; name: string }>;
  store.close();
  demoNames = seeded.map((m) => m.name);
  // Numerai knows the demo models under the ids the store has, so valid backfills and adds do real work.
  const ids = new Map(seeded.map((m) => [m.name, m.id]));
  // Numerai's history here is the last 60 rounds: enough for adds and backfills to write real rows, cheap enough for thousands of cases.
  const models = syntheticModels({ names: [...demoNames, ...NEW_NAMES], fromRound: NUMERAI_FIRST_ROUND, toRound: CURRENT_ROUND, seed: 7, currentRound: CURRENT_ROUND }).map((m) => ({
    ...m,
    id: ids.get(m.name) ?? m.id,
  }));
  numerai = await startFakeNumerai({ models, currentRound: CURRENT_ROUND });
  files = await startAttachmentServer();
  const config = loadConfig(
    // A short sync look-back keeps each valid /admin sync cheap.
    { DATABASE_PATH: path, NUMERAI_API_URL: numerai.url, NUMERAI_TIMEOUT_MS: "2000", SYNC_LOOKBACK_ROUNDS: "3", ADMIN_USER_IDS: BOT_ADMIN, LOG_LEVEL: "warn" },
    { createDirs: false },
  );
  // Only faults are kept: an error-level line means something went wrong that was not the user's doing.
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString("utf8").split("\n")) if (/"level":(50|60)/.test(line)) faults.push(line.slice(0, 2000));
      done();
    },
  });
  ctx = createAppContext(config, createLogger("warn", sink));
  bot = createBotContext(ctx, { attachmentHosts: new Set(["127.0.0.1"]) });
  watch = createStoreWatch(ctx.store.sqlite);
});

afterAll(async () => {
  process.off("unhandledRejection", onUnhandled);
  await bot?.drain();
  await ctx?.close();
  await numerai?.close();
  await files?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

// ───────────────────────────── arbitraries ─────────────────────────────

/** UTF-16 code units, lone surrogates included (what a JS string can hold, not only valid Unicode). */
const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));

const longString = fc
  .tuple(fc.constantFrom(...HOSTILE_TOKENS, "a", "é", "😀", "_"), fc.constantFrom(1000, 4096, 10_000))
  .map(([t, n]) => t.repeat(Math.ceil(n / t.length)).slice(0, n));

const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...HOSTILE_TOKENS) },
  { weight: 3, arbitrary: fc.string({ unit: codeUnit, maxLength: 80 }) },
  { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 40 }) },
  {
    weight: 3,
    arbitrary: fc.array(fc.oneof(fc.constantFrom(...HOSTILE_TOKENS), fc.string({ unit: "grapheme", maxLength: 8 })), { minLength: 1, maxLength: 6 }).map((a) => a.join("")),
  },
  { weight: 1, arbitrary: longString },
  { weight: 1, arbitrary: fc.constantFrom("", " ", "  \t ") },
);

/** Names a user would type into a model option: theirs, other people's, unknown, odd casing and padding. */
const modelNameArb = (): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...demoNames, ...NEW_NAMES, "does_not_exist", "x", "a".repeat(64), "a".repeat(65)) },
    { weight: 1, arbitrary: fc.constantFrom(...demoNames).map((n) => n.toUpperCase()) },
    { weight: 1, arbitrary: fc.constantFrom(...demoNames).map((n) => `  ${n}\t`) },
    { weight: 1, arbitrary: fc.constantFrom(...demoNames).map((n) => `${n}\u200b`) },
    { weight: 4, arbitrary: hostileString },
  );

const scoreNameArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 1, arbitrary: fc.constantFrom("score", "payout", "canon_corr", "canon_mmc", "bmc", "CANON_MMC", " payout ") },
  { weight: 1, arbitrary: fc.constantFrom("nonsense_score", "corr60", "v2_corr20", "a", "_x", "score ", "PAYOUT") },
  { weight: 10, arbitrary: hostileString },
);

const BIG = Number.MAX_SAFE_INTEGER;
function integerArb(min: number | undefined, max: number | undefined): fc.Arbitrary<number> {
  const lo = min ?? -BIG;
  const hi = max ?? BIG;
  return fc.oneof(
    { weight: 4, arbitrary: fc.integer({ min: lo, max: hi }) },
    { weight: 3, arbitrary: fc.constantFrom(0, -1, lo - 1, hi + 1, -BIG, BIG, 2 ** 31, -(2 ** 31)) },
    { weight: 1, arbitrary: fc.integer({ min: -BIG, max: BIG }) },
  );
}

function numberArb(min: number | undefined, max: number | undefined): fc.Arbitrary<number> {
  const lo = min ?? -1e12;
  const hi = max ?? 1e12;
  return fc.oneof(
    { weight: 4, arbitrary: fc.double({ min: lo, max: hi, noNaN: true }) },
    { weight: 2, arbitrary: fc.constantFrom(0, -0, -1, lo - 1e-9, hi + 1e-9, hi * 10, 1e308, -1e308, 5e-324, Number.EPSILON) },
    // Discord cannot deliver these; a caller other than Discord (the shell, a bug) could.
    { weight: 1, arbitrary: fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY) },
  );
}

/** Rounds for /admin backfill: valid small ranges that do real work, from > to, spans past the maximum, junk. */
const roundRangeArb: fc.Arbitrary<{ from: number; to: number }> = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: NUMERAI_FIRST_ROUND - 20, max: CURRENT_ROUND + 10 }).chain((from) => fc.record({ from: fc.constant(from), to: fc.integer({ min: from, max: from + 60 }) })) },
  { weight: 3, arbitrary: fc.integer({ min: 2, max: 1_000_000 }).chain((from) => fc.record({ from: fc.constant(from), to: fc.integer({ min: 1, max: from - 1 }) })) },
  { weight: 1, arbitrary: fc.constantFrom({ from: 1, to: 1_000_000 }, { from: 1000, to: 6000 }, { from: 500_000, to: 505_000 }, { from: 0, to: 10 }, { from: -5, to: 5 }) },
  { weight: 2, arbitrary: fc.record({ from: integerArb(1, 1_000_000), to: integerArb(1, 1_000_000) }) },
);

const csvCell = fc.oneof(
  fc.constantFrom(...CSV_FORMULAS, ...NUMBER_WORDS, "lgbm_cyrus_1", "friend_alpha", "zz_import", "1000", "1189", "0.01", "-0.02", "1e-3", "", "NA"),
  hostileString,
);
const csvRound = fc.oneof(fc.integer({ min: 890, max: 1195 }).map(String), fc.constantFrom("0", "-1", "99999", "abc", "1e3", " 1000 ", "1000.0"));
const csvValue = fc.oneof(fc.double({ min: -1, max: 1, noNaN: true }).map(String), fc.constantFrom("NaN", "Infinity", "1e999", "", "=1+1", "0x10", "1,5", ".5", "-.5e-2"));
const quote = (s: string) => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
const longCsv = fc
  .array(fc.tuple(fc.oneof(fc.constantFrom(...CSV_FORMULAS, "lgbm_cyrus_1", "zz_import"), csvCell), csvRound, fc.constantFrom("canon_corr", "canon_mmc", "bmc", "Bad Name", "=x"), csvValue), { maxLength: 12 })
  .map((rows) => `model,round,score,value\n${rows.map((r) => r.map(quote).join(",")).join("\n")}\n`);
const wideCsv = fc
  .tuple(fc.array(fc.oneof(csvCell, fc.constantFrom("lgbm_cyrus_1", "zz_wide")), { minLength: 1, maxLength: 4 }), fc.array(fc.tuple(csvRound, fc.array(csvValue, { maxLength: 4 })), { maxLength: 8 }))
  .map(([models, rows]) => `roundNumber,${models.map(quote).join(",")}\n${rows.map(([r, vs]) => [r, ...vs].map(quote).join(",")).join("\n")}`);
/** A well-formed long CSV whose model names are formulas, mentions and markup: it must import, as data. */
const validLongCsv = fc
  .array(
    fc.tuple(
      fc.oneof(fc.constantFrom(...CSV_FORMULAS, "@everyone", "<@300000000000000002>", "**x**", "zz_import"), fc.string({ unit: "grapheme", minLength: 1, maxLength: 20 })),
      fc.integer({ min: 900, max: CURRENT_ROUND }),
      fc.constantFrom("canon_corr", "canon_mmc", "bmc", "imported_x"),
      fc.double({ min: -1, max: 1, noNaN: true }),
    ),
    { minLength: 1, maxLength: 8 },
  )
  .map((rows) => {
    const unique = new Map(rows.filter((r) => r[0].trim() !== "").map((r) => [`${r[0].trim().toLowerCase()}|${r[1]}|${r[2]}`, r]));
    return `model,round,score,value\n${[...unique.values()].map(([m, r, n, v]) => [quote(m), r, n, v].join(",")).join("\n")}\n`;
  });
const csvBodyArb: fc.Arbitrary<Buffer> = fc.oneof(
  { weight: 3, arbitrary: validLongCsv.map((s) => Buffer.from(s)) },
  { weight: 4, arbitrary: longCsv.map((s) => Buffer.from(s)) },
  { weight: 2, arbitrary: wideCsv.map((s) => Buffer.from(s)) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 2000 }).map((b) => Buffer.from(b)) },
  { weight: 1, arbitrary: fc.constantFrom(Buffer.from([0xff, 0xfe, 0x00, 0x41]), Buffer.from("\ufeffmodel,round,score,value\nzz_bom,1000,canon_corr,0.5\n"), Buffer.alloc(0), Buffer.from("MZ\x90\x00\x03")) },
  { weight: 1, arbitrary: fc.string({ unit: codeUnit, maxLength: 300 }).map((s) => Buffer.from(s)) },
);

interface AttachmentSpec {
  readonly name: string;
  readonly contentType: string | null;
  readonly body: Buffer;
  readonly size: "true" | "zero" | "negative" | "huge" | "lie-small";
  readonly origin: "loopback" | "foreign" | "file" | "localhost" | "metadata";
}
const attachmentArb: fc.Arbitrary<AttachmentSpec> = fc.record({
  name: fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom("scores.csv", "SCORES.CSV", "s.csv.exe", "evil.exe", "chart.png", "noext", ".csv", ...PATH_TRAVERSALS) },
    { weight: 1, arbitrary: hostileString.map((s) => `${s}.csv`) },
  ),
  contentType: fc.constantFrom("text/csv", "text/csv; charset=utf-8", "TEXT/CSV", "text/plain", "application/vnd.ms-excel", "image/png", "application/octet-stream", "application/x-msdownload", null),
  body: csvBodyArb,
  size: fc.constantFrom("true", "true", "true", "zero", "negative", "huge", "lie-small"),
  origin: fc.constantFrom("loopback", "loopback", "loopback", "loopback", "foreign", "file", "localhost", "metadata"),
});

/** A generated option value; attachments stay specs until run time, when they get a URL on the loopback CDN. */
type GeneratedValue = Exclude<OptionValue, { type: "attachment" }> | { readonly type: "attachment"; readonly spec: AttachmentSpec };
interface GeneratedInvocation {
  readonly subcommand: string | null;
  readonly values: Readonly<Record<string, GeneratedValue>>;
}

/** One option's value as Discord would deliver it for that option type (or undefined: not given). */
function optionArb(o: APIApplicationCommandBasicOption): fc.Arbitrary<GeneratedValue | undefined> {
  let value: fc.Arbitrary<GeneratedValue>;
  switch (o.type) {
    case ApplicationCommandOptionType.String: {
      const choices = "choices" in o && o.choices ? o.choices.map((c) => String(c.value)) : null;
      const base = o.name === "model" || o.name === "name" ? modelNameArb() : o.name === "score" ? scoreNameArb : hostileString;
      const str = choices ? fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...choices) }, { weight: 1, arbitrary: hostileString }) : base;
      value = str.map((v) => ({ type: "string", value: v }));
      break;
    }
    case ApplicationCommandOptionType.Integer:
      value = integerArb(o.min_value, o.max_value).map((v) => ({ type: "integer", value: v }));
      break;
    case ApplicationCommandOptionType.Number:
      value = numberArb(o.min_value, o.max_value).map((v) => ({ type: "number", value: v }));
      break;
    case ApplicationCommandOptionType.Boolean:
      value = fc.boolean().map((v) => ({ type: "boolean", value: v }));
      break;
    case ApplicationCommandOptionType.Attachment:
      value = attachmentArb.map((spec) => ({ type: "attachment", spec }));
      break;
    default:
      throw new Error(`option type ${String(o.type)} is not fuzzed yet`);
  }
  // Discord always sends required options; a stale registration or another client might not.
  return o.required
    ? fc.oneof({ weight: 19, arbitrary: value }, { weight: 1, arbitrary: fc.constant(undefined) })
    : fc.option(value, { nil: undefined, freq: 6 });
}

function valuesArb(options: readonly APIApplicationCommandBasicOption[]): fc.Arbitrary<Record<string, GeneratedValue>> {
  const names = new Set(options.map((o) => o.name));
  const base = fc.record(Object.fromEntries(options.map((o) => [o.name, optionArb(o)]))) as fc.Arbitrary<Record<string, GeneratedValue | undefined>>;
  // Backfill's from and to are drawn together, so valid ranges, from > to and oversized spans all occur.
  const withRange =
    names.has("from") && names.has("to")
      ? fc.tuple(base, roundRangeArb).map(([v, r]) => ({
          ...v,
          ...(v.from ? { from: { type: "integer", value: r.from } as const } : {}),
          ...(v.to ? { to: { type: "integer", value: r.to } as const } : {}),
        }))
      : base;
  return withRange.map((v) => Object.fromEntries(Object.entries(v).filter((e): e is [string, GeneratedValue] => e[1] !== undefined)));
}

function invocationArb(command: Command): fc.Arbitrary<GeneratedInvocation> {
  const options: APIApplicationCommandOption[] = command.data.toJSON().options ?? [];
  const subs = options.filter((o): o is APIApplicationCommandSubcommandOption => o.type === ApplicationCommandOptionType.Subcommand);
  const randomSub = fc.oneof(hostileString, fc.constant("")).map((s): GeneratedInvocation => ({ subcommand: s, values: {} }));
  if (subs.length === 0) {
    return valuesArb(options as APIApplicationCommandBasicOption[]).map((values) => ({ subcommand: null, values }));
  }
  const weights = SUBCOMMAND_WEIGHTS[command.data.name] ?? {};
  return fc.oneof(
    ...subs.map((s) => ({ weight: weights[s.name] ?? 10, arbitrary: valuesArb(s.options ?? []).map((values): GeneratedInvocation => ({ subcommand: s.name, values })) })),
    { weight: 1, arbitrary: randomSub },
    { weight: 1, arbitrary: fc.constant<GeneratedInvocation>({ subcommand: null, values: {} }) },
  );
}

interface CallerSpec {
  readonly user: string;
  readonly inGuild: boolean;
  readonly managesServer: boolean;
}
const callerArb: fc.Arbitrary<CallerSpec> = fc.record({
  user: fc.constantFrom(YOU, FRIEND, THIRD, STRANGER, BOT_ADMIN),
  inGuild: fc.oneof({ weight: 5, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
  managesServer: fc.boolean(),
});

const callerFrom = (c: CallerSpec): Caller =>
  callerOf(c.user, {
    guildId: c.inGuild ? GUILD : null,
    isAdmin: c.inGuild && c.managesServer,
    isGlobalAdmin: c.user === BOT_ADMIN,
    canManageChannels: c.inGuild && c.managesServer,
  });

// ───────────────────────────── the property ─────────────────────────────

function attachmentFor(spec: AttachmentSpec): AttachmentInput {
  const url =
    spec.origin === "loopback"
      ? files.host(spec.body, spec.name)
      : spec.origin === "foreign"
        ? "https://evil.example/attachments/1/2/scores.csv"
        : spec.origin === "file"
          ? "file:///etc/passwd"
          : spec.origin === "localhost"
            ? files.host(spec.body, spec.name).replace("127.0.0.1", "localhost")
            : "http://169.254.169.254/latest/meta-data/scores.csv";
  const size = { true: spec.body.length, zero: 0, negative: -1, huge: 50 * 1024 * 1024, "lie-small": 10 }[spec.size];
  return { name: spec.name, url, size, contentType: spec.contentType };
}

const isCsvName = (name: string, type: string | null) =>
  /\.csv$/i.test(name) && (type === null || ["text/csv", "text/plain", "application/csv", "application/vnd.ms-excel", "text/comma-separated-values"].includes((type.split(";")[0] ?? "").trim().toLowerCase()));

/** Whether a refused command may still have asked Numerai (the check itself needs the API). */
function mayAskNumerai(name: string, inv: Invocation, caller: Caller): boolean {
  const str = (k: string) => {
    const v = inv.values[k];
    return v?.type === "string" ? v.value : undefined;
  };
  const int = (k: string) => {
    const v = inv.values[k];
    return v?.type === "integer" ? v.value : 0;
  };
  if (name === "models" && inv.subcommand === "add") {
    // Exactly one of a name list (every name valid) or an account.
    const names = str("name");
    const account = str("account");
    if ((names === undefined) === (account === undefined)) return false;
    if (account !== undefined) return MODEL_NAME.test(account.trim());
    const list = (names ?? "").split(/[\s,]+/).filter(Boolean);
    return list.length > 0 && list.every((n) => MODEL_NAME.test(n));
  }
  if (name === "admin" && caller.isGlobalAdmin && inv.subcommand === "sync") return true;
  if (name === "admin" && caller.isGlobalAdmin && inv.subcommand === "backfill") {
    const from = int("from");
    const to = int("to");
    const rangeOk = from >= 1 && to >= from && to - from < 5000;
    const model = str("model");
    return rangeOk && (model === undefined ? caller.isGlobalAdmin : MODEL_NAME.test(model.trim()));
  }
  return false;
}

/** Whether a refused command may have downloaded its attachment (it passed every check that needs no bytes). */
function mayDownload(name: string, inv: Invocation, caller: Caller, att: AttachmentInput | undefined): boolean {
  if (name !== "admin" || inv.subcommand !== "import" || !caller.isGlobalAdmin || !att) return false;
  return isCsvName(att.name, att.contentType) && att.size <= 20 * 1024 * 1024 && new URL(att.url).hostname === "127.0.0.1";
}

const clip = (v: unknown) => JSON.stringify(v, (_k, x: unknown) => (typeof x === "string" && x.length > 120 ? `${x.slice(0, 120)}…(${x.length})` : Buffer.isBuffer(x) ? `<${x.length} bytes>` : x));

async function runCase(command: Command, generated: GeneratedInvocation, spec: CallerSpec): Promise<void> {
  casesRun++;
  const caller = callerFrom(spec);
  let attachment: AttachmentInput | undefined;
  const values: Record<string, OptionValue> = {};
  let bodyText = "";
  for (const [k, v] of Object.entries(generated.values)) {
    if (v.type === "attachment") {
      attachment = attachmentFor(v.spec);
      bodyText = v.spec.body.toString("utf8");
      values[k] = { type: "attachment", value: attachment };
    } else {
      values[k] = v;
    }
  }
  const inv: Invocation = { subcommand: generated.subcommand, values };
  const before = watch.snapshot();
  const numeraiBefore = numerai.requests.length;
  const hitsBefore = files.hits();
  const faultsBefore = faults.length;
  const unhandledBefore = unhandled.length;
  const respond = recordingResponder();
  const t0 = performance.now();
  const problems: string[] = [];
  try {
    await runCommand(command, commandInput(command.data.name, inv, caller, respond), bot);
  } catch (err) {
    problems.push(`runCommand threw: ${String(err)}`);
  }
  await bot.drain();
  // Let a stray rejection surface before judging this case.
  await new Promise((r) => setImmediate(r));

  const replies = respond.sent.filter((s) => s.kind !== "followUp");
  if (replies.length === 0) problems.push("nothing was sent");
  problems.push(...respond.protocolErrors);
  const inputText = [...Object.values(values).map((v) => (v.type === "string" ? v.value : v.type === "attachment" ? v.value.name : "")), bodyText].join("\n");
  const echoesNumberWords = /NaN|Infinity/.test(inputText);
  const inputWellFormed = !LONE_SURROGATE.test(inputText);
  for (const s of respond.sent) {
    const v = limitViolations(s.payload);
    if (v.length > 0) problems.push(`${s.kind} breaks Discord's limits: ${v.join(", ")}`);
    const text = payloadText(s.payload);
    if (!echoesNumberWords && /NaN|Infinity/.test(text)) problems.push(`${s.kind} shows NaN/Infinity: ${text.slice(0, 300)}`);
    // Discord delivers well-formed text; a reply must not cut a character in half when it quotes it.
    if (inputWellFormed && LONE_SURROGATE.test(text)) problems.push(`${s.kind} holds half a character (a lone surrogate): ${JSON.stringify(text.slice(0, 200))}`);
    if (/something went wrong on our side|not answering properly/.test(text)) problems.push(`${s.kind} is an apology (an unexpected fault): ${text.slice(0, 300)}`);
  }
  if (faults.length > faultsBefore) problems.push(`error logged: ${faults.slice(faultsBefore).join("\n").slice(0, 1500)}`);
  if (unhandled.length > unhandledBefore) problems.push(`unhandled rejection: ${String(unhandled[unhandled.length - 1])}`);
  const refused = respond.sent.some((s) => s.kind === "error");
  if (!refused) answered[command.data.name] = (answered[command.data.name] ?? 0) + 1;
  if (refused) {
    const difference = watch.differenceFrom(before);
    if (difference !== null) problems.push(`a refused command changed the database:\n  ${difference}`);
    if (numerai.requests.length > numeraiBefore && !mayAskNumerai(command.data.name, inv, caller)) {
      problems.push(`a refused command called Numerai ${numerai.requests.length - numeraiBefore} times`);
    }
    if (files.hits() > hitsBefore && !mayDownload(command.data.name, inv, caller, attachment)) problems.push("a refused command downloaded its attachment");
  }
  if (PROFILE) {
    const reason = process.env.FUZZ_PROFILE === "2" && refused ? payloadText(respond.sent.find((x) => x.kind === "error")?.payload ?? {}).slice(0, 24) : "";
    const key = `${command.data.name} ${(inv.subcommand ?? "").slice(0, 16)} ${refused ? "refused" : "ok"} ${reason}`;
    const p = (PROFILE[key] ??= { n: 0, ms: 0 });
    p.n++;
    p.ms += performance.now() - t0;
  }
  if (problems.length > 0) {
    throw new Error(
      `/${command.data.name} ${clip(inv)} by ${clip(caller)}\n${problems.map((p) => `- ${p}`).join("\n")}\nsent: ${clip(respond.sent.map((s) => ({ kind: s.kind, text: payloadText(s.payload).slice(0, 400) })))}`,
    );
  }
}

describe("runCommand under fuzzed options", () => {
  for (const command of commands) {
    const runs = Math.round((RUNS[command.data.name] ?? 0) * SCALE);
    // A command added after this budget was set shows up as skipped until it gets one.
    it.skipIf(runs === 0)(`/${command.data.name}: ${runs} random invocations neither crash, break limits, nor change anything when refused`, async () => {
      const started = Date.now();
      await fc.assert(
        fc.asyncProperty(invocationArb(command), callerArb, (inv, caller) => runCase(command, inv, caller)),
        { numRuns: runs, seed: SEED, endOnFailure: true },
      );
      // Visible in the test output for the runtime budget.
      process.stderr.write(`fuzz /${command.data.name}: ${runs} cases (${answered[command.data.name] ?? 0} answered) in ${Date.now() - started} ms\n`);
      expect(answered[command.data.name] ?? 0, "no valid invocation was generated").toBeGreaterThan(0);
    }, 120_000);
  }

  it("left every table in place and the database intact", () => {
    const tables = (ctx.store.sqlite.prepare("select name from sqlite_master where type = 'table'").all() as Array<{ name: string }>).map((t) => t.name);
    expect(tables).toEqual(expect.arrayContaining(["models", "registrations", "scores", "model_rounds", "rounds", "user_settings", "server_opt_ins", "ingestion_runs"]));
    expect(ctx.store.sqlite.pragma("integrity_check", { simple: true })).toBe("ok");
    expect(ctx.store.sqlite.pragma("foreign_key_check")).toEqual([]);
  });

  it("ran at least 10,000 cases in all", () => {
    if (PROFILE) for (const [k, v] of Object.entries(PROFILE).sort((a, b) => b[1].ms - a[1].ms)) process.stderr.write(`${k}: ${v.n} cases, ${Math.round(v.ms)} ms\n`);
    expect(casesRun).toBeGreaterThanOrEqual(10_000 * SCALE);
  });
});
