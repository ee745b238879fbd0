/**
 * /alerts through the real discord.js client and the real router, against the stand-in Discord,
 * over a real SQLite file: what the bot answered is what the fake recorded.
 */
import { ApplicationCommandOptionType, Client, Events, GatewayIntentBits, MessageFlags, PermissionFlagsBits, REST } from "discord.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { command } from "../../commands/alerts.js";
import { loadConfig } from "../../src/config/env.js";
import type { AppContext } from "../../src/context.js";
import { createBotContext } from "../../src/discord/bot.js";
import { createDiscordDelivery } from "../../src/discord/delivery.js";
import { createRouter } from "../../src/discord/router.js";
import { runAlerts } from "../../src/jobs/alerts.js";
import { silentLogger } from "../../src/logger.js";
import { fakeClientOptions, startFakeDiscord, type FakeDiscord } from "../helpers/fake-discord/index.js";
import { dbFingerprint } from "../helpers/db-fingerprint.js";
import { makeAlertWorld, noise, type AlertWorld } from "../jobs/alerts-fixtures.js";
import { ALICE, BOB, CAROL, GUILD_0, TEXT_0, TOURNAMENT, fakeDiscordWorld } from "../jobs/digest-fixtures.js";

let fake: FakeDiscord;
let world: AlertWorld;
let client: Client;
let ctx: AppContext;
const MANAGE = (PermissionFlagsBits.ViewChannel | PermissionFlagsBits.SendMessages | PermissionFlagsBits.ManageChannels).toString();

