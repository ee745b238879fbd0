/**
 * The Discord token and the Numerai secret key never reach a log line or a reply: not through
 * configuration errors, not through logged objects, not through failures of Numerai, Discord or
 * the store. Every captured log line and every message the bot sent is scanned for them.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commands } from "../../commands/index.js";
import { ConfigError, loadConfig } from "../../src/config/env.js";
import { createLogger } from "../../src/logger.js";
import { ADMIN, GUILD, USER, startHarness, type Harness } from "../helpers/bot-harness.js";
import { startFakeDiscord, type FakeDiscord, type InteractionHandle } from "../helpers/fake-discord/index.js";
import { waitUntil } from "../helpers/wait.js";
import { spawnTs, waitForExit } from "../faults/support.js";

const NUMERAI_SECRET = "numerai-secret-value-XYZ"; // what startHarness configures
const MARKER = "Sup3rS3cretMarker";

/** Every secret-looking value of a run: the value, and the header form it would travel in. */
const secretsOf = (token: string) => [token, `Bot ${token}`, NUMERAI_SECRET, `$${NUMERAI_SECRET}`];

function captureLogger() {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString("utf8").split("\n").filter(Boolean));
      done();
    },
  });
  return { logger: createLogger("trace", sink), lines };
}

describe("loadConfig", () => {
  const VARIABLES = [
    "DATABASE_PATH",
    "NUMERAI_API_URL",
    "NUMERAI_TOURNAMENT",
    "NUMERAI_CONCURRENCY",
    "NUMERAI_TIMEOUT_MS",
    "SYNC_CRON",
    "SYNC_LOOKBACK_ROUNDS",
    "LOG_LEVEL",
    "DISCORD_APPLICATION_ID",
    "DISCORD_API_BASE",
    "DISCORD_DEV_GUILD_ID",
    "ADMIN_USER_IDS",
  ];

  function problemsFor(env: Record<string, string>): ConfigError {
    try {
      loadConfig(env, { createDirs: false });
    } catch (err) {
      if (err instanceof ConfigError) return err;
      throw err;
    }
    throw new Error(`no ConfigError for ${JSON.stringify(Object.keys(env))}`);
  }

  it.each(VARIABLES.filter((v) => v !== "DATABASE_PATH"))("names %s when its value is invalid but never echoes the value", (variable) => {
    const err = problemsFor({ [variable]: `${MARKER}-not valid`, DISCORD_TOKEN: `tok-${MARKER}` });
    expect(err.message).toContain(variable);
    expect(`${err.message}\n${err.problems.join("\n")}\n${err.stack ?? ""}`).not.toContain(MARKER);
  });

  it("lists every invalid variable at once without echoing any value", () => {
    const env = Object.fromEntries(VARIABLES.filter((v) => v !== "DATABASE_PATH").map((v) => [v, `${MARKER}${v}`]));
    const err = problemsFor({ ...env, DISCORD_TOKEN: `tok-${MARKER}` });
    expect(err.problems.length).toBeGreaterThanOrEqual(VARIABLES.length - 1);
    expect(JSON.stringify({ message: err.message, problems: err.problems })).not.toContain(MARKER);
  });

  it("refuses a secret key without its public id without quoting the key", () => {
    const err = problemsFor({ NUMERAI_SECRET_KEY: `${MARKER}-secret` });
    expect(err.message).toMatch(/NUMERAI_PUBLIC_ID and NUMERAI_SECRET_KEY/);
    expect(err.message).not.toContain(MARKER);
  });
});

describe("createLogger", () => {
  it("redacts the token and the secret wherever the code logs them", () => {
    const { logger, lines } = captureLogger();
    const config = loadConfig({ DISCORD_TOKEN: `tok-${MARKER}`, NUMERAI_PUBLIC_ID: "pub", NUMERAI_SECRET_KEY: `sec-${MARKER}` }, { createDirs: false });
    logger.info({ config }, "the config as a field");
    logger.info(config, "the config as the object");
    logger.child({ module: "x" }).warn({ discordToken: config.discordToken, numeraiSecretKey: config.numeraiSecretKey }, "the values by name");
    logger.info({ token: config.discordToken, secret: config.numeraiSecretKey }, "generic names");
    logger.info({ headers: { authorization: `Token pub$sec-${MARKER}`, Authorization: `Bot tok-${MARKER}` } }, "request headers");
    logger.info({ request: { authorization: `Bot tok-${MARKER}` } }, "an authorization one level down");
    expect(lines).toHaveLength(6);
    for (const line of lines) expect(line).not.toContain(MARKER);
    expect(lines.join("\n")).toContain("[redacted]");
  });
});

