/**
 * Analyses in worker threads (issue 13): with RENDER_WORKERS and a database file, /correlation,
 * /contribution and /performance run whole in a worker of the render pool — the service call
 * against the worker's own read-only connection and series cache, and the rendering. Real
 * discord.js against the stand-in Discord, a real SQLite file, a real piscina pool running the
 * real worker from the TypeScript sources. Checked: the replies equal the main thread's own run
 * of the same service and renderer, nothing is read on the main thread, a sync landing new
 * scores is seen by the worker's next command, and a refusal inside the worker reaches the user
 * as the same ephemeral sentence.
 */
import { MessageFlags, type APIEmbed } from "discord.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commands } from "../../commands/index.js";
import { runAnalysis } from "../../src/discord/analyses.js";
import { CURRENT_ROUND, GUILD, MODEL_NAMES, OTHER, USER, startHarnessWithModels, type Harness } from "../helpers/bot-harness.js";
import { syntheticModels } from "../helpers/synthetic-scores.js";
import type { StoredMessage } from "../helpers/fake-discord/index.js";

let h: Harness;
beforeAll(async () => {
  h = await startHarnessWithModels(commands, USER, MODEL_NAMES, { env: { RENDER_WORKERS: "1" } });
}, 60_000);
afterAll(async () => {
  await h?.close();
});

async function reply(name: string, user = USER): Promise<StoredMessage> {
  const handle = h.discord.sendInteraction(h.discord.chatInput({ guildId: GUILD, name, user }));
  await handle.awaitEdit(1, 30_000);
  if (!handle.original) throw new Error("no reply");
  return handle.original;
}

/** What a reply's embeds say, as sent (discord.js drops undefined keys). */
const said = (embeds: readonly APIEmbed[]) => JSON.parse(JSON.stringify(embeds)) as APIEmbed[];

/** The same analysis on the main thread, over the main connection, with Discord's extras (links; the view only shapes components): what the worker's reply must equal. */
function onMainThread(kind: "correlation" | "contribution" | "performance"): APIEmbed[] {
  return said(runAnalysis(h.ctx.services.portfolio, kind, { selection: { userId: USER }, options: {}, extra: { discord: { view: null } } }).embeds ?? []);
}

describe("analyses in the render pool's workers", () => {
  it("answers /correlation, /contribution and /performance from the worker as the main thread would, reading nothing on the main thread", async () => {
    const loadsBefore = h.ctx.services.series.loads;
    const kinds = ["correlation", "contribution", "performance"] as const;
    const replies: StoredMessage[] = [];
    for (const kind of kinds) replies.push(await reply(kind));
    // No series was read on the main thread for the three replies.
    expect(h.ctx.services.series.loads).toBe(loadsBefore);
    kinds.forEach((kind, i) => {
      expect(replies[i]!.uploads.length).toBeGreaterThan(0);
      expect(said(replies[i]!.data.embeds)).toEqual(onMainThread(kind));
    });
    expect(h.ctx.services.series.loads - loadsBefore).toBe(MODEL_NAMES.length);
  });

  it("sees the scores a sync on the main thread writes in the worker's next command", async () => {
    const before = said((await reply("correlation")).data.embeds);
    // A day later the open rounds' scores have moved; the bot's sync writes them.
    const moved = syntheticModels({ names: MODEL_NAMES, fromRound: 900, toRound: CURRENT_ROUND, seed: 11, currentRound: CURRENT_ROUND }).map((m) => ({
      ...m,
      rounds: m.rounds.map((r, i) => (r.roundNumber < CURRENT_ROUND - 30 ? r : { ...r, scores: r.scores.map((x) => ({ ...x, value: x.value === null ? null : x.value + (i % 3) * 0.01 })) })),
    }));
    h.numerai.setModels(moved);
    const synced = await h.ctx.services.ingestion.sync();
    expect(synced.rowsWritten).toBeGreaterThan(0);
    const after = said((await reply("correlation")).data.embeds);
    expect(after).toEqual(onMainThread("correlation"));
    expect(after).not.toEqual(before);
  });

  it("shows a refusal raised in the worker as the same ephemeral sentence", async () => {
    const m = await reply("correlation", OTHER);
    expect(m.data.content).toBe("You have no models yet. Add one with /models add.");
    expect(((m.data.flags ?? 0) & MessageFlags.Ephemeral) !== 0).toBe(true);
  });
});
