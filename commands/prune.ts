/** /prune: which of the caller's models to drop, and why. */
import { defineCommand } from "../src/discord/command.js";
import { analysisAutocomplete, analysisOf, isEphemeral, missingOption, publicOption, roundsOption, scoreOption } from "./options.js";

export const command = defineCommand({
  definition: {
    name: "prune",
    description: "Which models to drop to raise your portfolio's Sharpe, and why",
    options: [scoreOption, roundsOption, missingOption, publicOption],
  },
  async execute({ args, caller, respond }, ctx) {
    await respond.defer({ ephemeral: isEphemeral(args) });
    const result = ctx.services.portfolio.prune({ userId: caller.userId }, analysisOf(args));
    await respond.edit(await ctx.render("prune", { ...result, ...(ctx.interactive ? { discord: { view: null } } : {}) }));
  },
  autocomplete: analysisAutocomplete,
});
