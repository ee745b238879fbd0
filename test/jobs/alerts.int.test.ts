/**
 * The alert job against a real SQLite file and the stand-in Discord, through a real discord.js
 * REST client: baseline first, each kind once per occurrence, one message per user per day,
 * dedupe across a restart with the clock moved, and the delivery faults.
 */
import { REST } from "discord.js";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createAlertRepository, type AlertRepository } from "../../src/db/repositories/alerts.js";
import { createDiscordDelivery } from "../../src/discord/delivery.js";
import { alertNonce, runAlerts, type AlertJobContext } from "../../src/jobs/alerts.js";
import { silentLogger } from "../../src/logger.js";
import { DM_ALERT_TARGET } from "../../src/services/alerts.js";
import type { Services } from "../../src/services/index.js";
import { fakeClientOptions, startFakeDiscord, type FakeDiscord } from "../helpers/fake-discord/index.js";
import { makeAlertWorld, noise, type AlertWorld } from "./alerts-fixtures.js";
import { ALICE, BOB, TOURNAMENT, days, fakeDiscordWorld, minutes } from "./digest-fixtures.js";

let fake: FakeDiscord;
let world: AlertWorld;
const rests: REST[] = [];
const T0 = new Date(Date.UTC(2026, 5, 1, 9, 7));

beforeEach(async () => {
  fake = await startFakeDiscord(fakeDiscordWorld());
  world = makeAlertWorld();
  // Rounds 1000–1059: four independent models each, nothing near any threshold.
  world.write(1000, 1059, noise);
});

afterEach(async () => {
  for (const r of rests.splice(0)) r.clearHashSweeper();
  await world.close();
  await fake.close();
});

function rest(): REST {
  const r = new REST({ ...fakeClientOptions(fake).rest }).setToken(fake.token);
  rests.push(r);
  return r;
}

function context(services: Services = world.services, overrides: Partial<AlertJobContext> = {}): AlertJobContext {
  return {
    logger: silentLogger,
    store: world.store,
    config: { numeraiTournament: TOURNAMENT },
    services,
    discord: createDiscordDelivery(rest(), { botUserId: fake.botUserId, token: fake.token }),
    settings: { retryBaseMs: 5 },
    ...overrides,
  };
}

const repo = (): AlertRepository => createAlertRepository(world.store, TOURNAMENT);
const visible = (channelId: string) => (fake.messages.get(channelId) ?? []).filter((m) => !m.deleted);

/** Alice subscribes to every kind: ρ ≥ 0.9 and drawdown ≥ 0.1 over 20 rounds, bets drop > 0.3 over 60, 3 missed rounds. */
function subscribeAlice(user = ALICE, now = minutes(T0, -30)) {
  const s = world.services.alerts;
  s.subscribe(user, DM_ALERT_TARGET, { kind: "near-duplicate", threshold: 0.9, rounds: 20 }, now);
  s.subscribe(user, DM_ALERT_TARGET, { kind: "drawdown", threshold: 0.1, rounds: 20 }, now);
  s.subscribe(user, DM_ALERT_TARGET, { kind: "bets-drop", threshold: 0.3, rounds: 60 }, now);
  s.subscribe(user, DM_ALERT_TARGET, { kind: "missed-rounds", threshold: 3, rounds: null }, now);
}

/**
 * Rounds 1060–1099 make every condition true: al_y copies al_x (a near-duplicate pair, fewer
 * bets), al_z loses 0.05 five rounds running (drawdown 0.25), al_w has no score after 1094.
 */
function makeEverythingTrue() {
  world.write(1060, 1099, (model, round) => {
    if (model === "al_y") return noise("al_x", round);
    if (model === "al_z") return round >= 1080 && round < 1085 ? -0.05 : noise(model, round);
    if (model === "al_w") return round > 1094 ? null : noise(model, round);
    return noise(model, round);
  });
}

