/** /correlation: how alike the caller's models are. */
import { ApplicationCommandOptionType } from "discord.js";
import { defineCommand } from "../src/discord/command.js";
import { analysisAutocomplete, analysisOf, isEphemeral, missingOption, publicOption, roundsOption, scoreOption } from "./options.js";

export const command = defineCommand({
  definition: {
    name: "correlation",
    description: "How alike your models are: heatmap, closest pairs, near-duplicates, effective number of bets",
    options: [
      scoreOption,
      roundsOption,
      missingOption,
      {
        type: ApplicationCommandOptionType.String,
        name: "method",
        description: "Correlation measure (default pearson)",
        choices: [
          { name: "pearson", value: "pearson" },
          { name: "spearman (ranks)", value: "spearman" },
        ],
      },
      publicOption,
    ],
  },
  async execute({ args, caller, respond }, ctx) {
    await respond.defer({ ephemeral: isEphemeral(args) });
    const result = ctx.services.portfolio.correlation({ userId: caller.userId }, { ...analysisOf(args), method: args.method ?? "pearson" });
    await respond.edit(await ctx.render("correlation", result));
  },
  autocomplete: analysisAutocomplete,
});
