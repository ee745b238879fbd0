import { crc32, deflateSync } from "node:zlib";
import {
  AttachmentBuilder,
  ChannelType,
  Client,
  DiscordAPIError,
  Events,
  GatewayIntentBits,
  MessageFlags,
  type ClientOptions,
  type ForumChannel,
  type Interaction,
  type TextChannel,
} from "discord.js";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { fakeClientOptions, startFakeDiscord, type FakeDiscord } from "./index.js";
import { parseMultipart } from "./multipart.js";
import { shardForGuild } from "./snowflake.js";

// Guild ids chosen so that with 2 shards one lands on shard 0 and the other on shard 1
// ((id >> 22) % 2); asserted below rather than trusted.
const GUILD_EVEN = (1_000_000_000_000n << 22n).toString();
const GUILD_ODD = (1_000_000_000_001n << 22n).toString();
const TEXT_EVEN = "1200000000000000001";
const TEXT_ODD = "1200000000000000002";
const FORUM_EVEN = "1200000000000000003";
const TAG_DIGEST = "1300000000000000001";
const ALICE = "1400000000000000001";
const BOB_NO_DMS = "1400000000000000002";

/** A real 2×1 RGBA PNG (signature, IHDR, IDAT, IEND with valid CRCs). */
function tinyPng(): Buffer {
  const chunk = (type: string, data: Buffer): Buffer => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const typed = Buffer.concat([Buffer.from(type, "latin1"), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(typed));
    return Buffer.concat([length, typed, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(2, 0);
  header.writeUInt32BE(1, 4);
  header.set([8, 6, 0, 0, 0], 8);
  // Filter byte 0, then two pixels; the pixel bytes include CR LF "--" to stress the multipart cut.
  const row = Buffer.from([0, 0x0d, 0x0a, 0x2d, 0x2d, 0xff, 0x00, 0x80, 0xff]);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(row)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

let fake: FakeDiscord;
const clients: Client[] = [];

beforeAll(async () => {
  fake = await startFakeDiscord({
    users: [
      { id: ALICE, username: "alice" },
      { id: BOB_NO_DMS, username: "bob", acceptsDms: false },
    ],
    guilds: [
      { id: GUILD_EVEN, name: "Even guild" },
      { id: GUILD_ODD, name: "Odd guild" },
    ],
    channels: [
      { id: TEXT_EVEN, type: ChannelType.GuildText, guildId: GUILD_EVEN, name: "general" },
      { id: TEXT_ODD, type: ChannelType.GuildText, guildId: GUILD_ODD, name: "general" },
      { id: FORUM_EVEN, type: ChannelType.GuildForum, guildId: GUILD_EVEN, name: "digests", availableTags: [{ id: TAG_DIGEST, name: "digest" }] },
    ],
  });
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.destroy()));
  // Every route discord.js used in a test must be one the fake implements.
  expect(fake.unhandled).toEqual([]);
});

afterAll(async () => {
  await fake.close();
});

/** Logs a real discord.js client into the fake and waits for `clientReady`. */
async function login(extra: Partial<ClientOptions> = {}): Promise<Client<true>> {
  const client = new Client({ intents: [GatewayIntentBits.Guilds], ...fakeClientOptions(fake), ...extra });
  clients.push(client);
  const ready = new Promise<Client<true>>((resolve) => client.once(Events.ClientReady, resolve));
  await client.login(fake.token);
  return ready;
}

/** Runs `handler` on the client's next interaction and resolves with its result. */
function handleNext<T>(client: Client, handler: (interaction: Interaction) => Promise<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    client.once(Events.InteractionCreate, (interaction) => {
      handler(interaction).then(resolve, reject);
    });
  });
}

async function textChannel(client: Client, id: string): Promise<TextChannel> {
  const channel = await client.channels.fetch(id);
  if (channel?.type !== ChannelType.GuildText) throw new Error(`channel ${id} is not a guild text channel`);
  return channel;
}

