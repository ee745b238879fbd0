/**
 * /digest through the real discord.js client and the real router, against the stand-in Discord:
 * what the bot answered is what the fake recorded.
 */
import { Client, Events, GatewayIntentBits, MessageFlags, PermissionFlagsBits, REST } from "discord.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { command } from "../../commands/digest.js";
import { loadConfig } from "../../src/config/env.js";
import type { AppContext } from "../../src/context.js";
import { createDigestRepository } from "../../src/db/repositories/digests.js";
import { createBotContext } from "../../src/discord/bot.js";
import { createDiscordDelivery } from "../../src/discord/delivery.js";
import { createRouter } from "../../src/discord/router.js";
import { runDigestDispatch } from "../../src/jobs/weekly-digest.js";
import { silentLogger } from "../../src/logger.js";
import { fakeClientOptions, startFakeDiscord, type FakeDiscord, type InteractionHandle } from "../helpers/fake-discord/index.js";
import { ALICE, CAROL, DAVE, FORUM_1, GUILD_0, GUILD_1, TEXT_0, TOURNAMENT, fakeDiscordWorld, makeDigestWorld, type DigestWorld } from "../jobs/digest-fixtures.js";

let fake: FakeDiscord;
let world: DigestWorld;
let client: Client;
let ctx: AppContext;
const MANAGE = (PermissionFlagsBits.ViewChannel | PermissionFlagsBits.SendMessages | PermissionFlagsBits.ManageChannels).toString();

beforeAll(async () => {
  fake = await startFakeDiscord(fakeDiscordWorld());
  world = makeDigestWorld();
  const config = loadConfig({ DATABASE_PATH: world.store.path, DISCORD_TOKEN: fake.token, DISCORD_API_BASE: fake.restBase }, { createDirs: false });
  ctx = { config, logger: silentLogger, store: world.store, numerai: world.numerai, services: world.services, close: () => Promise.resolve() };
  client = new Client({ intents: [GatewayIntentBits.Guilds], ...fakeClientOptions(fake) });
  const route = createRouter([command], createBotContext(ctx));
  client.on(Events.InteractionCreate, (interaction) => void route(interaction));
  const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
  await client.login(fake.token);
  await ready;
});

afterAll(async () => {
  await client.destroy();
  await fake.close();
  await world.close();
});

type Options = Record<string, string | number>;

/** Sends /digest <subcommand> and resolves with the deferral and the final (edited) reply. */
async function digest(subcommand: string, options: Options = {}, where: { user?: string; guildId?: string; channelId?: string; memberPermissions?: string } = {}) {
  const handle: InteractionHandle = fake.sendInteraction(fake.chatInput({ name: "digest", subcommand, options, user: where.user ?? ALICE, ...where }));
  const deferral = await handle.awaitResponse();
  const edit = await handle.awaitEdit();
  const body = edit.call.json as { content?: string; embeds?: Array<{ title?: string; description?: string; footer?: { text: string } }> };
  return { deferral: deferral.call.json as { type: number; data?: { flags?: number } }, body, files: edit.call.files, text: [body.content ?? "", ...(body.embeds ?? []).map((e) => `${e.title ?? ""}\n${e.description ?? ""}`)].join("\n") };
}

const repo = () => createDigestRepository(world.store, TOURNAMENT);

