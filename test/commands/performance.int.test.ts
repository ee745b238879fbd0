/**
 * /performance's NMR figures through the router: real discord.js against the stand-in Discord and
 * Numerai, a real SQLite file. The reference is the stand-in's own data: the payouts and stakes it
 * served, summed here from the synthetic rounds, not from the store.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commands } from "../../commands/index.js";
import { CURRENT_ROUND, GUILD, MODEL_NAMES, USER, startHarnessWithModels, type Harness } from "../helpers/bot-harness.js";
import type { InteractionHandle } from "../helpers/fake-discord/index.js";
import { syntheticModels } from "../helpers/synthetic-scores.js";

let h: Harness;
beforeAll(async () => {
  h = await startHarnessWithModels(commands, USER, ["alpha_one", "beta_main"]);
}, 60_000);
afterAll(async () => {
  await h?.close();
});

// The same synthetic models the harness serves (bot-harness.ts: fromRound 900, seed 11).
const served = syntheticModels({ names: MODEL_NAMES, fromRound: 900, toRound: CURRENT_ROUND, seed: 11, currentRound: CURRENT_ROUND });
function servedNmr(name: string, lastRounds: number) {
  const rounds = (served.find((m) => m.name === name)?.rounds ?? []).filter((r) => r.resolved).sort((a, b) => b.roundNumber - a.roundNumber).slice(0, lastRounds);
  const paid = rounds.reduce((s, r) => s + Number(r.scores[0]?.payoutSettled), 0);
  const atRisk = rounds.reduce((s, r) => s + Number(r.atRisk), 0);
  return { paid, atRisk, count: rounds.length, latest: rounds[0] };
}

const run = (options: Record<string, string | number | boolean>) => h.discord.sendInteraction(h.discord.chatInput({ guildId: GUILD, name: "performance", user: USER, options }));
const finalEmbed = async (handle: InteractionHandle) => {
  await handle.awaitCall((c) => c.kind === "edit-original", 15_000);
  return handle.original?.data.embeds?.[0];
};

describe("/performance NMR payouts", () => {
  it("states one model's NMR paid and at risk over the rounds it used, as Numerai reported them", async () => {
    const embed = await finalEmbed(run({ model: "alpha_one", rounds: 30 }));
    const ref = servedNmr("alpha_one", 30);
    expect(ref.count).toBe(30);
    const field = embed?.fields?.find((f) => f.name === "Paid in NMR (as Numerai reported)")?.value ?? "";
    const sign = ref.paid >= 0 ? "+" : "";
    expect(field).toContain(`${sign}${ref.paid.toFixed(4)} NMR over 30 staked rounds (${((ref.paid / ref.atRisk) * 100).toFixed(3)}% per unit staked, mean at risk ${(ref.atRisk / 30).toFixed(2)})`);
    expect(field).toContain(`at risk ${Number(ref.latest?.atRisk).toFixed(2)} in round ${ref.latest?.roundNumber}`);
  });

  it("adds an NMR paid column to the table of every model", async () => {
    const embed = await finalEmbed(run({ rounds: 30 }));
    expect(embed?.description).toMatch(/CVaR5\s+NMR paid/);
    for (const name of ["alpha_one", "beta_main"]) {
      const ref = servedNmr(name, 30);
      expect(embed?.description).toMatch(new RegExp(`${name}\\s.*\\s${ref.paid >= 0 ? "\\+" : ""}${ref.paid.toFixed(2).replace(".", "\\.")}\\n`));
    }
  });
});
