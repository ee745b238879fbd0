/**
 * Answering in the interaction callback (router's ANSWER_WITHIN_MS): a command that answers soon
 * is one request, the callback (type 4) carrying the answer, public or ephemeral as it asked; a
 * refusal is an ephemeral callback; a command still working when the router's timer fires is
 * deferred (type 5, ephemeral) and answered by editing @original. Real discord.js against the
 * stand-in Discord; assertions on the requests' shapes, never on durations.
 */
import { MessageFlags, SlashCommandBuilder } from "discord.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Command } from "../../src/discord/command.js";
import { UserFacingError } from "../../src/errors.js";
import { GUILD, USER, startHarness, type Harness } from "../helpers/bot-harness.js";
import type { InteractionHandle } from "../helpers/fake-discord/index.js";

const HOLD_MS = 400;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const PNG = Buffer.from("89504e470d0a1a0a", "hex");

function command(name: string, execute: Command["execute"]): Command {
  return { data: new SlashCommandBuilder().setName(name).setDescription(name), execute };
}

const commands: Command[] = [
  command("quick", async ({ respond }) => {
    await respond.defer({ ephemeral: true });
    await respond.edit({ content: "quick answer", files: [{ name: "chart.png", data: PNG }] });
  }),
  command("public", async ({ respond }) => {
    await respond.defer({ ephemeral: false });
    await respond.edit({ content: "for everyone" });
  }),
  command("refuse", async ({ respond }) => {
    await respond.defer({ ephemeral: false });
    throw new UserFacingError("not like that");
  }),
  command("slow", async ({ respond }) => {
    await respond.defer({ ephemeral: true });
    await sleep(HOLD_MS * 3);
    await respond.edit({ content: "slow answer" });
  }),
];

type Json = { type?: number; data?: { flags?: number; content?: string } };
let h: Harness;
beforeAll(async () => {
  h = await startHarness(commands, { answerWithinMs: HOLD_MS });
}, 60_000);
afterAll(async () => {
  await h?.close();
});

const run = (name: string) => h.discord.sendInteraction(h.discord.chatInput({ guildId: GUILD, name, user: USER }));
const callback = async (handle: InteractionHandle) => {
  const response = await handle.awaitResponse(10_000);
  expect(response.call.status).toBeLessThan(300);
  return response.call.json as Json;
};

describe("answering in the callback", () => {
  it("sends a quick answer, its file included, as the ephemeral callback and nothing else", async () => {
    const handle = run("quick");
    const json = await callback(handle);
    expect(json).toMatchObject({ type: 4, data: { content: "quick answer", flags: MessageFlags.Ephemeral } });
    expect(handle.original?.uploads.length).toBe(1);
    await sleep(HOLD_MS * 2);
    expect(handle.calls.filter((c) => c.kind !== "callback")).toEqual([]);
  });

  it("sends a public answer as a public callback", async () => {
    const json = await callback(run("public"));
    expect(json.type).toBe(4);
    expect(json.data?.content).toBe("for everyone");
    expect((json.data?.flags ?? 0) & MessageFlags.Ephemeral).toBe(0);
  });

  it("sends a refusal as an ephemeral callback even when the answer was to be public", async () => {
    const json = await callback(run("refuse"));
    expect(json).toMatchObject({ type: 4, data: { content: "not like that", flags: MessageFlags.Ephemeral } });
  });

  it("defers a command still working when the time is up, then edits @original", async () => {
    const handle = run("slow");
    expect(await callback(handle)).toEqual({ type: 5, data: { flags: MessageFlags.Ephemeral } });
    await handle.awaitEdit(1, 10_000);
    expect(handle.original?.data.content).toBe("slow answer");
  });
});