describe("parseMultipart", () => {
  it("cuts parts only at CRLF--boundary, keeping CRLF and dashes inside binary data", () => {
    const boundary = "----b0undary";
    const data = Buffer.from([0x00, 0x0d, 0x0a, 0x2d, 0x2d, 0x62, 0xff, 0x0d, 0x0a]);
    const body = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="payload_json"\r\n\r\n{"a":1}\r\n`),
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="files[0]"; filename="a%22b.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`),
      data,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const parts = parseMultipart(body, boundary);
    expect(parts.map((p) => [p.name, p.filename, p.contentType])).toEqual([
      ["payload_json", undefined, undefined],
      ["files[0]", 'a"b.bin', "application/octet-stream"],
    ]);
    expect(parts[1]!.data.equals(data)).toBe(true);
  });
});

describe("startFakeDiscord", () => {
  it("lets a real discord.js client log in over gateway v10 JSON without compression", async () => {
    const started = performance.now();
    const client = await login();
    expect(performance.now() - started).toBeLessThan(3_000);
    expect(client.user.id).toBe(fake.botUserId);
    expect(client.application.id).toBe(fake.applicationId);
    expect(client.guilds.cache.map((g) => g.id).sort()).toEqual([GUILD_EVEN, GUILD_ODD].sort());
    const identify = fake.gateway.identifies.at(-1)!;
    expect(identify.shard).toEqual([0, 1]);
    expect(identify.intents).toBe(GatewayIntentBits.Guilds);
    expect(identify.compress).toBe(false);
    expect(fake.gateway.connections.at(-1)!.query).toEqual({ v: "10", encoding: "json" });
    expect(fake.callsTo("GET /gateway/bot").at(-1)!.headers.authorization).toBe(`Bot ${fake.token}`);
    expect(fake.unhandled).toEqual([]);
  });

  it("rejects a wrong token with 401 so login fails", async () => {
    const client = new Client({ intents: [GatewayIntentBits.Guilds], ...fakeClientOptions(fake) });
    clients.push(client);
    await expect(client.login("not-the-token")).rejects.toThrow(/token/i);
    expect(fake.callsTo("GET /gateway/bot").at(-1)!.status).toBe(401);
  });

  it("answers unknown routes with Discord's 404 body and lists them as unhandled", async () => {
    const client = await login();
    const before = fake.unhandled.length;
    await expect(client.rest.get(`/guilds/${GUILD_EVEN}/roles`)).rejects.toMatchObject({ status: 404, code: 0 });
    expect(fake.unhandled.slice(before).map((c) => `${c.method} ${c.path}`)).toEqual([`GET /guilds/${GUILD_EVEN}/roles`]);
    fake.unhandled.splice(before);
  });
});