describe("a run full of failures", () => {
  let h: Harness;
  const handles: InteractionHandle[] = [];
  const send = (input: Parameters<Harness["discord"]["chatInput"]>[0]) => {
    const handle = h.discord.sendInteraction(h.discord.chatInput({ guildId: GUILD, ...input }));
    handles.push(handle);
    return handle;
  };
  const settle = (handle: InteractionHandle) => handle.awaitEdit(1, 20_000).then(() => handle.original?.data.content ?? "");

  beforeAll(async () => {
    // Every request exhausts its retries here; with the shipped backoff (random, up to a minute per
    // request) the sync alone could outlast the hook. The attempts and faults stay as shipped.
    h = await startHarness(commands, {
      env: { NUMERAI_PUBLIC_ID: "numerai-public-id", NUMERAI_TIMEOUT_MS: "300" },
      numeraiRetryDelays: { baseDelayMs: 5, maxDelayMs: 50 },
    });
    // Work that succeeds, so the logs hold normal traffic too.
    await settle(send({ name: "models", subcommand: "add", options: { name: "alpha_one" }, user: USER }));
    await h.bot.context.drain();
    // Numerai failing in every way it can: retries, timeouts, bad bodies; then an add and a sync that give up.
    h.numerai.setFaults({ rate: 1, kinds: ["500", "429", "timeout", "truncated", "malformed", "null-fields", "reset"], seed: 3, holdMs: 600 });
    await settle(send({ name: "models", subcommand: "add", options: { name: "alpha_two" }, user: USER }));
    await settle(send({ name: "admin", subcommand: "backfill", options: { from: 1100, to: 1105, model: "alpha_one" }, user: ADMIN }));
    await settle(send({ name: "admin", subcommand: "sync", user: ADMIN }));
    h.numerai.setFaults(undefined);
    // An unexpected fault: the store breaks under the bot, which must answer with an apology and an error id.
    h.ctx.store.sqlite.exec("ALTER TABLE registrations RENAME TO registrations_gone");
    try {
      await settle(send({ name: "models", subcommand: "list", user: USER }));
      await settle(send({ name: "correlation", user: USER }));
    } finally {
      h.ctx.store.sqlite.exec("ALTER TABLE registrations_gone RENAME TO registrations");
    }
    // Discord refusing the bot's edits: the error reply cannot be delivered and that is logged.
    // Only this interaction's edits: a backfill or sync still retrying in the background edits its own reply too.
    const target: { token?: string } = {};
    h.discord.fault((r) => r.method === "PATCH" && target.token !== undefined && r.path.startsWith("/webhooks/") && r.path.includes(`/${target.token}/messages/`), { kind: "server-error", status: 500 }, { times: 8 });
    const broken = send({ name: "help", user: USER });
    target.token = broken.token;
    await broken.awaitResponse();
    // The edit fails, then so does the error reply: wait for the router to say so.
    await waitUntil(() => h.rawLogs.some((l) => l.includes("could not deliver the error reply")), "the undeliverable error reply to be logged");
    await h.bot.context.drain();
  }, 90_000);
  afterAll(async () => {
    await h?.close();
  });

  it("produced the failures it was meant to", () => {
    const all = h.rawLogs.join("\n");
    expect(all).toMatch(/Numerai API unavailable|Numerai request failed/);
    expect(all).toMatch(/"errorId"/);
    expect(all).toMatch(/could not deliver the error reply|command failed|interaction handling failed/);
  });

  it("never wrote the token or the secret into a log line", () => {
    const token = h.config.discordToken as string;
    expect(h.rawLogs.length).toBeGreaterThan(20);
    for (const secret of secretsOf(token)) {
      const leaks = h.rawLogs.filter((l) => l.includes(secret));
      expect(leaks, `log lines holding ${secret === token ? "the token" : "the secret"}`).toEqual([]);
    }
  });

  it("never put the token, the secret or an internal error message into a reply", () => {
    const token = h.config.discordToken as string;
    const sent = handles.flatMap((handle) => handle.calls.map((c) => JSON.stringify(c.call.json ?? null)));
    expect(sent.length).toBeGreaterThan(10);
    for (const text of sent) {
      for (const secret of secretsOf(token)) expect(text).not.toContain(secret);
      expect(text).not.toMatch(/no such table|SqliteError|at \S+ \(|\.ts:\d+/);
    }
    expect(sent.some((t) => /error id `[0-9a-f]{8}`/.test(t))).toBe(true);
  });

  it("never sent the secret to Numerai, whose queries need no key", () => {
    for (const r of h.numerai.requests) expect(JSON.stringify(r.headers)).not.toContain(NUMERAI_SECRET);
  });
});

describe("the bot process", () => {
  let dir: string;
  let discord: FakeDiscord;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "modelfolio-secrets-"));
    discord = await startFakeDiscord({ users: [{ id: ADMIN }] });
  });
  afterAll(async () => {
    await discord?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /**
   * Runs `npm start`'s entry point with `env` until it exits (killed after 20 s) and returns
   * everything it printed; support.ts's afterEach kills it if the test fails first.
   */
  async function start(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
    const child = spawnTs("src/index.ts", [], { DATABASE_PATH: join(dir, "bot.db"), LOG_LEVEL: "trace", ...env });
    const exit = await waitForExit(child, 20_000);
    return { code: exit.code, output: exit.stdout + exit.stderr };
  }

  it("exits on an invalid setting without printing the token, the secret or the bad value", async () => {
    const { code, output } = await start({
      DISCORD_TOKEN: `tok-${MARKER}`,
      NUMERAI_PUBLIC_ID: "pub",
      NUMERAI_SECRET_KEY: `sec-${MARKER}`,
      NUMERAI_TIMEOUT_MS: `${MARKER}-ms`,
    });
    expect(code).toBe(2);
    expect(output).toMatch(/NUMERAI_TIMEOUT_MS/);
    expect(output).not.toContain(MARKER);
  }, 30_000);

  it("fails to log in with a wrong token without printing it or the secret", async () => {
    const { code, output } = await start({
      DISCORD_TOKEN: `wrong-${MARKER}`,
      DISCORD_API_BASE: discord.restBase,
      NUMERAI_API_URL: "http://127.0.0.1:9",
      NUMERAI_PUBLIC_ID: "pub",
      NUMERAI_SECRET_KEY: `sec-${MARKER}`,
    });
    expect(code).toBe(1);
    expect(output).toMatch(/Discord refused DISCORD_TOKEN \(TokenInvalid\)/);
    // One clear line, not a stack trace.
    expect(output).not.toMatch(/^\s+at /m);
    expect(output).not.toContain(MARKER);
  }, 30_000);
});
