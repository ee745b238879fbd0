/** /contribution: what each model does to the caller's portfolio Sharpe. */
import { SlashCommandBuilder } from "discord.js";
import type { Command } from "../src/discord/command.js";
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
    await respond.edit(await ctx.render("contribution", result));
  },
  autocomplete: analysisAutocomplete,
};