describe("FakeDiscord interactions", () => {
  it("records an ephemeral deferReply and the PNG bytes of the editReply that follows", async () => {
    const client = await login();
    const png = tinyPng();
    const handled = handleNext(client, async (interaction) => {
      if (!interaction.isChatInputCommand()) throw new Error("expected a chat input command");
      await interaction.deferReply({ flags: MessageFlags.Ephemeral });
      await interaction.editReply({ content: "chart", files: [new AttachmentBuilder(png, { name: "chart.png" })] });
      return {
        sub: interaction.options.getSubcommand(),
        rounds: interaction.options.getInteger("rounds"),
        model: interaction.options.getString("model"),
        guild: interaction.guildId,
        canManage: interaction.memberPermissions?.has("ManageGuild"),
      };
    });
    const handle = fake.sendInteraction(
      fake.chatInput({ name: "correlation", subcommand: "matrix", options: { model: "alpha", rounds: 20 }, user: ALICE, guildId: GUILD_EVEN }),
    );
    const callback = await handle.awaitResponse();
    await expect(handled).resolves.toEqual({ sub: "matrix", rounds: 20, model: "alpha", guild: GUILD_EVEN, canManage: false });
    expect(callback.call.json).toEqual({ type: 5, data: { flags: 64 } });
    expect(callback.call.status).toBe(204);
    const edit = await handle.awaitEdit();
    expect(edit.call.path).toBe(`/webhooks/${fake.applicationId}/${handle.token}/messages/@original`);
    expect(edit.call.route).toBe("PATCH /webhooks/:appId/:token/messages/:messageId");
    expect(edit.call.files).toHaveLength(1);
    expect(edit.call.files[0]!.name).toBe("chart.png");
    expect(edit.call.files[0]!.contentType).toBe("image/png");
    expect(edit.call.files[0]!.bytes.equals(png)).toBe(true);
    expect(handle.calls.map((c) => c.kind)).toEqual(["callback", "edit-original"]);
    expect(edit.atMs).toBeGreaterThanOrEqual(callback.atMs);
    const original = handle.original!;
    expect(original.ephemeral).toBe(true);
    expect(original.data.flags).toBe(MessageFlags.Ephemeral);
    expect(original.data.content).toBe("chart");
    expect(original.data.attachments[0]).toMatchObject({ filename: "chart.png", size: png.length, width: 2, height: 1 });
    expect(fake.messages.get(TEXT_EVEN)?.some((m) => m.id === original.id) ?? false).toBe(false);
  });

  it("hands the bot an uploaded attachment option whose url serves the bytes", async () => {
    const client = await login();
    const csv = "round,score\n500,0.01\n";
    const handled = handleNext(client, async (interaction) => {
      if (!interaction.isChatInputCommand()) throw new Error("expected a chat input command");
      const attachment = interaction.options.getAttachment("file", true);
      const text = await (await fetch(attachment.url)).text();
      await interaction.reply({ content: `got ${attachment.name}` });
      return text;
    });
    const handle = fake.sendInteraction(fake.chatInput({ name: "import", attachments: { file: { filename: "scores.csv", bytes: csv, contentType: "text/csv" } } }));
    await expect(handled).resolves.toBe(csv);
    expect((await handle.awaitResponse()).call.json).toMatchObject({ type: 4, data: { content: "got scores.csv" } });
    expect(handle.payload.context).toBe(1);
  });

  it("records autocomplete choices sent with respond()", async () => {
    const client = await login();
    const handled = handleNext(client, async (interaction) => {
      if (!interaction.isAutocomplete()) throw new Error("expected autocomplete");
      const typed = interaction.options.getFocused();
      await interaction.respond([{ name: `${typed}-one`, value: `${typed}1` }]);
    });
    const handle = fake.sendInteraction(fake.autocomplete({ name: "models", subcommand: "unregister", focused: { name: "model", value: "al" }, user: ALICE, guildId: GUILD_EVEN }));
    await handled;
    const callback = await handle.awaitResponse();
    expect(callback.call.json).toEqual({ type: 8, data: { choices: [{ name: "al-one", value: "al1" }] } });
    expect(handle.acceptedCallback?.type).toBe(8);
  });

  it("updates the component's message on a button's update()", async () => {
    const client = await login();
    const handled = handleNext(client, async (interaction) => {
      if (!interaction.isButton()) throw new Error("expected a button");
      await interaction.update({ content: `clicked ${interaction.customId}`, components: [] });
    });
    const handle = fake.sendInteraction(fake.button({ customId: "page:2", user: ALICE, guildId: GUILD_EVEN }));
    await handled;
    expect((await handle.awaitResponse()).call.json).toMatchObject({ type: 7, data: { content: "clicked page:2" } });
    expect(handle.original?.data.content).toBe("clicked page:2");
    expect(handle.original?.history).toHaveLength(1);
  });

  it("turns the first follow-up after a defer into the reply, like Discord", async () => {
    const client = await login();
    const handled = handleNext(client, async (interaction) => {
      if (!interaction.isChatInputCommand()) throw new Error("expected a chat input command");
      await interaction.deferReply();
      const first = await interaction.followUp("done");
      const second = await interaction.followUp("and more");
      await interaction.editReply({ message: second.id, content: "and more (edited)" });
      return [first.id, second.id];
    });
    const handle = fake.sendInteraction(fake.chatInput({ name: "sharpe", user: ALICE, guildId: GUILD_EVEN }));
    const [firstId, secondId] = await handled;
    expect(firstId).toBe(handle.original!.id);
    expect(secondId).not.toBe(firstId);
    expect(handle.calls.map((c) => c.kind)).toEqual(["callback", "followup", "followup", "edit-followup"]);
    expect(handle.followUps.map((m) => m.data.content)).toEqual(["and more (edited)"]);
    expect(fake.messages.get(TEXT_EVEN)!.filter((m) => m.id === firstId || m.id === secondId)).toHaveLength(2);
  });

  it("rejects a second acknowledgement and a response after the deadline", async () => {
    const slow = await startFakeDiscord({ interactionResponseDeadlineMs: 50, guilds: [{ id: GUILD_EVEN }], channels: [{ id: TEXT_EVEN, type: ChannelType.GuildText, guildId: GUILD_EVEN }] });
    try {
      const client = new Client({ intents: [GatewayIntentBits.Guilds], ...fakeClientOptions(slow) });
      clients.push(client);
      const ready = new Promise((resolve) => client.once(Events.ClientReady, resolve));
      await client.login(slow.token);
      await ready;
      const late = handleNext(client, async (interaction) => {
        if (!interaction.isChatInputCommand()) throw new Error("expected a chat input command");
        await new Promise((resolve) => setTimeout(resolve, 120));
        await interaction.reply("too late");
      });
      slow.sendInteraction(slow.chatInput({ name: "late", guildId: GUILD_EVEN }));
      await expect(late).rejects.toMatchObject({ code: 10062 });

      const twice = handleNext(client, async (interaction) => {
        if (!interaction.isChatInputCommand()) throw new Error("expected a chat input command");
        await interaction.deferReply();
        // Bypass discord.js' own guard to see what Discord answers.
        await client.rest.post(`/interactions/${interaction.id}/${interaction.token}/callback`, { body: { type: 4, data: { content: "x" } }, auth: false });
      });
      slow.sendInteraction(slow.chatInput({ name: "twice", guildId: GUILD_EVEN }));
      await expect(twice).rejects.toMatchObject({ code: 40060 });
    } finally {
      await Promise.all(clients.splice(0).map((c) => c.destroy()));
      await slow.close();
    }
  });
});