describe("runAlerts", () => {
  it("is silent at the first check (the baseline), then sends each kind once in one combined message", async () => {
    subscribeAlice();
    const baseline = await runAlerts(context(), T0);
    expect(baseline).toMatchObject({ checked: 4, occurrences: 0, sent: 0 });
    expect(repo().listForUser(ALICE).every((s) => s.baselineAt?.getTime() === T0.getTime())).toBe(true);

    makeEverythingTrue();
    const fired = await runAlerts(context(), minutes(T0, 60));
    expect(fired).toMatchObject({ occurrences: 4, sent: 1, failed: 0, disabled: 0 });
    const dm = fake.dmChannelFor(ALICE);
    expect(visible(dm)).toHaveLength(1);
    const embed = visible(dm)[0]!.data.embeds[0]!;
    expect(embed.title).toBe("Portfolio alerts — 2026-06-01");
    expect(embed.description).toContain("**new near-duplicate pair**\n• al\\_x and al\\_y correlate at ρ 1.000 over the last 20 resolved rounds");
    expect(embed.description).toContain("al\\_z is in a drawdown of 0.2");
    expect(embed.description).toMatch(/Your 4 models are [\d.]+ effective bets over the last 60 resolved rounds, down /);
    expect(embed.description).toContain("al\\_w has no score for the newest 5 rounds (last scored round 1094, newest 1099");
    expect(embed.footer!.text).toContain(`ref ${alertNonce(ALICE, "2026-06-01")}`);
    const post = fake.callsTo("POST /channels/:channelId/messages").find((c) => c.status === 200)!;
    expect(post.json).toMatchObject({ nonce: alertNonce(ALICE, "2026-06-01"), enforce_nonce: true, allowed_mentions: { parse: [] } });

    // Still true an hour later: no occurrence, no message.
    const again = await runAlerts(context(), minutes(T0, 120));
    expect(again).toMatchObject({ occurrences: 0, sent: 0 });
    expect(visible(dm)).toHaveLength(1);
  });

  it("never fires for what was already true at subscription", async () => {
    makeEverythingTrue();
    subscribeAlice();
    expect(await runAlerts(context(), T0)).toMatchObject({ occurrences: 0, sent: 0 });
    expect(await runAlerts(context(), minutes(T0, 60))).toMatchObject({ occurrences: 0, sent: 0 });
    expect(fake.callsTo("POST /channels/:channelId/messages")).toHaveLength(0);
  });

  it("does not repeat anything after a restart over the same file with the clock moved a day on", async () => {
    subscribeAlice();
    await runAlerts(context(), T0);
    makeEverythingTrue();
    await runAlerts(context(), minutes(T0, 60));
    const restarted = world.reopen();
    try {
      const next = await runAlerts({ ...context(restarted.services), store: restarted.store }, days(T0, 1));
      expect(next).toMatchObject({ occurrences: 0, sent: 0, reconciled: 0 });
    } finally {
      await restarted.close();
    }
    expect(visible(fake.dmChannelFor(ALICE))).toHaveLength(1);
  });

  it("sends at most one message per user per day: a later occurrence waits for the next day", async () => {
    const s = world.services.alerts;
    s.subscribe(ALICE, DM_ALERT_TARGET, { kind: "missed-rounds", threshold: 3, rounds: null }, minutes(T0, -30));
    s.subscribe(ALICE, DM_ALERT_TARGET, { kind: "drawdown", threshold: 0.1, rounds: 20 }, minutes(T0, -30));
    await runAlerts(context(), T0);
    // First occurrence: al_w stops being scored.
    world.write(1060, 1069, (model, round) => (model === "al_w" ? null : noise(model, round)));
    expect(await runAlerts(context(), minutes(T0, 60))).toMatchObject({ occurrences: 1, sent: 1 });
    // Second, the same day: al_z's drawdown.
    world.write(1070, 1079, (model, round) => (model === "al_w" ? null : model === "al_z" ? -0.03 : noise(model, round)));
    expect(await runAlerts(context(), minutes(T0, 120))).toMatchObject({ occurrences: 1, sent: 0 });
    const dm = fake.dmChannelFor(ALICE);
    expect(visible(dm)).toHaveLength(1);
    // The next day it goes out, once.
    expect(await runAlerts(context(), days(T0, 1))).toMatchObject({ occurrences: 0, sent: 1 });
    expect(visible(dm)).toHaveLength(2);
    expect(visible(dm)[1]!.data.embeds[0]!.description).toContain("al\\_z is in a drawdown");
    expect(visible(dm)[1]!.data.embeds[0]!.description).not.toContain("al\\_w");
    expect(repo().deliveriesOf(ALICE).map((d) => [d.day, d.status])).toEqual([
      ["2026-06-01", "sent"],
      ["2026-06-02", "sent"],
    ]);
  });

  it("never sends a waiting occurrence of an alert unsubscribed before its day", async () => {
    const s = world.services.alerts;
    s.subscribe(ALICE, DM_ALERT_TARGET, { kind: "missed-rounds", threshold: 3, rounds: null }, minutes(T0, -30));
    s.subscribe(ALICE, DM_ALERT_TARGET, { kind: "drawdown", threshold: 0.1, rounds: 20 }, minutes(T0, -30));
    await runAlerts(context(), T0);
    world.write(1060, 1069, (model, round) => (model === "al_w" ? null : noise(model, round)));
    expect(await runAlerts(context(), minutes(T0, 60))).toMatchObject({ occurrences: 1, sent: 1 });
    world.write(1070, 1079, (model, round) => (model === "al_w" ? null : model === "al_z" ? -0.03 : noise(model, round)));
    expect(await runAlerts(context(), minutes(T0, 120))).toMatchObject({ occurrences: 1, sent: 0 });
    s.unsubscribe(ALICE, "drawdown", minutes(T0, 150));
    expect(await runAlerts(context(), days(T0, 1))).toMatchObject({ sent: 0 });
    expect(visible(fake.dmChannelFor(ALICE))).toHaveLength(1);
    expect(repo().deliveriesOf(ALICE).map((d) => d.day)).toEqual(["2026-06-01"]);
  });

  it("posts once when Discord applies the post and answers 500 (the retry carries the same enforced nonce)", async () => {
    subscribeAlice();
    await runAlerts(context(), T0);
    makeEverythingTrue();
    const dm = fake.dmChannelFor(ALICE);
    fake.fault(`POST /channels/${dm}/messages`, { kind: "server-error", afterHandling: true }, { times: 2 });
    expect(await runAlerts(context(), minutes(T0, 60))).toMatchObject({ sent: 1, retrying: 0 });
    expect(fake.callsTo(`POST /channels/${dm}/messages`).map((c) => c.status)).toEqual([500, 500, 200]);
    expect(visible(dm)).toHaveLength(1);
  });

  it("finds the post again when the process died between posting and recording it", async () => {
    subscribeAlice();
    await runAlerts(context(), T0);
    makeEverythingTrue();
    const real = repo();
    const crashing: AlertRepository = {
      ...real,
      markSent: () => {
        throw new Error("killed before recording");
      },
    };
    const first = await runAlerts(context(world.services, { alerts: crashing }), minutes(T0, 60));
    expect(first.sent).toBe(0);
    const dm = fake.dmChannelFor(ALICE);
    expect(visible(dm)).toHaveLength(1);
    // The claim lapses (5 minutes); the next run looks for the nonce before posting.
    const second = await runAlerts(context(), minutes(T0, 70));
    expect(second).toMatchObject({ sent: 0, reconciled: 1 });
    expect(visible(dm)).toHaveLength(1);
    expect(real.getDelivery(ALICE, "2026-06-01")).toMatchObject({ status: "sent", attempts: 2, messageId: visible(dm)[0]!.id });
  });

  it("waits out a 429's retry-after and then posts once", async () => {
    subscribeAlice();
    await runAlerts(context(), T0);
    makeEverythingTrue();
    const dm = fake.dmChannelFor(ALICE);
    fake.fault(`POST /channels/${dm}/messages`, { kind: "rate-limit", retryAfterSeconds: 0.3 });
    expect(await runAlerts(context(), minutes(T0, 60))).toMatchObject({ sent: 1 });
    const calls = fake.callsTo(`POST /channels/${dm}/messages`);
    expect(calls.map((c) => c.status)).toEqual([429, 200]);
    expect(calls[1]!.receivedAt - calls[0]!.receivedAt).toBeGreaterThanOrEqual(290);
    expect(visible(dm)).toHaveLength(1);
  });

  it("turns off a user's alerts when Discord refuses their DMs (403), and says why in the list", async () => {
    const s = world.services.alerts;
    s.subscribe(BOB, DM_ALERT_TARGET, { kind: "missed-rounds", threshold: 3, rounds: null }, minutes(T0, -30));
    await runAlerts(context(), T0);
    world.write(1060, 1069, (model, round) => (model === "bo_b" ? null : noise(model, round)));
    expect(await runAlerts(context(), minutes(T0, 60))).toMatchObject({ occurrences: 1, sent: 0, disabled: 1 });
    const list = s.list(BOB);
    expect(list.subscriptions[0]).toMatchObject({ status: "disabled", disabledReason: "Discord does not let the bot message you (direct messages are closed)" });
    expect(list.lastDelivery).toMatchObject({ status: "failed" });
    // Nothing is checked or tried again while it is off.
    expect(await runAlerts(context(), days(T0, 1))).toMatchObject({ checked: 0, sent: 0, disabled: 0 });
  });
});
