/**
 * /history through the router: real discord.js against the stand-in Discord and Numerai, a real
 * SQLite file. The chart is read from the upload the stand-in Discord received.
 */
import { MessageFlags } from "discord.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commands } from "../../commands/index.js";
import { HISTORY_FILE_NAME } from "../../src/discord/render/history.js";
import { readPngHeader } from "../discord/render/charts/decode-png.js";
import { GUILD, OTHER, USER, startHarnessWithModels, type Harness } from "../helpers/bot-harness.js";
import type { InteractionHandle } from "../helpers/fake-discord/index.js";

let h: Harness;
beforeAll(async () => {
  h = await startHarnessWithModels(commands, USER, ["alpha_one", "alpha_two", "beta_main"]);
}, 60_000);
afterAll(async () => {
  await h?.close();
});

const run = (user: string, options: Record<string, string | number | boolean> = {}) =>
  h.discord.sendInteraction(h.discord.chatInput({ guildId: GUILD, name: "history", user, options }));
const finalEdit = async (handle: InteractionHandle) => (await handle.awaitCall((c) => c.kind === "edit-original", 15_000)).call;
const embedOf = (handle: InteractionHandle) => (handle.original?.data.embeds)?.[0];

describe("/history", () => {
  it("answers privately with the stacked chart at 1× and the first and latest effective bets and Sharpe the service computes", async () => {
    const handle = run(USER, { window: 20 });
    expect((await handle.awaitResponse()).call.json).toEqual({ type: 5, data: { flags: MessageFlags.Ephemeral } });
    const edit = await finalEdit(handle);
    const png = edit.files.find((f) => f.name === HISTORY_FILE_NAME);
    expect(png?.contentType).toBe("image/png");
    expect(readPngHeader(png!.bytes).width).toBe(800);
    const expected = h.ctx.services.portfolio.history({ userId: USER }, { window: 20 });
    expect(expected.models.map((m) => m.name).sort()).toEqual(["alpha_one", "alpha_two", "beta_main"]);
    const embed = embedOf(handle);
    expect(embed?.image?.url).toBe(`attachment://${HISTORY_FILE_NAME}`);
    const bets = (p: { round: number; value: number } | null, d: number) => `${p!.value.toFixed(d)} (round ${p!.round})`;
    expect(embed?.description).toContain(`**Effective bets**: ${bets(expected.betsFirst, 1)} → **${bets(expected.betsLatest, 1)}**.`);
    expect(embed?.description).toContain(`**Portfolio Sharpe**: ${bets(expected.sharpeFirst, 2)} → **${bets(expected.sharpeLatest, 2)}**.`);
    expect(embed?.description).toContain("over a rolling window of 20 of the");
    expect(embed?.fields?.find((f) => f.name === "Weights used")?.value).toBeTruthy();
    expect(handle.original?.data.flags).toBe(MessageFlags.Ephemeral);
  });

  it("refuses a window longer than the shared rounds, privately, saying a shorter window needs fewer", async () => {
    const handle = run(USER, { window: 120, rounds: 100 });
    await finalEdit(handle);
    expect(JSON.stringify(handle.original?.data)).toMatch(/A 120-round window needs 121; a shorter one \(window:10 or more\) needs fewer\./);
    expect(handle.original?.data.flags).toBe(MessageFlags.Ephemeral);
  });

  it("tells a user without models to add one", async () => {
    const handle = run(OTHER);
    await finalEdit(handle);
    expect(JSON.stringify(handle.original?.data)).toContain("You have no models yet. Add one with /models add.");
  });
});