describe("FakeDiscord channel messages", () => {
  it("records channel.send on a channel fetched through the REST API", async () => {
    const client = await login();
    const channel = await textChannel(client, TEXT_EVEN);
    const sent = await channel.send({ content: "weekly digest", embeds: [{ title: "Round 500" }] });
    const stored = fake.messages.get(TEXT_EVEN)!.at(-1)!;
    expect(stored.id).toBe(sent.id);
    expect(stored.data.embeds).toEqual([{ title: "Round 500" }]);
    expect(fake.callsTo("POST /channels/:channelId/messages").at(-1)!.json).toMatchObject({ content: "weekly digest" });
  });

  it("answers Discord's validation errors for over-long content", async () => {
    const client = await login();
    const channel = await textChannel(client, TEXT_EVEN);
    const error: unknown = await channel.send("x".repeat(2001)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DiscordAPIError);
    expect((error as DiscordAPIError).code).toBe(50035);
    expect((error as DiscordAPIError).rawError).toMatchObject({ errors: { content: { _errors: [{ code: "BASE_TYPE_MAX_LENGTH" }] } } });
  });

  it("lets discord.js wait out a 429 and post exactly once", async () => {
    const client = await login();
    const channel = await textChannel(client, TEXT_ODD);
    const before = fake.messages.get(TEXT_ODD)?.length ?? 0;
    const rule = fake.fault(`POST /channels/${TEXT_ODD}/messages`, { kind: "rate-limit", retryAfterSeconds: 0.05 });
    const started = performance.now();
    await channel.send("after the rate limit");
    expect(performance.now() - started).toBeGreaterThanOrEqual(45);
    expect(rule.hits).toBe(1);
    const attempts = fake.callsTo(`POST /channels/${TEXT_ODD}/messages`).slice(-2);
    expect(attempts.map((c) => c.status)).toEqual([429, 200]);
    expect(attempts[0]!.response).toEqual({ message: "You are being rate limited.", retry_after: 0.05, global: false });
    expect(fake.messages.get(TEXT_ODD)!.length - before).toBe(1);
  });

  it("retries 500s up to discord.js' retry limit", async () => {
    const client = await login();
    const channel = await textChannel(client, TEXT_ODD);
    fake.fault("POST /channels/:channelId/messages", { kind: "server-error" }, { times: 2 });
    await channel.send("third time lucky");
    expect(fake.callsTo("POST /channels/:channelId/messages").slice(-3).map((c) => c.status)).toEqual([500, 500, 200]);
  });

  it("returns the same message for a repeated nonce with enforce_nonce, and a new one without", async () => {
    const client = await login();
    const channel = await textChannel(client, TEXT_EVEN);
    const before = fake.messages.get(TEXT_EVEN)?.length ?? 0;
    const first = await channel.send({ content: "digest 2024-W01", nonce: "digest-2024-W01", enforceNonce: true });
    const again = await channel.send({ content: "digest 2024-W01", nonce: "digest-2024-W01", enforceNonce: true });
    expect(again.id).toBe(first.id);
    expect(fake.messages.get(TEXT_EVEN)!.length - before).toBe(1);
    const loose = await channel.send({ content: "digest 2024-W01", nonce: "digest-2024-W01" });
    expect(loose.id).not.toBe(first.id);
    expect(fake.messages.get(TEXT_EVEN)!.length - before).toBe(2);
  });

  it("posts twice when discord.js retries a timed-out send, unless the client enforces nonces", async () => {
    for (const enforceNonce of [false, true]) {
      const client = await login({ enforceNonce, rest: { ...fakeClientOptions(fake).rest, timeout: 100 } });
      const channel = await textChannel(client, TEXT_ODD);
      const before = fake.messages.get(TEXT_ODD)?.length ?? 0;
      // The first attempt is held past the client's timeout; Discord still performs it.
      fake.delay(`POST /channels/${TEXT_ODD}/messages`, 250, { times: 1 });
      await channel.send("digest");
      await expect.poll(() => fake.callsTo(`POST /channels/${TEXT_ODD}/messages`).filter((c) => c.status === 0)).toEqual([]);
      expect(fake.messages.get(TEXT_ODD)!.length - before).toBe(enforceNonce ? 1 : 2);
    }
  });

  it("loses the answer but keeps the message on a connection reset after handling", async () => {
    const client = await login();
    const channel = await textChannel(client, TEXT_EVEN);
    const before = fake.messages.get(TEXT_EVEN)?.length ?? 0;
    fake.fault("POST /channels/:channelId/messages", { kind: "connection-reset", afterHandling: true });
    const payload = { content: "digest", nonce: "digest-2024-W02", enforceNonce: true };
    await expect(channel.send(payload)).rejects.toMatchObject({ code: "UND_ERR_SOCKET" });
    const retried = await channel.send(payload);
    const created = fake.messages.get(TEXT_EVEN)!.slice(before);
    expect(created.map((m) => m.id)).toEqual([retried.id]);
    expect(fake.callsTo("POST /channels/:channelId/messages").slice(-2).map((c) => c.status)).toEqual([-1, 200]);
  });

  it("creates a forum post whose starter message shares the thread id", async () => {
    const client = await login();
    const forum = (await client.channels.fetch(FORUM_EVEN)) as ForumChannel;
    const thread = await forum.threads.create({ name: "Week 1", appliedTags: [TAG_DIGEST], message: { content: "digest", files: [new AttachmentBuilder(tinyPng(), { name: "c.png" })] } });
    expect(thread.parentId).toBe(FORUM_EVEN);
    const starter = fake.messages.get(thread.id)![0]!;
    expect(starter.id).toBe(thread.id);
    expect(starter.origin).toBe("thread-starter");
    expect(starter.uploads[0]!.bytes.equals(tinyPng())).toBe(true);
    await expect(forum.threads.create({ name: "x", appliedTags: ["1"], message: { content: "y" } })).rejects.toMatchObject({ code: 50035 });
  });

  it("opens DM channels and refuses users who do not accept DMs with 50007", async () => {
    const client = await login();
    const alice = await client.users.fetch(ALICE);
    const message = await alice.send("your portfolio");
    expect(message.channelId).toBe(fake.dmChannelFor(ALICE));
    const bob = await client.users.fetch(BOB_NO_DMS);
    await expect(bob.send("hello")).rejects.toMatchObject({ status: 403, code: 50007 });
    fake.fault("POST /channels/:channelId/messages", { kind: "unknown-channel" });
    await expect(alice.send("gone")).rejects.toMatchObject({ status: 404, code: 10003 });
  });
});

