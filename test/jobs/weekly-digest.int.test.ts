import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { ChannelType, REST } from "discord.js";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Store } from "../../src/db/open.js";
import { createDigestRepository, type DigestRepository } from "../../src/db/repositories/digests.js";
import { createDiscordDelivery, digestNonce, digestThreadTitle } from "../../src/discord/delivery.js";
import { runDigestDispatch, type DigestDispatchContext, type ShardInfo } from "../../src/jobs/weekly-digest.js";
import { silentLogger } from "../../src/logger.js";
import { createDiscourseSink, type DiscourseSink } from "../../src/services/discourse.js";
import { fakeClientOptions, startFakeDiscord, type FakeDiscord } from "../helpers/fake-discord/index.js";
import {
  ALICE,
  BOB,
  CAROL,
  DAVE,
  FORUM_1,
  GUILD_0,
  GUILD_1,
  MONDAY,
  TEXT_0,
  TEXT_0B,
  TEXT_1,
  TOURNAMENT,
  days,
  fakeDiscordWorld,
  makeDigestWorld,
  minutes,
  secondConnection,
  type DigestWorld,
} from "./digest-fixtures.js";

let fake: FakeDiscord;
let world: DigestWorld;
const extraStores: Store[] = [];
const rests: REST[] = [];

beforeEach(async () => {
  fake = await startFakeDiscord(fakeDiscordWorld());
  world = makeDigestWorld();
});

afterEach(async () => {
  for (const r of rests.splice(0)) r.clearHashSweeper();
  for (const s of extraStores.splice(0)) s.close();
  await world.close();
  await fake.close();
});

/** A real discord.js REST client pointed at the fake, as `client.rest` would be. */
function rest(): REST {
  const r = new REST({ ...fakeClientOptions(fake).rest }).setToken(fake.token);
  rests.push(r);
  return r;
}

function context(overrides: Partial<DigestDispatchContext> = {}, store: Store = world.store): DigestDispatchContext {
  return {
    logger: silentLogger,
    store,
    config: { numeraiTournament: TOURNAMENT },
    services: world.services,
    discord: createDiscordDelivery(rest(), { botUserId: fake.botUserId, token: fake.token }),
    discourse: null,
    settings: { retryBaseMs: 5 },
    ...overrides,
  };
}

function repo(store: Store = world.store): DigestRepository {
  return createDigestRepository(store, TOURNAMENT);
}

/** Subscribes before the week's time (a subscription made after it waits for the next one). */
function subscribeAll(at = minutes(MONDAY, -180)) {
  const r = repo();
  const dm = r.subscribe({ kind: "dm", discordUserId: ALICE, guildId: null, channelId: null, weekday: 1, hour: 13, timezone: "UTC" }, at).subscription;
  const channel = r.subscribe({ kind: "channel", discordUserId: ALICE, guildId: GUILD_0, channelId: TEXT_0, weekday: 1, hour: 13, timezone: "UTC" }, at).subscription;
  const forum = r.subscribe({ kind: "forum", discordUserId: CAROL, guildId: GUILD_1, channelId: FORUM_1, weekday: 1, hour: 13, timezone: "UTC" }, at).subscription;
  // Members of both servers opt in to the server digests.
  for (const g of [GUILD_0, GUILD_1]) for (const u of [ALICE, CAROL]) world.services.repos.settings.setServerOptIn(g, u, true);
  return { dm, channel, forum };
}

const posts = () => fake.callsTo("POST /channels/:channelId/messages").filter((c) => c.status === 200);
const threadsIn = (forumId: string) => [...fake.store.channels.values()].filter((c) => c.parentId === forumId);
const visible = (channelId: string) => (fake.messages.get(channelId) ?? []).filter((m) => !m.deleted);

