/** /prune: which of the caller's models to drop, and why. */
import { SlashCommandBuilder } from "discord.js";
import type { Command } from "../src/discord/command.js";
import { analysisAutocomplete, isEphemeral, missingOption, publicOption, readAnalysisOptions, roundsOption, scoreOption } from "./options.js";

const data = new SlashCommandBuilder()
  .setName("prune")
  .setDescription("Which models to drop to raise your portfolio's Sharpe, and why")
  .addStringOption(scoreOption)
  .addIntegerOption(roundsOption)
  .addStringOption(missingOption)
  .addBooleanOption(publicOption);

export const command: Command = {
  data,
  async execute({ options, caller, respond }, ctx) {
    const analysis = readAnalysisOptions(options);
    await respond.defer({ ephemeral: isEphemeral(options) });
    const result = ctx.services.portfolio.prune({ userId: caller.userId }, analysis);
    await respond.edit(await ctx.render("prune", { ...result, ...(ctx.interactive ? { discord: { view: null } } : {}) }));
  },
  autocomplete: analysisAutocomplete,
};
