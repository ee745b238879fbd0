/** /correlation: how alike the caller's models are. */
import { SlashCommandBuilder } from "discord.js";
import { clockOf, type Command } from "../src/discord/command.js";
import { applyPress, initialView, viewAnalysis } from "../src/discord/view-state.js";
import { analysisAutocomplete, isEphemeral, missingOption, publicOption, readAnalysisOptions, roundsOption, scoreOption } from "./options.js";

const data = new SlashCommandBuilder()
  .setName("correlation")
  .setDescription("How alike your models are: heatmap, closest pairs, near-duplicates, effective number of bets")
  .addStringOption(scoreOption)
  .addIntegerOption(roundsOption)
  .addStringOption(missingOption)
  .addStringOption((o) =>
    o
      .setName("method")
      .setDescription("Correlation measure (default pearson)")
      .addChoices({ name: "pearson", value: "pearson" }, { name: "spearman (ranks)", value: "spearman" }),
  )
  .addBooleanOption(publicOption);

export const command: Command = {
  data,
  async execute({ options, caller, respond }, ctx) {
    const method = options.getString("method") === "spearman" ? "spearman" : "pearson";
    const analysis = readAnalysisOptions(options);
    await respond.defer({ ephemeral: isEphemeral(options) });
    const result = ctx.services.portfolio.correlation({ userId: caller.userId }, { ...analysis, method });
    // Views carry score and window only: a Spearman or missing:zero reply gets links but no components.
    const view = method === "pearson" && !analysis.missingAsZero ? initialView("correlation", caller.userId, analysis, clockOf(ctx)) : null;
    await respond.edit(await ctx.render("correlation", { ...result, ...(ctx.interactive ? { discord: { view } } : {}) }));
  },
  async components({ state, action, values, caller, respond }, ctx) {
    const view = applyPress(state, action, values, clockOf(ctx));
    const result = ctx.services.portfolio.correlation({ userId: caller.userId }, viewAnalysis(view));
    await respond.update(await ctx.render("correlation", { ...result, discord: { view } }));
  },
  autocomplete: analysisAutocomplete,
};