describe("FakeDiscord gateway", () => {
  it("resumes after a dropped connection and delivers later interactions", async () => {
    const client = await login();
    const resumed = new Promise((resolve) => client.once(Events.ShardResume, resolve));
    expect(fake.dropConnection()).toBe(1);
    await resumed;
    expect(fake.gateway.resumes.at(-1)!.accepted).toBe(true);
    const handled = handleNext(client, async (interaction) => {
      if (!interaction.isChatInputCommand()) throw new Error("expected a chat input command");
      await interaction.reply("still here");
    });
    const handle = fake.sendInteraction(fake.chatInput({ name: "models", subcommand: "list", guildId: GUILD_ODD }));
    await handled;
    expect((await handle.awaitResponse()).call.status).toBe(204);
  });

  it("replays events dispatched while the client was disconnected", async () => {
    const client = await login();
    const received: string[] = [];
    client.on(Events.InteractionCreate, (interaction) => {
      if (interaction.isChatInputCommand()) received.push(interaction.commandName);
    });
    const resumed = new Promise((resolve) => client.once(Events.ShardResume, resolve));
    fake.dropConnection({ terminate: true });
    fake.sendInteraction(fake.chatInput({ name: "missed", guildId: GUILD_EVEN }));
    await resumed;
    await expect.poll(() => received).toEqual(["missed"]);
  });

  it("re-identifies cleanly when the session cannot be resumed", async () => {
    const client = await login();
    const identifiesBefore = fake.gateway.identifies.length;
    const readyAgain = new Promise((resolve) => client.once(Events.ShardReady, resolve));
    fake.dropConnection({ resumable: false });
    await readyAgain;
    expect(fake.gateway.resumes.at(-1)!.accepted).toBe(false);
    expect(fake.gateway.identifies.length).toBe(identifiesBefore + 1);
    const handled = handleNext(client, async (interaction) => {
      if (interaction.isChatInputCommand()) await interaction.reply("fresh session");
    });
    fake.sendInteraction(fake.chatInput({ name: "ping", guildId: GUILD_EVEN }));
    await handled;
  });

  it("routes each guild's interactions to the shard that owns it", async () => {
    expect([shardForGuild(GUILD_EVEN, 2), shardForGuild(GUILD_ODD, 2)]).toEqual([0, 1]);
    const [shard0, shard1] = await Promise.all([login({ shards: [0], shardCount: 2 }), login({ shards: [1], shardCount: 2 })]);
    expect(shard0.guilds.cache.map((g) => g.id)).toEqual([GUILD_EVEN]);
    expect(shard1.guilds.cache.map((g) => g.id)).toEqual([GUILD_ODD]);
    const seen: string[] = [];
    for (const [name, client] of [["shard0", shard0], ["shard1", shard1]] as const) {
      client.on(Events.InteractionCreate, (interaction) => {
        if (!interaction.isChatInputCommand()) return;
        seen.push(`${name}:${interaction.guildId}`);
        void interaction.reply("ok");
      });
    }
    const even = fake.sendInteraction(fake.chatInput({ name: "a", guildId: GUILD_EVEN }));
    const odd = fake.sendInteraction(fake.chatInput({ name: "b", guildId: GUILD_ODD }));
    expect([even.shardId, odd.shardId]).toEqual([0, 1]);
    await Promise.all([even.awaitResponse(), odd.awaitResponse()]);
    expect(seen.sort()).toEqual([`shard0:${GUILD_EVEN}`, `shard1:${GUILD_ODD}`]);
  });
});

describe("FakeDiscord commands", () => {
  it("echoes bulk-overwritten commands with ids that survive a re-deploy", async () => {
    const client = await login();
    const body = [{ name: "sharpe", description: "Marginal Sharpe", type: 1 }];
    const first = (await client.rest.put(`/applications/${fake.applicationId}/guilds/${GUILD_EVEN}/commands`, { body })) as { id: string }[];
    const second = (await client.rest.put(`/applications/${fake.applicationId}/guilds/${GUILD_EVEN}/commands`, { body })) as { id: string }[];
    expect(second[0]!.id).toBe(first[0]!.id);
    expect(fake.commands.guild.get(GUILD_EVEN)).toMatchObject([{ name: "sharpe", guild_id: GUILD_EVEN, application_id: fake.applicationId }]);
    await expect(client.rest.put(`/applications/${fake.applicationId}/commands`, { body: [{ name: "Bad Name", description: "x" }] })).rejects.toMatchObject({ code: 50035 });
  });
});
