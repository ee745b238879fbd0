/**
 * Issue 6, Faults: the stand-in Discord answers 500s and 429s (and loses one answer) on the
 * message and thread routes and drops the bot's gateway connection twice while a digest run is
 * posting through the logged-in client's REST client, as in production (src/index.ts).
 * Every digest must arrive exactly once, the gateway must come back, and commands keep working.
 */
import { Writable } from "node:stream";
import { Events, type Client } from "discord.js";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { commands } from "../../commands/index.js";
import { loadConfig } from "../../src/config/env.js";
import { createAppContext, type AppContext } from "../../src/context.js";
import { createDigestRepository, type Subscription } from "../../src/db/repositories/digests.js";
import { startBot, type Bot } from "../../src/discord/bot.js";
import { createDiscordDelivery, digestNonce, digestThreadTitle } from "../../src/discord/delivery.js";
import { footerRef } from "../../src/discord/render/digest.js";
import { runDigestDispatch, type DispatchSummary } from "../../src/jobs/weekly-digest.js";
import { createLogger } from "../../src/logger.js";
import { fakeClientOptions, startFakeDiscord, type FakeDiscord, type InteractionHandle } from "../helpers/fake-discord/index.js";
import { ALICE, CAROL, FORUM_1, GUILD_0, GUILD_1, MONDAY, TEXT_0, TEXT_1, TOURNAMENT, fakeDiscordWorld, makeDigestWorld, minutes, type DigestWorld } from "./digest-fixtures.js";

const WEEK = "2026-06-01";
const MESSAGE_ROUTE = "POST /channels/:channelId/messages";
const THREAD_ROUTE = "POST /channels/:channelId/threads";

let fake: FakeDiscord;
let world: DigestWorld;
let ctx: AppContext;
let bot: Bot;
const logs: Array<Record<string, unknown>> = [];

beforeEach(async () => {
  fake = await startFakeDiscord(fakeDiscordWorld());
  world = makeDigestWorld();
  // The bot opens the digest world's database file itself, as the real process would.
  const config = loadConfig(
    {
      DATABASE_PATH: world.store.path,
      NUMERAI_API_URL: "http://127.0.0.1:9",
      NUMERAI_TOURNAMENT: String(TOURNAMENT),
      DISCORD_TOKEN: fake.token,
      DISCORD_API_BASE: fake.restBase,
      LOG_LEVEL: "info",
    },
    { createDirs: false },
  );
  logs.length = 0;
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString("utf8").split("\n").filter(Boolean)) logs.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  ctx = createAppContext(config, createLogger("info", sink));
  bot = await startBot(ctx, commands, { clientOptions: fakeClientOptions(fake) });
});

afterEach(async () => {
  await bot?.stop();
  await ctx?.close();
  await fake?.close();
  await world?.close();
});

