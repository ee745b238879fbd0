import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { ChannelType, REST, Routes } from "discord.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { classifyDeliveryError, createDiscordDelivery, DELIVERY_FAILURE_CODES, digestNonce, digestThreadTitle, ReconcileError, restMessage, snowflakeAt } from "../../src/discord/delivery.js";
import { footerRef } from "../../src/discord/render/digest.js";
import { LIMITS } from "../../src/discord/render/payload.js";
import { fakeClientOptions, startFakeDiscord, type FakeDiscord } from "../helpers/fake-discord/index.js";

const GUILD = (1_000_000_000_000n << 22n).toString();
const TEXT = "1200000000000000001";
const FORUM = "1200000000000000003";
const USER = "1400000000000000001";
const CLOSED = "1400000000000000002";

let fake: FakeDiscord;
const rests: REST[] = [];

beforeAll(async () => {
  fake = await startFakeDiscord({
    users: [{ id: USER }, { id: CLOSED, acceptsDms: false }],
    guilds: [{ id: GUILD }],
    channels: [
      { id: TEXT, type: ChannelType.GuildText, guildId: GUILD },
      { id: FORUM, type: ChannelType.GuildForum, guildId: GUILD, availableTags: [{ id: "1300000000000000001", name: "Digest" }] },
    ],
  });
});

afterAll(async () => {
  for (const r of rests) r.clearHashSweeper();
  await fake.close();
});

function rest(api = fake.restBase): REST {
  const r = new REST({ ...fakeClientOptions(fake).rest, api }).setToken(fake.token);
  rests.push(r);
  return r;
}

const embed = (ref: string) => ({ embeds: [{ title: "digest", footer: { text: `weights: equal · ${footerRef(ref)}` } }] });

describe("classifyDeliveryError", () => {
  async function errorFrom(fault: Parameters<FakeDiscord["fault"]>[1] | null, channel = TEXT): Promise<unknown> {
    // A 5xx is tried four times (discord.js retries it three times); anything else once.
    const rule = fault ? fake.fault(`POST /channels/${channel}/messages`, fault, { times: 4 }) : null;
    try {
      return await createDiscordDelivery(rest()).postMessage(channel, { content: "x" }, "n").then(
        () => null,
        (e: unknown) => e,
      );
    } finally {
      rule?.clear();
    }
  }

  it.each([
    [{ kind: "unknown-channel" } as const, "disable", "channel-gone", "the channel no longer exists", "10003"],
    [{ kind: "missing-access" } as const, "disable", "missing-access", "Missing Access", "50001"],
    [{ kind: "missing-permissions" } as const, "disable", "missing-permissions", "Missing Permissions", "50013"],
    [{ kind: "server-error", status: 503 } as const, "retry", "discord-unavailable", "503", "503"],
    [{ kind: "custom", status: 400, body: { code: 50035, message: "Invalid Form Body" } } as const, "fail", "rejected", "400", "Invalid Form Body"],
  ])("classifies %j (as discord.js raises it) as %s, code %s, with separate user and log texts", async (fault, action, failure, reason, internal) => {
    const f = classifyDeliveryError(await errorFrom(fault));
    expect(f.action).toBe(action);
    expect(f.failure).toBe(failure);
    expect(DELIVERY_FAILURE_CODES).toContain(f.failure);
    expect(f.reason).toContain(reason);
    expect(f.internal).toContain(internal);
  });

  it("never shows Discord's own error text to the subscriber", async () => {
    const f = classifyDeliveryError(await errorFrom({ kind: "custom", status: 400, body: { code: 50035, message: "Invalid Form Body" } }));
    expect(f.reason).not.toContain("Invalid Form Body");
  });

  it("disables on closed DMs (403, code 50007)", async () => {
    const delivery = createDiscordDelivery(rest());
    const dm = await delivery.openDm(CLOSED);
    const f = classifyDeliveryError(await errorFrom(null, dm));
    expect(f).toMatchObject({ action: "disable", failure: "dm-closed", status: 403, code: 50007 });
  });

  it("retries network failures and failed reconciliations, each with its code and the cause in the log text", () => {
    expect(classifyDeliveryError(new Error("other side closed"))).toMatchObject({ action: "retry", failure: "network", internal: "other side closed" });
    expect(classifyDeliveryError(new ReconcileError("could not check"))).toMatchObject({ action: "retry", failure: "reconcile-failed", internal: "could not check" });
  });
});

describe("restMessage", () => {
  it("never pings, declares each file as an attachment, and fits Discord's limits", () => {
    const { body, files } = restMessage({
      content: "x".repeat(3000),
      embeds: [{ title: "t", description: "d".repeat(5000) }],
      files: [{ name: "c.png", data: Buffer.from([1, 2]), description: "chart" }],
    });
    expect(body.allowed_mentions).toEqual({ parse: [] });
    expect(body.attachments).toEqual([{ id: 0, filename: "c.png", description: "chart" }]);
    expect((body.content as string).length).toBe(LIMITS.content);
    expect(files).toEqual([{ name: "c.png", data: Buffer.from([1, 2]), key: "files[0]", contentType: "image/png" }]);
  });
});

