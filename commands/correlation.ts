/** /correlation: how alike the caller's models are. */
import { SlashCommandBuilder } from "discord.js";
import type { Command } from "../src/discord/command.js";
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
    await respond.edit(await ctx.render("correlation", result));
  },
  autocomplete: analysisAutocomplete,
};
