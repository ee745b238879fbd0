/** /performance: one model's or every model's statistics and cumulative score. */
import { SlashCommandBuilder } from "discord.js";
import { clockOf, type Command } from "../src/discord/command.js";
import { applyPress, initialView, viewAnalysis } from "../src/discord/view-state.js";
import { analysisAutocomplete, isEphemeral, modelOption, publicOption, readAnalysisOptions, roundsOption, scoreOption } from "./options.js";

const data = new SlashCommandBuilder()
  .setName("performance")
  .setDescription("Statistics and a cumulative score chart for one of your models, or all of them")
  .addStringOption(modelOption(false, "One of your models (default: all)"))
  .addStringOption(scoreOption)
  .addIntegerOption(roundsOption)
  .addBooleanOption(publicOption);

export const command: Command = {
  data,
  async execute({ options, caller, respond }, ctx) {
    const analysis = readAnalysisOptions(options);
    const model = options.getString("model") ?? undefined;
    await respond.defer({ ephemeral: isEphemeral(options) });
    // The service checks the model is the caller's (autocomplete values are only suggestions).
    const result = ctx.services.portfolio.performance({ userId: caller.userId }, { ...analysis, model });
    // Views carry score, window and page only: a one-model reply gets links but no components.
    const view = model === undefined ? initialView("performance", caller.userId, analysis, clockOf(ctx)) : null;
    await respond.edit(await ctx.render("performance", { ...result, ...(ctx.interactive ? { discord: { view } } : {}) }));
  },
  async components({ state, action, values, caller, respond }, ctx) {
    const view = applyPress(state, action, values, clockOf(ctx));
    const result = ctx.services.portfolio.performance({ userId: caller.userId }, viewAnalysis(view));
    await respond.update(await ctx.render("performance", { ...result, discord: { view } }));
  },
  autocomplete: analysisAutocomplete,
};
