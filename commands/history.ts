/**
 * /history: how the caller's portfolio's diversity and Sharpe moved through time. A command of its
 * own, not a `view:` of /correlation: its `window` option means nothing to the other commands.
 */
import { ApplicationCommandOptionType } from "discord.js";
import { defineCommand } from "../src/discord/command.js";
import { HISTORY_WINDOW } from "../src/services/portfolio.js";
import { analysisAutocomplete, analysisOf, isEphemeral, missingOption, publicOption, roundsOption, scoreOption } from "./options.js";

export const command = defineCommand({
  definition: {
    name: "history",
    description: "Through time: each model's correlation with the rest, effective bets and portfolio Sharpe",
    options: [
      scoreOption,
      {
        type: ApplicationCommandOptionType.Integer,
        name: "window",
        description: `Rounds in each rolling window (default ${HISTORY_WINDOW.default})`,
        min_value: HISTORY_WINDOW.min,
        max_value: HISTORY_WINDOW.max,
      },
      roundsOption,
      missingOption,
      publicOption,
    ],
  },
  async execute({ args, caller, respond }, ctx) {
    await respond.defer({ ephemeral: isEphemeral(args) });
    const result = ctx.services.portfolio.history({ userId: caller.userId }, { ...analysisOf(args), window: args.window });
    await respond.edit(await ctx.render("history", { ...result, ...(ctx.interactive ? { discord: { view: null } } : {}) }));
  },
  autocomplete: analysisAutocomplete,
});
