/** /allocate: suggested weights for the caller's models, checked out of sample. */
import { SlashCommandBuilder } from "discord.js";
import type { Command } from "../src/discord/command.js";
import { ALLOCATION_METHOD_CHOICES } from "../src/services/portfolio.js";
import { analysisAutocomplete, isEphemeral, missingOption, publicOption, readAnalysisOptions, roundsOption, scoreOption } from "./options.js";


const data = new SlashCommandBuilder()
  .setName("allocate")
  .setDescription("Suggested weights beside your current ones, with an out-of-sample check")
  .addStringOption((o) => o.setName("method").setDescription("Allocation method (default: all)").addChoices(...ALLOCATION_METHOD_CHOICES))
  .addNumberOption((o) => o.setName("cap").setDescription("Largest weight one model may get, 0.05–1 (default 0.35)").setMinValue(0.05).setMaxValue(1))
  .addIntegerOption(roundsOption)
  .addStringOption(scoreOption)
  .addStringOption(missingOption)
  .addBooleanOption(publicOption);

export const command: Command = {
  data,
  async execute({ options, caller, respond }, ctx) {
    const analysis = readAnalysisOptions(options);
    const method = options.getString("method") ?? "all";
    const cap = options.getNumber("cap");
    await respond.defer({ ephemeral: isEphemeral(options) });
    const result = ctx.services.portfolio.allocate({ userId: caller.userId }, { ...analysis, method, ...(cap !== null ? { cap } : {}) });
    await respond.edit(await ctx.render("allocate", result));
  },
  autocomplete: analysisAutocomplete,
};
