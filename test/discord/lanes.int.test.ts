/**
 * Lanes (issue 13): a quick command (/models list) issued while analyses are queued is answered
 * before them. Real discord.js against the stand-in Discord, a real SQLite file; the assertion is
 * the ORDER in which the replies reached the stand-in, never a duration.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commands } from "../../commands/index.js";
import { laneOf } from "../../src/discord/command.js";
import { GUILD, MODEL_NAMES, USER, startHarnessWithModels, type Harness } from "../helpers/bot-harness.js";
import type { InteractionHandle } from "../helpers/fake-discord/index.js";

let h: Harness;
beforeAll(async () => {
  h = await startHarnessWithModels(commands, USER, MODEL_NAMES);
}, 60_000);
afterAll(async () => {
  await h?.close();
});

const ANALYSES = 12;
/** When the final answer (first edit of @original) reached the stand-in, on its clock. */
const answeredAt = async (handle: InteractionHandle) => (await handle.awaitEdit(1, 60_000)).call.receivedAt;

describe("lanes", () => {
  it("declares the cheap commands quick and the rest analysis", () => {
    const byName = new Map(commands.map((c) => [c.data.name, c]));
    const lane = (name: string, sub: string | null = null) => laneOf(byName.get(name) as (typeof commands)[number], sub);
    expect([lane("models", "list"), lane("help"), lane("digest", "status"), lane("admin", "status")]).toEqual(["quick", "quick", "quick", "quick"]);
    expect([lane("correlation"), lane("contribution"), lane("digest", "preview"), lane("admin", "import")]).toEqual(["analysis", "analysis", "analysis", "analysis"]);
  });

  it("answers /models list issued behind a queue of analyses before most of them", async () => {
    // Discord takes a moment to confirm acknowledgements: while it does, the loop reads every
    // interaction, so all the analyses are acknowledged and queued when the list's turn is asked for.
    h.discord.delay((r) => r.method === "POST" && /^\/interactions\/\d+\/[^/]+\/callback/.test(r.path), 300, { times: ANALYSES + 1 });
    const analyses = Array.from({ length: ANALYSES }, () =>
      h.discord.sendInteraction(h.discord.chatInput({ guildId: GUILD, name: "correlation", user: USER })),
    );
    const list = h.discord.sendInteraction(h.discord.chatInput({ guildId: GUILD, name: "models", subcommand: "list", user: USER }));
    const [listAt, ...analysisAt] = await Promise.all([answeredAt(list), ...analyses.map(answeredAt)]);
    // Every analysis really answered (a heatmap), so they were queued work, not refusals.
    for (const a of analyses) expect(a.original?.uploads.length ?? 0).toBeGreaterThan(0);
    expect(JSON.stringify(list.original?.data)).toMatch(/alpha_one/);
    // In one queue the list would come after every analysis queued before it.
    const later = analysisAt.filter((t) => (t) > (listAt)).length;
    expect(later).toBeGreaterThanOrEqual(ANALYSES / 2);
  }, 120_000);
});