describe("/digest", () => {
  it("subscribes the caller's DMs with a validated timezone, ephemerally, and says when the first one comes", async () => {
    const reply = await digest("subscribe", { day: "friday", hour: 9, timezone: "europe/paris" });
    expect(reply.deferral).toMatchObject({ type: 5, data: { flags: MessageFlags.Ephemeral } });
    expect(reply.text).toContain("Subscribed: the digest goes to your direct messages, Fridays at 09:00 (Europe/Paris).");
    expect(reply.text).toMatch(/First one: \d{4}-\d\d-\d\d 09:00 Europe\/Paris \(/);
    expect(repo().findByTarget(`dm:${ALICE}`)).toMatchObject({ kind: "dm", weekday: 5, hour: 9, timezone: "Europe/Paris", status: "active" });
  });

  it("refuses an unknown timezone and changes nothing", async () => {
    const reply = await digest("subscribe", { timezone: "Mars/Olympus_Mons", hour: 3 });
    expect(reply.text).toContain('"Mars/Olympus_Mons" is not a timezone I know');
    expect(repo().findByTarget(`dm:${ALICE}`)).toMatchObject({ hour: 9, timezone: "Europe/Paris" });
  });

  it("defaults to Monday 13:00 UTC and refuses a channel digest without Manage Channels", async () => {
    const reply = await digest("subscribe", {}, { user: CAROL });
    expect(reply.text).toContain("Mondays at 13:00 (UTC)");
    const refused = await digest("subscribe", { where: "channel" }, { user: CAROL, guildId: GUILD_0, channelId: TEXT_0 });
    expect(refused.text).toContain("needs the Manage Channels permission");
    expect(repo().findByTarget(`channel:${TEXT_0}`)).toBeUndefined();
  });

  it("subscribes a forum channel as a server digest for members with Manage Channels", async () => {
    const reply = await digest("subscribe", { where: "channel", day: "tuesday" }, { user: CAROL, guildId: GUILD_1, channelId: FORUM_1, memberPermissions: MANAGE });
    expect(reply.text).toContain(`a new post in <#${FORUM_1}> each week, Tuesdays at 13:00 (UTC)`);
    expect(reply.text).toContain("/server optin");
    expect(repo().findByTarget(`channel:${FORUM_1}`)).toMatchObject({ kind: "forum", guildId: GUILD_1, discordUserId: CAROL });
  });

  it("shows status: where, when, the next run and the last delivery", async () => {
    const before = await digest("status", {}, { user: CAROL });
    expect(before.text).toContain("**Where:** your direct messages");
    expect(before.text).toContain("**Next:** ");
    expect(before.text).toContain("**Last:** none yet.");
    // One dispatcher run at Carol's next Monday 13:00 UTC delivers her digest.
    const sub = repo().findByTarget(`dm:${CAROL}`)!;
    const monday = new Date(sub.activeFrom.getTime());
    monday.setUTCDate(monday.getUTCDate() + ((8 - monday.getUTCDay()) % 7 || 7));
    monday.setUTCHours(13, 0, 0, 0);
    const rest = new REST({ ...fakeClientOptions(fake).rest }).setToken(fake.token);
    const summary = await runDigestDispatch(
      { logger: silentLogger, store: world.store, config: { numeraiTournament: TOURNAMENT }, services: world.services, discord: createDiscordDelivery(rest, { token: fake.token }), discourse: null },
      monday,
    );
    rest.clearHashSweeper();
    expect(summary.sent).toBeGreaterThanOrEqual(1);
    const after = await digest("status", {}, { user: CAROL });
    expect(after.text).toMatch(/\*\*Last:\*\* week of \d{4}-\d\d-\d\d — sent — https:\/\/discord\.com\/channels\/@me\/\d+\/\d+/);
  });

  it("previews this week's digest only to the caller, with the chart, posting nothing", async () => {
    const dmMessages = (fake.messages.get(fake.dmChannelFor(ALICE)) ?? []).length;
    const reply = await digest("preview");
    expect(reply.deferral.data?.flags).toBe(MessageFlags.Ephemeral);
    expect(reply.body.embeds![0]!.title).toMatch(/^Preview: Weekly diversification digest — week of \d{4}-\d\d-\d\d$/);
    expect(reply.text).toContain("**Cumulative:**");
    expect(reply.files.map((f) => f.name)).toEqual([expect.stringMatching(/^digest-.*\.png$/)]);
    expect((fake.messages.get(fake.dmChannelFor(ALICE)) ?? []).length).toBe(dmMessages);
    const empty = await digest("preview", {}, { user: DAVE });
    expect(empty.text).toContain("You have no models yet");
  });

  it("previews a server digest in a server", async () => {
    world.services.repos.settings.setServerOptIn(GUILD_0, ALICE, true);
    const reply = await digest("preview", { where: "channel" }, { guildId: GUILD_0, channelId: TEXT_0 });
    expect(reply.body.embeds![0]!.title).toMatch(/^Preview: Server diversification digest/);
    expect(reply.text).toContain(`<@${ALICE}>`);
  });

  it("unsubscribes, and status says so", async () => {
    const reply = await digest("unsubscribe");
    expect(reply.text).toContain("Unsubscribed");
    expect(repo().findByTarget(`dm:${ALICE}`)?.status).toBe("unsubscribed");
    expect((await digest("unsubscribe")).text).toContain("There was no active digest subscription there.");
    expect((await digest("status")).text).toContain("**Unsubscribed.**");
  });

  it("autocompletes IANA timezones", async () => {
    const handle = fake.sendInteraction(fake.autocomplete({ name: "digest", subcommand: "subscribe", focused: { name: "timezone", value: "europe/pa" }, user: ALICE }));
    const call = await handle.awaitResponse();
    const choices = (call.call.json as { data: { choices: Array<{ value: string }> } }).data.choices.map((c) => c.value);
    expect(choices).toContain("Europe/Paris");
    expect(fake.unhandled).toEqual([]);
  });
});
