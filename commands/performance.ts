/** /performance: one model's or every model's statistics and cumulative score. */
import { defineCommand } from "../src/discord/command.js";
import { analysisAutocomplete, analysisOf, isEphemeral, modelOption, publicOption, roundsOption, scoreOption } from "./options.js";

export const command = defineCommand({
  definition: {
    name: "performance",
    description: "Statistics and a cumulative score chart for one of your models, or all of them",
    options: [modelOption("One of your models (default: all)"), scoreOption, roundsOption, publicOption],
  },
  async execute({ args, caller, respond }, ctx) {
    await respond.defer({ ephemeral: isEphemeral(args) });
    // The service checks the model is the caller's (autocomplete values are only suggestions).
    const result = ctx.services.portfolio.performance({ userId: caller.userId }, { ...analysisOf(args), model: args.model });
    await respond.edit(await ctx.render("performance", result));
  },
  autocomplete: analysisAutocomplete,
});
