/** /contribution: what each model does to the caller's portfolio Sharpe. */
import { SlashCommandBuilder } from "discord.js";
import { clockOf, type Command } from "../src/discord/command.js";
import { applyPress, initialView, viewAnalysis } from "../src/discord/view-state.js";
import { analysisAutocomplete, isEphemeral, missingOption, publicOption, readAnalysisOptions, roundsOption, scoreOption } from "./options.js";

const data = new SlashCommandBuilder()
  .setName("contribution")
  .setDescription("Each model's Sharpe, marginal and leave-one-out contribution, risk share and hedge value")
  .addStringOption(scoreOption)
  .addIntegerOption(roundsOption)
  .addStringOption(missingOption)
  .addBooleanOption(publicOption);

export const command: Command = {
  data,
  async execute({ options, caller, respond }, ctx) {
    const analysis = readAnalysisOptions(options);
    await respond.defer({ ephemeral: isEphemeral(options) });
    const result = ctx.services.portfolio.contribution({ userId: caller.userId }, analysis);
    // Views carry score and window only: a missing:zero reply gets links but no components.
    const view = analysis.missingAsZero ? null : initialView("contribution", caller.userId, analysis, clockOf(ctx));
    await respond.edit(await ctx.render("contribution", { ...result, ...(ctx.interactive ? { discord: { view } } : {}) }));
  },
  async components({ state, action, values, caller, respond }, ctx) {
    const view = applyPress(state, action, values, clockOf(ctx));
    const result = ctx.services.portfolio.contribution({ userId: caller.userId }, viewAnalysis(view));
    await respond.update(await ctx.render("contribution", { ...result, discord: { view } }));
  },
  autocomplete: analysisAutocomplete,
};