/** Resolves on the client's next `event` (ShardResume / ShardReady), or fails after `ms`. */
function nextShardEvent(client: Client, event: Events.ShardResume | Events.ShardReady, ms = 5_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event} within ${ms} ms`)), ms);
    client.once(event, () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** The text of an interaction's final reply: the callback itself (answered within ANSWER_WITHIN_MS), or the first edit of a deferred one. */
async function finalReply(handle: InteractionHandle): Promise<string> {
  const callback = await handle.awaitResponse(5_000);
  if ((callback.call.json as { type?: number } | undefined)?.type !== 4) await handle.awaitEdit(1, 5_000);
  const m = handle.original?.data;
  return [m?.content ?? "", ...(m?.embeds ?? []).map((e) => JSON.stringify(e))].join("\n");
}

/** Every stored, undeleted message in every channel whose embed footer carries `ref`. */
function messagesCarrying(ref: string) {
  const marker = footerRef(ref);
  return [...fake.messages.values()].flat().filter((m) => !m.deleted && m.data.embeds.some((e) => (e.footer?.text ?? "").split(" · ").includes(marker)));
}

const digestPosts = () => fake.callsTo(MESSAGE_ROUTE).length + fake.callsTo(THREAD_ROUTE).length;

describe("runDigestDispatch", () => {
  it("delivers every digest exactly once through 500s, 429s and two gateway drops, and the bot keeps answering commands", async () => {
    const repo = createDigestRepository(ctx.store, TOURNAMENT);
    const before = minutes(MONDAY, -180);
    const weekly = { weekday: 1, hour: 13, timezone: "UTC" } as const;
    const subs: Subscription[] = [
      repo.subscribe({ kind: "dm", discordUserId: ALICE, guildId: null, channelId: null, ...weekly }, before).subscription,
      repo.subscribe({ kind: "dm", discordUserId: CAROL, guildId: null, channelId: null, ...weekly }, before).subscription,
      repo.subscribe({ kind: "channel", discordUserId: ALICE, guildId: GUILD_0, channelId: TEXT_0, ...weekly }, before).subscription,
      repo.subscribe({ kind: "channel", discordUserId: CAROL, guildId: GUILD_1, channelId: TEXT_1, ...weekly }, before).subscription,
      repo.subscribe({ kind: "forum", discordUserId: CAROL, guildId: GUILD_1, channelId: FORUM_1, ...weekly }, before).subscription,
    ];
    for (const g of [GUILD_0, GUILD_1]) for (const u of [ALICE, CAROL]) ctx.services.repos.settings.setServerOptIn(g, u, true);
    const forumSub = subs[4]!;

    const aliceDm = fake.dmChannelFor(ALICE);
    const carolDm = fake.dmChannelFor(CAROL);
    // Bucket 429s that discord.js waits out; 500s within and beyond its own 3 retries (then the
    // dispatcher's backoff retry); an answer lost after Discord made the message (the nonce's case).
    fake.fault(`POST /channels/${aliceDm}/messages`, { kind: "rate-limit", retryAfterSeconds: 0.2 }, { times: 2 });
    fake.fault(`POST /channels/${carolDm}/messages`, { kind: "server-error" }, { times: 5 });
    fake.fault(`POST /channels/${TEXT_0}/messages`, { kind: "rate-limit", retryAfterSeconds: 0.1 });
    fake.fault(`POST /channels/${TEXT_0}/messages`, { kind: "server-error", status: 502 }, { times: 2 });
    fake.fault(`POST /channels/${TEXT_1}/messages`, { kind: "server-error", status: 503 });
    fake.fault(`POST /channels/${TEXT_1}/messages`, { kind: "connection-reset", afterHandling: true });
    fake.fault(`POST /channels/${FORUM_1}/threads`, { kind: "rate-limit", retryAfterSeconds: 0.1 });
    // Forum: Discord makes the thread and answers 500; creation is never retried blindly
    // (neither by discord.js nor by the dispatcher): the thread is found by title instead.
    fake.fault(`POST /channels/${FORUM_1}/threads`, { kind: "server-error", afterHandling: true });
    fake.fault(`POST /channels/${FORUM_1}/threads`, { kind: "connection-reset", afterHandling: true });
    fake.fault(`GET /channels/${FORUM_1}`, { kind: "server-error", status: 502 });
    // Holds the forum's first post (under discord.js's 5 s request timeout) long enough that both
    // gateway drops and reconnects (~0.6 s each) land inside the run; asserted below, not assumed.
    fake.delay(`POST /channels/${FORUM_1}/threads`, 3_000, { times: 1 });

    const resumed = { count: 0 };
    const readies = { count: 0 };
    bot.client.on(Events.ShardResume, () => resumed.count++);
    bot.client.on(Events.ShardReady, () => readies.count++);

    const context = {
      ...ctx,
      discord: createDiscordDelivery(bot.client.rest, { botUserId: bot.client.user?.id ?? null, token: bot.client.token }),
      discourse: null,
      settings: { retryBaseMs: 100 },
    };
    let summary: DispatchSummary | undefined;
    const run = runDigestDispatch(context, MONDAY).then((s) => (summary = s));

    // Drop 1, resumable (close 4000), right after the first digest lands; a command sent while
    // the bot is offline is buffered by Discord and replayed on RESUME.
    await fake.waitForCall((c) => c.route === MESSAGE_ROUTE && c.status === 200);
    expect(summary, "the run must still be going when the gateway drops").toBeUndefined();
    const resumedNow = nextShardEvent(bot.client, Events.ShardResume);
    expect(fake.dropConnection()).toBe(1);
    const duringOutage = fake.sendInteraction(fake.chatInput({ name: "help", guildId: GUILD_0, user: ALICE }));
    await resumedNow;
    expect(await finalReply(duringOutage)).toMatch(/\/models list/);

    // Drop 2: the socket dies without a close frame and the session cannot be resumed, so the
    // client must identify again.
    expect(summary, "the run must still be going when the gateway drops again").toBeUndefined();
    const readyAgain = nextShardEvent(bot.client, Events.ShardReady);
    expect(fake.dropConnection({ terminate: true, resumable: false })).toBe(1);
    await readyAgain;
    const list = fake.sendInteraction(fake.chatInput({ name: "models", subcommand: "list", guildId: GUILD_1, user: ALICE }));
    expect(await finalReply(list)).toMatch(/alice\\?_a/);

    await run;
    expect(summary).toMatchObject({ due: 5, sent: 5, reconciled: 0, failed: 0, disabled: 0, retrying: 0, busy: 0 });

    // Exactly one message per subscription, found by the reference in its footer, and the
    // ledger points at that message.
    for (const sub of subs) {
      const found = messagesCarrying(digestNonce(sub.id, WEEK));
      expect(found, `subscription ${sub.id} (${sub.kind})`).toHaveLength(1);
      expect(repo.getDelivery(sub.id, WEEK)).toMatchObject({ status: "sent", messageId: found[0]!.id });
    }
    const threads = [...fake.store.channels.values()].filter((c) => c.parentId === FORUM_1);
    expect(threads.map((t) => t.name)).toEqual([digestThreadTitle(WEEK)]);
    expect(repo.getDelivery(forumSub.id, WEEK)).toMatchObject({ threadId: threads[0]!.id });
    // The faults did happen.
    expect(fake.callsTo(`POST /channels/${carolDm}/messages`).map((c) => c.status)).toEqual([500, 500, 500, 500, 500, 200]);
    expect(fake.callsTo(`POST /channels/${TEXT_1}/messages`).map((c) => c.status)).toEqual([503, -1, 200]);
    expect(fake.callsTo(`POST /channels/${FORUM_1}/threads`).map((c) => c.status)).toEqual([429, 500]);

    // A second run finds nothing to do and posts nothing.
    const postsBefore = digestPosts();
    expect(await runDigestDispatch(context, minutes(MONDAY, 5))).toMatchObject({ due: 0, sent: 0 });
    expect(digestPosts()).toBe(postsBefore);

    // The gateway came back both ways: one accepted RESUME, one refused then a fresh IDENTIFY.
    expect(resumed.count).toBe(1);
    expect(readies.count).toBe(1);
    expect(fake.gateway.resumes.map((r) => r.accepted)).toEqual([true, false]);
    expect(fake.gateway.identifies).toHaveLength(2);
    expect(logs.some((l) => l.msg === "gateway resumed")).toBe(true);

    // And a command after the run is still answered.
    const after = fake.sendInteraction(fake.chatInput({ name: "help", guildId: GUILD_1, user: CAROL }));
    expect(await finalReply(after)).toMatch(/\/models list/);
    expect(fake.unhandled).toEqual([]);
  }, 20_000);
});