describe("runDigestDispatch", () => {
  it("posts exactly one message per subscription for a week: to the DM, the channel and a new forum thread", async () => {
    const { dm, channel, forum } = subscribeAll();
    const early = await runDigestDispatch(context(), minutes(MONDAY, -5));
    expect(early.due).toBe(0);

    const first = await runDigestDispatch(context(), MONDAY);
    expect(first).toMatchObject({ due: 3, sent: 3, failed: 0, disabled: 0, retrying: 0 });
    const again = await runDigestDispatch(context(), minutes(MONDAY, 5));
    expect(again).toMatchObject({ due: 0, sent: 0 });

    const dmChannel = fake.dmChannelFor(ALICE);
    expect(visible(dmChannel)).toHaveLength(1);
    expect(visible(TEXT_0)).toHaveLength(1);
    const threads = threadsIn(FORUM_1);
    expect(threads.map((t) => t.name)).toEqual(["Diversification digest — week of 2026-06-01"]);
    expect(visible(threads[0]!.id)).toHaveLength(1);

    // Each message carries its ledger key as nonce (enforced) and in the footer; the chart is attached.
    const dmPost = posts().find((c) => c.path === `/channels/${dmChannel}/messages`)!;
    const nonce = digestNonce(dm.id, "2026-06-01");
    expect(nonce.length).toBeLessThanOrEqual(25);
    expect(dmPost.json).toMatchObject({ nonce, enforce_nonce: true, allowed_mentions: { parse: [] } });
    const dmMessage = visible(dmChannel)[0]!;
    expect(dmMessage.data.embeds[0]!.title).toBe("Weekly diversification digest — week of 2026-06-01");
    expect(dmMessage.data.embeds[0]!.footer!.text).toContain(`ref ${nonce}`);
    expect(dmMessage.uploads[0]!.bytes.subarray(1, 4).toString("latin1")).toBe("PNG");
    const serverMessage = visible(TEXT_0)[0]!;
    expect(serverMessage.data.embeds[0]!.title).toBe("Server diversification digest — week of 2026-06-01");
    expect(serverMessage.data.embeds[0]!.description).toContain(`<@${ALICE}>`);

    // The ledger holds where each went.
    const r = repo();
    expect(r.getDelivery(dm.id, "2026-06-01")).toMatchObject({ status: "sent", channelId: dmChannel, messageId: dmMessage.id, attempts: 1 });
    expect(r.getDelivery(channel.id, "2026-06-01")).toMatchObject({ status: "sent", channelId: TEXT_0, messageId: serverMessage.id });
    expect(r.getDelivery(forum.id, "2026-06-01")).toMatchObject({ status: "sent", threadId: threads[0]!.id, messageId: threads[0]!.id });
    expect(fake.unhandled).toEqual([]);
  });

  it("posts nothing for a new subscription until its first scheduled time", async () => {
    const r = repo();
    // Subscribed two minutes after this Monday's 13:00: the first digest is next Monday's.
    r.subscribe({ kind: "dm", discordUserId: ALICE, guildId: null, channelId: null, weekday: 1, hour: 13, timezone: "UTC" }, minutes(MONDAY, 2));
    expect((await runDigestDispatch(context(), minutes(MONDAY, 5))).due).toBe(0);
    expect((await runDigestDispatch(context(), days(MONDAY, 3))).due).toBe(0);
    expect(posts()).toHaveLength(0);
    expect(await runDigestDispatch(context(), days(MONDAY, 7))).toMatchObject({ sent: 1 });
  });

  it("honours the subscriber's timezone and day: Friday 09:00 in Tokyo is Friday 00:00 UTC", async () => {
    const r = repo();
    const sub = r.subscribe({ kind: "dm", discordUserId: ALICE, guildId: null, channelId: null, weekday: 5, hour: 9, timezone: "Asia/Tokyo" }, MONDAY).subscription;
    const friday = new Date(Date.UTC(2026, 5, 5, 0));
    expect((await runDigestDispatch(context(), minutes(friday, -1))).due).toBe(0);
    expect(await runDigestDispatch(context(), friday)).toMatchObject({ sent: 1 });
    expect(r.getDelivery(sub.id, "2026-06-05")?.status).toBe("sent");
  });

  it("retries injected 500s and 429s on the post and posts once", async () => {
    subscribeAll();
    const dmChannel = fake.dmChannelFor(ALICE);
    fake.fault(`POST /channels/${dmChannel}/messages`, { kind: "rate-limit", retryAfterSeconds: 0.05 });
    // Five 500s: more than discord.js's own 3 retries, so the dispatcher's backoff retry is needed too.
    fake.fault(`POST /channels/${TEXT_0}/messages`, { kind: "server-error" }, { times: 5 });
    fake.fault(`POST /channels/${FORUM_1}/threads`, { kind: "server-error", status: 502 });
    const summary = await runDigestDispatch(context(), MONDAY);
    expect(summary).toMatchObject({ sent: 3, retrying: 0, failed: 0 });
    expect(fake.callsTo(`POST /channels/${dmChannel}/messages`).map((c) => c.status)).toEqual([429, 200]);
    expect(fake.callsTo(`POST /channels/${TEXT_0}/messages`).map((c) => c.status)).toEqual([500, 500, 500, 500, 500, 200]);
    expect(visible(dmChannel)).toHaveLength(1);
    expect(visible(TEXT_0)).toHaveLength(1);
    expect(threadsIn(FORUM_1)).toHaveLength(1);
  });

  it("posts once when the answer to a post is lost after Discord made it (nonce)", async () => {
    subscribeAll();
    fake.fault(`POST /channels/${TEXT_0}/messages`, { kind: "connection-reset", afterHandling: true });
    const summary = await runDigestDispatch(context(), MONDAY);
    expect(summary.sent).toBe(3);
    expect(fake.callsTo(`POST /channels/${TEXT_0}/messages`).map((c) => c.status)).toEqual([-1, 200]);
    expect(visible(TEXT_0)).toHaveLength(1);
  });

  it("opens one forum thread when Discord creates it and then answers 500 (no blind retry of the creation)", async () => {
    const { forum } = subscribeAll();
    // Every creation is applied and answered 500: a retry of the POST, by discord.js or by us, would make a second thread.
    fake.fault(`POST /channels/${FORUM_1}/threads`, { kind: "server-error", afterHandling: true }, { times: 5 });
    const summary = await runDigestDispatch(context(), MONDAY);
    expect(summary).toMatchObject({ sent: 3, failed: 0, retrying: 0 });
    expect(fake.callsTo(`POST /channels/${FORUM_1}/threads`).map((c) => c.status)).toEqual([500]);
    const threads = threadsIn(FORUM_1);
    expect(threads).toHaveLength(1);
    expect(repo().getDelivery(forum.id, "2026-06-01")).toMatchObject({ status: "sent", threadId: threads[0]!.id });
    expect((await runDigestDispatch(context(), minutes(MONDAY, 5))).due).toBe(0);
    expect(threadsIn(FORUM_1)).toHaveLength(1);
  });

  it("posts once when the process dies between the post and the ledger write, then restarts", async () => {
    // Discord forgets nonces after a few minutes; a restart later than that must not rely on them.
    await fake.close();
    fake = await startFakeDiscord(fakeDiscordWorld({ nonceWindowMs: 0 }));
    const { dm, channel, forum } = subscribeAll();
    const real = repo();
    // The "kill": every ledger write of `sent` throws after the post succeeded.
    const dying: DigestRepository = { ...real, markSent: () => { throw new Error("killed before the ledger write"); } };
    const crashed = await runDigestDispatch(context({ digests: dying }), MONDAY);
    expect(crashed).toMatchObject({ sent: 0, retrying: 3 });
    const dmChannel = fake.dmChannelFor(ALICE);
    expect(visible(dmChannel)).toHaveLength(1);
    expect(visible(TEXT_0)).toHaveLength(1);
    expect(threadsIn(FORUM_1)).toHaveLength(1);
    for (const s of [dm, channel, forum]) expect(real.getDelivery(s.id, "2026-06-01")).toMatchObject({ status: "planned", attempts: 1 });

    // Restart (a new connection, past Discord's nonce window): reconcile finds each post by its footer reference.
    const restarted = secondConnection(world);
    extraStores.push(restarted);
    const postsBefore = posts().length;
    const recovered = await runDigestDispatch(context({}, restarted), minutes(MONDAY, 30));
    expect(recovered).toMatchObject({ due: 3, reconciled: 3, sent: 0 });
    expect(posts().length).toBe(postsBefore);
    expect(fake.callsTo(`POST /channels/${FORUM_1}/threads`)).toHaveLength(1);
    expect(visible(dmChannel)).toHaveLength(1);
    expect(visible(TEXT_0)).toHaveLength(1);
    expect(threadsIn(FORUM_1)).toHaveLength(1);
    expect(real.getDelivery(dm.id, "2026-06-01")).toMatchObject({ status: "sent", messageId: visible(dmChannel)[0]!.id, attempts: 2 });
    expect(real.getDelivery(forum.id, "2026-06-01")).toMatchObject({ status: "sent", threadId: threadsIn(FORUM_1)[0]!.id });
    expect((await runDigestDispatch(context(), minutes(MONDAY, 35))).due).toBe(0);
  });

  it("does not open a second forum thread while it cannot tell whether the first exists", async () => {
    const { forum } = subscribeAll();
    const real = repo();
    const dying: DigestRepository = { ...real, markSent: () => { throw new Error("killed"); } };
    await runDigestDispatch(context({ digests: dying }), MONDAY);
    // Someone else posts in the forum afterwards, so last_message_id points elsewhere.
    fake.addChannel({ id: "1200000000000000099", type: ChannelType.PublicThread, guildId: GUILD_1, name: "Someone's post", parentId: FORUM_1 });
    fake.store.channels.get(FORUM_1)!.lastMessageId = "1200000000000000099";
    const delivery = createDiscordDelivery(rest(), { botUserId: fake.botUserId, token: fake.token });
    // Listing the active threads fails (beyond discord.js's retries), so the lookup cannot tell:
    // it must refuse rather than risk a second thread.
    fake.fault(`GET /guilds/${GUILD_1}/threads/active`, { kind: "server-error" }, { times: 100 });
    await expect(delivery.findThread(GUILD_1, FORUM_1, digestThreadTitle("2026-06-01"))).rejects.toThrow(/could not check/);
    const summary = await runDigestDispatch(context(), minutes(MONDAY, 30));
    expect(summary.retrying).toBe(1);
    expect(threadsIn(FORUM_1).filter((t) => t.name.startsWith("Diversification"))).toHaveLength(1);
    expect(real.getDelivery(forum.id, "2026-06-01")?.status).toBe("planned");
  });

  it("disables subscriptions Discord refuses (closed DMs 50007, unknown channel 404, missing permissions 403) and tells channel subscribers once", async () => {
    const r = repo();
    const at = minutes(MONDAY, -180);
    const good = r.subscribe({ kind: "dm", discordUserId: ALICE, guildId: null, channelId: null, weekday: 1, hour: 13, timezone: "UTC" }, at).subscription;
    const closedDms = r.subscribe({ kind: "dm", discordUserId: BOB, guildId: null, channelId: null, weekday: 1, hour: 13, timezone: "UTC" }, at).subscription;
    const gone = r.subscribe({ kind: "channel", discordUserId: CAROL, guildId: GUILD_0, channelId: TEXT_0, weekday: 1, hour: 13, timezone: "UTC" }, at).subscription;
    const forbidden = r.subscribe({ kind: "channel", discordUserId: CAROL, guildId: GUILD_0, channelId: TEXT_0B, weekday: 1, hour: 13, timezone: "UTC" }, at).subscription;
    world.services.repos.settings.setServerOptIn(GUILD_0, CAROL, true);
    fake.fault(`POST /channels/${TEXT_0}/messages`, { kind: "unknown-channel" });
    fake.fault(`POST /channels/${TEXT_0B}/messages`, { kind: "missing-permissions" });

    const summary = await runDigestDispatch(context(), MONDAY);
    expect(summary).toMatchObject({ sent: 1, disabled: 3 });
    expect(r.get(good.id)?.status).toBe("active");
    expect(r.get(closedDms.id)).toMatchObject({ status: "disabled", disabledReason: expect.stringContaining("direct messages are closed") });
    expect(r.get(gone.id)).toMatchObject({ status: "disabled", disabledReason: "the channel no longer exists" });
    expect(r.get(forbidden.id)).toMatchObject({ status: "disabled", disabledReason: expect.stringContaining("Missing Permissions") });
    expect(r.getDelivery(gone.id, "2026-06-01")).toMatchObject({ status: "failed", detail: "the channel no longer exists" });

    // Carol hears about each of her two channels once; Bob cannot be told (his DMs are closed).
    const carolDms = visible(fake.dmChannelFor(CAROL));
    expect(carolDms.map((m) => m.data.content)).toEqual([
      expect.stringContaining(`<#${TEXT_0}> has been turned off: the channel no longer exists`),
      expect.stringContaining(`<#${TEXT_0B}> has been turned off`),
    ]);
    expect(visible(fake.dmChannelFor(ALICE))).toHaveLength(1);

    // Later runs leave disabled subscriptions alone and say nothing more.
    const next = await runDigestDispatch(context(), days(MONDAY, 7));
    expect(next).toMatchObject({ sent: 1, disabled: 0 });
    expect(visible(fake.dmChannelFor(CAROL))).toHaveLength(2);
  });

  it("delivers a week missed during downtime once on start, and records older or too-late weeks as skipped", async () => {
    const r = repo();
    const sub = r.subscribe({ kind: "dm", discordUserId: ALICE, guildId: null, channelId: null, weekday: 1, hour: 13, timezone: "UTC" }, days(MONDAY, -15)).subscription;
    // Running normally two weeks ago.
    expect(await runDigestDispatch(context(), days(MONDAY, -14))).toMatchObject({ sent: 1 });
    // Down from then until Tuesday morning: last week's and this week's times were missed.
    const start = minutes(days(MONDAY, 1), -240);
    const catchUp = await runDigestDispatch(context(), start);
    expect(catchUp).toMatchObject({ sent: 1, skipped: 1 });
    expect(await runDigestDispatch(context(), minutes(start, 5))).toMatchObject({ due: 0, sent: 0 });
    expect(r.deliveries(sub.id).map((d) => [d.week, d.status])).toEqual([
      ["2026-05-18", "sent"],
      ["2026-05-25", "skipped"],
      ["2026-06-01", "sent"],
    ]);
    expect(visible(fake.dmChannelFor(ALICE))).toHaveLength(2);
    expect(visible(fake.dmChannelFor(ALICE))[1]!.data.embeds[0]!.title).toContain("week of 2026-06-01");

    // Down for five days past the next time: too late to send (limit 3 days), recorded as skipped.
    const late = await runDigestDispatch(context(), days(MONDAY, 12));
    expect(late).toMatchObject({ sent: 0, skipped: 1 });
    expect(r.getDelivery(sub.id, "2026-06-08")).toMatchObject({ status: "skipped", detail: expect.stringContaining("3 days") });
    expect(visible(fake.dmChannelFor(ALICE))).toHaveLength(2);
  });

  it("posts each digest once in total when two shards dispatch at the same time", async () => {
    subscribeAll();
    world.services.repos.settings.setServerOptIn(GUILD_1, CAROL, true);
    repo().subscribe({ kind: "channel", discordUserId: CAROL, guildId: GUILD_1, channelId: TEXT_1, weekday: 1, hour: 13, timezone: "UTC" }, minutes(MONDAY, -180));
    const other = secondConnection(world);
    extraStores.push(other);
    const shard = (id: number): ShardInfo => ({ ids: [id], count: 2 });
    const [zero, one] = await Promise.all([
      runDigestDispatch(context({ shard: shard(0) }), MONDAY),
      runDigestDispatch(context({ shard: shard(1) }, other), MONDAY),
    ]);
    // Shard 0: the DM and guild 0's channel; shard 1: guild 1's forum and channel.
    expect([zero.sent, one.sent]).toEqual([2, 2]);
    expect(visible(fake.dmChannelFor(ALICE))).toHaveLength(1);
    expect(visible(TEXT_0)).toHaveLength(1);
    expect(visible(TEXT_1)).toHaveLength(1);
    expect(threadsIn(FORUM_1)).toHaveLength(1);
    const again = await Promise.all([runDigestDispatch(context({ shard: shard(0) }), minutes(MONDAY, 5)), runDigestDispatch(context({ shard: shard(1) }, other), minutes(MONDAY, 5))]);
    expect(again.map((s) => s.sent)).toEqual([0, 0]);
    // A single-shard process would have taken all four.
    expect(posts().length + fake.callsTo(`POST /channels/${FORUM_1}/threads`).length).toBe(4);
  });

  it("keeps delivering to others when one subscriber fails, and skips users with no models", async () => {
    const r = repo();
    const at = minutes(MONDAY, -180);
    for (const u of [ALICE, CAROL, DAVE]) r.subscribe({ kind: "dm", discordUserId: u, guildId: null, channelId: null, weekday: 1, hour: 13, timezone: "UTC" }, at);
    fake.fault(`POST /channels/${fake.dmChannelFor(ALICE)}/messages`, { kind: "server-error" }, { times: 100 });
    const summary = await runDigestDispatch(context({ settings: { retries: 1, retryBaseMs: 1 } }), MONDAY);
    expect(summary).toMatchObject({ sent: 1, retrying: 1, skipped: 1 });
    expect(visible(fake.dmChannelFor(CAROL))).toHaveLength(1);
    const dave = r.findByTarget(`dm:${DAVE}`)!;
    expect(r.getDelivery(dave.id, "2026-06-01")).toMatchObject({ status: "skipped", detail: "no models registered" });
  });

  it("copies a server digest to Discourse once, looked up by external id", async () => {
    const topics = new Map<string, number>();
    const requests: string[] = [];
    const server: Server = createServer((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString()));
      req.on("end", () => {
        requests.push(`${req.method} ${req.url} ${String(req.headers["api-key"])}`);
        const lookup = /^\/t\/external_id\/(.+)\.json$/.exec(req.url ?? "");
        if (req.method === "GET" && lookup) {
          const id = topics.get(decodeURIComponent(lookup[1]!));
          res.writeHead(id ? 301 : 404, id ? { location: `/t/some-slug/${id}.json` } : {}).end();
          return;
        }
        if (req.method === "POST" && req.url === "/posts.json") {
          const json = JSON.parse(body) as { external_id: string; title: string; category: number };
          topics.set(json.external_id, 40 + topics.size);
          res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ id: 1, topic_id: topics.get(json.external_id) }));
          return;
        }
        res.writeHead(404).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const sink: DiscourseSink = createDiscourseSink({ url, apiKey: "k", username: "system", category: 7, timeoutMs: 2000 });
      const { channel } = subscribeAll();
      await runDigestDispatch(context({ discourse: sink }), MONDAY);
      // Two server digests (channel and forum): two topics, no more.
      expect(topics.size).toBe(2);
      expect(repo().getDelivery(channel.id, "2026-06-01")?.discourseTopicId).toBeGreaterThanOrEqual(40);
      // Publishing the same digest again finds the first topic.
      const again = await sink.publish({ externalId: `modelfolio-${digestNonce(channel.id, "2026-06-01")}`, title: "x", raw: "y" });
      expect(again.created).toBe(false);
      expect(topics.size).toBe(2);
      expect(requests.every((q) => q.endsWith(" k"))).toBe(true);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