beforeAll(async () => {
  fake = await startFakeDiscord(fakeDiscordWorld());
  world = makeAlertWorld();
  world.write(1000, 1059, noise);
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

/** Sends /alerts <subcommand> and resolves with the deferral and the final reply's text. */
async function alerts(subcommand: string, options: Record<string, string | number | { type: ApplicationCommandOptionType; value: number }> = {}, where: { user?: string; guildId?: string; channelId?: string; memberPermissions?: string } = {}) {
  const handle = fake.sendInteraction(fake.chatInput({ name: "alerts", subcommand, options, user: where.user ?? ALICE, ...where }));
  const deferral = (await handle.awaitResponse()).call.json as { type: number; data?: { flags?: number } };
  const body = (await handle.awaitEdit()).call.json as { content?: string; embeds?: Array<{ description?: string }> };
  return { deferral, text: [body.content ?? "", ...(body.embeds ?? []).map((e) => e.description ?? "")].join("\n") };
}

const subs = (user: string) => world.services.alerts.list(user).subscriptions;

describe("/alerts", () => {
  it("subscribes the caller's DMs with defaults, ephemerally, and says nothing fires before the baseline", async () => {
    const reply = await alerts("subscribe", { kind: "near-duplicate" });
    expect(reply.deferral).toMatchObject({ type: 5, data: { flags: MessageFlags.Ephemeral } });
    expect(reply.text).toContain("Subscribed: **near-duplicate** (new near-duplicate pair): correlation ρ 0.9, over the last 60 resolved rounds");
    expect(reply.text).toContain("Alerts go to your direct messages, at most one message a day.");
    expect(reply.text).toContain("the next hourly check takes the baseline");
    expect(subs(ALICE)).toMatchObject([{ kind: "near-duplicate", threshold: 0.9, rounds: 60, target: "dm", status: "active", baselineAt: null }]);
  });

  it.each([
    // A whole number typed into a number option still arrives as a NUMBER option.
    [{ kind: "near-duplicate", threshold: { type: ApplicationCommandOptionType.Number, value: 2 } }, "For near-duplicate, the threshold (correlation ρ) must be from 0.5 to 0.999; you gave 2."],
    [{ kind: "missed-rounds", threshold: 2.5 }, "must be a whole number from 1 to 50"],
    [{ kind: "missed-rounds", rounds: 30 }, "missed-rounds looks at the newest rounds, not a window: leave out rounds."],
  ])("refuses %j ephemerally and changes nothing", async (options, message) => {
    const before = dbFingerprint(world.store.sqlite);
    const reply = await alerts("subscribe", options);
    expect(reply.deferral.data?.flags).toBe(MessageFlags.Ephemeral);
    expect(reply.text).toContain(message);
    expect(dbFingerprint(world.store.sqlite)).toEqual(before);
  });

  it("refuses a channel without Manage Channels, changing nothing, and subscribes it for a member who has it", async () => {
    const before = dbFingerprint(world.store.sqlite);
    const refused = await alerts("subscribe", { kind: "drawdown", where: "channel" }, { user: CAROL, guildId: GUILD_0, channelId: TEXT_0 });
    expect(refused.text).toContain("Sending alerts to a channel needs the Manage Channels permission");
    expect(dbFingerprint(world.store.sqlite)).toEqual(before);
    const ok = await alerts("subscribe", { kind: "drawdown", threshold: 0.2, rounds: 30, where: "channel" }, { guildId: GUILD_0, channelId: TEXT_0, memberPermissions: MANAGE });
    expect(ok.text).toContain(`Alerts go to <#${TEXT_0}>`);
    // All of a caller's alerts share one place, so the day's conditions make one message.
    expect(ok.text).toContain("Your other alert goes there too now");
    expect(subs(ALICE).map((s) => [s.kind, s.target, s.channelId])).toEqual([
      ["near-duplicate", "channel", TEXT_0],
      ["drawdown", "channel", TEXT_0],
    ]);
    expect(subs(CAROL)).toEqual([]);
  });

  it("lists the caller's alerts only, and shows one Discord turned off", async () => {
    await alerts("subscribe", { kind: "missed-rounds" }, { user: BOB });
    const rest = new REST({ ...fakeClientOptions(fake).rest }).setToken(fake.token);
    const job = { logger: silentLogger, store: world.store, config: { numeraiTournament: TOURNAMENT }, services: world.services, discord: createDiscordDelivery(rest, { token: fake.token }), settings: { retryBaseMs: 5 } };
    const t = new Date(Date.UTC(2026, 5, 1, 9, 7));
    await runAlerts(job, t);
    world.write(1060, 1069, (model, round) => (model === "bo_b" ? null : noise(model, round)));
    await runAlerts(job, new Date(t.getTime() + 3_600_000));
    rest.clearHashSweeper();
    const bob = await alerts("list", {}, { user: BOB });
    expect(bob.text).toContain("**missed-rounds** (model stopped receiving scores): missed rounds 3");
    expect(bob.text).toContain("**turned off** 2026-06-01 10:07 UTC: Discord does not let the bot message you (direct messages are closed). Run /alerts subscribe kind:missed-rounds again");
    expect(bob.text).not.toContain("near-duplicate");
    const alice = await alerts("list");
    expect(alice.text).toContain(`**near-duplicate** (new near-duplicate pair): correlation ρ 0.9, over the last 60 resolved rounds — active, to <#${TEXT_0}>, checked `);
    expect(alice.text).toContain("**drawdown** (drawdown past a threshold): drawdown 0.2, over the last 30 resolved rounds");
  });

  it("unsubscribes one kind, and says so when there was none", async () => {
    expect((await alerts("unsubscribe", { kind: "drawdown" })).text).toContain("Unsubscribed from **drawdown** alerts.");
    expect(subs(ALICE).find((s) => s.kind === "drawdown")?.status).toBe("unsubscribed");
    expect((await alerts("unsubscribe", { kind: "drawdown" })).text).toContain("You had no active **drawdown** alert. /alerts list shows yours.");
    expect((await alerts("list")).text).toContain("**drawdown** (drawdown past a threshold): drawdown 0.2, over the last 30 resolved rounds — unsubscribed.");
    expect(fake.unhandled).toEqual([]);
  });
});
