/** Component presses through the real router against the stand-in Discord (issue 14: explore in place). */
import { SlashCommandBuilder } from "discord.js";
import { afterEach, describe, expect, it } from "vitest";
import type { Command } from "../../src/discord/command.js";
import { VIEW_LIFETIME_MS, encodeView, type ViewState } from "../../src/discord/view-state.js";
import { GUILD, OTHER, USER, startHarness, type Harness } from "../helpers/bot-harness.js";

/** A command whose presses echo the action, so the test sees the router reached the handler. */
const probe: Command = {
  data: new SlashCommandBuilder().setName("correlation").setDescription("probe"),
  async execute() {},
  async components({ action, state, respond }) {
    await respond.update({ content: `pressed ${action} on page ${state.page}` });
  },
};

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const view = (issuedAt: number): ViewState => ({ command: "correlation", ownerId: USER, score: 0, method: 0, window: 3, page: 0, issuedAt });

describe("explore components through the router", () => {
  it("the owner's press reaches the command's handler and edits the same message", async () => {
    h = await startHarness([probe]);
    const handle = h.discord.sendInteraction(h.discord.button({ customId: encodeView(view(Date.now()), "n"), user: USER, guildId: GUILD }));
    expect((await handle.awaitResponse()).call.json).toMatchObject({ type: 7, data: { content: "pressed n on page 0" } });
  });

  it("another user's press is refused ephemerally and changes nothing", async () => {
    h = await startHarness([probe]);
    const handle = h.discord.sendInteraction(h.discord.button({ customId: encodeView(view(Date.now()), "n"), user: OTHER, guildId: GUILD }));
    const json = (await handle.awaitResponse()).call.json as { type: number; data: { content: string; flags: number } };
    expect(json.type).toBe(4);
    expect(json.data.flags & 64).toBe(64);
    expect(json.data.content).toMatch(/Only the person who ran this \/correlation/);
  });

  it("a press after the token's 15 minutes strips the components and gets the expiry sentence", async () => {
    h = await startHarness([probe]);
    const handle = h.discord.sendInteraction(
      h.discord.button({ customId: encodeView(view(Date.now() - VIEW_LIFETIME_MS - 1000), "n"), user: USER, guildId: GUILD }),
    );
    const json = (await handle.awaitResponse()).call.json as { type: number; data: { components: unknown[] } };
    expect(json.type).toBe(7);
    expect(json.data.components).toEqual([]);
    const followUp = (await handle.awaitCall((c) => c.kind === "followup")).call.json as { content: string; flags: number };
    expect(followUp.flags & 64).toBe(64);
    expect(followUp.content).toBe("This view has expired — run /correlation again.");
  });
});