describe("snowflakeAt", () => {
  it("puts the milliseconds since Discord's epoch (2015-01-01) above 22 bits", () => {
    expect(snowflakeAt(Date.UTC(2015, 0, 1))).toBe("0");
    expect(snowflakeAt(Date.UTC(2015, 0, 1, 0, 0, 1))).toBe((1000n << 22n).toString());
  });
});

describe("createDiscordDelivery", () => {
  it("posts with nonce and enforce_nonce, so a repeat returns the first message", async () => {
    const delivery = createDiscordDelivery(rest());
    const first = await delivery.postMessage(TEXT, embed("dg1-20260601"), "dg1-20260601");
    const again = await delivery.postMessage(TEXT, embed("dg1-20260601"), "dg1-20260601");
    expect(again.messageId).toBe(first.messageId);
    expect(fake.callsTo(`POST /channels/${TEXT}/messages`).at(-1)!.json).toMatchObject({ nonce: "dg1-20260601", enforce_nonce: true });
  });

  it("finds its own earlier post by the footer reference, not someone else's or another week's", async () => {
    const delivery = createDiscordDelivery(rest());
    const since = new Date();
    const ours = await delivery.postMessage(TEXT, embed("dg2-20260601"), "other-nonce-1");
    await delivery.postMessage(TEXT, embed("dg2-20260608"), "other-nonce-2");
    await delivery.postMessage(TEXT, embed("dg20-20260601"), "other-nonce-3");
    expect(await delivery.findPosted(TEXT, "dg2-20260601", since)).toBe(ours.messageId);
    expect(await delivery.findPosted(TEXT, "dg3-20260601", since)).toBeNull();
    // The same message from another author is not ours.
    const stranger = createDiscordDelivery(rest(), { botUserId: "1" });
    expect(await stranger.findPosted(TEXT, "dg2-20260601", since)).toBeNull();
  });

  it("opens a forum post with the forum's digest tag and finds it again by title", async () => {
    const delivery = createDiscordDelivery(rest(), { token: fake.token });
    const title = "Diversification digest — week of 2026-06-01";
    const posted = await delivery.createForumPost(FORUM, title, embed("dg4-20260601"));
    expect(posted.threadId).toBe(posted.messageId);
    expect(fake.callsTo(`POST /channels/${FORUM}/threads`).at(-1)!.json).toMatchObject({ name: title, applied_tags: ["1300000000000000001"] });
    expect(await delivery.findThread(GUILD, FORUM, title)).toBe(posted.threadId);
  });
});

describe("findThread", () => {
  /** Discord's thread listings with threads of other owners, on a minimal stand-in. */
  let server: Server;
  let api = "";
  const me = "900";
  beforeAll(async () => {
    server = createServer((req, res) => {
      const send = (status: number, body: unknown) => res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
      const path = decodeURIComponent((req.url ?? "").split("?")[0] ?? "");
      if (path === "/api/v10/users/@me") return send(200, { id: me });
      if (path === `/api/v10/channels/${FORUM}`) return send(200, { id: FORUM, type: 15, last_message_id: "555" });
      if (path === "/api/v10/channels/555") return send(200, { id: "555", type: 11, parent_id: FORUM, name: "Someone else's post", owner_id: "1" });
      if (path === `/api/v10/guilds/${GUILD}/threads/active`) {
        return send(200, {
          threads: [
            { id: "444", type: 11, parent_id: FORUM, name: "Diversification digest — week of 2026-06-01", owner_id: "1" },
            { id: "333", type: 11, parent_id: FORUM, name: "Diversification digest — week of 2026-06-01", owner_id: me },
          ],
          members: [],
        });
      }
      if (path === `/api/v10/channels/${FORUM}/threads/archived/public`) {
        return send(200, { threads: [{ id: "222", type: 11, parent_id: FORUM, name: "Diversification digest — week of 2026-05-25", owner_id: me, thread_metadata: { archived: true } }], members: [], has_more: false });
      }
      return send(404, { message: "404: Not Found", code: 0 });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    api = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
    return () => new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it("looks through the guild's active threads when the forum's newest post is someone else's", async () => {
    const delivery = createDiscordDelivery(rest(api));
    expect(await delivery.findThread(GUILD, FORUM, "Diversification digest — week of 2026-06-01")).toBe("333");
    expect(await delivery.findThread(GUILD, FORUM, "Diversification digest — week of 2026-06-08")).toBeNull();
    // An archived post (a moderator closed it) is found in the forum's archived threads.
    expect(await delivery.findThread(GUILD, FORUM, "Diversification digest — week of 2026-05-25")).toBe("222");
    expect(Routes.guildActiveThreads(GUILD)).toBe(`/guilds/${GUILD}/threads/active`);
  });
});

describe("digestNonce", () => {
  it("fits Discord's 25-character nonce for any subscription id and is unique per week", () => {
    expect(digestNonce(Number.MAX_SAFE_INTEGER, "2026-06-01").length).toBeLessThanOrEqual(25);
    expect(digestNonce(1, "2026-06-01")).not.toBe(digestNonce(1, "2026-06-08"));
    expect(digestNonce(1, "2026-06-01")).not.toBe(digestNonce(36, "2026-06-01"));
    expect(digestThreadTitle("2026-11-16")).toBe("Diversification digest — week of 2026-11-16");
  });
});
