/** /contribution: what each model does to the caller's portfolio Sharpe. */
import { defineCommand } from "../src/discord/command.js";
import { analysisAutocomplete, analysisOf, isEphemeral, missingOption, publicOption, roundsOption, scoreOption } from "./options.js";

export const command = defineCommand({
  definition: {
    name: "contribution",
    description: "Each model's Sharpe, marginal and leave-one-out contribution, risk share and hedge value",
    options: [scoreOption, roundsOption, missingOption, publicOption],
  },
  async execute({ args, caller, respond }, ctx) {
    await respond.defer({ ephemeral: isEphemeral(args) });
    const result = ctx.services.portfolio.contribution({ userId: caller.userId }, analysisOf(args));
    await respond.edit(await ctx.render("contribution", result));
  },
  autocomplete: analysisAutocomplete,
});
